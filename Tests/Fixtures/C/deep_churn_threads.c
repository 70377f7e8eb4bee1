/* deep_churn's allocation churn split over threads, for `make bench` (issue 11: does tracking
 * scale when two threads allocate at once?). Usage: deep_churn_threads [threads] [pairs]
 * (default 2 threads, 800 000 malloc/free pairs in all, split evenly).
 *
 * Each thread makes its share of pairs (1..512 B, xorshift seeded by the thread index) at
 * the bottom of the same 12-deep chain as deep_churn: plain recursion with a variable-size
 * (alloca) frame every fourth level. A barrier releases the threads together. Run with one
 * thread it is the same work on one core, which the bench compares with. The churn is one
 * memgate region when the tracker is preloaded; untracked, the region calls are skipped.
 * Prints the allocation count and total requested bytes. */
#define _GNU_SOURCE
#include <alloca.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64
#define DEPTH 12

typedef struct worker {
    pthread_t thread;
    uint32_t random_state;
    long pairs;
    uint64_t requested_bytes;
} worker;

static pthread_barrier_t start_line;
/* Keeps the optimizer from pairing malloc with free away. */
static char *volatile last_block;

/* xorshift32; the seed must be non-zero. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

__attribute__((noinline)) static void churn_at_bottom(worker *self) {
    for (long i = 0; i < self->pairs; i++) {
        size_t bytes = 1 + next_random(&self->random_state) % 512;
        char *block = malloc(bytes);
        block[0] = (char)i;
        last_block = block;
        self->requested_bytes += bytes;
        free(block);
    }
}

__attribute__((noinline)) static void with_variable_frame(int depth, worker *self);

__attribute__((noinline)) static void descend(int depth, worker *self) {
    if (depth == 0) {
        churn_at_bottom(self);
        return;
    }
    if (depth % 4 == 0) {
        with_variable_frame(depth - 1, self);
    } else {
        descend(depth - 1, self);
    }
    __asm__ volatile("" ::: "memory"); /* keep the call from becoming a tail call */
}

__attribute__((noinline)) static void with_variable_frame(int depth, worker *self) {
    char *scratch = alloca(16 + (size_t)depth * 8);
    memset(scratch, depth, 16);
    descend(depth, self);
    __asm__ volatile("" ::: "memory");
}

static void *run_worker(void *argument) {
    worker *self = argument;
    pthread_barrier_wait(&start_line);
    descend(DEPTH, self);
    return NULL;
}

int main(int argc, char **argv) {
    long threads = argc > 1 ? atol(argv[1]) : 2;
    long pairs = argc > 2 ? atol(argv[2]) : 800000;
    if (threads < 1 || threads > MAX_THREADS || pairs < threads) {
        fprintf(stderr, "usage: deep_churn_threads [threads 1..%d] [pairs >= threads]\n", MAX_THREADS);
        return 2;
    }
    int (*begin)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "memgate_region_begin");
    int (*end)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "memgate_region_end");
    static worker workers[MAX_THREADS];
    pthread_barrier_init(&start_line, NULL, (unsigned)threads + 1);
    for (long i = 0; i < threads; i++) {
        workers[i].random_state = (uint32_t)i + 1;
        workers[i].pairs = pairs / threads + (i < pairs % threads ? 1 : 0);
        if (pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) != 0) return 1;
    }
    if (begin) begin("deep_churn_threads");
    pthread_barrier_wait(&start_line);
    uint64_t total = 0;
    for (long i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        total += workers[i].requested_bytes;
    }
    if (end) end();
    printf("allocations %ld total %llu\n", pairs, (unsigned long long)total);
    return 0;
}

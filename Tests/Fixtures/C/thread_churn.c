/* Ground truth for the tracker under contention: 8 threads each make 200 000 malloc/free
 * pairs of pseudo-random sizes (1..4096 B, per-thread xorshift seeded by the thread index),
 * all released together by a barrier. The churn is measured as one region that main
 * begins after creating the threads and ends after joining them, so the region holds
 * exactly the threads' 1 600 000 allocations and nothing else.
 *
 * Prints "total <bytes>": the sum of every size requested, for the test to compare with
 * the capture's total bytes. Exits 0 on success, 1 when the region API is missing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8
#define PAIRS_PER_THREAD 200000

typedef struct worker {
    pthread_t thread;
    uint32_t index;
    uint64_t requested_bytes;
} worker;

static pthread_barrier_t start_line;

/* xorshift32; the seed must be non-zero, hence index + 1. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

__attribute__((noinline)) static void *churn(void *argument) {
    worker *self = argument;
    uint32_t state = self->index + 1;
    uint64_t sum = 0;
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < PAIRS_PER_THREAD; i++) {
        size_t bytes = 1 + next_random(&state) % 4096;
        volatile char *block = malloc(bytes);
        block[0] = 1; /* touch it so the pair cannot be optimized away */
        free((void *)block);
        sum += bytes;
    }
    self->requested_bytes = sum;
    return NULL;
}

int main(void) {
    int (*region_begin)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "memgate_region_begin");
    int (*region_end)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "memgate_region_end");
    if (!region_begin || !region_end) {
        fprintf(stderr, "thread_churn: run under libmemgate_tracker.so (memgate_region_begin not found)\n");
        return 1;
    }
    static worker workers[THREADS];
    pthread_barrier_init(&start_line, NULL, THREADS + 1);
    for (uint32_t i = 0; i < THREADS; i++) {
        workers[i].index = i;
        pthread_create(&workers[i].thread, NULL, churn, &workers[i]);
    }
    region_begin("thread_churn");
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < THREADS; i++) pthread_join(workers[i].thread, NULL);
    region_end();
    uint64_t total = 0;
    for (int i = 0; i < THREADS; i++) total += workers[i].requested_bytes;
    printf("total %llu\n", (unsigned long long)total);
    return 0;
}

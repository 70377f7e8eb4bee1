/* Ground truth for the tracker's multi-threaded exactness: THREADS threads each allocate
 * BLOCKS blocks of pseudo-random sizes (1..64 B, per-thread xorshift seeded by the thread
 * index), all started together by a barrier; a second barrier separates that phase from the
 * frees, and each thread then frees the blocks its neighbour allocated (thread i frees those
 * of thread (i + 1) % THREADS), so every free comes from another thread than the allocation.
 * The churn is one region that main begins after creating the threads and ends after
 * joining them, so the region holds exactly the threads' allocations, and its peak is exactly
 * the sum of every size: all blocks are live between the two barriers.
 *
 * Usage: cross_thread_free [THREADS [BLOCKS]]  (default 8 threads × 1 000 000 blocks).
 * Prints "total <bytes>": the sum of every size requested. Exits 1 when the region API is
 * missing (not run under libmemgate_tracker.so).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MAX_THREADS 64

typedef struct worker {
    pthread_t thread;
    uint32_t index;
    char **blocks; /* this thread's allocations, freed by its neighbour */
    uint64_t requested_bytes;
} worker;

static pthread_barrier_t start_line;
static pthread_barrier_t all_allocated;
static worker workers[MAX_THREADS];
static int thread_count = 8;
static long blocks_per_thread = 1000000;

/* xorshift32; the seed must be non-zero, hence index + 1. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

__attribute__((noinline)) static void allocate_all(worker *self) {
    uint32_t state = self->index + 1;
    uint64_t sum = 0;
    for (long i = 0; i < blocks_per_thread; i++) {
        size_t bytes = 1 + next_random(&state) % 64;
        char *block = malloc(bytes);
        block[0] = 1;
        self->blocks[i] = block;
        sum += bytes;
    }
    self->requested_bytes = sum;
}

__attribute__((noinline)) static void free_neighbour(worker *self) {
    worker *neighbour = &workers[(self->index + 1) % (uint32_t)thread_count];
    for (long i = 0; i < blocks_per_thread; i++) free(neighbour->blocks[i]);
}

static void *run_worker(void *argument) {
    worker *self = argument;
    pthread_barrier_wait(&start_line);
    allocate_all(self);
    pthread_barrier_wait(&all_allocated);
    free_neighbour(self);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1) thread_count = atoi(argv[1]);
    if (argc > 2) blocks_per_thread = atol(argv[2]);
    if (thread_count < 1 || thread_count > MAX_THREADS || blocks_per_thread < 1) {
        fprintf(stderr, "usage: cross_thread_free [THREADS (1..%d) [BLOCKS]]\n", MAX_THREADS);
        return 2;
    }
    int (*region_begin)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "memgate_region_begin");
    int (*region_end)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "memgate_region_end");
    pthread_barrier_init(&start_line, NULL, (unsigned)thread_count + 1);
    pthread_barrier_init(&all_allocated, NULL, (unsigned)thread_count);
    for (int i = 0; i < thread_count; i++) {
        workers[i].index = (uint32_t)i;
        /* Outside malloc, so the pointer arrays are not part of the measured figures. */
        workers[i].blocks = mmap(NULL, (size_t)blocks_per_thread * sizeof(char *), PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (workers[i].blocks == MAP_FAILED) return 3;
        pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]);
    }
    if (region_begin) region_begin("cross_thread_free");
    pthread_barrier_wait(&start_line);
    uint64_t total = 0;
    for (int i = 0; i < thread_count; i++) {
        pthread_join(workers[i].thread, NULL);
        total += workers[i].requested_bytes;
    }
    if (region_end) region_end();
    printf("total %llu\n", (unsigned long long)total);
    return region_begin ? 0 : 1;
}

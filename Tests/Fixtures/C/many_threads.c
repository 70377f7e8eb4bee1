/* More threads than the tracker has slots (256): 400 threads each hold 100 blocks of 1000 B at
 * once (a barrier holds them all live together), then free them. The second round runs in a
 * region, after the first round's threads have ended and given their slots back, so slots are
 * reused and 144 threads share the overflow counter. The region's bytes at `hold_blocks` are
 * exactly 400 × 100 × 1000 = 40 000 000 B at its peak, in 40 000 allocations.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 400
#define BLOCKS 100

static pthread_barrier_t all_holding;

__attribute__((noinline)) static void hold_blocks(void **blocks) {
    for (int i = 0; i < BLOCKS; i++) blocks[i] = malloc(1000);
}

static void *run(void *unused) {
    (void)unused;
    void *blocks[BLOCKS];
    pthread_barrier_wait(&all_holding);
    hold_blocks(blocks);
    pthread_barrier_wait(&all_holding);
    for (int i = 0; i < BLOCKS; i++) free(blocks[i]);
    return NULL;
}

static void run_round(void) {
    static pthread_t threads[THREADS];
    pthread_barrier_init(&all_holding, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, run, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&all_holding);
}

int main(void) {
    int (*region_begin)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "memgate_region_begin");
    int (*region_end)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "memgate_region_end");
    run_round();
    if (region_begin) region_begin("many_threads");
    run_round();
    if (region_end) region_end();
    puts("done");
    return region_begin ? 0 : 1;
}

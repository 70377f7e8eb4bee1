/* Threads that call pthread_getattr_np on themselves before anything else, as Rust's std and
 * the JVM do at thread start: glibc allocates inside it while holding the thread's lock, so a
 * tracker that asks for stack bounds from its malloc hook deadlocks here. Each of 4 threads
 * then holds exactly 1 MiB (hold_mebibyte) at a barrier: the peak includes exactly 4 MiB. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
static pthread_barrier_t barrier;

static void ask_own_stack(void) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) == 0) pthread_attr_destroy(&attributes);
}

__attribute__((noinline)) static char *hold_mebibyte(void) {
    char *block = malloc(1 << 20);
    memset(block, 1, 1 << 20);
    return block;
}

static void *worker(void *unused) {
    (void)unused;
    ask_own_stack();
    char *block = hold_mebibyte();
    pthread_barrier_wait(&barrier); /* all four blocks live together */
    pthread_barrier_wait(&barrier);
    free(block);
    return NULL;
}

int main(void) {
    ask_own_stack(); /* the main thread's path reads /proc/self/maps with fopen */
    pthread_barrier_init(&barrier, NULL, THREADS + 1);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, worker, NULL);
    pthread_barrier_wait(&barrier);
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    puts("done");
    return 0;
}

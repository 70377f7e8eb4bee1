/* A thread created with the smallest stack POSIX allows (PTHREAD_STACK_MIN) that uses about
 * 7 KiB of it and then allocates 4096 B (allocate_deep): the tracker's hook must fit in what
 * is left. Prints "ok" when the thread ran to the end. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef STACK_USED_BYTES
#define STACK_USED_BYTES (7 * 1024)
#endif

__attribute__((noinline)) static void *allocate_deep(void) { return malloc(4096); }

__attribute__((noinline)) static void *use_stack_then_allocate(void) {
    volatile char scratch[STACK_USED_BYTES];
    memset((char *)scratch, 1, sizeof scratch);
    void *block = allocate_deep();
    return scratch[100] == 1 ? block : NULL;
}

static void *worker(void *unused) {
    (void)unused;
    return use_stack_then_allocate();
}

int main(void) {
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, PTHREAD_STACK_MIN);
    pthread_t thread;
    if (pthread_create(&thread, &attributes, worker, NULL) != 0) return 2;
    void *block = NULL;
    pthread_join(thread, &block);
    free(block);
    puts(block ? "ok" : "failed");
    return block ? 0 : 1;
}

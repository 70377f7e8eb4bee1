/* Children killed in the middle of their work leave captures that read back: five times, a
 * forked child runs two threads that allocate (at 100 call depths), reallocate and free each
 * other's blocks without end, and the parent kills it with SIGKILL 100 ms after the child says
 * (through a pipe) it has made 1 000 events, so a loaded machine cannot kill it before it began. Every child capture is
 * then unfinished but must be consistent event by event (no stack with negative live
 * bytes, whatever instruction the kill landed on). Exits 0 once the five children are reaped.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLOTS 1024

static void *volatile shared[SLOTS];
static int ready_fd = -1; /* the child's end of the pipe its parent waits on */

/* Allocates at one of 100 call depths, so the children's events spread over many stacks. */
__attribute__((noinline)) static void *allocate_at(int depth, size_t bytes) {
    if (depth == 0) return malloc(bytes);
    void *block = allocate_at(depth - 1, bytes);
    __asm__ volatile("" ::: "memory"); /* not a tail call: each depth is its own stack */
    return block;
}

static void *churn(void *argument) {
    uint32_t state = (uint32_t)(uintptr_t)argument;
    for (uint64_t events = 0;; events++) {
        if (events == 1000 && write(ready_fd, "r", 1) != 1) _exit(3);
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        uint32_t slot = state % SLOTS;
        void *block = __atomic_exchange_n(&shared[slot], NULL, __ATOMIC_ACQ_REL);
        if (block && (state & 1)) block = realloc(block, 1 + (state >> 20) % 512);
        if (block && (state & 2)) {
            free(block); /* often a block the other thread allocated */
            block = NULL;
        }
        if (!block) block = allocate_at((int)(state % 100), 1 + (state >> 12) % 256);
        block = __atomic_exchange_n(&shared[slot], block, __ATOMIC_ACQ_REL);
        free(block);
    }
    return NULL;
}

int main(void) {
    for (int round = 0; round < 5; round++) {
        int ready[2];
        if (pipe(ready) != 0) return 2;
        pid_t child = fork();
        if (child == 0) {
            close(ready[0]);
            ready_fd = ready[1];
            pthread_t other;
            pthread_create(&other, NULL, churn, (void *)(uintptr_t)(round * 2 + 1));
            churn((void *)(uintptr_t)(round * 2 + 2));
        }
        close(ready[1]);
        char byte;
        if (read(ready[0], &byte, 1) != 1) return 2;
        close(ready[0]);
        usleep(100 * 1000);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    return 0;
}

/* Ground truth for raw clone(): the parent holds exactly 8 MiB (hold_parent_blocks) while a
 * child made with the clone system call itself (no CLONE_VM, so pthread_atfork handlers never
 * run) holds 50 MiB, then frees it and ends with _exit. The child is a copy of the parent: it
 * must not write into the parent's capture (the parent's peak is exactly 8 MiB), and it is a
 * process of the tree like any other (its own peak 50 MiB, the tree's 58 MiB). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static void *hold_parent_blocks(void) {
    void *block = malloc(8 * MIB);
    memset(block, 1, 8 * MIB);
    return block;
}

__attribute__((noinline)) static void churn_in_child(void) {
    void *block = malloc(50 * MIB);
    memset(block, 2, 50 * MIB);
    free(block);
}

int main(void) {
    void *held = hold_parent_blocks();
    long child = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (child == 0) {
        churn_in_child();
        _exit(0);
    }
    int status = 0;
    waitpid((pid_t)child, &status, 0);
    free(held);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* Ground truth for fork: the parent holds exactly 1 MiB (hold_parent_megabyte) while a
 * forked child allocates and frees 8 MiB (churn_in_child); the parent reaps the child and
 * only then frees its block. Children are not tracked, so the parent's capture must show a
 * 1 MiB peak, one allocation and one free, whatever the child does before it ends:
 *
 *   (no argument) or "_exit": the child ends with _exit(0) (no destructors)
 *   "exit":                   the child ends with exit(0) (runs the tracker's destructor)
 *   "free-inherited":         the child also frees its copy of the parent's block, then _exit(0)
 *
 * Prints "parent <pid> child <pid> status <status>" with write(2) after the child is reaped,
 * so stdio never allocates while the block is held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static void *hold_parent_megabyte(void) {
    void *block = malloc(MIB);
    memset(block, 1, MIB);
    return block;
}

__attribute__((noinline)) static void churn_in_child(void) {
    void *block = malloc(8 * MIB);
    memset(block, 2, 8 * MIB);
    free(block);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "_exit";
    void *kept = hold_parent_megabyte();
    pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        churn_in_child();
        if (strcmp(mode, "free-inherited") == 0) free(kept);
        if (strcmp(mode, "exit") == 0) exit(0);
        _exit(0);
    }
    int status = -1;
    if (waitpid(child, &status, 0) != child) return 3;
    char line[96];
    int length = snprintf(line, sizeof line, "parent %d child %d status %d\n", (int)getpid(), (int)child, status);
    if (write(STDOUT_FILENO, line, (size_t)length) != length) return 4;
    free(kept);
    return 0;
}

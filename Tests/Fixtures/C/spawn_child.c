/* Ground truth for fork+exec'd helpers: the parent holds exactly 2 MiB + 777 B
 * (hold_spawn_parent_block) while it posix_spawns the program given as argv[1..] (the tests
 * pass exact_peak, which would write a 3 MiB + 12 345 B capture if it were tracked) and then
 * runs system("/bin/true"); it frees the block after both have been reaped.
 *
 * Inherited MEMGATE_* variables must not make either helper the tracked process, so the
 * capture at the base path is the parent's: peak 2 MiB + 777 B from hold_spawn_parent_block.
 *
 * Prints "parent <pid> spawned <status> system <status>" with write(2) after both helpers
 * ended, so stdio never allocates while the block is held.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024 * 1024)

extern char **environ;

__attribute__((noinline)) static void *hold_spawn_parent_block(void) {
    void *block = malloc(2 * MIB + 777);
    memset(block, 1, 2 * MIB + 777);
    return block;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    void *kept = hold_spawn_parent_block();
    pid_t child;
    if (posix_spawn(&child, argv[1], NULL, NULL, argv + 1, environ) != 0) return 3;
    int spawned = -1;
    if (waitpid(child, &spawned, 0) != child) return 4;
    int shell = system("/bin/true");
    char line[96];
    int length = snprintf(line, sizeof line, "parent %d spawned %d system %d\n", (int)getpid(), spawned, shell);
    if (write(STDOUT_FILENO, line, (size_t)length) != length) return 5;
    free(kept);
    return 0;
}

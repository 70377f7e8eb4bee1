/* Ground truth for process trees. Processes synchronise through pipes so the moments that
 * matter are exact, and nothing but the named blocks is allocated while they are held.
 *
 *   three:    the parent and two forked children each hold exactly 10 MiB (hold_ten_mebibytes)
 *             at one moment: the tree's peak is exactly 30 MiB.
 *   handoff:  the parent holds 20 MiB (hold_parent_blocks), starts a child, frees its block, and
 *             only then lets the child allocate 15 MiB (hold_in_child): the tree's peak is 20 MiB,
 *             not the 35 MiB the per-process peaks add up to.
 *   vfork:    vfork + exec of the program given as the next argument (a child that execs); the
 *             parent then allocates 1 MiB (hold_after_vfork), which must be counted: the
 *             child ran the tracker's exec hook on the parent's thread memory.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static char *hold_ten_mebibytes(void) {
    char *block = malloc(10 * MIB);
    memset(block, 1, 10 * MIB);
    return block;
}

__attribute__((noinline)) static char *hold_parent_blocks(void) {
    char *block = malloc(20 * MIB);
    memset(block, 2, 20 * MIB);
    return block;
}

__attribute__((noinline)) static char *hold_in_child(void) {
    char *block = malloc(15 * MIB);
    memset(block, 3, 15 * MIB);
    return block;
}

static void signal_byte(int fd) {
    char byte = 1;
    if (write(fd, &byte, 1) != 1) _exit(3);
}

static void wait_byte(int fd) {
    char byte;
    if (read(fd, &byte, 1) != 1) _exit(4);
}

static int three(void) {
    int ready[2], release[2];
    if (pipe(ready) != 0 || pipe(release) != 0) return 2;
    char *mine = hold_ten_mebibytes();
    pid_t children[2];
    for (int i = 0; i < 2; i++) {
        children[i] = fork();
        if (children[i] == 0) {
            char *block = hold_ten_mebibytes();
            signal_byte(ready[1]);
            wait_byte(release[0]);
            free(block);
            _exit(0);
        }
    }
    wait_byte(ready[0]);
    wait_byte(ready[0]); /* all three blocks are live now */
    signal_byte(release[1]);
    signal_byte(release[1]);
    int failures = 0;
    for (int i = 0; i < 2; i++) {
        int status = 0;
        waitpid(children[i], &status, 0);
        failures += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    free(mine);
    return failures;
}

static int handoff(void) {
    int freed[2];
    if (pipe(freed) != 0) return 2;
    char *mine = hold_parent_blocks();
    pid_t child = fork();
    if (child == 0) {
        wait_byte(freed[0]); /* the parent's 20 MiB are gone */
        char *block = hold_in_child();
        free(block);
        _exit(0);
    }
    free(mine);
    signal_byte(freed[1]);
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

__attribute__((noinline)) static void hold_after_vfork(void) {
    char *block = malloc(MIB);
    memset(block, 4, MIB);
    free(block);
}

static int vfork_exec(char **argv) {
    pid_t child = vfork();
    if (child == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    hold_after_vfork();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "three") == 0) return three();
    if (argc > 1 && strcmp(argv[1], "handoff") == 0) return handoff();
    if (argc > 2 && strcmp(argv[1], "vfork") == 0) return vfork_exec(argv + 2);
    return 2;
}

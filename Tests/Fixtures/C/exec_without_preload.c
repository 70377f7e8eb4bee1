/* A launcher that holds 1 MiB, removes LD_PRELOAD from its environment and execs the program
 * given as its arguments (as sandboxes and some launchers do). The new image runs untracked,
 * so the capture is left at the exec: the case must be "not measured", never a pass. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char *held = malloc(1 << 20);
    memset(held, 1, 1 << 20);
    unsetenv("LD_PRELOAD");
    execvp(argv[1], argv + 1);
    return 127;
}

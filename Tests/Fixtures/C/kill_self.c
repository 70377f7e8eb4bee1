/* Ground truth for a target killed mid-run: holds 50 MiB from a named function, then
 * SIGKILLs itself, so the tracker's destructor never runs and the capture is left
 * unfinished with the 50 MiB peak already on disk.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static void *hold_fifty_megabytes(void) {
    void *block = malloc(50 * MIB);
    memset(block, 3, 50 * MIB);
    return block;
}

int main(void) {
    volatile void *kept = hold_fifty_megabytes();
    (void)kept;
    raise(SIGKILL);
    return 0;
}

/* A plugin loaded with dlopen by dlopen_crash.c: plugin_hold_two_mebibytes holds 2 MiB. */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void *plugin_hold_two_mebibytes(void) {
    void *block = malloc(2 << 20);
    memset(block, 7, 2 << 20);
    return block;
}

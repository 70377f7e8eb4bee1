/* Requests argv[1] MiB (default 256) one mebibyte at a time with malloc and writes every page,
 * so each mebibyte is resident as soon as it is requested; frees nothing before it exits. Under
 * a memory cgroup capped below that (oom-limit: 64 MB) the kernel's OOM killer ends it part way. */
#include <stdlib.h>
#include <string.h>

#define MIB (1024 * 1024)

int main(int argc, char **argv) {
    long mebibytes = argc > 1 ? strtol(argv[1], NULL, 10) : 256;
    for (long index = 0; index < mebibytes; index++) {
        char *block = malloc(MIB);
        if (block == NULL) return 2;
        memset(block, 1, MIB);
    }
    return 0;
}

/* Ground truth for reserved address space, as V8 and the JVM use it: 64 MiB reserved with
 * PROT_NONE (not memory), then 4 MiB made accessible with mprotect (commit_with_mprotect) and
 * 2 MiB mapped MAP_FIXED inside the reservation (commit_with_map_fixed): the peak is exactly
 * 6 MiB. 1 MiB is then made PROT_NONE again (released) and everything is unmapped. */
#include <string.h>
#include <sys/mman.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static void commit_with_mprotect(char *base) {
    mprotect(base, 4 * MIB, PROT_READ | PROT_WRITE);
    memset(base, 1, 4 * MIB);
}

__attribute__((noinline)) static void commit_with_map_fixed(char *base) {
    char *piece = mmap(base + 8 * MIB, 2 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    memset(piece, 2, 2 * MIB);
}

int main(void) {
    char *base = mmap(NULL, 64 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return 1;
    commit_with_mprotect(base);
    commit_with_map_fixed(base);
    mprotect(base, MIB, PROT_NONE); /* decommitted: 5 MiB live */
    munmap(base, 64 * MIB);
    return 0;
}

/* Ground truth for the tracker: holds exactly 3 x 1 MiB + 12 345 B at its peak, from
 * named functions, then frees everything. Also exercises realloc growth, calloc,
 * posix_memalign and a 4 MiB anonymous mmap, each below the peak and each exact.
 *
 *   phase 1: realloc 100 -> 5000 B, calloc 10 x 300 B, posix_memalign 2048 B, then free all
 *   phase 2: 3 x 1 MiB (hold_megabyte) + 12 345 B (hold_odd_bytes) live together = the peak
 *
 * With the argument `mmap` it instead maps 4 MiB anonymously and unmaps it (peak 4 MiB),
 * kept apart so the mapping does not become the peak of the main run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static void *hold_megabyte(void) {
    void *block = malloc(MIB);
    memset(block, 1, MIB);
    return block;
}

__attribute__((noinline)) static void *hold_odd_bytes(void) { return malloc(12345); }

__attribute__((noinline)) static void grow_with_realloc(void) {
    char *buffer = malloc(100);
    buffer = realloc(buffer, 5000);
    free(buffer);
}

__attribute__((noinline)) static void zeroed_with_calloc(void) {
    void *table = calloc(10, 300);
    free(table);
}

__attribute__((noinline)) static void aligned_with_posix_memalign(void) {
    void *block = NULL;
    if (posix_memalign(&block, 64, 2048) == 0) free(block);
}

__attribute__((noinline)) static void map_four_megabytes(void) {
    void *region = mmap(NULL, 4 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(region, 2, 4 * MIB);
    munmap(region, 4 * MIB);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "mmap") == 0) {
        map_four_megabytes();
        return 0;
    }
    grow_with_realloc();
    zeroed_with_calloc();
    aligned_with_posix_memalign();
    void *blocks[3];
    for (int i = 0; i < 3; i++) blocks[i] = hold_megabyte();
    void *odd = hold_odd_bytes();
    for (int i = 0; i < 3; i++) free(blocks[i]);
    free(odd);
    return 0;
}

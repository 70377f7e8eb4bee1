/* Ground truth for munmap calls that do not match one tracked mapping exactly. Either way
 * 32 KiB is mapped at the peak and nothing is mapped at the end.
 *
 *   tail: one 32 KiB anonymous mapping, unmapped in two calls, the upper half first
 *   span: a 32 KiB PROT_NONE reservation (not counted) replaced by two 16 KiB MAP_FIXED mappings (the first at the
 *         reservation's start), both unmapped by one munmap call
 */
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096
#define PROTECTION (PROT_READ | PROT_WRITE)
#define ANONYMOUS (MAP_PRIVATE | MAP_ANONYMOUS)

__attribute__((noinline)) static void unmap_upper_half_first(void) {
    char *region = mmap(NULL, 8 * PAGE, PROTECTION, ANONYMOUS, -1, 0);
    memset(region, 1, 8 * PAGE);
    munmap(region + 4 * PAGE, 4 * PAGE);
    munmap(region, 4 * PAGE);
}

__attribute__((noinline)) static void unmap_two_mappings_at_once(void) {
    char *region = mmap(NULL, 8 * PAGE, PROT_NONE, ANONYMOUS, -1, 0);
    mmap(region, 4 * PAGE, PROTECTION, ANONYMOUS | MAP_FIXED, -1, 0);
    mmap(region + 4 * PAGE, 4 * PAGE, PROTECTION, ANONYMOUS | MAP_FIXED, -1, 0);
    memset(region, 2, 8 * PAGE);
    munmap(region, 8 * PAGE);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "span") == 0) {
        unmap_two_mappings_at_once();
    } else {
        unmap_upper_half_first();
    }
    return 0;
}

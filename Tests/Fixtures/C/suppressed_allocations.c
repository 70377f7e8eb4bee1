/* Ground truth for native suppressions: three sites with exact figures.
 *
 *   cache_forever     1 MiB (1 048 576 B), never freed: live at the peak and at the end
 *   vendor_scratch    512 KiB (524 288 B) in 2 allocations, live at the peak, freed
 *   parse_input       100 000 B, live at the peak, freed
 *
 * Peak 1 672 864 B, total 1 672 864 B, 4 allocations, 1 048 576 B live at the end.
 */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void *cache_forever(void) {
    void *block = malloc(1048576);
    memset(block, 1, 1048576);
    return block;
}

__attribute__((noinline)) static void *vendor_scratch(size_t size) {
    void *block = malloc(size);
    memset(block, 2, size);
    return block;
}

__attribute__((noinline)) static void *parse_input(void) {
    void *block = malloc(100000);
    memset(block, 3, 100000);
    return block;
}

int main(void) {
    void *cache = cache_forever();
    void *first = vendor_scratch(262144);
    void *second = vendor_scratch(262144);
    void *input = parse_input();
    free(input);
    free(second);
    free(first);
    (void)cache; /* leaked on purpose */
    return 0;
}

/* Holds exactly argv[1] bytes (one malloc, touched, then freed): a peak chosen by the caller,
 * for suites of many targets with distinct, exact figures (the sharding tests). */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    size_t size = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
    char *block = malloc(size);
    if (block == NULL) return 2;
    memset(block, 1, size);
    free(block);
    return 0;
}

/* Ground truth for a large capture: a binary recursion 15 calls deep whose two call sites
 * differ, so each of its 32 768 leaves allocates 32 bytes from a distinct stack (about 11 MB
 * of stacks and frames once compacted). All blocks are live at the peak: 1 MiB exactly. */
#include <stdlib.h>

#define DEPTH 15

static void *blocks[1 << DEPTH];
static int next_block;

__attribute__((noinline)) static void descend(int level);

__attribute__((noinline)) static void left(int level) {
    descend(level + 1);
    __asm__ volatile("" ::: "memory"); /* keeps the call from becoming a tail call */
}

__attribute__((noinline)) static void right(int level) {
    descend(level + 1);
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void descend(int level) {
    if (level == DEPTH) {
        blocks[next_block++] = malloc(32);
        return;
    }
    left(level);
    right(level);
    __asm__ volatile("" ::: "memory");
}

int main(void) {
    descend(0);
    for (int i = 0; i < next_block; i++) free(blocks[i]);
    return 0;
}

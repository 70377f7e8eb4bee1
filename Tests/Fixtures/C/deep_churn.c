/* Allocation churn at the bottom of a 12-deep call chain, for the unwinding tests and
 * `make bench`. Usage: deep_churn [pairs]  (default 200 000 malloc/free pairs).
 *
 * The chain mixes a plain recursive function with one whose frame size varies (alloca),
 * and a callback through qsort (libc, compiled without frame pointers), so learned
 * unwind rules meet frame-pointer frames, fixed-size frames and foreign library frames.
 * The measured part runs in a memgate region when the tracker is preloaded. Prints the
 * allocation count and total requested bytes so tests can compare them with the capture. */
#include <alloca.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long pairs = 200000;
static unsigned long long total_bytes;
static unsigned long long allocations;
static unsigned state = 2463534242u;
/* Keeps the optimizer from pairing malloc with free away. */
static char *volatile last_block;

static unsigned next_random(void) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

__attribute__((noinline)) static void churn_at_bottom(long count) {
    for (long i = 0; i < count; i++) {
        size_t bytes = 1 + next_random() % 512;
        char *block = malloc(bytes);
        block[0] = (char)i;
        last_block = block;
        total_bytes += bytes;
        allocations++;
        free(last_block);
    }
}

__attribute__((noinline)) static void with_variable_frame(int depth, long count);

__attribute__((noinline)) static void descend(int depth, long count) {
    if (depth == 0) {
        churn_at_bottom(count);
        return;
    }
    if (depth % 4 == 0) {
        with_variable_frame(depth - 1, count);
    } else {
        descend(depth - 1, count);
    }
    __asm__ volatile("" ::: "memory"); /* keep the call from becoming a tail call */
}

__attribute__((noinline)) static void with_variable_frame(int depth, long count) {
    char *scratch = alloca(16 + (size_t)depth * 8);
    memset(scratch, depth, 16);
    descend(depth, count);
    __asm__ volatile("" ::: "memory");
}

static int compare_and_churn(const void *left, const void *right) {
    churn_at_bottom(pairs / 1000);
    return *(const int *)left - *(const int *)right;
}

int main(int argc, char **argv) {
    if (argc > 1) pairs = atol(argv[1]);
    int (*begin)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "memgate_region_begin");
    int (*end)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "memgate_region_end");
    if (begin) begin("deep_churn");
    descend(12, pairs);
    int values[8] = {5, 3, 7, 1, 8, 2, 6, 4};
    qsort(values, 8, sizeof values[0], compare_and_churn);
    if (end) end();
    printf("allocations %llu total %llu\n", allocations, total_bytes);
    return 0;
}

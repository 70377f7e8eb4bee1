/* A native target with fixed allocations: a 1 MiB input buffer, a table of 1000 records
 * and a 256 KiB scratch block, all freed at the end (so limit-leaks: 0 B holds). The
 * result is written with write(2), not stdio, whose buffer libc never frees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct record {
    char name[48];
    long value;
} record;

__attribute__((noinline)) static char *read_input(size_t bytes) {
    char *input = malloc(bytes);
    for (size_t i = 0; i < bytes; i++) input[i] = (char)('a' + i % 26);
    return input;
}

__attribute__((noinline)) static record *build_records(const char *input, int count) {
    record *records = calloc((size_t)count, sizeof(record));
    for (int i = 0; i < count; i++) {
        memcpy(records[i].name, input + i, sizeof records[i].name - 1);
        records[i].value = i;
    }
    return records;
}

__attribute__((noinline)) static long summarize(const record *records, int count) {
    long *scratch = malloc(256 * 1024);
    long total = 0;
    for (int i = 0; i < count; i++) total += records[i].value + records[i].name[0];
    scratch[0] = total;
    total = scratch[0];
    free(scratch);
    return total;
}

int main(void) {
    char *input = read_input(1 << 20);
    record *records = build_records(input, 1000);
    long total = summarize(records, 1000);
    free(records);
    free(input);
    char line[64];
    int length = snprintf(line, sizeof line, "total %ld\n", total);
    if (write(STDOUT_FILENO, line, (size_t)length) != length) return 1;
    return 0;
}

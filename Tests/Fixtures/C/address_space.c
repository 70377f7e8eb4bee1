/* Ground truth for the tracker's own address space (issue 15, point 7): prints this process's
 * VmPeak after one allocation, then, under RLIMIT_AS of 256 MiB, how many 1 MiB blocks malloc
 * hands out before it fails. Untracked and tracked runs are compared by the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long vm_peak_kib(void) {
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (status && fgets(line, sizeof line, status))
        if (strncmp(line, "VmPeak:", 7) == 0) kib = strtol(line + 7, NULL, 10);
    if (status) fclose(status);
    return kib;
}

int main(void) {
    free(malloc(1000));
    printf("vm_peak_kib=%ld\n", vm_peak_kib());
    struct rlimit limit = {256u << 20, 256u << 20};
    if (setrlimit(RLIMIT_AS, &limit) != 0) return 2;
    void *blocks[512];
    int count = 0;
    while (count < 512 && (blocks[count] = malloc(1u << 20)) != NULL) count++;
    printf("mebibytes_before_failure=%d\n", count);
    for (int i = 0; i < count; i++) free(blocks[i]);
    return 0;
}

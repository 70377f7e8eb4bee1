/* Resident memory that is not requested bytes: requests exactly 1 MiB (1 048 576 B) with
 * malloc, then maps a 64 MiB temporary file (MAP_SHARED, so the tracker does not count it) and
 * writes every page of it, which makes all 64 MiB resident (page cache mapped into the
 * process). Peak requested bytes 1 048 576; peak RSS above 64 MiB. With argv[1] = N it keeps
 * the mapping resident N milliseconds before unmapping it, long enough for memgate's samples. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB (1024 * 1024)

__attribute__((noinline)) static void *request_one_megabyte(void) {
    void *block = malloc(MIB);
    memset(block, 1, MIB);
    return block;
}

__attribute__((noinline)) static int touch_file_mapping(size_t bytes, long hold_milliseconds) {
    char path[] = "/tmp/memgate-rss-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    unlink(path);
    if (ftruncate(fd, (off_t)bytes) != 0) return 1;
    char *mapped = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) return 1;
    long page = sysconf(_SC_PAGESIZE);
    for (size_t offset = 0; offset < bytes; offset += (size_t)page) mapped[offset] = 1;
    if (hold_milliseconds > 0) usleep((useconds_t)(hold_milliseconds * 1000));
    munmap(mapped, bytes);
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    long hold_milliseconds = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
    void *block = request_one_megabyte();
    int status = touch_file_mapping(64 * (size_t)MIB, hold_milliseconds);
    free(block);
    return status;
}

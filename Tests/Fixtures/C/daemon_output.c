/* A daemon-style program: it closes every descriptor from 3 to 1023 (as daemons do), opens
 * its output file (which gets descriptor 3), writes exactly 1 MiB to it and exits normally.
 * A tracker that kept its capture descriptor open would, at exit, truncate or close the
 * program's own file through the reused number. Usage: daemon_output PATH */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    for (int fd = 3; fd < 1024; fd++) close(fd);
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) return 3;
    char *block = malloc(1 << 20);
    memset(block, 'x', 1 << 20);
    if (write(out, block, 1 << 20) != 1 << 20) return 4;
    free(block);
    return 0; /* the tracker finalizes in its destructor, after this */
}

#define _GNU_SOURCE
#include "memgate_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Between fork and execve only async-signal-safe calls: memgate is multithreaded, and
   another thread may have held malloc's lock at the moment of the fork. */
static void close_other_descriptors(int keep_from) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)keep_from, ~0U, 0) == 0) return;
#endif
    struct rlimit limit;
    long last = (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) ? (long)limit.rlim_cur
                                                                                            : 65536;
    for (long fd = keep_from; fd < last; fd++) close((int)fd);
}

static void report_and_exit(int error_pipe, int error) {
    ssize_t ignored = write(error_pipe, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

int memgate_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                  int stdin_fd, int output_fd, int cgroup_procs_fd, pid_t *pid) {
    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) != 0) return errno;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(error_pipe[0]);
        close(error_pipe[1]);
        return error;
    }
    if (child == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127); /* memgate died before the prctl took effect */
        /* Join the target's cgroup before anything is charged to it ("0": the writing process). */
        if (cgroup_procs_fd >= 0 && write(cgroup_procs_fd, "0", 1) != 1) report_and_exit(error_pipe[1], -errno);
        sigset_t empty;
        sigemptyset(&empty);
        sigprocmask(SIG_SETMASK, &empty, NULL);
        for (int signal_number = 1; signal_number < NSIG; signal_number++) signal(signal_number, SIG_DFL);
        if (stdin_fd >= 0 && dup2(stdin_fd, 0) < 0) report_and_exit(error_pipe[1], errno);
        if (output_fd >= 0 && (dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0))
            report_and_exit(error_pipe[1], errno);
        /* Keep only 0-2 and the error pipe (close-on-exec) across execve. */
        int keep = error_pipe[1];
        if (keep != 3) {
            if (dup2(keep, 3) < 0) report_and_exit(keep, errno);
            fcntl(3, F_SETFD, FD_CLOEXEC);
            keep = 3;
        }
        close_other_descriptors(4);
        if (directory && chdir(directory) != 0) report_and_exit(keep, errno);
        execve(path, argv, envp);
        report_and_exit(keep, errno);
    }
    close(error_pipe[1]);
    /* Also set from the parent, so the group exists before anyone signals it. */
    setpgid(child, child);
    int child_error = 0;
    ssize_t got;
    do {
        got = read(error_pipe[0], &child_error, sizeof child_error);
    } while (got < 0 && errno == EINTR);
    close(error_pipe[0]);
    if (got == (ssize_t)sizeof child_error) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return child_error;
    }
    *pid = child;
    return 0;
}

int memgate_cloexec_pipe(int descriptors[2]) {
    return pipe2(descriptors, O_CLOEXEC) == 0 ? 0 : errno;
}

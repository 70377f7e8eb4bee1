/*
 * exec family: before the process image is replaced, the open capture is marked with the
 * program's path and whether the new environment still preloads the tracker. When the new
 * image is tracked it re-creates the capture file, so the mark only survives when the
 * tracker could not follow (a static or setuid program, or LD_PRELOAD dropped): the reader
 * then reports "not measured" with the reason instead of passing the figures so far.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tracker_internal.h"

extern char **environ;

static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);

/* Whether `environment` still preloads this library. */
static int preloads_tracker(char *const environment[]) {
    if (!environment) return 0;
    for (char *const *entry = environment; *entry; entry++) {
        if (strncmp(*entry, "LD_PRELOAD=", 11) == 0) return strstr(*entry, "libmemgate_tracker") != NULL;
    }
    return 0;
}

typedef int (*exec_function)(const char *, char *const[], char *const[]);

/* Marks the capture, runs the real exec, and clears the mark when the exec failed. The
 * reentrancy guard is restored before the exec itself: in a vfork child it is the parent
 * thread's own variable, and a guard left set by a successful exec would stop tracking that
 * thread in the parent for good. */
static int exec_marked(exec_function *real, const char *symbol, const char *file, char *const arguments[],
                       char *const environment[]) {
    if (!*real) *real = (exec_function)dlsym(RTLD_NEXT, symbol);
    if (!*real) {
        errno = ENOSYS;
        return -1;
    }
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    mg_capture_mark_exec(file, preloads_tracker(environment));
    mg_in_tracker = saved_guard;
    int status = (*real)(file, arguments, environment);
    int saved_errno = errno;
    mg_in_tracker = 1;
    mg_capture_clear_exec();
    mg_in_tracker = saved_guard;
    errno = saved_errno;
    return status;
}

MG_EXPORT int execve(const char *path, char *const arguments[], char *const environment[]) {
    return exec_marked(&real_execve, "execve", path, arguments, environment);
}

MG_EXPORT int execv(const char *path, char *const arguments[]) { return execve(path, arguments, environ); }

/* Marked with the name as given; the reader resolves it on PATH when it needs the file. */
MG_EXPORT int execvpe(const char *file, char *const arguments[], char *const environment[]) {
    return exec_marked(&real_execvpe, "execvpe", file, arguments, environment);
}

MG_EXPORT int execvp(const char *file, char *const arguments[]) { return execvpe(file, arguments, environ); }

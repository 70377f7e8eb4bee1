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

static void before_exec(const char *path, char *const environment[]) {
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    mg_capture_mark_exec(path, preloads_tracker(environment));
    mg_in_tracker = saved_guard;
}

static void after_failed_exec(void) {
    int saved_errno = errno;
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    mg_capture_clear_exec();
    mg_in_tracker = saved_guard;
    errno = saved_errno;
}

MG_EXPORT int execve(const char *path, char *const arguments[], char *const environment[]) {
    if (!real_execve) real_execve = (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execve");
    if (!real_execve) {
        errno = ENOSYS;
        return -1;
    }
    before_exec(path, environment);
    int status = real_execve(path, arguments, environment);
    after_failed_exec();
    return status;
}

MG_EXPORT int execv(const char *path, char *const arguments[]) { return execve(path, arguments, environ); }

MG_EXPORT int execvpe(const char *file, char *const arguments[], char *const environment[]) {
    if (!real_execvpe)
        real_execvpe = (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execvpe");
    if (!real_execvpe) {
        errno = ENOSYS;
        return -1;
    }
    /* Marked with the name as given; the reader resolves it on PATH when it needs the file. */
    before_exec(file, environment);
    int status = real_execvpe(file, arguments, environment);
    after_failed_exec();
    return status;
}

MG_EXPORT int execvp(const char *file, char *const arguments[]) { return execvpe(file, arguments, environ); }

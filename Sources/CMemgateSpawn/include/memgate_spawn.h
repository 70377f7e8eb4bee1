#ifndef MEMGATE_SPAWN_H
#define MEMGATE_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (NULL-terminated) as the leader of a new process group,
/// in `directory` (NULL: memgate's), with stdin from `stdin_fd` and stdout and stderr to
/// `output_fd` (-1: memgate's own). Every other descriptor is closed in the child, signal
/// dispositions and the mask are reset, and the child is SIGKILLed when the calling thread
/// exits (PR_SET_PDEATHSIG), so a target never outlives memgate, even after `kill -9`.
///
/// With `cgroup_procs_fd` (an open `cgroup.procs`, else -1) the child joins that cgroup before it
/// execs, so everything the target and its descendants use is charged there.
///
/// Returns 0 and the child's pid in `*pid`, or an errno value when the program could not be
/// started (fork failed, or chdir/execve failed in the child), or minus an errno value when the
/// child could not join the cgroup.
int memgate_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                  int stdin_fd, int output_fd, int cgroup_procs_fd, pid_t *pid);

/// A pipe whose two ends are close-on-exec (pipe2 needs _GNU_SOURCE, which Swift does not set).
/// Returns 0 or errno.
int memgate_cloexec_pipe(int descriptors[2]);

#endif

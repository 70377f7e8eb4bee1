/*
 * The interposed allocator entry points. Each hook calls the real function first and
 * records only when tracking is on and the calling thread is not already inside the
 * tracker (mg_in_tracker), so the tracker's own work is never recorded and never recurses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "memgate_capture_format.h"
#include "memgate.h"
#include "tracker_internal.h"

void *(*mg_real_malloc)(size_t);
void (*mg_real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void *(*real_pvalloc)(size_t);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static int (*real_mprotect)(void *, size_t, int);

MG_TLS int mg_in_tracker;

/* ---- bootstrap arena: serves dlsym's own allocations before the real allocator is known ---- */

#define ARENA_BYTES (256 * 1024)
static _Alignas(64) char arena[ARENA_BYTES];
static atomic_size_t arena_used;
/* Set while dlsym runs; allocations made meanwhile come from the arena (never freed). */
static atomic_int resolving;

static void *arena_alloc(size_t bytes) {
    size_t rounded = (bytes + 15) & ~(size_t)15;
    size_t offset = atomic_fetch_add(&arena_used, rounded);
    if (offset + rounded > ARENA_BYTES) return NULL;
    return arena + offset; /* static storage starts zeroed, and arena memory is never reused */
}

static int in_arena(const void *address) {
    return (const char *)address >= arena && (const char *)address < arena + ARENA_BYTES;
}

static void resolve_real_functions(void) {
    if (mg_real_malloc) return;
    atomic_store(&resolving, 1);
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    mg_real_free = dlsym(RTLD_NEXT, "free");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    real_valloc = dlsym(RTLD_NEXT, "valloc");
    real_pvalloc = dlsym(RTLD_NEXT, "pvalloc");
    real_mmap = dlsym(RTLD_NEXT, "mmap");
    real_munmap = dlsym(RTLD_NEXT, "munmap");
    real_mremap = dlsym(RTLD_NEXT, "mremap");
    void *(*found_malloc)(size_t) = dlsym(RTLD_NEXT, "malloc");
    atomic_store(&resolving, 0);
    mg_real_malloc = found_malloc; /* published last: it is the "resolved" flag */
}

#define ENSURE_RESOLVED(arena_expression)                    \
    do {                                                     \
        if (MG_UNLIKELY(!mg_real_malloc)) {                  \
            if (atomic_load(&resolving)) return arena_expression; \
            resolve_real_functions();                        \
        }                                                    \
    } while (0)

/* ---- recording helpers ---- */

static int adopt_raw_copy(void);

/* The slow branch runs only while nothing is recorded: it notices a raw clone() copy of a
 * tracked process at its first allocation and starts that process's own capture. */
static inline int should_track(void) {
    if (MG_UNLIKELY(mg_tracking)) return !mg_in_tracker;
    return MG_UNLIKELY(mg_is_raw_copy()) && !mg_in_tracker && adopt_raw_copy();
}

/* Set by memgate_region_begin_current_thread: only that thread's allocations are recorded
 * (frees are matched whoever makes them). Written before the region starts tracking. */
static int region_thread_only;
static pthread_t region_thread;

static inline int allocating_thread_counts(void) {
    return !region_thread_only || pthread_equal(pthread_self(), region_thread);
}

static inline int should_track_allocation(void) { return should_track() && allocating_thread_counts(); }

/* Frame buffer of threads started through pthread_create (see thread_trampoline): kept off the
 * thread's stack, which may be as small as PTHREAD_STACK_MIN. Other threads use their stack. */
static MG_TLS uint64_t *thread_frames;
#define THREAD_FRAMES_BYTES 4096
_Static_assert(MG_MAX_FRAMES * sizeof(uint64_t) <= THREAD_FRAMES_BYTES, "frame buffer fits its page");

static __attribute__((noinline)) void track_alloc_into(uint64_t *frames, void *address, size_t bytes,
                                                       int is_mapping) {
    int depth = mg_collect_stack(frames);
    if (depth >= 0) mg_record_alloc(address, bytes, frames, depth, is_mapping);
}

static __attribute__((noinline)) void track_alloc_on_stack(void *address, size_t bytes, int is_mapping) {
    uint64_t frames[MG_MAX_FRAMES];
    track_alloc_into(frames, address, bytes, is_mapping);
}

static void track_alloc(void *address, size_t bytes, int is_mapping) {
    mg_in_tracker = 1;
    if (thread_frames) {
        track_alloc_into(thread_frames, address, bytes, is_mapping);
    } else {
        track_alloc_on_stack(address, bytes, is_mapping);
    }
    mg_in_tracker = 0;
}

static void track_free(void *address, int is_mapping) {
    mg_in_tracker = 1;
    mg_record_free(address, is_mapping);
    mg_in_tracker = 0;
}

/* ---- malloc family ---- */

MG_EXPORT void *malloc(size_t bytes) {
    ENSURE_RESOLVED(arena_alloc(bytes));
    void *address = mg_real_malloc(bytes);
    if (should_track_allocation() && address) track_alloc(address, bytes, 0);
    return address;
}

MG_EXPORT void free(void *address) {
    if (!address || in_arena(address)) return;
    if (MG_UNLIKELY(!mg_real_free)) resolve_real_functions();
    if (should_track()) track_free(address, 0);
    mg_real_free(address);
}

MG_EXPORT void *calloc(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    ENSURE_RESOLVED(arena_alloc(bytes));
    void *address = real_calloc(count, size);
    if (should_track_allocation() && address) track_alloc(address, bytes, 0);
    return address;
}

/* Reallocation runs under the writer lock (mg_capture_lock) while tracking, so no other thread can be
 * handed the old address and record it before we have removed the old entry. `reallocate` is
 * libc's realloc (libc_realloc) or one of Python's allocator domains (mg_track_python_realloc). */
static __attribute__((noinline)) void *tracked_realloc_into(uint64_t *frames, mg_reallocator reallocate,
                                                            void *context, void *old, size_t bytes) {
    int counts = allocating_thread_counts();
    int depth = counts ? mg_collect_stack(frames) : -1;
    mg_capture_lock();
    void *address = reallocate(context, old, bytes);
    if (address || bytes == 0) {
        if (old) mg_record_free_locked(old, 0);
        if (address && depth >= 0) mg_record_alloc_locked(address, bytes, frames, depth, 0);
    }
    mg_capture_unlock();
    return address;
}

static __attribute__((noinline)) void *tracked_realloc_on_stack(mg_reallocator reallocate, void *context, void *old,
                                                                size_t bytes) {
    uint64_t frames[MG_MAX_FRAMES];
    return tracked_realloc_into(frames, reallocate, context, old, bytes);
}

static void *tracked_realloc_with(mg_reallocator reallocate, void *context, void *old, size_t bytes) {
    mg_in_tracker = 1;
    void *address = thread_frames ? tracked_realloc_into(thread_frames, reallocate, context, old, bytes)
                                  : tracked_realloc_on_stack(reallocate, context, old, bytes);
    mg_in_tracker = 0;
    return address;
}

static void *libc_realloc(void *unused, void *old, size_t bytes) {
    (void)unused;
    return real_realloc(old, bytes);
}

static void *tracked_realloc(void *old, size_t bytes) { return tracked_realloc_with(libc_realloc, NULL, old, bytes); }

/* ---- Python's allocator domains (python_allocators.c): the wrappers call these with the
 * guard set around the wrapped allocator, so whatever pymalloc takes from malloc or mmap
 * underneath is not recorded a second time. ---- */

int mg_python_allocation_tracked(void) { return should_track_allocation(); }

void mg_track_python_alloc(void *address, size_t bytes) {
    if (allocating_thread_counts()) track_alloc(address, bytes, 0);
}

void *mg_track_python_realloc(mg_reallocator reallocate, void *context, void *old, size_t bytes) {
    return tracked_realloc_with(reallocate, context, old, bytes);
}

MG_EXPORT void *realloc(void *old, size_t bytes) {
    if (old && in_arena(old)) {
        /* Moving a bootstrap block out of the arena: the old size is unknown, copy what fits. */
        void *address = malloc(bytes);
        if (address) {
            size_t available = (size_t)(arena + ARENA_BYTES - (char *)old);
            memcpy(address, old, bytes < available ? bytes : available);
        }
        return address;
    }
    ENSURE_RESOLVED(arena_alloc(bytes));
    if (!should_track()) return real_realloc(old, bytes);
    return tracked_realloc(old, bytes);
}

MG_EXPORT void *reallocarray(void *old, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    /* Overflow is checked above, so this is exactly realloc of the product. */
    return realloc(old, bytes);
}

MG_EXPORT int posix_memalign(void **result, size_t alignment, size_t bytes) {
    if (MG_UNLIKELY(!mg_real_malloc)) resolve_real_functions();
    int status = real_posix_memalign(result, alignment, bytes);
    if (status == 0 && should_track_allocation() && *result) track_alloc(*result, bytes, 0);
    return status;
}

MG_EXPORT void *aligned_alloc(size_t alignment, size_t bytes) {
    ENSURE_RESOLVED(arena_alloc(bytes));
    void *address = real_aligned_alloc(alignment, bytes);
    if (should_track_allocation() && address) track_alloc(address, bytes, 0);
    return address;
}

MG_EXPORT void *memalign(size_t alignment, size_t bytes) {
    ENSURE_RESOLVED(arena_alloc(bytes));
    void *address = real_memalign(alignment, bytes);
    if (should_track_allocation() && address) track_alloc(address, bytes, 0);
    return address;
}

MG_EXPORT void *valloc(size_t bytes) {
    ENSURE_RESOLVED(NULL);
    void *address = real_valloc(bytes);
    if (should_track_allocation() && address) track_alloc(address, bytes, 0);
    return address;
}

MG_EXPORT void *pvalloc(size_t bytes) {
    ENSURE_RESOLVED(NULL);
    void *address = real_pvalloc(bytes);
    if (should_track_allocation() && address) track_alloc(address, bytes, 0);
    return address;
}

/* ---- anonymous mappings ---- */

static void *raw_mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    return (void *)syscall(SYS_mmap, address, length, protection, flags, fd, offset);
}

MG_EXPORT void *mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    if (MG_UNLIKELY(!real_mmap)) {
        if (atomic_load(&resolving)) return raw_mmap(address, length, protection, flags, fd, offset);
        resolve_real_functions();
    }
    void *result = real_mmap(address, length, protection, flags, fd, offset);
    if (result == MAP_FAILED || !(flags & MAP_ANONYMOUS) || !should_track_allocation()) return result;
    if (protection == PROT_NONE) {
        /* Address space only (V8, the JVM and Go reserve gigabytes this way): counted once
         * parts become accessible through mprotect or MAP_FIXED. */
        mg_in_tracker = 1;
        mg_record_reserve(result, length);
        mg_in_tracker = 0;
    } else {
        track_alloc(result, length, 1);
    }
    return result;
}

static __attribute__((noinline)) void track_protect(void *address, size_t length, int accessible) {
    uint64_t frames[MG_MAX_FRAMES];
    int depth = accessible ? mg_collect_stack(frames) : 0;
    mg_record_protect(address, length, accessible, frames, depth);
}

MG_EXPORT int mprotect(void *address, size_t length, int protection) {
    if (MG_UNLIKELY(!real_mprotect)) {
        real_mprotect = (int (*)(void *, size_t, int))dlsym(RTLD_NEXT, "mprotect");
        if (!real_mprotect) return (int)syscall(SYS_mprotect, address, length, protection);
    }
    int status = real_mprotect(address, length, protection);
    int accessible = protection != PROT_NONE;
    if (status == 0 && should_track() && (!accessible || allocating_thread_counts())) {
        mg_in_tracker = 1;
        track_protect(address, length, accessible);
        mg_in_tracker = 0;
    }
    return status;
}

MG_EXPORT void *mmap64(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    return mmap(address, length, protection, flags, fd, offset);
}

MG_EXPORT int munmap(void *address, size_t length) {
    if (MG_UNLIKELY(!real_munmap)) {
        if (atomic_load(&resolving)) return (int)syscall(SYS_munmap, address, length);
        resolve_real_functions();
    }
    if (should_track()) {
        mg_in_tracker = 1;
        mg_record_unmap(address, length);
        mg_in_tracker = 0;
    }
    return real_munmap(address, length);
}

MG_EXPORT void *mremap(void *old, size_t old_length, size_t new_length, int flags, ...) {
    void *new_address = NULL;
    if (flags & MREMAP_FIXED) {
        va_list arguments;
        va_start(arguments, flags);
        new_address = va_arg(arguments, void *);
        va_end(arguments);
    }
    if (MG_UNLIKELY(!real_mremap)) resolve_real_functions();
    if (!should_track()) return real_mremap(old, old_length, new_length, flags, new_address);
    uint64_t frames[MG_MAX_FRAMES];
    mg_in_tracker = 1;
    int depth = mg_collect_stack(frames);
    mg_capture_lock();
    void *result = real_mremap(old, old_length, new_length, flags, new_address);
    int known = result != MAP_FAILED ? mg_record_free_locked(old, 1) : 0;
    if (known == 1 && depth >= 0) mg_record_alloc_locked(result, new_length, frames, depth, 1);
    if (known == 2) mg_record_reserve_locked(result, new_length);
    mg_capture_unlock();
    mg_in_tracker = 0;
    return result;
}

/* ---- threads: learn each new thread's stack bounds before its code runs ---- */

typedef struct thread_start {
    void *(*routine)(void *);
    void *argument;
} thread_start;

static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

/* Frees a thread's frame buffer when it ends, however it ends (return, pthread_exit, cancel). */
static pthread_key_t thread_frames_key;
static pthread_once_t thread_frames_key_once = PTHREAD_ONCE_INIT;

static void release_thread_frames(void *frames) {
    thread_frames = NULL;
    mg_os_free(frames, THREAD_FRAMES_BYTES);
}

static void make_thread_frames_key(void) { pthread_key_create(&thread_frames_key, release_thread_frames); }

/* Runs first on every new thread. It ends in a tail call, so it adds no frame to the
 * thread's stack (which may be PTHREAD_STACK_MIN) nor to its backtraces. */
static void *thread_trampoline(void *opaque) {
    thread_start start = *(thread_start *)opaque;
    mg_in_tracker = 1;
    mg_os_free(opaque, sizeof(thread_start));
    mg_unwind_learn_thread_stack();
    pthread_once(&thread_frames_key_once, make_thread_frames_key);
    uint64_t *frames = mg_os_alloc(THREAD_FRAMES_BYTES);
    if (frames && pthread_setspecific(thread_frames_key, frames) == 0) {
        thread_frames = frames;
    } else {
        mg_os_free(frames, THREAD_FRAMES_BYTES);
    }
    mg_in_tracker = 0;
    return start.routine(start.argument);
}

MG_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attributes, void *(*routine)(void *),
                             void *argument) {
    if (MG_UNLIKELY(!real_pthread_create)) {
        real_pthread_create = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(
            RTLD_NEXT, "pthread_create");
        if (!real_pthread_create) return EAGAIN;
    }
    /* Raw pages, not malloc: the block crosses threads and must never be a tracked allocation. */
    thread_start *start = mg_os_alloc(sizeof(thread_start));
    if (!start) return real_pthread_create(thread, attributes, routine, argument);
    start->routine = routine;
    start->argument = argument;
    int status = real_pthread_create(thread, attributes, thread_trampoline, start);
    if (status != 0) mg_os_free(start, sizeof(thread_start));
    return status;
}

/* ---- the tracker's own memory, straight from the kernel ---- */

void *mg_os_alloc(size_t bytes) {
    void *address = raw_mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return address == MAP_FAILED ? NULL : address;
}

void mg_os_free(void *address, size_t bytes) {
    if (address) syscall(SYS_munmap, address, bytes);
}

/* ---- exported region API ---- */

MG_EXPORT int memgate_region_begin(const char *name) {
    mg_in_tracker = 1;
    region_thread_only = 0;
    int status = mg_capture_begin(name ? name : "region");
    mg_in_tracker = 0;
    return status;
}

MG_EXPORT int memgate_region_begin_current_thread(const char *name) {
    mg_in_tracker = 1;
    region_thread = pthread_self();
    region_thread_only = 1;
    int status = mg_capture_begin(name ? name : "region");
    mg_in_tracker = 0;
    return status;
}

MG_EXPORT int memgate_region_end(void) {
    mg_in_tracker = 1;
    mg_capture_end();
    mg_in_tracker = 0;
    return 0;
}

MG_EXPORT const char *memgate_capture_path(void) { return mg_capture_current_path(); }

static void before_fork(void);
static void after_fork_parent(void);
static void after_fork_child(void);

MG_EXPORT int memgate_activate(const char *path) {
    if (!path || !*path) return -1;
    mg_in_tracker = 1;
    int status = 0;
    if (!mg_capture_is_configured()) {
        mg_stacks_init();
        status = mg_capture_configure(path, 1, 0);
        if (status == 0) pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    }
    mg_in_tracker = 0;
    return status;
}

/* ---- process lifecycle ---- */

/* Children are tracked unless MEMGATE_CHILDREN=0 (config `children: false`). */
static int children_tracked = 1;
static int tracking_at_fork;

/* Every tracker lock is held across fork, so the child's copies of the tables are whole. */
static void before_fork(void) {
    mg_capture_lock();
    mg_ptrmap_lock_all();
    tracking_at_fork = mg_capture_tracking();
}

static void after_fork_parent(void) {
    mg_ptrmap_unlock_all();
    mg_capture_unlock();
}

static void after_fork_child(void) {
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    region_thread_only = 0;
    if (tracking_at_fork && !children_tracked) mg_tree_note_untracked_child();
    mg_capture_fork_child(tracking_at_fork && children_tracked);
    mg_in_tracker = saved_guard;
}

/* A process made by the clone system call without CLONE_VM skips pthread_atfork: it is set up
 * here, at its first allocation, as after_fork_child would have (its copy of the tracker's locks
 * is re-initialised there; a copy taken while another thread held it is as unsafe as after a
 * fork without handlers, and glibc's own locks are no better off). */
static int adopt_raw_copy(void) {
    if ((pid_t)syscall(SYS_getpid) == mg_state_owner_pid) return 0;
    tracking_at_fork = mg_capture_tracking_at_copy();
    after_fork_child();
    return mg_tracking;
}

/* Whether this image is the root of the target's process tree. The first tracked image
 * records its pid in MEMGATE_OWNER_PID; an exec keeps the pid, so a wrapper that execs the
 * real program hands the root's capture on to it. Any other process that inherits the
 * environment is a descendant. */
static int is_tree_root(void) {
    const char *owner = getenv("MEMGATE_OWNER_PID");
    char own_pid[24];
    snprintf(own_pid, sizeof own_pid, "%d", (int)getpid());
    if (owner && *owner) return strcmp(owner, own_pid) == 0;
    setenv("MEMGATE_OWNER_PID", own_pid, 1);
    return 1;
}

static int environment_flag(const char *name, int fallback) {
    const char *value = getenv(name);
    if (!value || !*value) return fallback;
    return strcmp(value, "0") != 0;
}

/* Maps the tree's shared page, `<output>.tree`; the root creates it. */
static int attach_tree(const char *output, int create) {
    char tree_path[4200];
    snprintf(tree_path, sizeof tree_path, "%s.tree", output);
    return mg_tree_attach(tree_path, create);
}

static void start_root(const char *output) {
    attach_tree(output, 1);
    mg_native_frames = environment_flag("MEMGATE_NATIVE", 1);
    int only_regions = environment_flag("MEMGATE_REGIONS_ONLY", 0);
    mg_stacks_init();
    if (mg_capture_configure(output, only_regions, MG_ROLE_ROOT) != 0) return;
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    if (!only_regions) {
        const char *name = getenv("MEMGATE_REGION_NAME");
        mg_capture_begin(name && *name ? name : "process");
    }
}

/* A program started by the tree (fork+exec, posix_spawn, a shell's child): measured as a whole
 * process, with native frames (no bootstrap installs Python frames in it), while the root is
 * measuring. */
static void start_descendant(const char *output) {
    if (attach_tree(output, 0) != 0) return;
    if (!children_tracked) {
        mg_tree_note_untracked_child();
        return;
    }
    char path[4096];
    if (mg_tree_child_path(path, sizeof path, getpid()) != 0) return;
    mg_native_frames = 1;
    mg_stacks_init();
    if (mg_capture_configure(path, 0, MG_ROLE_CHILD) != 0) return;
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    mg_capture_begin("process");
}

/* MEMGATE_OUTPUT made absolute and written back, so descendants started after a chdir
 * (a shell's `cd dir && prog`) find the same capture and tree page. */
static const char *absolute_output(void) {
    const char *output = getenv("MEMGATE_OUTPUT");
    if (!output || !*output || output[0] == '/') return output;
    char absolute[4096];
    if (mg_absolute_path(output, absolute, sizeof absolute) != 0) return output;
    setenv("MEMGATE_OUTPUT", absolute, 1);
    return getenv("MEMGATE_OUTPUT");
}

__attribute__((constructor)) static void memgate_initialize(void) {
    resolve_real_functions();
    mg_in_tracker = 1;
    mg_python_wrap_allocators(); /* before the interpreter (if this is one) allocates anything */
    mg_unwind_learn_thread_stack(); /* the main thread's; other threads learn theirs at start */
    const char *output = absolute_output();
    children_tracked = environment_flag("MEMGATE_CHILDREN", 1);
    if (output && *output) {
        if (is_tree_root()) {
            start_root(output);
        } else {
            start_descendant(output);
        }
    }
    mg_in_tracker = 0;
}

/* _exit skips destructors; finalize first so a program (or os._exit, or a shell) that ends
 * this way leaves a complete capture. Only the tracked process itself does: a vfork child
 * shares our memory but has its own pid, and a forked child has stopped tracking. */
static void (*real_exit_now)(int);
static void (*real_exit_now_c99)(int);

static void finalize_before_exit(void) {
    if ((pid_t)syscall(SYS_getpid) != mg_capture_owner_pid()) return;
    mg_in_tracker = 1;
    mg_capture_end_at_exit();
}

MG_EXPORT void _exit(int status) {
    finalize_before_exit();
    if (!real_exit_now) real_exit_now = (void (*)(int))dlsym(RTLD_NEXT, "_exit");
    if (real_exit_now) real_exit_now(status);
    syscall(SYS_exit_group, status);
    __builtin_unreachable();
}

MG_EXPORT void _Exit(int status) {
    finalize_before_exit();
    if (!real_exit_now_c99) real_exit_now_c99 = (void (*)(int))dlsym(RTLD_NEXT, "_Exit");
    if (real_exit_now_c99) real_exit_now_c99(status);
    syscall(SYS_exit_group, status);
    __builtin_unreachable();
}

__attribute__((destructor)) static void memgate_finalize(void) {
    mg_in_tracker = 1;
    mg_capture_end();
    mg_in_tracker = 0;
}

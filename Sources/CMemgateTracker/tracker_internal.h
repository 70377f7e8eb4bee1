/* Internal interfaces between the tracker's translation units. Nothing here is exported:
 * the library is built with -fvisibility=hidden and only MG_EXPORT symbols are public. */
#ifndef MEMGATE_TRACKER_INTERNAL_H
#define MEMGATE_TRACKER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <sys/types.h>

#define MG_EXPORT __attribute__((visibility("default")))
#define MG_TLS __thread __attribute__((tls_model("initial-exec")))
#define MG_LIKELY(x) __builtin_expect(!!(x), 1)
#define MG_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Most frame words kept per allocation (deeper stacks keep their innermost frames). */
#define MG_MAX_FRAMES 128

/* ---- real allocator (hooks.c) ---- */
extern void *(*mg_real_malloc)(size_t);
extern void (*mg_real_free)(void *);

/* Per-thread reentrancy guard: while set, hooks pass straight through untracked. */
extern MG_TLS int mg_in_tracker;

/* ---- raw memory for the tracker's own tables, never through the hooked allocator ---- */
void *mg_os_alloc(size_t bytes);
void mg_os_free(void *address, size_t bytes);

/* ---- capture (capture.c) ---- */
/* State that belongs to this process only. It lives in a MADV_WIPEONFORK page, so any copy
 * of the process (fork, or a raw clone() that bypasses pthread_atfork) reads it as all zeros
 * and so never writes into the parent's capture. */
typedef struct mg_process_state {
    volatile int tracking; /* allocations are being recorded right now (relaxed read, hot path) */
    int configured;        /* this process has a capture path */
    int role;              /* MG_ROLE_ROOT or MG_ROLE_CHILD once configured */
} mg_process_state;
extern mg_process_state *mg_process;
#define mg_tracking (mg_process->tracking)
/* Pid of the process that configured `mg_process`, kept outside the wiped page: a process
 * whose state page reads as unconfigured while this is set is a raw clone() copy of a
 * configured process (fork() children are set up by pthread_atfork before they run). */
extern pid_t mg_state_owner_pid;
static inline int mg_is_raw_copy(void) { return !mg_process->configured && mg_state_owner_pid != 0; }
/* Whether native frames are unwound (whole-program native targets, or Python native: true). */
extern int mg_native_frames;

/* `path` made absolute against the current directory into `out`; -1 when it does not fit. */
int mg_absolute_path(const char *path, char *out, size_t capacity);
int mg_capture_configure(const char *path, int regions_only, int role);
/* Ends the capture from _exit: never waits on a lock held by an interrupted hook; the capture
 * is then left unfinished (read as interrupted) rather than the process hanging. */
void mg_capture_end_at_exit(void);
/* Whether this process records allocations right now (fork decides the child's fate by it). */
int mg_capture_tracking(void);
int mg_capture_is_configured(void);
pid_t mg_capture_owner_pid(void);
int mg_capture_begin(const char *region_name);
void mg_capture_end(void);
void mg_capture_fork_child(int track_child);
/* Whether the capture was recording when this process was copied (the parent's value, read
 * from memory outside the wiped page): what a raw clone() child decides its tracking from. */
int mg_capture_tracking_at_copy(void);
/* Marks the open capture as handed to an exec of `path` (before the exec), or clears that mark
 * when the exec failed and this image goes on. */
void mg_capture_mark_exec(const char *path, int preload_kept);
void mg_capture_clear_exec(void);
/* Rewrites the open capture's module table (after dlopen), so a crash still leaves the names
 * of libraries loaded during the run. */
void mg_capture_refresh_modules(void);
/* The writer side of sync.c: waits until no allocation event is half-applied and keeps new
 * ones out, for changes that need the capture still (never taken inside an event). */
void mg_capture_lock(void);
void mg_capture_unlock(void);
const char *mg_capture_current_path(void);

/* Records an allocation of `bytes` at `address` with the given stack (innermost first). */
void mg_record_alloc(void *address, size_t bytes, const uint64_t *frames, int depth, int is_mapping);
/* Records a free; unknown addresses (allocated before tracking, or untracked) are ignored. */
void mg_record_free(void *address, int is_mapping);
/* The same two with the writer lock (mg_capture_lock) already held; the free returns 1 when
 * the address was known, 2 when it was a tracked reservation (nothing counted), 0 when unknown. */
void mg_record_alloc_locked(void *address, size_t bytes, const uint64_t *frames, int depth, int is_mapping);
int mg_record_free_locked(void *address, int is_mapping);
/* Records munmap of [address, address+bytes) for anonymous mappings we track. */
void mg_record_unmap(void *address, size_t bytes);
/* Records an anonymous PROT_NONE mapping: address space only, counted when made accessible. */
void mg_record_reserve(void *address, size_t bytes);
void mg_record_reserve_locked(void *address, size_t bytes);
/* Records mprotect of [address, address+bytes): reserved parts made accessible count as an
 * allocation at this stack; accessible parts made PROT_NONE are released. */
void mg_record_protect(void *address, size_t bytes, int accessible, const uint64_t *frames, int depth);

/* ---- stacks (stacks.c) ---- */
/* Fills `frames` with the current stack, innermost first; returns depth, or -1 when this
 * allocation must not be tracked (an `ignore` pattern matched a Python frame). */
int mg_collect_stack(uint64_t *frames);
void mg_stacks_init(void);

/* ---- native unwinding (unwind.c) ---- */
void mg_unwind_init(uintptr_t library_start, uintptr_t library_end);
/* Forgets learned unwind rules for return addresses in [start, end) (a library was closed). */
void mg_unwind_forget_range(uintptr_t start, uintptr_t end);
/* Learns the calling thread's stack bounds; never called from inside a hook (it allocates). */
void mg_unwind_learn_thread_stack(void);
/* Native return addresses innermost first, without the tracker's own frames. */
int mg_unwind(uint64_t *frames, int capacity);
/* Walks so far (process-wide) and whether the fast path is still on. */
void mg_unwind_counters(uint64_t *fast, uint64_t *slow, uint64_t *shallow, int *fast_enabled);

/* ---- Python's allocator domains (hooks.c, for python_allocators.c) ---- */
typedef void *(*mg_reallocator)(void *context, void *old, size_t bytes);
/* Whether an allocation by this thread is recorded now (tracking on, not inside the tracker,
 * the region counts this thread). */
int mg_python_allocation_tracked(void);
/* Records a block a wrapped domain handed out; the caller holds the guard. */
void mg_track_python_alloc(void *address, size_t bytes);
/* Reallocates through `reallocate` and records the move, under the writer lock. */
void *mg_track_python_realloc(mg_reallocator reallocate, void *context, void *old, size_t bytes);
/* Wraps the interpreter's MEM and OBJ allocator domains once (python_allocators.c); a no-op
 * in a process without libpython. Returns 0 when they are wrapped. */
int mg_python_wrap_allocators(void);

/* ---- python (python.c) ---- */
/* Python frames of the calling thread, innermost first (a deeper stack keeps its innermost),
 * written as frame words. Returns the count, or -1 when the allocation is not counted: an
 * ignored frame is on the stack, or the thread's frame-bounded region does not hold it. */
int mg_python_frames(uint64_t *frames, int capacity);
/* Whether the calling thread has Python frames (or a frame-bounded region to check). */
int mg_python_active(void);
/* Whether the Python function table or name arena filled up (some frames unnamed). */
int mg_python_tables_overflowed(void);
/* Name and file of Python function `id`, for writing into a capture. */
int mg_python_function(uint64_t id, const char **name, const char **file);
/* Range of the interpreter's eval loop, where native frames stop when Python frames exist. */
int mg_python_eval_range(uintptr_t *start, uintptr_t *end);

/* One turn of waiting for a lock or flag another thread holds for a few instructions: a CPU
 * pause for the first `pauses` turns, then a yield (the holder may have been preempted). */
static inline void mg_spin_wait(uint32_t *spins, uint32_t pauses) {
    if (++*spins < pauses) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ volatile("yield");
#endif
    } else {
        sched_yield();
    }
}

/* A spinlock for a critical section of a few dozen instructions (0 free, 1 held): waiters read
 * the lock until it looks free before trying again, pausing, then yielding. */
static inline void mg_spin_lock(int *lock) {
    uint32_t spins = 0;
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) mg_spin_wait(&spins, 128);
    }
}

static inline void mg_spin_unlock(int *lock) { __atomic_store_n(lock, 0, __ATOMIC_RELEASE); }

/* ---- who may change the capture at once (sync.c) ---- */
#define MG_THREAD_SLOTS 256
#define MG_TOUCHED_CAPACITY 4096
/* Kinds of native stack walk, counted per thread slot (unwind.c). */
#define MG_WALK_FAST 0
#define MG_WALK_SLOW 1
#define MG_WALK_SHALLOW 2
#define MG_WALK_KINDS 3

/* Per-thread memos of the hot path. They hang off the thread's slot, not TLS: glibc carves
 * static TLS out of each thread's stack, and a PTHREAD_STACK_MIN thread has none to spare.
 * Their contents hold for any thread (rules and stack indexes are process-wide), so a slot's
 * next owner may use what its last owner left. */
#define MG_MEMO_STEPS 64
typedef struct mg_walk_memo {
    uint32_t version; /* the rules' version when filled (unwind.c); 0: empty */
    uint32_t fast_walks_since_check;
    uint32_t check_interval; /* fast walks between two checks by libunwind (unwind.c); 0: the first */
    uint64_t address[MG_MEMO_STEPS]; /* return address met at each step of the last fast walk */
    uint64_t rule[MG_MEMO_STEPS];
} mg_walk_memo;

typedef struct mg_stack_memo {
    uint32_t generation; /* the capture `index` belongs to (capture.c); 0: empty */
    uint32_t index;
    int depth;
    uint64_t frames[MG_MAX_FRAMES];
} mg_stack_memo;

/* A thread's changes to one stack's figures not yet applied to the capture (capture.c): its
 * frees and its totals. Two threads allocating and freeing at the same stacks would otherwise
 * pass those stacks' lines back and forth at every event. An allocation's live bytes are
 * applied at once, so a stack's live figures in the file never go below zero, even in a
 * process killed while another thread's frees of its blocks were pending. Applied when the
 * entry is needed for another stack, at every peak's snapshot and every timeline sample, and
 * when the capture ends. */
#define MG_PENDING_STACKS 64
typedef struct mg_stack_pending {
    uint32_t index_plus_one; /* the stack's index + 1; 0: empty */
    int64_t live_bytes;
    int64_t live_count;
    uint64_t total_bytes;
    uint64_t alloc_count;
} mg_stack_pending;

/* One thread's place in the reader/writer scheme, and the stacks it touched since the last
 * peak (so the peak's snapshot visits only those). A cache line of its own. */
typedef struct mg_thread_slot {
    volatile uint32_t active;  /* inside an event now */
    uint32_t claimed;
    pthread_t owner;
    uint32_t *touched;         /* MG_TOUCHED_CAPACITY stack indexes, from mg_os_alloc */
    uint32_t touched_count;
    uint32_t touched_overflow; /* more were touched than the list holds */
    uint64_t events;           /* for the timeline's sampling rate */
    uint64_t total_bytes;      /* counts not yet folded into the capture's header */
    uint64_t alloc_count;
    uint64_t free_count;
    /* Native stacks walked by the threads that have owned this slot, by kind (MG_WALK_*). Only
     * the owner writes them, and they only grow: a capture counts the difference of their sums. */
    uint64_t walks[MG_WALK_KINDS];
    mg_walk_memo *walk_memo;   /* from mg_os_alloc, with `touched` */
    mg_stack_memo *stack_memo;
    mg_stack_pending *pending; /* MG_PENDING_STACKS entries, by stack index modulo their count */
    struct mg_python_memo_entry *python_memo; /* python.c: made at the slot's first Python walk */
} __attribute__((aligned(64))) mg_thread_slot;

/* Enters an event (returns the thread's slot, or NULL when it shares the overflow counter);
 * waits while a writer holds the capture. Never called with the write lock held. */
mg_thread_slot *mg_sync_read_enter(void);
void mg_sync_read_exit(mg_thread_slot *slot);
/* Waits until no event is in progress and keeps new ones out. Never called inside an event. */
void mg_sync_write_lock(void);
/* The same, giving up (-1) when an event has not ended after `max_spins` yields. */
int mg_sync_write_trylock(uint32_t max_spins);
void mg_sync_write_unlock(void);
/* Slot `index` when some thread has ever claimed it, else NULL (for the peak's snapshot). */
mg_thread_slot *mg_sync_slot(uint32_t index);
/* The calling thread's slot, claimed now if it has none yet; NULL when every slot is taken. */
mg_thread_slot *mg_sync_own_slot(void);
/* Set when touched lists were lost (a thread ended, a fork): the next peak scans every stack. */
extern int mg_sync_touched_lost;
void mg_sync_after_fork(void);
/* Folds a slot's counts into the open capture (capture.c); with the write lock held. */
void mg_capture_fold_slot(mg_thread_slot *slot);

/* ---- pointer map (ptrmap.c) ---- */
typedef struct mg_ptr_entry {
    uintptr_t address;   /* 0 = empty slot */
    uint64_t bytes;
    uint32_t stack_index;
    uint32_t generation; /* the capture the block was counted in (see capture.c); the map keeps
                          * its low MG_PTR_GENERATION_BITS only */
} mg_ptr_entry;

#define MG_PTR_GENERATION_BITS 16
/* Whether an entry taken from the map was counted in capture `generation`. */
static inline int mg_ptr_counted_in(const mg_ptr_entry *entry, uint32_t generation) {
    return ((entry->generation ^ generation) & ((1u << MG_PTR_GENERATION_BITS) - 1)) == 0;
}

/* Callers are inside an event (a reader section, sync.c) or hold the writer lock: a clear
 * never meets a change half done, and every entry was made in the open capture.
 * Insert returns 1 when it replaced an entry for the same address (copied to `replaced`),
 * 0 when the address was new, -1 when the map could not grow. */
int mg_ptrmap_insert(const mg_ptr_entry *entry, mg_ptr_entry *replaced);
int mg_ptrmap_remove(uintptr_t address, mg_ptr_entry *removed);
/* Empties the map as capture `generation` begins (writer lock held). */
void mg_ptrmap_clear(uint32_t generation);
/* Every stripe lock, for fork: taken before it, released after it in the parent, and made
 * new in the child. */
void mg_ptrmap_lock_all(void);
void mg_ptrmap_unlock_all(void);
void mg_ptrmap_after_fork(void);

/* ---- the pointer map's words for 16-byte-aligned addresses (pagemap.c) ---- */
#define MG_PAGEMAP_ADDRESS_BITS 48 /* addresses at or above 2^48 have no word */
/* The word of `address`, its table made if needed (NULL only when memory ran out). */
uint32_t *mg_pagemap_word(uintptr_t address);
/* The word of `address` if its table exists, else NULL. */
uint32_t *mg_pagemap_find(uintptr_t address);
/* Every word back to 0 (writer lock held). */
void mg_pagemap_clear(void);
void mg_pagemap_after_fork(void);

/* ---- anonymous mappings (mappings.c) ---- */
/* Called once per range carved out of a tracked mapping: [start, end), whether it was a
 * reservation, and the change in the mapping's live blocks (-1 gone, 0 trimmed, +1 split). */
typedef void (*mg_carve_visitor)(void *context, uint32_t stack_index, uintptr_t start, uintptr_t end, int reserved,
                                 int blocks_delta);
#define MG_CARVE_ANY (-1)
#define MG_CARVE_ACCESSIBLE 0
#define MG_CARVE_RESERVED 1
int mg_mappings_add(uintptr_t start, uint64_t bytes, uint32_t stack_index, int reserved);
int mg_mappings_take(uintptr_t start, uint32_t *stack_index, uint64_t *bytes, int *reserved);
/* Removes [start, end) from the tracked mappings of kind `which` (MG_CARVE_*). */
void mg_mappings_carve(uintptr_t start, uintptr_t end, int which, mg_carve_visitor visit, void *context);
void mg_mappings_clear(void);

/* ---- process tree (tree.c) ---- */
int mg_tree_attach(const char *path, int create);
int mg_tree_attached(void);
/* The root's live-bytes counter in the tree's page (NULL when no tree is attached); after each
 * change through it, mg_tree_root_changed raises the tree's peak once children exist. */
int64_t *mg_tree_root_counter(void);
void mg_tree_root_changed(void);
void mg_tree_child_add(int64_t delta);
void mg_tree_region_begin(const char *current_path);
void mg_tree_region_end(int64_t root_peak, int64_t *tree_peak, uint32_t *children_started, int still_active);
/* `<root's current capture>-p<pid>` for a child starting now; -1 when the root is not measuring. */
int mg_tree_child_path(char *path, size_t capacity, pid_t pid);
void mg_tree_child_joined(void);
void mg_tree_note_untracked_child(void);
uint32_t mg_tree_untracked_children(void);

/* ---- misc ---- */
uint64_t mg_now_ns(void);
uint64_t mg_hash_words(const uint64_t *words, int count);

#endif

/*
 * The capture: aggregated allocation state kept in a MAP_SHARED file mapping, so that a
 * SIGKILL, an OOM kill or a crash still leaves the figures reached so far on disk.
 *
 * Concurrency (sync.c): allocation events are readers. They find their stack without a lock
 * (new stacks are added under insert_mutex), change the counters with atomic adds and keep the
 * pointer map (ptrmap.c, striped) outside any capture-wide lock, so threads on different
 * cores record side by side. Everything that needs the capture still is a writer: a new
 * peak's snapshot of the stacks live at it, a section that must grow (its mapping may move),
 * mappings, reallocation, region changes, fork. The header's live counter is the one place
 * every event meets: an allocation that takes it above the recorded peak leaves its event and
 * takes the writer lock, where no event is half-applied, so the peak and every stack's bytes
 * at it are one consistent state of the program (exact to the byte).
 * The seqlock counter in the header (hdr->commit) is odd while a writer's update is
 * half-applied, so a reader of a crashed capture can tell whether the snapshot was torn.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "capture_file.h"
#include "memgate_capture_format.h"
#include "tracker_internal.h"

/* Sections are mapped as they fill (capture_file.c), so capacities cost file offsets, not memory:
 * a scipy import alone makes 40 000 stacks of 52 Python frames on average (2.1 M frames), which
 * share 55 000 frame nodes. */
#define STACK_CAPACITY (1u << 18)
#define STACK_INDEX_SLOTS (STACK_CAPACITY * 2)
#define NODES_CAPACITY (1ull << 24)
#define NODE_SLOTS_INITIAL (1u << 14) /* doubled while more than half full */
#define STRINGS_CAPACITY (8ull << 20)
#define PYFUNC_CAPACITY (1u << 18)
#define MODULE_CAPACITY 4096u
#define TIMELINE_CAPACITY 4096u
#define PYFUNC_ID_LIMIT (1u << 18) /* python.c gives ids below its FUNCTION_CAPACITY */

/* Until configured, the state is a static all-zero copy: nothing is tracked. */
static mg_process_state unconfigured_state;
mg_process_state *mg_process = &unconfigured_state;
pid_t mg_state_owner_pid;
/* mg_tracking's value outside the wiped page, for raw clone() copies (see set_tracking). */
static int tracking_outside_page;
int mg_native_frames = 1;

/* Serialises readers that add a stack to the table (rare: most events find theirs). */
static pthread_mutex_t insert_mutex = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
/* Held by the reader appending a timeline sample; others skip theirs meanwhile. */
static int timeline_busy;
/* Stacks touched by writers since the last peak. */
static mg_thread_slot writer_touched;
/* Numbers each capture this process opens, and is never reset (a tracked fork child goes on
 * from its parent's number): pointer-map entries carry the one they were counted in, so a block
 * counted in an ended region is never released from the next one, and `pyfunc_written` marks a
 * Python function as written to one capture only. */
static uint32_t generation;
static int forked_child;
static pid_t forked_from; /* a tracked fork child: its parent's pid */
static int regions_only;
static char base_path[4000];
static char current_path[4096];
static uint32_t captures_created;

static mg_capture_file file;
static mg_header *hdr; /* file.header while a capture is open */
static mg_stack *stacks;
static mg_frame_node *frame_nodes;
static char *strings;
static mg_pyfunc *pyfuncs;
static mg_module *modules;
static mg_sample *samples;

/* Private (not in the file): stack lookup, touched-since-peak list, written Python ids. */
static uint32_t *stack_slots;        /* stack index + 1, 0 = empty */
/* Frame nodes by (parent, word), used only to add stacks (under insert_mutex or the writer lock). */
static uint32_t *node_slots;         /* node index + 1, 0 = empty */
static uint32_t node_slot_count;
/* The words (outermost first) and nodes of the stack added last, under the same locks: the next
 * new stack usually shares most of its outer frames with it (an import's stacks differ in their
 * innermost few), and those need no lookup. */
static uint64_t last_words[MG_MAX_FRAMES];
static uint32_t last_nodes[MG_MAX_FRAMES];
static int last_depth;
static uint32_t *touched_epoch;      /* per stack: epoch in which it was last touched */
static uint32_t epoch = 1;
static uint32_t *pyfunc_written;     /* per Python function id: the generation it was written in */
static uint64_t writer_events;
static uint64_t last_sample_ns;
static uint64_t sample_interval_ns = 100000; /* 0.1 ms, doubled on each downsampling */
static uint64_t fast_unwinds_at_begin;
static uint64_t slow_unwinds_at_begin;
static uint64_t shallow_unwinds_at_begin;

/* Every change of mg_tracking goes through here, so a raw clone() copy sees what the parent
 * was doing at the moment of the copy. */
static inline void set_tracking(int on) {
    mg_tracking = on;
    tracking_outside_page = on;
}

int mg_capture_tracking_at_copy(void) { return tracking_outside_page; }

uint64_t mg_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static uint64_t coarse_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static inline uint64_t rotate_left(uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }

/* Four independent multiply chains (one per word position mod 4) and a final mix: the
 * chains run in parallel, so a 16-frame stack hashes in about a quarter of the latency of one
 * chain over all words. Never 0 (0 marks an empty slot). */
uint64_t mg_hash_words(const uint64_t *words, int count) {
    const uint64_t prime = 1099511628211ull;
    uint64_t lane0 = 1469598103934665603ull, lane1 = 0x9e3779b97f4a7c15ull;
    uint64_t lane2 = 0xc2b2ae3d27d4eb4full, lane3 = 0x165667b19e3779f9ull;
    int i = 0;
    for (; i + 4 <= count; i += 4) {
        lane0 = (lane0 ^ words[i]) * prime;
        lane1 = (lane1 ^ words[i + 1]) * prime;
        lane2 = (lane2 ^ words[i + 2]) * prime;
        lane3 = (lane3 ^ words[i + 3]) * prime;
    }
    for (; i < count; i++) lane0 = (lane0 ^ words[i]) * prime;
    uint64_t hash = lane0 ^ rotate_left(lane1, 16) ^ rotate_left(lane2, 32) ^
                    rotate_left(lane3, 48) ^ (uint64_t)count;
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 29;
    return hash ? hash : 1;
}

void mg_capture_lock(void) { mg_sync_write_lock(); }
void mg_capture_unlock(void) { mg_sync_write_unlock(); }
const char *mg_capture_current_path(void) { return hdr ? current_path : NULL; }

int mg_capture_is_configured(void) { return mg_process->configured && !forked_child; }

/* Pid of the process whose capture is open, or 0 when none is (never true in a child). */
pid_t mg_capture_owner_pid(void) {
    mg_header *header = hdr;
    return header && !forked_child ? (pid_t)header->pid : 0;
}

/* A page that reads as zeros in any copy of this process (fork, clone without CLONE_VM). */
static mg_process_state *make_process_state(void) {
    mg_process_state *state = mg_os_alloc(4096);
    if (!state) return NULL;
    if (madvise(state, 4096, MADV_WIPEONFORK) != 0) {
        /* Kernels before 4.14: pthread_atfork still covers fork(); raw clone() is not covered. */
    }
    return state;
}

int mg_absolute_path(const char *path, char *out, size_t capacity) {
    size_t length = strlen(path);
    if (path[0] == '/') {
        if (length >= capacity) return -1;
        memcpy(out, path, length + 1);
        return 0;
    }
    if (!getcwd(out, capacity)) return -1;
    size_t directory = strlen(out);
    if (directory + 1 + length >= capacity) return -1;
    out[directory] = '/';
    memcpy(out + directory + 1, path, length + 1);
    return 0;
}

int mg_capture_configure(const char *path, int only_regions, int role) {
    /* Absolute, because the capture is re-opened by path and the target may chdir. */
    if (mg_absolute_path(path, base_path, sizeof base_path) != 0) return -1;
    mg_process_state *state = make_process_state();
    if (!state) return -1;
    regions_only = only_regions;
    stack_slots = mg_os_alloc(STACK_INDEX_SLOTS * sizeof(uint32_t));
    node_slots = mg_os_alloc(NODE_SLOTS_INITIAL * sizeof(uint32_t));
    node_slot_count = NODE_SLOTS_INITIAL;
    touched_epoch = mg_os_alloc(STACK_CAPACITY * sizeof(uint32_t));
    writer_touched.touched = mg_os_alloc(MG_TOUCHED_CAPACITY * sizeof(uint32_t));
    pyfunc_written = mg_os_alloc(PYFUNC_ID_LIMIT * sizeof(uint32_t));
    if (!stack_slots || !node_slots || !touched_epoch || !writer_touched.touched || !pyfunc_written) return -1;
    state->configured = 1;
    state->role = role;
    mg_process = state;
    mg_state_owner_pid = getpid();
    return 0;
}

/* The seqlock counter is only written by writers (sync.c), so a release store suffices (no
 * locked read-modify-write); its readers are other processes reading a crashed capture. */
static inline void commit_begin(void) { __atomic_store_n(&hdr->commit, hdr->commit + 1, __ATOMIC_RELEASE); }
static inline void commit_end(void) { __atomic_store_n(&hdr->commit, hdr->commit + 1, __ATOMIC_RELEASE); }

/* Flags are set by readers adding stacks and writers alike. */
static inline void set_flag_bits(uint32_t bits) { __atomic_or_fetch(&hdr->flags, bits, __ATOMIC_RELAXED); }

/* ---- the file's sections, grown on demand (capture_file.c) ---- */

/* Stops recording for good because the capture cannot hold more: the figures so far stay
 * readable and the flag makes the report fail the case instead of passing a partial figure. */
static void stop_capture(uint32_t flag) {
    set_flag_bits(flag);
    set_tracking(0);
}

static void bind_section(int section);

/* Makes bytes [0, needed) of a section usable; when the capture cannot grow (disk full, or
 * the section at capacity), tracking stops with the flag that fails the case. 0 when usable. */
static int grow_section(int section, uint64_t capacity_bytes, uint64_t needed_bytes) {
    if (MG_LIKELY(needed_bytes <= file.mapped_bytes[section])) return 0;
    if (mg_capture_file_grow(&file, current_path, section, needed_bytes, capacity_bytes) != 0) {
        stop_capture(MG_FLAG_CAPTURE_FULL);
        return -1;
    }
    bind_section(section); /* only its pointer: readers use the others meanwhile */
    return 0;
}

static uint32_t append_string(const char *text) {
    size_t length = strlen(text) + 1;
    if (hdr->strings_used + length > STRINGS_CAPACITY) {
        set_flag_bits(MG_FLAG_STRINGS_FULL);
        return 0; /* offset 0 holds "" */
    }
    if (grow_section(MG_SECTION_STRINGS, STRINGS_CAPACITY, hdr->strings_used + length) != 0)
        return 0;
    uint32_t offset = (uint32_t)hdr->strings_used;
    memcpy(strings + offset, text, length);
    hdr->strings_used += length;
    return offset;
}

/* ---- modules, for symbolizing native frames when reading ---- */

/* The table only grows during a region (a library closed with dlclose keeps its entry, since
 * frames recorded while it was loaded still point into it; readers take the last entry that
 * covers an address). Refreshing it after each dlopen appends only what is new. */
static int module_recorded(uint64_t bias, uint64_t start, uint64_t end, const char *path) {
    for (uint32_t i = 0; i < hdr->module_count; i++) {
        const mg_module *module = &modules[i];
        if (module->start == start && module->end == end && module->bias == bias &&
            strcmp(strings + module->path_offset, path) == 0)
            return 1;
    }
    return 0;
}

static int add_module(struct dl_phdr_info *info, size_t size, void *unused) {
    (void)size;
    (void)unused;
    if (hdr->module_count >= MODULE_CAPACITY) return 1;
    char path[4096];
    const char *name = info->dlpi_name;
    if (!name || !*name) {
        ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
        if (length <= 0) return 0;
        path[length] = 0;
        name = path;
    }
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        uint64_t start = info->dlpi_addr + segment->p_vaddr;
        if (module_recorded(info->dlpi_addr, start, start + segment->p_memsz, name)) continue;
        if (grow_section(MG_SECTION_MODULES, (uint64_t)MODULE_CAPACITY * sizeof(mg_module),
                          (uint64_t)(hdr->module_count + 1) * sizeof(mg_module)) != 0)
            return 1;
        mg_module *module = &modules[hdr->module_count++];
        module->bias = info->dlpi_addr;
        module->start = info->dlpi_addr + segment->p_vaddr;
        module->end = module->start + segment->p_memsz;
        module->path_offset = append_string(name);
        if (hdr->module_count >= MODULE_CAPACITY) return 1;
    }
    return 0;
}

static void record_modules(void) { dl_iterate_phdr(add_module, NULL); }

/* ---- counters ---- */

/* The counter every event of this process meets, so the one line threads contend for. A root
 * with a process tree counts in the tree's page (children read it for the tree's peak), and the
 * header's live_bytes mirrors it at every fold; otherwise it is the header's own. */
static int64_t *live_counter;

static inline int64_t live_now(void) { return __atomic_load_n(live_counter, __ATOMIC_RELAXED); }

/* Changes this process's live bytes (and the tree's combined figure); returns the new value. */
static inline int64_t add_live(int64_t delta) {
    int64_t live = __atomic_add_fetch(live_counter, delta, __ATOMIC_RELAXED);
    if (mg_process->role == MG_ROLE_ROOT) {
        mg_tree_root_changed();
    } else if (mg_process->role == MG_ROLE_CHILD) {
        mg_tree_child_add(delta);
    }
    return live;
}

static inline void touch(mg_thread_slot *list, uint32_t index);

/* Applies a pending entry to its stack, touched for the next peak as `list`'s (the owner's slot,
 * or &writer_touched), and empties it. */
static void apply_pending(mg_thread_slot *list, mg_stack_pending *pending) {
    if (!pending->index_plus_one) return;
    uint32_t index = pending->index_plus_one - 1;
    mg_stack *stack = &stacks[index];
    __atomic_add_fetch(&stack->live_bytes, pending->live_bytes, __ATOMIC_RELAXED);
    __atomic_add_fetch(&stack->live_count, pending->live_count, __ATOMIC_RELAXED);
    if (pending->alloc_count) {
        __atomic_add_fetch(&stack->total_bytes, pending->total_bytes, __ATOMIC_RELAXED);
        __atomic_add_fetch(&stack->alloc_count, pending->alloc_count, __ATOMIC_RELAXED);
    }
    touch(list, index);
    memset(pending, 0, sizeof *pending);
}

static void apply_all_pending(mg_thread_slot *slot, mg_thread_slot *list) {
    for (uint32_t i = 0; i < MG_PENDING_STACKS; i++) apply_pending(list, &slot->pending[i]);
}

/* The slot's pending entry for stack `index`, emptied of another stack's changes first. */
static inline mg_stack_pending *pending_for(mg_thread_slot *slot, uint32_t index) {
    mg_stack_pending *pending = &slot->pending[index & (MG_PENDING_STACKS - 1)];
    if (MG_UNLIKELY(pending->index_plus_one != index + 1)) {
        apply_pending(slot, pending);
        pending->index_plus_one = index + 1;
    }
    return pending;
}

/* Moves a thread's own counts into the header (the header line is then not written by every
 * event of every thread), its pending stack changes into the stacks (touched as `list`'s), and
 * mirrors the live counter. A writer folds every slot; a reader folds its own. */
static void fold_counts(mg_thread_slot *slot, mg_thread_slot *list) {
    if (slot && slot->pending) apply_all_pending(slot, list);
    if (slot && (slot->alloc_count | slot->free_count)) {
        __atomic_add_fetch(&hdr->total_bytes, slot->total_bytes, __ATOMIC_RELAXED);
        __atomic_add_fetch(&hdr->alloc_count, slot->alloc_count, __ATOMIC_RELAXED);
        __atomic_add_fetch(&hdr->free_count, slot->free_count, __ATOMIC_RELAXED);
        slot->total_bytes = 0;
        slot->alloc_count = 0;
        slot->free_count = 0;
    }
    if (live_counter != &hdr->live_bytes) __atomic_store_n(&hdr->live_bytes, live_now(), __ATOMIC_RELAXED);
}

/* With the writer lock held: every thread's counts are in the header. */
static void fold_all_counts(void) {
    for (uint32_t i = 0; i < MG_THREAD_SLOTS; i++) {
        mg_thread_slot *slot = mg_sync_slot(i);
        if (!slot) break;
        fold_counts(slot, &writer_touched);
    }
    fold_counts(NULL, NULL);
}

void mg_capture_fold_slot(mg_thread_slot *slot) {
    if (hdr) fold_counts(slot, &writer_touched);
}

/* Counts kept by the thread's slot, or straight in the header for writers and slotless threads. */
static inline int keeps_own_counts(const mg_thread_slot *list) { return list && list != &writer_touched; }

/* ---- timeline ---- */

/* With the writer lock, or as the reader holding timeline_busy. */
static void append_sample(uint64_t now) {
    if (hdr->timeline_count == TIMELINE_CAPACITY) {
        /* Full: keep every other sample and halve the rate, so the series stays bounded. */
        uint32_t kept = 0;
        for (uint32_t i = 0; i < TIMELINE_CAPACITY; i += 2) samples[kept++] = samples[i];
        hdr->timeline_count = kept;
        sample_interval_ns *= 2;
    }
    if (grow_section(MG_SECTION_TIMELINE, (uint64_t)TIMELINE_CAPACITY * sizeof(mg_sample),
                      (uint64_t)(hdr->timeline_count + 1) * sizeof(mg_sample)) != 0)
        return;
    mg_sample *sample = &samples[hdr->timeline_count];
    sample->time_ns = now - hdr->start_ns;
    sample->live_bytes = live_now();
    __atomic_store_n(&hdr->timeline_count, hdr->timeline_count + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&last_sample_ns, now, __ATOMIC_RELAXED);
}

/* Every 64th event of a thread, or a large one, looks at the clock; a sample is due every
 * sample_interval_ns. `list` is the reader's slot, &writer_touched for a writer, NULL for a
 * slotless thread (as for touch). */
static inline void maybe_sample(mg_thread_slot *list, size_t bytes) {
    int own = keeps_own_counts(list);
    uint64_t *events = own ? &list->events : &writer_events;
    if ((++*events & 63) != 0 && bytes < 65536) return;
    uint64_t now = mg_now_ns();
    if (now - __atomic_load_n(&last_sample_ns, __ATOMIC_RELAXED) < sample_interval_ns) return;
    if (own) fold_counts(list, list);
    if (list == &writer_touched) {
        append_sample(now);
    } else if (!__atomic_exchange_n(&timeline_busy, 1, __ATOMIC_ACQUIRE)) {
        if (now - last_sample_ns >= sample_interval_ns) append_sample(now);
        __atomic_store_n(&timeline_busy, 0, __ATOMIC_RELEASE);
    }
}

/* ---- stacks ---- */

/* Notes that a stack's live bytes changed since the last peak. `list` is the reader's slot or
 * &writer_touched; NULL (a slotless thread) makes the next peak scan every stack. */
static inline void touch(mg_thread_slot *list, uint32_t index) {
    if (__atomic_load_n(&touched_epoch[index], __ATOMIC_RELAXED) == epoch) return;
    __atomic_store_n(&touched_epoch[index], epoch, __ATOMIC_RELAXED);
    if (!list) {
        __atomic_store_n(&mg_sync_touched_lost, 1, __ATOMIC_RELAXED);
    } else if (list->touched_count < MG_TOUCHED_CAPACITY) {
        list->touched[list->touched_count++] = index;
    } else {
        list->touched_overflow = 1;
    }
}

/* Whether frame word `word` is a Python function not yet written to this capture (its id in `id`). */
static inline int unwritten_python_function(uint64_t word, uint64_t *id) {
    if (!(word & MG_PYFRAME_BIT)) return 0;
    *id = (word & ~MG_PYFRAME_BIT) >> MG_PYLINE_BITS;
    return *id < PYFUNC_ID_LIMIT && pyfunc_written[*id] != generation;
}

/* Bytes the strings and Python-function sections need for the functions in `frames` not yet
 * written to this capture. */
static void python_function_needs(const uint64_t *frames, int depth, uint64_t *functions, uint64_t *string_bytes) {
    *functions = 0;
    *string_bytes = 0;
    uint64_t id;
    for (int i = 0; i < depth; i++) {
        if (!unwritten_python_function(frames[i], &id)) continue;
        const char *name = "?";
        const char *file_name = "?";
        mg_python_function(id, &name, &file_name);
        *functions += 1;
        *string_bytes += strlen(name) + strlen(file_name) + 2;
    }
}

static void write_python_functions(const uint64_t *frames, int depth) {
    uint64_t id;
    for (int i = 0; i < depth; i++) {
        if (!unwritten_python_function(frames[i], &id)) continue;
        if (hdr->pyfunc_count >= PYFUNC_CAPACITY) {
            set_flag_bits(MG_FLAG_PYFUNCS_FULL);
            return;
        }
        if (grow_section(MG_SECTION_PYFUNCS, (uint64_t)PYFUNC_CAPACITY * sizeof(mg_pyfunc),
                          (uint64_t)(hdr->pyfunc_count + 1) * sizeof(mg_pyfunc)) != 0)
            return;
        const char *name = "?";
        const char *file_name = "?";
        mg_python_function(id, &name, &file_name);
        mg_pyfunc *entry = &pyfuncs[hdr->pyfunc_count++];
        entry->id = id;
        entry->name_offset = append_string(name);
        entry->file_offset = append_string(file_name);
        pyfunc_written[id] = generation;
        set_flag_bits(MG_FLAG_PYTHON);
    }
}

/* Whether a stack of `depth` frames is `frames`: its nodes from the leaf outwards. */
static inline int stack_has_frames(const mg_stack *stack, const uint64_t *frames, int depth) {
    uint32_t node = (uint32_t)stack->leaf;
    for (int i = 0; i < depth; i++) {
        const mg_frame_node *frame = &frame_nodes[node - 1];
        if (frame->word != frames[i]) return 0;
        node = frame->parent;
    }
    return 1;
}

/* The stack's index when the table has it, else -1. Safe without a lock: a slot is published
 * (release) only after its stack record and nodes are complete, and neither moves while events
 * run. */
static int64_t find_stack(const uint64_t *frames, int depth, uint64_t hash, uint32_t *free_slot) {
    uint32_t slot = (uint32_t)hash & (STACK_INDEX_SLOTS - 1);
    for (;;) {
        uint32_t entry = __atomic_load_n(&stack_slots[slot], __ATOMIC_ACQUIRE);
        if (entry == 0) break;
        mg_stack *candidate = &stacks[entry - 1];
        if (candidate->hash == hash && candidate->depth == (uint32_t)depth &&
            stack_has_frames(candidate, frames, depth))
            return entry - 1;
        slot = (slot + 1) & (STACK_INDEX_SLOTS - 1);
    }
    *free_slot = slot;
    return -1;
}

/* Whether adding this stack needs no section to grow (a reader may then add it). */
static int stack_fits(const uint64_t *frames, int depth) {
    uint64_t functions, string_bytes;
    python_function_needs(frames, depth, &functions, &string_bytes);
    return (uint64_t)(hdr->stack_count + 1) * sizeof(mg_stack) <= file.mapped_bytes[MG_SECTION_STACKS] &&
           (hdr->nodes_used + (uint64_t)depth) * sizeof(mg_frame_node) <= file.mapped_bytes[MG_SECTION_NODES] &&
           (uint64_t)(hdr->pyfunc_count + functions) * sizeof(mg_pyfunc) <= file.mapped_bytes[MG_SECTION_PYFUNCS] &&
           hdr->strings_used + string_bytes <= file.mapped_bytes[MG_SECTION_STRINGS];
}

static inline uint32_t node_slot_of(uint32_t parent, uint64_t word, uint32_t slot_count) {
    uint64_t hash = word * 0x9e3779b97f4a7c15ull ^ ((uint64_t)parent + 1) * 0xc2b2ae3d27d4eb4full;
    hash ^= hash >> 32;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 29;
    return (uint32_t)hash & (slot_count - 1);
}

/* Doubles the node lookup table, placing every node written so far again. -1 when no memory. */
static int grow_node_slots(void) {
    uint32_t count = node_slot_count * 2;
    uint32_t *grown = mg_os_alloc((size_t)count * sizeof(uint32_t));
    if (!grown) return -1;
    for (uint32_t index = 0; index < hdr->nodes_used; index++) {
        uint32_t slot = node_slot_of(frame_nodes[index].parent, frame_nodes[index].word, count);
        while (grown[slot] != 0) slot = (slot + 1) & (count - 1);
        grown[slot] = index + 1;
    }
    mg_os_free(node_slots, (size_t)node_slot_count * sizeof(uint32_t));
    node_slots = grown;
    node_slot_count = count;
    return 0;
}

/* Empties the node lookup table for a new capture, giving back what a big one grew to. */
static void reset_node_slots(void) {
    last_depth = 0;
    if (node_slot_count > NODE_SLOTS_INITIAL) {
        uint32_t *initial = mg_os_alloc(NODE_SLOTS_INITIAL * sizeof(uint32_t));
        if (initial) {
            mg_os_free(node_slots, (size_t)node_slot_count * sizeof(uint32_t));
            node_slots = initial;
            node_slot_count = NODE_SLOTS_INITIAL;
            return;
        }
    }
    memset(node_slots, 0, (size_t)node_slot_count * sizeof(uint32_t));
}

/* The node of `word` under `parent` (both as 1 + index), written when new: 1 + its index, or 0
 * when the lookup table could not grow. The node section must have room for one more. */
static uint32_t find_or_add_node(uint32_t parent, uint64_t word, uint32_t depth) {
    if ((hdr->nodes_used + 1) * 2 > node_slot_count && grow_node_slots() != 0) return 0;
    uint32_t slot = node_slot_of(parent, word, node_slot_count);
    for (uint32_t entry; (entry = node_slots[slot]) != 0; slot = (slot + 1) & (node_slot_count - 1)) {
        const mg_frame_node *node = &frame_nodes[entry - 1];
        if (node->word == word && node->parent == parent) return entry;
    }
    mg_frame_node *node = &frame_nodes[hdr->nodes_used];
    node->word = word;
    node->parent = parent;
    node->depth = depth;
    /* Counted only once complete: a process killed here leaves no half-written node in use. */
    __atomic_store_n(&hdr->nodes_used, hdr->nodes_used + 1, __ATOMIC_RELEASE);
    node_slots[slot] = (uint32_t)hdr->nodes_used;
    return (uint32_t)hdr->nodes_used;
}

/* Adds a stack at the free index slot `slot`; with the writer lock or insert_mutex held.
 * Index 0 (the overflow stack) when the table is full. Its frames become nodes from the
 * outermost in, each shared with every stack already holding the same outer frames. */
static uint32_t insert_stack(const uint64_t *frames, int depth, uint64_t hash, uint32_t slot) {
    if (hdr->stack_count >= STACK_CAPACITY || hdr->nodes_used + (uint64_t)depth > NODES_CAPACITY) {
        set_flag_bits(MG_FLAG_STACKS_DROPPED);
        return 0;
    }
    if (grow_section(MG_SECTION_STACKS, (uint64_t)STACK_CAPACITY * sizeof(mg_stack),
                     (uint64_t)(hdr->stack_count + 1) * sizeof(mg_stack)) != 0 ||
        grow_section(MG_SECTION_NODES, NODES_CAPACITY * sizeof(mg_frame_node),
                     (hdr->nodes_used + (uint64_t)depth) * sizeof(mg_frame_node)) != 0)
        return 0;
    int shared = 0;
    if (depth <= MG_MAX_FRAMES) {
        int limit = depth < last_depth ? depth : last_depth;
        while (shared < limit && last_words[shared] == frames[depth - 1 - shared]) shared++;
    }
    uint32_t leaf = shared > 0 ? last_nodes[shared - 1] : 0;
    for (int level = shared; level < depth; level++) {
        uint64_t word = frames[depth - 1 - level];
        leaf = find_or_add_node(leaf, word, (uint32_t)level + 1);
        if (leaf == 0) {
            if (level < last_depth) last_depth = level;
            set_flag_bits(MG_FLAG_STACKS_DROPPED);
            return 0;
        }
        if (depth <= MG_MAX_FRAMES) {
            last_words[level] = word;
            last_nodes[level] = leaf;
        }
    }
    if (depth <= MG_MAX_FRAMES) last_depth = depth;
    uint32_t index = hdr->stack_count;
    mg_stack *stack = &stacks[index];
    memset(stack, 0, sizeof *stack);
    stack->hash = hash;
    stack->depth = (uint32_t)depth;
    stack->leaf = leaf;
    write_python_functions(frames, depth);
    if (depth > 0 && !(frames[0] & MG_PYFRAME_BIT)) set_flag_bits(MG_FLAG_NATIVE);
    __atomic_store_n(&hdr->stack_count, index + 1, __ATOMIC_RELEASE); /* after the record is complete */
    __atomic_store_n(&stack_slots[slot], index + 1, __ATOMIC_RELEASE);
    return index;
}

/* Finds the stack's index, adding it when new; with the writer lock held. */
static uint32_t find_or_insert_stack(const uint64_t *frames, int depth, uint64_t hash) {
    uint32_t slot = 0;
    int64_t found = find_stack(frames, depth, hash, &slot);
    return found >= 0 ? (uint32_t)found : insert_stack(frames, depth, hash, slot);
}

#define STACK_NEEDS_WRITER (-1)

/* The same for a reader: STACK_NEEDS_WRITER when adding it would grow a section (whose mapping
 * may move under other readers), so the caller redoes the event as a writer. */
static int64_t find_or_insert_stack_reading(const uint64_t *frames, int depth, uint64_t hash) {
    uint32_t slot = 0;
    int64_t found = find_stack(frames, depth, hash, &slot);
    if (MG_LIKELY(found >= 0)) return found;
    pthread_mutex_lock(&insert_mutex);
    found = find_stack(frames, depth, hash, &slot); /* another reader may have added it meanwhile */
    if (found < 0) found = stack_fits(frames, depth) ? (int64_t)insert_stack(frames, depth, hash, slot) : STACK_NEEDS_WRITER;
    pthread_mutex_unlock(&insert_mutex);
    return found;
}

static void clear_touched_lists(void) {
    for (uint32_t i = 0; i < MG_THREAD_SLOTS; i++) {
        mg_thread_slot *slot = mg_sync_slot(i);
        if (!slot) break;
        slot->touched_count = 0;
        slot->touched_overflow = 0;
    }
    writer_touched.touched_count = 0;
    writer_touched.touched_overflow = 0;
    mg_sync_touched_lost = 0;
}

static void snapshot_touched(const mg_thread_slot *list) {
    for (uint32_t i = 0; i < list->touched_count; i++) {
        mg_stack *stack = &stacks[list->touched[i]];
        stack->peak_bytes = stack->live_bytes;
        stack->peak_count = stack->live_count;
    }
}

/* With the writer lock held, so no event is half-applied: every stack's live bytes now are its
 * bytes at the new peak. Only stacks touched since the last peak can differ from their figure
 * then; when some touched lists were lost or overflowed, every stack is visited. */
static void reach_new_peak(void) {
    fold_all_counts(); /* every thread's pending stack changes, touched as the writer's */
    int visit_all = mg_sync_touched_lost || writer_touched.touched_overflow;
    for (uint32_t i = 0; !visit_all && i < MG_THREAD_SLOTS; i++) {
        mg_thread_slot *slot = mg_sync_slot(i);
        if (!slot) break;
        visit_all = slot->touched_overflow;
    }
    if (visit_all) {
        for (uint32_t i = 0; i < hdr->stack_count; i++) {
            stacks[i].peak_bytes = stacks[i].live_bytes;
            stacks[i].peak_count = stacks[i].live_count;
        }
    } else {
        for (uint32_t i = 0; i < MG_THREAD_SLOTS; i++) {
            mg_thread_slot *slot = mg_sync_slot(i);
            if (!slot) break;
            snapshot_touched(slot);
        }
        snapshot_touched(&writer_touched);
    }
    clear_touched_lists();
    epoch++;
    hdr->peak_bytes = hdr->live_bytes;
    /* The coarse clock (a few milliseconds' resolution, no counter read): a growing program
     * reaches a new peak at nearly every allocation, where the precise clock cost 5 % of the run. */
    uint64_t now = coarse_now_ns();
    hdr->peak_ns = now > hdr->start_ns ? now - hdr->start_ns : 0;
}

/* Takes `bytes` off a stack's live figures; `blocks_delta` is the change in its live blocks. */
static void release_live_bytes(mg_thread_slot *list, uint32_t stack_index, uint64_t bytes, int blocks_delta) {
    if (keeps_own_counts(list)) {
        mg_stack_pending *pending = pending_for(list, stack_index);
        pending->live_bytes -= (int64_t)bytes;
        pending->live_count += blocks_delta;
    } else {
        mg_stack *stack = &stacks[stack_index];
        __atomic_sub_fetch(&stack->live_bytes, (int64_t)bytes, __ATOMIC_RELAXED);
        __atomic_add_fetch(&stack->live_count, blocks_delta, __ATOMIC_RELAXED);
        touch(list, stack_index);
    }
    add_live(-(int64_t)bytes);
}

/* Visitor for ranges carved out of tracked mappings (writers only): accessible bytes are
 * released, and a mapping that is gone entirely counts as a free. Reservations counted nothing. */
static void release_carved(void *context, uint32_t stack_index, uintptr_t start, uintptr_t end, int reserved,
                           int blocks_delta) {
    (void)context;
    if (reserved) return;
    release_live_bytes(&writer_touched, stack_index, end - start, blocks_delta);
    if (blocks_delta < 0) hdr->free_count += 1;
}

/* Counts `bytes` as a new live allocation at stack `index`; returns whether the live bytes went
 * above the recorded peak (a writer then takes the peak's snapshot). The stack's live figures
 * change at once; a reader's totals wait in its pending entry (mg_stack_pending). */
static int count_allocation(mg_thread_slot *list, uint32_t index, uint64_t bytes) {
    mg_stack *stack = &stacks[index];
    __atomic_add_fetch(&stack->live_bytes, (int64_t)bytes, __ATOMIC_RELAXED);
    __atomic_add_fetch(&stack->live_count, 1, __ATOMIC_RELAXED);
    touch(list, index);
    if (keeps_own_counts(list)) {
        mg_stack_pending *pending = pending_for(list, index);
        pending->total_bytes += bytes;
        pending->alloc_count += 1;
        list->total_bytes += bytes;
        list->alloc_count += 1;
    } else {
        __atomic_add_fetch(&stack->total_bytes, bytes, __ATOMIC_RELAXED);
        __atomic_add_fetch(&stack->alloc_count, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&hdr->total_bytes, bytes, __ATOMIC_RELAXED);
        __atomic_add_fetch(&hdr->alloc_count, 1, __ATOMIC_RELAXED);
    }
    int64_t live = add_live((int64_t)bytes);
    return live > __atomic_load_n(&hdr->peak_bytes, __ATOMIC_RELAXED);
}

/* Releases a pointer-map entry's block (freed, or found stale) when it was counted in the open
 * capture; an entry from an earlier capture (a region that has ended) counts nothing. */
static int release_entry(mg_thread_slot *list, const mg_ptr_entry *entry, int is_free) {
    if (!mg_tracking || !hdr || !mg_ptr_counted_in(entry, generation)) return 0;
    release_live_bytes(list, entry->stack_index, entry->bytes, -1);
    if (is_free) {
        if (keeps_own_counts(list)) {
            list->free_count += 1;
        } else {
            __atomic_add_fetch(&hdr->free_count, 1, __ATOMIC_RELAXED);
        }
        maybe_sample(list, entry->bytes);
    }
    return 1;
}

/* ---- events with the writer lock held (reallocation, mappings, growth) ---- */

/* Counts an allocation at its stack as a writer; -1 when nothing is recorded now. */
static int64_t count_at_stack_writing(size_t bytes, const uint64_t *frames, int depth, uint64_t hash) {
    if (!mg_tracking || !hdr) return -1;
    uint32_t index = find_or_insert_stack(frames, depth, hash);
    if (count_allocation(&writer_touched, index, bytes)) reach_new_peak();
    maybe_sample(&writer_touched, bytes);
    return index;
}

static void record_block_locked(void *address, size_t bytes, const uint64_t *frames, int depth, uint64_t hash) {
    if (!mg_tracking || !hdr) return;
    commit_begin();
    int64_t index = count_at_stack_writing(bytes, frames, depth, hash);
    if (index >= 0) {
        mg_ptr_entry entry = {(uintptr_t)address, bytes, (uint32_t)index, generation}, stale;
        /* An address handed out again without a free we saw (e.g. freed via an alias). */
        if (mg_ptrmap_insert(&entry, &stale) == 1) release_entry(&writer_touched, &stale, 0);
    }
    commit_end();
}

/* A new mapping: MAP_FIXED may replace (parts of) mappings we track, and those bytes are gone first. */
static void record_mapping_locked(void *address, size_t bytes, const uint64_t *frames, int depth, uint64_t hash) {
    if (!mg_tracking || !hdr) return;
    commit_begin();
    mg_mappings_carve((uintptr_t)address, (uintptr_t)address + bytes, MG_CARVE_ANY, release_carved, NULL);
    int64_t index = count_at_stack_writing(bytes, frames, depth, hash);
    if (index >= 0) mg_mappings_add((uintptr_t)address, bytes, (uint32_t)index, 0);
    commit_end();
}

void mg_record_alloc_locked(void *address, size_t bytes, const uint64_t *frames, int depth, int is_mapping) {
    uint64_t hash = mg_hash_words(frames, depth);
    if (is_mapping) {
        record_mapping_locked(address, bytes, frames, depth, hash);
    } else {
        record_block_locked(address, bytes, frames, depth, hash);
    }
}

int mg_record_free_locked(void *address, int is_mapping) {
    if (!mg_tracking || !hdr) return 0;
    if (is_mapping) {
        uint32_t stack_index;
        uint64_t bytes;
        int reserved = 0;
        if (!mg_mappings_take((uintptr_t)address, &stack_index, &bytes, &reserved)) return 0;
        if (reserved) return 2;
        commit_begin();
        release_live_bytes(&writer_touched, stack_index, bytes, -1);
        hdr->free_count += 1;
        maybe_sample(&writer_touched, bytes);
        commit_end();
        return 1;
    }
    mg_ptr_entry entry;
    if (!mg_ptrmap_remove((uintptr_t)address, &entry)) return 0;
    commit_begin();
    int counted = release_entry(&writer_touched, &entry, 1);
    commit_end();
    return counted;
}

/* Takes the new peak's snapshot after a reader's allocation went above the recorded peak. */
static void reach_new_peak_as_writer(void) {
    mg_sync_write_lock();
    if (hdr && live_now() > hdr->peak_bytes) {
        commit_begin();
        reach_new_peak();
        commit_end();
    }
    mg_sync_write_unlock();
}

/* ---- the hot path: events as readers ---- */

/* Each thread's last stack and its index in the open capture (mg_stack_memo, in its slot): a
 * program allocating in a loop meets the same stack again and again, and comparing with a copy
 * in the thread's own lines saves hashing it and probing the shared stack table. Valid for one
 * capture (`generation`): a stack's index never changes while its capture is open. */
static inline int is_memo_stack(const mg_stack_memo *memo, const uint64_t *frames, int depth) {
    return memo && memo->generation == generation && memo->depth == depth &&
           memcmp(memo->frames, frames, (size_t)depth * sizeof(uint64_t)) == 0;
}

static inline void remember_stack(mg_stack_memo *memo, const uint64_t *frames, int depth, uint32_t index) {
    if (!memo) return;
    memo->generation = generation;
    memo->index = index;
    memo->depth = depth;
    memcpy(memo->frames, frames, (size_t)depth * sizeof(uint64_t));
}

/* A heap block's allocation: counted, then its pointer-map entry made, inside one event (the
 * map's words carry no capture generation, so no capture may begin between the two). The block
 * reaches the program, and so any thread that could free it, only after this returns, so every
 * free of it is counted after its allocation. */
void mg_record_alloc(void *address, size_t bytes, const uint64_t *frames, int depth, int is_mapping) {
    if (is_mapping) {
        uint64_t hash = mg_hash_words(frames, depth);
        mg_sync_write_lock();
        record_mapping_locked(address, bytes, frames, depth, hash);
        mg_sync_write_unlock();
        return;
    }
    mg_thread_slot *slot = mg_sync_read_enter();
    if (!mg_tracking || !hdr) {
        mg_sync_read_exit(slot);
        return;
    }
    int64_t index;
    mg_stack_memo *memo = slot ? slot->stack_memo : NULL;
    if (is_memo_stack(memo, frames, depth)) {
        index = memo->index;
    } else {
        uint64_t hash = mg_hash_words(frames, depth);
        index = find_or_insert_stack_reading(frames, depth, hash);
        if (MG_UNLIKELY(index == STACK_NEEDS_WRITER)) {
            mg_sync_read_exit(slot);
            mg_sync_write_lock();
            record_block_locked(address, bytes, frames, depth, hash);
            mg_sync_write_unlock();
            return;
        }
        remember_stack(memo, frames, depth, (uint32_t)index);
    }
    int above_peak = count_allocation(slot, (uint32_t)index, bytes);
    maybe_sample(slot, bytes);
    mg_ptr_entry entry = {(uintptr_t)address, bytes, (uint32_t)index, generation}, stale;
    /* An address handed out again without a free we saw (freed through an alias): its old
     * block is released now. It was over-counted ever since that unseen free. */
    if (mg_ptrmap_insert(&entry, &stale) == 1) release_entry(slot, &stale, 0);
    mg_sync_read_exit(slot);
    if (above_peak) reach_new_peak_as_writer();
}

/* A free: the entry leaves the map and the counters change in one event, before the caller
 * hands the block back to the allocator (so a thread given the same address counts its
 * allocation after this free). */
void mg_record_free(void *address, int is_mapping) {
    if (is_mapping) {
        mg_sync_write_lock();
        mg_record_free_locked(address, is_mapping);
        mg_sync_write_unlock();
        return;
    }
    mg_thread_slot *slot = mg_sync_read_enter();
    mg_ptr_entry entry;
    if (mg_tracking && hdr && mg_ptrmap_remove((uintptr_t)address, &entry)) release_entry(slot, &entry, 1);
    mg_sync_read_exit(slot);
}

/* [start, end) of the pages munmap or mprotect act on: the length rounded up, as the kernel does. */
static void page_range(void *address, size_t bytes, uintptr_t *start, uintptr_t *end) {
    size_t page = 4096;
    *start = (uintptr_t)address;
    *end = *start + ((bytes + page - 1) & ~(page - 1));
}

void mg_record_unmap(void *address, size_t bytes) {
    uintptr_t start, end;
    page_range(address, bytes, &start, &end);
    mg_capture_lock();
    if (mg_tracking && hdr) {
        commit_begin();
        mg_mappings_carve(start, end, MG_CARVE_ANY, release_carved, NULL);
        commit_end();
    }
    mg_capture_unlock();
}

void mg_record_reserve_locked(void *address, size_t bytes) {
    if (!mg_tracking || !hdr) return;
    uintptr_t start = (uintptr_t)address;
    commit_begin();
    mg_mappings_carve(start, start + bytes, MG_CARVE_ANY, release_carved, NULL);
    mg_mappings_add(start, bytes, 0, 1);
    commit_end();
}

void mg_record_reserve(void *address, size_t bytes) {
    mg_capture_lock();
    mg_record_reserve_locked(address, bytes);
    mg_capture_unlock();
}

/* What an mprotect changed, collected while carving (the table must not change mid-scan). */
#define MAX_PROTECT_PIECES 64
typedef struct protect_pieces {
    uintptr_t start[MAX_PROTECT_PIECES];
    uintptr_t end[MAX_PROTECT_PIECES];
    int count;
} protect_pieces;

static void collect_piece(void *context, uint32_t stack_index, uintptr_t start, uintptr_t end, int reserved,
                          int blocks_delta) {
    protect_pieces *pieces = context;
    release_carved(NULL, stack_index, start, end, reserved, blocks_delta);
    if (pieces->count < MAX_PROTECT_PIECES) {
        pieces->start[pieces->count] = start;
        pieces->end[pieces->count] = end;
        pieces->count++;
    }
}

void mg_record_protect(void *address, size_t bytes, int accessible, const uint64_t *frames, int depth) {
    uintptr_t start, end;
    page_range(address, bytes, &start, &end);
    mg_capture_lock();
    if (mg_tracking && hdr) {
        commit_begin();
        protect_pieces pieces;
        pieces.count = 0;
        /* Made accessible: reserved pieces become memory, charged to the mprotect's stack.
         * Made PROT_NONE: accessible pieces are released and become reservations again. */
        mg_mappings_carve(start, end, accessible ? MG_CARVE_RESERVED : MG_CARVE_ACCESSIBLE, collect_piece, &pieces);
        /* Most mprotect calls touch nothing tracked; only a real change earns a stack entry. */
        uint32_t index = accessible && depth >= 0 && pieces.count > 0 ? find_or_insert_stack(frames, depth, mg_hash_words(frames, depth)) : 0;
        for (int i = 0; i < pieces.count; i++) {
            uint64_t piece_bytes = pieces.end[i] - pieces.start[i];
            if (accessible && depth >= 0) {
                if (count_allocation(&writer_touched, index, piece_bytes)) reach_new_peak();
                mg_mappings_add(pieces.start[i], piece_bytes, index, 0);
            } else {
                mg_mappings_add(pieces.start[i], piece_bytes, 0, 1);
            }
        }
        commit_end();
    }
    mg_capture_unlock();
}

/* ---- capture lifecycle ---- */

static size_t layout_sections(mg_header *header) {
    uint64_t offset = MG_HEADER_SIZE;
    header->stacks_offset = offset;
    header->stack_capacity = STACK_CAPACITY;
    offset += (uint64_t)STACK_CAPACITY * sizeof(mg_stack);
    header->nodes_offset = offset;
    header->nodes_capacity = NODES_CAPACITY;
    offset += NODES_CAPACITY * sizeof(mg_frame_node);
    header->strings_offset = offset;
    header->strings_capacity = STRINGS_CAPACITY;
    offset += STRINGS_CAPACITY;
    header->pyfuncs_offset = offset;
    header->pyfunc_capacity = PYFUNC_CAPACITY;
    offset += (uint64_t)PYFUNC_CAPACITY * sizeof(mg_pyfunc);
    header->modules_offset = offset;
    header->module_capacity = MODULE_CAPACITY;
    offset += (uint64_t)MODULE_CAPACITY * sizeof(mg_module);
    header->timeline_offset = offset;
    header->timeline_capacity = TIMELINE_CAPACITY;
    offset += (uint64_t)TIMELINE_CAPACITY * sizeof(mg_sample);
    return (size_t)offset;
}

static void bind_section(int section) {
    char *base = file.base[section];
    switch (section) {
    case MG_SECTION_STACKS: stacks = (mg_stack *)base; break;
    case MG_SECTION_NODES: frame_nodes = (mg_frame_node *)base; break;
    case MG_SECTION_STRINGS: strings = base; break;
    case MG_SECTION_PYFUNCS: pyfuncs = (mg_pyfunc *)base; break;
    case MG_SECTION_MODULES: modules = (mg_module *)base; break;
    case MG_SECTION_TIMELINE: samples = (mg_sample *)base; break;
    default: break;
    }
}

static void bind_sections(void) {
    for (int section = 0; section < MG_SECTION_COUNT; section++) bind_section(section);
}

static uint64_t fnv1a(uint64_t hash, const unsigned char *bytes, size_t count) {
    for (size_t i = 0; i < count; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

/* The checksum the finished file will have: FNV-1a 64 over [0, file_bytes) as if the state
 * already read "finished" and the checksum field were zero. Computed without writing either
 * into the shared file, so a process killed meanwhile leaves an unfinished capture. */
static uint64_t sealed_checksum(uint64_t file_bytes) {
    const unsigned char *bytes = (const unsigned char *)file.whole;
    uint32_t finished = MG_STATE_FINISHED;
    unsigned char zeros[8] = {0};
    size_t state_at = __builtin_offsetof(mg_header, state);
    size_t checksum_at = __builtin_offsetof(mg_header, checksum);
    uint64_t hash = fnv1a(14695981039346656037ull, bytes, state_at);
    hash = fnv1a(hash, (const unsigned char *)&finished, sizeof finished);
    hash = fnv1a(hash, bytes + state_at + 4, checksum_at - state_at - 4);
    hash = fnv1a(hash, zeros, sizeof zeros);
    return fnv1a(hash, bytes + checksum_at + 8, file_bytes - checksum_at - 8);
}

/* Bytes each section uses, in section order. */
static void section_used_bytes(uint64_t used[MG_SECTION_COUNT]) {
    used[MG_SECTION_STACKS] = (uint64_t)hdr->stack_count * sizeof(mg_stack);
    used[MG_SECTION_NODES] = hdr->nodes_used * sizeof(mg_frame_node);
    used[MG_SECTION_STRINGS] = hdr->strings_used;
    used[MG_SECTION_PYFUNCS] = (uint64_t)hdr->pyfunc_count * sizeof(mg_pyfunc);
    used[MG_SECTION_MODULES] = (uint64_t)hdr->module_count * sizeof(mg_module);
    used[MG_SECTION_TIMELINE] = (uint64_t)hdr->timeline_count * sizeof(mg_sample);
}

static void finalize_locked(void) {
    if (!hdr) return;
    set_tracking(0);
    commit_begin();
    fold_all_counts(); /* before the tree's counter is reset for the next region */
    if (mg_process->role == MG_ROLE_ROOT) {
        mg_tree_region_end(hdr->peak_bytes, &hdr->tree_peak_bytes, &hdr->tree_children, 0);
        hdr->untracked_children = mg_tree_untracked_children();
    } else {
        hdr->tree_peak_bytes = hdr->peak_bytes;
        /* The process ends: what it still holds is released with it. */
        if (mg_process->role == MG_ROLE_CHILD) mg_tree_child_add(-hdr->live_bytes);
    }
    record_modules();
    if (mg_python_tables_overflowed()) set_flag_bits(MG_FLAG_PYFUNCS_FULL);
    uint64_t now = mg_now_ns();
    append_sample(now);
    hdr->end_ns = now - hdr->start_ns;
    uint64_t fast, slow, shallow;
    int fast_enabled;
    mg_unwind_counters(&fast, &slow, &shallow, &fast_enabled);
    hdr->fast_unwinds = fast - fast_unwinds_at_begin;
    hdr->slow_unwinds = slow - slow_unwinds_at_begin;
    hdr->shallow_unwinds = shallow - shallow_unwinds_at_begin;
    hdr->fast_unwind_off = !fast_enabled;
    uint64_t used[MG_SECTION_COUNT], offset = 0;
    section_used_bytes(used);
    if (mg_capture_file_compact(&file, current_path, used, &offset) != 0) {
        /* No disk blocks to compact into: leave the sections where they are (a reader sees an
         * unfinished capture with the figures so far, and the flag saying why). */
        set_flag_bits(MG_FLAG_CAPTURE_FULL);
        commit_end();
        mg_capture_file_close(&file);
        hdr = NULL;
        return;
    }
    hdr->stack_capacity = hdr->stack_count;
    hdr->nodes_capacity = hdr->nodes_used;
    hdr->strings_capacity = hdr->strings_used;
    hdr->pyfunc_capacity = hdr->pyfunc_count;
    hdr->module_capacity = hdr->module_count;
    hdr->timeline_capacity = hdr->timeline_count;
    hdr->file_size = offset;
    commit_end();
    /* The checksum covers the whole file (header too, with "finished" in it and the checksum
     * field as zero), and "finished" is the very last store: a process killed anywhere before
     * it (a pool worker terminated at exit) leaves a capture that reads as interrupted, never
     * a "finished" one whose checksum does not match. */
    hdr->checksum = 0;
    __atomic_store_n(&hdr->checksum, sealed_checksum(offset), __ATOMIC_RELEASE);
    __atomic_store_n(&hdr->state, MG_STATE_FINISHED, __ATOMIC_RELEASE);
    mg_capture_file_close(&file);
    /* By path: the tracker keeps no descriptor the target could close and reuse for its own file. */
    if (truncate(current_path, (off_t)offset) != 0) { /* the header's file_size still bounds readers */ }
    hdr = NULL;
}

int mg_capture_begin(const char *region_name) {
    if (!mg_process->configured || forked_child) return -1;
    mg_capture_lock();
    finalize_locked();
    if (captures_created == 0) {
        snprintf(current_path, sizeof current_path, "%s", base_path);
    } else {
        snprintf(current_path, sizeof current_path, "%s.%u", base_path, captures_created);
    }
    mg_header layout;
    memset(&layout, 0, sizeof layout);
    size_t bytes = layout_sections(&layout);
    /* Sparse, and mapped a page per section: see capture_file.c. */
    if (mg_capture_file_create(&file, current_path, &layout, bytes) != 0) {
        mg_capture_unlock();
        return -1;
    }
    captures_created++;
    generation++;
    hdr = file.header;
    memcpy(hdr, &layout, sizeof layout);
    memcpy(hdr->magic, MG_MAGIC, 8);
    hdr->version = MG_VERSION;
    hdr->header_size = MG_HEADER_SIZE;
    hdr->state = MG_STATE_RUNNING;
    hdr->pid = (int32_t)getpid();
    hdr->region_index = captures_created - 1;
    snprintf(hdr->region_name, sizeof hdr->region_name, "%s", region_name);
    hdr->file_size = bytes;
    bind_sections();
    hdr->strings_used = 1; /* offset 0 is the empty string */
    /* Stack 0 collects allocations that no longer fit the stack table. */
    hdr->stack_count = 1;
    memset(stack_slots, 0, STACK_INDEX_SLOTS * sizeof(uint32_t));
    reset_node_slots();
    clear_touched_lists();
    epoch++;
    mg_ptrmap_clear(generation);
    mg_mappings_clear();
    record_modules();
    writer_events = 0;
    sample_interval_ns = 100000;
    int fast_enabled;
    mg_unwind_counters(&fast_unwinds_at_begin, &slow_unwinds_at_begin, &shallow_unwinds_at_begin, &fast_enabled);
    hdr->role = (uint32_t)mg_process->role;
    hdr->parent_pid = (uint32_t)forked_from;
    ssize_t program_length = readlink("/proc/self/exe", hdr->program, sizeof hdr->program - 1);
    hdr->program[program_length > 0 ? program_length : 0] = 0;
    if (mg_process->role == MG_ROLE_ROOT) mg_tree_region_begin(current_path);
    if (mg_process->role == MG_ROLE_CHILD) mg_tree_child_joined();
    int64_t *tree_counter = mg_process->role == MG_ROLE_ROOT ? mg_tree_root_counter() : NULL;
    live_counter = tree_counter ? tree_counter : &hdr->live_bytes;
    hdr->start_ns = mg_now_ns();
    append_sample(hdr->start_ns);
    set_tracking(1);
    mg_capture_unlock();
    return 0;
}

int mg_capture_tracking(void) { return mg_tracking && hdr != NULL; }

void mg_capture_refresh_modules(void) {
    if (!mg_process->configured || forked_child) return;
    mg_capture_lock();
    if (hdr && mg_tracking) {
        commit_begin();
        record_modules();
        commit_end();
    }
    mg_capture_unlock();
}

/* Whether the open capture is this process's own: a vfork child shares our memory (and so
 * `hdr`) but has its own pid, and must never change the parent's capture. */
static int owns_open_capture(void) { return hdr && hdr->pid == (int32_t)getpid(); }

void mg_capture_mark_exec(const char *path, int preload_kept) {
    if (!mg_process->configured || forked_child) return;
    mg_capture_lock();
    if (owns_open_capture()) {
        snprintf(hdr->exec_path, sizeof hdr->exec_path, "%s", path ? path : "?");
        set_flag_bits(MG_FLAG_EXECED);
        if (!preload_kept) set_flag_bits(MG_FLAG_EXEC_WITHOUT_PRELOAD);
    }
    mg_capture_unlock();
}

void mg_capture_clear_exec(void) {
    if (!mg_process->configured || forked_child) return;
    mg_capture_lock();
    if (owns_open_capture()) hdr->flags &= ~(MG_FLAG_EXECED | MG_FLAG_EXEC_WITHOUT_PRELOAD);
    mg_capture_unlock();
}

void mg_capture_end(void) {
    if (!mg_process->configured || forked_child) return;
    mg_capture_lock();
    finalize_locked();
    mg_capture_unlock();
}

/* `track_child`: the parent was measuring at the fork and child tracking is on.
 * In a forked child the parent's mapping is shared: it is never written again from here.
 * When the parent was measuring and child tracking is on, the child starts a capture of its
 * own (`<parent's capture>-p<pid>`): allocations inherited from the parent are unknown to it
 * (freeing them changes nothing), what it allocates from now on is its own and the tree's. */
void mg_capture_fork_child(int track_child) {
    pid_t parent = hdr ? (pid_t)hdr->pid : 0;
    pthread_mutexattr_t adaptive;
    pthread_mutexattr_init(&adaptive);
    pthread_mutexattr_settype(&adaptive, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&insert_mutex, &adaptive);
    pthread_mutexattr_destroy(&adaptive);
    timeline_busy = 0;
    mg_sync_after_fork();
    mg_ptrmap_after_fork();
    mg_capture_file_close(&file);
    hdr = NULL;
    forked_child = 1;
    mg_state_owner_pid = 0; /* an untracked copy: nothing to adopt later */
    tracking_outside_page = 0;
    if (!track_child) return;
    char path[sizeof current_path];
    if (mg_tree_child_path(path, sizeof path, getpid()) != 0) return;
    size_t length = strlen(path);
    if (length >= sizeof base_path) return;
    mg_process_state *state = make_process_state();
    if (!state) return;
    memcpy(base_path, path, length + 1);
    captures_created = 0;
    regions_only = 0;
    forked_child = 0;
    forked_from = parent;
    state->configured = 1;
    state->role = MG_ROLE_CHILD;
    mg_process = state;
    mg_state_owner_pid = getpid();
    mg_capture_begin("process");
}

void mg_capture_end_at_exit(void) {
    if (!mg_process->configured || forked_child) return;
    /* Bounded wait: a thread in the middle of an event releases the lock within microseconds;
     * if it does not (this thread was interrupted inside a hook), leave the capture unfinished. */
    for (int attempt = 0; attempt < 2000; attempt++) {
        if (mg_sync_write_trylock(64) == 0) {
            finalize_locked();
            mg_capture_unlock();
            return;
        }
        usleep(50);
    }
}

/*
 * The capture: aggregated allocation state kept in a MAP_SHARED file mapping, so that a
 * SIGKILL, an OOM kill or a crash still leaves the figures reached so far on disk.
 *
 * Locking: one mutex (capture_mutex) guards the mapping, the private stack index, the
 * touched list and the pointer map. Hooks take it once per tracked event. The seqlock
 * counter in the header (hdr->commit) is odd while an event is half-applied, so a reader
 * of a crashed capture can tell whether the last event was torn.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "capture_format.h"
#include "tracker_internal.h"

#define STACK_CAPACITY (1u << 18)
#define STACK_INDEX_SLOTS (STACK_CAPACITY * 2)
#define FRAMES_CAPACITY (1ull << 22)
#define STRINGS_CAPACITY (16ull << 20)
#define PYFUNC_CAPACITY (1u << 18)
#define MODULE_CAPACITY 4096u
#define TIMELINE_CAPACITY 4096u
#define PYFUNC_ID_LIMIT (1u << 22)

volatile int mg_tracking;
int mg_native_frames = 1;

static pthread_mutex_t capture_mutex = PTHREAD_MUTEX_INITIALIZER;
static int forked_child;
static int configured;
static int regions_only;
static char base_path[4000];
static char current_path[4096];
static uint32_t captures_created;

static int capture_fd = -1;
static char *mapping;
static size_t mapping_bytes;
static mg_header *hdr;
static mg_stack *stacks;
static uint64_t *frame_words;
static char *strings;
static mg_pyfunc *pyfuncs;
static mg_module *modules;
static mg_sample *samples;

/* Private (not in the file): stack lookup, touched-since-peak list, written Python ids. */
static uint32_t *stack_slots;        /* stack index + 1, 0 = empty */
static uint32_t *touched_epoch;      /* per stack: epoch in which it was last touched */
static uint32_t *touched_list;
static uint32_t touched_count;
static uint32_t epoch = 1;
static uint32_t *pyfunc_written;     /* per Python function id: capture number + 1 */
static uint64_t event_counter;
static uint64_t last_sample_ns;
static uint64_t sample_interval_ns = 100000; /* 0.1 ms, doubled on each downsampling */
static uint64_t fast_unwinds_at_begin;
static uint64_t slow_unwinds_at_begin;

uint64_t mg_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

uint64_t mg_hash_words(const uint64_t *words, int count) {
    uint64_t hash = 1469598103934665603ull;
    for (int i = 0; i < count; i++) {
        hash ^= words[i];
        hash *= 1099511628211ull;
        hash ^= hash >> 29;
    }
    return hash ? hash : 1;
}

void mg_capture_lock(void) { pthread_mutex_lock(&capture_mutex); }
void mg_capture_unlock(void) { pthread_mutex_unlock(&capture_mutex); }
const char *mg_capture_current_path(void) { return hdr ? current_path : NULL; }

int mg_capture_is_configured(void) { return configured && !forked_child; }

/* Pid of the process whose capture is open, or 0 when none is (never true in a child). */
pid_t mg_capture_owner_pid(void) {
    mg_header *header = hdr;
    return header && !forked_child ? (pid_t)header->pid : 0;
}

int mg_capture_configure(const char *path, int only_regions) {
    size_t length = strlen(path);
    if (length >= sizeof base_path) return -1;
    memcpy(base_path, path, length + 1);
    regions_only = only_regions;
    stack_slots = mg_os_alloc(STACK_INDEX_SLOTS * sizeof(uint32_t));
    touched_epoch = mg_os_alloc(STACK_CAPACITY * sizeof(uint32_t));
    touched_list = mg_os_alloc(STACK_CAPACITY * sizeof(uint32_t));
    pyfunc_written = mg_os_alloc(PYFUNC_ID_LIMIT * sizeof(uint32_t));
    if (!stack_slots || !touched_epoch || !touched_list || !pyfunc_written) return -1;
    configured = 1;
    return 0;
}

/* The seqlock counter is only written under capture_mutex, so a release store suffices (no
 * locked read-modify-write); its readers are other processes reading a crashed capture. */
static inline void commit_begin(void) { __atomic_store_n(&hdr->commit, hdr->commit + 1, __ATOMIC_RELEASE); }
static inline void commit_end(void) { __atomic_store_n(&hdr->commit, hdr->commit + 1, __ATOMIC_RELEASE); }

static uint32_t append_string(const char *text) {
    size_t length = strlen(text) + 1;
    if (hdr->strings_used + length > STRINGS_CAPACITY) return 0; /* offset 0 holds "" */
    uint32_t offset = (uint32_t)hdr->strings_used;
    memcpy(strings + offset, text, length);
    hdr->strings_used += length;
    return offset;
}

/* ---- modules, for symbolizing native frames when reading ---- */

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
        mg_module *module = &modules[hdr->module_count++];
        module->bias = info->dlpi_addr;
        module->start = info->dlpi_addr + segment->p_vaddr;
        module->end = module->start + segment->p_memsz;
        module->path_offset = append_string(name);
        if (hdr->module_count >= MODULE_CAPACITY) return 1;
    }
    return 0;
}

static void record_modules(void) {
    hdr->module_count = 0;
    dl_iterate_phdr(add_module, NULL);
}

/* ---- timeline ---- */

static void append_sample(uint64_t now) {
    if (hdr->timeline_count == TIMELINE_CAPACITY) {
        /* Full: keep every other sample and halve the rate, so the series stays bounded. */
        uint32_t kept = 0;
        for (uint32_t i = 0; i < TIMELINE_CAPACITY; i += 2) samples[kept++] = samples[i];
        hdr->timeline_count = kept;
        sample_interval_ns *= 2;
    }
    mg_sample *sample = &samples[hdr->timeline_count++];
    sample->time_ns = now - hdr->start_ns;
    sample->live_bytes = hdr->live_bytes;
    last_sample_ns = now;
}

static inline void maybe_sample(size_t bytes) {
    if ((++event_counter & 63) != 0 && bytes < 65536) return;
    uint64_t now = mg_now_ns();
    if (now - last_sample_ns >= sample_interval_ns) append_sample(now);
}

/* ---- stacks ---- */

static inline void touch(uint32_t index) {
    if (touched_epoch[index] != epoch) {
        touched_epoch[index] = epoch;
        touched_list[touched_count++] = index;
    }
}

static void write_python_functions(const uint64_t *frames, int depth) {
    for (int i = 0; i < depth; i++) {
        if (!(frames[i] & MG_PYFRAME_BIT)) continue;
        uint64_t id = (frames[i] & ~MG_PYFRAME_BIT) >> MG_PYLINE_BITS;
        if (id >= PYFUNC_ID_LIMIT || pyfunc_written[id] == captures_created) continue;
        if (hdr->pyfunc_count >= PYFUNC_CAPACITY) return;
        const char *name = "?";
        const char *file = "?";
        mg_python_function(id, &name, &file);
        mg_pyfunc *entry = &pyfuncs[hdr->pyfunc_count++];
        entry->id = id;
        entry->name_offset = append_string(name);
        entry->file_offset = append_string(file);
        pyfunc_written[id] = captures_created;
        hdr->flags |= MG_FLAG_PYTHON;
    }
}

/* Finds the stack's index, inserting it when new; index 0 is the overflow stack. */
static uint32_t find_or_insert_stack(const uint64_t *frames, int depth) {
    uint64_t hash = mg_hash_words(frames, depth);
    uint32_t slot = (uint32_t)hash & (STACK_INDEX_SLOTS - 1);
    for (;;) {
        uint32_t entry = stack_slots[slot];
        if (entry == 0) break;
        mg_stack *candidate = &stacks[entry - 1];
        if (candidate->hash == hash && candidate->depth == (uint32_t)depth &&
            memcmp(&frame_words[candidate->frames_index], frames, (size_t)depth * sizeof(uint64_t)) == 0)
            return entry - 1;
        slot = (slot + 1) & (STACK_INDEX_SLOTS - 1);
    }
    if (hdr->stack_count >= STACK_CAPACITY || hdr->frames_used + (uint64_t)depth > FRAMES_CAPACITY) {
        hdr->flags |= MG_FLAG_STACKS_DROPPED;
        return 0;
    }
    uint32_t index = hdr->stack_count;
    mg_stack *stack = &stacks[index];
    memset(stack, 0, sizeof *stack);
    stack->hash = hash;
    stack->depth = (uint32_t)depth;
    stack->frames_index = hdr->frames_used;
    memcpy(&frame_words[hdr->frames_used], frames, (size_t)depth * sizeof(uint64_t));
    hdr->frames_used += (uint64_t)depth;
    write_python_functions(frames, depth);
    if (depth > 0 && !(frames[0] & MG_PYFRAME_BIT)) hdr->flags |= MG_FLAG_NATIVE;
    hdr->stack_count = index + 1; /* published after the record is complete */
    stack_slots[slot] = index + 1;
    return index;
}

static void reach_new_peak(void) {
    for (uint32_t i = 0; i < touched_count; i++) {
        mg_stack *stack = &stacks[touched_list[i]];
        stack->peak_bytes = stack->live_bytes;
        stack->peak_count = stack->live_count;
    }
    touched_count = 0;
    epoch++;
    hdr->peak_bytes = hdr->live_bytes;
    hdr->peak_ns = mg_now_ns() - hdr->start_ns;
}

/* Takes `bytes` off a stack's live figures; `blocks_delta` is the change in its live blocks. */
static void release_live_bytes(uint32_t stack_index, uint64_t bytes, int blocks_delta) {
    stacks[stack_index].live_bytes -= (int64_t)bytes;
    stacks[stack_index].live_count += blocks_delta;
    touch(stack_index);
    hdr->live_bytes -= (int64_t)bytes;
}

/* Visitor for unmapped ranges: a mapping that is gone entirely counts as a free. */
static void release_unmapped(uint32_t stack_index, uint64_t bytes, int blocks_delta) {
    release_live_bytes(stack_index, bytes, blocks_delta);
    if (blocks_delta < 0) hdr->free_count += 1;
}

void mg_record_alloc_locked(void *address, size_t bytes, const uint64_t *frames, int depth, int is_mapping) {
    if (!mg_tracking || !hdr) return;
    commit_begin();
    if (is_mapping) {
        /* MAP_FIXED may replace (parts of) mappings we track: those bytes are gone. */
        mg_mappings_unmap((uintptr_t)address, (uintptr_t)address + bytes, release_unmapped);
    } else {
        mg_ptr_entry previous;
        if (mg_ptrmap_remove((uintptr_t)address, &previous)) {
            /* An address handed out again without a free we saw (e.g. freed via an alias). */
            release_live_bytes(previous.stack_index, previous.bytes, -1);
        }
    }
    uint32_t index = find_or_insert_stack(frames, depth);
    mg_stack *stack = &stacks[index];
    stack->live_bytes += (int64_t)bytes;
    stack->live_count += 1;
    stack->total_bytes += bytes;
    stack->alloc_count += 1;
    touch(index);
    hdr->live_bytes += (int64_t)bytes;
    hdr->total_bytes += bytes;
    hdr->alloc_count += 1;
    if (hdr->live_bytes > hdr->peak_bytes) reach_new_peak();
    if (is_mapping) {
        mg_mappings_add((uintptr_t)address, bytes, index);
    } else {
        mg_ptrmap_insert((uintptr_t)address, bytes, index);
    }
    maybe_sample(bytes);
    commit_end();
}

int mg_record_free_locked(void *address, int is_mapping) {
    if (!mg_tracking || !hdr) return 0;
    uint32_t stack_index;
    uint64_t bytes;
    if (is_mapping) {
        if (!mg_mappings_take((uintptr_t)address, &stack_index, &bytes)) return 0;
    } else {
        mg_ptr_entry entry;
        if (!mg_ptrmap_remove((uintptr_t)address, &entry)) return 0;
        stack_index = entry.stack_index;
        bytes = entry.bytes;
    }
    commit_begin();
    release_live_bytes(stack_index, bytes, -1);
    hdr->free_count += 1;
    maybe_sample(bytes);
    commit_end();
    return 1;
}

void mg_record_alloc(void *address, size_t bytes, const uint64_t *frames, int depth, int is_mapping) {
    mg_capture_lock();
    mg_record_alloc_locked(address, bytes, frames, depth, is_mapping);
    mg_capture_unlock();
}

void mg_record_free(void *address, int is_mapping) {
    mg_capture_lock();
    mg_record_free_locked(address, is_mapping);
    mg_capture_unlock();
}

void mg_record_unmap(void *address, size_t bytes) {
    /* munmap works on whole pages: round the length up as the kernel does. */
    size_t page = 4096;
    uintptr_t start = (uintptr_t)address;
    uintptr_t end = start + ((bytes + page - 1) & ~(page - 1));
    mg_capture_lock();
    if (mg_tracking && hdr) {
        commit_begin();
        mg_mappings_unmap(start, end, release_unmapped);
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
    header->frames_offset = offset;
    header->frames_capacity = FRAMES_CAPACITY;
    offset += FRAMES_CAPACITY * sizeof(uint64_t);
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

static void bind_sections(void) {
    stacks = (mg_stack *)(mapping + hdr->stacks_offset);
    frame_words = (uint64_t *)(mapping + hdr->frames_offset);
    strings = mapping + hdr->strings_offset;
    pyfuncs = (mg_pyfunc *)(mapping + hdr->pyfuncs_offset);
    modules = (mg_module *)(mapping + hdr->modules_offset);
    samples = (mg_sample *)(mapping + hdr->timeline_offset);
}

static uint64_t fnv1a(const unsigned char *bytes, size_t count) {
    uint64_t hash = 14695981039346656037ull;
    for (size_t i = 0; i < count; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

/* Moves a section down to `*offset` and advances it; sections only ever move down. */
static void compact_section(uint64_t *section_offset, uint64_t used_bytes, uint64_t *offset) {
    if (*section_offset != *offset) memmove(mapping + *offset, mapping + *section_offset, used_bytes);
    *section_offset = *offset;
    *offset += (used_bytes + 7) & ~7ull;
}

static void finalize_locked(void) {
    if (!hdr) return;
    mg_tracking = 0;
    commit_begin();
    record_modules();
    uint64_t now = mg_now_ns();
    append_sample(now);
    hdr->end_ns = now - hdr->start_ns;
    uint64_t fast, slow;
    int fast_enabled;
    mg_unwind_counters(&fast, &slow, &fast_enabled);
    hdr->fast_unwinds = fast - fast_unwinds_at_begin;
    hdr->slow_unwinds = slow - slow_unwinds_at_begin;
    hdr->fast_unwind_off = !fast_enabled;
    uint64_t offset = MG_HEADER_SIZE;
    compact_section(&hdr->stacks_offset, (uint64_t)hdr->stack_count * sizeof(mg_stack), &offset);
    hdr->stack_capacity = hdr->stack_count;
    compact_section(&hdr->frames_offset, hdr->frames_used * sizeof(uint64_t), &offset);
    hdr->frames_capacity = hdr->frames_used;
    compact_section(&hdr->strings_offset, hdr->strings_used, &offset);
    hdr->strings_capacity = hdr->strings_used;
    compact_section(&hdr->pyfuncs_offset, (uint64_t)hdr->pyfunc_count * sizeof(mg_pyfunc), &offset);
    hdr->pyfunc_capacity = hdr->pyfunc_count;
    compact_section(&hdr->modules_offset, (uint64_t)hdr->module_count * sizeof(mg_module), &offset);
    hdr->module_capacity = hdr->module_count;
    compact_section(&hdr->timeline_offset, (uint64_t)hdr->timeline_count * sizeof(mg_sample), &offset);
    hdr->timeline_capacity = hdr->timeline_count;
    hdr->file_size = offset;
    hdr->state = MG_STATE_FINISHED;
    commit_end();
    /* Sealed last, over the whole file (header too) with the checksum field read as zero. */
    hdr->checksum = 0;
    hdr->checksum = fnv1a((const unsigned char *)mapping, offset);
    munmap(mapping, mapping_bytes);
    if (ftruncate(capture_fd, (off_t)offset) != 0) { /* the header's file_size still bounds readers */ }
    close(capture_fd);
    capture_fd = -1;
    mapping = NULL;
    hdr = NULL;
}

int mg_capture_begin(const char *region_name) {
    if (!configured || forked_child) return -1;
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
    int fd = open(current_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)bytes) != 0) {
        if (fd >= 0) close(fd);
        mg_capture_unlock();
        return -1;
    }
    char *file = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (file == MAP_FAILED) {
        close(fd);
        mg_capture_unlock();
        return -1;
    }
    captures_created++;
    capture_fd = fd;
    mapping = file;
    mapping_bytes = bytes;
    hdr = (mg_header *)file;
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
    touched_count = 0;
    epoch++;
    mg_ptrmap_clear();
    mg_mappings_clear();
    record_modules();
    event_counter = 0;
    sample_interval_ns = 100000;
    int fast_enabled;
    mg_unwind_counters(&fast_unwinds_at_begin, &slow_unwinds_at_begin, &fast_enabled);
    hdr->start_ns = mg_now_ns();
    append_sample(hdr->start_ns);
    mg_tracking = 1;
    mg_capture_unlock();
    return 0;
}

void mg_capture_end(void) {
    if (!configured || forked_child) return;
    mg_capture_lock();
    finalize_locked();
    mg_capture_unlock();
}

/* In a forked child the mapping is shared with the parent: stop writing to it at once.
 * The child (and anything it execs) is not tracked; see docs/capture-format.md. */
void mg_capture_fork_child(void) {
    forked_child = 1;
    mg_tracking = 0;
    hdr = NULL;
    pthread_mutex_init(&capture_mutex, NULL);
}

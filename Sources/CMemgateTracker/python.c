/*
 * Python frames. Two ways, chosen when the first thread installs them:
 *
 * - Walking (CPython 3.11, the default there): at each allocation the calling thread's frame
 *   chain is read from the interpreter's own frames (PyThreadState -> _PyCFrame ->
 *   _PyInterpreterFrame, field offsets confirmed against the C API on a live frame before
 *   use), innermost first, so deep stacks keep their innermost frames. Nothing runs on calls
 *   and returns, so the interpreter keeps its specialized instructions (a profile function
 *   turns them off in 3.11), and no frame objects or line arrays are made. Code objects map to
 *   function ids through a hash table, instruction offsets to lines through a shared cache.
 * - Profiling (any other version, or MEMGATE_PYTHON_FRAMES=profile): a C profile hook,
 *   installed through the C API, keeps a per-thread shadow stack of (frame, function id,
 *   call-site line).
 *
 * Symbols are resolved with dlsym at run time (no link-time dependency on libpython).
 * Function ids index an append-only table written only with the GIL held; readers (any
 * thread's malloc) see only published entries. Code objects are kept alive (one reference
 * each) so their addresses stay unique.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fnmatch.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memgate_capture_format.h"
#include "memgate.h"
#include "tracker_internal.h"

typedef struct _object PyObject;
typedef int (*trace_function)(PyObject *, void *, int, PyObject *);

#define TRACE_CALL 0
#define TRACE_RETURN 3
/* Python's default recursion limit is 1000, so the shadow stack of a profiled thread holds
 * every frame of a program that keeps it; past this depth it keeps the innermost, as a walking
 * thread does. */
#define SHADOW_CAPACITY 1024
#define FUNCTION_CAPACITY (1u << 18) /* as many as one capture holds (PYFUNC_CAPACITY) */
#define CODE_SLOTS (1u << 19)       /* at most half full */
#define NAME_ARENA_BYTES (8ull << 20)
#define MAX_IGNORE_PATTERNS 64

static void (*py_set_profile)(trace_function, PyObject *);
static void *(*py_frame_get_code)(void *);
static int (*py_frame_get_line)(void *);
static int (*py_frame_get_lasti)(void *); /* optional (3.11+): lets us cache the line lookup */
static PyObject *(*py_get_attribute)(PyObject *, const char *);
static const char *(*py_unicode_utf8)(PyObject *);
static void (*py_decref)(PyObject *);
static void (*py_error_fetch)(PyObject **, PyObject **, PyObject **);
static void (*py_error_restore)(PyObject *, PyObject *, PyObject *);
static void (*py_error_clear)(void);
static uintptr_t eval_start, eval_end;

/* Python 3.11 gives every code object a line array the first time a profile function sees it
 * called (`_co_linearray`, made in call_trace before our hook runs). It is memgate's own
 * instrumentation and lives as long as the code object, so in a measured region it would count
 * as the test's leak. The first time the hook sees a code object is when that array was made,
 * so it is forgotten then (recorded as freed). The field's offset is that of 3.11's
 * PyCodeObject, used only after the layout is confirmed at co_filename's offset; 0 = unused. */
#define CODE_FILENAME_OFFSET_311 112
#define CODE_LINEARRAY_OFFSET_311 160
static size_t linearray_offset;

typedef struct shadow_entry {
    void *frame;
    uint64_t function_id;
    uint32_t call_line; /* line of the call into the next frame, set when it is pushed */
    uint32_t ignored;
    int cached_lasti;   /* instruction offset whose line is cached_line (-1: none) */
    uint32_t cached_line;
} shadow_entry;

/* The shadow stack is a ring: the entry at depth i lives in shadow[i % SHADOW_CAPACITY], so a
 * stack deeper than the ring keeps its innermost entries. Entries below shadow_low were
 * overwritten (or popped past and then overwritten) and are lost; sites then start inside the
 * recursion, at the frames that allocated. */
static MG_TLS shadow_entry *shadow;
static MG_TLS int shadow_depth;   /* frames on the thread's stack since the hook began */
static MG_TLS int shadow_low;     /* lowest depth whose entry is still in the ring */
static MG_TLS int ignored_frames; /* ignored frames on the stack, lost entries included */
/* Depths of lost entries that were ignored, outermost first (popping them ends the ignore). */
#define LOST_IGNORED_CAPACITY 64
static MG_TLS int lost_ignored[LOST_IGNORED_CAPACITY];
static MG_TLS int lost_ignored_count;

static void reset_shadow(void) {
    shadow_depth = 0;
    shadow_low = 0;
    ignored_frames = 0;
    lost_ignored_count = 0;
}

/* The slot for a new entry at shadow_depth; records what the ring forgets to make room. */
static shadow_entry *push_slot(void) {
    int depth = shadow_depth;
    if (depth < shadow_low) shadow_low = depth; /* what lay below was lost already */
    if (depth - shadow_low >= SHADOW_CAPACITY) {
        shadow_entry *evicted = &shadow[depth % SHADOW_CAPACITY];
        /* An ignored frame still runs: it keeps ignoring until it returns. When the list is
         * full, the frame stays counted for good (allocations under it stay ignored). */
        if (evicted->ignored && lost_ignored_count < LOST_IGNORED_CAPACITY)
            lost_ignored[lost_ignored_count++] = shadow_low;
        shadow_low = depth - SHADOW_CAPACITY + 1;
    }
    return &shadow[depth % SHADOW_CAPACITY];
}

/* A region armed on this thread (memgate_python_region_arm): the hook opens it when a frame
 * running `region_code` is entered and closes it when that frame returns, so the region holds
 * exactly the function's body: no caller frames, no argument passing, no hook set-up. (A
 * walking thread opens it at once and counts its own allocations only under that frame.) */
/* The region closes at the first profile event of the frame's caller after the frame returned
 * (a C call, a return or an exception there, at shadow depth 0): the return event comes before
 * the frame drops its locals, which must not count as leaked, and dropping them may run Python
 * finalizers (`__del__`, weakref callbacks), whose own calls must not close it early. */
enum { REGION_IDLE, REGION_ARMED, REGION_OPEN, REGION_RETURNED, REGION_CLOSED };
static MG_TLS int region_state;
static MG_TLS void *region_code;  /* compared by address only; the caller keeps it alive */
static MG_TLS void *region_frame; /* the frame the open region belongs to */
static MG_TLS int region_current_thread_only;
/* Shared, not per thread (only one region is open at a time); written with the GIL held. */
#define REGION_NAME_BYTES 4096
static char region_name[REGION_NAME_BYTES];
/* The path of the capture the region wrote, kept after it closes (the tracker forgets it). */
static char region_path[REGION_NAME_BYTES];

typedef struct function_info {
    const char *name;
    const char *file;
    int ignored;
    int profiled; /* the profile hook has seen the code (and forgotten its line array) */
} function_info;

static function_info *functions;
static int tables_overflowed; /* the function table or the name arena filled up */

int mg_python_tables_overflowed(void) { return tables_overflowed; }
static volatile uint64_t function_count = 1; /* id 0 means "unknown" */
static uintptr_t *code_keys;                  /* code object address per slot */
static uint32_t *code_ids;
static char *name_arena;
static size_t name_arena_used;
static char *ignore_patterns[MAX_IGNORE_PATTERNS];
static int ignore_pattern_count;

static const char *copy_name(const char *text) {
    if (!text) text = "?";
    size_t length = strlen(text) + 1;
    if (name_arena_used + length > NAME_ARENA_BYTES) {
        tables_overflowed = 1;
        return "?";
    }
    char *copy = name_arena + name_arena_used;
    memcpy(copy, text, length);
    name_arena_used += length;
    return copy;
}

static const char *attribute_text(PyObject *object, const char *name, const char *fallback) {
    PyObject *value = py_get_attribute(object, name);
    if (!value) return fallback ? attribute_text(object, fallback, NULL) : copy_name("?");
    const char *text = copy_name(py_unicode_utf8(value));
    py_decref(value);
    return text;
}

static int matches_ignore(const char *name, const char *file) {
    for (int i = 0; i < ignore_pattern_count; i++) {
        if (fnmatch(ignore_patterns[i], file, 0) == 0 || fnmatch(ignore_patterns[i], name, 0) == 0) return 1;
    }
    return 0;
}

/* See linearray_offset. The array was just made by the interpreter, before this hook ran. */
static void forget_line_array(PyObject *code) {
    if (!linearray_offset) return;
    void *line_array = *(void **)((char *)code + linearray_offset);
    if (line_array) mg_record_free(line_array, 0);
}

/* Confirms 3.11's code object layout on one code object: co_filename must sit at its offset. */
static void check_code_layout(PyObject *code) {
    static int checked;
    if (checked) return;
    checked = 1;
    const char *(*version)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "Py_GetVersion");
    if (!version || strncmp(version(), "3.11.", 5) != 0) return;
    PyObject *filename = py_get_attribute(code, "co_filename");
    if (!filename) return;
    if (*(PyObject **)((char *)code + CODE_FILENAME_OFFSET_311) == filename) linearray_offset = CODE_LINEARRAY_OFFSET_311;
    py_decref(filename);
}

/* The slot of code object `key` in the code table: its own, or the empty one it would take. */
static uint32_t code_slot(uintptr_t key) {
    uint32_t slot = (uint32_t)((key >> 4) * 0x9E3779B97F4A7C15ull >> 40) & (CODE_SLOTS - 1);
    for (;;) {
        uintptr_t found = __atomic_load_n(&code_keys[slot], __ATOMIC_ACQUIRE);
        if (!found || found == key) return slot;
        slot = (slot + 1) & (CODE_SLOTS - 1);
    }
}

/* Makes `id` the function of the code object at `slot`: the id is written before the key is
 * published, so a reader that finds the key (acquire) reads the id too. */
static void publish_code(uint32_t slot, uintptr_t key, uint64_t id) {
    __atomic_store_n(&function_count, id + 1, __ATOMIC_RELEASE);
    code_ids[slot] = (uint32_t)id;
    __atomic_store_n(&code_keys[slot], key, __ATOMIC_RELEASE);
}

/* Id of the frame's function, registering its code object on first sight (profiling). */
static uint64_t function_id(void *frame) {
    PyObject *code = py_frame_get_code(frame); /* a new reference */
    if (!code) return 0;
    uintptr_t key = (uintptr_t)code;
    uint32_t slot = code_slot(key);
    if (code_keys[slot]) {
        uint64_t id = code_ids[slot];
        if (MG_UNLIKELY(!functions[id].profiled)) {
            /* Registered by a walk: the hook sees it called for the first time now. */
            functions[id].profiled = 1;
            check_code_layout(code);
            forget_line_array(code);
        }
        py_decref(code);
        return id;
    }
    if (function_count >= FUNCTION_CAPACITY) {
        tables_overflowed = 1; /* reported as a capture notice: some frames are unnamed */
        py_decref(code);
        return 0;
    }
    PyObject *type, *value, *traceback;
    py_error_fetch(&type, &value, &traceback);
    check_code_layout(code);
    uint64_t id = function_count;
    functions[id].name = attribute_text(code, "co_qualname", "co_name");
    functions[id].file = attribute_text(code, "co_filename", NULL);
    functions[id].ignored = matches_ignore(functions[id].name, functions[id].file);
    functions[id].profiled = 1;
    forget_line_array(code);
    py_error_restore(type, value, traceback);
    publish_code(slot, key, id); /* the reference from PyFrame_GetCode is kept on purpose */
    return id;
}

/* Whether `frame` runs the code object `code` (addresses compared; no reference kept). */
static int frame_runs(void *frame, void *code) {
    PyObject *frame_code = py_frame_get_code(frame); /* a new reference */
    if (!frame_code) return 0;
    py_decref(frame_code);
    return (void *)frame_code == code;
}

/* Opens the armed region; called last in the hook, so nothing the hook does is counted. */
static void open_region(void) {
    int status = region_current_thread_only ? memgate_region_begin_current_thread(region_name)
                                            : memgate_region_begin(region_name);
    mg_in_tracker = 1; /* the region API clears the guard; the hook's caller restores it */
    const char *path = status == 0 ? memgate_capture_path() : NULL;
    snprintf(region_path, sizeof region_path, "%s", path ? path : "");
    region_state = status == 0 ? REGION_OPEN : REGION_CLOSED;
}

static void close_region(void) {
    memgate_region_end();
    mg_in_tracker = 1;
    region_state = REGION_CLOSED;
    region_frame = NULL;
}

static int profile_hook(PyObject *unused, void *frame, int what, PyObject *argument) {
    (void)unused;
    (void)argument;
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    if (MG_UNLIKELY(region_state == REGION_RETURNED) && shadow_depth == 0 && what != TRACE_CALL) close_region();
    if (what != TRACE_CALL && what != TRACE_RETURN) goto done;
    if (what == TRACE_CALL) {
        if (!shadow) shadow = mg_os_alloc(SHADOW_CAPACITY * sizeof(shadow_entry));
        if (MG_UNLIKELY(region_state == REGION_ARMED) && frame_runs(frame, region_code)) {
            /* The function's frame becomes the root: frames above it are not part of sites. */
            reset_shadow();
            region_frame = frame;
        }
        if (shadow) {
            if (shadow_depth > shadow_low) {
                shadow_entry *caller = &shadow[(shadow_depth - 1) % SHADOW_CAPACITY];
                caller->call_line = (uint32_t)py_frame_get_line(caller->frame);
            }
            uint64_t id = function_id(frame);
            shadow_entry *entry = push_slot();
            entry->frame = frame;
            entry->function_id = id;
            entry->call_line = 0;
            entry->ignored = id ? (uint32_t)functions[id].ignored : 0;
            entry->cached_lasti = -1;
            ignored_frames += (int)entry->ignored;
        }
        shadow_depth++;
        if (MG_UNLIKELY(region_frame == frame && region_state == REGION_ARMED)) open_region();
    } else if (shadow_depth > 0) {
        int top_depth = shadow_depth - 1;
        if (shadow && top_depth >= shadow_low) {
            shadow_entry *top = &shadow[top_depth % SHADOW_CAPACITY];
            /* A return from a frame we never saw called (it began before the hook). */
            if (top->frame != frame) goto done;
            ignored_frames -= (int)top->ignored;
        } else if (lost_ignored_count > 0 && lost_ignored[lost_ignored_count - 1] == top_depth) {
            lost_ignored_count--;
            ignored_frames--;
        }
        shadow_depth--;
        if (MG_UNLIKELY(region_frame == frame && region_state == REGION_OPEN)) region_state = REGION_RETURNED;
    }
done:
    mg_in_tracker = saved_guard;
    return 0;
}

/* ---- walking the interpreter's frames (CPython 3.11) ---- */

/* Field offsets of CPython 3.11 (x86-64): PyThreadState.cframe, _PyCFrame.current_frame,
 * _PyInterpreterFrame's f_code, frame_obj, previous, prev_instr and owner, PyCodeObject's
 * co_filename, co_qualname, _co_firsttraceable and co_code_adaptive, PyFrameObject.f_frame.
 * confirm_frame_layout checks them on a live frame before any is used. */
#define THREAD_CFRAME_311 56
#define CFRAME_CURRENT_FRAME_311 8
#define FRAME_CODE_311 32
#define FRAME_OBJECT_311 40
#define FRAME_PREVIOUS_311 48
#define FRAME_PREV_INSTR_311 56
#define FRAME_OWNER_311 69
#define FRAME_OWNED_BY_GENERATOR 1
#define CODE_QUALNAME_OFFSET_311 128
#define CODE_FIRSTTRACEABLE_OFFSET_311 168
#define CODE_INSTRUCTIONS_OFFSET_311 184
#define FRAMEOBJECT_FRAME_311 24
#define FIELD(base, offset, type) (*(type *)((char *)(base) + (offset)))

static int walking; /* the layout is confirmed; set once, with the GIL held, before any walk */
/* This thread keeps a shadow stack with the profile hook (memgate_python_install_profile). */
static MG_TLS int profiling;

static int thread_walks(void) { return walking && !profiling; }
static void *(*py_this_thread_state)(void); /* PyGILState_GetThisThreadState: this OS thread's */
static int (*py_gil_held)(void);
static int (*py_code_line)(void *, int);
static void (*py_incref)(PyObject *);
static PyObject *(*py_current_frame)(void);
static int (*py_finalizing)(void); /* _Py_IsFinalizing: other threads' states may be freed */

/* The frame the thread was in when it installed Python frames: stacks stop below it, so the
 * bootstrap's and pytest's own frames are in none (see memgate_python_install). */
static MG_TLS void *root_frame;
static MG_TLS void *root_code;

/* Instruction offset -> line, shared by all threads. One word per slot, written whole:
 * function id (20 bits) | instruction index (24 bits) | line (20 bits). */
#define LINE_CACHE_SLOTS (1u << 16)
#define LINE_CACHE_LINE_BITS 20
#define LINE_CACHE_INDEX_BITS 24
static uint64_t *line_cache;

/* Frame words of the thread's last walks, keyed by the instruction each frame was at (a
 * direct-mapped table in the thread's slot, made at the slot's first walk and kept for its next
 * owners: a program starting thousands of threads one after another kept 16 KiB per thread
 * when each thread made its own). An instruction address names one code
 * object (a registered code is kept alive, so its bytecode's address is never reused) and so one
 * function and line: a hit needs neither the code table nor the line cache, nor the code object
 * itself. Keyed by address, not by position from the innermost frame, a caller's word is found
 * again when the stack under it grows or shrinks (an import nests dozens of frames deep). Only
 * complete frames' words are kept: their instruction is past the code's first traceable one, so
 * a frame found here is complete whoever owns it. */
#define WALK_MEMO_BITS 10
#define WALK_MEMO_SLOTS (1u << WALK_MEMO_BITS)
typedef struct mg_python_memo_entry {
    const char *instruction;
    uint64_t word;
} walk_memo_entry;

/* The calling thread's memo, NULL for a thread without a slot (or out of memory). A word holds
 * for any thread (function ids and lines are process-wide), so a slot's next owner keeps it. */
static walk_memo_entry *thread_walk_memo(void) {
    mg_thread_slot *slot = mg_sync_own_slot();
    if (!slot) return NULL;
    if (MG_UNLIKELY(!slot->python_memo)) slot->python_memo = mg_os_alloc(WALK_MEMO_SLOTS * sizeof(walk_memo_entry));
    return slot->python_memo;
}

/* The memo slot of `instruction` (instructions are 2-byte code units). */
static walk_memo_entry *walk_memo_slot(walk_memo_entry *walk_memo, const char *instruction) {
    return &walk_memo[((uintptr_t)instruction >> 1) * 0x9E3779B97F4A7C15ull >> (64 - WALK_MEMO_BITS)];
}

static void *innermost_frame(void) {
    if (MG_UNLIKELY(py_finalizing())) return NULL;
    void *thread = py_this_thread_state();
    if (!thread) return NULL;
    void *cframe = FIELD(thread, THREAD_CFRAME_311, void *);
    return cframe ? FIELD(cframe, CFRAME_CURRENT_FRAME_311, void *) : NULL;
}

static char *code_instructions(void *code) { return (char *)code + CODE_INSTRUCTIONS_OFFSET_311; }

/* Whether `instruction` of `code` comes before its first traceable one (argument set-up). */
static int before_first_traceable(void *code, const char *instruction) {
    char *first = code_instructions(code) + 2 * (ptrdiff_t)FIELD(code, CODE_FIRSTTRACEABLE_OFFSET_311, int);
    return instruction < first;
}

/* A frame still copying its arguments into cells has no line yet; CPython skips it too. */
static int frame_incomplete(void *frame, void *code) {
    if (FIELD(frame, FRAME_OWNER_311, char) == FRAME_OWNED_BY_GENERATOR) return 0;
    return before_first_traceable(code, FIELD(frame, FRAME_PREV_INSTR_311, const char *));
}

/* The first complete frame from `frame` outwards. */
static void *complete_frame(void *frame) {
    while (frame && frame_incomplete(frame, FIELD(frame, FRAME_CODE_311, void *)))
        frame = FIELD(frame, FRAME_PREVIOUS_311, void *);
    return frame;
}

/* The line of the instruction the frame runs (for callers: their call), as PyFrame_GetLineNumber. */
static uint32_t frame_line(void *frame, void *code, uint64_t id) {
    ptrdiff_t index = (FIELD(frame, FRAME_PREV_INSTR_311, char *) - code_instructions(code)) / 2;
    int cacheable = id > 0 && id < (1u << (64 - LINE_CACHE_INDEX_BITS - LINE_CACHE_LINE_BITS)) && index >= 0 &&
                    index < (1 << LINE_CACHE_INDEX_BITS);
    uint64_t tag = (id << (LINE_CACHE_INDEX_BITS + LINE_CACHE_LINE_BITS)) | ((uint64_t)index << LINE_CACHE_LINE_BITS);
    uint64_t *slot = &line_cache[(tag * 0x9E3779B97F4A7C15ull >> 40) & (LINE_CACHE_SLOTS - 1)];
    if (cacheable) {
        uint64_t entry = __atomic_load_n(slot, __ATOMIC_RELAXED);
        if ((entry >> LINE_CACHE_LINE_BITS) == (tag >> LINE_CACHE_LINE_BITS))
            return (uint32_t)(entry & ((1u << LINE_CACHE_LINE_BITS) - 1));
    }
    int line = py_code_line(code, (int)(index * 2));
    if (cacheable && line >= 0 && line < (1 << LINE_CACHE_LINE_BITS))
        __atomic_store_n(slot, tag | (uint64_t)line, __ATOMIC_RELAXED);
    return (uint32_t)line;
}

static const char *unicode_text(PyObject *text) {
    const char *utf8 = text ? py_unicode_utf8(text) : NULL;
    return copy_name(utf8);
}

/* Id of a code object met on a walk, registering it on first sight. Registering needs the GIL;
 * a thread allocating without it (in C code that released it) names a new function "?" (0). */
static uint64_t code_function_id(void *code) {
    uintptr_t key = (uintptr_t)code;
    uint32_t slot = code_slot(key);
    if (__atomic_load_n(&code_keys[slot], __ATOMIC_ACQUIRE)) return code_ids[slot];
    if (!py_gil_held()) return 0;
    if (function_count >= FUNCTION_CAPACITY) {
        tables_overflowed = 1;
        return 0;
    }
    PyObject *type, *value, *traceback;
    py_error_fetch(&type, &value, &traceback);
    uint64_t id = function_count;
    functions[id].name = unicode_text(FIELD(code, CODE_QUALNAME_OFFSET_311, PyObject *));
    functions[id].file = unicode_text(FIELD(code, CODE_FILENAME_OFFSET_311, PyObject *));
    functions[id].ignored = matches_ignore(functions[id].name, functions[id].file);
    py_error_restore(type, value, traceback);
    py_incref(code); /* kept, so the address names this code object for good */
    publish_code(slot, key, id);
    return id;
}

/* The calling thread's Python frames, innermost first, up to `capacity` (deeper stacks keep
 * their innermost frames). The walk goes on past the capacity to the root, as an ignored frame
 * or the region's frame may be further out. Returns -1 when the allocation is not counted: an
 * ignored frame is on the stack, or this thread opened a region bounded by a frame
 * (memgate_python_region_arm) and that frame is not on it. */
static int walked_frames(uint64_t *frames, int capacity) {
    int bounded = region_state == REGION_OPEN && region_code;
    int count = 0;
    walk_memo_entry *walk_memo = thread_walk_memo();
    for (void *frame = innermost_frame(); frame; frame = FIELD(frame, FRAME_PREVIOUS_311, void *)) {
        void *code = FIELD(frame, FRAME_CODE_311, void *);
        const char *instruction = FIELD(frame, FRAME_PREV_INSTR_311, const char *);
        walk_memo_entry *memo = walk_memo ? walk_memo_slot(walk_memo, instruction) : NULL;
        int known = memo && memo->instruction == instruction;
        if (!known && frame_incomplete(frame, code)) continue;
        int region_root = bounded && code == region_code && (!region_frame || region_frame == frame);
        if (!region_root && frame == root_frame && code == root_code) break;
        uint64_t word;
        if (known) {
            word = memo->word;
        } else {
            uint64_t id = code_function_id(code);
            if (id && functions[id].ignored) return -1;
            word = MG_PYFRAME_BIT | (id << MG_PYLINE_BITS) | (frame_line(frame, code, id) & MG_PYLINE_MASK);
            if (id && memo && !before_first_traceable(code, instruction)) {
                memo->instruction = instruction;
                memo->word = word;
            }
        }
        if (count < capacity) frames[count++] = word;
        if (region_root) {
            region_frame = frame; /* the first allocation in the test's body finds it */
            return count;
        }
    }
    return bounded ? -1 : count;
}

/* Checks the 3.11 offsets above on the calling thread's current frame (a safe point: called
 * from Python, GIL held); walking is used only when every one holds. */
static int confirm_frame_layout(void) {
    const char *(*version)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "Py_GetVersion");
    const char *choice = getenv("MEMGATE_PYTHON_FRAMES");
    if (!version || strncmp(version(), "3.11.", 5) != 0 || (choice && strcmp(choice, "profile") == 0)) return 0;
    if (!py_this_thread_state || !py_gil_held || !py_code_line || !py_incref || !py_current_frame || !py_finalizing)
        return 0;
    PyObject *frame_object = py_current_frame(); /* borrowed */
    void *thread = py_this_thread_state();
    if (!frame_object || !thread) return 0;
    void *frame = FIELD(frame_object, FRAMEOBJECT_FRAME_311, void *);
    PyObject *code = py_frame_get_code(frame_object); /* a new reference */
    int confirmed = frame && innermost_frame() == frame && FIELD(frame, FRAME_OBJECT_311, PyObject *) == frame_object &&
                    FIELD(frame, FRAME_CODE_311, PyObject *) == code;
    if (confirmed) {
        PyObject *filename = py_get_attribute(code, "co_filename");
        PyObject *qualname = py_get_attribute(code, "co_qualname");
        confirmed = filename == FIELD(code, CODE_FILENAME_OFFSET_311, PyObject *) &&
                    qualname == FIELD(code, CODE_QUALNAME_OFFSET_311, PyObject *) && !frame_incomplete(frame, code) &&
                    (int)frame_line(frame, code, 0) == py_frame_get_line(frame_object);
        if (filename) py_decref(filename);
        if (qualname) py_decref(qualname);
    }
    if (code) py_decref(code);
    return confirmed;
}

int mg_python_active(void) {
    if (!thread_walks()) return shadow_depth > 0;
    return (region_state == REGION_OPEN && region_code) || innermost_frame() != NULL;
}

/* The innermost frame's current line. Mapping an instruction to a line scans the code's
 * line table, so loops that allocate on one instruction reuse the previous answer. */
static uint32_t current_line(shadow_entry *entry) {
    if (!py_frame_get_lasti) return (uint32_t)py_frame_get_line(entry->frame);
    int lasti = py_frame_get_lasti(entry->frame);
    if (lasti >= 0 && lasti == entry->cached_lasti) return entry->cached_line;
    entry->cached_lasti = lasti;
    entry->cached_line = (uint32_t)py_frame_get_line(entry->frame);
    return entry->cached_line;
}

int mg_python_frames(uint64_t *frames, int capacity) {
    if (thread_walks()) return walked_frames(frames, capacity);
    if (ignored_frames > 0) return -1;
    int count = 0;
    for (int i = shadow_depth - 1; i >= shadow_low && count < capacity; i--) {
        shadow_entry *entry = &shadow[i % SHADOW_CAPACITY];
        uint32_t line = i == shadow_depth - 1 ? current_line(entry) : entry->call_line;
        frames[count++] = MG_PYFRAME_BIT | (entry->function_id << MG_PYLINE_BITS) | (line & MG_PYLINE_MASK);
    }
    return count;
}

int mg_python_function(uint64_t id, const char **name, const char **file) {
    if (id == 0 || id >= __atomic_load_n(&function_count, __ATOMIC_ACQUIRE)) return -1;
    *name = functions[id].name;
    *file = functions[id].file;
    return 0;
}

int mg_python_eval_range(uintptr_t *start, uintptr_t *end) {
    *start = eval_start;
    *end = eval_end;
    return eval_start ? 0 : -1;
}

static void load_ignore_patterns(void) {
    const char *text = getenv("MEMGATE_IGNORE");
    if (!text) return;
    while (*text && ignore_pattern_count < MAX_IGNORE_PATTERNS) {
        const char *newline = strchr(text, '\n');
        size_t length = newline ? (size_t)(newline - text) : strlen(text);
        if (length > 0) {
            char *pattern = name_arena + name_arena_used;
            memcpy(pattern, text, length);
            pattern[length] = 0;
            name_arena_used += length + 1;
            ignore_patterns[ignore_pattern_count++] = pattern;
        }
        text += length + (newline ? 1 : 0);
    }
}

static int resolve_python(void) {
    if (py_set_profile) return 0;
    py_frame_get_code = dlsym(RTLD_DEFAULT, "PyFrame_GetCode");
    py_frame_get_line = dlsym(RTLD_DEFAULT, "PyFrame_GetLineNumber");
    py_frame_get_lasti = dlsym(RTLD_DEFAULT, "PyFrame_GetLasti");
    py_get_attribute = dlsym(RTLD_DEFAULT, "PyObject_GetAttrString");
    py_unicode_utf8 = dlsym(RTLD_DEFAULT, "PyUnicode_AsUTF8");
    py_decref = dlsym(RTLD_DEFAULT, "Py_DecRef");
    py_error_fetch = dlsym(RTLD_DEFAULT, "PyErr_Fetch");
    py_error_restore = dlsym(RTLD_DEFAULT, "PyErr_Restore");
    py_error_clear = dlsym(RTLD_DEFAULT, "PyErr_Clear");
    py_this_thread_state = dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
    py_gil_held = dlsym(RTLD_DEFAULT, "PyGILState_Check");
    py_code_line = dlsym(RTLD_DEFAULT, "PyCode_Addr2Line");
    py_incref = dlsym(RTLD_DEFAULT, "Py_IncRef");
    py_current_frame = dlsym(RTLD_DEFAULT, "PyEval_GetFrame");
    py_finalizing = dlsym(RTLD_DEFAULT, "_Py_IsFinalizing");
    void *set_profile = dlsym(RTLD_DEFAULT, "PyEval_SetProfile");
    if (!py_frame_get_code || !py_frame_get_line || !py_get_attribute || !py_unicode_utf8 || !py_decref ||
        !py_error_fetch || !py_error_restore || !py_error_clear || !set_profile)
        return -1;
    functions = mg_os_alloc(FUNCTION_CAPACITY * sizeof(function_info));
    code_keys = mg_os_alloc(CODE_SLOTS * sizeof(uintptr_t));
    code_ids = mg_os_alloc(CODE_SLOTS * sizeof(uint32_t));
    name_arena = mg_os_alloc(NAME_ARENA_BYTES);
    line_cache = mg_os_alloc(LINE_CACHE_SLOTS * sizeof(uint64_t));
    if (!functions || !code_keys || !code_ids || !name_arena || !line_cache) return -1;
    load_ignore_patterns();
    walking = confirm_frame_layout();
    void *eval = dlsym(RTLD_DEFAULT, "_PyEval_EvalFrameDefault");
    Dl_info info;
    const ElfW(Sym) *symbol = NULL;
    if (eval && dladdr1(eval, &info, (void **)&symbol, RTLD_DL_SYMENT) && symbol) {
        eval_start = (uintptr_t)eval;
        eval_end = eval_start + symbol->st_size;
    }
    py_set_profile = set_profile;
    return 0;
}

static const char *code_filename(void *code) {
    return py_unicode_utf8(FIELD(code, CODE_FILENAME_OFFSET_311, PyObject *));
}

/* Stacks on this thread stop below the first frame outside the module that calls this (the
 * bootstrap's `measure` or `run_whole`, pytest's hook, for memgate_tracker's begin, begin_in
 * and track_python_frames): they hold only what that frame calls from now on. */
static void set_root_frame(void) {
    void *installer = complete_frame(innermost_frame());
    const char *module = installer ? code_filename(FIELD(installer, FRAME_CODE_311, void *)) : NULL;
    void *root = installer;
    while (root && module) {
        const char *file = code_filename(FIELD(root, FRAME_CODE_311, void *));
        if (!file) py_error_clear(); /* a name that is not UTF-8: not this module */
        if (!file || strcmp(file, module) != 0) break;
        root = complete_frame(FIELD(root, FRAME_PREVIOUS_311, void *));
    }
    if (installer && !module) py_error_clear();
    root_frame = root;
    root_code = root ? FIELD(root, FRAME_CODE_311, void *) : NULL;
}

/* Installs Python frames on the calling thread: walked when the interpreter allows it and
 * `profile` is 0, else kept by the profile hook. */
static int install(int profile) {
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    int status = resolve_python();
    if (status == 0) mg_python_wrap_allocators();
    if (status == 0 && walking && !profile) {
        if (profiling) py_set_profile(NULL, NULL);
        profiling = 0;
        set_root_frame();
    } else if (status == 0) {
        /* Frames already running are not on the shadow stack; start it empty. */
        reset_shadow();
        profiling = 1;
        py_set_profile(profile_hook, NULL);
    }
    mg_in_tracker = saved_guard;
    return status;
}

MG_EXPORT int memgate_python_install(void) { return install(0); }

/* With a profile hook the interpreter runs as under pytest-memray's (3.11 turns instruction
 * specialization off for it), so native frames under the Python ones are the ones memray sees:
 * limit_leaks' filter_fn gets the same hybrid stacks. */
MG_EXPORT int memgate_python_install_profile(void) { return install(1); }

/* Profiling: the hook opens the region when this thread enters a frame running `code`.
 * Walking: the region opens now, and this thread's allocations count only while a frame
 * running `code` is on its stack (the first one the region meets is the frame); nothing
 * before the frame starts or after it returns is counted, as with profiling. */
MG_EXPORT int memgate_python_region_arm(const char *name, const void *code, int current_thread_only) {
    if (!code || !py_set_profile) return -1;
    snprintf(region_name, sizeof region_name, "%s", name ? name : "region");
    region_path[0] = 0;
    region_code = (void *)code;
    region_frame = NULL;
    region_current_thread_only = current_thread_only;
    region_state = REGION_ARMED;
    if (thread_walks()) {
        int saved_guard = mg_in_tracker;
        open_region();
        mg_in_tracker = saved_guard;
    }
    return 0;
}

MG_EXPORT int memgate_python_walks_frames(void) { return thread_walks(); }

MG_EXPORT int memgate_python_region_disarm(void) {
    int state = region_state;
    if (state == REGION_OPEN || state == REGION_RETURNED) {
        int saved_guard = mg_in_tracker;
        memgate_region_end();
        mg_in_tracker = saved_guard;
    }
    region_state = REGION_IDLE;
    region_code = NULL;
    region_frame = NULL;
    return state >= REGION_OPEN;
}

MG_EXPORT const char *memgate_python_region_path(void) { return region_path[0] ? region_path : NULL; }

MG_EXPORT int memgate_native_frames(int enabled) {
    int previous = mg_native_frames;
    mg_native_frames = enabled != 0;
    return previous;
}

MG_EXPORT int memgate_python_uninstall(void) {
    if (!py_set_profile) return -1;
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    root_frame = NULL;
    root_code = NULL;
    if (profiling) py_set_profile(NULL, NULL);
    profiling = 0;
    reset_shadow();
    mg_in_tracker = saved_guard;
    return 0;
}

/*
 * Python frames: a C profile hook installed through the Python C API, resolved with
 * dlsym at run time (no link-time dependency on libpython), keeps a per-thread shadow
 * stack of (frame, function id, call-site line). The allocation hot path reads only the
 * calling thread's shadow stack plus the current line of the innermost frame.
 *
 * Function ids index an append-only table written only from the profile hook, which
 * runs with the GIL held; readers (any thread's malloc) see only published entries.
 * Code objects are kept alive (one reference each) so their addresses stay unique.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fnmatch.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_format.h"
#include "memgate.h"
#include "tracker_internal.h"

typedef struct _object PyObject;
typedef int (*trace_function)(PyObject *, void *, int, PyObject *);

#define TRACE_CALL 0
#define TRACE_RETURN 3
#define SHADOW_CAPACITY 512
#define FUNCTION_CAPACITY (1u << 20)
#define CODE_SLOTS (1u << 21)
#define NAME_ARENA_BYTES (16ull << 20)
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

static MG_TLS shadow_entry *shadow;
static MG_TLS int shadow_depth;   /* may exceed SHADOW_CAPACITY; only the outermost are kept */
static MG_TLS int ignored_frames; /* ignored entries currently on the shadow stack */

/* A region armed on this thread (memgate_python_region_arm): the hook opens it when a frame
 * running `region_code` is entered and closes it when that frame returns, so the region holds
 * exactly the function's body: no caller frames, no argument passing, no hook set-up. */
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

/* Id of the frame's function, registering its code object on first sight. */
static uint64_t function_id(void *frame) {
    PyObject *code = py_frame_get_code(frame); /* a new reference */
    if (!code) return 0;
    uintptr_t key = (uintptr_t)code;
    uint32_t slot = (uint32_t)((key >> 4) * 0x9E3779B97F4A7C15ull >> 40) & (CODE_SLOTS - 1);
    while (code_keys[slot] && code_keys[slot] != key) slot = (slot + 1) & (CODE_SLOTS - 1);
    if (code_keys[slot]) {
        py_decref(code);
        return code_ids[slot];
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
    forget_line_array(code);
    py_error_restore(type, value, traceback);
    __atomic_store_n(&function_count, id + 1, __ATOMIC_RELEASE);
    code_keys[slot] = key; /* the reference from PyFrame_GetCode is kept on purpose */
    code_ids[slot] = (uint32_t)id;
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
            shadow_depth = 0;
            ignored_frames = 0;
            region_frame = frame;
        }
        if (shadow && shadow_depth < SHADOW_CAPACITY) {
            if (shadow_depth > 0) {
                shadow_entry *caller = &shadow[shadow_depth - 1];
                caller->call_line = (uint32_t)py_frame_get_line(caller->frame);
            }
            uint64_t id = function_id(frame);
            shadow_entry *entry = &shadow[shadow_depth];
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
        if (shadow_depth <= SHADOW_CAPACITY) {
            shadow_entry *top = &shadow[shadow_depth - 1];
            /* A return from a frame we never saw called (it began before the hook). */
            if (top->frame != frame) goto done;
            ignored_frames -= (int)top->ignored;
        }
        shadow_depth--;
        if (MG_UNLIKELY(region_frame == frame && region_state == REGION_OPEN)) region_state = REGION_RETURNED;
    }
done:
    mg_in_tracker = saved_guard;
    return 0;
}

int mg_python_active(void) { return shadow_depth > 0; }

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
    if (ignored_frames > 0) return -1;
    int kept = shadow_depth < SHADOW_CAPACITY ? shadow_depth : SHADOW_CAPACITY;
    int count = 0;
    for (int i = kept - 1; i >= 0 && count < capacity; i--) {
        shadow_entry *entry = &shadow[i];
        uint32_t line = i == kept - 1 ? current_line(entry) : entry->call_line;
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
    void *set_profile = dlsym(RTLD_DEFAULT, "PyEval_SetProfile");
    if (!py_frame_get_code || !py_frame_get_line || !py_get_attribute || !py_unicode_utf8 || !py_decref ||
        !py_error_fetch || !py_error_restore || !set_profile)
        return -1;
    functions = mg_os_alloc(FUNCTION_CAPACITY * sizeof(function_info));
    code_keys = mg_os_alloc(CODE_SLOTS * sizeof(uintptr_t));
    code_ids = mg_os_alloc(CODE_SLOTS * sizeof(uint32_t));
    name_arena = mg_os_alloc(NAME_ARENA_BYTES);
    if (!functions || !code_keys || !code_ids || !name_arena) return -1;
    load_ignore_patterns();
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

MG_EXPORT int memgate_python_install(void) {
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    int status = resolve_python();
    if (status == 0) mg_python_wrap_allocators();
    if (status == 0) {
        /* Frames already running are not on the shadow stack; start it empty. */
        shadow_depth = 0;
        ignored_frames = 0;
        py_set_profile(profile_hook, NULL);
    }
    mg_in_tracker = saved_guard;
    return status;
}

MG_EXPORT int memgate_python_region_arm(const char *name, const void *code, int current_thread_only) {
    if (!code || !py_set_profile) return -1;
    snprintf(region_name, sizeof region_name, "%s", name ? name : "region");
    region_path[0] = 0;
    region_code = (void *)code;
    region_frame = NULL;
    region_current_thread_only = current_thread_only;
    region_state = REGION_ARMED;
    return 0;
}

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
    py_set_profile(NULL, NULL);
    shadow_depth = 0;
    ignored_frames = 0;
    mg_in_tracker = saved_guard;
    return 0;
}

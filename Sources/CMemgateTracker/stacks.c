/*
 * Stack collection for one allocation: Python frames from the shadow stack kept by the
 * profile hook, and native frames from mg_unwind (unwind.c). Frames inside the tracker
 * itself are skipped, and when Python frames exist the native walk stops at the interpreter's eval
 * loop so Python frames stand in place of the eval frames.
 */
#define _GNU_SOURCE
#include <link.h>

#include "tracker_internal.h"

static uintptr_t self_start;
static uintptr_t self_end;

static int find_self(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    uintptr_t probe = (uintptr_t)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        uintptr_t end = start + segment->p_memsz;
        if (probe >= start && probe < end) {
            self_start = start;
            self_end = end;
            return 1;
        }
    }
    return 0;
}

void mg_stacks_init(void) {
    dl_iterate_phdr(find_self, (void *)(uintptr_t)&mg_stacks_init);
    mg_unwind_init(self_start, self_end);
}

/* Native frames innermost first, without the tracker's own; stops at the eval loop when
 * `stop_at_eval` (Python frames will follow). */
static int native_frames(uint64_t *frames, int capacity, int stop_at_eval) {
    int count = mg_unwind(frames, capacity);
    if (!stop_at_eval) return count;
    uintptr_t eval_start = 0, eval_end = 0;
    mg_python_eval_range(&eval_start, &eval_end);
    for (int i = 0; i < count; i++) {
        if (frames[i] >= eval_start && frames[i] < eval_end) return i;
    }
    return count;
}

int mg_collect_stack(uint64_t *frames) {
    if (mg_python_active()) {
        int depth = 0;
        if (mg_native_frames) depth = native_frames(frames, MG_MAX_FRAMES / 2, 1);
        int python = mg_python_frames(frames + depth, MG_MAX_FRAMES - depth);
        if (python < 0) return -1;
        return depth + python;
    }
    if (mg_native_frames) return native_frames(frames, MG_MAX_FRAMES, 0);
    return 0;
}

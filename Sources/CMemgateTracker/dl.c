/*
 * dlopen/dlclose: the capture's module table is rewritten after each dlopen, so a target
 * that crashes still leaves the paths of libraries it loaded during the run (their frames
 * are symbolized); learned unwind rules for a library's code are forgotten when dlclose
 * really unloads it, since another library may be mapped at the same addresses later.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stddef.h>

#include "tracker_internal.h"

static void *(*real_dlopen)(const char *, int);
static int (*real_dlclose)(void *);

MG_EXPORT void *dlopen(const char *file, int mode) {
    if (!real_dlopen) real_dlopen = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
    if (!real_dlopen) return NULL;
    void *handle = real_dlopen(file, mode);
    if (handle && !mg_in_tracker) {
        mg_in_tracker = 1;
        mg_capture_refresh_modules();
        mg_in_tracker = 0;
    }
    return handle;
}

#define MAX_RANGES 16

typedef struct code_ranges {
    uintptr_t load_bias;
    uintptr_t start[MAX_RANGES];
    uintptr_t end[MAX_RANGES];
    int count;
    int still_loaded;
} code_ranges;

/* Collects the executable segments of the object loaded at `load_bias`, or notes it is loaded. */
static int find_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    code_ranges *ranges = data;
    if (info->dlpi_addr != ranges->load_bias) return 0;
    ranges->still_loaded = 1;
    for (int i = 0; i < info->dlpi_phnum && ranges->count < MAX_RANGES; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        ranges->start[ranges->count] = info->dlpi_addr + segment->p_vaddr;
        ranges->end[ranges->count] = ranges->start[ranges->count] + segment->p_memsz;
        ranges->count++;
    }
    return 1;
}

MG_EXPORT int dlclose(void *handle) {
    if (!real_dlclose) real_dlclose = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
    if (!real_dlclose) return -1;
    code_ranges ranges = {0};
    struct link_map *map = NULL;
    int known = !mg_in_tracker && dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_addr;
    if (known) {
        ranges.load_bias = map->l_addr;
        dl_iterate_phdr(find_object, &ranges);
    }
    int status = real_dlclose(handle);
    if (status == 0 && known && ranges.count > 0) {
        code_ranges after = {.load_bias = ranges.load_bias};
        dl_iterate_phdr(find_object, &after);
        if (!after.still_loaded) { /* really unloaded, not just one reference fewer */
            for (int i = 0; i < ranges.count; i++) mg_unwind_forget_range(ranges.start[i], ranges.end[i]);
        }
    }
    return status;
}

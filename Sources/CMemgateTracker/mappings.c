/*
 * Tracked anonymous mappings as address ranges, so that munmap of any part of one, or of
 * several adjacent ones at once, releases exactly the bytes unmapped. Programs hold few
 * mappings, so a plain array scanned on munmap (itself a system call) is cheap enough.
 * Always called with the capture lock held; memory comes from mg_os_alloc.
 */
#include <string.h>

#include "tracker_internal.h"

typedef struct mg_mapping {
    uintptr_t start;
    uintptr_t end;
    uint32_t stack_index;
} mg_mapping;

static mg_mapping *entries;
static uint32_t count;
static uint32_t capacity;

static int reserve(uint32_t needed) {
    if (needed <= capacity) return 0;
    uint32_t fresh_capacity = capacity ? capacity * 2 : 1024;
    while (fresh_capacity < needed) fresh_capacity *= 2;
    mg_mapping *fresh = mg_os_alloc(fresh_capacity * sizeof(mg_mapping));
    if (!fresh) return -1;
    if (entries) memcpy(fresh, entries, count * sizeof(mg_mapping));
    mg_os_free(entries, capacity * sizeof(mg_mapping));
    entries = fresh;
    capacity = fresh_capacity;
    return 0;
}

int mg_mappings_add(uintptr_t start, uint64_t bytes, uint32_t stack_index) {
    if (reserve(count + 1) != 0) return -1;
    entries[count++] = (mg_mapping){start, start + bytes, stack_index};
    return 0;
}

int mg_mappings_take(uintptr_t start, uint32_t *stack_index, uint64_t *bytes) {
    for (uint32_t i = 0; i < count; i++) {
        if (entries[i].start != start) continue;
        *stack_index = entries[i].stack_index;
        *bytes = entries[i].end - entries[i].start;
        entries[i] = entries[--count];
        return 1;
    }
    return 0;
}

void mg_mappings_unmap(uintptr_t start, uintptr_t end, mg_unmap_visitor visit) {
    uint32_t i = 0;
    while (i < count) {
        mg_mapping *mapping = &entries[i];
        if (mapping->end <= start || mapping->start >= end) {
            i++;
            continue;
        }
        uintptr_t cut_start = mapping->start > start ? mapping->start : start;
        uintptr_t cut_end = mapping->end < end ? mapping->end : end;
        uint32_t stack_index = mapping->stack_index;
        if (cut_start == mapping->start && cut_end == mapping->end) {
            entries[i] = entries[--count]; /* whole mapping gone; re-examine slot i */
            visit(stack_index, cut_end - cut_start, -1);
            continue;
        }
        if (cut_start == mapping->start) {
            mapping->start = cut_end;
            visit(stack_index, cut_end - cut_start, 0);
        } else if (cut_end == mapping->end) {
            mapping->end = cut_start;
            visit(stack_index, cut_end - cut_start, 0);
        } else {
            /* A hole in the middle: the mapping becomes two live pieces. */
            uintptr_t tail_end = mapping->end;
            mapping->end = cut_start;
            int added = mg_mappings_add(cut_end, tail_end - cut_end, stack_index) == 0;
            visit(stack_index, cut_end - cut_start + (added ? 0 : tail_end - cut_end), added ? 1 : 0);
        }
        i++;
    }
}

void mg_mappings_clear(void) { count = 0; }

/*
 * Tracked anonymous mappings as address ranges, so that munmap or mprotect of any part of
 * one, or of several adjacent ones at once, changes exactly the bytes concerned. Programs
 * hold few mappings, so a plain array scanned on each call (itself a system call) is cheap.
 *
 * A range is either accessible (its bytes count as live memory) or a reservation: mapped
 * PROT_NONE, as V8, the JVM and Go reserve address space they may never use. Reservations
 * count nothing until part of them becomes accessible (mprotect, or MAP_FIXED over them).
 * Always called with the writer lock held (mg_capture_lock); memory comes from mg_os_alloc.
 */
#include <string.h>

#include "tracker_internal.h"

typedef struct mg_mapping {
    uintptr_t start;
    uintptr_t end;
    uint32_t stack_index;
    uint32_t reserved; /* 1: PROT_NONE reservation, counted as 0 bytes */
} mg_mapping;

static mg_mapping *entries;
static uint32_t count;
static uint32_t capacity;

static int reserve_capacity(uint32_t needed) {
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

int mg_mappings_add(uintptr_t start, uint64_t bytes, uint32_t stack_index, int reserved) {
    if (bytes == 0) return 0;
    if (reserve_capacity(count + 1) != 0) return -1;
    entries[count++] = (mg_mapping){start, start + bytes, stack_index, reserved ? 1u : 0u};
    return 0;
}

int mg_mappings_take(uintptr_t start, uint32_t *stack_index, uint64_t *bytes, int *reserved) {
    for (uint32_t i = 0; i < count; i++) {
        if (entries[i].start != start) continue;
        *stack_index = entries[i].stack_index;
        *bytes = entries[i].end - entries[i].start;
        *reserved = (int)entries[i].reserved;
        entries[i] = entries[--count];
        return 1;
    }
    return 0;
}

void mg_mappings_carve(uintptr_t start, uintptr_t end, int which, mg_carve_visitor visit, void *context) {
    uint32_t i = 0;
    while (i < count) {
        mg_mapping *mapping = &entries[i];
        int kind_matches = which == MG_CARVE_ANY || (int)mapping->reserved == (which == MG_CARVE_RESERVED);
        if (!kind_matches || mapping->end <= start || mapping->start >= end) {
            i++;
            continue;
        }
        uintptr_t cut_start = mapping->start > start ? mapping->start : start;
        uintptr_t cut_end = mapping->end < end ? mapping->end : end;
        mg_mapping cut = *mapping;
        if (cut_start == mapping->start && cut_end == mapping->end) {
            entries[i] = entries[--count]; /* whole mapping gone; re-examine slot i */
            if (visit) visit(context, cut.stack_index, cut_start, cut_end, (int)cut.reserved, -1);
            continue;
        }
        int blocks_delta = 0;
        if (cut_start == mapping->start) {
            mapping->start = cut_end;
        } else if (cut_end == mapping->end) {
            mapping->end = cut_start;
        } else {
            /* A hole in the middle: the mapping becomes two pieces. If the table cannot grow,
             * the tail is dropped with the hole (released, for an accessible mapping). */
            uintptr_t tail_end = mapping->end;
            mapping->end = cut_start;
            if (mg_mappings_add(cut_end, tail_end - cut_end, cut.stack_index, (int)cut.reserved) == 0) {
                blocks_delta = 1;
            } else {
                cut_end = tail_end;
            }
        }
        if (visit) visit(context, cut.stack_index, cut_start, cut_end, (int)cut.reserved, blocks_delta);
        i++;
    }
}

void mg_mappings_clear(void) { count = 0; }

/*
 * Address → (requested bytes, stack) map for live tracked blocks: open addressing with
 * linear probing and backward-shift deletion (no tombstones), grown at half load.
 * Always called with the capture lock held. Memory comes from mg_os_alloc, never malloc.
 */
#include <string.h>

#include "tracker_internal.h"

#define INITIAL_SLOTS (1u << 16)

static mg_ptr_entry *slots;
static uint64_t slot_count; /* a power of two */
static uint64_t used;

static inline uint64_t slot_of(uintptr_t address, uint64_t mask) {
    uint64_t key = (uint64_t)address >> 4;
    key *= 0x9E3779B97F4A7C15ull;
    return (key ^ (key >> 32)) & mask;
}

static int grow(void) {
    uint64_t new_count = slot_count ? slot_count * 2 : INITIAL_SLOTS;
    mg_ptr_entry *fresh = mg_os_alloc(new_count * sizeof(mg_ptr_entry));
    if (!fresh) return -1;
    uint64_t mask = new_count - 1;
    for (uint64_t i = 0; i < slot_count; i++) {
        if (!slots[i].address) continue;
        uint64_t slot = slot_of(slots[i].address, mask);
        while (fresh[slot].address) slot = (slot + 1) & mask;
        fresh[slot] = slots[i];
    }
    mg_os_free(slots, slot_count * sizeof(mg_ptr_entry));
    slots = fresh;
    slot_count = new_count;
    return 0;
}

int mg_ptrmap_insert(uintptr_t address, uint64_t bytes, uint32_t stack_index) {
    if ((used + 1) * 2 > slot_count && grow() != 0) return -1;
    uint64_t mask = slot_count - 1;
    uint64_t slot = slot_of(address, mask);
    while (slots[slot].address && slots[slot].address != address) slot = (slot + 1) & mask;
    if (!slots[slot].address) used++;
    slots[slot].address = address;
    slots[slot].bytes = bytes;
    slots[slot].stack_index = stack_index;
    return 0;
}

int mg_ptrmap_remove(uintptr_t address, mg_ptr_entry *removed) {
    if (!used) return 0;
    uint64_t mask = slot_count - 1;
    uint64_t slot = slot_of(address, mask);
    while (slots[slot].address != address) {
        if (!slots[slot].address) return 0;
        slot = (slot + 1) & mask;
    }
    *removed = slots[slot];
    /* Backward shift: pull later entries of the probe run into the hole. */
    uint64_t hole = slot;
    uint64_t next = (hole + 1) & mask;
    while (slots[next].address) {
        uint64_t home = slot_of(slots[next].address, mask);
        /* Move the entry if its home is not in the cyclic range (hole, next]. */
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            slots[hole] = slots[next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    slots[hole].address = 0;
    used--;
    return 1;
}

void mg_ptrmap_clear(void) {
    if (slots && used) memset(slots, 0, slot_count * sizeof(mg_ptr_entry));
    used = 0;
}

/*
 * Address → (requested bytes, stack, capture generation) map for live tracked blocks.
 *
 * Two parts. A block of fewer than 8 KiB at a 16-byte-aligned address below 2^48 (nearly every
 * block glibc or pymalloc hands out) is a 32-bit word at a fixed place in the page map
 * (pagemap.c). Every other block (larger ones, an allocator's 8-byte classes, 5-level paging)
 * lives in the hash part, which is then small, and probed only when its stripe holds anything.
 *
 * The hash part is striped: the address's 64 MiB region picks one of STRIPES independent
 * tables, each with its own spinlock, so threads allocating and freeing at once rarely meet.
 * Each table is open addressing with linear probing and backward-shift deletion (no
 * tombstones), grown at half load. Memory comes from mg_os_alloc, never malloc.
 *
 * Lock order: the writer lock (sync.c) may be held when a stripe lock is taken (reallocation,
 * region changes, fork), never the other way round.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracker_internal.h"

#define STRIPE_BITS 6
#define STRIPES (1u << STRIPE_BITS)
#define INITIAL_SLOTS (1u << 10)
#define HUGE_PAGE_BYTES (2u << 20)

/* A table entry in 16 bytes, not mg_ptr_entry's 24: a Python churn's events miss the cache on
 * this table, so more entries to a line is fewer misses. `tag` holds the address (48 bits,
 * which every user-space address has without 5-level paging) and the generation's low 16 bits
 * (enough to tell a block of an ended capture from this one's); `value` the requested bytes
 * (46 bits, 64 TiB) and the stack index (18 bits: STACK_CAPACITY). An entry that does not fit
 * waits in a small spill list instead. tag 0: an empty slot. */
typedef struct packed_entry {
    uint64_t tag;
    uint64_t value;
} packed_entry;

#define ADDRESS_BITS 48
#define ADDRESS_MASK ((1ull << ADDRESS_BITS) - 1)
#define BYTES_BITS 46
#define BYTES_MASK ((1ull << BYTES_BITS) - 1)
#define STACK_INDEX_BITS (64 - BYTES_BITS)
#define GENERATION_MASK ((1ull << MG_PTR_GENERATION_BITS) - 1)
_Static_assert(MG_PTR_GENERATION_BITS == 64 - ADDRESS_BITS, "the generation fills the tag");
_Static_assert(STACK_INDEX_BITS == 18, "stack indexes (STACK_CAPACITY, capture.c) take 18 bits");

static inline int packs(const mg_ptr_entry *entry) {
    return entry->address <= ADDRESS_MASK && entry->bytes <= BYTES_MASK && entry->stack_index < (1u << STACK_INDEX_BITS);
}

static inline packed_entry pack(const mg_ptr_entry *entry) {
    packed_entry packed = {entry->address | (entry->generation & GENERATION_MASK) << ADDRESS_BITS,
                           entry->bytes | (uint64_t)entry->stack_index << BYTES_BITS};
    return packed;
}

static inline mg_ptr_entry unpack(packed_entry packed) {
    mg_ptr_entry entry = {packed.tag & ADDRESS_MASK, packed.value & BYTES_MASK,
                          (uint32_t)(packed.value >> BYTES_BITS), (uint32_t)(packed.tag >> ADDRESS_BITS)};
    return entry;
}

static inline uintptr_t address_of(packed_entry packed) { return packed.tag & ADDRESS_MASK; }

typedef struct stripe {
    int lock; /* 0 free, 1 held: held for one probe sequence, so waiters spin, then yield */
    packed_entry *slots;
    uint64_t slot_count; /* a power of two, or 0 before the first insert */
    uint64_t used;
    /* No entry sits further than this from its home slot: probes and the deletion's backward
     * shift stop there, instead of walking a whole dense run of neighbouring addresses. */
    uint64_t max_displacement;
} __attribute__((aligned(64))) stripe;

static stripe stripes[STRIPES];

static inline void stripe_lock(stripe *table) { mg_spin_lock(&table->lock); }

static inline void stripe_unlock(stripe *table) { mg_spin_unlock(&table->lock); }

/* Slots keep the locality of addresses: a 4 KiB chunk of address space (a page of a pymalloc pool, or
 * a run of malloc chunks) maps to one run of CHUNK_SLOTS consecutive slots, at a place chosen
 * by hashing the chunk's number, with one slot per 8-byte address inside it. Blocks allocated
 * and freed in address order (pools filling, a batch of objects released) then walk the table
 * in order, which the hardware prefetches, instead of missing the cache on every event; the
 * hash still spreads chunks evenly (page-aligned blocks included). 4 KiB measured best: 16 KiB
 * chunks shared runs unevenly (Python churn 0.97 s vs 0.82 s), 1 KiB lost some locality.
 * A slot per 8 bytes, not 16, leaves a chunk of the smallest blocks (16 B apart) half its run
 * free: at one slot per 16 B such a chunk filled its run, two of them meeting in one run made a
 * cluster hundreds of slots long, and every removal shifted along it (callgrind, Python churn:
 * the map's instructions 329 M -> 117 M). */
#define CHUNK_BITS 12
#define SLOT_BYTES_BITS 3 /* a slot per 8 bytes of address */
#define CHUNK_SLOTS (1u << (CHUNK_BITS - SLOT_BYTES_BITS))
/* The stripe is chosen by 64 MiB region of addresses: glibc gives each thread's arena its own
 * 64 MiB heap, so threads allocating and freeing their own blocks each keep to their stripe and
 * do not pass its lock's cache line back and forth. */
#define REGION_BITS 26

/* The region picks the stripe; the chunk's hash picks the run. */
static inline stripe *stripe_of(uintptr_t address) {
    uint64_t region = ((uint64_t)address >> REGION_BITS) * 0x9E3779B97F4A7C15ull;
    return &stripes[region >> (64 - STRIPE_BITS)];
}

/* The slot an entry for `address` would take in an empty table of `mask` + 1 slots. */
static inline uint64_t home_of(uintptr_t address, uint64_t mask) {
    uint64_t key = ((uint64_t)address >> CHUNK_BITS) * 0x9E3779B97F4A7C15ull;
    uint64_t run = (key >> 20) * CHUNK_SLOTS;
    /* Rotated within the run by the chunk's hash: pools of one size class hold blocks at the same
     * offsets, and chunks sharing a run would otherwise collide on exactly the same slots. */
    uint64_t offset = (((uint64_t)address >> SLOT_BYTES_BITS) + (key >> 10)) & (CHUNK_SLOTS - 1);
    return (run + offset) & mask;
}

static int grow(stripe *table) {
    uint64_t new_count = table->slot_count ? table->slot_count * 2 : INITIAL_SLOTS;
    packed_entry *fresh = mg_os_alloc(new_count * sizeof(packed_entry));
    if (!fresh) return -1;
    /* Events land all over a large table: with 4 KiB pages nearly each one missed the TLB. A
     * hint only (transparent huge pages may be off); the table is touched densely anyway. */
    if (new_count * sizeof(packed_entry) >= HUGE_PAGE_BYTES)
        syscall(SYS_madvise, fresh, new_count * sizeof(packed_entry), MADV_HUGEPAGE);
    uint64_t mask = new_count - 1;
    uint64_t max_displacement = 0;
    for (uint64_t i = 0; i < table->slot_count; i++) {
        if (!table->slots[i].tag) continue;
        uintptr_t address = address_of(table->slots[i]);
        uint64_t home = home_of(address, mask);
        uint64_t slot = home;
        while (fresh[slot].tag) slot = (slot + 1) & mask;
        fresh[slot] = table->slots[i];
        uint64_t displacement = (slot - home) & mask;
        if (displacement > max_displacement) max_displacement = displacement;
    }
    table->max_displacement = max_displacement;
    if (table->slots) mg_os_free(table->slots, table->slot_count * sizeof(packed_entry));
    table->slots = fresh;
    table->slot_count = new_count;
    return 0;
}

/* ---- the spill list: entries too wide to pack (a block of 64 TiB or more, an address above
 * 2^48), in practice never used; a linear list under its own lock. ---- */
#define SPILL_CAPACITY 64
static mg_ptr_entry spill[SPILL_CAPACITY];
static uint32_t spill_used; /* read without the lock as a hint: 0 skips the list */
static int spill_lock;

static int spill_take(uintptr_t address, mg_ptr_entry *removed) {
    if (!__atomic_load_n(&spill_used, __ATOMIC_ACQUIRE)) return 0;
    int found = 0;
    mg_spin_lock(&spill_lock);
    for (uint32_t i = 0; i < spill_used; i++) {
        if (spill[i].address != address) continue;
        *removed = spill[i];
        spill[i] = spill[spill_used - 1];
        __atomic_store_n(&spill_used, spill_used - 1, __ATOMIC_RELEASE);
        found = 1;
        break;
    }
    mg_spin_unlock(&spill_lock);
    return found;
}

static int spill_insert(const mg_ptr_entry *entry, mg_ptr_entry *replaced) {
    int was_there = spill_take(entry->address, replaced);
    mg_spin_lock(&spill_lock);
    int stored = spill_used < SPILL_CAPACITY;
    if (stored) {
        spill[spill_used] = *entry;
        __atomic_store_n(&spill_used, spill_used + 1, __ATOMIC_RELEASE);
    }
    mg_spin_unlock(&spill_lock);
    return stored ? was_there : -1;
}

static int table_take(uintptr_t address, mg_ptr_entry *removed) {
    stripe *table = stripe_of(address);
    stripe_lock(table);
    if (!table->used) {
        stripe_unlock(table);
        return 0;
    }
    packed_entry *slots = table->slots;
    uint64_t mask = table->slot_count - 1;
    uint64_t home = home_of(address, mask);
    uint64_t slot = home;
    while (address_of(slots[slot]) != address) {
        if (!slots[slot].tag || ((slot - home) & mask) >= table->max_displacement) {
            stripe_unlock(table);
            return 0;
        }
        slot = (slot + 1) & mask;
    }
    *removed = unpack(slots[slot]);
    /* Backward shift: pull later entries of the probe run into the hole. */
    uint64_t hole = slot;
    uint64_t next = (hole + 1) & mask;
    /* An entry further than max_displacement past the hole cannot have its home at or before it. */
    while (slots[next].tag && ((next - hole) & mask) <= table->max_displacement) {
        uintptr_t next_address = address_of(slots[next]);
        uint64_t next_home = home_of(next_address, mask);
        /* Move the entry if its home is not in the cyclic range (hole, next]. */
        if (((next - next_home) & mask) >= ((next - hole) & mask)) {
            slots[hole] = slots[next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    slots[hole].tag = 0;
    table->used--;
    stripe_unlock(table);
    return 1;
}

static int table_insert(const mg_ptr_entry *entry, mg_ptr_entry *replaced) {
    stripe *table = stripe_of(entry->address);
    stripe_lock(table);
    if ((table->used + 1) * 2 > table->slot_count && grow(table) != 0) {
        stripe_unlock(table);
        return -1;
    }
    uint64_t mask = table->slot_count - 1;
    uint64_t home = home_of(entry->address, mask);
    uint64_t slot = home;
    packed_entry *slots = table->slots;
    while (slots[slot].tag && address_of(slots[slot]) != entry->address) slot = (slot + 1) & mask;
    int was_there = slots[slot].tag != 0;
    uint64_t displacement = (slot - home) & mask;
    if (displacement > table->max_displacement) table->max_displacement = displacement;
    if (was_there) {
        *replaced = unpack(slots[slot]);
    } else {
        table->used++;
    }
    slots[slot] = pack(entry);
    stripe_unlock(table);
    return was_there;
}

/* ---- the hash part: an address is in the table or in the spill list, never both ---- */

static int hashed_insert(const mg_ptr_entry *entry, mg_ptr_entry *replaced) {
    mg_ptr_entry unused;
    if (MG_UNLIKELY(!packs(entry))) {
        if (table_take(entry->address, replaced)) return spill_insert(entry, &unused) < 0 ? -1 : 1;
        return spill_insert(entry, replaced);
    }
    if (MG_UNLIKELY(__atomic_load_n(&spill_used, __ATOMIC_RELAXED)) && spill_take(entry->address, replaced))
        return table_insert(entry, &unused) < 0 ? -1 : 1;
    return table_insert(entry, replaced);
}

static int hashed_remove(uintptr_t address, mg_ptr_entry *removed) {
    if (table_take(address, removed)) return 1;
    return spill_take(address, removed);
}

/* Whether the address's stripe holds any entry. A block in it was inserted before the
 * program could free it or hand its address out again, so its count is seen here unlocked. */
static inline int stripe_holds_any(uintptr_t address) {
    return __atomic_load_n(&stripe_of(address)->used, __ATOMIC_RELAXED) != 0 ||
           __atomic_load_n(&spill_used, __ATOMIC_RELAXED) != 0;
}

/* ---- the page map's words (pagemap.c), for small blocks at 16-byte-aligned addresses ----
 *
 * 0: no small block there. Else bit 31 and the block's requested bytes (13 bits, below
 * WORD_BYTES_LIMIT) and stack index (18 bits). A larger block lives in the hash part only, so
 * the address space of its word's table is spent on small blocks alone (a program of 1 MiB
 * blocks gets no table). A word holds no capture generation: the map is cleared when a
 * capture begins and changed only inside events, so every word was written in the open
 * capture, whose generation mg_ptrmap_clear was given. */
#define WORD_PRESENT (1u << 31)
#define WORD_BYTES_SHIFT STACK_INDEX_BITS
#define WORD_BYTES_LIMIT (1u << (31 - WORD_BYTES_SHIFT))
#define WORD_STACK_MASK ((1u << STACK_INDEX_BITS) - 1)

static uint32_t words_generation;

static inline int aligned_for_word(uintptr_t address) {
    return (address & 15) == 0 && address >> MG_PAGEMAP_ADDRESS_BITS == 0;
}

static inline int fits_word(const mg_ptr_entry *entry) {
    return aligned_for_word(entry->address) && entry->bytes < WORD_BYTES_LIMIT && entry->stack_index <= WORD_STACK_MASK;
}

static inline mg_ptr_entry entry_of_word(uintptr_t address, uint32_t word) {
    mg_ptr_entry entry = {address, (word & ~WORD_PRESENT) >> WORD_BYTES_SHIFT, word & WORD_STACK_MASK,
                          words_generation};
    return entry;
}

/* Takes the small block at `address` out of its word: 1 with its entry, 0 when there was none. */
static int take_word(uintptr_t address, mg_ptr_entry *removed) {
    uint32_t *word = mg_pagemap_find(address);
    /* A free of a block never tracked (made before the capture, or untracked) ends here. */
    if (!word || !__atomic_load_n(word, __ATOMIC_RELAXED)) return 0;
    uint32_t old = __atomic_exchange_n(word, 0, __ATOMIC_RELAXED);
    if (!old) return 0;
    *removed = entry_of_word(address, old);
    return 1;
}

static int word_insert(uint32_t *word, const mg_ptr_entry *entry, mg_ptr_entry *replaced) {
    uint32_t old = __atomic_exchange_n(word, WORD_PRESENT | (uint32_t)entry->bytes << WORD_BYTES_SHIFT | entry->stack_index,
                                       __ATOMIC_RELAXED);
    if (old) {
        *replaced = entry_of_word(entry->address, old);
        return 1;
    }
    /* A large block at this address whose free went unseen. */
    return stripe_holds_any(entry->address) ? hashed_remove(entry->address, replaced) : 0;
}

int mg_ptrmap_insert(const mg_ptr_entry *entry, mg_ptr_entry *replaced) {
    if (MG_LIKELY(fits_word(entry))) {
        uint32_t *word = mg_pagemap_word(entry->address);
        if (MG_LIKELY(word != NULL)) return word_insert(word, entry, replaced);
        /* No memory for the word's table (RLIMIT_AS): the hash part keeps the block instead. */
    }
    /* A small block at this address whose free went unseen. */
    mg_ptr_entry unused;
    int stale = aligned_for_word(entry->address) && take_word(entry->address, replaced);
    int hashed = hashed_insert(entry, stale ? &unused : replaced);
    return hashed < 0 ? -1 : stale | hashed;
}

int mg_ptrmap_remove(uintptr_t address, mg_ptr_entry *removed) {
    if (MG_LIKELY(aligned_for_word(address)) && take_word(address, removed)) return 1;
    return stripe_holds_any(address) ? hashed_remove(address, removed) : 0;
}

void mg_ptrmap_lock_all(void) {
    for (uint32_t i = 0; i < STRIPES; i++) stripe_lock(&stripes[i]);
    mg_spin_lock(&spill_lock);
}

void mg_ptrmap_unlock_all(void) {
    mg_spin_unlock(&spill_lock);
    for (uint32_t i = 0; i < STRIPES; i++) stripe_unlock(&stripes[i]);
}

void mg_ptrmap_clear(uint32_t generation) {
    mg_ptrmap_lock_all();
    mg_pagemap_clear();
    words_generation = generation;
    for (uint32_t i = 0; i < STRIPES; i++) {
        stripe *table = &stripes[i];
        if (table->used) memset(table->slots, 0, table->slot_count * sizeof(packed_entry));
        table->used = 0;
        table->max_displacement = 0;
    }
    __atomic_store_n(&spill_used, 0, __ATOMIC_RELEASE);
    mg_ptrmap_unlock_all();
}

void mg_ptrmap_after_fork(void) {
    for (uint32_t i = 0; i < STRIPES; i++) stripes[i].lock = 0;
    spill_lock = 0;
    mg_pagemap_after_fork();
}

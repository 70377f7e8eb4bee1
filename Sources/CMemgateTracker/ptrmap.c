/*
 * Address → (requested bytes, stack, capture generation) map for live tracked blocks.
 *
 * Striped: the address's hash picks one of STRIPES independent tables, each with its own lock,
 * so threads allocating and freeing at once rarely meet, and never inside the capture lock's
 * short critical section (capture.c). Each table is open addressing with linear probing and
 * backward-shift deletion (no tombstones), grown at half load. Memory comes from mg_os_alloc,
 * never malloc.
 *
 * Lock order: the capture lock may be held when a stripe lock is taken (reallocation, region
 * changes, fork), never the other way round.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "tracker_internal.h"

#define STRIPE_BITS 6
#define STRIPES (1u << STRIPE_BITS)
#define INITIAL_SLOTS (1u << 10)

typedef struct stripe {
    pthread_mutex_t lock;
    mg_ptr_entry *slots;
    uint64_t slot_count; /* a power of two, or 0 before the first insert */
    uint64_t used;
} __attribute__((aligned(64))) stripe;

static stripe stripes[STRIPES] = {[0 ... STRIPES - 1] = {.lock = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP}};

static inline uint64_t key_of(uintptr_t address) { return ((uint64_t)address >> 4) * 0x9E3779B97F4A7C15ull; }

/* The top bits pick the stripe; the slot mixes the rest (below bit 58, so the two are independent). */
static inline stripe *stripe_of(uint64_t key) { return &stripes[key >> (64 - STRIPE_BITS)]; }
static inline uint64_t slot_of(uint64_t key, uint64_t mask) { return (key ^ (key >> 29)) & mask; }

static int grow(stripe *table) {
    uint64_t new_count = table->slot_count ? table->slot_count * 2 : INITIAL_SLOTS;
    mg_ptr_entry *fresh = mg_os_alloc(new_count * sizeof(mg_ptr_entry));
    if (!fresh) return -1;
    uint64_t mask = new_count - 1;
    for (uint64_t i = 0; i < table->slot_count; i++) {
        if (!table->slots[i].address) continue;
        uint64_t slot = slot_of(key_of(table->slots[i].address), mask);
        while (fresh[slot].address) slot = (slot + 1) & mask;
        fresh[slot] = table->slots[i];
    }
    if (table->slots) mg_os_free(table->slots, table->slot_count * sizeof(mg_ptr_entry));
    table->slots = fresh;
    table->slot_count = new_count;
    return 0;
}

int mg_ptrmap_insert(const mg_ptr_entry *entry, mg_ptr_entry *replaced) {
    uint64_t key = key_of(entry->address);
    stripe *table = stripe_of(key);
    pthread_mutex_lock(&table->lock);
    if ((table->used + 1) * 2 > table->slot_count && grow(table) != 0) {
        pthread_mutex_unlock(&table->lock);
        return -1;
    }
    uint64_t mask = table->slot_count - 1;
    uint64_t slot = slot_of(key, mask);
    while (table->slots[slot].address && table->slots[slot].address != entry->address) slot = (slot + 1) & mask;
    int was_there = table->slots[slot].address != 0;
    if (was_there) {
        *replaced = table->slots[slot];
    } else {
        table->used++;
    }
    table->slots[slot] = *entry;
    pthread_mutex_unlock(&table->lock);
    return was_there;
}

int mg_ptrmap_remove(uintptr_t address, mg_ptr_entry *removed) {
    uint64_t key = key_of(address);
    stripe *table = stripe_of(key);
    pthread_mutex_lock(&table->lock);
    if (!table->used) {
        pthread_mutex_unlock(&table->lock);
        return 0;
    }
    mg_ptr_entry *slots = table->slots;
    uint64_t mask = table->slot_count - 1;
    uint64_t slot = slot_of(key, mask);
    while (slots[slot].address != address) {
        if (!slots[slot].address) {
            pthread_mutex_unlock(&table->lock);
            return 0;
        }
        slot = (slot + 1) & mask;
    }
    *removed = slots[slot];
    /* Backward shift: pull later entries of the probe run into the hole. */
    uint64_t hole = slot;
    uint64_t next = (hole + 1) & mask;
    while (slots[next].address) {
        uint64_t home = slot_of(key_of(slots[next].address), mask);
        /* Move the entry if its home is not in the cyclic range (hole, next]. */
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            slots[hole] = slots[next];
            hole = next;
        }
        next = (next + 1) & mask;
    }
    slots[hole].address = 0;
    table->used--;
    pthread_mutex_unlock(&table->lock);
    return 1;
}

void mg_ptrmap_lock_all(void) {
    for (uint32_t i = 0; i < STRIPES; i++) pthread_mutex_lock(&stripes[i].lock);
}

void mg_ptrmap_unlock_all(void) {
    for (uint32_t i = 0; i < STRIPES; i++) pthread_mutex_unlock(&stripes[i].lock);
}

void mg_ptrmap_clear(void) {
    mg_ptrmap_lock_all();
    for (uint32_t i = 0; i < STRIPES; i++) {
        stripe *table = &stripes[i];
        if (table->used) memset(table->slots, 0, table->slot_count * sizeof(mg_ptr_entry));
        table->used = 0;
    }
    mg_ptrmap_unlock_all();
}

void mg_ptrmap_after_fork(void) {
    pthread_mutexattr_t adaptive;
    pthread_mutexattr_init(&adaptive);
    pthread_mutexattr_settype(&adaptive, PTHREAD_MUTEX_ADAPTIVE_NP);
    for (uint32_t i = 0; i < STRIPES; i++) pthread_mutex_init(&stripes[i].lock, &adaptive);
    pthread_mutexattr_destroy(&adaptive);
}

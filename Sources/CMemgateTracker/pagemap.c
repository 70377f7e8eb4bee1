/*
 * The pointer map's first level for 16-byte-aligned addresses: a radix tree of address space
 * whose leaves are flat tables of one 32-bit word per 16 bytes of address, so a block's word
 * sits at a fixed place computed from its address. glibc's and pymalloc's blocks are 16-byte
 * aligned and packed side by side in their pages, so neighbouring blocks share a table line
 * (16 words cover 256 bytes of heap): a Python churn's events, which missed the cache on a hash
 * table twice the heap's size, now touch a table a quarter of it, in the order the heap is
 * touched anyway.
 *
 * Levels: bits 47..34 of an address pick a root slot (static), bits 33..21 a slot of that root
 * slot's node, and each such slot holds the leaf table for one 2 MiB region of address space
 * (bits 20..4 index its 131 072 words, 512 KiB). Nodes and leaves come from mg_os_alloc when
 * first needed, are installed with a compare-and-swap (readers take no lock) and are never
 * freed while the process runs; a leaf's pages cost memory only once touched. Address space
 * reserved is a quarter of the span of 2 MiB regions that held a tracked block.
 *
 * A leaf slot's low bit marks a leaf written since the last clear, so a clear gives back the
 * pages of those leaves only (madvise: they read as zeros again).
 *
 * Words are read and changed with atomic exchanges by whichever thread allocates or frees;
 * callers keep every change inside the capture's reader section (sync.c), so a clear (a
 * writer) never meets one half done.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracker_internal.h"

#define WORD_BYTES_BITS 4 /* a word per 16 bytes of address */
#define LEAF_BITS 21      /* a leaf covers 2 MiB of address space */
#define NODE_BITS 13
#define ROOT_BITS (MG_PAGEMAP_ADDRESS_BITS - LEAF_BITS - NODE_BITS)
#define LEAF_WORDS (1ull << (LEAF_BITS - WORD_BYTES_BITS))
#define LEAF_BYTES (LEAF_WORDS * sizeof(uint32_t))
#define NODE_SLOTS (1u << NODE_BITS)
#define ROOT_SLOTS (1u << ROOT_BITS)
#define WRITTEN_BIT ((uintptr_t)1)

/* A node: NODE_SLOTS leaf addresses, each with WRITTEN_BIT when written since the last clear. */
typedef struct node {
    uintptr_t leaves[NODE_SLOTS];
} node;

static node *roots[ROOT_SLOTS];
/* Every node made, for clears (a process touches a handful of 16 GiB ranges). */
#define NODE_LIST_CAPACITY 256
static node *node_list[NODE_LIST_CAPACITY];
static uint32_t node_list_count;
static int node_list_lock;

static node *node_of(uintptr_t address, int create) {
    node **root = &roots[(address >> (LEAF_BITS + NODE_BITS)) & (ROOT_SLOTS - 1)];
    node *found = __atomic_load_n(root, __ATOMIC_ACQUIRE);
    if (MG_LIKELY(found != NULL) || !create) return found;
    mg_spin_lock(&node_list_lock);
    found = __atomic_load_n(root, __ATOMIC_ACQUIRE);
    if (!found && node_list_count < NODE_LIST_CAPACITY) {
        found = mg_os_alloc(sizeof(node));
        if (found) {
            node_list[node_list_count++] = found;
            __atomic_store_n(root, found, __ATOMIC_RELEASE);
        }
    }
    mg_spin_unlock(&node_list_lock);
    return found;
}

/* The leaf slot of `address`'s region in its node. */
static inline uintptr_t *leaf_slot_of(node *parent, uintptr_t address) {
    return &parent->leaves[(address >> LEAF_BITS) & (NODE_SLOTS - 1)];
}

static inline uint32_t *word_in(uintptr_t leaf, uintptr_t address) {
    return (uint32_t *)(leaf & ~WRITTEN_BIT) + ((address >> WORD_BYTES_BITS) & (LEAF_WORDS - 1));
}

uint32_t *mg_pagemap_find(uintptr_t address) {
    node *parent = node_of(address, 0);
    if (!parent) return NULL;
    uintptr_t leaf = __atomic_load_n(leaf_slot_of(parent, address), __ATOMIC_ACQUIRE);
    return leaf ? word_in(leaf, address) : NULL;
}

uint32_t *mg_pagemap_word(uintptr_t address) {
    node *parent = node_of(address, 1);
    if (MG_UNLIKELY(!parent)) return NULL;
    uintptr_t *slot = leaf_slot_of(parent, address);
    uintptr_t leaf = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (MG_LIKELY(leaf & WRITTEN_BIT)) return word_in(leaf, address);
    if (!leaf) {
        void *fresh = mg_os_alloc(LEAF_BYTES);
        if (!fresh) return NULL;
        uintptr_t expected = 0;
        if (__atomic_compare_exchange_n(slot, &expected, (uintptr_t)fresh | WRITTEN_BIT, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return word_in((uintptr_t)fresh, address);
        mg_os_free(fresh, LEAF_BYTES); /* another thread made it first */
        leaf = expected;
    }
    if (!(leaf & WRITTEN_BIT)) __atomic_or_fetch(slot, WRITTEN_BIT, __ATOMIC_RELAXED);
    return word_in(leaf, address);
}

void mg_pagemap_clear(void) {
    for (uint32_t i = 0; i < node_list_count; i++) {
        node *parent = node_list[i];
        for (uint32_t j = 0; j < NODE_SLOTS; j++) {
            uintptr_t leaf = parent->leaves[j];
            if (!(leaf & WRITTEN_BIT)) continue;
            void *table = (void *)(leaf & ~WRITTEN_BIT);
            /* Private anonymous pages read as zeros after this, and cost nothing until touched. */
            if (syscall(SYS_madvise, table, LEAF_BYTES, MADV_DONTNEED) != 0) memset(table, 0, LEAF_BYTES);
            parent->leaves[j] = leaf & ~WRITTEN_BIT;
        }
    }
}

void mg_pagemap_after_fork(void) { node_list_lock = 0; }

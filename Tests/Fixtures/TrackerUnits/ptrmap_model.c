/* The tracker's pointer map (Sources/CMemgateTracker/ptrmap.c and pagemap.c, compiled in here)
 * against a plain model, operation by operation: 4 M random inserts, re-inserts (an address
 * handed out again without a free the tracker saw) and removes of present and absent
 * addresses, over dense runs of 16-byte blocks, sparse page-aligned blocks, 8-byte-aligned
 * blocks (no page-map word) and several 64 MiB regions (stripes), with blocks too large for a
 * word (kept in the hash table) and entries too wide to pack (64 TiB blocks, addresses above
 * 2^48) mixed in so the spill list is exercised, map clears between rounds, and the first
 * page-map tables refused. Prints "ok" and exits 0 when every answer matched.
 * Usage: ptrmap_model [operations] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "pagemap.c"
#include "ptrmap.c"

/* The first leaf tables asked for are refused, as under RLIMIT_AS: blocks go to the hash part
 * then, and must still be found once a later insert has made the table. */
static int leaf_refusals = 3;

void *mg_os_alloc(size_t bytes) {
    if (bytes == LEAF_BYTES && leaf_refusals > 0) {
        leaf_refusals--;
        return NULL;
    }
    void *address = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return address == MAP_FAILED ? NULL : address;
}

void mg_os_free(void *address, size_t bytes) { munmap(address, bytes); }

#define MODEL_SLOTS (1u << 20) /* distinct addresses the model can hold at once */

typedef struct model_entry {
    mg_ptr_entry entry;
    int live;
} model_entry;

static model_entry *model; /* indexed by the address's number in the pool below */
static uintptr_t *addresses;
static uint32_t address_count;
static uint64_t state = 88172645463325252ull;

static uint64_t next_random(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static int compare_addresses(const void *a, const void *b) {
    uintptr_t left = *(const uintptr_t *)a, right = *(const uintptr_t *)b;
    return left < right ? -1 : left > right;
}

/* The pool of addresses operations draw from, laid out like real heaps. */
static void make_addresses(void) {
    addresses = malloc(MODEL_SLOTS * sizeof *addresses);
    uintptr_t regions[4] = {0x555555560000ull, 0x7f0000000000ull, 0x7f0004000000ull, 0x7ffff0000000ull};
    while (address_count < MODEL_SLOTS - 64) {
        uintptr_t base = regions[next_random() % 4] + (next_random() % 4096) * 4096;
        uint32_t kind = next_random() % 3;
        uint32_t run = 1 + next_random() % 256;
        uintptr_t stride = kind == 0 ? 16 : kind == 1 ? 48 + 16 * (next_random() % 4) : 4096;
        /* One run in eight is 8-byte aligned (an allocator with 8-byte classes): no word. */
        uintptr_t offset = next_random() % 8 == 0 ? 8 : 0;
        for (uint32_t i = 0; i < run && address_count < MODEL_SLOTS - 64; i++)
            addresses[address_count++] = base + offset + i * stride;
    }
    /* Runs may overlap: keep each address once, so the model has one entry per address. */
    qsort(addresses, address_count, sizeof *addresses, compare_addresses);
    uint32_t unique = 0;
    for (uint32_t i = 0; i < address_count; i++) {
        if (unique == 0 || addresses[unique - 1] != addresses[i]) addresses[unique++] = addresses[i];
    }
    address_count = unique;
    /* Addresses above 2^48 (5-level paging): never packed. */
    for (uint32_t i = 0; i < 32; i++) addresses[address_count++] = (1ull << 50) + i * 4096;
}

static int same(const mg_ptr_entry *a, const mg_ptr_entry *b) {
    return a->address == b->address && a->bytes == b->bytes && a->stack_index == b->stack_index &&
           mg_ptr_counted_in(a, b->generation);
}

static int fail(const char *what, uint64_t operation) {
    printf("mismatch: %s at operation %llu\n", what, (unsigned long long)operation);
    fflush(stdout);
    return 1;
}

int main(int argc, char **argv) {
    uint64_t operations = argc > 1 ? strtoull(argv[1], NULL, 10) : 4000000;
    model = calloc(MODEL_SLOTS, sizeof *model);
    make_addresses();
    uint32_t generation = 1;
    mg_ptrmap_clear(generation);
    uint64_t spilled = 0, replaced_count = 0, removed_count = 0;
    for (uint64_t operation = 0; operation < operations; operation++) {
        if (operation % 1000000 == 999999) { /* a new capture: the map starts empty */
            generation += 1 + (uint32_t)(next_random() % 70000); /* crosses 16-bit boundaries */
            mg_ptrmap_clear(generation);
            for (uint32_t i = 0; i < address_count; i++) model[i].live = 0;
        }
        /* Mostly the dense part of the pool; now and then the wide addresses at its end. */
        uint32_t index = next_random() % 500 == 0 ? address_count - 1 - (uint32_t)(next_random() % 32)
                                                  : (uint32_t)(next_random() % (address_count - 32));
        model_entry *expected = &model[index];
        mg_ptr_entry got;
        if (next_random() % 2) {
            int wide = next_random() % 400 == 0;
            /* Mostly small blocks; one in 16 too large for a page-map word (around its limit). */
            uint64_t bytes = next_random() % 16 == 0 ? 8000 + next_random() % 400 : next_random() % 4096;
            mg_ptr_entry entry = {addresses[index], wide ? (70ull << 40) + next_random() % 1000 : bytes,
                                  (uint32_t)(next_random() % (1u << 18)), generation};
            spilled += wide || entry.address > ADDRESS_MASK;
            int status = mg_ptrmap_insert(&entry, &got);
            if (status < 0) {
                /* Only a wide entry meeting a full spill list is refused; the address is then
                 * tracked no more (its earlier entry, if any, is gone too). */
                if (packs(&entry) || spill_used < SPILL_CAPACITY) return fail("insert refused", operation);
                expected->live = 0;
                continue;
            }
            if (status != expected->live) return fail("insert: replaced or not", operation);
            if (status == 1 && !same(&got, &expected->entry)) return fail("insert: replaced entry", operation);
            replaced_count += status;
            expected->entry = entry;
            expected->live = 1;
        } else {
            int status = mg_ptrmap_remove(addresses[index], &got);
            if (status != expected->live) return fail("remove: found or not", operation);
            if (status == 1 && !same(&got, &expected->entry)) return fail("remove: entry", operation);
            removed_count += status;
            expected->live = 0;
        }
    }
    /* Everything still live is found, then the map is empty. */
    for (uint32_t i = 0; i < address_count; i++) {
        mg_ptr_entry got;
        int status = mg_ptrmap_remove(addresses[i], &got);
        if (status != model[i].live || (status && !same(&got, &model[i].entry))) return fail("final sweep", operations);
    }
    for (uint32_t i = 0; i < STRIPES; i++) {
        if (stripes[i].used != 0) return fail("a stripe not empty after the sweep", operations);
    }
    if (spill_used != 0) return fail("spill list not empty after the sweep", operations);
    printf("ok: %llu operations, %llu replaced, %llu removed, %llu wide entries\n", (unsigned long long)operations,
           (unsigned long long)replaced_count, (unsigned long long)removed_count, (unsigned long long)spilled);
    return 0;
}

/*
 * Who may change the capture at once: a reader/writer scheme shaped for the hot path.
 *
 * Readers are allocation events. Each thread announces itself in its own slot (one cache line
 * per thread, so entering and leaving touch no line another thread writes) and then applies its
 * event with atomic adds, so threads on different cores run their events side by side. The
 * writer is everything that needs the capture still: a new peak's snapshot of every stack, a
 * section that must grow (its mapping may move), a region change, fork. It sets `writer_wants`
 * and waits until no slot is inside an event; readers that see the flag step back until the
 * writer is done. The store-then-load on each side is the Dekker handshake that makes this
 * exact: a reader either sees the flag or the writer sees the reader.
 *
 * A thread gets a slot at its first event and gives it back at exit; when every slot is
 * taken, threads share one counter instead (correct, only slower).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "tracker_internal.h"

static mg_thread_slot slots[MG_THREAD_SLOTS];
static uint32_t slots_in_use_bound; /* every claimed slot's index is below this */
static volatile uint32_t shared_active __attribute__((aligned(64))); /* threads without a slot */
static volatile int writer_wants __attribute__((aligned(64)));
static pthread_mutex_t writer_mutex = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;

static MG_TLS mg_thread_slot *own_slot;
static MG_TLS int slot_claim_failed;
static pthread_key_t slot_key;
static pthread_once_t slot_key_once = PTHREAD_ONCE_INIT;

static void release_slot(void *value) {
    mg_thread_slot *slot = value;
    if (!slot || slot->owner != pthread_self()) return;
    int saved_guard = mg_in_tracker;
    mg_in_tracker = 1;
    mg_sync_write_lock();
    mg_capture_fold_slot(slot);
    /* Stacks it touched since the last peak are found by a full scan at the next one. */
    if (slot->touched_count || slot->touched_overflow) mg_sync_touched_lost = 1;
    slot->touched_count = 0;
    slot->touched_overflow = 0;
    slot->owner = 0;
    __atomic_store_n(&slot->claimed, 0, __ATOMIC_RELEASE);
    mg_sync_write_unlock();
    own_slot = NULL;
    mg_in_tracker = saved_guard;
}

static void make_slot_key(void) { pthread_key_create(&slot_key, release_slot); }

static mg_thread_slot *claim_slot(void) {
    pthread_once(&slot_key_once, make_slot_key);
    for (uint32_t i = 0; i < MG_THREAD_SLOTS; i++) {
        mg_thread_slot *slot = &slots[i];
        uint32_t expected = 0;
        if (__atomic_load_n(&slot->claimed, __ATOMIC_RELAXED) ||
            !__atomic_compare_exchange_n(&slot->claimed, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            continue;
        if (!slot->touched) slot->touched = mg_os_alloc(MG_TOUCHED_CAPACITY * sizeof(uint32_t));
        if (!slot->walk_memo) slot->walk_memo = mg_os_alloc(sizeof(mg_walk_memo));
        if (!slot->stack_memo) slot->stack_memo = mg_os_alloc(sizeof(mg_stack_memo));
        if (!slot->pending) slot->pending = mg_os_alloc(MG_PENDING_STACKS * sizeof(mg_stack_pending));
        if (!slot->touched || !slot->walk_memo || !slot->stack_memo || !slot->pending) {
            __atomic_store_n(&slot->claimed, 0, __ATOMIC_RELEASE);
            return NULL;
        }
        slot->owner = pthread_self();
        uint32_t bound = __atomic_load_n(&slots_in_use_bound, __ATOMIC_RELAXED);
        while (bound < i + 1 &&
               !__atomic_compare_exchange_n(&slots_in_use_bound, &bound, i + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        }
        pthread_setspecific(slot_key, slot);
        return slot;
    }
    return NULL;
}

int mg_sync_touched_lost;

mg_thread_slot *mg_sync_own_slot(void) {
    mg_thread_slot *slot = own_slot;
    if (MG_UNLIKELY(!slot) && !slot_claim_failed) {
        slot = own_slot = claim_slot();
        slot_claim_failed = slot == NULL;
    }
    return slot;
}

mg_thread_slot *mg_sync_read_enter(void) {
    mg_thread_slot *slot = mg_sync_own_slot();
    uint32_t spins = 0;
    for (;;) {
        if (MG_LIKELY(slot != NULL)) {
            __atomic_store_n(&slot->active, 1, __ATOMIC_SEQ_CST);
        } else {
            __atomic_add_fetch(&shared_active, 1, __ATOMIC_SEQ_CST);
        }
        if (MG_LIKELY(!__atomic_load_n(&writer_wants, __ATOMIC_SEQ_CST))) return slot;
        mg_sync_read_exit(slot);
        while (__atomic_load_n(&writer_wants, __ATOMIC_ACQUIRE)) mg_spin_wait(&spins, 256);
    }
}

void mg_sync_read_exit(mg_thread_slot *slot) {
    if (MG_LIKELY(slot != NULL)) {
        __atomic_store_n(&slot->active, 0, __ATOMIC_RELEASE);
    } else {
        __atomic_sub_fetch(&shared_active, 1, __ATOMIC_RELEASE);
    }
}

void mg_sync_write_lock(void) {
    pthread_mutex_lock(&writer_mutex);
    __atomic_store_n(&writer_wants, 1, __ATOMIC_SEQ_CST);
    uint32_t bound = __atomic_load_n(&slots_in_use_bound, __ATOMIC_ACQUIRE);
    uint32_t spins = 0;
    for (uint32_t i = 0; i < bound; i++) {
        while (__atomic_load_n(&slots[i].active, __ATOMIC_ACQUIRE)) mg_spin_wait(&spins, 256);
    }
    while (__atomic_load_n(&shared_active, __ATOMIC_ACQUIRE)) mg_spin_wait(&spins, 256);
}

int mg_sync_write_trylock(uint32_t max_spins) {
    if (pthread_mutex_trylock(&writer_mutex) != 0) return -1;
    __atomic_store_n(&writer_wants, 1, __ATOMIC_SEQ_CST);
    uint32_t bound = __atomic_load_n(&slots_in_use_bound, __ATOMIC_ACQUIRE);
    uint32_t spins = 0;
    for (uint32_t i = 0; i <= bound; i++) {
        volatile uint32_t *active = i < bound ? &slots[i].active : &shared_active;
        while (__atomic_load_n(active, __ATOMIC_ACQUIRE)) {
            if (++spins > max_spins) {
                mg_sync_write_unlock();
                return -1;
            }
            sched_yield();
        }
    }
    return 0;
}

void mg_sync_write_unlock(void) {
    __atomic_store_n(&writer_wants, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&writer_mutex);
}

mg_thread_slot *mg_sync_slot(uint32_t index) {
    return index < __atomic_load_n(&slots_in_use_bound, __ATOMIC_ACQUIRE) ? &slots[index] : NULL;
}

/* In a fork child only the forking thread exists: every other slot is free again, and the
 * writer lock, held across the fork by the parent's before-fork handler, is made anew. */
void mg_sync_after_fork(void) {
    pthread_t self = pthread_self();
    for (uint32_t i = 0; i < MG_THREAD_SLOTS; i++) {
        slots[i].active = 0;
        if (slots[i].owner != self) {
            slots[i].owner = 0;
            slots[i].claimed = 0;
        }
        slots[i].touched_count = 0;
        slots[i].touched_overflow = 0;
        slots[i].total_bytes = 0;
        slots[i].alloc_count = 0;
        slots[i].free_count = 0;
        /* Changes to the parent's capture: the child's starts anew. */
        if (slots[i].pending) memset(slots[i].pending, 0, MG_PENDING_STACKS * sizeof(mg_stack_pending));
    }
    shared_active = 0;
    writer_wants = 0;
    mg_sync_touched_lost = 1;
    pthread_mutexattr_t adaptive;
    pthread_mutexattr_init(&adaptive);
    pthread_mutexattr_settype(&adaptive, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&writer_mutex, &adaptive);
    pthread_mutexattr_destroy(&adaptive);
}

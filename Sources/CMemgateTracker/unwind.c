/*
 * Fast native unwinding by learned per-return-address rules.
 *
 * libunwind reads DWARF CFI for every frame of every allocation, which dominates tracking
 * cost. But the way to step out of a function at a given return address never changes:
 * either the function keeps a frame pointer there (CFA = rbp + 16, caller's rbp at [rbp]),
 * or its frame has a fixed size at that call site (CFA = rsp + k; rbp untouched or saved at
 * a fixed slot). So the first time an address is seen, the full libunwind walk is done and
 * each step's rule is derived from the registers before and after it and cached; later
 * stacks through known addresses are walked with plain loads. Any address without a rule
 * sends the allocation back to libunwind, and one fast walk in 1024 is checked against
 * libunwind: on any difference the fast path is switched off for good (correctness first).
 *
 * Rules are inserted under a spinlock (slow path only) and published with a release store
 * of the key; readers take no lock. MEMGATE_UNWIND=libunwind disables the fast path.
 *
 * The rules are x86-64's: rbp as frame pointer, CFA = rbp + 16, rbp's save slot asked of
 * libunwind by its x86-64 register number. On any other architecture (aarch64, where the frame
 * record need not sit at the top of the frame) the fast path is compiled out and libunwind walks
 * every stack; -DMEMGATE_LIBUNWIND_ONLY builds that fallback on x86-64 too, so it is tested.
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracker_internal.h"

#if defined(__x86_64__) && !defined(MEMGATE_LIBUNWIND_ONLY)
#define MG_LEARNED_RULES 1
#else
#define MG_LEARNED_RULES 0
#endif

#define RULE_SLOTS (1u << 18)
#define RULE_FRAME_POINTER 1ull
#define RULE_FIXED_FRAME 2ull
#define RULE_OUTERMOST 3ull
#define MAX_LEARN_FRAMES (MG_MAX_FRAMES + 32)
/* A thread's fast walks are checked against libunwind's every CHECK_FIRST walks at first; each
 * check that agrees doubles the interval, up to CHECK_LAST, and a walk that had to learn rules
 * starts it over. A check costs libunwind's walk and two sigprocmask calls per frame (its
 * cache lock): at every 1 024th walk, 17 % of a native churn's time. */
#define CHECK_FIRST 1024u
#define CHECK_LAST 32768u

typedef struct rule_slot {
    uint64_t address; /* return address; 0 = empty; published last */
    uint64_t rule;    /* kind | cfa offset << 2 | rbp saved << 32 | rbp slot << 33 */
} rule_slot;

static rule_slot *rules;
static int rules_lock;            /* spinlock for inserts (mg_spin_lock) */
/* Bumped whenever a rule is forgotten or relearned: every thread's walk memo is then stale. */
static uint32_t rules_version = 1;
static int fast_path_enabled = 1; /* cleared for good when a check disagrees */
/* Walks of threads without a slot (MG_WALK_*; shallow: stacks left unwalked for lack of stack
 * headroom). Threads with a slot count in it, so walks on two cores share no counter line. */
static uint64_t unslotted_walks[MG_WALK_KINDS];
static uintptr_t self_start, self_end;

static MG_TLS uintptr_t stack_low;
static MG_TLS uintptr_t stack_high;

void mg_unwind_init(uintptr_t library_start, uintptr_t library_end) {
    self_start = library_start;
    self_end = library_end;
#if MG_LEARNED_RULES
    const char *mode = getenv("MEMGATE_UNWIND");
    if (mode && strcmp(mode, "libunwind") == 0) fast_path_enabled = 0;
    rules = mg_os_alloc(RULE_SLOTS * sizeof(rule_slot));
    if (!rules) fast_path_enabled = 0;
#else
    /* No learned rules for this architecture: libunwind walks every stack. fast_path_enabled
     * stays 1, since the header's fast_unwind_off means "a self-check found a rule wrong". */
#endif
}

static inline int in_self(uintptr_t address) { return address >= self_start && address < self_end; }

#if MG_LEARNED_RULES
static inline uint64_t slot_of(uint64_t address) { return (address * 0x9E3779B97F4A7C15ull >> 40) & (RULE_SLOTS - 1); }

static uint64_t find_rule(uint64_t address) {
    for (uint64_t slot = slot_of(address), probes = 0; probes < 64; slot = (slot + 1) & (RULE_SLOTS - 1), probes++) {
        uint64_t key = __atomic_load_n(&rules[slot].address, __ATOMIC_ACQUIRE);
        if (key == address) return rules[slot].rule;
        if (key == 0) return 0;
    }
    return 0;
}

static void store_rule(uint64_t address, uint64_t rule) {
    mg_spin_lock(&rules_lock); /* inserts are rare */
    for (uint64_t slot = slot_of(address), probes = 0; probes < 64; slot = (slot + 1) & (RULE_SLOTS - 1), probes++) {
        if (rules[slot].address == address) {
            if (rules[slot].rule != rule) {
                /* Relearned, e.g. after its library was closed and another loaded: walk memos go. */
                __atomic_store_n(&rules[slot].rule, rule, __ATOMIC_RELEASE);
                __atomic_add_fetch(&rules_version, 1, __ATOMIC_RELEASE);
            }
            break;
        }
        if (rules[slot].address == 0) {
            rules[slot].rule = rule;
            __atomic_store_n(&rules[slot].address, address, __ATOMIC_RELEASE);
            break;
        }
    }
    mg_spin_unlock(&rules_lock);
}
#endif

/* Forgets the rules learned for return addresses in [start, end): a library closed with
 * dlclose may be replaced by another at the same addresses. Rule 0 sends those addresses back
 * to libunwind, which relearns them. Rare (dlclose), so a scan of the table is fine. */
void mg_unwind_forget_range(uintptr_t start, uintptr_t end) {
    if (!rules) return;
    mg_spin_lock(&rules_lock); /* inserts are rare */
    for (uint64_t slot = 0; slot < RULE_SLOTS; slot++) {
        uint64_t address = __atomic_load_n(&rules[slot].address, __ATOMIC_ACQUIRE);
        if (address >= start && address < end) __atomic_store_n(&rules[slot].rule, 0, __ATOMIC_RELEASE);
    }
    __atomic_add_fetch(&rules_version, 1, __ATOMIC_RELEASE);
    mg_spin_unlock(&rules_lock);
}

/* Stack bounds are learned outside the hooks only (the tracker's constructor for the main
 * thread, the pthread_create trampoline for the others): pthread_getattr_np allocates and takes
 * the thread's lock, so calling it from inside malloc deadlocks any program that allocates
 * while holding that lock (Rust's and the JVM's own pthread_getattr_np calls do). A thread whose
 * bounds are unknown (raw clone) is walked by libunwind alone. */
void mg_unwind_learn_thread_stack(void) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
    void *base = NULL;
    size_t size = 0;
    int status = pthread_attr_getstack(&attributes, &base, &size);
    pthread_attr_destroy(&attributes);
    if (status != 0 || !base) return;
    stack_low = (uintptr_t)base;
    stack_high = (uintptr_t)base + size;
}

static inline int thread_stack_known(void) { return stack_high != 0; }

/* Bytes of stack left below the caller's frame, or SIZE_MAX when the bounds are unknown. */
static inline size_t stack_headroom(void) {
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (!thread_stack_known()) return SIZE_MAX;
    return here > stack_low ? here - stack_low : 0;
}

#if MG_LEARNED_RULES
static inline int on_stack(uintptr_t address) {
    return address >= stack_low && address + 8 <= stack_high && (address & 7) == 0;
}

/* Derives the rule that steps from frame (sp, bp) at `ip` to its caller (next_sp, next_bp).
 * `saved_slot` is where libunwind found the caller's rbp in this frame (0: not saved here). */
static uint64_t derive_rule(uintptr_t sp, uintptr_t bp, uintptr_t next_sp, uintptr_t next_bp, uintptr_t saved_slot) {
    if (next_sp <= sp || next_sp - sp >= (1u << 29) || !on_stack(sp) || !on_stack(next_sp - 8)) return 0;
    if (bp + 16 == next_sp && on_stack(bp) && *(uintptr_t *)bp == next_bp) return RULE_FRAME_POINTER;
    uint64_t offset = next_sp - sp;
    if (saved_slot) {
        if (saved_slot < sp || saved_slot + 8 > next_sp || *(uintptr_t *)saved_slot != next_bp) return 0;
        return RULE_FIXED_FRAME | offset << 2 | 1ull << 32 | (uint64_t)(next_sp - saved_slot) << 33;
    }
    return next_bp == bp ? (RULE_FIXED_FRAME | offset << 2) : 0;
}

/* Memory address rbp was loaded from for the cursor's frame, or 0. */
static uintptr_t rbp_location(unw_cursor_t *cursor) {
    unw_save_loc_t location;
    if (unw_get_save_loc(cursor, UNW_X86_64_RBP, &location) != 0 || location.type != UNW_SLT_MEMORY) return 0;
    return (uintptr_t)location.u.addr;
}
#endif

/* The full libunwind walk; learns a rule for every step. Returns frames outside the tracker. */
/* libunwind's own fast trace, when there is nothing to learn. */
static int plain_backtrace(uint64_t *frames, int capacity) {
    void *addresses[MAX_LEARN_FRAMES];
    int count = unw_backtrace(addresses, MAX_LEARN_FRAMES);
    int depth = 0;
    for (int i = 0; i < count && depth < capacity; i++) {
        uintptr_t ip = (uintptr_t)addresses[i];
        if (!in_self(ip)) frames[depth++] = ip;
    }
    return depth;
}

#if MG_LEARNED_RULES
static int mg_unwind_slow(uint64_t *frames, int capacity) {
    int learn = fast_path_enabled && thread_stack_known();
    if (!learn) return plain_backtrace(frames, capacity);
    unw_context_t context;
    unw_cursor_t cursor;
    if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0) return 0;
    int depth = 0;
    for (int level = 0; level < MAX_LEARN_FRAMES; level++) {
        unw_word_t ip = 0, sp = 0, bp = 0;
        unw_get_reg(&cursor, UNW_REG_IP, &ip);
        unw_get_reg(&cursor, UNW_REG_SP, &sp);
        unw_get_reg(&cursor, UNW_X86_64_RBP, &bp);
        if (ip == 0) break;
        int outside = !in_self(ip);
        if (outside && depth < capacity) frames[depth++] = ip;
        uintptr_t rbp_before = learn ? rbp_location(&cursor) : 0;
        int stepped = unw_step(&cursor);
        if (!learn) {
            if (stepped <= 0) break;
            continue;
        }
        if (stepped <= 0) {
            if (stepped == 0) store_rule(ip, RULE_OUTERMOST);
            break;
        }
        unw_word_t next_sp = 0, next_bp = 0;
        unw_get_reg(&cursor, UNW_REG_SP, &next_sp);
        unw_get_reg(&cursor, UNW_X86_64_RBP, &next_bp);
        uintptr_t rbp_after = rbp_location(&cursor);
        uintptr_t saved_slot = rbp_after != rbp_before ? rbp_after : 0;
        uint64_t rule = derive_rule(sp, bp, next_sp, next_bp, saved_slot);
        if (rule) store_rule(ip, rule);
    }
    return depth;
}

#else
static int mg_unwind_slow(uint64_t *frames, int capacity) { return plain_backtrace(frames, capacity); }
#endif

#if MG_LEARNED_RULES
/* Walks with cached rules only; -1 when an address has no rule (or looks wrong).
 *
 * `memo` is the thread's last fast walk, step by step (in its slot): the return address met at
 * that step and its rule. A program allocating in a loop walks the same addresses again and
 * again, and the shared rule table (4 MiB) is a cache miss per frame; the memo is a few lines of
 * the thread's own. Only a rule's lookup is saved: every step still reads the stack.
 *
 * Invariant: `sp` is an 8-aligned address in [low, high). Each step checks only what keeps it:
 * a frame-pointer frame's rbp must lie in [sp, high - 16], a fixed frame's next sp above sp and
 * at most `high`. The bounds and the memo are read into locals once: stores to `frames` could
 * alias them, and the compiler would reload them at every step. */
static int unwind_fast(mg_walk_memo *memo, uint64_t *frames, int capacity) {
    if (!thread_stack_known()) return -1;
    const uintptr_t low = stack_low, high = stack_high, self_low = self_start, self_size = self_end - self_start;
    uint32_t version = __atomic_load_n(&rules_version, __ATOMIC_ACQUIRE);
    if (MG_UNLIKELY(memo && memo->version != version)) {
        memset(memo->address, 0, sizeof memo->address);
        memo->version = version;
    }
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uintptr_t ip = 0, sp = 0, bp = 0;
    /* Our own frames all keep frame pointers: climb them to the first caller outside. */
    for (int guard = 0; guard < 64; guard++) {
        if (fp < low || fp > high - 16 || (fp & 7)) return -1;
        uintptr_t return_address = ((uintptr_t *)fp)[1];
        if (return_address - self_low >= self_size) {
            ip = return_address;
            sp = fp + 16;
            bp = ((uintptr_t *)fp)[0];
            break;
        }
        fp = ((uintptr_t *)fp)[0];
    }
    if (!ip) return -1;
    /* A thread without a slot (every slot taken) has no memo: each step asks the shared table. */
    uint64_t *memo_address = memo ? memo->address : NULL, *memo_rules = memo ? memo->rule : NULL;
    const int memo_steps = memo ? MG_MEMO_STEPS : 0;
    int depth = 0;
    for (int step = 0; depth < capacity; step++) {
        frames[depth] = ip;
        depth += ip - self_low >= self_size; /* the tracker's own frames are not kept */
        uint64_t rule;
        if (MG_LIKELY(step < memo_steps && memo_address[step] == ip)) {
            rule = memo_rules[step];
        } else {
            rule = find_rule(ip);
            if (rule && step < memo_steps) {
                memo_address[step] = ip;
                memo_rules[step] = rule;
            }
        }
        uintptr_t next_sp;
        uint64_t kind = rule & 3;
        if (MG_LIKELY(kind == RULE_FRAME_POINTER)) {
            if (bp < sp || bp > high - 16 || (bp & 7)) return -1;
            next_sp = bp + 16;
            bp = *(uintptr_t *)bp;
        } else if (kind == RULE_FIXED_FRAME) {
            next_sp = sp + ((rule >> 2) & ((1u << 30) - 1));
            if (next_sp <= sp || next_sp > high || (next_sp & 7)) return -1;
            if (rule >> 32 & 1) {
                uintptr_t slot = next_sp - (rule >> 33);
                if (slot < sp || slot > next_sp - 8 || (slot & 7)) return -1;
                bp = *(uintptr_t *)slot;
            }
        } else {
            return kind == RULE_OUTERMOST ? depth : -1;
        }
        ip = *(uintptr_t *)(next_sp - 8);
        sp = next_sp;
        if (ip == 0) return depth;
    }
    return depth;
}
#endif

/* Below this much stack, only the fast walk runs: libunwind's context, cursor and DWARF
 * parsing take several KiB, more than a thread made with PTHREAD_STACK_MIN may have left. */
#define MIN_HEADROOM_FOR_LIBUNWIND (32u * 1024u)

#if MG_LEARNED_RULES
/* Compares a fast walk with libunwind's; on any difference the fast path is off for good.
 * Out of line so its buffer is on the stack only while a check runs. */
static __attribute__((noinline)) int check_fast_walk(uint64_t *frames, int depth, int capacity) {
    uint64_t expected[MG_MAX_FRAMES];
    int expected_depth = mg_unwind_slow(expected, capacity);
    if (expected_depth == depth && memcmp(expected, frames, (size_t)depth * sizeof(uint64_t)) == 0) return depth;
    fast_path_enabled = 0; /* a learned rule was wrong somewhere: libunwind only from now on */
    memcpy(frames, expected, (size_t)expected_depth * sizeof(uint64_t));
    return expected_depth;
}
#endif

/* Whether this fast walk is one that libunwind checks. Threads without a slot (no memo) keep
 * checking every CHECK_FIRST walks. */
static inline int due_for_check(mg_walk_memo *memo) {
    static uint32_t unslotted_since_check;
    if (!memo) return __atomic_add_fetch(&unslotted_since_check, 1, __ATOMIC_RELAXED) % CHECK_FIRST == 0;
    uint32_t interval = memo->check_interval ? memo->check_interval : CHECK_FIRST;
    if (++memo->fast_walks_since_check < interval) return 0;
    memo->fast_walks_since_check = 0;
    /* Doubled now; if this check disagrees the fast path is off for good anyway. */
    memo->check_interval = interval < CHECK_LAST ? interval * 2 : CHECK_LAST;
    return 1;
}

static inline void count_walk(mg_thread_slot *slot, int kind) {
    if (MG_LIKELY(slot != NULL)) {
        __atomic_store_n(&slot->walks[kind], slot->walks[kind] + 1, __ATOMIC_RELAXED);
    } else {
        __atomic_add_fetch(&unslotted_walks[kind], 1, __ATOMIC_RELAXED);
    }
}

int mg_unwind(uint64_t *frames, int capacity) {
    int roomy = stack_headroom() >= MIN_HEADROOM_FOR_LIBUNWIND;
    mg_thread_slot *slot = mg_sync_own_slot();
#if MG_LEARNED_RULES
    mg_walk_memo *memo = slot ? slot->walk_memo : NULL;
    if (fast_path_enabled) {
        int depth = unwind_fast(memo, frames, capacity);
        if (depth >= 0) {
            count_walk(slot, MG_WALK_FAST);
            if (!roomy || !due_for_check(memo)) return depth;
            return check_fast_walk(frames, depth, capacity);
        }
    }
#endif
    if (!roomy) {
        count_walk(slot, MG_WALK_SHALLOW);
        return 0; /* no room to unwind safely: the allocation is counted without native frames */
    }
    count_walk(slot, MG_WALK_SLOW);
#if MG_LEARNED_RULES
    if (memo) memo->check_interval = CHECK_FIRST; /* new rules were learned: check them soon */
#endif
    return mg_unwind_slow(frames, capacity);
}

/* Walks so far: the sum over every slot (their owners only add) and the unslotted counters. */
void mg_unwind_counters(uint64_t *fast, uint64_t *slow, uint64_t *shallow, int *fast_enabled) {
    uint64_t sums[MG_WALK_KINDS];
    for (int kind = 0; kind < MG_WALK_KINDS; kind++) sums[kind] = __atomic_load_n(&unslotted_walks[kind], __ATOMIC_RELAXED);
    for (uint32_t i = 0;; i++) {
        mg_thread_slot *slot = mg_sync_slot(i);
        if (!slot) break;
        for (int kind = 0; kind < MG_WALK_KINDS; kind++) sums[kind] += __atomic_load_n(&slot->walks[kind], __ATOMIC_RELAXED);
    }
    *fast = sums[MG_WALK_FAST];
    *slow = sums[MG_WALK_SLOW];
    *shallow = sums[MG_WALK_SHALLOW];
    *fast_enabled = fast_path_enabled;
}

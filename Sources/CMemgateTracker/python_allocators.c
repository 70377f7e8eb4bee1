/*
 * Python objects at their requested size while pymalloc keeps its speed: the interpreter's MEM
 * and OBJ allocator domains (PyMem_Malloc, PyObject_Malloc and friends) are wrapped with
 * PyMem_SetAllocator, resolved with dlsym (no link-time dependency on libpython). Each wrapper
 * calls the allocator it replaced with the tracker's guard set, so the arenas pymalloc maps and
 * the large blocks it takes from malloc are not recorded a second time, then records the block
 * it got at the size the interpreter asked for. Frees are matched through the one pointer map
 * whichever path they take (a block from PyObject_Malloc freed by free() is still found).
 *
 * The RAW domain is left alone: it is malloc underneath and the libc hooks see it exactly.
 *
 * The domains are wrapped in the tracker's constructor, before the interpreter starts, so a
 * whole-process capture sees the interpreter's own start-up as it did with PYTHONMALLOC=malloc;
 * memgate_python_install wraps them again if start-up replaced them (PYTHONMALLOC=debug, -X dev).
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "tracker_internal.h"

/* PyMemAllocatorEx, as in CPython's Include/cpython/pymem.h (stable since 3.5). */
typedef struct memory_allocator {
    void *context;
    void *(*malloc)(void *context, size_t bytes);
    void *(*calloc)(void *context, size_t count, size_t size);
    void *(*realloc)(void *context, void *old, size_t bytes);
    void (*free)(void *context, void *address);
} memory_allocator;

enum { DOMAIN_RAW, DOMAIN_MEM, DOMAIN_OBJ, DOMAIN_COUNT };

/* The allocators the wrappers replaced, one per domain; each wrapper gets its own as context. */
static memory_allocator wrapped[DOMAIN_COUNT];

static void *domain_malloc(void *context, size_t bytes) {
    const memory_allocator *original = context;
    if (MG_LIKELY(!mg_python_allocation_tracked())) return original->malloc(original->context, bytes);
    mg_in_tracker = 1;
    void *address = original->malloc(original->context, bytes);
    if (address) mg_track_python_alloc(address, bytes);
    mg_in_tracker = 0;
    return address;
}

static void *domain_calloc(void *context, size_t count, size_t size) {
    const memory_allocator *original = context;
    if (MG_LIKELY(!mg_python_allocation_tracked())) return original->calloc(original->context, count, size);
    mg_in_tracker = 1;
    void *address = original->calloc(original->context, count, size);
    /* A non-NULL result means count * size did not overflow. */
    if (address) mg_track_python_alloc(address, count * size);
    mg_in_tracker = 0;
    return address;
}

static void *original_realloc(void *context, void *old, size_t bytes) {
    const memory_allocator *original = context;
    return original->realloc(original->context, old, bytes);
}

static void *domain_realloc(void *context, void *old, size_t bytes) {
    /* Frees are matched whichever thread makes them, so only "inside the tracker" and "not
     * tracking" pass straight through; a thread the region does not count still frees `old`. */
    if (MG_LIKELY(!mg_tracking) || mg_in_tracker) return original_realloc(context, old, bytes);
    return mg_track_python_realloc(original_realloc, context, old, bytes);
}

static void domain_free(void *context, void *address) {
    const memory_allocator *original = context;
    if (MG_LIKELY(!mg_tracking) || mg_in_tracker || !address) {
        original->free(original->context, address);
        return;
    }
    mg_in_tracker = 1;
    mg_record_free(address, 0); /* before the block can be handed out again */
    original->free(original->context, address);
    mg_in_tracker = 0;
}

int mg_python_wrap_allocators(void) {
    void (*get_allocator)(int, memory_allocator *) =
        (void (*)(int, memory_allocator *))dlsym(RTLD_DEFAULT, "PyMem_GetAllocator");
    void (*set_allocator)(int, memory_allocator *) =
        (void (*)(int, memory_allocator *))dlsym(RTLD_DEFAULT, "PyMem_SetAllocator");
    if (!get_allocator || !set_allocator) return -1;
    for (int domain = DOMAIN_MEM; domain <= DOMAIN_OBJ; domain++) {
        memory_allocator current;
        get_allocator(domain, &current);
        if (current.malloc == domain_malloc) continue; /* already ours */
        wrapped[domain] = current;
        memory_allocator wrapper = {&wrapped[domain], domain_malloc, domain_calloc, domain_realloc, domain_free};
        set_allocator(domain, &wrapper);
    }
    return 0;
}

/*
 * The process tree's combined live bytes. A target is its whole process tree: every tracked
 * process (the root, children it forks, programs they exec) writes its own capture, and all
 * of them add their live bytes into one MAP_SHARED page so the tree's high-water mark is
 * exact, not a sum of per-process peaks that may never have coincided.
 *
 * The page is a small file beside the root's capture (`<capture>.tree`), opened by path and
 * mapped, its descriptor closed at once. Writers:
 *   - the root counts its own live bytes here (`root_live`, atomic adds: it is the counter its
 *     threads record with, see capture.c);
 *   - children add their deltas to `children_live` with atomic adds;
 *   - after each change a writer raises `peak` to root_live + children_live with a CAS loop.
 * While no child has ever joined, the root skips the CAS: its own peak is the tree's peak.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memgate_capture_format.h"
#include "tracker_internal.h"

static mg_tree *tree;

int mg_tree_attach(const char *path, int create) {
    int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (fd < 0) return -1;
    off_t size = lseek(fd, 0, SEEK_END);
    int ok = size >= (off_t)MG_TREE_BYTES || (create && ftruncate(fd, MG_TREE_BYTES) == 0);
    void *page = ok ? mmap(NULL, MG_TREE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd); /* never keep a descriptor the target can close or reuse */
    if (page == MAP_FAILED) return -1;
    tree = page;
    if (create && memcmp(tree->magic, MG_TREE_MAGIC, 8) != 0) memcpy(tree->magic, MG_TREE_MAGIC, 8);
    return memcmp(tree->magic, MG_TREE_MAGIC, 8) == 0 ? 0 : -1;
}

int mg_tree_attached(void) { return tree != NULL; }

static void raise_peak(void) {
    int64_t total = __atomic_load_n(&tree->root_live, __ATOMIC_RELAXED) +
                    __atomic_load_n(&tree->children_live, __ATOMIC_RELAXED);
    int64_t seen = __atomic_load_n(&tree->peak, __ATOMIC_RELAXED);
    while (total > seen &&
           !__atomic_compare_exchange_n(&tree->peak, &seen, total, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

int64_t *mg_tree_root_counter(void) { return tree ? &tree->root_live : NULL; }

void mg_tree_root_changed(void) {
    if (tree && __atomic_load_n(&tree->children_ever, __ATOMIC_RELAXED)) raise_peak();
}

void mg_tree_child_add(int64_t delta) {
    if (!tree) return;
    __atomic_add_fetch(&tree->children_live, delta, __ATOMIC_RELAXED);
    raise_peak();
}

void mg_tree_region_begin(const char *current_path) {
    if (!tree) return;
    snprintf(tree->current_path, sizeof tree->current_path, "%s", current_path);
    __atomic_store_n(&tree->root_live, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&tree->peak, __atomic_load_n(&tree->children_live, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    __atomic_store_n(&tree->children_started, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&tree->active, 1, __ATOMIC_RELEASE);
}

void mg_tree_region_end(int64_t root_peak, int64_t *tree_peak, uint32_t *children_started, int still_active) {
    if (!tree) {
        *tree_peak = root_peak;
        *children_started = 0;
        return;
    }
    int64_t peak = __atomic_load_n(&tree->peak, __ATOMIC_RELAXED);
    *tree_peak = peak > root_peak ? peak : root_peak;
    *children_started = __atomic_load_n(&tree->children_started, __ATOMIC_RELAXED);
    __atomic_store_n(&tree->root_live, 0, __ATOMIC_RELAXED);
    if (!still_active) __atomic_store_n(&tree->active, 0, __ATOMIC_RELEASE);
}

int mg_tree_child_path(char *path, size_t capacity, pid_t pid) {
    if (!tree || !__atomic_load_n(&tree->active, __ATOMIC_ACQUIRE) || !tree->current_path[0]) return -1;
    int written = snprintf(path, capacity, "%s-p%d", tree->current_path, (int)pid);
    return written > 0 && (size_t)written < capacity ? 0 : -1;
}

void mg_tree_child_joined(void) {
    if (!tree) return;
    __atomic_store_n(&tree->children_ever, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&tree->children_started, 1, __ATOMIC_RELAXED);
    raise_peak();
}

void mg_tree_note_untracked_child(void) {
    if (tree && __atomic_load_n(&tree->active, __ATOMIC_ACQUIRE))
        __atomic_add_fetch(&tree->untracked_children, 1, __ATOMIC_RELAXED);
}

uint32_t mg_tree_untracked_children(void) { return tree ? __atomic_load_n(&tree->untracked_children, __ATOMIC_RELAXED) : 0; }

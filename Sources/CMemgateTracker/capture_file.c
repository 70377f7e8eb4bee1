/*
 * The capture file on disk and in memory. The file is sparse: each section sits at a fixed
 * offset with room for its capacity, but only the part a section uses has disk blocks and is
 * mapped. The header and each section are separate MAP_SHARED mappings that grow by doubling
 * (fallocate, then mremap), so a tracked process reserves a few pages of address space at
 * start instead of the whole capacity, and a full disk stops tracking cleanly (no SIGBUS).
 * The tracker keeps no descriptor open: the file is re-opened by path when it must grow.
 *
 * Called by capture.c with the writer lock held (sync.c), except the timeline's growth, which
 * its one appender does while other events run: a call changes only its own section's mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture_file.h"
#include "memgate_capture_format.h"
#include "tracker_internal.h"

#define FIRST_SECTION_BYTES 4096u

static uint64_t *offset_field(mg_header *header, int section) {
    switch (section) {
    case MG_SECTION_STACKS: return &header->stacks_offset;
    case MG_SECTION_NODES: return &header->nodes_offset;
    case MG_SECTION_STRINGS: return &header->strings_offset;
    case MG_SECTION_PYFUNCS: return &header->pyfuncs_offset;
    case MG_SECTION_MODULES: return &header->modules_offset;
    default: return &header->timeline_offset;
    }
}

static int allocate_blocks(int fd, uint64_t offset, uint64_t length) {
    if (length == 0) return 0;
    int status = fallocate(fd, 0, (off_t)offset, (off_t)length);
    /* Filesystems without fallocate: blocks come on first write, as before (no worse). */
    return status == 0 || errno == EOPNOTSUPP ? 0 : -1;
}

static void unmap_all(mg_capture_file *file) {
    for (int s = 0; s < MG_SECTION_COUNT; s++) {
        if (file->base[s]) munmap(file->base[s], file->mapped_bytes[s]);
        file->base[s] = NULL;
        file->mapped_bytes[s] = 0;
    }
    if (file->header) munmap(file->header, MG_HEADER_SIZE);
    file->header = NULL;
}

int mg_capture_file_create(mg_capture_file *file, const char *path, const mg_header *layout, uint64_t file_bytes) {
    memset(file, 0, sizeof *file);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    int status = ftruncate(fd, (off_t)file_bytes) == 0 && allocate_blocks(fd, 0, MG_HEADER_SIZE) == 0 ? 0 : -1;
    mg_header *header = status == 0 ? mmap(NULL, MG_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    if (header == MAP_FAILED) status = -1;
    file->header = status == 0 ? header : NULL;
    for (int s = 0; s < MG_SECTION_COUNT && status == 0; s++) {
        uint64_t offset = *offset_field((mg_header *)layout, s);
        void *base = MAP_FAILED;
        if (allocate_blocks(fd, offset, FIRST_SECTION_BYTES) == 0)
            base = mmap(NULL, FIRST_SECTION_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
        if (base == MAP_FAILED) {
            status = -1;
            break;
        }
        file->base[s] = base;
        file->mapped_bytes[s] = FIRST_SECTION_BYTES;
    }
    if (status != 0) {
        unmap_all(file);
        if (ftruncate(fd, 0) != 0) { /* an empty file reads as "not measured" */ }
    }
    close(fd); /* never keep a descriptor the target can close or reuse */
    return status;
}

int mg_capture_file_grow(mg_capture_file *file, const char *path, int section, uint64_t needed_bytes,
                         uint64_t capacity_bytes) {
    uint64_t mapped = file->mapped_bytes[section];
    if (needed_bytes <= mapped) return 0;
    if (needed_bytes > capacity_bytes) return -1;
    uint64_t grown = mapped * 2;
    while (grown < needed_bytes) grown *= 2;
    if (grown > capacity_bytes) grown = capacity_bytes;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    int status = fd >= 0 ? allocate_blocks(fd, *offset_field(file->header, section) + mapped, grown - mapped) : -1;
    if (fd >= 0) close(fd);
    if (status != 0) return -1;
    void *moved = mremap(file->base[section], mapped, grown, MREMAP_MAYMOVE);
    if (moved == MAP_FAILED) return -1;
    file->base[section] = moved;
    file->mapped_bytes[section] = grown;
    return 0;
}

/* Copies `bytes` from file offset `from` down to `to` (to <= from) through two mappings of
 * the same file: forward, in pieces that never overlap in the file. */
static void copy_down(char *destination, const char *source, uint64_t distance, uint64_t bytes) {
    if (distance == 0) return; /* the same file bytes: already in place */
    for (uint64_t done = 0; done < bytes;) {
        uint64_t piece = bytes - done < distance ? bytes - done : distance;
        memcpy(destination + done, source + done, piece);
        done += piece;
    }
}

int mg_capture_file_compact(mg_capture_file *file, const char *path, const uint64_t used_bytes[MG_SECTION_COUNT],
                            uint64_t *file_bytes) {
    uint64_t total = MG_HEADER_SIZE;
    for (int s = 0; s < MG_SECTION_COUNT; s++) total += (used_bytes[s] + 7) & ~7ull;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return -1;
    char *whole = MAP_FAILED;
    if (allocate_blocks(fd, MG_HEADER_SIZE, total - MG_HEADER_SIZE) == 0)
        whole = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (whole == MAP_FAILED) return -1;
    uint64_t offset = MG_HEADER_SIZE;
    for (int s = 0; s < MG_SECTION_COUNT; s++) {
        uint64_t *field = offset_field(file->header, s);
        copy_down(whole + offset, file->base[s], *field - offset, used_bytes[s]);
        *field = offset;
        offset += (used_bytes[s] + 7) & ~7ull;
    }
    for (int s = 0; s < MG_SECTION_COUNT; s++) {
        munmap(file->base[s], file->mapped_bytes[s]);
        file->base[s] = (char *)whole + *offset_field(file->header, s);
        file->mapped_bytes[s] = 0; /* now views into `whole` */
    }
    file->whole = whole;
    file->whole_bytes = total;
    *file_bytes = offset;
    return 0;
}

void mg_capture_file_close(mg_capture_file *file) {
    if (file->whole) {
        munmap(file->whole, file->whole_bytes);
        for (int s = 0; s < MG_SECTION_COUNT; s++) file->base[s] = NULL;
        file->whole = NULL;
    }
    unmap_all(file);
}

/* The capture file's mappings (capture_file.c): a header page and one growing mapping per
 * section. Used by capture.c only (see capture_file.c for when). */
#ifndef MEMGATE_CAPTURE_FILE_H
#define MEMGATE_CAPTURE_FILE_H

#include <stdint.h>

#include "memgate_capture_format.h"

enum {
    MG_SECTION_STACKS,
    MG_SECTION_NODES,
    MG_SECTION_STRINGS,
    MG_SECTION_PYFUNCS,
    MG_SECTION_MODULES,
    MG_SECTION_TIMELINE,
    MG_SECTION_COUNT
};

typedef struct mg_capture_file {
    mg_header *header;
    char *base[MG_SECTION_COUNT];            /* each section's first byte in memory */
    uint64_t mapped_bytes[MG_SECTION_COUNT]; /* mapped, and backed by disk blocks */
    char *whole;                             /* after compaction: one mapping of the whole file */
    uint64_t whole_bytes;
} mg_capture_file;

/* Creates the sparse file (`file_bytes` long, sections where `layout` says) and maps the
 * header and the first page of each section. 0 on success; on failure the file is empty. */
int mg_capture_file_create(mg_capture_file *file, const char *path, const mg_header *layout, uint64_t file_bytes);
/* Makes bytes [0, needed_bytes) of a section mapped and backed, doubling; the section's base
 * may move. 0 on success, -1 when it is at capacity or the disk is full. */
int mg_capture_file_grow(mg_capture_file *file, const char *path, int section, uint64_t needed_bytes,
                         uint64_t capacity_bytes);
/* Moves the sections down behind the header, in order, each taking its used bytes rounded to
 * 8, updates the header's offsets and maps the whole compacted file (`whole`); `file_bytes`
 * receives its size. 0 on success; -1 leaves everything where it was. */
int mg_capture_file_compact(mg_capture_file *file, const char *path, const uint64_t used_bytes[MG_SECTION_COUNT],
                            uint64_t *file_bytes);
void mg_capture_file_close(mg_capture_file *file);

#endif

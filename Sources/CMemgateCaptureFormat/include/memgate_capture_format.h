/*
 * Layout of a memgate capture file, version 2, and of the process tree's shared page: the one
 * definition of both. The tracker (Sources/CMemgateTracker) writes these structs; the Swift
 * reader (MemgateCore/Capture) imports this header as the module CMemgateCaptureFormat and takes
 * every offset and record size from the structs; the in-process Python reader
 * (MemgateRuntime/Python/memgate_capture.py) lists the offsets it reads, and
 * CaptureFormatAgreementTests compares them with these structs. Documented for people in
 * docs/capture-format.md.
 *
 * The tracker writes the structs in the host's byte order; memgate runs on little-endian Linux
 * (x86-64, aarch64), so files are little-endian. Offsets are from the start of the file. While the
 * target runs, sections sit at fixed offsets inside a sparse file; on finalize they are compacted
 * and the file is truncated to `file_size`.
 */
#ifndef MEMGATE_CAPTURE_FORMAT_H
#define MEMGATE_CAPTURE_FORMAT_H

#include <stdint.h>

#if !defined(__linux__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "memgate captures are little-endian structs written on Linux (x86-64, aarch64)"
#endif

#define MG_MAGIC "MGCAPT01"
#define MG_VERSION 2u
/* Version 1 kept each stack's frame words in a run of their own (`frames_index`, `depth`);
 * version 2 keeps frames as a prefix tree of mg_frame_node, which stacks share. memgate still
 * reads version 1 files. */
#define MG_VERSION_FLAT_FRAMES 1u
#define MG_HEADER_SIZE 4096u

#define MG_ROLE_ROOT 1u
#define MG_ROLE_CHILD 2u

#define MG_STATE_RUNNING 1u
#define MG_STATE_FINISHED 2u

#define MG_FLAG_NATIVE 1u  /* native frames were recorded */
#define MG_FLAG_PYTHON 2u  /* Python frames were recorded */
#define MG_FLAG_STACKS_DROPPED 4u /* stack table was full; some stacks were merged into "overflow" */
#define MG_FLAG_CAPTURE_FULL 8u   /* the capture file could not grow (disk full): tracking stopped early */
#define MG_FLAG_STRINGS_FULL 16u  /* string table full: some names are empty */
#define MG_FLAG_PYFUNCS_FULL 32u  /* Python function table full: some frames are unnamed */
#define MG_FLAG_EXECED 64u        /* the process called exec; exec_path names the program. A capture
                                     still running with this flag was left by an image the tracker
                                     could not follow (the new image re-creates the file when tracked) */
#define MG_FLAG_EXEC_WITHOUT_PRELOAD 128u /* that exec's environment did not preload the tracker */

/* A Python frame word has the top bit set: | 1 | function id (39 bits) | line (24 bits) | */
#define MG_PYFRAME_BIT (1ull << 63)
#define MG_PYLINE_BITS 24
#define MG_PYLINE_MASK ((1ull << MG_PYLINE_BITS) - 1)

/* Readers reject a stack deeper than this many words (the tracker writes far fewer). */
#define MG_MAX_STACK_DEPTH 4096u

typedef struct mg_header {
    char magic[8];
    uint32_t version;
    uint32_t header_size;
    uint64_t commit;          /* seqlock: odd while an exclusive update is in progress */
    uint32_t state;           /* MG_STATE_* */
    uint32_t flags;           /* MG_FLAG_* */
    int32_t pid;
    uint32_t region_index;    /* 0 = whole process, k = k-th region */
    uint64_t start_ns;        /* CLOCK_MONOTONIC at region start */
    uint64_t end_ns;          /* at finalize; 0 while running */
    uint64_t peak_ns;         /* time of the peak, relative to start */
    int64_t live_bytes;       /* live requested bytes now */
    int64_t peak_bytes;       /* high-water mark of live_bytes */
    uint64_t total_bytes;     /* all requested bytes */
    uint64_t alloc_count;
    uint64_t free_count;
    uint64_t file_size;       /* bytes in use */
    uint64_t stacks_offset;   /* mg_stack[stack_capacity] */
    uint32_t stack_capacity;
    uint32_t stack_count;
    uint64_t nodes_offset;    /* mg_frame_node[nodes_capacity] (version 1: uint64_t frame words) */
    uint64_t nodes_capacity;
    uint64_t nodes_used;
    uint64_t strings_offset;  /* char[strings_capacity], NUL-terminated strings */
    uint64_t strings_capacity;
    uint64_t strings_used;
    uint64_t pyfuncs_offset;  /* mg_pyfunc[pyfunc_capacity] */
    uint32_t pyfunc_capacity;
    uint32_t pyfunc_count;
    uint64_t modules_offset;  /* mg_module[module_capacity] */
    uint32_t module_capacity;
    uint32_t module_count;
    uint64_t timeline_offset; /* mg_sample[timeline_capacity] */
    uint32_t timeline_capacity;
    uint32_t timeline_count;
    uint64_t checksum;        /* FNV-1a 64 of bytes [0, file_size), this field as 0, once finished */
    char region_name[256];    /* NUL-terminated */
    uint64_t fast_unwinds;    /* native stacks walked with learned rules (this region) */
    uint64_t slow_unwinds;    /* native stacks walked with libunwind (this region) */
    uint32_t fast_unwind_off; /* 1 when a check found a learned rule wrong and disabled them */
    uint32_t reserved2;
    char exec_path[512];      /* program passed to the last exec (MG_FLAG_EXECED), NUL-terminated */
    uint64_t shallow_unwinds; /* allocations recorded without native frames: too little stack left */
    int64_t tree_peak_bytes;  /* root captures: high-water mark of the process tree's combined live
                                 bytes during this region (equals peak_bytes when no child ran) */
    uint32_t tree_children;   /* root captures: tracked child processes started during this region */
    uint32_t untracked_children; /* root captures: children left untracked (children: false) */
    char program[256];        /* this process's executable (/proc/self/exe), NUL-terminated */
    uint32_t role;            /* 1 root of the target's process tree, 2 a tracked descendant */
    uint32_t parent_pid;      /* descendants: the pid of the process it was forked from, else 0 */
} mg_header;

_Static_assert(sizeof(mg_header) <= MG_HEADER_SIZE, "the header fits its page");
_Static_assert(__builtin_offsetof(mg_header, file_size) == 104, "file_size offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, checksum) == 224, "checksum offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, region_name) == 232, "region_name offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, fast_unwinds) == 488, "fast_unwinds offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, exec_path) == 512, "exec_path offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, shallow_unwinds) == 1024, "shallow_unwinds offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, tree_peak_bytes) == 1032, "tree_peak_bytes offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, program) == 1048, "program offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_header, role) == 1304, "role offset read by the decoders");

typedef struct mg_stack {
    uint64_t hash;
    uint64_t leaf;            /* 1 + index of the node of the innermost frame; 0: no frames
                                 (version 1: index of the first of `depth` frame words) */
    uint32_t depth;           /* frames: the leaf node's depth */
    uint32_t reserved;
    int64_t live_bytes;       /* live now (at the end once finished) */
    int64_t live_count;
    int64_t peak_bytes;       /* live when the region reached its peak */
    int64_t peak_count;
    uint64_t total_bytes;
    uint64_t alloc_count;
} mg_stack;

/* One frame of the prefix tree of stacks: a stack is its leaf node and the chain of parents up
 * to an outermost frame, so stacks that share their outer frames share those nodes. A parent is
 * always written before its children (parent < own index + 1), so the tree has no cycles and a
 * reader can check it in one pass. */
typedef struct mg_frame_node {
    uint64_t word;            /* frame word (below) */
    uint32_t parent;          /* 1 + index of the next outer frame's node; 0: outermost frame */
    uint32_t depth;           /* frames from this one to the outermost, this one included */
} mg_frame_node;

typedef struct mg_pyfunc {
    uint64_t id;              /* the id used in frame words */
    uint32_t name_offset;     /* into strings: qualified name */
    uint32_t file_offset;     /* into strings: file name */
} mg_pyfunc;

typedef struct mg_module {
    uint64_t bias;            /* load bias: link-time address = ip - bias */
    uint64_t start;           /* executable range [start, end) */
    uint64_t end;
    uint32_t path_offset;     /* into strings */
    uint32_t reserved;
} mg_module;

typedef struct mg_sample {
    uint64_t time_ns;         /* relative to start */
    int64_t live_bytes;
} mg_sample;

/* Record sizes are part of the format: a reader steps through each section by them. */
_Static_assert(sizeof(mg_stack) == 72, "mg_stack is 72 bytes");
_Static_assert(sizeof(mg_frame_node) == 16, "mg_frame_node is 16 bytes");
_Static_assert(sizeof(mg_pyfunc) == 16, "mg_pyfunc is 16 bytes");
_Static_assert(sizeof(mg_module) == 32, "mg_module is 32 bytes");
_Static_assert(sizeof(mg_sample) == 16, "mg_sample is 16 bytes");
_Static_assert(__builtin_offsetof(mg_stack, depth) == 16, "depth offset read by the decoders");
_Static_assert(__builtin_offsetof(mg_stack, live_bytes) == 24, "live_bytes offset read by the decoders");

/* `<capture>.tree`: one MAP_SHARED page every tracked process of a target's tree adds its live
 * bytes to (tree.c). memgate reads `peak` when the root could not finalize its capture. */
#define MG_TREE_MAGIC "MGTREE01"
#define MG_TREE_BYTES 4096u

typedef struct mg_tree {
    char magic[8];
    int64_t root_live;          /* the root's live bytes in its current region */
    int64_t children_live;      /* sum of the tracked children's live bytes */
    int64_t peak;               /* high-water mark of root_live + children_live since the region began */
    uint32_t children_ever;     /* nonzero once a child has joined (the root then maintains `peak`) */
    uint32_t children_started;  /* tracked children started since the region began */
    uint32_t untracked_children;/* children started while child tracking is off (children: false) */
    uint32_t active;            /* the root is measuring: children started now are tracked */
    char current_path[3072];    /* the root's current capture path; children write `<it>-p<pid>` */
} mg_tree;

_Static_assert(sizeof(mg_tree) <= MG_TREE_BYTES, "the tree state fits its page");
_Static_assert(__builtin_offsetof(mg_tree, peak) == 24, "peak offset read by memgate");

#endif

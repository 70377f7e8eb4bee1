/*
 * memgate tracker — public API of libmemgate_tracker.so.
 *
 * The library is injected with LD_PRELOAD and records allocations into a capture file
 * (see docs/capture-format.md). Programs may call these functions to measure one part
 * of their run as its own region; resolve them with dlsym(RTLD_DEFAULT, ...) so the
 * program still runs when the tracker is not preloaded.
 */
#ifndef MEMGATE_H
#define MEMGATE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Starts a named region: finalizes the current capture (if any) and starts a new capture
 * file in which only allocations made from now on count. Returns 0 on success, -1 when
 * the tracker is inactive in this process. */
int memgate_region_begin(const char *name);

/* Like memgate_region_begin, but only allocations made by the calling thread count
 * (pytest-memray's current_thread_only); frees are matched whichever thread makes them. */
int memgate_region_begin_current_thread(const char *name);

/* Ends the current region and finalizes its capture file. Allocations are not tracked
 * again until the next memgate_region_begin (or, in whole-process mode, ever). */
int memgate_region_end(void);

/* Installs the Python profile hook on the calling thread (the GIL must be held), so
 * allocations carry Python frames. Returns 0 on success, -1 when Python is not loaded. */
int memgate_python_install(void);

/* Removes the Python profile hook from the calling thread and empties its shadow stack. */
int memgate_python_uninstall(void);

/* Arms a region on the calling thread (the GIL must be held, the hook installed): the profile
 * hook opens it as `name` when this thread next enters a frame running the code object `code`
 * and closes it when that frame returns. The region then holds only the function's body — not
 * its callers, its argument passing or the hook's own set-up — and that frame is the root of
 * every Python stack of this thread. With `current_thread_only` only this thread's allocations
 * count. Not for generators or coroutines (each suspension returns). Returns 0 when armed. */
int memgate_python_region_arm(const char *name, const void *code, int current_thread_only);

/* Cancels an armed region, or ends it if its frame is still running. Returns 1 when the region
 * was opened, 0 when its frame was never entered (nothing was measured). */
int memgate_python_region_disarm(void);

/* Path of the capture file the last armed region of this thread wrote, or NULL. */
const char *memgate_python_region_path(void);

/* Turns native frames under the Python ones on or off from now on (all threads); returns the
 * previous setting. pytest's limit_leaks tests need them; others stay fast without them. */
int memgate_native_frames(int enabled);

/* Turns tracking on (regions only) in a process the tracker left inactive — a child such
 * as a pytest-xdist worker — writing its captures at `path`, `path.1`, … Returns 0 when the
 * process is (now) tracked. A process that was tracked already keeps its configuration. */
int memgate_activate(const char *path);

/* Path of the capture file being written, or NULL when inactive. */
const char *memgate_capture_path(void);

#ifdef __cplusplus
}
#endif

#endif

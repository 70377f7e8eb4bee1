"""Access to the preloaded libmemgate_tracker.so from Python (standard library only).

Shared by the bootstrap and the pytest plugin. TRACKER is None when the library is not
preloaded, so both keep working (untracked) outside memgate.
"""

import ctypes
import threading


def _load():
    library = ctypes.PyDLL(None)  # PyDLL keeps the GIL held, which the profile hook needs
    try:
        library.memgate_region_begin.argtypes = [ctypes.c_char_p]
        library.memgate_region_begin_current_thread.argtypes = [ctypes.c_char_p]
        library.memgate_activate.argtypes = [ctypes.c_char_p]
        # Resolved now: a first lookup inside a region would be charged to the measured code.
        library.memgate_region_end
        library.memgate_python_install
        library.memgate_python_uninstall
    except AttributeError:
        return None
    return library


TRACKER = _load()


def _install_on_new_thread(*_):
    # Runs as the first profile event of each new thread; the C hook replaces it.
    threading.setprofile(None)
    TRACKER.memgate_python_install()


def begin(region, current_thread_only=False):
    """Tracks Python frames on this thread (and threads started from now on) and opens a region.

    With current_thread_only, only this thread's allocations count in the region.
    """
    name = region.encode("utf-8", "replace")
    if current_thread_only:
        TRACKER.memgate_python_install()
        TRACKER.memgate_region_begin_current_thread(name)
        return
    threading.setprofile(_install_on_new_thread)
    TRACKER.memgate_python_install()
    TRACKER.memgate_region_begin(name)


def end():
    """Closes the region and stops tracking Python frames."""
    TRACKER.memgate_region_end()
    TRACKER.memgate_python_uninstall()
    threading.setprofile(None)


def track_python_frames():
    """Tracks Python frames for the rest of the process (whole-process measurement)."""
    threading.setprofile(_install_on_new_thread)
    TRACKER.memgate_python_install()

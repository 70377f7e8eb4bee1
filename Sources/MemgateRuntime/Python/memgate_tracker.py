"""Access to the preloaded libmemgate_tracker.so from Python (standard library only).

Shared by the bootstrap and the pytest plugin. TRACKER is None when the library is not
preloaded, so both keep working (untracked) outside memgate.
"""

import ctypes
import sys
import threading


def _load():
    library = ctypes.PyDLL(None)  # PyDLL keeps the GIL held, which the profile hook needs
    try:
        library.memgate_region_begin.argtypes = [ctypes.c_char_p]
        library.memgate_region_begin_current_thread.argtypes = [ctypes.c_char_p]
        library.memgate_activate.argtypes = [ctypes.c_char_p]
        library.memgate_python_region_arm.argtypes = [ctypes.c_char_p, ctypes.py_object, ctypes.c_int]
        library.memgate_python_region_path.restype = ctypes.c_char_p
        library.memgate_native_frames.argtypes = [ctypes.c_int]
        # Resolved now: a first lookup inside a region would be charged to the measured code.
        library.memgate_region_end
        library.memgate_python_install
        library.memgate_python_install_profile
        library.memgate_python_uninstall
        library.memgate_python_region_disarm
        library.memgate_python_walks_frames
    except AttributeError:
        return None
    return library


TRACKER = _load()


def _install_on_new_thread(*_):
    # Runs as the first profile event of a thread; the C hook replaces it on this thread only.
    # threading's hook for threads started later must stay: clearing it here (as once done)
    # left every thread after the first without Python frames and out of reach of ignore globs.
    TRACKER.memgate_python_install_profile()


# The same install as a C profile function, for threads already running (Python 3.11 has no
# threading.setprofile_all_threads). Kept referenced: the interpreter holds only its address.
_TRACE_FUNCTION = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
_INSTALL_ON_RUNNING_THREAD = _TRACE_FUNCTION(lambda *_: _install_on_new_thread() or 0)


def _install_on_running_threads():
    """Has every other running thread install the C hook at its next call or return.

    Frames those threads are already in stay unknown; calls they make from then on are tracked.
    """
    if hasattr(threading, "setprofile_all_threads"):  # Python 3.12+
        threading.setprofile_all_threads(_install_on_new_thread)
        return
    threading.setprofile(_install_on_new_thread)
    api = ctypes.PyDLL(None)  # its own handle: the types set below stay off ctypes.pythonapi's
    try:
        set_profile = api._PyEval_SetProfile
        api.PyInterpreterState_Get.restype = ctypes.c_void_p
        api.PyThreadState_Get.restype = ctypes.c_void_p
        api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
        api.PyInterpreterState_ThreadHead.argtypes = [ctypes.c_void_p]
        api.PyThreadState_Next.restype = ctypes.c_void_p
        api.PyThreadState_Next.argtypes = [ctypes.c_void_p]
    except AttributeError:
        return
    set_profile.argtypes = [ctypes.c_void_p, _TRACE_FUNCTION, ctypes.c_void_p]
    set_profile.restype = ctypes.c_int
    # The GIL is held (pythonapi is a PyDLL), so no thread state is created or freed meanwhile.
    current = api.PyThreadState_Get()
    state = api.PyInterpreterState_ThreadHead(api.PyInterpreterState_Get())
    while state:
        if state != current:
            set_profile(state, _INSTALL_ON_RUNNING_THREAD, None)
        state = api.PyThreadState_Next(state)


def _install(profile):
    """Tracks Python frames on this thread. The tracker reads them from the interpreter at each
    allocation, on every thread, when it can (CPython 3.11) and `profile` is false; else a
    profile hook keeps them, and every thread needs one: returns True then."""
    if profile:
        TRACKER.memgate_python_install_profile()
    else:
        TRACKER.memgate_python_install()
    return not TRACKER.memgate_python_walks_frames()


def make_frame_objects():
    """Gives the caller's frame and every frame above it a frame object now, before a region.

    The interpreter makes a frame's object the first time the frame is inspected (logging's
    findCaller, inspect.stack(), C code calling PyFrame_GetBack). Made inside a region for a
    frame outside it, the object is freed only after the region and would count as its leak;
    a profile hook (and so pytest-memray) makes one for every call, so they never counted.
    """
    frame = sys._getframe(1)
    while frame is not None:
        frame = frame.f_back


def begin(region, current_thread_only=False, profile=False):
    """Tracks Python frames on every thread (running or started from now on) and opens a region.

    With current_thread_only, only this thread's allocations count in the region. With profile,
    frames are kept by a profile hook (see memgate_python_install_profile).
    """
    name = region.encode("utf-8", "replace")
    make_frame_objects()
    hooked = _install(profile)
    if current_thread_only:
        TRACKER.memgate_region_begin_current_thread(name)
        return
    if hooked:
        _install_on_running_threads()
    TRACKER.memgate_region_begin(name)


def begin_in(region, code, current_thread_only=False, profile=False):
    """Like begin, but the region opens only when this thread enters a frame running `code`
    (a plain function's code object, kept alive by the caller) and closes when it returns.

    Nothing before that frame starts (callers, argument passing, the hook's set-up) is in the
    region, and that frame is the root of this thread's Python stacks. The frame that calls
    `code` must have its frame object already (see make_frame_objects).
    """
    make_frame_objects()
    if _install(profile) and not current_thread_only:
        _install_on_running_threads()
    TRACKER.memgate_python_region_arm(region.encode("utf-8", "replace"), code, 1 if current_thread_only else 0)


def end_in():
    """Ends a begin_in region (closing it if its frame still runs) and stops tracking frames.

    Returns the path of the capture it wrote, or None when the frame was never entered.
    """
    opened = TRACKER.memgate_python_region_disarm()
    path = TRACKER.memgate_python_region_path() if opened else None
    TRACKER.memgate_python_uninstall()
    threading.setprofile(None)
    return path


def set_native_frames(enabled):
    """Turns native frames under the Python ones on or off; returns the previous setting."""
    return bool(TRACKER.memgate_native_frames(1 if enabled else 0))


def end():
    """Closes the region and stops tracking Python frames."""
    TRACKER.memgate_region_end()
    TRACKER.memgate_python_uninstall()
    threading.setprofile(None)


def track_python_frames():
    """Tracks Python frames for the rest of the process (whole-process measurement)."""
    if _install(False):
        threading.setprofile(_install_on_new_thread)

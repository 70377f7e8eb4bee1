"""memgate's pytest plugin (standard library + pytest only), loaded with `-p memgate_pytest`.

Each test's call phase runs as its own memgate region named by the test's node id, with
Python frames tracked. pytest-memray's markers are honoured by memgate from the report
this plugin writes (one JSON object per line to $MEMGATE_PYTEST_REPORT):

    limit_memory(limit, *, current_thread_only=False)
    limit_leaks(location_limit, *, filter_fn=None, current_thread_only=False)
    limit_leaked_objects(*, filter_fn=None)       fail when a Python object the test created
                                                  survives it (after gc.collect()) and
                                                  filter_fn(obj), if given, keeps it

Sizes may be positional or keywords; an argument memgate cannot honour, or two of these markers
on one test, is reported (`marker_problems`) and fails the test (see memgate_markers).

current_thread_only=True on either marker makes the test's region count only allocations made
by the thread running the test (frees are matched whichever thread makes them).

A limit_leaks filter_fn is applied here, in the test process, as pytest-memray does: after
the test's region ends its capture is read (memgate_capture) and filter_fn(stack) is called
with each leaking location's stack (`stack.frames`, innermost first, each frame with
`.function`, `.filename`, `.lineno`; native frames are unsymbolized `0x…` addresses with an
empty filename), from the location holding most bytes down, until it keeps one (returns
true). The report carries the bytes of that location (`leak_filter_max_bytes`, 0 when every
location was filtered out), and memgate fails the test when they reach the size. A filter_fn
that raises keeps the location and its error is reported (`leak_filter_error`), failing the
test. When the capture cannot be read, memgate applies limit_leaks unfiltered.
"""

import ctypes
import functools
import inspect
import json
import os
import re
import sys
import types
from dataclasses import dataclass

import pytest

from memgate_capture import leaking_stacks
from memgate_markers import marker_settings
from memgate_native import hybrid_frames
from memgate_shard import deselect_outside_shard, write_collected
from memgate_objects import leaked_objects, snapshot, summary
from memgate_tracker import TRACKER, begin, begin_in, end, end_in, set_native_frames

# The capture header holds region names of up to 255 bytes; longer node ids (parametrized
# tests with long ids) are named by their FNV-1a 64 digest, which memgate computes the same
# way (PytestRegionName.swift).
REGION_NAME_BYTES = 255


def region_name(nodeid):
    """The capture region name for a test: its node id, or `fnv1a64:<hex>` of it when too long."""
    encoded = nodeid.encode("utf-8", "surrogatepass")
    if len(encoded) <= REGION_NAME_BYTES:
        return nodeid
    digest = 0xCBF29CE484222325
    for byte in encoded:
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "fnv1a64:%016x" % digest


MARKERS = (
    "limit_memory(limit, *, current_thread_only=False): fail when the test's peak is >= limit",
    "limit_leaks(location_limit, *, filter_fn=None, current_thread_only=False): fail when one location (kept by filter_fn) leaks >= location_limit",
    "limit_leaked_objects(*, filter_fn=None): fail when a Python object the test created survives it (see memgate_objects)",
)

REPORT_PATH = os.environ.get("MEMGATE_PYTEST_REPORT")

# A pytest-xdist worker is a child process the tracker leaves untracked; turn tracking on
# for it with captures of its own, next to the controller's.
if TRACKER is not None and os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("MEMGATE_OUTPUT"):
    worker_base = "%s-%s" % (os.environ["MEMGATE_OUTPUT"], os.environ["PYTEST_XDIST_WORKER"])
    TRACKER.memgate_activate(worker_base.encode("utf-8", "replace"))
    # The tracker reads MEMGATE_NATIVE only in the process it tracks from the start; a worker
    # would otherwise unwind native frames for every test (slower, and other leak locations).
    set_native_frames(os.environ.get("MEMGATE_NATIVE", "1") != "0")


@dataclass(frozen=True)
class StackFrame:
    """One frame of a leaking location's stack, as pytest-memray's StackFrame."""

    function: str
    filename: str
    lineno: int


@dataclass(frozen=True)
class Stack:
    """The stack of one leaking location, as pytest-memray's Stack: frames innermost first."""

    frames: tuple


def _capture_path_reader():
    """The tracker's memgate_capture_path with a bytes result, or None when it is missing."""
    if TRACKER is None:
        return None
    library = ctypes.PyDLL(None)  # its own handle: the restype stays off memgate_tracker's
    try:
        capture_path = library.memgate_capture_path
    except AttributeError:
        return None
    capture_path.argtypes = []
    capture_path.restype = ctypes.c_char_p
    return capture_path


# The capture path can only be read while the test's region is open, so the bytes object
# read must not outlive the read: it would count as a leak of the test. It is copied into this
# buffer, made at import, and freed before the test runs, so the test's figures gain one
# short-lived allocation (in total bytes and allocation count), never a leak. The tracker's
# path is under 4096 bytes.
_CAPTURE_PATH_BYTES = 4096
_CAPTURE_PATH = ctypes.create_string_buffer(_CAPTURE_PATH_BYTES)
_READ_CAPTURE_PATH = _capture_path_reader()


def pytest_configure(config):
    for line in MARKERS:
        config.addinivalue_line("markers", line)


# Code flags of functions whose frame returns at each suspension: their region cannot be
# bounded by the frame's call and return.
_SUSPENDING = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE


def _plain_code(function):
    """The code object of a plain (non-suspending) Python function or method, else None."""
    function = getattr(function, "__func__", function)
    if not isinstance(function, types.FunctionType):
        return None
    code = function.__code__
    return None if code.co_flags & _SUSPENDING else code


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    # Last, so a shard is cut from what -m, -k and conftest hooks left (see memgate_shard).
    deselect_outside_shard(config, items)


def pytest_collection_finish(session):
    write_collected(session)


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    pyfuncitem._memgate_capture_path = None
    if TRACKER is None:
        yield
        return
    settings = marker_settings(pyfuncitem)
    # limit_leaks locations are hybrid native + Python stacks, as pytest-memray's; only tests
    # with that marker pay for native unwinding, and for the profile hook that makes the
    # interpreter run (and so allocate through the same native frames) as under pytest-memray.
    native_before = set_native_frames(True) if settings.limit_leaks is not None else None
    code = _plain_code(pyfuncitem.obj)
    test_function = pyfuncitem.obj
    if settings.leaked_objects and code is not None:
        pyfuncitem.obj = _counting_leaked_objects(pyfuncitem, test_function, settings.objects_filter_fn)
    elif code is not None:
        pyfuncitem.obj = _called_from_a_frame_object(test_function)
    elif settings.leaked_objects:
        # Never silently unenforced: the counting wraps a plain function's call.
        pyfuncitem._memgate_leaked_objects = {
            "leaked_objects_error": "memgate counts leaked objects of plain test functions only, "
                                    "not of coroutines, generators or callable objects"}
    try:
        if code is not None:
            # Only the test function's body is measured, as pytest-memray does (fixtures are
            # not): the region opens inside its frame, so pytest's frames, the argument passing
            # and the profile hook's set-up are not in it, and the function is the root frame.
            begin_in(region_name(pyfuncitem.nodeid), code, current_thread_only=settings.current_thread_only,
                     profile=settings.limit_leaks is not None)
            try:
                yield
            finally:
                path = end_in()
                if path:
                    pyfuncitem._memgate_capture_path = os.fsdecode(path)
        else:
            yield from _measure_whole_call(pyfuncitem, settings)
    finally:
        pyfuncitem.obj = test_function
        if native_before is not None:
            set_native_frames(native_before)


def _called_from_a_frame_object(function):
    """`function` called from a frame that has its frame object before the test's region opens
    (see memgate_tracker.make_frame_objects): pytest's own caller frame is made after it."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        sys._getframe()
        return function(*args, **kwargs)

    return call


def _counting_leaked_objects(item, function, filter_fn):
    """`function` wrapped to count, as it returns, the Python objects it created that survive
    (limit_leaked_objects; see memgate_objects). Its own frame is outside the test's region."""

    @functools.wraps(function)
    def counting(*args, **kwargs):
        sys._getframe()  # see _called_from_a_frame_object
        item._memgate_leaked_objects = {}
        before = snapshot()
        result = function(*args, **kwargs)  # a test that raises is not counted, as pytest-memray
        # A C call: the test's region closes at its caller's first call into C after it
        # returned (memgate_python_region_arm), so the counting below is not measured.
        id(result)
        leaked, error = leaked_objects(before, filter_fn)
        del before
        fields = {"leaked_objects": len(leaked)}
        if leaked:
            fields["leaked_objects_summary"] = summary(leaked)
        if error:
            fields["leaked_objects_error"] = error
        del leaked
        item._memgate_leaked_objects = fields
        return result

    return counting


def _measure_whole_call(pyfuncitem, settings):
    """Measures pytest's call of a test that is not a plain function (a coroutine, a generator,
    a callable object): the region spans pytest's own call, whose frames it then includes."""
    wants_capture_path = _READ_CAPTURE_PATH is not None and (
        settings.filter_fn is not None)
    _CAPTURE_PATH.value = b""
    begin(region_name(pyfuncitem.nodeid), current_thread_only=settings.current_thread_only,
          profile=settings.limit_leaks is not None)
    if wants_capture_path:
        # First, while the region holds next to nothing (see _CAPTURE_PATH); inline, as a
        # Python call would add the frame object the profile hook materializes.
        path = _READ_CAPTURE_PATH()
        if path and len(path) < _CAPTURE_PATH_BYTES:
            _CAPTURE_PATH.value = path
        del path
    try:
        yield
    finally:
        end()
        if _CAPTURE_PATH.value:
            pyfuncitem._memgate_capture_path = os.fsdecode(_CAPTURE_PATH.value)


def _write(entry):
    if not REPORT_PATH:
        return
    with open(REPORT_PATH, "a", encoding="utf-8") as report:
        report.write(json.dumps(entry) + "\n")


def pytest_runtest_logreport(report):
    # One line per finished test attempt; memgate keeps the last line of each node id.
    # Reports carry the markers from the process that ran the test (xdist forwards them to
    # the controller, so lines may repeat; they are identical). A failure report without
    # them was made by the xdist controller for a worker that crashed: record it too.
    if not hasattr(report, "memgate_markers"):
        if not report.failed:
            return
        report.memgate_markers = {}
    failed_or_skipped_early = report.when == "setup" and report.outcome != "passed"
    if report.when not in ("call", "???") and not failed_or_skipped_early and not (
        report.when == "teardown" and report.failed
    ):
        return
    item_markers = report.memgate_markers
    outcome = report.outcome
    if hasattr(report, "wasxfail"):
        outcome = "skipped" if report.skipped else "passed"
    _write({
        "nodeid": report.nodeid,
        "outcome": outcome,
        "when": report.when,
        "duration": report.duration,
        "longrepr": _short(report),
        "limit_memory": item_markers.get("limit_memory"),
        "limit_leaks": item_markers.get("limit_leaks"),
        "marker_problems": item_markers.get("marker_problems"),
        "leak_filter_max_bytes": item_markers.get("leak_filter_max_bytes"),
        "leak_filter_error": item_markers.get("leak_filter_error"),
        "limit_leaked_objects": bool(item_markers.get("limit_leaked_objects")),
        "leaked_objects": item_markers.get("leaked_objects"),
        "leaked_objects_summary": item_markers.get("leaked_objects_summary"),
        "leaked_objects_error": item_markers.get("leaked_objects_error"),
    })


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        item._memgate_leak_filter = {}  # a rerun starts afresh
        item._memgate_leaked_objects = {}
    elif call.when == "call":
        item._memgate_leak_filter = dict(_apply_leak_filter(item), **getattr(item, "_memgate_leaked_objects", {}))
    settings = marker_settings(item)
    report.memgate_markers = {
        "limit_memory": settings.limit_memory,
        "limit_leaks": settings.limit_leaks,
        "limit_leaked_objects": settings.leaked_objects,
        "marker_problems": list(settings.problems) or None,
        # Kept on the item so a teardown failure's line (which wins) still carries it.
        **getattr(item, "_memgate_leak_filter", {}),
    }


def _apply_leak_filter(item):
    """Runs limit_leaks' filter_fn over the test's leaking locations (see the module docstring).

    Returns the report fields, or {} when there is no filter_fn or no readable capture.
    """
    settings = marker_settings(item)
    filter_fn = settings.filter_fn
    path = getattr(item, "_memgate_capture_path", None)
    if filter_fn is None or not path:
        return {}
    stacks = leaking_stacks(path)
    if stacks is None:
        return {}
    limit = _size_bytes(settings.limit_leaks)
    fields = {"leak_filter_max_bytes": 0}
    # The largest kept location decides the verdict, so the search stops at the first kept;
    # as pytest-memray, filter_fn only sees locations that hold at least the limit.
    for live_bytes, frames in sorted(stacks, key=lambda stack: stack[0], reverse=True):
        if limit is not None and live_bytes < limit:
            break
        stack = Stack(tuple(StackFrame(*frame) for frame in hybrid_frames(frames)))
        try:
            keep = bool(filter_fn(stack))
        except Exception as error:
            keep = True  # a failing filter must not hide a leak
            text = "%s: %s" % (type(error).__name__, error)
            fields["leak_filter_error"] = " ".join(text.split())[:500]  # one line for findings
        if keep:
            fields["leak_filter_max_bytes"] = live_bytes
            break
    return fields


_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(I?)B\s*$", re.IGNORECASE)


def _size_bytes(text):
    """A marker size in bytes (B, KB, MB, GB, TB = powers of 1024, KiB… alike), None if unreadable.
    memgate parses it again, with the same units, for the verdict."""
    match = _SIZE.match(text) if isinstance(text, str) else None
    if not match:
        return None
    power = " KMGT".index(match.group(2).upper() or " ")
    return float(match.group(1)) * 1024 ** power


def _short(report):
    """The failure text, or for a skipped or xfailed test its reason as pytest's JUnit gives it."""
    if report.passed:
        return None
    if report.skipped and hasattr(report, "wasxfail"):
        reason = str(report.wasxfail)
        return reason[len("reason: "):] if reason.startswith("reason: ") else reason
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
    text = getattr(report, "longreprtext", "") or ""
    return text[-2000:]

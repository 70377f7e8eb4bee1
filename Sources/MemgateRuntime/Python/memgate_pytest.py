"""memgate's pytest plugin (standard library + pytest only), loaded with `-p memgate_pytest`.

Each test's call phase runs as its own memgate region named by the test's node id, with
Python frames tracked. pytest-memray's markers are honoured by memgate from the report
this plugin writes (one JSON object per line to $MEMGATE_PYTEST_REPORT):

    limit_memory(limit, *, current_thread_only=False)
    limit_leaks(location_limit, *, filter_fn=None, current_thread_only=False)
    limit_leaked_objects(*, filter_fn=None)       accepted, not enforced (memgate counts bytes)

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
import json
import os
from dataclasses import dataclass

import pytest

from memgate_capture import leaking_stacks
from memgate_markers import marker_settings
from memgate_shard import deselect_outside_shard, write_collected
from memgate_tracker import TRACKER, begin, end

MARKERS = (
    "limit_memory(limit, *, current_thread_only=False): fail when the test's peak is >= limit",
    "limit_leaks(location_limit, *, filter_fn=None, current_thread_only=False): fail when one location (kept by filter_fn) leaks >= location_limit",
    "limit_leaked_objects(*, filter_fn=None): accepted for pytest-memray compatibility; not enforced by memgate",
)

REPORT_PATH = os.environ.get("MEMGATE_PYTEST_REPORT")

# A pytest-xdist worker is a child process the tracker leaves untracked; turn tracking on
# for it with captures of its own, next to the controller's.
if TRACKER is not None and os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("MEMGATE_OUTPUT"):
    worker_base = "%s-%s" % (os.environ["MEMGATE_OUTPUT"], os.environ["PYTEST_XDIST_WORKER"])
    TRACKER.memgate_activate(worker_base.encode("utf-8", "replace"))


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
    wants_capture_path = _READ_CAPTURE_PATH is not None and settings.filter_fn is not None
    _CAPTURE_PATH.value = b""
    # Only the test function's call is measured, as pytest-memray does; fixtures are not.
    begin(pyfuncitem.nodeid, current_thread_only=settings.current_thread_only)
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
    })


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "setup":
        item._memgate_leak_filter = {}  # a rerun starts afresh
    elif call.when == "call":
        item._memgate_leak_filter = _apply_leak_filter(item)
    settings = marker_settings(item)
    report.memgate_markers = {
        "limit_memory": settings.limit_memory,
        "limit_leaks": settings.limit_leaks,
        "marker_problems": list(settings.problems) or None,
        # Kept on the item so a teardown failure's line (which wins) still carries it.
        **getattr(item, "_memgate_leak_filter", {}),
    }


def _apply_leak_filter(item):
    """Runs limit_leaks' filter_fn over the test's leaking locations (see the module docstring).

    Returns the report fields, or {} when there is no filter_fn or no readable capture.
    """
    filter_fn = marker_settings(item).filter_fn
    path = getattr(item, "_memgate_capture_path", None)
    if filter_fn is None or not path:
        return {}
    stacks = leaking_stacks(path)
    if stacks is None:
        return {}
    fields = {"leak_filter_max_bytes": 0}
    # The largest kept location decides the verdict, so the search stops at the first kept.
    for live_bytes, frames in sorted(stacks, key=lambda stack: stack[0], reverse=True):
        stack = Stack(tuple(StackFrame(*frame) for frame in frames))
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

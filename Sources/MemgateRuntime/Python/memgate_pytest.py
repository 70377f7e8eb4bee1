"""memgate's pytest plugin (standard library + pytest only), loaded with `-p memgate_pytest`.

Each test's call phase runs as its own memgate region named by the test's node id, with
Python frames tracked. pytest-memray's markers are honoured by memgate from the report
this plugin writes (one JSON object per line to $MEMGATE_PYTEST_REPORT):

    limit_memory(size, *, current_thread_only=False)
    limit_leaks(size, *, filter_fn=None, current_thread_only=False)
    limit_leaked_objects(count)      accepted, not enforced (memgate counts bytes, not objects)

current_thread_only is accepted and ignored: memgate always counts every thread. A
filter_fn is not applied (memgate evaluates leaks outside the process); the report says so.
"""

import json
import os

import pytest

from memgate_tracker import TRACKER, begin, end

MARKERS = (
    "limit_memory(size, *, current_thread_only=False): fail when the test's peak is >= size",
    "limit_leaks(size, *, filter_fn=None, current_thread_only=False): fail when one location leaks >= size",
    "limit_leaked_objects(count): accepted for pytest-memray compatibility; not enforced by memgate",
)

REPORT_PATH = os.environ.get("MEMGATE_PYTEST_REPORT")

# A pytest-xdist worker is a child process the tracker leaves untracked; turn tracking on
# for it with captures of its own, next to the controller's.
if TRACKER is not None and os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("MEMGATE_OUTPUT"):
    worker_base = "%s-%s" % (os.environ["MEMGATE_OUTPUT"], os.environ["PYTEST_XDIST_WORKER"])
    TRACKER.memgate_activate(worker_base.encode("utf-8", "replace"))


def pytest_configure(config):
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def _marker_size(item, name):
    marker = item.get_closest_marker(name)
    if marker is None:
        return None, False
    size = marker.args[0] if marker.args else marker.kwargs.get("size")
    return (None if size is None else str(size)), marker.kwargs.get("filter_fn") is not None


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    if TRACKER is None:
        yield
        return
    # Only the test function's call is measured, as pytest-memray does; fixtures are not.
    begin(pyfuncitem.nodeid)
    try:
        yield
    finally:
        end()


def _write(entry):
    if not REPORT_PATH:
        return
    with open(REPORT_PATH, "a", encoding="utf-8") as report:
        report.write(json.dumps(entry) + "\n")


def pytest_runtest_logreport(report):
    # One line per finished test attempt; memgate keeps the last line of each node id.
    # Only the process that ran the test writes (an xdist controller sees copies of reports).
    if not hasattr(report, "memgate_markers"):
        return
    failed_or_skipped_early = report.when == "setup" and report.outcome != "passed"
    if report.when != "call" and not failed_or_skipped_early and not (report.when == "teardown" and report.failed):
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
        "leak_filter_ignored": item_markers.get("leak_filter_ignored", False),
    })


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    limit_memory, _ = _marker_size(item, "limit_memory")
    limit_leaks, filtered = _marker_size(item, "limit_leaks")
    report.memgate_markers = {
        "limit_memory": limit_memory,
        "limit_leaks": limit_leaks,
        "leak_filter_ignored": filtered,
    }


def _short(report):
    if report.passed:
        return None
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    text = getattr(report, "longreprtext", "") or ""
    return text[-2000:]

"""pytest cases for limit_leaks' filter_fn, for memgate's end-to-end tests.

Named so pytest never collects it here (two of its tests fail on purpose): the end-to-end
tests copy it into a temporary directory as test_leak_filter.py and run that directory as a
memgate `pytest:` target. Each test leaks 2 MiB into a module-level list from a named
function; the filter keeps only leaks allocated under `leak_into_cache`.
"""

import pytest

_CACHE = []
_ELSEWHERE = []
TWO_MIB = 2 * 1024 * 1024


def leak_into_cache():
    _CACHE.append(bytearray(TWO_MIB))


def leak_elsewhere():
    _ELSEWHERE.append(bytearray(TWO_MIB))


@pytest.mark.limit_leaks(
    "1 MB", filter_fn=lambda stack: any(frame.function == "leak_into_cache" for frame in stack.frames))
def test_leak_kept_by_the_filter():
    leak_into_cache()


@pytest.mark.limit_leaks(
    "1 MB", filter_fn=lambda stack: any(frame.function == "leak_into_cache" for frame in stack.frames))
def test_leak_filtered_out():
    leak_elsewhere()


@pytest.mark.limit_leaks("1 MB", filter_fn=lambda stack: 1 / 0)
def test_filter_that_raises():
    leak_elsewhere()

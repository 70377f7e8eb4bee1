"""An unbounded cache grows with every distinct key; a bounded one does not."""

from functools import lru_cache

import pytest

_UNBOUNDED = {}


def render_unbounded(key):
    if key not in _UNBOUNDED:
        _UNBOUNDED[key] = ("entry %d;" % key) * 64
    return _UNBOUNDED[key]


@lru_cache(maxsize=128)
def render_bounded(key):
    return ("entry %d;" % key) * 64


def test_unbounded_cache_returns_rendered_entries():
    assert render_unbounded(3).startswith("entry 3;")


@pytest.mark.breach
@pytest.mark.limit_leaks("1 MB")
def test_unbounded_cache_leaks_past_one_megabyte():
    for key in range(5_000):
        render_unbounded(key)
    assert len(_UNBOUNDED) == 5_000


@pytest.mark.limit_leaks("1 MB")
def test_bounded_cache_keeps_at_most_128_entries():
    for key in range(5_000):
        render_bounded(key)
    assert render_bounded.cache_info().currsize == 128


@pytest.mark.skip(reason="demonstrates a skipped test in the JUnit report")
def test_skipped_example():
    raise AssertionError("never runs")

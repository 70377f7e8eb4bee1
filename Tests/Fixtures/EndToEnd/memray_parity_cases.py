"""pytest-memray parity: each test's outcome under `pytest --memray` and under memgate must be
the same (MemrayParityTests). Every marker form memgate honours, both positional and keyword,
and every kind of outcome: pass, memory failure, assertion failure, fixture (setup) error,
teardown error, skip, xfail, non-strict and strict xpass, and two memray markers on one test.

Sizes are far from the limits (4 MiB against 1 MB or 16 MB) so allocator and interpreter noise
cannot change a verdict, except for the empty tests, which both measure at 0 B: memgate counts
none of its own instrumentation, not even in the first test of the session (they come first).
"""

import pytest

KEPT = []


@pytest.fixture
def numbers():
    return list(range(100))


@pytest.mark.limit_memory("512 B")
def test_empty_first_of_the_session_under_512_bytes():
    pass


@pytest.mark.limit_memory(limit="1 KB")
def test_empty_under_one_kilobyte():
    pass


@pytest.mark.limit_memory("1 B")
def test_empty_with_a_fixture_under_one_byte(numbers):
    pass


@pytest.mark.limit_memory("512 B")
class TestEmptyMethod:
    def test_empty_method_under_512_bytes(self, numbers):
        pass


def allocate(mebibytes):
    return bytearray(mebibytes * 1024 * 1024)


@pytest.fixture
def broken_setup():
    raise RuntimeError("the fixture cannot start")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("the fixture cannot clean up")


@pytest.mark.limit_memory("1 MB")
def test_positional_limit_memory_breached():
    allocate(4)


@pytest.mark.limit_memory("16 MB")
def test_positional_limit_memory_kept():
    allocate(4)


@pytest.mark.limit_memory(limit="1 MB")
def test_keyword_limit_memory_breached():
    allocate(4)


@pytest.mark.limit_memory(limit="16 MB")
def test_keyword_limit_memory_kept():
    allocate(4)


@pytest.mark.limit_memory(limit="1 MB", current_thread_only=True)
def test_keyword_limit_memory_current_thread_only_breached():
    allocate(4)


@pytest.mark.limit_leaks("1 MB")
def test_positional_limit_leaks_breached():
    KEPT.append(allocate(4))


@pytest.mark.limit_leaks(location_limit="1 MB")
def test_keyword_limit_leaks_breached():
    KEPT.append(allocate(4))


@pytest.mark.limit_leaks(location_limit="16 MB")
def test_keyword_limit_leaks_kept():
    KEPT.append(allocate(4))


@pytest.mark.limit_leaks(location_limit="1 MB", filter_fn=lambda stack: False)
def test_keyword_limit_leaks_filtered_out():
    KEPT.append(allocate(4))


# One Python line, two native paths (bytearray's and bytes' allocations), 768 KiB each: two
# locations of the hybrid stack, each under 1 MB though the line holds 1.5 MiB.
@pytest.mark.limit_leaks("1 MB")
def test_one_line_two_native_paths_under_the_limit_per_location():
    KEPT.extend([bytearray(768 * 1024), bytes(768 * 1024)])


@pytest.mark.limit_leaks("512 KB")
def test_one_line_two_native_paths_over_the_limit_per_location():
    KEPT.extend([bytearray(768 * 1024), bytes(768 * 1024)])


# filter_fn sees the hybrid stack, native frames innermost: a C allocator's file is not `.py`.
@pytest.mark.limit_leaks("1 MB", filter_fn=lambda stack: not stack.frames[0].filename.endswith(".py"))
def test_filter_keeps_a_native_innermost_frame():
    KEPT.append(allocate(4))


@pytest.mark.limit_leaks("1 MB", filter_fn=lambda stack: stack.frames[0].filename.endswith(".py"))
def test_filter_wanting_a_python_innermost_frame_keeps_nothing():
    KEPT.append(allocate(4))


@pytest.mark.limit_memory("4 MB")
@pytest.mark.parametrize("mebibytes", [1, 8], ids=["one-MiB", "eight-MiB"])
def test_parametrized_limit_memory(mebibytes):
    allocate(mebibytes)


@pytest.mark.limit_memory(limit="1 MB")
class TestClassMarker:
    def test_inherits_the_keyword_limit(self):
        allocate(4)


@pytest.mark.limit_memory("16 MB")
def test_assertion_failure():
    assert sum([1, 2]) == 4


@pytest.mark.limit_memory("16 MB")
def test_fixture_error(broken_setup):
    allocate(4)


@pytest.mark.limit_memory("16 MB")
def test_teardown_error(broken_teardown):
    allocate(4)


@pytest.mark.skip(reason="not on this machine")
@pytest.mark.limit_memory("1 MB")
def test_skipped_by_marker():
    allocate(4)


def test_skipped_in_the_body():
    pytest.skip("decided at run time")


@pytest.mark.xfail(reason="a known bug")
@pytest.mark.limit_memory("16 MB")
def test_xfail():
    assert False


@pytest.mark.xfail(reason="fixed since")
@pytest.mark.limit_memory("16 MB")
def test_xpass():
    allocate(1)


@pytest.mark.xfail(reason="must keep failing", strict=True)
@pytest.mark.limit_memory("16 MB")
def test_strict_xpass():
    allocate(1)


@pytest.mark.limit_memory("16 MB")
@pytest.mark.limit_leaks("16 MB")
def test_two_memray_markers():
    allocate(1)

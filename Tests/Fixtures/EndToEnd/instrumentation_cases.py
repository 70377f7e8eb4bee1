"""pytest cases for memgate's own footprint (InstrumentationTests): none of memgate's
instrumentation may be measured, and a test's stacks start at the test function.

Named so pytest never collects it here: the end-to-end tests copy it into a temporary directory
as test_instrumentation.py and run that directory as a memgate `pytest:` target. The empty
tests come first, so one of them is the first test of the session.
"""

import pytest

KEPT = []


@pytest.fixture
def numbers():
    return list(range(100))


def test_empty_first_of_the_session():
    pass


def test_empty_second():
    pass


def test_empty_with_a_fixture(numbers):
    pass


@pytest.mark.limit_leaks("1 B")
def test_empty_with_native_frames():
    pass


class TestEmpty:
    def test_empty_method(self, numbers):
        pass


def keep(size):
    KEPT.append(bytearray(size))


def test_keeps_through_a_helper():
    keep(100_000)


def test_local_is_freed_when_the_function_returns():
    scratch = bytearray(100_000)
    assert len(scratch) == 100_000


class Finalized:
    def __del__(self):
        len("finalized")


def test_locals_with_a_finalizer_are_freed_inside_the_region():
    scratch = bytearray(100_000)
    finalized = Finalized()
    later = bytearray(50_000)

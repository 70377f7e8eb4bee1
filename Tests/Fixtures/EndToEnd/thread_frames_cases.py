"""pytest cases over thread_frames.py (copied next to this file as tests/thread_frames.py)."""

import pytest

from thread_frames import hold_in_threads, new_workers, started_workers


@pytest.fixture
def running_workers():
    # Fixture setup runs before the test's region begins, so these threads predate it.
    return started_workers(4)


def test_threads_started_in_the_test():
    assert hold_in_threads(new_workers(4)) == 4


def test_threads_started_before_the_test(running_workers):
    assert hold_in_threads(running_workers) == 4

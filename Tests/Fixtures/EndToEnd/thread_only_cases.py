"""Copied into a workspace as tests/test_thread_only.py by ThreadOnlyTests."""

import threading

import pytest

KEPT = []


def allocate_in_background(size):
    worker = threading.Thread(target=lambda: KEPT.append(bytearray(size)))
    worker.start()
    worker.join()


@pytest.mark.limit_memory("1 MB")
def test_background_allocation_counts_by_default():
    allocate_in_background(4 * 1024 * 1024)


@pytest.mark.limit_memory("1 MB", current_thread_only=True)
def test_background_allocation_is_left_out_with_current_thread_only():
    allocate_in_background(4 * 1024 * 1024)


@pytest.mark.limit_memory("1 MB", current_thread_only=True)
def test_own_allocation_still_counts_with_current_thread_only():
    KEPT.append(bytearray(2 * 1024 * 1024))

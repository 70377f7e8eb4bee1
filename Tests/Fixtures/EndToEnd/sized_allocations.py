"""Allocations whose sizes come from the environment, one named helper per site.

memgate's end-to-end tests measure `work()` with A_BYTES, B_BYTES and (optionally) C_BYTES
set in the config's `env:`; `work` keeps every buffer alive until it returns, so the peak is
the sum of the sizes plus interpreter overhead.
"""

import os


def _size(name):
    return int(os.environ.get(name, "0"))


def allocate_a():
    return bytearray(_size("A_BYTES"))


def allocate_b():
    return bytearray(_size("B_BYTES"))


def allocate_c():
    return bytearray(_size("C_BYTES"))


def work():
    a = allocate_a()
    b = allocate_b()
    # allocate_c is only called when C_BYTES is set, so it can appear as a brand-new site.
    c = allocate_c() if "C_BYTES" in os.environ else b""
    return len(a) + len(b) + len(c)

"""Holds one numpy float64 array of 4 MiB (run with --python-call "hold()")."""

import numpy

FOUR_MEBIBYTES = 4 << 20


def hold():
    block = numpy.ones(FOUR_MEBIBYTES // 8, dtype=numpy.float64)  # the array's data: exactly 4 MiB
    return float(block.sum())

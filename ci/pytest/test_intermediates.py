"""Holding on to large intermediate objects vs. letting them go."""

import pytest

ROWS = 20_000


def word_counts_holding_everything(rows):
    lines = ["row %d alpha beta gamma" % index for index in range(rows)]
    words = [line.split() for line in lines]
    return sum(len(row) for row in words)


def word_counts_streaming(rows):
    return sum(len(("row %d alpha beta gamma" % index).split()) for index in range(rows))


@pytest.mark.limit_memory("16 MB")
def test_holding_intermediates_fits_a_generous_budget():
    assert word_counts_holding_everything(ROWS) == 5 * ROWS


@pytest.mark.limit_memory("64 KB")
def test_streaming_needs_almost_nothing():
    assert word_counts_streaming(ROWS) == 5 * ROWS

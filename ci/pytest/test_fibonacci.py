"""The Fibonacci exercise as pytest tests: same answers, very different peaks."""

import pytest

from fibonacci import fibonacci_hash_generator, fibonacci_hash_list

LENGTHS = (33333, 30000, 34567)
EXPECTED = 5426


@pytest.mark.breach
@pytest.mark.limit_memory("100 KB")
def test_list_version_within_budget():
    assert fibonacci_hash_list(*LENGTHS) == EXPECTED


@pytest.mark.limit_memory("100 KB")
def test_generator_version_within_budget():
    assert fibonacci_hash_generator(*LENGTHS) == EXPECTED


@pytest.mark.parametrize("lengths", [(10,), (10, 20), (100, 200, 300)])
def test_both_versions_agree(lengths):
    assert fibonacci_hash_list(*lengths) == fibonacci_hash_generator(*lengths)

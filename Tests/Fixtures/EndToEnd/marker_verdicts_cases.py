"""pytest cases with known verdicts for memgate's end-to-end tests.

Named so pytest never collects it here (two of its tests fail on purpose): the end-to-end
tests copy it into a temporary directory as test_marker_verdicts.py and run that directory as
a memgate `pytest:` target.
"""

import pytest

_KEPT_ALIVE = []
TWO_MIB = 2 * 1024 * 1024


@pytest.mark.limit_leaks("1 MB")
def test_leaks_two_mebibytes_into_a_module_list():
    _KEPT_ALIVE.append(bytearray(TWO_MIB))


@pytest.mark.limit_leaks("1 MB")
def test_leaks_nothing():
    scratch = bytearray(TWO_MIB)
    assert len(scratch) == TWO_MIB


def test_wrong_answer_is_a_correctness_failure():
    assert sum([1, 2]) == 4

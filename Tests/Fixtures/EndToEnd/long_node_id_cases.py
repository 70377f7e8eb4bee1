"""A parametrized test whose node id is over 255 bytes: it must be measured like any other."""

import pytest

LONG_ID = "x" * 300


@pytest.mark.limit_memory("1 MB")
@pytest.mark.parametrize("size", [2 << 20], ids=[LONG_ID])
def test_long_id_breaks_its_budget(size):
    block = bytearray(size)
    assert len(block) == size

"""Marker arguments memgate cannot honour (MarkerArgumentTests): each test fails with a
markerInvalid finding naming the test and the argument, and no limit of its markers applies.
pytest-memray stops the whole session on most of these (a TypeError or ValueError inside its
report hook), so they are not part of the parity cases.
"""

import pytest

@pytest.mark.limit_memory(limit="1 MB", typo=True)
def test_unknown_keyword():
    pass

@pytest.mark.limit_memory(1024)
def test_int_limit():
    pass

@pytest.mark.limit_leaks(location_limit="1 QB")
def test_bad_size_text():
    pass

@pytest.mark.limit_memory(size="1 MB")
def test_old_size_keyword():
    pass

@pytest.mark.limit_leaks()
def test_missing_size():
    pass

@pytest.mark.limit_leaks("1 MB", filter_fn="yes", current_thread_only=1)
def test_bad_filter_and_thread_flag():
    pass

@pytest.mark.limit_memory("1 MB", limit="2 MB")
def test_size_twice():
    pass

@pytest.mark.limit_leaked_objects(3)
def test_leaked_objects_count():
    pass


@pytest.mark.limit_memory(limit="1 KB", current_thread_only=True)
def test_valid_keywords_still_apply():
    bytearray(4096)

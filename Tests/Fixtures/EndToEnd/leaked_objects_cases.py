"""pytest cases for limit_leaked_objects with exact counts (LeakedObjectsTests).

Named so pytest never collects it here (some of its tests fail on purpose): the end-to-end tests
copy it into a temporary directory as test_leaked_objects.py and run that directory as a memgate
`pytest:` target. A leaked object is one the test created that the garbage collector still
reaches after gc.collect() (see memgate_objects.py).
"""

import pytest

KEPT = []


class Widget:
    def __init__(self, size):
        self.size = size


@pytest.mark.limit_leaked_objects()
def test_keeps_nothing():
    scratch = [Widget(n) for n in range(10)]
    assert len(scratch) == 10


@pytest.mark.limit_leaked_objects()
def test_keeps_three_widgets():
    # Three instances and their sizes (ints above 256 are new objects; the instances keep their
    # attributes inline, without a dict object): 6 objects.
    KEPT.extend([Widget(1000 + n) for n in range(3)])


@pytest.mark.limit_leaked_objects()
def test_keeps_a_list_of_two_new_strings():
    # The list and both strings: 3 objects.
    KEPT.append(["leaked-%d" % n for n in range(2)])


@pytest.mark.limit_leaked_objects(filter_fn=lambda obj: isinstance(obj, list))
def test_filter_keeps_only_lists():
    KEPT.append([Widget(2000)])


@pytest.mark.limit_leaked_objects(filter_fn=lambda obj: isinstance(obj, list))
def test_filter_excuses_widgets():
    KEPT.append(Widget(3000))


@pytest.mark.limit_leaked_objects(filter_fn=lambda obj: 1 / 0)
def test_filter_that_raises():
    KEPT.append(Widget(4000))

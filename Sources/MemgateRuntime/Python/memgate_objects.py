"""Python objects a test leaves alive, for limit_leaked_objects (standard library only).

pytest-memray (>= 1.9, Python >= 3.13.3) tracks every object created while the test runs and,
after gc.collect(), fails the test when any survives that filter_fn(obj) does not excuse. The
standard library cannot see every object's creation, so memgate counts what the garbage
collector can reach:

- the objects the collector tracks (gc.get_objects(): instances, lists, dicts holding
  containers, functions, frames…) and each one's direct referents (gc.get_referents(): the
  strings, numbers and untracked dicts and tuples they hold) make up a snapshot;
- a snapshot is taken just before the test function runs and, after a gc.collect(), just after;
- a leaked object is one in the second snapshot and not in the first, other than the snapshots
  themselves. The first snapshot holds its objects until the comparison, so no address is
  reused and identity (id) comparison is exact.

An object reachable only from native code (a C extension's static) is not seen. Objects the
interpreter interns or caches (small ints, interned strings, the type cache) are the same
object before and after, so they never count.
"""

import gc
import sys


# Both functions use plain loops: a comprehension or closure would create a function, a cell and
# a tuple of its own while the collector is asked for its objects, and they would count.


def snapshot():
    """The objects reachable by the collector now (see the module docstring), by id."""
    objects = gc.get_objects()
    reachable = {}
    for obj in objects:
        reachable[id(obj)] = obj
    for referent in gc.get_referents(*objects):
        reachable.setdefault(id(referent), referent)
    return reachable


def leaked_objects(before, filter_fn=None):
    """The objects reachable now (after gc.collect()) that were not in the snapshot `before`,
    kept by filter_fn(obj) when given; a filter_fn that raises keeps the object.

    Returns (objects, error text or None).
    """
    gc.collect()
    if hasattr(sys, "_clear_type_cache"):
        sys._clear_type_cache()  # as pytest-memray drops interpreter caches before counting
    objects = gc.get_objects()
    after = {}
    for obj in objects:
        if obj is not before:  # nor its keys (ints made for it), which are its referents
            after[id(obj)] = obj
    traversed = []
    for obj in objects:
        if obj is not before:
            traversed.append(obj)
    for referent in gc.get_referents(*traversed):
        after.setdefault(id(referent), referent)
    own = (id(objects), id(traversed), id(after), id(before))
    del objects, traversed
    leaked = []
    for key, obj in after.items():
        if key not in before and key not in own:
            leaked.append(obj)
    del after
    if filter_fn is None:
        return leaked, None
    kept = []
    error = None
    for obj in leaked:
        try:
            keep = bool(filter_fn(obj))
        except Exception as raised:
            keep = True  # a failing filter must not hide a leak
            error = " ".join(("filter_fn raised %s: %s" % (type(raised).__name__, raised)).split())[:500]
        if keep:
            kept.append(obj)
    return kept, error


def summary(objects, most=5):
    """The objects by type, `2 list, 1 Widget`, the most common types first."""
    counts = {}
    for obj in objects:
        name = type(obj).__qualname__
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    text = ", ".join("%d %s" % (count, name) for count, name in ((c, n) for n, c in ranked[:most]))
    if len(ranked) > most:
        text += ", …"
    return text

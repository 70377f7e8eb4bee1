"""Sharding for memgate's pytest plugin (standard library only).

`memgate run --shard K/N` splits a pytest target test by test. To know the tests, memgate
first runs pytest untracked with `--collect-only` and $MEMGATE_PYTEST_COLLECT set: the node ids
that survive collection (after -m, -k and the target's own deselection) are written there as a
JSON list, in collection order. memgate then assigns tests to shards (by recorded duration,
else by count) and runs the target with $MEMGATE_PYTEST_SELECT naming a JSON list of the node
ids of this shard: every other test is deselected, as -k would, so it neither runs nor counts.
Node ids are matched exactly; no expression is built from them.
"""

import json
import os

COLLECT_PATH = os.environ.get("MEMGATE_PYTEST_COLLECT")
SELECT_PATH = os.environ.get("MEMGATE_PYTEST_SELECT")


def deselect_outside_shard(config, items):
    """Keeps only the items whose node id is listed in $MEMGATE_PYTEST_SELECT."""
    if not SELECT_PATH:
        return
    with open(SELECT_PATH, encoding="utf-8") as listing:
        wanted = set(json.load(listing))
    kept = [item for item in items if item.nodeid in wanted]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in wanted])
        items[:] = kept


def write_collected(session):
    """Writes the collected node ids to $MEMGATE_PYTEST_COLLECT as a JSON list."""
    if not COLLECT_PATH:
        return
    with open(COLLECT_PATH, "w", encoding="utf-8") as listing:
        json.dump([item.nodeid for item in session.items], listing)

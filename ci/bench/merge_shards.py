"""Writes N shard directories of M cases each for `memgate merge`, from one real results.json.

Usage: merge_shards.py TEMPLATE_RESULTS_JSON OUT_DIR SHARDS CASES

Every case is a copy of the template's first case (its profile, stacks and findings included)
under a unique name, so the merge reads and writes what real shards hold. Standard library only.
"""
import copy
import json
import os
import sys


def main():
    template_path, out_dir, shard_count, case_count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(template_path) as handle:
        template = json.load(handle)
    suite = template["suites"][0]
    model = suite["cases"][0]
    model.pop("flamegraphPath", None)
    targets = [f"tests-{index}" for index in range(1, shard_count + 1)]
    for index in range(1, shard_count + 1):
        cases = []
        for number in range(case_count):
            case = copy.copy(model)
            case["target"] = targets[index - 1]
            case["name"] = f"tests/test_many.py::test_case[{(index - 1) * case_count + number}]"
            cases.append(case)
        shard_suite = dict(suite)
        shard_suite["cases"] = cases
        shard_suite["shard"] = dict(suite["shard"])
        shard_suite["shard"].update(
            shard={"index": index, "count": shard_count}, targets=targets, casePositions=list(range(case_count)))
        document = dict(template)
        document["suites"] = [shard_suite]
        directory = os.path.join(out_dir, f"shard-{index}")
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "results.json"), "w") as handle:
            json.dump(document, handle)


if __name__ == "__main__":
    main()

"""Writes N shard directories of M cases each for `memgate merge`, from one real results.json.

Usage: merge_shards.py TEMPLATE_RESULTS_JSON OUT_DIR SHARDS CASES

Every case is a copy of the template's first case (its profile, stacks and findings included)
under a unique name, so the merge reads and writes what real shards hold. Each case also gets
the flamegraph page a shard writes beside its results.json: the template's page, copied once per
shard and hard-linked (copied where links fail) under the path memgate gives the case, which `memgate merge` links into the merged
artifacts instead of rendering it again. Standard library only.
"""
import copy
import json
import os
import shutil
import sys


def place(source, destination):
    """Hard-links source to destination, or copies it when a link cannot be made."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def safe_file_name(case_name):
    """BaselineFileName.safeFileName: the page name memgate gives a pytest case."""
    readable = "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "_" for c in case_name)
    if readable.startswith("."):
        readable = "_" + readable[1:]
    digest = 0xCBF29CE484222325
    for byte in case_name.encode():
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{readable[:80]}-{digest:016x}"


def main():
    template_path, out_dir, shard_count, case_count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(template_path) as handle:
        template = json.load(handle)
    suite = template["suites"][0]
    model = suite["cases"][0]
    template_page = model.pop("flamegraphPath", None)
    template_page = template_page and os.path.join(os.path.dirname(template_path), template_page)
    targets = [f"tests-{index}" for index in range(1, shard_count + 1)]
    for index in range(1, shard_count + 1):
        directory = os.path.join(out_dir, f"shard-{index}")
        pages = os.path.join(directory, "flamegraphs", targets[index - 1])
        os.makedirs(pages, exist_ok=True)
        # One copy per shard, linked for each of its cases (a file takes at most 65 000 links on ext4).
        shard_page = os.path.join(pages, "template.html")
        if template_page:
            shutil.copyfile(template_page, shard_page)
        cases = []
        for number in range(case_count):
            case = copy.copy(model)
            case["target"] = targets[index - 1]
            case["name"] = f"tests/test_many.py::test_case[{(index - 1) * case_count + number}]"
            if template_page:
                case["flamegraphPath"] = f"flamegraphs/{targets[index - 1]}/{safe_file_name(case['name'])}.html"
                place(shard_page, os.path.join(directory, case["flamegraphPath"]))
            cases.append(case)
        shard_suite = dict(suite)
        shard_suite["cases"] = cases
        shard_suite["shard"] = dict(suite["shard"])
        shard_suite["shard"].update(
            shard={"index": index, "count": shard_count}, targets=targets, casePositions=list(range(case_count)))
        document = dict(template)
        document["suites"] = [shard_suite]
        # Laid out as memgate writes it (indented, keys sorted), so the merge can take each case's
        # bytes as they are, as it does with real shards.
        with open(os.path.join(directory, "results.json"), "w") as handle:
            json.dump(document, handle, indent=2, sort_keys=True, separators=(",", " : "), ensure_ascii=False)


if __name__ == "__main__":
    main()

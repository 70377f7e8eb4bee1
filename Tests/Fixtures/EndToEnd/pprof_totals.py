"""Decodes a gzipped pprof profile.proto with the standard library only (an independent check of
memgate's encoder) and prints, as JSON, the total of each sample type, the default sample type,
and for each leaf function the inuse_space it holds.

Usage: python pprof_totals.py PROFILE.pb.gz
"""
import gzip
import json
import sys


def fields(data):
    """Yields (field number, wire type, value) of one protobuf message."""
    position = 0
    while position < len(data):
        key, position = varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = varint(data, position)
        elif wire == 2:
            length, position = varint(data, position)
            value = data[position:position + length]
            position += length
        elif wire == 1:
            value = data[position:position + 8]
            position += 8
        elif wire == 5:
            value = data[position:position + 4]
            position += 4
        else:
            raise ValueError(f"wire type {wire} of field {number}")
        yield number, wire, value


def varint(data, position):
    result = shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, position


def integers(wire, value):
    """A repeated integer field's values, packed (wire 2) or not (wire 0)."""
    if wire == 0:
        return [value]
    out, position = [], 0
    while position < len(value):
        number, position = varint(value, position)
        out.append(number)
    return out


def signed(number):
    return number - (1 << 64) if number >= 1 << 63 else number


def message(data):
    out = {}
    for number, wire, value in fields(data):
        out.setdefault(number, []).append((wire, value))
    return out


def main(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    assert raw[:2] == b"\x1f\x8b", "not gzip"
    profile = message(gzip.decompress(raw))
    strings = [value.decode() for _, value in profile.get(6, [])]
    assert strings[0] == ""
    sample_types = []
    for _, value in profile.get(1, []):
        vt = message(value)
        sample_types.append((strings[vt[1][0][1]], strings[vt[2][0][1]]))
    functions = {}
    for _, value in profile.get(5, []):
        fn = message(value)
        functions[fn[1][0][1]] = strings[fn[2][0][1]]
    locations = {}
    for _, value in profile.get(4, []):
        loc = message(value)
        line = message(loc[4][0][1])
        locations[loc[1][0][1]] = functions[line[1][0][1]]
    totals = [0] * len(sample_types)
    inuse_by_leaf = {}
    samples = 0
    for _, value in profile.get(2, []):
        sample = message(value)
        ids = [i for wire, v in sample.get(1, []) for i in integers(wire, v)]
        values = [signed(i) for wire, v in sample.get(2, []) for i in integers(wire, v)]
        assert len(values) == len(sample_types)
        totals = [a + b for a, b in zip(totals, values)]
        leaf = locations[ids[0]]
        inuse_by_leaf[leaf] = inuse_by_leaf.get(leaf, 0) + values[-1]
        samples += 1
    default = strings[profile[14][0][1]] if 14 in profile else None
    print(json.dumps({
        "sampleTypes": [f"{t}/{u}" for t, u in sample_types],
        "totals": dict(zip([t for t, _ in sample_types], totals)),
        "defaultSampleType": default,
        "samples": samples,
        "inuseSpaceByLeaf": inuse_by_leaf,
    }, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])

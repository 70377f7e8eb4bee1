"""Reads the leaks of a finished memgate capture file in-process (standard library only).

The pytest plugin uses it to apply a `limit_leaks` filter_fn, which must run inside the test
process. Only what that needs is decoded: the stacks still holding bytes, their frame nodes,
the Python function table and the strings. The layout is docs/capture-format.md; memgate's
full reader is Sources/MemgateCore/Capture/CaptureDecoder.swift.

Every offset, count and string is bounds-checked. The checksum is not verified here: the
file was finalized by this process a moment earlier, a damaged one can at worst give wrong
frames (never an out-of-bounds read), and memgate verifies the checksum when it reads the
same file for the verdict.
"""

import struct

# The capture layout, as far as this reader needs it: the C structs of
# Sources/CMemgateCaptureFormat/include/memgate_capture_format.h (the tracker's, which memgate's
# Swift reader imports). A Swift test (CaptureFormatAgreementTests) compares every entry here with
# those structs, so a change on either side fails the tests.
CONSTANTS = {
    "MG_MAGIC": b"MGCAPT01",
    "MG_VERSION": 2,
    "MG_HEADER_SIZE": 4096,
    "MG_STATE_FINISHED": 2,
    "MG_PYFRAME_BIT": 1 << 63,
    "MG_PYLINE_BITS": 24,
    "MG_MAX_STACK_DEPTH": 4096,
}
# "struct.field": (offset in the struct, struct module format of the field).
FIELDS = {
    "mg_header.version": (8, "<I"),
    "mg_header.header_size": (12, "<I"),
    "mg_header.state": (24, "<I"),
    "mg_header.file_size": (104, "<Q"),
    "mg_header.stacks_offset": (112, "<Q"),
    "mg_header.stack_capacity": (120, "<I"),
    "mg_header.stack_count": (124, "<I"),
    "mg_header.nodes_offset": (128, "<Q"),
    "mg_header.nodes_capacity": (136, "<Q"),
    "mg_header.nodes_used": (144, "<Q"),
    "mg_header.strings_offset": (152, "<Q"),
    "mg_header.strings_capacity": (160, "<Q"),
    "mg_header.strings_used": (168, "<Q"),
    "mg_header.pyfuncs_offset": (176, "<Q"),
    "mg_header.pyfunc_capacity": (184, "<I"),
    "mg_header.pyfunc_count": (188, "<I"),
    "mg_stack.leaf": (8, "<Q"),
    "mg_stack.depth": (16, "<I"),
    "mg_stack.live_bytes": (24, "<q"),
    "mg_frame_node.word": (0, "<Q"),
    "mg_frame_node.parent": (8, "<I"),
    "mg_frame_node.depth": (12, "<I"),
    "mg_pyfunc.id": (0, "<Q"),
    "mg_pyfunc.name_offset": (8, "<I"),
    "mg_pyfunc.file_offset": (12, "<I"),
}
# Bytes from one record of a section to the next.
RECORD_SIZES = {"mg_stack": 72, "mg_pyfunc": 16, "mg_frame_node": 16}

_MAGIC = CONSTANTS["MG_MAGIC"]
_VERSION = CONSTANTS["MG_VERSION"]
_HEADER_SIZE = CONSTANTS["MG_HEADER_SIZE"]
_STATE_FINISHED = CONSTANTS["MG_STATE_FINISHED"]
_PYTHON_FRAME_BIT = CONSTANTS["MG_PYFRAME_BIT"]
_PYTHON_LINE_BITS = CONSTANTS["MG_PYLINE_BITS"]
_PYTHON_LINE_MASK = (1 << _PYTHON_LINE_BITS) - 1
# The tracker records far fewer frames per stack; the Swift reader has the same bound.
_MAX_DEPTH = CONSTANTS["MG_MAX_STACK_DEPTH"]
_NODE_SIZE = RECORD_SIZES["mg_frame_node"]
# Placeholders pytest-memray's StackFrame uses for an unknown function or file.
_UNKNOWN = "???"


class _Invalid(ValueError):
    """The file is not a consistent finished capture."""


def leaking_stacks(path):
    """The stacks of the finished capture at `path` that still hold bytes.

    Returns a list of `(live_bytes, frames)` in the file's stack order, where `frames` is a
    list of `(function, filename, lineno)` tuples, innermost first: a Python frame gives its
    qualified name, file and line (0 when unknown); a native frame, which cannot be
    symbolized in-process, gives `("0x<address>", "", 0)`. Stack 0 (allocations made after
    the stack table filled up) has no frames.

    Returns None when the file cannot be read or is not a consistent finished capture;
    never raises.
    """
    try:
        with open(path, "rb") as capture:
            data = capture.read()
        return _decode(data)
    except (OSError, ValueError, struct.error, OverflowError, MemoryError):
        return None


def _field(data, name, base=0):
    """The field `name` ("struct.field") of the record starting at `base`."""
    offset, layout = FIELDS[name]
    return struct.unpack_from(layout, data, base + offset)[0]


def _decode(data):
    if len(data) < _HEADER_SIZE or data[0:len(_MAGIC)] != _MAGIC:
        raise _Invalid("not a capture")
    version = _field(data, "mg_header.version")
    header_size = _field(data, "mg_header.header_size")
    state = _field(data, "mg_header.state")
    file_size = _field(data, "mg_header.file_size")
    if version != _VERSION or header_size != _HEADER_SIZE or state != _STATE_FINISHED:
        raise _Invalid("unsupported version or not finished")
    if not _HEADER_SIZE <= file_size <= len(data):
        raise _Invalid("file size out of range")

    stacks_offset, stack_capacity, stack_count = _section(data, "stacks_offset", "stack_capacity", "stack_count")
    nodes_offset, nodes_capacity, nodes_used = _section(data, "nodes_offset", "nodes_capacity", "nodes_used")
    strings_offset, strings_capacity, strings_used = _section(
        data, "strings_offset", "strings_capacity", "strings_used")
    functions_offset, function_capacity, function_count = _section(
        data, "pyfuncs_offset", "pyfunc_capacity", "pyfunc_count")
    stack_size = RECORD_SIZES["mg_stack"]
    function_size = RECORD_SIZES["mg_pyfunc"]
    _check_section(stacks_offset, stack_count, stack_capacity, stack_size, file_size)
    _check_section(nodes_offset, nodes_used, nodes_capacity, _NODE_SIZE, file_size)
    _check_section(strings_offset, strings_used, strings_capacity, 1, file_size)
    _check_section(functions_offset, function_count, function_capacity, function_size, file_size)

    strings = _StringTable(data, strings_offset, strings_used)
    functions = {}
    for index in range(function_count):
        base = functions_offset + index * function_size
        function_id = _field(data, "mg_pyfunc.id", base)
        name = strings.at(_field(data, "mg_pyfunc.name_offset", base))
        functions[function_id] = (name, strings.at(_field(data, "mg_pyfunc.file_offset", base)))

    nodes = _Nodes(data, nodes_offset, nodes_used, functions)
    stacks = []
    for index in range(stack_count):
        base = stacks_offset + index * stack_size
        live_bytes = _field(data, "mg_stack.live_bytes", base)
        if live_bytes <= 0:
            continue
        leaf = _field(data, "mg_stack.leaf", base)
        depth = _field(data, "mg_stack.depth", base)
        if leaf > nodes_used or depth > _MAX_DEPTH:
            raise _Invalid("stack %d refers to frames outside the frame tree" % index)
        stacks.append((live_bytes, nodes.frames(leaf, depth)))
    return stacks


def _section(data, *names):
    """Offset, capacity and count (or used) of a section, from the header."""
    return tuple(_field(data, "mg_header." + name) for name in names)


def _check_section(offset, count, capacity, record_size, file_size):
    if count > capacity or offset < _HEADER_SIZE or offset + count * record_size > file_size:
        raise _Invalid("section out of bounds")


def _frame(word, functions):
    if not word & _PYTHON_FRAME_BIT:
        return ("0x%x" % word, "", 0)
    payload = word & ~_PYTHON_FRAME_BIT
    function, filename = functions.get(payload >> _PYTHON_LINE_BITS, (_UNKNOWN, _UNKNOWN))
    return (function, filename, payload & _PYTHON_LINE_MASK)


class _Nodes:
    """The prefix tree of frames: node `n` (1 + index; 0 is none) holds a frame word, its
    parent (the next outer frame) and its depth. A parent always precedes its children, so
    walking parents from any node ends, after exactly `depth` nodes, at an outermost frame."""

    def __init__(self, data, offset, used, functions):
        self._data = data
        self._offset = offset
        self._used = used
        self._functions = functions

    def _node(self, node):
        base = self._offset + (node - 1) * _NODE_SIZE
        return (_field(self._data, "mg_frame_node.word", base), _field(self._data, "mg_frame_node.parent", base),
                _field(self._data, "mg_frame_node.depth", base))

    def frames(self, leaf, depth):
        """The `depth` frames from node `leaf` outwards, innermost first: each node one
        deeper than its parent, which comes before it, the outermost at depth 1."""
        frames = []
        node = leaf
        while node:
            word, parent, node_depth = self._node(node)
            if parent >= node or node_depth != depth or (parent == 0) != (depth == 1):
                raise _Invalid("frame node %d has a parent after it or a wrong depth" % node)
            frames.append(_frame(word, self._functions))
            node = parent
            depth -= 1
        if depth != 0:
            raise _Invalid("a stack without frames claims %d" % depth)
        return frames


class _StringTable:
    """NUL-terminated strings at offsets relative to the section start (0 is "")."""

    def __init__(self, data, offset, used):
        self._data = data
        self._start = offset
        self._end = offset + used
        self._decoded = {}

    def at(self, relative):
        text = self._decoded.get(relative)
        if text is not None:
            return text
        start = self._start + relative
        if start >= self._end:
            raise _Invalid("string offset %d outside the string section" % relative)
        terminator = self._data.find(b"\0", start, self._end)
        if terminator < 0:
            raise _Invalid("unterminated string at offset %d" % relative)
        text = self._data[start:terminator].decode("utf-8", "replace")
        self._decoded[relative] = text
        return text

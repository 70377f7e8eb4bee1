"""Reads the leaks of a finished memgate capture file in-process (standard library only).

The pytest plugin uses it to apply a `limit_leaks` filter_fn, which must run inside the test
process. Only what that needs is decoded: the stacks still holding bytes, their frame words,
the Python function table and the strings. The layout is docs/capture-format.md; memgate's
full reader is Sources/MemgateCore/Capture/CaptureDecoder.swift.

Every offset, count and string is bounds-checked. The checksum is not verified here: the
file was finalized by this process a moment earlier, a damaged one can at worst give wrong
frames (never an out-of-bounds read), and memgate verifies the checksum when it reads the
same file for the verdict.
"""

import struct

_MAGIC = b"MGCAPT01"
_VERSION = 1
_HEADER_SIZE = 4096
_STATE_FINISHED = 2

_PYTHON_FRAME_BIT = 1 << 63
_PYTHON_LINE_BITS = 24
_PYTHON_LINE_MASK = (1 << _PYTHON_LINE_BITS) - 1

# mg_stack: hash, frames_index, depth, reserved, live_bytes, live_count, peak_bytes,
# peak_count, total_bytes, alloc_count.
_STACK = struct.Struct("<QQIIqqqqQQ")
# mg_pyfunc: id, name_offset, file_offset.
_PYTHON_FUNCTION = struct.Struct("<QII")
_FRAME_WORD_SIZE = 8
# The tracker records at most this many frames per stack; the Swift reader has the same bound.
_MAX_DEPTH = 4096
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


def _decode(data):
    if len(data) < _HEADER_SIZE or data[0:8] != _MAGIC:
        raise _Invalid("not a capture")
    version, header_size = struct.unpack_from("<II", data, 8)
    state = struct.unpack_from("<I", data, 24)[0]
    file_size = struct.unpack_from("<Q", data, 104)[0]
    if version != _VERSION or header_size != _HEADER_SIZE or state != _STATE_FINISHED:
        raise _Invalid("unsupported version or not finished")
    if not _HEADER_SIZE <= file_size <= len(data):
        raise _Invalid("file size out of range")

    stacks_offset, stack_capacity, stack_count = struct.unpack_from("<QII", data, 112)
    frames_offset, frames_capacity, frames_used = struct.unpack_from("<QQQ", data, 128)
    strings_offset, strings_capacity, strings_used = struct.unpack_from("<QQQ", data, 152)
    functions_offset, function_capacity, function_count = struct.unpack_from("<QII", data, 176)
    _check_section(stacks_offset, stack_count, stack_capacity, _STACK.size, file_size)
    _check_section(frames_offset, frames_used, frames_capacity, _FRAME_WORD_SIZE, file_size)
    _check_section(strings_offset, strings_used, strings_capacity, 1, file_size)
    _check_section(functions_offset, function_count, function_capacity, _PYTHON_FUNCTION.size, file_size)

    strings = _StringTable(data, strings_offset, strings_used)
    functions = {}
    for index in range(function_count):
        function_id, name_offset, file_offset = _PYTHON_FUNCTION.unpack_from(
            data, functions_offset + index * _PYTHON_FUNCTION.size)
        functions[function_id] = (strings.at(name_offset), strings.at(file_offset))

    stacks = []
    for index in range(stack_count):
        fields = _STACK.unpack_from(data, stacks_offset + index * _STACK.size)
        first_word, depth, live_bytes = fields[1], fields[2], fields[4]
        if live_bytes <= 0:
            continue
        if depth > _MAX_DEPTH or first_word > frames_used or first_word + depth > frames_used:
            raise _Invalid("stack %d refers to frames outside the frame section" % index)
        words = struct.unpack_from("<%dQ" % depth, data, frames_offset + first_word * _FRAME_WORD_SIZE)
        stacks.append((live_bytes, [_frame(word, functions) for word in words]))
    return stacks


def _check_section(offset, count, capacity, record_size, file_size):
    if count > capacity or offset < _HEADER_SIZE or offset + count * record_size > file_size:
        raise _Invalid("section out of bounds")


def _frame(word, functions):
    if not word & _PYTHON_FRAME_BIT:
        return ("0x%x" % word, "", 0)
    payload = word & ~_PYTHON_FRAME_BIT
    function, filename = functions.get(payload >> _PYTHON_LINE_BITS, (_UNKNOWN, _UNKNOWN))
    return (function, filename, payload & _PYTHON_LINE_MASK)


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

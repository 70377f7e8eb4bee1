"""Names of native frames in the test process, for limit_leaks filter_fn stacks (standard library only).

pytest-memray hands filter_fn hybrid stacks: native frames innermost, each with a function, a
file and a line, and the Python frames in place of the interpreter's. memgate's capture holds
native frames as return addresses; this module names them with the dynamic linker's `dladdr`,
so a native frame is `(symbol, shared object path, 0)`:

- the symbol is the exported (dynamic) symbol containing the address, or "???" when the
  address is not inside one (static functions, stripped objects);
- the file is the path of the executable or shared object (memray gives the source file when
  the object has DWARF debug information, and the object otherwise), so a filter testing
  `"picologging" in frame.filename` sees the extension module's path;
- the line is 0 (unknown, as memray's StackFrame has it for frames without line information).

The frames of Python's own allocator wrappers (PyObject_Malloc and friends, which reach malloc
under PYTHONMALLOC=malloc) are dropped from the inner end: memray intercepts those functions
themselves, so its innermost frame is their caller.
"""

import ctypes

_UNKNOWN = "???"

# Python's allocator entry points and the raw wrappers they reach malloc through.
PYTHON_ALLOCATORS = frozenset((
    "PyMem_RawMalloc", "PyMem_RawCalloc", "PyMem_RawRealloc",
    "PyMem_Malloc", "PyMem_Calloc", "PyMem_Realloc",
    "PyObject_Malloc", "PyObject_Calloc", "PyObject_Realloc",
    "_PyMem_RawMalloc", "_PyMem_RawCalloc", "_PyMem_RawRealloc",
    "_PyObject_Malloc", "_PyObject_Calloc", "_PyObject_Realloc",
))


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    ]


class _ElfSymbol(ctypes.Structure):  # Elf64_Sym
    _fields_ = [
        ("st_name", ctypes.c_uint32),
        ("st_info", ctypes.c_ubyte),
        ("st_other", ctypes.c_ubyte),
        ("st_shndx", ctypes.c_uint16),
        ("st_value", ctypes.c_uint64),
        ("st_size", ctypes.c_uint64),
    ]


_RTLD_DL_SYMENT = 1


def _load_dladdr1():
    try:
        function = ctypes.CDLL(None).dladdr1
    except AttributeError:
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo), ctypes.POINTER(ctypes.c_void_p), ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_DLADDR1 = _load_dladdr1()
_NAMES = {}


def native_frame(address):
    """`(function, filename, lineno)` for a return address (see the module docstring)."""
    frame = _NAMES.get(address)
    if frame is None:
        frame = _NAMES[address] = _name(address)
    return frame


def _name(address):
    if _DLADDR1 is None:
        return (_UNKNOWN, _UNKNOWN, 0)
    info = _DlInfo()
    symbol = ctypes.c_void_p()
    # A return address points after the call; the call itself is one byte earlier.
    if not _DLADDR1(address - 1, ctypes.byref(info), ctypes.byref(symbol), _RTLD_DL_SYMENT):
        return (_UNKNOWN, _UNKNOWN, 0)
    filename = info.dli_fname.decode("utf-8", "replace") if info.dli_fname else _UNKNOWN
    function = _UNKNOWN
    if info.dli_sname and info.dli_saddr and symbol.value:
        entry = ctypes.cast(symbol, ctypes.POINTER(_ElfSymbol)).contents
        # dladdr names the nearest exported symbol below the address even when the address
        # lies in a static function after it; only an address inside the symbol is named.
        if info.dli_saddr <= address - 1 < info.dli_saddr + max(entry.st_size, 1):
            function = info.dli_sname.decode("utf-8", "replace")
    return (function, filename, 0)


def hybrid_frames(frames):
    """A capture stack's frames (innermost first) as filter_fn sees them: native frames named,
    Python's allocator wrappers dropped from the inner end."""
    named = [native_frame(int(function, 16)) if not filename and function.startswith("0x") else (function, filename, line)
             for function, filename, line in frames]
    start = 0
    while start < len(named) and named[start][0] in PYTHON_ALLOCATORS:
        start += 1
    return named[start:]

"""Names of native frames in the test process, for limit_leaks filter_fn stacks (standard library only).

pytest-memray hands filter_fn hybrid stacks: native frames innermost, each with a function, a
file and a line, and the Python frames in place of the interpreter's. memgate's capture holds
native frames as return addresses; this module names them as memray does:

- With llvm-symbolizer ($MEMGATE_SYMBOLIZER, else on PATH, else next to `swift`; one process per
  session, answers cached per address), each return address becomes its inline chain, innermost
  first, each frame `(function, source file relative to its compilation directory, line)` from
  DWARF, e.g. `("list_resize", "Objects/listobject.c", 81)`; an object without debug information
  gives its demangled symbol with `"<unknown>"` as file and 0 as line, as memray does
  (`"Logger_new(_typeobject*, _object*, _object*)"`).
- Without llvm-symbolizer, the dynamic linker's `dladdr` names a frame `(exported symbol
  containing the address or "<unknown>", "<unknown>", 0)`.

The frames of Python's own allocator entry points (PyObject_Malloc and friends, whose allocator
domains the tracker wraps, and the raw wrappers they reach malloc through) are dropped from the
inner end: memray intercepts those functions themselves, so its innermost frame is their caller.
"""

import ctypes
import json
import os
import shutil
import subprocess
import sys

_UNKNOWN = "<unknown>"

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


def native_frames(address):
    """The frames `(function, filename, lineno)` of one return address, innermost inline frame
    first (see the module docstring)."""
    frames = _NAMES.get(address)
    if frames is None:
        frames = _NAMES[address] = _name(address)
    return frames


def _name(address):
    # A return address points after the call; the call itself is one byte earlier.
    pc = address - 1
    module, base, symbol = _dladdr(pc)
    if module and _SYMBOLIZER.available():
        frames = _SYMBOLIZER.frames(module, pc - base)
        if frames:
            return frames
    return [(symbol or _UNKNOWN, _UNKNOWN, 0)]


def _dladdr(pc):
    """(object path, load base, exported symbol containing pc or None), or (None, 0, None)."""
    if _DLADDR1 is None:
        return (None, 0, None)
    info = _DlInfo()
    symbol = ctypes.c_void_p()
    if not _DLADDR1(pc, ctypes.byref(info), ctypes.byref(symbol), _RTLD_DL_SYMENT):
        return (None, 0, None)
    module = os.fsdecode(info.dli_fname) if info.dli_fname else None
    if module and not os.path.isabs(module):  # the main program, named as it was started
        module = os.path.realpath(sys.executable)
    name = None
    if info.dli_sname and info.dli_saddr and symbol.value:
        entry = ctypes.cast(symbol, ctypes.POINTER(_ElfSymbol)).contents
        # dladdr names the nearest exported symbol below the address even when the address
        # lies in a static function after it; only an address inside the symbol is named.
        if info.dli_saddr <= pc < info.dli_saddr + max(entry.st_size, 1):
            name = info.dli_sname.decode("utf-8", "replace")
    return (module, info.dli_fbase or 0, name)


class _Symbolizer:
    """One llvm-symbolizer process, asked one address at a time (JSON answers, one per line)."""

    def __init__(self):
        self._process = None
        self._failed = False

    def available(self):
        if self._process is None and not self._failed:
            self._start()
        return self._process is not None

    def _start(self):
        path = os.environ.get("MEMGATE_SYMBOLIZER") or shutil.which("llvm-symbolizer")
        if not path and shutil.which("swift"):
            candidate = os.path.join(os.path.dirname(os.path.realpath(shutil.which("swift"))), "llvm-symbolizer")
            path = candidate if os.access(candidate, os.X_OK) else None
        if not path:
            self._failed = True
            return
        try:
            self._process = subprocess.Popen(
                [path, "--inlining", "--relativenames", "--output-style=JSON"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                env={key: value for key, value in os.environ.items() if key not in ("LD_PRELOAD", "MEMGATE_OUTPUT")})
        except OSError:
            self._failed = True

    def frames(self, module, offset):
        try:
            self._process.stdin.write('"%s" 0x%x\n' % (module.replace('"', ""), offset))
            self._process.stdin.flush()
            answer = json.loads(self._process.stdout.readline())
        except (OSError, ValueError):
            self._process = None
            self._failed = True
            return None
        frames = []
        for symbol in answer.get("Symbol") or []:
            function = symbol.get("FunctionName") or ""
            if not function or function == "??":
                continue
            filename = symbol.get("FileName") or ""
            if not filename or filename == "??":
                frames.append((function, _UNKNOWN, 0))
            else:
                frames.append((function, filename, int(symbol.get("Line") or 0)))
        return frames


_SYMBOLIZER = _Symbolizer()


def hybrid_frames(frames):
    """A capture stack's frames (innermost first) as filter_fn sees them: each native return
    address as its inline chain, Python's allocator wrappers dropped from the inner end."""
    named = []
    for function, filename, line in frames:
        if not filename and function.startswith("0x"):
            named.extend(native_frames(int(function, 16)))
        else:
            named.append((function, filename, line))
    start = 0
    while start < len(named) and named[start][0] in PYTHON_ALLOCATORS:
        start += 1
    return named[start:]

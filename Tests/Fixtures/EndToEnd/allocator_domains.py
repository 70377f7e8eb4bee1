"""Python objects through the interpreter's allocator domains, which memgate wraps (pymalloc keeps
running underneath): sizes pymalloc serves itself and sizes it takes from malloc, growth by
realloc, and blocks freed through the other path than they were allocated on.
"""

import ctypes


def make_objects():
    """Objects of pymalloc's sizes and of its malloc fallback (above 512 B), grown and dropped."""
    kept = [bytes(size) for size in (1, 100, 480, 481, 512, 513, 5000, 100_000)]
    grown = []
    for number in range(1000):
        grown.append(number)  # list_resize: PyMem_Realloc
    text = "x" * 10
    for _ in range(20):
        text += "y" * 100  # unicode_resize: PyObject_Realloc
    dropped = [bytearray(300) for _ in range(100)]
    del dropped
    return kept, grown, text


def _functions():
    api = ctypes.pythonapi
    libc = ctypes.CDLL(None)
    api.PyObject_Malloc.restype = ctypes.c_void_p
    api.PyObject_Malloc.argtypes = [ctypes.c_size_t]
    api.PyObject_Free.argtypes = [ctypes.c_void_p]
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return api.PyObject_Malloc, api.PyObject_Free, libc.malloc, libc.free


FUNCTIONS = _functions()


def free_across_paths():
    """A PyObject_Malloc block above pymalloc's limit is malloc's: free() may release it, and
    PyObject_Free may release a malloc block. Only the third block is still live at the end."""
    object_malloc, object_free, malloc, free = FUNCTIONS
    free(object_malloc(100_000))
    object_free(malloc(200_000))
    return object_malloc(300_000)

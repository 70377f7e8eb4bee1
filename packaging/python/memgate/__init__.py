"""memgate, a memory-regression gate for CI, installed with pip.

The wheel carries the native `memgate` executable (Swift, standard library linked in), the
tracker library it preloads into targets, and the Python bootstrap and pytest plugin it runs
them with. This package only finds those files and starts the executable; the `memgate`
console script and `pytest --memgate` (see `memgate.pytest_plugin`) go through it.
"""

from memgate._launcher import binary_path, tracker_path

try:
    from memgate._version import __version__
except ImportError:  # a source tree: the version is generated into the wheel by packaging/build_wheel.py
    __version__ = "0+unknown"

__all__ = ["binary_path", "tracker_path", "__version__"]

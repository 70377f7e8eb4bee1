"""Starts the bundled memgate executable with the tracker library next to it.

Standard library only. The executable and its files sit in `bin/` of this package:

    bin/memgate                                   the CLI
    bin/libmemgate_tracker.so                     preloaded into every target
    bin/memgate_MemgateRuntime.resources/Python/  bootstrap and pytest plugin (found by memgate
    bin/memgate_MemgateReports.resources/Assets/  next to its own executable, as SwiftPM lays out)
"""

import ctypes
import os
import sys

BIN_DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin")

# Shared libraries the executable or the tracker load that are neither glibc nor linked in,
# with the Debian package that provides each. libunwind cannot be linked into the tracker:
# Debian's libunwind.a is not position-independent code.
RUNTIME_LIBRARIES = (("libunwind.so.8", "libunwind8"),)


def binary_path():
    """Path of the bundled memgate executable."""
    return os.path.join(BIN_DIRECTORY, "memgate")


def tracker_path():
    """Path of the bundled libmemgate_tracker.so."""
    return os.path.join(BIN_DIRECTORY, "libmemgate_tracker.so")


def environment(base=None):
    """The environment memgate runs with: `base` (default: this process's) with
    MEMGATE_TRACKER naming the bundled tracker, unless it is set already (memgate's own
    override, e.g. for a tracker built from source)."""
    result = dict(os.environ if base is None else base)
    if not result.get("MEMGATE_TRACKER"):
        result["MEMGATE_TRACKER"] = tracker_path()
    return result


def missing_runtime_libraries(libraries=RUNTIME_LIBRARIES):
    """The (soname, Debian package) pairs of `libraries` the dynamic loader cannot load."""
    missing = []
    for soname, package in libraries:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append((soname, package))
    return missing


def check_runtime_libraries(libraries=RUNTIME_LIBRARIES):
    """Exits with memgate's status 3 (memgate could not run) and a message naming the
    packages to install when a library of `libraries` is missing."""
    missing = missing_runtime_libraries(libraries)
    if not missing:
        return
    names = ", ".join(soname for soname, _ in missing)
    packages = " ".join(package for _, package in missing)
    sys.stderr.write(
        "memgate: %s not found; the tracker library needs it. Install it: "
        "`sudo apt-get install %s` (Debian, Ubuntu) or your distribution's libunwind package.\n"
        % (names, packages)
    )
    sys.exit(3)


def main():
    """The `memgate` console script: replaces this process with the bundled executable."""
    check_runtime_libraries()
    binary = binary_path()
    # argv[0] is the full path: memgate finds its tracker and resources next to it.
    os.execve(binary, [binary] + sys.argv[1:], environment())

#!/usr/bin/env python3
"""Builds memgate's wheel from a release build: `make wheel` runs it.

    build_wheel.py --binary B --tracker T --resources DIR... --out dist/

The wheel is `memgate-<version>-py3-none-manylinux_<glibc>_<arch>.whl`: the version is the
one `memgate --version` prints (defined once, in Sources/memgate/Memgate.swift), the platform
tag is this machine's glibc, the oldest the binary can run on. Contents: the Python package
in packaging/python/memgate, and in its bin/ the executable, the tracker and SwiftPM's resource
bundles. Standard library only; the archive is deterministic (sorted, fixed timestamps).
"""

import argparse
import base64
import hashlib
import os
import platform
import re
import subprocess
import sys
import zipfile

PACKAGE_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "python", "memgate")
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
SUMMARY = "A memory-regression gate for CI: peak memory and allocation sites of Python and native targets"


def version_of(binary):
    """The version `binary --version` prints, checked to be a PEP 440 release number."""
    output = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    if not re.fullmatch(r"\d+(\.\d+)*", output):
        sys.exit("build_wheel.py: `%s --version` printed %r, not a version like 1.2.3" % (binary, output))
    return output


def check_libraries(paths, allowed):
    """Exits naming every shared library a file of `paths` needs whose name (up to `.so`) is not
    in `allowed`: the wheel must run where only glibc and those are installed."""
    problems = []
    for path in paths:
        listing = subprocess.run(["ldd", path], check=True, capture_output=True, text=True).stdout
        for line in listing.splitlines():
            library = os.path.basename(line.split()[0]) if line.strip() else ""
            if library and library.split(".so")[0] not in allowed:
                problems.append("%s needs %s" % (path, library))
    if problems:
        sys.exit("build_wheel.py: libraries beyond the allowed ones:\n  " + "\n  ".join(problems))


def platform_tag():
    """manylinux_<major>_<minor>_<arch> of this machine's glibc."""
    libc = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"
    match = re.fullmatch(r"glibc (\d+)\.(\d+)", libc or "")
    if not match:
        sys.exit("build_wheel.py: not a glibc system (%r); manylinux wheels need glibc" % libc)
    return "manylinux_%s_%s_%s" % (match.group(1), match.group(2), platform.machine())


def package_files(binary, tracker, resources, version):
    """(path in the wheel, bytes, executable) of every file but the dist-info's."""
    files = []
    for name in sorted(os.listdir(PACKAGE_SOURCE)):
        if name.endswith(".py"):
            with open(os.path.join(PACKAGE_SOURCE, name), "rb") as file:
                files.append(("memgate/" + name, file.read(), False))
    files.append(("memgate/_version.py", ('__version__ = "%s"\n' % version).encode(), False))
    for source, name in ((binary, "memgate"), (tracker, "libmemgate_tracker.so")):
        with open(source, "rb") as file:
            files.append(("memgate/bin/" + name, file.read(), True))
    for bundle in resources:
        root = os.path.dirname(os.path.abspath(bundle))
        for directory, subdirectories, names in os.walk(bundle):
            subdirectories.sort()
            for name in sorted(names):
                if name.endswith(".pyc"):
                    continue
                path = os.path.join(directory, name)
                with open(path, "rb") as file:
                    relative = os.path.relpath(path, root).replace(os.sep, "/")
                    files.append(("memgate/bin/" + relative, file.read(), False))
    return files


def dist_info_files(version, tag):
    """METADATA, WHEEL and entry_points.txt."""
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            "Name: memgate",
            "Version: " + version,
            "Summary: " + SUMMARY,
            "Requires-Python: >=3.8",
            "Classifier: Framework :: Pytest",
            "Classifier: Operating System :: POSIX :: Linux",
            "",
            "memgate runs each target under its own allocation tracker, measures the peak of live",
            "requested bytes and the allocation sites live at that peak, and fails CI when a budget",
            "or a committed baseline is exceeded. `memgate run --config memgate.yml`, or",
            "`pytest --memgate` for pytest-memray's markers without a config file.",
            "",
        ]
    )
    wheel = "Wheel-Version: 1.0\nGenerator: memgate packaging/build_wheel.py\nRoot-Is-Purelib: false\nTag: %s\n" % tag
    entry_points = "[console_scripts]\nmemgate = memgate._launcher:main\n\n[pytest11]\nmemgate = memgate.pytest_plugin\n"
    return [("METADATA", metadata), ("WHEEL", wheel), ("entry_points.txt", entry_points)]


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def write_wheel(path, files):
    """Writes `files` ((name, bytes, executable)) and their RECORD, which comes last."""
    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, executable in files:
            info = zipfile.ZipInfo(name, ZIP_TIMESTAMP)
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--tracker", required=True)
    parser.add_argument("--resources", nargs="+", required=True, help="SwiftPM resource bundles (*.resources)")
    parser.add_argument("--allowed-libraries", nargs="+", required=True, help="shared libraries the files may need")
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    check_libraries([options.binary, options.tracker], set(options.allowed_libraries))
    version = version_of(options.binary)
    tag = "py3-none-" + platform_tag()
    dist_info = "memgate-%s.dist-info" % version
    files = package_files(options.binary, options.tracker, options.resources, version)
    files += [(dist_info + "/" + name, text.encode(), False) for name, text in dist_info_files(version, tag)]
    record = "".join(record_line(name, data) + "\n" for name, data, _ in files) + dist_info + "/RECORD,,\n"
    files.append((dist_info + "/RECORD", record.encode(), False))
    os.makedirs(options.out, exist_ok=True)
    wheel = os.path.join(options.out, "memgate-%s-%s.whl" % (version, tag))
    # One wheel in the output directory: an older version's would be installed by `dist/*.whl`.
    for name in os.listdir(options.out):
        if name.startswith("memgate-") and name.endswith(".whl") and name != os.path.basename(wheel):
            os.remove(os.path.join(options.out, name))
    write_wheel(wheel, files)
    print(wheel)


if __name__ == "__main__":
    main()

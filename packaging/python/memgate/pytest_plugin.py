"""`pytest --memgate`: the current pytest session, run under memgate.

Registered through the `pytest11` entry point, so it is loaded in every pytest session of the
environment memgate is installed in, and does nothing without `--memgate`.

With `--memgate`, this session does not run the tests itself: it writes a one-target memgate
config (a `pytest:` target with the same arguments, interpreter and working directory) to a
temporary directory, runs `memgate run` on it, and exits with memgate's exit status (0 passed,
1 a test failed or broke its pytest-memray marker, 2 usage error, 3 memgate could not run).
Inside that run memgate starts pytest again with its own plugin, which measures each test and
honours `limit_memory` and `limit_leaks`; this plugin sees memgate's environment there and
stays out of the way. `--memgate-artifacts DIR` writes memgate's artifacts (junit.xml,
results.json, summary.md, index.html, flamegraphs/) to DIR.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from memgate import _launcher

# Set by memgate for the pytest it runs; its presence means this session is the measured one.
_UNDER_MEMGATE = "MEMGATE_PYTEST_REPORT"
_OPTIONS_WITH_VALUE = ("--memgate-artifacts",)
# A whole session is one memgate target; its default timeout (120 s) is meant for one program.
_SESSION_TIMEOUT = "24h"


def pytest_addoption(parser):
    group = parser.getgroup("memgate", "memory gate (memgate)")
    group.addoption(
        "--memgate",
        action="store_true",
        default=False,
        help="Run this session under memgate: each test is measured, pytest-memray's "
        "limit_memory and limit_leaks markers are enforced, and the exit status is memgate's.",
    )
    group.addoption(
        "--memgate-artifacts",
        metavar="DIR",
        default=None,
        help="With --memgate: write junit.xml, results.json, summary.md, index.html and "
        "flamegraphs/ to DIR.",
    )


def pytest_configure(config):
    # pytest-memray's markers, so a session without --memgate (or memray) does not warn about them.
    config.addinivalue_line("markers", "limit_memory(limit): fail the test when its peak reaches limit")
    config.addinivalue_line("markers", "limit_leaks(location_limit): fail the test when a location leaks that much")


def pytest_cmdline_main(config):
    if not config.getoption("memgate") or os.environ.get(_UNDER_MEMGATE):
        return None
    return run_under_memgate(config)


def run_under_memgate(config):
    """Runs this session's command line as the one target of a memgate run; memgate's status."""
    invocation_directory = str(config.invocation_params.dir)
    paths, arguments = _split_arguments(config)
    command = [_launcher.binary_path(), "run"]
    artifacts = config.getoption("memgate_artifacts")
    if artifacts:
        command += ["--artifacts", os.path.join(invocation_directory, artifacts)]
    scratch = tempfile.mkdtemp(prefix="memgate-pytest-")
    try:
        config_path = os.path.join(scratch, "memgate.yml")
        with open(config_path, "w", encoding="utf-8") as file:
            file.write(session_config(paths, arguments, invocation_directory))
        _launcher.check_runtime_libraries()
        sys.stdout.flush()
        sys.stderr.flush()
        finished = subprocess.run(command + ["--config", config_path], env=_launcher.environment())
        return finished.returncode
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def session_config(paths, arguments, invocation_directory, interpreter=None):
    """The memgate config (YAML) of one pytest target running `paths` with `arguments`.

    Every scalar is written as a JSON string, which YAML reads as the same string."""
    absolute = [os.path.join(invocation_directory, path) for path in paths]
    lines = [
        "version: 1",
        "baselines: baselines",
        "targets:",
        "  - name: pytest",
        "    pytest: %s" % json.dumps(absolute[0]),
        "    args: %s" % json.dumps(absolute[1:] + list(arguments)),
        "    interpreter: %s" % json.dumps(interpreter or sys.executable),
        "    cwd: %s" % json.dumps(invocation_directory),
        "    timeout: %s" % _SESSION_TIMEOUT,
    ]
    return "\n".join(lines) + "\n"


def _split_arguments(config):
    """(test paths, other arguments) of this session, without this plugin's options.

    The paths are pytest's own reading of the command line: the arguments given, else
    `testpaths`, else the invocation directory. memgate's `pytest:` key takes the first."""
    arguments = []
    raw = list(config.invocation_params.args)
    index = 0
    while index < len(raw):
        argument = raw[index]
        if argument == "--memgate" or any(argument.startswith(option + "=") for option in _OPTIONS_WITH_VALUE):
            index += 1
            continue
        if argument in _OPTIONS_WITH_VALUE:
            index += 2
            continue
        arguments.append(argument)
        index += 1
    paths = [str(path) for path in config.args] or ["."]
    given = getattr(config, "args_source", None) == config.ArgsSource.ARGS if hasattr(config, "ArgsSource") else True
    if given and paths[0] in arguments:
        arguments.remove(paths[0])
        return [paths[0]], arguments
    return paths, arguments

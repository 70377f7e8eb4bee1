"""memgate bootstrap: runs a Python target under libmemgate_tracker.so.

Standard library only. Started by memgate as

    python memgate_bootstrap.py [--call EXPR] [--region NAME] SCRIPT [ARGS...]

Without --call the script runs as __main__ and the whole process is measured. With
--call the script is imported (its top level runs untracked), the call's callee and
arguments are evaluated, and only the call itself runs inside a memgate region.
"""

import ast
import ctypes
import gc
import sys
import threading


def tracker():
    """The preloaded tracker's exported functions, or None when it is not preloaded."""
    library = ctypes.PyDLL(None)  # PyDLL keeps the GIL held, which the profile hook needs
    try:
        library.memgate_region_begin.argtypes = [ctypes.c_char_p]
        # Resolved now: a first lookup inside the region would be charged to the measured call.
        library.memgate_region_end
        library.memgate_python_install
        library.memgate_python_uninstall
    except AttributeError:
        return None
    return library


def _install_on_new_thread(*_):
    # Runs as the first profile event of each new thread; the C hook replaces it.
    threading.setprofile(None)
    TRACKER.memgate_python_install()


def load_script(path, run_name):
    with open(path, "rb") as source_file:
        source = source_file.read()
    namespace = {"__name__": run_name, "__file__": path, "__builtins__": __builtins__}
    code = compile(source, path, "exec")
    return code, namespace


def split_call(expression, namespace):
    """Evaluates the callee and arguments of `f(a, b=c)` up front, so the region holds the call only."""
    tree = ast.parse(expression, mode="eval")
    node = tree.body
    if not isinstance(node, ast.Call):
        code = compile(tree, "<memgate call>", "eval")
        return (lambda: eval(code, namespace)), ()
    def evaluate(sub):
        return eval(compile(ast.Expression(sub), "<memgate call>", "eval"), namespace)
    function = evaluate(node.func)
    arguments = []
    for argument in node.args:
        if isinstance(argument, ast.Starred):
            arguments.extend(evaluate(argument.value))
        else:
            arguments.append(evaluate(argument))
    keywords = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            keywords.update(evaluate(keyword.value))
        else:
            keywords[keyword.arg] = evaluate(keyword.value)
    return function, (arguments, keywords)


def measure(function, arguments, region):
    """Calls function(*args, **kwargs) as one memgate region with Python frames tracked."""
    args, kwargs = arguments if arguments else ((), {})
    gc.collect()
    threading.setprofile(_install_on_new_thread)
    TRACKER.memgate_python_install()
    TRACKER.memgate_region_begin(region.encode("utf-8", "replace"))
    try:
        return function(*args, **kwargs)
    finally:
        TRACKER.memgate_region_end()
        TRACKER.memgate_python_uninstall()
        threading.setprofile(None)


def run_whole(code, namespace):
    threading.setprofile(_install_on_new_thread)
    TRACKER.memgate_python_install()
    exec(code, namespace)


def main(argv):
    call = None
    region = None
    while argv and argv[0] in ("--call", "--region"):
        if len(argv) < 2:
            sys.exit("memgate bootstrap: %s needs a value" % argv[0])
        if argv[0] == "--call":
            call = argv[1]
        else:
            region = argv[1]
        argv = argv[2:]
    if not argv:
        sys.exit("memgate bootstrap: no script given")
    script = argv[0]
    sys.argv = list(argv)
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(script)))
    if TRACKER is None:
        print("memgate bootstrap: libmemgate_tracker.so is not preloaded; running untracked", file=sys.stderr)
    if call is None:
        code, namespace = load_script(script, "__main__")
        if TRACKER is None:
            exec(code, namespace)
        else:
            run_whole(code, namespace)
        return 0
    code, namespace = load_script(script, "__memgate_target__")
    exec(code, namespace)
    function, arguments = split_call(call, namespace)
    if TRACKER is None:
        args, kwargs = arguments if arguments else ((), {})
        result = function(*args, **kwargs)
    else:
        result = measure(function, arguments, region or call)
    text = repr(result)
    print("memgate: %s returned %s" % (call, text if len(text) <= 200 else text[:200] + "..."))
    return 0


TRACKER = tracker()

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

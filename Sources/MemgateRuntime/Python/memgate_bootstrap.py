"""memgate bootstrap: runs a Python target under libmemgate_tracker.so.

Standard library only. Started by memgate as

    python memgate_bootstrap.py [--call EXPR] [--region NAME] SCRIPT [ARGS...]

Without --call the script runs as `python SCRIPT` would run it (as runpy.run_path(...,
run_name="__main__") does: a module registered as sys.modules["__main__"], so pickle and
multiprocessing find its functions) and the whole process is measured. With --call the
script is imported under its own name (its top level runs untracked), the call's callee and
arguments are evaluated, and only the call itself runs inside a memgate region.
"""

import ast
import gc
import os
import sys
import types

from memgate_tracker import TRACKER, begin, end, track_python_frames


def load_script(path, run_name):
    """Compiles the script and creates its module, registered in sys.modules as run_name.

    The module stays registered after the script ends: atexit handlers, threads and
    multiprocessing's finalizers may still look it up.
    """
    with open(path, "rb") as source_file:
        source = source_file.read()
    code = compile(source, path, "exec")
    module = types.ModuleType(run_name)
    # As runpy.run_path for a plain file: no spec, no package, the path as given.
    module.__dict__.update(
        __file__=path, __cached__=None, __loader__=None, __spec__=None, __package__=None, __builtins__=__builtins__)
    sys.modules[run_name] = module
    return code, module.__dict__


def module_name(path):
    """The name `import` would give the script, when that name is free; else a private one.

    Under its own name the call's functions pickle by reference, and multiprocessing's spawned
    children import them from the script's directory (on sys.path, as for `python SCRIPT`).
    """
    name = os.path.splitext(os.path.basename(path))[0]
    if name.isidentifier() and name not in sys.modules and name not in sys.builtin_module_names:
        return name
    return "__memgate_target__"


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
    begin(region)
    try:
        return function(*args, **kwargs)
    finally:
        end()


def run_whole(code, namespace):
    track_python_frames()
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
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    if TRACKER is None:
        print("memgate bootstrap: libmemgate_tracker.so is not preloaded; running untracked", file=sys.stderr)
    if call is None:
        code, namespace = load_script(script, "__main__")
        if TRACKER is None:
            exec(code, namespace)
        else:
            run_whole(code, namespace)
        return 0
    code, namespace = load_script(script, module_name(script))
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

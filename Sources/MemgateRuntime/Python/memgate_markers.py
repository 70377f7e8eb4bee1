"""pytest-memray's markers as memgate reads them (standard library only).

Each marker's arguments are checked against pytest-memray's signatures:

    limit_memory(limit, *, current_thread_only=False)
    limit_leaks(location_limit, *, filter_fn=None, current_thread_only=False)
    limit_leaked_objects(*, filter_fn=None)       no Python object created by the test may survive it

The size may be given positionally or by its keyword (`limit=`, `location_limit=`). Anything
memgate cannot honour is a problem, never ignored: an unknown keyword, a missing or repeated
size, a size that is not a string, a current_thread_only that is not a bool, a filter_fn that
is not callable, and more than one of these markers on a test (pytest-memray fails such a
test too). Each problem is one line naming the marker and the argument; memgate fails the test
with it. When a test has a problem none of its marker settings is applied. Whether a size's
text parses ("1 MB") is checked by memgate, which reads sizes with the same units.
"""

from dataclasses import dataclass

MEMRAY_MARKERS = ("limit_memory", "limit_leaks", "limit_leaked_objects")

# Marker name -> (the size parameter, or None; the keyword-only parameters).
_SIGNATURES = {
    "limit_memory": ("limit", ("current_thread_only",)),
    "limit_leaks": ("location_limit", ("filter_fn", "current_thread_only")),
    "limit_leaked_objects": (None, ("filter_fn",)),
}

_SIGNATURE_TEXT = {
    "limit_memory": "limit_memory(limit, *, current_thread_only=False)",
    "limit_leaks": "limit_leaks(location_limit, *, filter_fn=None, current_thread_only=False)",
    "limit_leaked_objects": "limit_leaked_objects(*, filter_fn=None)",
}


@dataclass(frozen=True)
class MarkerSettings:
    """What a test's memray markers ask of memgate, and the problems that stop them applying."""

    limit_memory: object = None  # the size text as written, or None
    limit_leaks: object = None
    filter_fn: object = None  # limit_leaks' filter of locations
    current_thread_only: bool = False
    leaked_objects: bool = False  # limit_leaked_objects
    objects_filter_fn: object = None  # limit_leaked_objects' filter of objects
    problems: tuple = ()


def marker_settings(item):
    """The MarkerSettings of a pytest item, read once and kept on the item."""
    settings = getattr(item, "_memgate_marker_settings", None)
    if settings is None:
        settings = _read(item)
        item._memgate_marker_settings = settings
    return settings


def _read(item):
    problems = []
    names = sorted({marker.name for marker in item.iter_markers() if marker.name in MEMRAY_MARKERS})
    if len(names) > 1:
        problems.append(
            "only one memray marker can be applied to each test, as with pytest-memray (found %s)"
            % ", ".join(names))
    sizes = {}
    filter_fn = None
    objects_filter_fn = None
    current_thread_only = False
    for name in names:
        marker = item.get_closest_marker(name)
        size, marker_problems = _check(marker)
        problems += marker_problems
        sizes[name] = size
        if name == "limit_leaks":
            filter_fn = marker.kwargs.get("filter_fn")
        if name == "limit_leaked_objects":
            objects_filter_fn = marker.kwargs.get("filter_fn")
        current_thread_only = current_thread_only or marker.kwargs.get("current_thread_only") is True
    if problems:
        return MarkerSettings(problems=tuple(problems))
    return MarkerSettings(
        limit_memory=sizes.get("limit_memory"), limit_leaks=sizes.get("limit_leaks"),
        filter_fn=filter_fn, current_thread_only=current_thread_only,
        leaked_objects="limit_leaked_objects" in names, objects_filter_fn=objects_filter_fn)


def _check(marker):
    """The marker's size (None without one) and its problems, each naming the argument."""
    size_name, keywords = _SIGNATURES[marker.name]
    call = _call_text(marker)
    problems = []

    def problem(text):
        problems.append("%s: %s (signature: %s)" % (call, text, _SIGNATURE_TEXT[marker.name]))

    allowed = set(keywords) | ({size_name} if size_name else set())
    for key in marker.kwargs:
        if key not in allowed:
            problem("unknown keyword argument %r" % key)
    args = list(marker.args)
    size = None
    if size_name is None:
        if args:
            problem("takes no positional arguments, got %d" % len(args))
    elif size_name in marker.kwargs:
        size = marker.kwargs[size_name]
        if args:
            problem("%s given both positionally and as a keyword" % size_name)
    elif len(args) > 1:
        problem("takes one positional argument (%s), got %d" % (size_name, len(args)))
    elif args:
        size = args[0]
    else:
        problem("missing the %s argument" % size_name)
    if size_name is not None and size is not None and not isinstance(size, str):
        problem("%s must be a size string such as \"1 MB\", not %s" % (size_name, type(size).__name__))
        size = None
    if not isinstance(marker.kwargs.get("current_thread_only", False), bool):
        problem("current_thread_only must be True or False, not %s"
                % type(marker.kwargs["current_thread_only"]).__name__)
    filter_fn = marker.kwargs.get("filter_fn")
    if filter_fn is not None and not callable(filter_fn):
        problem("filter_fn must be callable, not %s" % type(filter_fn).__name__)
    return size, problems


def _call_text(marker):
    """The marker as written, e.g. `limit_memory(limit=1024)`; callables by name."""
    def text(value):
        if callable(value) and hasattr(value, "__name__"):
            return value.__name__
        return repr(value)

    parts = [text(arg) for arg in marker.args]
    parts += ["%s=%s" % (key, text(value)) for key, value in marker.kwargs.items()]
    return "%s(%s)" % (marker.name, ", ".join(parts))

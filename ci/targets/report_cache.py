"""A report renderer with a bounded cache: memory stays flat however many rows are rendered."""

from functools import lru_cache


@lru_cache(maxsize=256)
def render_cell(value):
    return ("%8d|" % value) * 16


def render_report(rows):
    return sum(len(render_cell(index % 1024)) for index in range(rows))


if __name__ == "__main__":
    print(render_report(10_000))

"""Blocks allocated by the same callers at changing depths: the frames the tracker reads from
the interpreter are memoized by instruction, and a caller found again one or five frames further
out must keep its own line, as must each recursive frame."""


def leaf(size):
    return bytearray(size)  # the block


def middle(depth, size):
    if depth:
        return middle(depth - 1, size)  # recursing
    return leaf(size)  # bottom


def hold_varied():
    kept = []
    for depth in (0, 3, 1, 5, 0, 2):
        kept.append(middle(depth, 1000 + 10 * depth + len(kept)))  # the call
    return len(kept)


if __name__ == "__main__":
    print(hold_varied())

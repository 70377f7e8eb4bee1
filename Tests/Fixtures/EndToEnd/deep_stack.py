"""One 1 MiB block allocated at the bottom of a recursion deeper than any stack memgate keeps
(issue 15 point 11): its stack must keep the innermost frames, where the block was made."""

BLOCK_BYTES = 1 << 20


def descend(depth):
    if depth == 0:
        return bytearray(BLOCK_BYTES)  # the block
    return descend(depth - 1)


def hold_deep(depth):
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), depth + 100))
    block = descend(depth)
    return len(block)


if __name__ == "__main__":
    import sys

    print(hold_deep(int(sys.argv[1]) if len(sys.argv) > 1 else 900))

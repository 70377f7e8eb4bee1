"""Ground truth for mixed Python and native stacks: one call that holds exactly 4 MiB.

Run by the tracker tests as `--call "hold_four_mebibytes()"` with native frames on. The
byte array's buffer is allocated by the interpreter's C code, so its stack has Python frames
(outermost) followed by the native frames below the eval loop; the site is still the line
of this file that creates the byte array.
"""

KEPT = []


def hold_four_mebibytes():
    block = bytearray(4 * 1024 * 1024)
    KEPT.append(block)
    return len(block)

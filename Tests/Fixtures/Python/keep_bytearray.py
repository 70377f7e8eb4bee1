"""Ground truth for Python frames: one call that holds exactly 10 MiB from a known line.

Run by the tracker tests as `--call "hold_ten_mebibytes()"`. The test looks up the one line
of this file that creates the byte array and expects the top allocation site on it.
"""

KEPT = []


def hold_ten_mebibytes():
    block = bytearray(10 * 1024 * 1024)
    KEPT.append(block)
    return len(block)

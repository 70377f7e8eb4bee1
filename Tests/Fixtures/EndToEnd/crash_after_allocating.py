"""Allocates 4 MiB, then kills its own process with SIGKILL: memgate must report a crash."""

import os
import signal


def allocate_then_die():
    buffer = bytearray(4 * 1024 * 1024)
    os.kill(os.getpid(), signal.SIGKILL)
    return len(buffer)

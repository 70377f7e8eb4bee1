"""Sleeps far longer than its target's timeout: memgate must kill it and report a timeout."""

import time


def sleep_for(seconds):
    buffer = bytearray(64 * 1024)
    time.sleep(seconds)
    return len(buffer)

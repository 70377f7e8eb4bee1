"""Four threads each hold 4 MiB at one moment; each allocation is under `hold` on its own thread.

Run as a script, the threads start inside the measured process. With
`--python-call "hold_in_threads(started_workers(4))"` they start while the call's arguments
are evaluated, before the region begins; with `hold_in_threads(new_workers(4))` inside it.
"""

import threading

FOUR_MEBIBYTES = 4 << 20


def hold(barrier, done):
    block = bytearray(FOUR_MEBIBYTES)  # every thread's 4 MiB
    barrier.wait()
    done.wait()
    return len(block)


class Workers:
    def __init__(self, count):
        self.barrier = threading.Barrier(count + 1)
        self.go = threading.Event()
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.work) for _ in range(count)]

    def work(self):
        self.go.wait()
        hold(self.barrier, self.done)

    def start(self):
        for thread in self.threads:
            thread.start()
        return self


def new_workers(count):
    return Workers(count)


def started_workers(count):
    return Workers(count).start()


def hold_in_threads(workers):
    """Lets the workers go, waits until all hold their block, then lets them finish."""
    if not workers.threads[0].is_alive():
        workers.start()
    workers.go.set()
    workers.barrier.wait()
    workers.done.set()
    for thread in workers.threads:
        thread.join()
    return len(workers.threads)


if __name__ == "__main__":
    hold_in_threads(new_workers(4))

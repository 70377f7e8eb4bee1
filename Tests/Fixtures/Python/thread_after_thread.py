"""Starts 3000 threads one after another, each allocating a few objects, then prints this
interpreter's VmRSS (KiB): the tracker's per-thread memory must not grow with the number of
threads a program has started, only with those running at once."""
import threading


def work():
    return [str(number) for number in range(50)]


def vm_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


if __name__ == "__main__":
    for _ in range(3000):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    print(f"vm_rss_kib={vm_rss_kib()}")

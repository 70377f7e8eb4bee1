"""Prints this interpreter's VmPeak (KiB) after one call: the tracker's address space test
compares it run untracked and run under the tracker with Python frames."""


def vm_peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmPeak:"):
                return int(line.split()[1])
    return -1


def report():
    print(f"vm_peak_kib={vm_peak_kib()}")


if __name__ == "__main__":
    report()

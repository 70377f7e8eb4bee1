"""A script that needs to be a real module: pickle and multiprocessing look its functions up by name.

`python main_module.py [fork|spawn ...]` holds 2 MiB, pickles one of its own functions by
reference, and maps it over a pool of each given start method.
"""

import multiprocessing
import pickle
import sys

TWO_MEBIBYTES = 2 << 20


def square(number):
    return number * number


def hold_and_pickle(*start_methods):
    block = bytearray(TWO_MEBIBYTES)  # the script's own allocation
    if pickle.loads(pickle.dumps(square)) is not square:
        raise SystemExit("square did not round-trip through pickle")
    for method in start_methods:
        with multiprocessing.get_context(method).Pool(1) as pool:
            if pool.map(square, [1, 2, 3]) != [1, 4, 9]:
                raise SystemExit("the %s pool computed a wrong result" % method)
    return len(block)


if __name__ == "__main__":
    hold_and_pickle(*sys.argv[1:])

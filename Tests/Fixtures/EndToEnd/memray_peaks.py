"""Prints the peak of every memray capture in a directory, as JSON {file name: peak bytes}.

Used by memgate's end-to-end comparison with pytest-memray: `memray stats` refuses the
aggregated captures pytest-memray writes, but their metadata still records the peak.
Usage: python memray_peaks.py DIRECTORY
"""

import json
import os
import sys

from memray import FileReader


def main(directory):
    peaks = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".bin"):
            peaks[name] = FileReader(os.path.join(directory, name)).metadata.peak_memory
    json.dump(peaks, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])

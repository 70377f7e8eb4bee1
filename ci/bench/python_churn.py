"""An allocation-heavy Python workload for `make bench`: ROUNDS rounds (default 40) of 10 000
small records, each a dict holding a str, a list and ints. A round makes about 89 400
allocations as memgate counts them, so 67 rounds are 6 M.

Usage: python_churn.py [ROUNDS]
"""
import sys


def churn(rounds):
    total = 0
    for _ in range(rounds):
        rows = [{"id": index, "name": "row%d" % index, "tags": [index, index + 1]} for index in range(10_000)]
        total += sum(len(row["name"]) for row in rows)
    return total


if __name__ == "__main__":
    print(churn(int(sys.argv[1]) if len(sys.argv) > 1 else 40))

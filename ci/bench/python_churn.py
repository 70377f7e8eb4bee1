"""An allocation-heavy Python workload for `make bench`: 40 rounds of 10 000 small records."""


def churn(rounds):
    total = 0
    for _ in range(rounds):
        rows = [{"id": index, "name": "row%d" % index, "tags": [index, index + 1]} for index in range(10_000)]
        total += sum(len(row["name"]) for row in rows)
    return total


if __name__ == "__main__":
    print(churn(40))

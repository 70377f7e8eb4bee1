"""The Fibonacci exercise: the same checksum computed two ways.

fibonacci_hash_list materializes every sequence as a list before summing, so all three
lists of big integers are alive at once (well over 100 MiB). fibonacci_hash_generator
streams the numbers, so only a handful of integers is ever alive (a few KiB).
Both return the same value: the sum of three Fibonacci sequences, mod 10 000.
"""

MODULUS = 10_000


def fibonacci_list(count):
    """The first `count` Fibonacci numbers, as a list."""
    numbers = [0, 1]
    while len(numbers) < count:
        numbers.append(numbers[-1] + numbers[-2])
    return numbers[:count]


def fibonacci_hash_list(*lengths):
    """Sum of all numbers of each sequence, mod 10 000; holds every sequence at once."""
    sequences = [fibonacci_list(length) for length in lengths]
    return sum(sum(sequence) for sequence in sequences) % MODULUS


def fibonacci_numbers(count):
    """The first `count` Fibonacci numbers, one at a time."""
    previous, current = 0, 1
    for _ in range(count):
        yield previous
        previous, current = current, previous + current


def fibonacci_hash_generator(*lengths):
    """Same result as fibonacci_hash_list without keeping any sequence."""
    return sum(sum(fibonacci_numbers(length)) for length in lengths) % MODULUS


if __name__ == "__main__":
    print(fibonacci_hash_list(33333, 30000, 34567), fibonacci_hash_generator(33333, 30000, 34567))

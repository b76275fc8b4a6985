"""Best-of-n wall time, for ratios measured in the same run."""

import time


def best_time(func, repeat=5, number=1):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best

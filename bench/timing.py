"""Timing on a noisy machine: medians of many runs, taken in turns so that drift hits all alike."""

import math
import statistics
import time
from collections.abc import Callable


def interleaved_medians(*tasks: Callable[[], object], runs: int) -> list[float]:
    """Median seconds of each task over `runs` rounds, each round running every task once."""
    timings = [[] for _ in tasks]
    for _ in range(runs):
        for task, times in zip(tasks, timings, strict=True):
            started = time.perf_counter()
            task()
            times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in timings]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value at or above `fraction` of the values."""
    return sorted_values[max(1, math.ceil(fraction * len(sorted_values))) - 1]

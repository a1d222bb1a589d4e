"""Latency figures: percentiles of repeated timings."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95 and max of a list of milliseconds, rounded to 0.1 ms."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0}

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]

    return {"p50": round(at(0.5), 1), "p95": round(at(0.95), 1), "max": round(ordered[-1], 1)}


def time_each(items: Iterable, call: Callable, rounds: int) -> list[float]:
    """Milliseconds of ``call(item)`` for every item, ``rounds`` times, after one warm-up round."""
    items = list(items)
    for item in items:
        call(item)
    samples = []
    for _round in range(rounds):
        for item in items:
            started = time.perf_counter()
            call(item)
            samples.append((time.perf_counter() - started) * 1000)
    return samples

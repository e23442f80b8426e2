"""Complexity, not speed: how a reader's time grows with its input, for the linear-time tests.

Reading an input of 2K repetitions of a hostile piece must take about twice as long as one of K (a
quadratic pattern gives 4, a cubic one 8). K grows until one read takes ~20 ms (a read still faster
at the largest K is repeated until it does), so fixed costs do not hide the growth. Each time is
the best of 3, and a ratio over the bound is measured again, up to three times in all, because the
machine is shared: a busy moment can spoil one measure, not three in a row (measured here: a
quadratic pattern gave 3.8 to 5.8, a linear one 1.5 to 2.9).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

BOUND = 3.5
T = TypeVar("T")


def _best(run: Callable[[T], object], text: T, times: int = 3, calls: int = 1) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        for _ in range(calls):
            run(text)
        best = min(best, time.perf_counter() - start)
    return best


def growth(run: Callable[[T], object], make: Callable[[int], T]) -> float:
    """Time at 2K repetitions over time at K, with K large enough for ~20 ms."""
    # K stops at 16K: past that the text outgrows the CPU's caches and even a linear reader's time
    # grows faster than the text (ratios near 3 were measured at 256K).
    k = 256
    while k < 1 << 14 and _best(run, make(k), times=2) < 0.02:
        k *= 2
    small, large = make(k), make(2 * k)
    calls = max(1, round(0.02 / max(_best(run, small), 1e-6)))
    return _best(run, large, calls=calls) / _best(run, small, calls=calls)


def assert_linear(run: Callable[[T], object], make: Callable[[int], T]) -> None:
    """Fail unless one of three measures of growth() is under BOUND."""
    ratios = []
    for _ in range(3):
        ratios.append(growth(run, make))
        if ratios[-1] < BOUND:
            return
    pytest.fail(f"time x{min(ratios):.1f} for twice the input: not linear ({', '.join(f'{r:.2f}' for r in ratios)})")

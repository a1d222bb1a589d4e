"""Deterministic subsets: every k-th item of a sorted list, so a build is reproducible."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def every_kth(items: Sequence[T], wanted: int) -> list[T]:
    """About ``wanted`` items spread evenly over ``items`` (all of them if there are fewer)."""
    if wanted <= 0 or not items:
        return []
    if len(items) <= wanted:
        return list(items)
    step = len(items) / wanted
    return [items[int(i * step)] for i in range(wanted)]

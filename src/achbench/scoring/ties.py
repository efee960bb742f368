"""The one tie rule: which scores are equal, and so share a rank.

Scores are sums and products of floats, so two hypotheses that a person would
call level can differ in the last bits (0.1 + 0.2 against 0.3).  A rule that
compares pairs with a tolerance is not transitive (a ~ b and b ~ c, yet not
a ~ c), and then the ranking can depend on the order the comparisons happen
in.  This rule is a grouping instead, so it cannot:

1. each component of the sort key (most methods have one; Open Synthesis sorts
   by inconsistency, then by consistency) is sorted;
2. neighbours in that sorted list whose gap is at most ``TIE_TOLERANCE`` times
   the component's scale (its largest magnitude, at least 1) join one group:
   a chain of small gaps is one group;
3. hypotheses are ordered by their groups, component by component, and those
   with the same groups in every component share a rank, in file order.

The result depends only on the scores, never on the order they are given in (a
property test shuffles them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, TypeAlias

TIE_TOLERANCE: Final = 1e-9
"""Relative to the scores' scale: gaps this small are float noise, not a difference."""

Key: TypeAlias = float | tuple[float, ...]
"""What a method sorts a hypothesis by, lowest first."""


def tolerance(values: Sequence[float]) -> float:
    """The gap below which two of ``values`` are tied: relative to their largest magnitude."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    return TIE_TOLERANCE * max(1.0, max(finite, default=1.0))


def groups(values: Sequence[float]) -> list[int]:
    """Each value's tie group, numbered from the lowest: neighbours within tolerance share one."""
    order = sorted(range(len(values)), key=values.__getitem__)
    gap = tolerance(values)
    out = [0] * len(values)
    group = 0
    previous: float | None = None
    for index in order:
        value = values[index]
        if previous is not None and value != previous and not value - previous <= gap:
            group += 1
        out[index] = group
        previous = value
    return out


def rank_order(keys: Sequence[Key]) -> list[tuple[int, int]]:
    """(index, rank) pairs in rank order: lower keys first, tied keys share a rank in file order."""
    if not keys:
        return []
    tupled = [key if isinstance(key, tuple) else (key,) for key in keys]
    columns = list(zip(*tupled, strict=True))
    grouped = list(zip(*(groups(column) for column in columns), strict=True))
    order = sorted(range(len(keys)), key=lambda i: (grouped[i], i))
    out: list[tuple[int, int]] = []
    rank = 0
    for position, index in enumerate(order):
        if position == 0 or grouped[order[position - 1]] != grouped[index]:
            rank = position + 1
        out.append((index, rank))
    return out


def ranks(keys: Sequence[Key]) -> list[int]:
    """Each key's rank (1 is best), in input order."""
    out = [0] * len(keys)
    for index, rank in rank_order(keys):
        out[index] = rank
    return out

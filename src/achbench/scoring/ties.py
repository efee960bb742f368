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

import itertools
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import ne, not_, sub
from typing import Final, TypeAlias, cast

TIE_TOLERANCE: Final = 1e-9
"""Relative to the scores' scale: gaps this small are float noise, not a difference."""

Key: TypeAlias = float | tuple[float, ...]
"""What a method sorts a hypothesis by, lowest first."""


def tolerance(values: Sequence[float]) -> float:
    """The gap below which two of ``values`` are tied: relative to their largest magnitude."""
    return TIE_TOLERANCE * max(1.0, max(map(abs, filter(math.isfinite, values)), default=1.0))


def joined(lower: float, higher: float, gap: float) -> bool:
    """Whether two neighbours of a sorted column (``lower`` <= ``higher``) share a group."""
    return higher == lower or higher - lower <= gap


def _sorted_joins(values: Sequence[float]) -> tuple[list[int], list[bool]]:
    """``values``' indices sorted by value, and for each neighbouring pair whether it is joined."""
    order = sorted(range(len(values)), key=values.__getitem__)
    gap = tolerance(values)
    ranked = list(map(values.__getitem__, order))
    if math.isfinite(sum(ranked)):  # every gap at once, in C (see ``joined``)
        return order, list(map(gap.__ge__, map(sub, ranked[1:], ranked[:-1])))
    joins = [joined(values[a], values[b], gap) for a, b in itertools.pairwise(order)]
    return order, joins


def leaders(ids: Sequence[str], values: Sequence[float]) -> tuple[str, ...]:
    """The ids of the lowest value's tie group (a chain of joined neighbours), in
    file order, without ranking the rest: who leads, cheaply."""
    order = sorted(range(len(values)), key=values.__getitem__)
    gap = tolerance(values)
    k = 1
    while k < len(order) and joined(values[order[k - 1]], values[order[k]], gap):
        k += 1
    return tuple(ids[i] for i in sorted(order[:k]))


def groups(values: Sequence[float]) -> list[int]:
    """Each value's tie group, numbered from the lowest: neighbours within tolerance share one."""
    order, joins = _sorted_joins(values)
    out = [0] * len(values)
    numbers = accumulate(map(not_, joins), initial=0)  # a new group after each gap
    deque(map(out.__setitem__, order, numbers), maxlen=0)  # out[order[p]] = numbers[p], in C
    return out


def _columns(keys: Sequence[Key]) -> list[tuple[float, ...]]:
    """The keys' components, one column each (a plain number is a key of one component)."""
    kinds = set(map(type, keys))
    if kinds == {tuple}:  # every key a tuple: transposed in C
        return list(zip(*cast("Sequence[tuple[float, ...]]", keys), strict=True))
    if tuple not in kinds:  # every key a number: one column
        return [tuple(cast("Sequence[float]", keys))]
    tupled = [key if isinstance(key, tuple) else (key,) for key in keys]
    return list(zip(*tupled, strict=True))


def rank_order(keys: Sequence[Key]) -> list[tuple[int, int]]:
    """(index, rank) pairs in rank order: lower keys first, tied keys share a rank in file order."""
    if not keys:
        return []
    if tuple not in map(type, keys):
        return _plain_rank_order(cast("Sequence[float]", keys))
    # Group the components one after another, and stop once the groups so far
    # tell every hypothesis apart: later components can no longer change the order.
    found: list[list[int]] = []
    for column in _columns(keys):
        found.append(groups(column))
        if len(set(zip(*found, strict=True))) == len(keys):
            break
    grouped = list(zip(*found, strict=True))
    order = sorted(range(len(keys)), key=grouped.__getitem__)  # stable: file order in a group
    return _ranks_in_order(order, list(map(grouped.__getitem__, order)))


def _ranks_in_order(order: list[int], ranked: Sequence[object]) -> list[tuple[int, int]]:
    """(index, rank) for indices already in rank order, ``ranked`` their sort keys in
    that order: neighbours with equal keys share the rank where their run starts."""
    breaks = list(map(ne, ranked[1:], ranked[:-1]))  # a new rank where the keys differ
    rank = [start + 1 for start in (0, *compress(range(1, len(order)), breaks))]
    return list(zip(order, map(rank.__getitem__, accumulate(breaks, initial=0)), strict=True))


def _plain_rank_order(values: Sequence[float]) -> list[tuple[int, int]]:
    """``rank_order`` for keys of one component: each run of joined neighbours in
    sorted order is one group, listed in file order, ranked by the position where
    it starts (what the general path computes, without building group tuples:
    leave-one-out ranks thousands of these).  The gaps are compared in C; a NaN
    or an infinity takes the pairwise rule, which says what they join."""
    n = len(values)
    order = sorted(range(n), key=values.__getitem__)
    gap = tolerance(values)
    ranked = list(map(values.__getitem__, order))
    if math.isfinite(sum(ranked)):  # the breaks directly, not ``_sorted_joins`` negated
        breaks = list(map(gap.__lt__, map(sub, ranked[1:], ranked[:-1])))
    else:
        breaks = [not joined(a, b, gap) for a, b in itertools.pairwise(ranked)]
    starts = [0, *compress(range(1, n), breaks)]
    if len(starts) == n:  # no ties
        return list(zip(order, range(1, n + 1), strict=True))
    group = [0] * n
    for _ in map(group.__setitem__, order, accumulate(breaks, initial=0)):
        pass
    final = sorted(range(n), key=group.__getitem__)  # stable: file order in a group
    rank = [start + 1 for start in starts]
    return list(zip(final, map(rank.__getitem__, map(group.__getitem__, final)), strict=True))


def rank_order_separated(keys: Sequence[Key]) -> list[tuple[int, int]]:
    """``rank_order`` for keys whose distinct values, component by component, lie
    further apart than ``tolerance`` allows (whole counts over a small scale): then
    two keys share every tie group exactly when they are equal, and the ranking
    is a sort, equal keys sharing a rank in file order."""
    if not keys:
        return []
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: file order among equals
    return _ranks_in_order(order, list(map(keys.__getitem__, order)))


@dataclass(frozen=True, slots=True)
class Grouping:
    """Keys' tie groups, column by column, kept to check changed keys against in O(n).

    A ranking is a function of the groups alone, so keys that fall into the
    same groups rank exactly alike.  Sensitivity analysis re-ranks the
    hypotheses without each evidence item in turn; most removals move no group,
    and ``holds_for`` proves it without sorting again.
    """

    columns: tuple[tuple[list[int], list[bool]], ...]
    """Per key component: indices in sorted order, and whether each neighbouring pair is joined."""
    spans: tuple[_Spans, ...]
    """Per key component: its groups of two or more, for ``holds_for``."""

    @classmethod
    def of(cls, keys: Sequence[Key]) -> Grouping:
        """The grouping of ``keys``, as ``rank_order`` forms it."""
        columns = tuple(_sorted_joins(column) for column in _columns(keys)) if keys else ()
        return cls(columns, tuple(_Spans.of(joins) for _, joins in columns))

    def holds_for(self, keys: Sequence[Key]) -> bool:
        """True when ``keys`` (same length and shape) fall into exactly these groups.

        False when they may not: a value passed a neighbour in another group, or
        a gap crossed the tolerance.  Rank them to know.
        """
        for (order, joins), spans, column in zip(
            self.columns, self.spans, _columns(keys), strict=True
        ):
            gap = tolerance(column)
            ranked = list(map(column.__getitem__, order))
            if math.isfinite(sum(ranked)):  # every gap at once, in C
                if not spans.hold(ranked, gap):
                    return False
                continue
            for p, (a, b) in enumerate(itertools.pairwise(order)):
                lower, higher = column[a], column[b]
                if higher < lower or joined(lower, higher, gap) != joins[p]:
                    return False
        return True


@dataclass(frozen=True, slots=True)
class _Spans:
    """The groups of one sorted column that hold two or more values, as position
    ranges in that order, so that values may move within their group.

    Values of one group may swap places (posteriors tied near zero do, when an
    item is left out) and still form that group: what matters is that each group
    spans at most the tolerance, so it stays one chain in any order, and lies
    more than the tolerance above the group before.  ``hold`` checks both for
    every group at once: each group of several is cut down to its lowest and
    highest value, and the gaps of the list so cut are compared in C.
    """

    ranges: tuple[tuple[int, int], ...]
    """(start, end) positions of each group of two or more, in sorted order."""
    joins: list[bool]
    """Whether each neighbouring pair of the cut list is joined: inside a group's
    (lowest, highest) pair only."""

    @classmethod
    def of(cls, joins: list[bool]) -> _Spans:
        ranges = []
        at = 0
        for joined_run, run in itertools.groupby(joins):
            length = len(list(run))
            if joined_run:  # ``length`` joins hold ``length + 1`` values together
                ranges.append((at, at + length + 1))
            at += length
        # The join after each value of the cut list (the last has none): after a
        # group's lowest, its highest; after anything else, the next group.
        cut: list[bool] = []
        at = 0
        for start, end in ranges:
            cut += [False] * (start - at) + [True, False]
            at = end
        cut += [False] * (len(joins) + 1 - at)
        return cls(tuple(ranges), cut[:-1])

    def hold(self, ranked: list[float], gap: float) -> bool:
        """Whether ``ranked`` (finite values at the positions of the sorted order
        these spans were taken from) falls into the same groups."""
        cut = ranked
        if self.ranges:
            parts: list[float] = []
            at = 0
            for start, end in self.ranges:
                group = ranked[start:end]
                parts += ranked[at:start]
                parts += (min(group), max(group))
                at = end
            parts += ranked[at:]
            cut = parts
        gaps = list(map(sub, cut[1:], cut[:-1]))
        return not gaps or (min(gaps) >= 0 and list(map(gap.__ge__, gaps)) == self.joins)

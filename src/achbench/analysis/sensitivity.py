"""How far the ranking rests on single items, single ratings and single weights.

Heuer's step 6: "analyze how sensitive your conclusion is to a few critical
items of evidence".  ``analyse(grid, method)`` answers five questions and returns
them as one ``Findings`` value:

* **leave one out**: for each evidence item, does removing it change the leader,
  or any rank, and what is the new order?  Computed from each item's share of
  the scores (the scores minus one row), so all items together cost O(E x H),
  not E re-scorings.  Ranks follow ``scoring.ties``, as ``scoring`` does; a
  removal that leaves every hypothesis in its tie group is proved so in O(H)
  (``ties.Grouping``) and only the others are ranked again.
* **fewest rating changes**: for each other hypothesis, the smallest set of
  single-rating changes that would make it the sole leader, with the cells
  named.  A *change* sets one analyst's rating of one cell to another code:
  ``steps="any"`` allows any code, ``steps="one"`` only a neighbour on Heuer's
  scale (CC-C-N-I-II, and NA-N).  Exact for ``heuer``, ``weighted`` and
  ``bayes``; a heuristic upper bound for ``opensynthesis`` (see ``_cheapest``).
* **weights** (under ``weighted``): the items whose credibility or relevance,
  moved one level, would change the leader.
* **margin** between the top two, with a close-race flag (``CLOSE_*`` below).
* **credibility**: the leader with only high-credibility evidence, and with
  low-credibility evidence dropped.

Why the rating changes can be exact: under heuer, weighted and bayes a
hypothesis' score is a sum over its own cells of per-rating terms (Heuer's
inconsistency count; the same times a weight; the log likelihood, which ranks
exactly as the posterior does).  A change to a rating of hypothesis Y moves Y's
score alone, by a known *gain*.  For challenger X to lead it must beat every Y:
``S_X + S_Y > B_X - B_Y`` where ``B`` is the score (lower is better), ``S_X``
the gain of the changes that help X and ``S_Y`` of those that hurt Y.  Any
solution stays a solution when its k changes on X's column are replaced by the
k largest gains there, and likewise on each Y's column; so some minimum
solution takes a top-k prefix of X's gains and, for that k, the fewest of each
Y's largest gains that close Y's gap.  Trying every k (stopping once k alone
costs more than the best found) gives the minimum.  The tests check this
against brute force on small matrices.

Open Synthesis' score squares each cell's mean over analysts and breaks ties on
consistency, so gains do not add up across ratings of one cell; there the same
search, one change per cell and a strict lead on inconsistency alone, gives a
set that works but may not be the smallest: it is labelled ``exact=False``.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress, islice, repeat
from operator import add, itemgetter, mul, neg, sub, truediv
from typing import Final, TypeVar, cast

from achbench.core.data import MatrixData
from achbench.core.vocabulary import CODES, LEVELS, METHODS, Code, Level
from achbench.scoring import ties
from achbench.scoring.methods import (
    BAYES_GENUINE,
    BAYES_LIKELIHOOD,
    HEUER_VALUE,
    LEVEL_WEIGHT,
    NEUTRAL_LIKELIHOOD,
    OPENSYNTHESIS_VALUE,
    Cell,
    CellTable,
    Grid,
    bayes_log_likelihoods,
    bayes_log_posteriors,
    cell_codes,
    consensus_code,
    independent,
    item_weights,
    items_with_status,
    pooled,
    posteriors,
    row_cells,
    weighted_totals,
)
from achbench.scoring.origins import vote_source

STEPS: Final = ("any", "one")
"""How far one rating change may move a rating: to any code, or one scale step."""

CLOSE_ABSOLUTE = 2.0
"""Close race (heuer, weighted, opensynthesis): the runner-up trails by less than
this many points: two I ratings, or one II, at medium weight ..."""
CLOSE_RELATIVE = 0.05
"""... or by less than this share of the runner-up's own score, if that is larger."""
CLOSE_ODDS = 3.0
"""Close race (bayes): the leader's posterior is less than this many times the
runner-up's (Jeffreys' 'barely worth mentioning' below about 3)."""


def _one_step() -> dict[Code, tuple[Code, ...]]:
    """Each code's neighbours on Heuer's scale (CC C N I II), and NA beside N."""
    scale = [code for code in CODES if code != "NA"]
    steps: dict[Code, tuple[Code, ...]] = {
        code: tuple(scale[j] for j in (i - 1, i + 1) if 0 <= j < len(scale))
        for i, code in enumerate(scale)
    }
    steps["N"] += ("NA",)
    steps["NA"] = ("N",)
    return steps


_NEIGHBOURS: Final[dict[str, dict[Code, tuple[Code, ...]]]] = {
    "one": _one_step(),
    "any": {c: tuple(o for o in CODES if o != c) for c in CODES},
}
"""The codes one rating change may move each code to, by ``STEPS``."""

_POSITION: Final[dict[Code, float]] = {
    "CC": 0.0,
    "C": 1.0,
    "N": 2.0,
    "I": 3.0,
    "II": 4.0,
    "NA": 2.5,
}
"""Where each code sits on the scale, to prefer the nearest of equally good changes."""

Key = ties.Key
"""A hypothesis' sort key under a method (lower ranks first)."""

T = TypeVar("T")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Standing:
    """Hypotheses in rank order, each with its rank (tied hypotheses share one)."""

    order: tuple[str, ...]
    ranks: dict[str, int]

    @property
    def leaders(self) -> tuple[str, ...]:
        """The hypotheses ranked first: one, or several tied (the start of ``order``)."""
        return self.order[: list(self.ranks.values()).count(1)]


@dataclass(frozen=True, slots=True)
class Removal:
    """What leaving one evidence item out does to the ranking."""

    evidence: str
    title: str
    leader_changed: bool
    ranks_changed: bool
    standing: Standing | None
    """The new standing when any rank changed, else None (same as before)."""
    items: tuple[str, ...] = ()
    """When ``evidence`` is an origin: the items that share it, left out together."""


@dataclass(frozen=True, slots=True)
class RatingChange:
    """One analyst's rating of one cell, changed from ``old`` to ``new``."""

    evidence: str
    hypothesis: str
    analyst: str | None
    """Whose rating; None when several analysts rated and their names are unknown."""
    old: Code
    new: Code
    gain: float
    """How far the change moves the hypothesis' score in the direction wanted."""


@dataclass(frozen=True, slots=True)
class Flip:
    """The fewest rating changes that make ``challenger`` the sole leader."""

    challenger: str
    title: str
    changes: tuple[RatingChange, ...] | None
    """The changes, or None when no set of allowed changes can do it."""
    exact: bool
    """True when the set is proved smallest; False for a heuristic upper bound."""

    @property
    def count(self) -> int | None:
        return None if self.changes is None else len(self.changes)


@dataclass(frozen=True, slots=True)
class WeightShift:
    """An item whose credibility or relevance, moved one level, changes the leader."""

    evidence: str
    title: str
    attribute: str
    """``credibility`` or ``relevance``."""
    old: Level
    new: Level
    leaders: tuple[str, ...]
    """The leader (or tied leaders) after the shift."""


@dataclass(frozen=True, slots=True)
class Margin:
    """How far the runner-up trails the leader, and whether that is a close race."""

    leader: str
    runner_up: str | None
    margin: float | None
    """Score difference (posterior difference under bayes); None with one hypothesis."""
    close: bool
    threshold: float
    """The margin below which the race is close (odds ratio under bayes)."""
    measure: str
    """What ``margin`` measures, in words."""
    odds: float | None = None
    """Under bayes: the leader's posterior over the runner-up's."""


@dataclass(frozen=True, slots=True)
class CredibilityCheck:
    """The leader when evidence is kept or dropped by credibility."""

    name: str
    """``high-only`` or ``without-low``."""
    kept: int
    """Evidence items kept."""
    dropped: int
    leaders: tuple[str, ...]
    changed: bool
    """True when the leaders differ from those with all evidence."""


@dataclass(frozen=True, slots=True)
class Findings:
    """Everything ``analyse`` found, ready to print, serialise or show."""

    method: str
    steps: str
    standing: Standing
    hypothesis_titles: dict[str, str]
    evidence_titles: dict[str, str]
    removals: tuple[Removal, ...]
    flips: tuple[Flip, ...]
    weight_shifts: tuple[WeightShift, ...]
    margin: Margin
    credibility: tuple[CredibilityCheck, ...]
    items: int = 0
    """Evidence items in the matrix."""

    @property
    def origins(self) -> int:
        """Independent pieces of evidence the items come from: items without an origin,
        plus one per origin (``scoring.origins``); leave-one-out leaves each out once."""
        return len(self.removals)

    @property
    def leaders(self) -> tuple[str, ...]:
        return self.standing.leaders

    @property
    def critical(self) -> tuple[Removal, ...]:
        """Items whose removal changes the leader."""
        return tuple(r for r in self.removals if r.leader_changed)

    def to_json(self) -> dict[str, object]:
        """Plain data for ``--format json`` (every float as computed)."""
        return {
            "method": self.method,
            "steps": self.steps,
            "order": list(self.standing.order),
            "ranks": dict(self.standing.ranks),
            "leaders": list(self.leaders),
            "margin": dataclasses.asdict(self.margin),
            "evidence_items": self.items,
            "independent_origins": self.origins,
            "leave_one_out": [
                {
                    "evidence": r.evidence,
                    "title": r.title,
                    **({"items": list(r.items)} if r.items else {}),
                    "leader_changed": r.leader_changed,
                    "ranks_changed": r.ranks_changed,
                    "order": list(r.standing.order) if r.standing else None,
                    "leaders": list(r.standing.leaders) if r.standing else list(self.leaders),
                }
                for r in self.removals
            ],
            "rating_changes": [
                {
                    "challenger": f.challenger,
                    "title": f.title,
                    "exact": f.exact,
                    "count": f.count,
                    "changes": None if f.changes is None else [_flat_dict(c) for c in f.changes],
                }
                for f in self.flips
            ],
            "weight_shifts": [dataclasses.asdict(w) for w in self.weight_shifts],
            "credibility": [dataclasses.asdict(c) for c in self.credibility],
        }


def _flat_dict(change: RatingChange) -> dict[str, object]:
    """``dataclasses.asdict`` of a change, whose fields are all plain values, without
    its deep copy of each (thousands of changes in a long matrix' findings)."""
    return {name: getattr(change, name) for name in _CHANGE_FIELDS}


_CHANGE_FIELDS: Final = tuple(f.name for f in dataclasses.fields(RatingChange))


# --------------------------------------------------------------------------- ranking


def standing(ids: Sequence[str], keys: Sequence[Key], separated: bool = False) -> Standing:
    """Order ``ids`` by ``keys`` and rank them as ``scoring`` does (``scoring.ties``);
    ``separated``: the keys' distinct values are known to lie further apart than
    the tie tolerance (``ties.rank_order_separated``)."""
    order = ties.rank_order_separated(keys) if separated else ties.rank_order(keys)
    listed = tuple(map(ids.__getitem__, map(itemgetter(0), order)))
    return Standing(listed, dict(zip(listed, map(itemgetter(1), order), strict=True)))


@dataclass(slots=True)
class _Scores:
    """One method's scores split into per-item shares, so that any item can be
    taken out in O(H)."""

    keys: list[Key]
    without: Callable[[int], list[Key]]
    """Keys with evidence item ``i`` left out."""
    badness: list[float]
    """The part of each key that rating changes move, lower ranking first: the
    inconsistency (heuer, weighted, opensynthesis) or minus the log posterior."""
    separated: bool = False
    """Whether the keys' distinct values, component by component, always lie further
    apart than the tie tolerance, so that ranking them is a plain sort."""


def _additive_scores(
    grid: Grid, weights: Sequence[float], cells: list[list[float | None]] | None = None
) -> _Scores:
    if cells is None:
        cells = pooled(grid, HEUER_VALUE)
    totals = weighted_totals(cells, weights, len(grid.hypotheses))

    def without(i: int) -> list[Key]:
        return list(map(sub, totals, _shares(cells[i], weights[i])))

    # One analyst, unweighted: every cell and total is a whole number (Heuer's
    # counts), so distinct totals lie at least 1 apart, far above the tolerance.
    whole = len(grid.analysts) == 1 and all(w == 1.0 for w in weights)
    separated = whole and max(map(abs, totals), default=0.0) < 10**8
    return _Scores(list(totals), without, list(totals), separated=separated)


def _shares(row: list[float | None], weight: float) -> list[float]:
    """One item's share of each hypothesis' total: value x weight, 0.0 if unrated."""
    if None in row:
        return [0.0 if v is None else v * weight for v in row]
    if weight == 1.0:  # v x 1.0 is v, to the bit
        return cast("list[float]", row)
    return list(map(mul, cast("list[float]", row), repeat(weight)))


def _opensynthesis_cell(codes: tuple[Code, ...], scale: int) -> tuple[int, int, int, int]:
    """A cell's shares of inconsistency, consistency, NA and unrated, exactly:
    the squared distances times ``scale``, a multiple of k^2 for every cell's
    k votes, so that they are whole numbers."""
    if not codes:
        return 0, 0, 0, 1
    k = len(codes)
    distance = sum(OPENSYNTHESIS_VALUE[c] for c in codes) - 3 * k  # k (m - 3)
    squared = distance * distance * (scale // (k * k))
    inc = squared if distance < 0 else 0
    cons = squared if distance > 0 else 0
    return inc, cons, int(consensus_code(codes) == "NA"), 0


def _opensynthesis_scores(grid: Grid) -> _Scores:
    """Open Synthesis' order, summed in exact arithmetic: the sums are whole
    multiples of 1 / ``scale``, divided once to give the key, so taking an item
    out leaves no rounding behind and the keys are the floats nearest the exact
    scores ``scoring.opensynthesis`` adds up.  Shares of NA and unrated cells
    are compared as counts: every hypothesis has the same number of items."""
    n = len(grid.hypotheses)
    distinct = set(chain.from_iterable(cell.values() for cell in grid.cells))
    scale = 1
    for k in {len(cell_codes(c)) for c in distinct}:
        scale = math.lcm(scale, k * k)
    unrated_share = (0, 0, 0, 1)
    table = CellTable(lambda codes: _opensynthesis_cell(codes, scale), unrated_share)
    rows = list(row_cells(grid))
    inc, cons, na, unrated = ([0] * n for _ in range(4))
    # Whole numbers, so each hypothesis' sums are exact in any order: count each
    # distinct cell in its column (in C) and add its shares once per count.
    for j, column in enumerate(zip(*rows, strict=True) if rows else ()):
        for cell, count in Counter(column).items():
            share = cast("tuple[int, int, int, int]", table[cell])
            inc[j] += share[0] * count
            cons[j] += share[1] * count
            na[j] += share[2] * count
            unrated[j] += share[3] * count

    def without(i: int) -> list[Key]:
        # The item's shares, looked up only for the items left out (not for the
        # credibility checks, which need the totals alone).
        shares = cast("list[tuple[int, int, int, int]]", list(map(table.__getitem__, rows[i])))
        p_inc, p_cons, p_na, p_un = zip(*shares, strict=True)
        return list(
            zip(
                map(truediv, map(sub, inc, p_inc), repeat(scale)),
                map(truediv, map(sub, p_cons, cons), repeat(scale)),
                map(sub, na, p_na),
                map(sub, unrated, p_un),
                strict=True,
            )
        )

    keys: list[Key] = [(inc[j] / scale, -cons[j] / scale, na[j], unrated[j]) for j in range(n)]
    # Every key component is a whole number over ``scale``: distinct values lie at
    # least 1 / scale apart, far above the tie tolerance while the numbers stay
    # below 10^8 (taking an item out only lowers them), so ties are equalities.
    largest = max([scale, *inc, *cons, *na, *unrated])
    return _Scores(keys, without, [x / scale for x in inc], separated=largest < 10**8)


def _bayes_scores(grid: Grid) -> _Scores:
    rows = bayes_log_likelihoods(grid)
    log_post = bayes_log_posteriors(grid, rows)

    def posterior_keys(logs: Sequence[float]) -> list[Key]:
        return list(map(neg, posteriors(logs)))

    def without(i: int) -> list[Key]:
        return posterior_keys(list(map(sub, log_post, rows[i])))

    return _Scores(posterior_keys(log_post), without, [-p for p in log_post])


def _scores(grid: Grid, method: str, cells: list[list[float | None]] | None = None) -> _Scores:
    if method == "heuer":
        return _additive_scores(grid, [1.0] * len(grid.evidence), cells)
    if method == "weighted":
        return _additive_scores(grid, item_weights(grid), cells)
    if method == "opensynthesis":
        return _opensynthesis_scores(grid)
    if method == "bayes":
        return _bayes_scores(grid)
    raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


# --------------------------------------------------------------------------- leave one out


PROOF_TRIES: Final = 64
"""Removals checked against the tie groups before the check may be given up."""


def _leave_one_out(grid: Grid, scores: _Scores, base: Standing) -> tuple[Removal, ...]:
    """Each item's removal, ranked again only when the tie groups prove nothing:
    often a removal leaves every hypothesis in its group, checked in O(H).

    Where scores tie a lot (whole-number counts), most removals break a tie and
    the check only delays the ranking; once it has failed on most of the first
    ``PROOF_TRIES`` items it is no longer tried.  Either way each removal's
    standing is exactly the one a full ranking gives.
    """
    ids = grid.hypotheses
    grouping = ties.Grouping.of(scores.keys)
    base_leaders = base.leaders
    tried = held = 0
    out = []
    members = _member_ids(grid)
    for i, (evidence_id, title) in enumerate(zip(grid.evidence, grid.evidence_titles, strict=True)):
        keys = scores.without(i)
        if tried < PROOF_TRIES or held * 2 >= tried:
            tried += 1
            if grouping.holds_for(keys):
                held += 1
                out.append(Removal(evidence_id, title, False, False, None, members[i]))
                continue
        new = standing(ids, keys, scores.separated)
        ranks_changed = new.ranks != base.ranks
        out.append(
            Removal(
                evidence_id,
                title,
                new.leaders != base_leaders,
                ranks_changed,
                new if ranks_changed else None,
                members[i],
            )
        )
    return tuple(out)


def _member_ids(grid: Grid) -> list[tuple[str, ...]]:
    """Per row, the ids of the items an origin's row stands for; () for a single item."""
    if grid.items is None:
        return [()] * len(grid.evidence)
    items = grid.items.evidence
    return [
        tuple(items[i] for i in members) if origin is not None else ()
        for origin, members in zip(grid.origins, grid.members, strict=True)
    ]


# --------------------------------------------------------------------------- rating changes

Option = tuple[float, int, int, Code]
"""A candidate change: (minus its gain, evidence index, voter index, new code);
sorting a list of them puts the largest gain first, then file order."""


def _best_moves(
    value: Mapping[str, float], steps: str, direction: int
) -> dict[Code, tuple[Code, float]]:
    """For each code, the allowed new code that moves ``value`` most in ``direction``
    (-1 lowers, +1 raises), nearest on the scale among equals, with the move's size."""
    out: dict[Code, tuple[Code, float]] = {}
    for code, targets in _NEIGHBOURS[steps].items():
        best = max(
            targets,
            key=lambda t: (
                direction * (value[t] - value[code]),
                t != "NA",
                -abs(_POSITION[t] - _POSITION[code]),
            ),
        )
        gain = direction * (value[best] - value[code])
        if gain > 1e-12:
            out[code] = (best, gain)
    return out


class _Options:
    """One hypothesis' candidate changes in one direction, largest gain first (then
    file order), with the running totals of their gains.

    Held as the candidates in file order.  The gains take a few distinct values
    (a handful of codes times a few kinds of item), so the running totals come
    from each value's count, and ``first(k)`` finds the k best without sorting
    the thousands: both a few passes in C.
    """

    __slots__ = ("_counts", "items", "minus_gains", "picked", "sums")

    def __init__(self, items: list[int], picked: list[tuple[float, int, Code]]) -> None:
        self.items = items
        """Evidence index of each candidate, in file order."""
        self.picked = picked
        """(minus the gain, voter index, new code) of each candidate, in file order."""
        self.minus_gains = list(map(itemgetter(0), picked))
        self._counts = sorted(Counter(self.minus_gains).items())
        """Each distinct minus-gain, lowest (largest gain) first, and how many have it."""
        totals = accumulate(
            chain.from_iterable(repeat(v, k) for v, k in self._counts), sub, initial=0.0
        )
        next(totals)
        self.sums = list(totals)
        """Running totals of the gains, largest first, added one by one from 0.0."""

    @classmethod
    def of_cells(cls, found: list[tuple[float, int, Code] | None]) -> _Options:
        """From each item's one candidate (None: no change helps there)."""
        return cls(list(compress(range(len(found)), found)), list(filter(None, found)))

    @classmethod
    def of_list(cls, options: list[Option]) -> _Options:
        """From candidates (several per cell allowed) in file order."""
        return cls([o[1] for o in options], [(o[0], o[2], o[3]) for o in options])

    def _best(self, k: int) -> list[int]:
        """Positions of the k largest gains, as a stable sort by gain orders them:
        every position whose gain beats the k-th's, sorted, then those that equal
        it in file order."""
        gains = self.minus_gains
        threshold: float | None = None
        seen = 0
        for value, count in self._counts:
            if seen + count >= k:
                threshold = value
                break
            seen += count
        if threshold is None:  # k or more: every candidate
            return sorted(range(len(gains)), key=gains.__getitem__)
        positions = range(len(gains))
        better = sorted(compress(positions, map(threshold.__gt__, gains)), key=gains.__getitem__)
        level = compress(positions, map(threshold.__eq__, gains))
        return better + list(islice(level, k - len(better)))

    def first(self, k: int) -> list[Option]:
        """The k largest-gain changes, as ``Option`` tuples."""
        out: list[Option] = []
        for p in self._best(k) if k > 0 else ():
            minus_gain, voter, new = self.picked[p]
            out.append((minus_gain, self.items[p], voter, new))
        return out


class _CellOptions(dict[object, "tuple[float, int, Code] | None"]):
    """Each distinct (item kind, cell) key's one candidate change, computed once."""

    def __init__(self, option: Callable[[object], tuple[float, int, Code] | None]) -> None:
        super().__init__()
        self.option = option

    def __missing__(self, key: object) -> tuple[float, int, Code] | None:
        found = self[key] = self.option(key)
        return found


class _Moves:
    """Per hypothesis, the changes that lower its score (help) or raise it (hurt),
    largest gain first, each list built when first needed."""

    def __init__(
        self, badness: list[float], build: Callable[[int, int], _Options], exact: bool
    ) -> None:
        self.badness = badness
        """Each hypothesis' score, lower ranking first."""
        self.exact = exact
        self._build = build
        self._lists: dict[tuple[int, int], _Options] = {}

    def _options(self, j: int, direction: int) -> _Options:
        key = (j, direction)
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = self._build(j, direction)
        return found

    def first(self, j: int, direction: int, k: int) -> list[Option]:
        """The k best changes to hypothesis ``j``'s ratings that lower (-1) or raise (+1)
        its score."""
        return self._options(j, direction).first(k)

    def sums(self, j: int, direction: int) -> list[float]:
        """Running totals of the gains of those changes, best first."""
        return self._options(j, direction).sums


class _Columns:
    """Each hypothesis' cells on every item (None where unrated), transposed from
    the rows once, in C, when the first is asked for."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self._columns: list[tuple[Cell | None, ...]] | None = None

    def __getitem__(self, j: int) -> tuple[Cell | None, ...]:
        if self._columns is None:
            rows = list(row_cells(self.grid))
            n = len(self.grid.hypotheses)
            self._columns = list(zip(*rows, strict=True)) if rows else [()] * n
        return self._columns[j]


def _one_move(
    moves: Mapping[Code, tuple[Code, float]], size: float
) -> Callable[[object], tuple[float, int, Code] | None]:
    """A one-code cell's candidate change on items of one kind (None: unrated, or no
    change helps), as (minus the gain, voter 0, new code)."""

    def option(code: object) -> tuple[float, int, Code] | None:
        move = moves.get(cast(Code, code)) if code is not None else None
        return None if move is None else (-move[1] * size, 0, move[0])

    return option


def _by_kind(
    options_of: Sequence[Callable[[object], tuple[float, int, Code] | None]],
) -> Callable[[object], tuple[float, int, Code] | None]:
    """The candidate of a (kind number, cell) key, from each kind's own rule."""

    def option(key: object) -> tuple[float, int, Code] | None:
        kind, cell = cast("tuple[int, object]", key)
        return options_of[kind](cell)

    return option


def _additive_moves(
    grid: Grid,
    steps: str,
    badness: list[float],
    value_of: Callable[[int], Mapping[str, float]],
    scale: Sequence[float],
    exact: bool = True,
) -> _Moves:
    """Moves when each rating adds ``value_of(i)[code] * scale[i] / k`` to its
    hypothesis' score (k: the ratings of that cell)."""
    by_values: dict[tuple[int, int], dict[Code, tuple[Code, float]]] = {}
    tables: dict[int, list[dict[Code, tuple[Code, float]]]] = {}
    for direction in (-1, 1):
        per_item = []
        for i in range(len(grid.evidence)):
            values = value_of(i)
            key = (id(values), direction)
            found = by_values.get(key)
            if found is None:
                found = by_values[key] = _best_moves(values, steps, direction)
            per_item.append(found)
        tables[direction] = per_item
    # Items with the same moves and scale are one kind: a cell's one candidate
    # depends on its kind and code alone.  Per direction: each item's kind, and
    # each (kind, cell)'s candidate, computed when first met.
    kinds: dict[int, tuple[list[int], _CellOptions]] = {}
    for direction in (-1, 1):
        numbers: dict[tuple[int, float], int] = {}
        options_of: list[Callable[[object], tuple[float, int, Code] | None]] = []
        kind_of: list[int] = []
        for moves, size in zip(tables[direction], scale, strict=True):
            number = numbers.get((id(moves), size))
            if number is None:
                number = numbers[(id(moves), size)] = len(options_of)
                options_of.append(_one_move(moves, size))
            kind_of.append(number)
        if len(options_of) == 1:  # every item alike (heuer): keyed by the cell alone
            kinds[direction] = ([], _CellOptions(options_of[0]))
        else:
            kinds[direction] = (kind_of, _CellOptions(_by_kind(options_of)))
    columns = _Columns(grid)

    def build(j: int, direction: int) -> _Options:
        column = columns[j]
        if tuple in map(type, column):  # several ratings in a cell: one option per rating
            return _Options.of_list(listed(column, direction))
        kind_of, table = kinds[direction]
        # One look-up per cell, in C: by cell, or by (kind, cell).
        keys = zip(kind_of, column, strict=True) if kind_of else column
        return _Options.of_cells(list(map(table.__getitem__, keys)))

    def listed(column: Sequence[Cell | None], direction: int) -> list[Option]:
        out: list[Option] = []
        append = out.append
        for i, (cell, moves, size) in enumerate(zip(column, tables[direction], scale, strict=True)):
            if cell is None:
                continue
            if isinstance(cell, str):
                move = moves.get(cell)
                if move is not None:
                    append((-move[1] * size, i, 0, move[0]))
                continue
            factor = size / len(cell)
            for v, code in enumerate(cell):
                move = moves.get(code)
                if move is not None:
                    append((-move[1] * factor, i, v, move[0]))
        out.sort()
        return out

    return _Moves(badness, build, exact)


def _opensynthesis_moves(grid: Grid, steps: str, badness: list[float]) -> _Moves:
    """One best change per cell, its gain on the cell's squared-distance term."""

    def term(mean: float) -> float:
        return (3 - mean) ** 2 if mean < 3 else 0.0

    def best_change(
        codes: tuple[Code, ...], direction: int
    ) -> tuple[float, bool, float, int, Code] | None:
        k = len(codes)
        total = sum(OPENSYNTHESIS_VALUE[c] for c in codes)
        now = term(total / k)
        best: tuple[float, bool, float, int, Code] | None = None
        for v, code in enumerate(codes):
            for new in _NEIGHBOURS[steps][code]:
                after = term((total - OPENSYNTHESIS_VALUE[code] + OPENSYNTHESIS_VALUE[new]) / k)
                gain = direction * (after - now)
                if gain <= 1e-12:
                    continue
                candidate = (-gain, new == "NA", abs(_POSITION[new] - _POSITION[code]), v, new)
                if best is None or candidate < best:
                    best = candidate
        return best

    def option(key: object) -> tuple[float, int, Code] | None:
        direction, cell = cast("tuple[int, Cell | None]", key)
        if cell is None:
            return None
        best = best_change(cell_codes(cell), direction)
        return None if best is None else (best[0], best[3], best[4])

    found_options = _CellOptions(option)
    columns = _Columns(grid)

    def build(j: int, direction: int) -> _Options:
        keys = zip(repeat(direction), columns[j])
        return _Options.of_cells(list(map(found_options.__getitem__, keys)))

    return _Moves(badness, build, exact=False)


def _moves(grid: Grid, method: str, steps: str, badness: list[float]) -> _Moves:
    """Candidate rating changes under ``method``; ``badness`` is ``_Scores.badness``."""
    if steps not in STEPS:
        raise ValueError(f"unknown steps {steps!r}; use one of {', '.join(STEPS)}")
    n_items = len(grid.evidence)
    if method == "heuer":
        return _additive_moves(grid, steps, badness, lambda i: HEUER_VALUE, [1.0] * n_items)
    if method == "weighted":
        return _additive_moves(grid, steps, badness, lambda i: HEUER_VALUE, item_weights(grid))
    if method == "bayes":
        minus_log = {
            level: {
                code: -math.log(g * BAYES_LIKELIHOOD[code] + (1 - g) * NEUTRAL_LIKELIHOOD)
                for code in BAYES_LIKELIHOOD
            }
            for level, g in BAYES_GENUINE.items()
        }
        return _additive_moves(
            grid, steps, badness, lambda i: minus_log[grid.credibility[i]], [1.0] * n_items
        )
    if method == "opensynthesis":
        return _opensynthesis_moves(grid, steps, badness)
    raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


def _cheapest(x: int, moves: _Moves) -> dict[int, list[Option]] | None:
    """The fewest changes making hypothesis ``x`` beat every other, by hypothesis
    changed; None if impossible.  See the module docstring for why this is exact
    when gains add up (every method but opensynthesis)."""
    badness = moves.badness
    bx = badness[x]
    # To lead alone, x must end more than the tie tolerance below every other.
    gap = ties.tolerance(badness)
    needs = []
    for y, by in enumerate(badness):
        if y != x:
            need = bx - by + gap
            if need >= 0:
                needs.append((y, need))
    if not needs:
        return {}
    help_sums = [0.0, *moves.sums(x, -1)]
    hurt_sums = {y: moves.sums(y, 1) for y, _ in needs}
    best_cost = math.inf
    best: tuple[int, list[tuple[int, int]]] | None = None
    for k, sx in enumerate(help_sums):
        if k >= best_cost:
            break
        cost: float = k
        taken = []
        for y, need in needs:
            rest = need - sx
            if rest < 0:
                continue
            sums = hurt_sums[y]
            m = bisect.bisect_right(sums, rest) + 1
            if m > len(sums):
                cost = math.inf
                break
            cost += m
            taken.append((y, m))
            if cost >= best_cost:
                break
        if cost < best_cost:
            best_cost = cost
            best = (k, taken)
    if best is None:
        return None
    k, taken = best
    chosen = {x: moves.first(x, -1, k)} if k else {}
    for y, m in taken:
        chosen[y] = moves.first(y, 1, m)
    return chosen


MAX_CHALLENGERS: Final = 50
"""The fewest-changes search covers at most this many challengers, the best
ranked: each search costs O(H), so all of them would cost O(H^2), hours at
50,000 hypotheses (issue 12), and the outputs say how many were left out."""


def rating_changes(
    grid: Grid,
    method: str = "heuer",
    steps: str = "any",
    raters: Sequence[Mapping[str, Sequence[str]]] | None = None,
    scores: _Scores | None = None,
    limit: int = MAX_CHALLENGERS,
) -> tuple[Flip, ...]:
    """For each hypothesis but a sole leader, in rank order, the first ``limit``
    of them: the fewest rating changes that make it the sole leader
    (``Flip.changes`` is None if none can).

    ``raters[i][h]`` names the analysts behind ``grid.cells[i][h]`` (see
    ``raters_of``); without it a change names the analyst only when one rated.
    Items sharing an origin count once (``scoring.origins``); each change names
    the item and analyst whose rating it changes.
    """
    grid = independent(grid)
    if steps not in STEPS:
        raise ValueError(f"unknown steps {steps!r}; use one of {', '.join(STEPS)}")
    if scores is None:
        scores = _scores(grid, method)
    base = standing(grid.hypotheses, scores.keys)
    moves = _moves(grid, method, steps, scores.badness)
    index = {h: j for j, h in enumerate(grid.hypotheses)}
    titles = dict(zip(grid.hypotheses, grid.hypothesis_titles, strict=True))
    solo = base.leaders[0] if len(base.leaders) == 1 else None
    lone = grid.analysts[0] if len(grid.analysts) == 1 else None
    items = grid.items if grid.items is not None else grid
    flips: list[Flip] = []
    for h in base.order:
        if h == solo:
            continue
        if len(flips) >= limit:
            break
        chosen = _cheapest(index[h], moves)
        changes: tuple[RatingChange, ...] | None = None
        if chosen is not None:
            listed = []
            for j in [index[h], *(index[o] for o in base.order if o != h)]:
                for minus_gain, row, vote, new in chosen.get(j, ()):
                    hid = grid.hypotheses[j]
                    # On a grid of origins a vote is one item's: name that item.
                    i, v = vote_source(grid, row, hid, vote)
                    analyst = raters[i][hid][v] if raters is not None else lone
                    listed.append(
                        RatingChange(
                            items.evidence[i],
                            hid,
                            analyst,
                            cell_codes(items.cells[i][hid])[v],
                            new,
                            -minus_gain,
                        )
                    )
            changes = tuple(listed)
        flips.append(Flip(h, titles[h], changes, moves.exact))
    return tuple(flips)


def raters_of(
    data: MatrixData, analysts: Sequence[str] | None = None
) -> list[dict[str, list[str]]]:
    """Who gave each code in ``Grid.from_data(data, analysts).cells``, in the same order."""
    ratings = data.get("ratings", {})
    chosen = tuple(ratings) if analysts is None else tuple(analysts)
    out: list[dict[str, list[str]]] = []
    for evidence_id in items_with_status(data.get("evidence", {})):
        cell: dict[str, list[str]] = {}
        for analyst in chosen:
            row = ratings.get(analyst, {}).get(evidence_id)
            for h in row or ():
                cell.setdefault(h, []).append(analyst)
        out.append(cell)
    return out


# --------------------------------------------------------------------------- weights


def weight_shifts(
    grid: Grid, cells: list[list[float | None]] | None = None
) -> tuple[WeightShift, ...]:
    """Items whose credibility or relevance, moved one level, changes the leader
    under ``weighted`` (whatever method the rest of the analysis uses)."""
    grid = independent(grid)
    weights = item_weights(grid)
    if cells is None:
        cells = pooled(grid, HEUER_VALUE)
    n = len(grid.hypotheses)
    totals = weighted_totals(cells, weights, n)
    leaders = standing(grid.hypotheses, totals).leaders
    ordered = sorted(totals)
    lead = ordered[1] - ordered[0] if n > 1 else math.inf
    top = max((abs(t) for t in totals), default=0.0)
    out = []
    for i, row in enumerate(cells):
        values = [0.0 if v is None else v for v in row] if None in row else cast("list[float]", row)
        high, low = max(values, default=0.0), min(values, default=0.0)
        if high == low == 0:
            continue  # the item adds nothing to any total, whatever its weight
        if _stays_alone(SHIFT_BOUND * weights[i], high, low, lead, top):
            continue  # no shift of this item's weight is large enough: all four skipped at once
        levels = {"credibility": grid.credibility[i], "relevance": grid.relevance[i]}
        for attribute, level in levels.items():
            position = LEVELS.index(level)
            for new_position in (position + 1, position - 1):
                if not 0 <= new_position < len(LEVELS):
                    continue
                new_level = LEVELS[new_position]
                other = levels["relevance" if attribute == "credibility" else "credibility"]
                delta = LEVEL_WEIGHT[new_level] * LEVEL_WEIGHT[other] - weights[i]
                if _stays_alone(abs(delta), high, low, lead, top):
                    continue
                new_leaders = ties.leaders(
                    grid.hypotheses, list(map(add, totals, map(mul, repeat(delta), values)))
                )
                if new_leaders != leaders:
                    out.append(
                        WeightShift(
                            grid.evidence[i],
                            grid.evidence_titles[i],
                            attribute,
                            level,
                            new_level,
                            new_leaders,
                        )
                    )
    return tuple(out)


SHIFT_BOUND: Final = 0.5
"""At most how much of an item's weight one level of credibility or relevance moves:
a step up multiplies it by sqrt(2) (+0.41 of it), a step down by 1/sqrt(2) (-0.29)."""


def _stays_alone(shift: float, high: float, low: float, lead: float, top: float) -> bool:
    """Whether a sole leader ``lead`` ahead stays alone when one item's weight moves by
    at most ``shift`` (its values lie between ``low`` and ``high``; ``top`` is the
    largest total's magnitude): any difference of totals moves by at most
    ``shift`` x (high - low), and the new totals' tie tolerance is bounded through
    their largest magnitude.  ``weight_shifts`` asks it once per item with the
    largest shift there is (``SHIFT_BOUND``), then per shift for the items left."""
    return lead - shift * (high - low) > 2 * ties.tolerance((top + shift * max(high, -low),))


# --------------------------------------------------------------------------- margin, credibility


def margin(grid: Grid, method: str = "heuer") -> Margin:
    """The gap between the top two and whether it makes a close race."""
    grid = independent(grid)
    scores = _scores(grid, method)
    return _margin(grid, method, scores, standing(grid.hypotheses, scores.keys))


def _margin(grid: Grid, method: str, scores: _Scores, base: Standing) -> Margin:
    index = {h: j for j, h in enumerate(grid.hypotheses)}
    first = base.order[0]
    if len(base.order) < 2:
        threshold = CLOSE_ODDS if method == "bayes" else CLOSE_ABSOLUTE
        return Margin(first, None, None, False, threshold, "no runner-up")
    second = base.order[1]
    tied = base.ranks[second] == 1
    if method == "bayes":
        posterior = posteriors([-b for b in scores.badness])
        p1, p2 = posterior[index[first]], posterior[index[second]]
        odds = p1 / p2 if p2 > 0 else math.inf
        close = tied or odds < CLOSE_ODDS
        return Margin(first, second, p1 - p2, close, CLOSE_ODDS, "posterior difference", odds=odds)
    s1, s2 = scores.badness[index[first]], scores.badness[index[second]]
    gap = s2 - s1
    threshold = max(CLOSE_ABSOLUTE, CLOSE_RELATIVE * s2)
    measure = {
        "heuer": "inconsistency difference",
        "weighted": "weighted inconsistency difference",
        "opensynthesis": "inconsistency difference",
    }[method]
    return Margin(first, second, gap, tied or gap < threshold, threshold, measure)


def _kept(values: Sequence[T], keep: Sequence[bool]) -> tuple[T, ...]:
    return tuple(v for v, k in zip(values, keep, strict=True) if k)


def subgrid(grid: Grid, keep: Sequence[bool]) -> Grid:
    """The grid with only the evidence rows flagged in ``keep`` (items, or on a grid
    of origins, origins)."""
    return dataclasses.replace(
        grid,
        evidence=_kept(grid.evidence, keep),
        evidence_titles=_kept(grid.evidence_titles, keep),
        credibility=_kept(grid.credibility, keep),
        relevance=_kept(grid.relevance, keep),
        cells=_kept(grid.cells, keep),
        origins=_kept(grid.origins, keep) if grid.origins else (),
        members=_kept(grid.members, keep) if grid.members else (),
        voters=_kept(grid.voters, keep) if grid.voters else (),
    )


def credibility_checks(
    grid: Grid,
    method: str = "heuer",
    base: Standing | None = None,
    cells: list[list[float | None]] | None = None,
) -> tuple[CredibilityCheck, ...]:
    """The leader with only high-credibility evidence, and without low-credibility evidence.

    ``cells``: the grid's Heuer cell means (``pooled``) when already computed; the
    additive methods score the kept rows of them instead of pooling again."""
    grid = independent(grid)
    if base is None:
        scores = _scores(grid, method)
        base = standing(grid.hypotheses, scores.keys)
    out = []
    for name, keep in (
        ("high-only", [c == "high" for c in grid.credibility]),
        ("without-low", [c != "low" for c in grid.credibility]),
    ):
        kept = sum(keep)
        if kept == len(keep):
            leaders = base.leaders
        else:
            kept_cells = None if cells is None else list(compress(cells, keep))
            scores = _scores(subgrid(grid, keep), method, kept_cells)
            leaders = standing(grid.hypotheses, scores.keys).leaders
        out.append(CredibilityCheck(name, kept, len(keep) - kept, leaders, leaders != base.leaders))
    return tuple(out)


# --------------------------------------------------------------------------- everything


def analyse(
    grid: Grid,
    method: str = "heuer",
    steps: str = "any",
    raters: Sequence[Mapping[str, Sequence[str]]] | None = None,
) -> Findings:
    """Every sensitivity finding for ``grid`` under ``method``.

    ``steps`` says how far one rating change may go (``STEPS``); ``raters`` names
    the analyst of each rating (``raters_of``).  Items that share an origin count
    once (``scoring.origins``): every finding is about independent evidence, and
    leave-one-out leaves a whole origin out.
    """
    item_count = len(grid.evidence) if grid.items is None else len(grid.items.evidence)
    grid = independent(grid)
    cells = pooled(grid, HEUER_VALUE)
    scores = _scores(grid, method, cells)
    base = standing(grid.hypotheses, scores.keys)
    return Findings(
        method=method,
        steps=steps,
        standing=base,
        hypothesis_titles=dict(zip(grid.hypotheses, grid.hypothesis_titles, strict=True)),
        evidence_titles=dict(zip(grid.evidence, grid.evidence_titles, strict=True)),
        removals=_leave_one_out(grid, scores, base),
        flips=rating_changes(grid, method, steps, raters, scores),
        weight_shifts=weight_shifts(grid, cells),
        margin=_margin(grid, method, scores, base),
        credibility=credibility_checks(grid, method, base, cells),
        items=item_count,
    )


def analyse_data(
    data: MatrixData,
    method: str = "heuer",
    steps: str = "any",
    analysts: Sequence[str] | None = None,
) -> Findings:
    """``analyse`` straight from validated matrix data, with analysts named."""
    grid = Grid.from_data(data, analysts)
    raters = raters_of(data, analysts) if len(grid.analysts) > 1 else None
    return analyse(grid, method, steps, raters)

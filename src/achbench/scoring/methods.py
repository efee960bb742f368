"""The four scoring methods: one pure function each, plus evidence diagnosticity.

Every method reads a ``Grid`` (the matrix reduced to what scoring needs) and
returns a ``Ranking``.  Several analysts are pooled as the spec says: a cell's
value is the mean over the analysts who rated it; unrated cells are skipped.

========== ======================================================= =============
method     hypothesis score                                        ranks first
========== ======================================================= =============
heuer      sum over evidence of mean(I = 1, II = 2, other = 0)     lowest
weighted   heuer, each cell times credibility x relevance weight   lowest
           (low 1/sqrt 2, medium 1, high sqrt 2)
opensynth  inconsistency = sum (3 - m)^2 over cell means m < 3     lowest, then
           (CC 5, C 4, N 3, I 2, II 1, NA counted as 3)            consistency
bayes      posterior from prior x product of tempered likelihoods  highest
========== ======================================================= =============

Credibility is the item's own, else derived from its Admiralty grade and source
reliability (``scoring.admiralty``).  Items that share an ``origin`` count as one
piece of evidence: every method scores ``independent(grid)``, whose rows are
origins (``scoring.origins``); a grid without origins is scored as it is.

Scores equal up to float noise share a rank: every method orders its keys
through ``scoring.ties``, the one tie rule.  The scales below (code values,
level weights, likelihoods) are defined here once; ``scoring.live`` and
``analysis.sensitivity`` read them from here.  The README gives each formula in
full, with the Bayesian likelihoods.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from itertools import repeat
from operator import add, itemgetter, mul, sub, truediv
from typing import Final, cast

from achbench.core import vocabulary
from achbench.core.vocabulary import CODES, Code
from achbench.scoring import ties
from achbench.scoring.grid import Cell as Cell
from achbench.scoring.grid import Grid as Grid
from achbench.scoring.grid import cell_codes as cell_codes
from achbench.scoring.grid import is_pending as is_pending
from achbench.scoring.grid import items_with_status as items_with_status

HEUER_VALUE: Final[Mapping[str, float]] = {
    "CC": 0.0,
    "C": 0.0,
    "N": 0.0,
    "I": 1.0,
    "II": 2.0,
    "NA": 0.0,
}
"""Heuer's inconsistency count per code."""

LEVEL_WEIGHT: Final[Mapping[str, float]] = {
    "low": 1 / math.sqrt(2),
    "medium": 1.0,
    "high": math.sqrt(2),
}
"""PARC ACH 2's reported weights for credibility and relevance."""

OPENSYNTHESIS_VALUE: Final[Mapping[str, int]] = {"CC": 5, "C": 4, "N": 3, "I": 2, "II": 1, "NA": 3}
"""Open Synthesis' 1-5 scale; NA is counted as neutral (3) in a cell's mean."""

BAYES_LIKELIHOOD: Final[Mapping[str, float]] = {
    "CC": 0.9,
    "C": 0.7,
    "N": 0.5,
    "I": 0.3,
    "II": 0.1,
    "NA": 0.5,
}
"""P(evidence | hypothesis) read from each code, before credibility tempers it."""

BAYES_GENUINE: Final[Mapping[str, float]] = {"low": 0.4, "medium": 0.7, "high": 0.9}
"""Chance that an item is what it seems, by credibility: the tempering weight."""

NEUTRAL_LIKELIHOOD: Final = 0.5
"""The likelihood of an item that says nothing about the hypothesis."""

_CODE_OF_VALUE: Final[dict[int, Code]] = {
    OPENSYNTHESIS_VALUE[code]: code for code in CODES if code != "NA"
}
"""Open Synthesis' scale read backwards, for a rounded mean vote."""


@dataclass(frozen=True, slots=True)
class HypothesisScore:
    """One hypothesis' place under one method."""

    id: str
    title: str
    rank: int
    score: float
    figures: dict[str, float | int] = field(default_factory=dict)
    """Method-specific numbers shown beside the score (inconsistency, posterior...)."""


@dataclass(frozen=True, slots=True)
class EvidenceScore:
    """One evidence item's diagnosticity under one method."""

    id: str
    title: str
    diagnosticity: float


@dataclass(frozen=True, slots=True)
class Ranking:
    """A method's verdict: hypotheses in rank order, evidence in file order."""

    method: str
    hypotheses: list[HypothesisScore]
    evidence: list[EvidenceScore]

    def to_json(self) -> dict[str, object]:
        """The object ``achbench rank --format json`` prints (the spec's contract)."""
        return {
            "method": self.method,
            "hypotheses": [
                {"id": h.id, "title": h.title, "rank": h.rank, "score": h.score, **h.figures}
                for h in self.hypotheses
            ],
            "evidence": [
                {"id": e.id, "title": e.title, "diagnosticity": e.diagnosticity}
                for e in self.evidence
            ],
        }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


class CellTable(dict[object, object]):
    """A figure per cell (``Cell``), computed once for each distinct cell and
    remembered: a million cells hold a few dozen distinct ones.  None (unrated)
    maps to ``unrated``.  Read it with ``map(table.__getitem__, cells)``."""

    def __init__(self, figure: Callable[[tuple[Code, ...]], object], unrated: object) -> None:
        super().__init__({None: unrated})
        self.figure = figure

    def __missing__(self, cell: Cell) -> object:
        found = self[cell] = self.figure(cell_codes(cell))
        return found


def row_cells(grid: Grid) -> Iterator[list[Cell | None]]:
    """Each item's cells in hypothesis order, None where unrated.

    A row that rates every hypothesis in hypothesis order (every row achbench
    writes) is read as it is, without a look-up per cell; its keys, the same
    string objects in every row read from one file, make the next check cheap.
    """
    hypotheses = grid.hypotheses
    n = len(hypotheses)
    order: list[str] = list(hypotheses)
    for cell in grid.cells:
        if len(cell) == n:
            keys = list(cell)
            if keys == order:
                order = keys
                yield list(cell.values())
                continue
        yield list(map(cell.get, hypotheses))


def cell_rows(grid: Grid, table: Mapping[object, object]) -> list[list[object]]:
    """``table``'s figure for every cell, per evidence item (rows) and hypothesis
    (columns): the loop over cells runs in C, not in Python."""
    get = table.__getitem__
    return [list(map(get, cells)) for cells in row_cells(grid)]


def mean_table(value: Mapping[str, float]) -> CellTable:
    """The mean of a cell's values under ``value``, None if unrated (``pooled``'s figure)."""

    def mean(codes: tuple[Code, ...]) -> float:
        return value[codes[0]] if len(codes) == 1 else _mean([value[c] for c in codes])

    return CellTable(mean, None)


def pooled(grid: Grid, value: Mapping[str, float]) -> list[list[float | None]]:
    """Cell means per evidence item (rows) and hypothesis (columns); None if unrated."""
    return cast("list[list[float | None]]", cell_rows(grid, mean_table(value)))


def column_sum(column: Iterable[float]) -> float:
    """The sum of ``column`` from 0.0, added in order: the same float as a loop of
    ``+=`` (``sum`` may change its rounding between Python versions)."""
    total: float = reduce(add, column, 0.0)
    return total


def _rank(
    grid: Grid,
    keys: Sequence[ties.Key],
    scores: Sequence[float],
    figures: Sequence[dict[str, float | int]],
) -> list[HypothesisScore]:
    """Order hypotheses by ``keys``, lowest first, under the one tie rule (``scoring.ties``):
    tied keys share a rank (1, 2, 2, 4) and keep file order."""
    return [
        HypothesisScore(
            id=grid.hypotheses[index],
            title=grid.hypothesis_titles[index],
            rank=rank,
            score=scores[index],
            figures=figures[index],
        )
        for index, rank in ties.rank_order(keys)
    ]


def _evidence(grid: Grid, diagnosticity: Iterable[float]) -> list[EvidenceScore]:
    """Each item's diagnosticity; on a grid of origins, each item gets its origin's."""
    if grid.items is not None:
        items = grid.items
        found = sorted(
            (i, d) for members, d in zip(grid.members, diagnosticity, strict=True) for i in members
        )
        return [
            EvidenceScore(id=items.evidence[i], title=items.evidence_titles[i], diagnosticity=d)
            for i, d in found
        ]
    return [
        EvidenceScore(id=e, title=t, diagnosticity=d)
        for e, t, d in zip(grid.evidence, grid.evidence_titles, diagnosticity, strict=True)
    ]


def independent(grid: Grid) -> Grid:
    """The grid every method scores: its origins merged into one row each
    (``scoring.origins``); a grid without origins as it is, at no cost."""
    if not grid.origins or grid.items is not None:
        return grid
    from achbench.scoring.origins import merge_origins

    return merge_origins(grid)


def rated_spread(row: Sequence[float | None]) -> float:
    """Largest minus smallest of a row's rated values (None: unrated); 0 with fewer than two.

    The additive methods' diagnosticity: how far one item pulls the hypotheses apart.
    """
    rated = [v for v in row if v is not None] if None in row else cast("Sequence[float]", row)
    return max(rated) - min(rated) if len(rated) > 1 else 0.0


def weighted_totals(
    cells: Sequence[Sequence[float | None]], weights: Sequence[float], n: int
) -> list[float]:
    """Per hypothesis, the sum over items of cell value x item weight (unrated: 0)."""
    return column_totals(zip(*cells, strict=True), weights)[0] if cells else [0.0] * n


def item_weights(grid: Grid) -> list[float]:
    """Each item's credibility x relevance weight, as ``weighted`` uses it."""
    return [
        LEVEL_WEIGHT[c] * LEVEL_WEIGHT[r]
        for c, r in zip(grid.credibility, grid.relevance, strict=True)
    ]


def column_totals(
    columns: Iterable[Sequence[float | None]], weights: Sequence[float]
) -> tuple[list[float], list[int]]:
    """Per column (a hypothesis' cell values in evidence order, None: unrated): the
    sum of value x item weight over its rated cells, and how many are rated.

    The products are added in evidence order from 0.0, as a loop of ``+=`` over
    the items would add them.
    """
    totals: list[float] = []
    rated: list[int] = []
    for column in columns:
        if None in column:
            pairs = [(v, w) for v, w in zip(column, weights, strict=True) if v is not None]
            totals.append(column_sum(v * w for v, w in pairs))
            rated.append(len(pairs))
        else:
            values = cast("Sequence[float]", column)
            totals.append(column_sum(map(mul, values, weights)))
            rated.append(len(values))
    return totals, rated


def _additive(grid: Grid, method: str, weights: Sequence[float]) -> Ranking:
    cells = pooled(grid, HEUER_VALUE)
    n = len(grid.hypotheses)
    if cells:
        totals, rated = column_totals(zip(*cells, strict=True), weights)
    else:
        totals, rated = [0.0] * n, [0] * n
    unrated = [len(cells) - r for r in rated]
    figures: list[dict[str, float | int]] = [
        {"inconsistency": totals[j], "rated": rated[j], "unrated": unrated[j]} for j in range(n)
    ]
    ranked = _rank(grid, totals, totals, figures)
    diagnosticity = [rated_spread(row) * w for row, w in zip(cells, weights, strict=True)]
    return Ranking(method, ranked, _evidence(grid, diagnosticity))


def heuer(grid: Grid) -> Ranking:
    """Heuer's count of inconsistency: I = 1, II = 2, summed over evidence; lowest first.

    Diagnosticity: the spread (max - min) of the cell values across hypotheses;
    0 means the item cannot tell the hypotheses apart under this method.
    """
    grid = independent(grid)
    return _additive(grid, "heuer", [1.0] * len(grid.evidence))


def weighted(grid: Grid) -> Ranking:
    """Heuer's count with each cell weighted by credibility x relevance (PARC ACH 2).

    Diagnosticity: the spread of the cell values, times the item's weight.
    """
    grid = independent(grid)
    return _additive(grid, "weighted", item_weights(grid))


def consensus_code(codes: Sequence[str]) -> Code | None:
    """Open Synthesis' consensus code of one cell (its ``aggregate_vote``); None if unrated.

    NA wins only with a strict majority; otherwise the mean of the other votes,
    rounded with Python's ``round`` (half to even), as Open Synthesis does.
    """
    na = sum(1 for c in codes if c == "NA")
    rated = [OPENSYNTHESIS_VALUE[c] for c in codes if c != "NA"]
    if not na and not rated:
        return None
    if na > len(rated):
        return "NA"
    return _CODE_OF_VALUE[round(sum(rated) / len(rated))]


def population_stdev(values: Sequence[float]) -> float:
    """Population standard deviation, 0 for no values: Open Synthesis' diagnosticity.

    ``statistics.pstdev`` gives the same figure but costs too much for
    thousands of items on every ranking; ``math.fsum`` keeps it as exact.
    """
    if not values:
        return 0.0
    counts = Counter(values)
    if len(counts) * 8 <= len(values):
        return counted_stdev(counts)
    return _fsum_stdev(values)


def counted_stdev(counts: Mapping[float, int]) -> float:
    """``population_stdev`` of values given as value: times seen, the same float.

    Both sums are rounded once from their exact values, as ``math.fsum`` rounds
    them, so counting first changes nothing; a row of fifty cell means holds a
    handful of distinct ones, and each costs a few integer operations.
    """
    n = sum(counts.values())
    if not n:
        return 0.0
    if not all(map(math.isfinite, counts)):
        return _fsum_stdev(list(Counter(counts).elements()))
    mean = _repeated_sum(counts.items()) / n
    return math.sqrt(_repeated_sum(((v - mean) ** 2, k) for v, k in counts.items()) / n)


def _fsum_stdev(values: Sequence[float]) -> float:
    n = len(values)
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum(map(pow, map(sub, values, repeat(mean)), repeat(2))) / n)


def _repeated_sum(terms: Iterable[tuple[float, int]]) -> float:
    """The sum of each term times its count, rounded once: what ``math.fsum`` gives
    for the terms repeated (it rounds the exact sum correctly), in a few integer
    operations when a row of fifty values holds five distinct ones."""
    numerator, denominator = 0, 1
    for term, count in terms:
        top, bottom = term.as_integer_ratio()  # bottom is a power of two
        if bottom > denominator:
            numerator *= bottom // denominator
            denominator = bottom
        numerator += top * count * (denominator // bottom)
    return numerator / denominator  # int / int: correctly rounded


def opensynthesis_terms(codes: tuple[Code, ...]) -> tuple[float, float, int]:
    """One rated cell's shares of Open Synthesis' sums: inconsistency (3 - m)^2 if
    m < 3, consistency (m - 3)^2 if m > 3 (else 0.0, which adds nothing), and 1
    if its consensus is NA; m is the cell mean, as ``pooled`` computes it."""
    value = OPENSYNTHESIS_VALUE
    m = value[codes[0]] if len(codes) == 1 else _mean([value[c] for c in codes])
    consensus = codes[0] if len(codes) == 1 else consensus_code(codes)
    return (
        (3 - m) ** 2 if m < 3 else 0.0,
        (m - 3) ** 2 if m > 3 else 0.0,
        int(consensus == "NA"),
    )


def _mean_counts(
    cells: Iterable[Cell | None], mean: Callable[[Cell | None], object]
) -> dict[float, int]:
    """How many of ``cells`` have each mean (unrated cells left out): a row's
    distinct cells are counted in C, and each is averaged once."""
    counts: dict[float, int] = {}
    for cell, times in Counter(cells).items():
        value = mean(cell)
        if value is not None:
            counts[cast("float", value)] = counts.get(cast("float", value), 0) + times
    return counts


def opensynthesis(grid: Grid) -> Ranking:
    """Open Synthesis' metrics (``openach/metrics.py``), reproduced exactly.

    Per hypothesis: inconsistency = sum of (3 - m)^2 over cells whose mean m < 3,
    consistency = sum of (m - 3)^2 over cells with m > 3, where m is the mean of
    the votes with CC 5 ... II 1 and NA as 3.  Order: inconsistency ascending,
    consistency descending, share of NA consensus, share of unrated cells, file
    order.  Diagnosticity: population standard deviation of the cell means.
    """
    grid = independent(grid)
    rows = list(row_cells(grid))  # read once: the sums and the cell means both use them
    means = mean_table(OPENSYNTHESIS_VALUE).__getitem__
    n = len(grid.hypotheses)
    total = len(grid.evidence)
    inconsistency = [0.0] * n
    consistency = [0.0] * n
    na_count = [0] * n
    unrated_count = [0] * n
    # Column by column in evidence order, so each sum adds the same terms in the
    # same order as Open Synthesis' per-hypothesis sums (and gives the same floats).
    table = CellTable(opensynthesis_terms, None)
    for j, column in enumerate(zip(*rows, strict=True) if rows else ()):
        if tuple not in map(type, column):
            # One vote per cell: every term is a whole number (1.0 or 4.0), so
            # the sums are exact in any order; count each code once, in C.
            counts = Counter(column)
            unrated_count[j] = counts.pop(None, 0)
            shares = [(cast("tuple[float, float, int]", table[c]), k) for c, k in counts.items()]
            inconsistency[j] = float(sum(int(share[0]) * k for share, k in shares))
            consistency[j] = float(sum(int(share[1]) * k for share, k in shares))
            na_count[j] = sum(share[2] * k for share, k in shares)
            continue
        terms = cast(
            "list[tuple[float, float, int]]", list(filter(None, map(table.__getitem__, column)))
        )
        unrated_count[j] = len(column) - len(terms)
        inconsistency[j] = column_sum(filter(None, map(itemgetter(0), terms)))
        consistency[j] = column_sum(filter(None, map(itemgetter(1), terms)))
        na_count[j] = sum(map(itemgetter(2), terms))
    keys: list[ties.Key] = []
    figures: list[dict[str, float | int]] = []
    for j in range(n):
        na = na_count[j] / total if total else 0.0
        unrated = unrated_count[j] / total if total else 0.0
        keys.append((inconsistency[j], -consistency[j], na, unrated))
        figures.append(
            {
                "inconsistency": inconsistency[j],
                "consistency": consistency[j],
                "proportion_na": na,
                "proportion_unrated": unrated,
            }
        )
    ranked = _rank(grid, keys, inconsistency, figures)
    diagnosticity = []
    for cells in rows:
        try:
            diagnosticity.append(_one_vote_spread(cells))
        except KeyError:  # a cell of several votes
            diagnosticity.append(counted_stdev(_mean_counts(cells, means)))
    return Ranking("opensynthesis", ranked, _evidence(grid, diagnosticity))


_VOTE_OR_NONE: Final[Mapping[object, int]] = {None: 0, **dict(OPENSYNTHESIS_VALUE.items())}
"""A single vote's Open Synthesis value; an unrated cell adds nothing."""


def _one_vote_spread(cells: Sequence[Cell | None]) -> float:
    """``population_stdev`` of a row's cell means when each cell is one vote (a code)
    or unrated (None), the same float in two passes over the row in C: the votes
    are whole numbers, so their sum is exact and the mean is that sum over the
    count, as ``math.fsum`` gives it; each code's squared distance from the mean
    is worked out once and ``math.fsum`` adds them up.  KeyError on a cell of
    several votes."""
    count = len(cells) - cells.count(None)
    if not count:
        return 0.0
    mean = sum(map(_VOTE_OR_NONE.__getitem__, cells)) / count
    squared: dict[object, float] = {
        code: (v - mean) ** 2 for code, v in OPENSYNTHESIS_VALUE.items()
    }
    squared[None] = 0.0
    return math.sqrt(math.fsum(map(squared.__getitem__, cells)) / count)


def normalised_priors(priors: Sequence[float | None]) -> list[float]:
    """Priors (None: not given) normalised to sum to 1: the one rule for missing priors.

    Missing priors share equally what the given ones leave of 1; if the given ones
    already reach 1, each missing prior is the mean of the given ones.
    """
    given = [p for p in priors if p is not None]
    missing = len(priors) - len(given)
    fill = 0.0
    if missing:
        left = 1.0 - math.fsum(given)  # written 0.6, 0.3, 0.1 leave 0, not 1e-16
        fill = left / missing if left > 1e-9 else _mean(given)
    raw = [fill if p is None else p for p in priors]
    total = sum(raw)
    return [p / total for p in raw]


def bayes_log_likelihoods(grid: Grid) -> list[list[float]]:
    """log P(item | hypothesis) per evidence item (rows) and hypothesis (columns).

    Each code's likelihood is tempered by the item's credibility c (the chance
    the item is genuine): L' = c L + (1 - c) 0.5.  Several analysts' tempered
    likelihoods are pooled by their mean log (a geometric mean); an unrated cell
    counts as neutral, 0.5.
    """
    tables: dict[str, CellTable] = {}
    rows = []
    for cells, credibility in zip(row_cells(grid), grid.credibility, strict=True):
        table = tables.get(credibility)
        if table is None:
            table = tables[credibility] = _mean_log_table(BAYES_GENUINE[credibility])
        rows.append(list(map(table.__getitem__, cells)))
    return cast("list[list[float]]", rows)


def _mean_log_table(genuine: float) -> CellTable:
    """A cell's mean tempered log likelihood at credibility ``genuine``; log 0.5 if unrated."""

    def mean_log(codes: tuple[Code, ...]) -> float:
        logs = [
            math.log(genuine * BAYES_LIKELIHOOD[c] + (1 - genuine) * NEUTRAL_LIKELIHOOD)
            for c in codes
        ]
        return _mean(logs)

    return CellTable(mean_log, math.log(NEUTRAL_LIKELIHOOD))


def bayes_log_posteriors(grid: Grid, rows: Sequence[Sequence[float]]) -> list[float]:
    """log prior + the sum of ``rows`` (``bayes_log_likelihoods``), per hypothesis: the
    unnormalised log posterior, which ranks exactly as the posterior does."""
    log_post = [math.log(p) for p in normalised_priors(grid.priors)]
    if not rows:
        return log_post
    # Column by column, each added in evidence order from the log prior.
    columns = zip(*rows, strict=True)
    return [reduce(add, column, prior) for prior, column in zip(log_post, columns, strict=True)]


def posteriors(log_post: Sequence[float]) -> list[float]:
    """Posterior probabilities from unnormalised log posteriors (log-sum-exp, no underflow)."""
    peak = max(log_post)
    weights = list(map(math.exp, map(sub, log_post, repeat(peak))))
    total = sum(weights)
    return list(map(truediv, weights, repeat(total)))


def bayes(grid: Grid) -> Ranking:
    """Posterior probability per hypothesis: prior x product of tempered likelihoods.

    Computed in logs and normalised with log-sum-exp, so thousands of items
    neither underflow nor overflow.  Diagnosticity: the log of the largest over
    the smallest likelihood across hypotheses (0 for an item that cannot shift
    the posterior).
    """
    grid = independent(grid)
    rows = bayes_log_likelihoods(grid)
    log_post = bayes_log_posteriors(grid, rows)
    peak = max(log_post)
    posterior = posteriors(log_post)
    figures: list[dict[str, float | int]] = [
        {"posterior": p, "log_odds": lp - peak} for p, lp in zip(posterior, log_post, strict=True)
    ]
    keys: list[ties.Key] = [-p for p in posterior]
    ranked = _rank(grid, keys, posterior, figures)
    diagnosticity = [max(row) - min(row) if row else 0.0 for row in rows]
    return Ranking("bayes", ranked, _evidence(grid, diagnosticity))


def rated_alike(grid: Grid) -> list[bool]:
    """Per evidence item: is it rated the same for every hypothesis (Heuer's step 4)?

    Such an item cannot help choose between the hypotheses under any method, so
    it is non-diagnostic.  An item not yet rated for every hypothesis is not
    counted as alike: it may still turn out to discriminate.
    """
    n = len(grid.hypotheses)
    if len(grid.analysts) == 1 and grid.items is None:  # one code a cell: count distinct codes
        return [len(cell) == n and len(set(cell.values())) == 1 for cell in grid.cells]
    flags = []
    for cells in row_cells(grid):
        if not cells or None in cells:
            flags.append(False)
        elif tuple not in map(type, cells):  # one code per cell, as with one analyst
            flags.append(cells.count(cells[0]) == len(cells))
        else:
            first = sorted(cell_codes(cast(Cell, cells[0])))
            flags.append(all(sorted(cell_codes(cast(Cell, c))) == first for c in cells))
    return flags


SCORERS: Final[dict[str, Callable[[Grid], Ranking]]] = {
    "heuer": heuer,
    "weighted": weighted,
    "opensynthesis": opensynthesis,
    "bayes": bayes,
}
"""Each method's function, by the name ``--method`` takes."""


def score(grid: Grid, method: str = "heuer") -> Ranking:
    """Rank the grid's hypotheses under ``method`` (one of ``core.vocabulary.METHODS``)."""
    try:
        scorer = SCORERS[method]
    except KeyError:
        known = ", ".join(vocabulary.METHODS)
        raise ValueError(f"unknown method {method!r}; use one of {known}") from None
    return scorer(grid)

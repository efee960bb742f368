"""Several analysts' ratings compared: per cell, per analyst, and for the whole matrix.

Per cell, the Open Synthesis definitions (``openach/metrics.py`` and
``openach/templatetags/board_extras.py``), written afresh:

* **consensus** (``aggregate_vote``): NA if strictly more analysts said NA than
  rated the cell; otherwise the mean of the other votes (CC 5, C 4, N 3, I 2,
  II 1) rounded half to even (Python's ``round``, as Open Synthesis does).
* **disagreement** (``calc_disagreement``): the larger of (1) the sample standard
  deviation of the 1-5 votes, NA left out, and (2) the sample standard deviation
  of NA-or-not (NA 0, rated 1); 0 with a single vote, None with none.
* **category**: disagreement below 0.5 is *consensus*, below 1.5 *mild dispute*,
  below 2.0 *large dispute*, else *extreme dispute* (``DISPUTE_LEVELS``).

Each analyst against the consensus uses Open Synthesis' ``comparison_style``:
the same code *agrees*; both on the same side of neutral (both consistent, or
both inconsistent) is *same side*; one NA is a *mild* dispute; otherwise the
distance on the 1-5 scale makes it mild (1), large (2) or extreme (3 or more).

For the whole matrix, Krippendorff's alpha for ordinal data, with each cell a
unit, each analyst a coder and the codes CC..II the ordered values; NA and
unrated cells are missing values (NA is off the ordinal scale).  1 is perfect
agreement, 0 agreement no better than chance; Krippendorff suggests relying on
data with alpha >= 0.8 and drawing tentative conclusions down to 0.667.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from achbench.core.data import MatrixData
from achbench.core.vocabulary import Code
from achbench.scoring.methods import OPENSYNTHESIS_VALUE, consensus_code

DISPUTE_LEVELS: tuple[tuple[float, str], ...] = (
    (0.5, "consensus"),
    (1.5, "mild"),
    (2.0, "large"),
    (math.inf, "extreme"),
)
"""Open Synthesis' upper bounds (exclusive) of each category of disagreement."""

CATEGORY_NAMES = {
    "unrated": "no assessments",
    "consensus": "consensus",
    "mild": "mild dispute",
    "large": "large dispute",
    "extreme": "extreme dispute",
}
"""Each category's name in words, as Open Synthesis shows it."""

DISPUTED = ("mild", "large", "extreme")

COMPARISONS = ("agree", "same-side", "mild", "large", "extreme")
"""An analyst's rating against the consensus, closest first."""

ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667
"""Krippendorff's suggested floors for relying on, and tentatively using, the data."""


def _stdev(values: Sequence[int]) -> float:
    """Sample standard deviation of integers, from the exact variance
    (n sum x^2 - (sum x)^2) / (n (n - 1)), as ``statistics.stdev`` gives it
    but without its cost; 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    total = sum(values)
    return math.sqrt((n * sum(v * v for v in values) - total * total) / (n * (n - 1)))


def disagreement(codes: Sequence[Code]) -> float | None:
    """Open Synthesis' ``calc_disagreement`` of one cell's votes."""
    if not codes:
        return None
    rated = [OPENSYNTHESIS_VALUE[c] for c in codes if c != "NA"]
    na = len(codes) - len(rated)
    return max(_stdev([0] * na + [1] * len(rated)), _stdev(rated))


def category(value: float | None) -> str:
    """The category of a disagreement value (``unrated`` for None)."""
    if value is None:
        return "unrated"
    return next(name for bound, name in DISPUTE_LEVELS if value < bound)


def compare(code: Code, consensus: Code) -> str:
    """One analyst's rating against the consensus (``COMPARISONS``)."""
    if code == consensus:
        return "agree"
    if code == "NA" or consensus == "NA":
        return "mild"
    mine, theirs = OPENSYNTHESIS_VALUE[code], OPENSYNTHESIS_VALUE[consensus]
    if (mine < 3 and theirs < 3) or (mine > 3 and theirs > 3):
        return "same-side"
    distance = abs(mine - theirs)
    return "extreme" if distance >= 3 else "large" if distance >= 2 else "mild"


def krippendorff_alpha_ordinal(units: Iterable[Sequence[int]]) -> float | None:
    """Krippendorff's alpha for ordinal values; each unit lists the values coders gave.

    alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck), with o the
    coincidence matrix (each unit's ordered value pairs weighted 1 / (m_u - 1)),
    n_c its margins, n their total and the ordinal distance
    d_ck = (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2.
    Units with fewer than two values are not pairable and are left out.  None
    when fewer than two pairable values, or when all of them are equal (no
    variation: alpha is undefined).
    """
    coincidence: dict[tuple[int, int], float] = {}
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidence[c, k] = coincidence.get((c, k), 0.0) + pairs / (m - 1)
    margins: dict[int, float] = {}
    for (c, _), weight in coincidence.items():
        margins[c] = margins.get(c, 0.0) + weight
    n = sum(margins.values())
    values = sorted(margins)
    if n <= 1 or len(values) < 2:
        return None
    position = {v: i for i, v in enumerate(values)}
    cumulative = [0.0]
    for v in values:
        cumulative.append(cumulative[-1] + margins[v])

    def distance(c: int, k: int) -> float:
        low, high = sorted((position[c], position[k]))
        between = cumulative[high + 1] - cumulative[low]
        return float((between - (margins[c] + margins[k]) / 2) ** 2)

    observed = sum(weight * distance(c, k) for (c, k), weight in coincidence.items())
    expected = sum(margins[c] * margins[k] * distance(c, k) for c in values for k in values)
    return 1.0 - (n - 1) * observed / expected


@dataclass(frozen=True, slots=True)
class CellConsensus:
    """One cell: who said what, the consensus, and how far they disagree."""

    evidence: str
    hypothesis: str
    votes: dict[str, Code]
    """Analyst name to code, for the analysts who rated the cell."""
    consensus: Code | None
    disagreement: float | None
    category: str
    """``unrated``, ``consensus``, ``mild``, ``large`` or ``extreme``."""

    @property
    def disputed(self) -> bool:
        return self.category in DISPUTED


@dataclass(frozen=True, slots=True)
class AnalystAgreement:
    """One analyst's ratings against the consensus of all."""

    analyst: str
    rated: int
    """Cells this analyst rated."""
    comparisons: dict[str, int]
    """How many of them fall in each of ``COMPARISONS``."""
    mean_distance: float | None
    """Mean distance on the 1-5 scale from the consensus, NA on either side left out."""

    @property
    def agreement(self) -> float | None:
        """Share of this analyst's ratings identical to the consensus."""
        return self.comparisons["agree"] / self.rated if self.rated else None


@dataclass(frozen=True, slots=True)
class Consensus:
    """Several analysts compared over one matrix."""

    analysts: tuple[str, ...]
    hypotheses: tuple[str, ...]
    evidence: tuple[str, ...]
    cells: tuple[CellConsensus, ...]
    """Every cell, evidence by evidence in file order, hypotheses in file order."""
    per_analyst: tuple[AnalystAgreement, ...]
    alpha: float | None
    """Krippendorff's ordinal alpha over all cells; None when undefined."""
    pairable: int
    """Cells rated CC..II by at least two analysts: the units alpha rests on."""

    @property
    def counts(self) -> dict[str, int]:
        """Cells in each category, ``unrated`` included."""
        out = dict.fromkeys(CATEGORY_NAMES, 0)
        for cell in self.cells:
            out[cell.category] += 1
        return out

    @property
    def disputed(self) -> tuple[CellConsensus, ...]:
        """Disputed cells, the most disputed first (file order among equals)."""
        hot = [c for c in self.cells if c.disputed]
        return tuple(sorted(hot, key=lambda c: -(c.disagreement or 0.0)))

    def cell(self, evidence: str, hypothesis: str) -> CellConsensus:
        """The cell of one evidence item and one hypothesis."""
        i = self.evidence.index(evidence)
        j = self.hypotheses.index(hypothesis)
        return self.cells[i * len(self.hypotheses) + j]

    def to_json(self) -> dict[str, object]:
        return {
            "analysts": list(self.analysts),
            "alpha": self.alpha,
            "pairable_cells": self.pairable,
            "counts": self.counts,
            "per_analyst": [
                {
                    "analyst": a.analyst,
                    "rated": a.rated,
                    "agreement": a.agreement,
                    "mean_distance": a.mean_distance,
                    **a.comparisons,
                }
                for a in self.per_analyst
            ],
            "cells": [
                {
                    "evidence": c.evidence,
                    "hypothesis": c.hypothesis,
                    "consensus": c.consensus,
                    "disagreement": c.disagreement,
                    "category": c.category,
                    "votes": c.votes,
                }
                for c in self.cells
            ],
        }


def consensus(data: MatrixData, analysts: Sequence[str] | None = None) -> Consensus:
    """Compare the analysts' ratings in validated matrix data (all analysts by default)."""
    ratings = data.get("ratings", {})
    chosen = tuple(ratings) if analysts is None else tuple(analysts)
    hypotheses = tuple(data["hypotheses"])
    evidence = tuple(data.get("evidence", {}))
    cells = []
    tallies = {a: dict.fromkeys(COMPARISONS, 0) for a in chosen}
    distances: dict[str, list[int]] = {a: [] for a in chosen}
    units = []
    memo: dict[tuple[Code, ...], tuple[Code | None, float | None, str]] = {}
    for e in evidence:
        rows = [(a, ratings.get(a, {}).get(e) or {}) for a in chosen]
        for h in hypotheses:
            votes = {a: row[h] for a, row in rows if h in row}
            codes = tuple(votes.values())
            known = memo.get(codes)
            if known is None:
                spread = disagreement(codes)
                known = memo[codes] = (consensus_code(codes), spread, category(spread))
            agreed = known[0]
            cells.append(CellConsensus(e, h, votes, *known))
            if agreed is not None:
                for a, code in votes.items():
                    tallies[a][compare(code, agreed)] += 1
                    if code != "NA" and agreed != "NA":
                        distances[a].append(
                            abs(OPENSYNTHESIS_VALUE[code] - OPENSYNTHESIS_VALUE[agreed])
                        )
            units.append([OPENSYNTHESIS_VALUE[c] for c in codes if c != "NA"])
    per_analyst = tuple(
        AnalystAgreement(
            a,
            sum(tallies[a].values()),
            tallies[a],
            sum(distances[a]) / len(distances[a]) if distances[a] else None,
        )
        for a in chosen
    )
    return Consensus(
        analysts=chosen,
        hypotheses=hypotheses,
        evidence=evidence,
        cells=tuple(cells),
        per_analyst=per_analyst,
        alpha=krippendorff_alpha_ordinal(units),
        pairable=sum(1 for u in units if len(u) > 1),
    )

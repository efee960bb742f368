"""Analysts' probabilities: beside their own ratings' posterior, made coherent, pooled, scored.

Why: the research on ACH in use (Mandel, Karvetski and Dhami 2018) found that asking
analysts for probabilities, making them coherent and pooling them across analysts cut
error, where the matrix alone did not.  This module is that arithmetic, headless; the
formulas are in docs/analysis.md ("Judgements").

- Coherentised: an analyst's probabilities divided by their sum, a hypothesis they
  left out counting as 0 (all zero or none at all: every hypothesis equally likely).
- Linear pool: the mean of the coherentised judgements, hypothesis by hypothesis.
- Geometric pool: the geometric mean of the coherentised judgements, each floored at
  ``FLOOR`` first (so one analyst's 0 does not veto a hypothesis), then normalised.
- Brier score (multi-category): sum over hypotheses of (p - o)^2, o = 1 for the true
  hypothesis and 0 otherwise; 0 is perfect, 2 is the worst.
- Log score: ln(p) of the true hypothesis, p floored at ``FLOOR`` (so a 0 scores
  ln(0.001) = -6.91, not minus infinity); 0 is perfect, lower is worse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from achbench.core.data import MatrixData
from achbench.scoring.methods import Grid, bayes

FLOOR = 0.001
"""Least probability the geometric pool and the log score use in place of 0."""
GAP = 0.10
"""A judgement further than this from the analyst's own bayes posterior is named a gap."""
BINS = 10
"""Probability bins of the calibration table: [0, 0.1), [0.1, 0.2) ... [0.9, 1]."""


def coherentised(stated: Mapping[str, float], hypotheses: Sequence[str]) -> dict[str, float]:
    """``stated`` normalised to sum to 1 over ``hypotheses`` (missing counts as 0)."""
    values = [max(0.0, float(stated.get(h, 0.0))) for h in hypotheses]
    total = sum(values)
    if total <= 0:
        return {h: 1.0 / len(hypotheses) for h in hypotheses} if hypotheses else {}
    return {h: v / total for h, v in zip(hypotheses, values, strict=True)}


def linear_pool(
    judgements: Sequence[Mapping[str, float]], hypotheses: Sequence[str]
) -> dict[str, float]:
    """The mean of coherent judgements, per hypothesis (sums to 1 when each does)."""
    if not judgements:
        return {}
    return {h: sum(j[h] for j in judgements) / len(judgements) for h in hypotheses}


def geometric_pool(
    judgements: Sequence[Mapping[str, float]], hypotheses: Sequence[str]
) -> dict[str, float]:
    """The normalised geometric mean of coherent judgements, zeros floored at ``FLOOR``."""
    if not judgements:
        return {}
    logs = [
        sum(math.log(max(j[h], FLOOR)) for j in judgements) / len(judgements) for h in hypotheses
    ]
    peak = max(logs)
    weights = [math.exp(v - peak) for v in logs]
    total = sum(weights)
    return {h: w / total for h, w in zip(hypotheses, weights, strict=True)}


def brier(probabilities: Mapping[str, float], truth: str) -> float:
    """Multi-category Brier score: sum over hypotheses of (p - o)^2."""
    score = sum((p - (1.0 if h == truth else 0.0)) ** 2 for h, p in probabilities.items())
    if truth not in probabilities:
        score += 1.0
    return score


def log_score(probabilities: Mapping[str, float], truth: str) -> float:
    """ln of the probability given to the true hypothesis, floored at ``FLOOR``."""
    return math.log(max(probabilities.get(truth, 0.0), FLOOR))


@dataclass(frozen=True, slots=True)
class Scores:
    """How well one set of probabilities did, once the truth was known."""

    brier: float
    log: float

    def to_json(self) -> dict[str, float]:
        return {"brier": self.brier, "log": self.log}


def scored(probabilities: Mapping[str, float], truth: str | None) -> Scores | None:
    if truth is None:
        return None
    return Scores(brier(probabilities, truth), log_score(probabilities, truth))


@dataclass(frozen=True, slots=True)
class AnalystJudgement:
    """One analyst's probabilities beside what their own ratings support."""

    analyst: str
    stated: dict[str, float]
    """As written in the file (hypotheses left out are absent)."""
    coherent: dict[str, float]
    bayes: dict[str, float]
    """The bayes posterior from this analyst's ratings alone (the priors if none)."""
    rated: int
    """Cells this analyst rated."""
    scores: Scores | None = None
    bayes_scores: Scores | None = None

    @property
    def total(self) -> float:
        return sum(self.stated.values())

    def gaps(self, threshold: float = GAP) -> list[tuple[str, float]]:
        """(hypothesis, coherent - bayes) where the two differ by more than ``threshold``:
        positive where the analyst rates the hypothesis above what their ratings support."""
        return [
            (h, self.coherent[h] - self.bayes[h])
            for h in self.coherent
            if abs(self.coherent[h] - self.bayes[h]) > threshold
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "analyst": self.analyst,
            "stated": self.stated,
            "sum": self.total,
            "coherent": self.coherent,
            "bayes": self.bayes,
            "rated_cells": self.rated,
            "gaps": [{"hypothesis": h, "gap": g} for h, g in self.gaps()],
            "scores": self.scores.to_json() if self.scores else None,
            "bayes_scores": self.bayes_scores.to_json() if self.bayes_scores else None,
        }


@dataclass(frozen=True, slots=True)
class Judgement:
    """Every analyst's judgement on one matrix, the pools and, once resolved, the scores."""

    hypotheses: tuple[str, ...]
    titles: tuple[str, ...]
    analysts: list[AnalystJudgement]
    linear: dict[str, float]
    geometric: dict[str, float]
    truth: str | None
    pooled_scores: dict[str, Scores] = field(default_factory=dict)
    """``linear`` and ``geometric`` pools' scores, once resolved."""

    def to_json(self) -> dict[str, object]:
        return {
            "hypotheses": [
                {"id": h, "title": t} for h, t in zip(self.hypotheses, self.titles, strict=True)
            ],
            "analysts": [a.to_json() for a in self.analysts],
            "pooled": {"linear": self.linear, "geometric": self.geometric},
            "resolution": self.truth,
            "pooled_scores": {k: v.to_json() for k, v in self.pooled_scores.items()},
            "gap_threshold": GAP,
            "floor": FLOOR,
        }


def judge(
    data: MatrixData, analysts: Sequence[str] | None = None, with_bayes: bool = True
) -> Judgement:
    """Each analyst's judgements (of those chosen; default every analyst with
    judgements) beside their bayes posterior, the pools, and the scores if resolved.

    ``with_bayes=False`` leaves the posteriors empty (calibration needs none).
    """
    hypotheses = tuple(data["hypotheses"])
    table = data.get("judgements", {})
    names = [a for a in (analysts if analysts is not None else list(table)) if a in table]
    resolution = data.get("resolution")
    truth = resolution["hypothesis"] if resolution else None
    ratings = data.get("ratings", {})
    rows: list[AnalystJudgement] = []
    for name in names:
        coherent = coherentised(table[name], hypotheses)
        posterior: dict[str, float] = {}
        if with_bayes:
            ranking = bayes(Grid.from_data(data, [name]))
            posterior = {h.id: float(h.figures["posterior"]) for h in ranking.hypotheses}
            posterior = {h: posterior[h] for h in hypotheses}
        rated = sum(len(row) for row in ratings.get(name, {}).values())
        rows.append(
            AnalystJudgement(
                analyst=name,
                stated=dict(table[name]),
                coherent=coherent,
                bayes=posterior,
                rated=rated,
                scores=scored(coherent, truth),
                bayes_scores=scored(posterior, truth) if posterior else None,
            )
        )
    coherent_all = [r.coherent for r in rows]
    linear = linear_pool(coherent_all, hypotheses)
    geometric = geometric_pool(coherent_all, hypotheses)
    pooled_scores: dict[str, Scores] = {}
    if truth is not None and rows:
        pooled_scores = {"linear": Scores(brier(linear, truth), log_score(linear, truth))}
        pooled_scores["geometric"] = Scores(brier(geometric, truth), log_score(geometric, truth))
    return Judgement(
        hypotheses=hypotheses,
        titles=tuple(h["title"] for h in data["hypotheses"].values()),
        analysts=rows,
        linear=linear,
        geometric=geometric,
        truth=truth,
        pooled_scores=pooled_scores,
    )


@dataclass(slots=True)
class Bin:
    """Judgements whose probability fell in [low, high): how many, and how many came true."""

    low: float
    high: float
    count: int = 0
    true: int = 0
    total_p: float = 0.0

    @property
    def frequency(self) -> float | None:
        return self.true / self.count if self.count else None

    @property
    def mean_p(self) -> float | None:
        return self.total_p / self.count if self.count else None

    def to_json(self) -> dict[str, object]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "true": self.true,
            "mean_probability": self.mean_p,
            "frequency": self.frequency,
        }


@dataclass(slots=True)
class Calibration:
    """One forecaster's record (an analyst, or the linear pool) over many resolved matrices."""

    name: str
    briers: list[float] = field(default_factory=list)
    logs: list[float] = field(default_factory=list)
    bins: list[Bin] = field(
        default_factory=lambda: [Bin(i / BINS, (i + 1) / BINS) for i in range(BINS)]
    )

    def add(self, probabilities: Mapping[str, float], truth: str) -> None:
        self.briers.append(brier(probabilities, truth))
        self.logs.append(log_score(probabilities, truth))
        for h, p in probabilities.items():
            cell = self.bins[min(int(p * BINS), BINS - 1)]
            cell.count += 1
            cell.total_p += p
            cell.true += h == truth

    @property
    def mean_brier(self) -> float:
        return sum(self.briers) / len(self.briers) if self.briers else math.nan

    @property
    def mean_log(self) -> float:
        return sum(self.logs) / len(self.logs) if self.logs else math.nan

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "matrices": len(self.briers),
            "mean_brier": self.mean_brier,
            "mean_log": self.mean_log,
            "bins": [b.to_json() for b in self.bins],
        }


POOLED = "pooled (linear)"
"""The name the linear pool's record goes under in a calibration."""


def calibrate(matrices: Sequence[MatrixData]) -> list[Calibration]:
    """Each analyst's record and the linear pool's, over resolved ``matrices``
    (analysts in order of first appearance, the pool last)."""
    records: dict[str, Calibration] = {}
    pool = Calibration(POOLED)
    for data in matrices:
        result = judge(data, with_bayes=False)
        if result.truth is None or not result.analysts:
            continue
        for row in result.analysts:
            records.setdefault(row.analyst, Calibration(row.analyst)).add(
                row.coherent, result.truth
            )
        pool.add(result.linear, result.truth)
    return [*records.values(), pool]

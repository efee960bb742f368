"""What to collect next: the value of each pending evidence item and open milestone.

Heuer's method should point at "the most productive areas for future research or
collection".  A pending item (``status = "pending"``) is rated for what each
hypothesis predicts about it and counts in no score; this module asks, for each
one, what observing it would do to the ranking, so an analyst collects first
what could settle the question.  docs/analysis.md gives every formula.

* Under ``bayes`` the item is a yes/no observation: seen (as described) with the
  tempered likelihood L_h that ``bayes`` reads from its codes, not seen with
  1 - L_h.  L_h = c L(code) + (1 - c) / 2 is tempered by the credibility c the
  item is expected to have once collected (its ``credibility``, read as for a
  collected item); L_h being linear in c, that is also the likelihood averaged
  over the credibility it may turn out to have.  Its value is the mutual
  information between that observation and the true hypothesis, under the
  current posterior, in bits; beside it, the
  chance that collecting it changes the leader, and the leader's posterior if
  the item is seen and if it is not.
* Under ``heuer``, ``weighted`` and ``opensynthesis`` scores only ever count
  what was seen, so the question is whether adding the item as rated would
  change the leader, and how many ranks it would move.

An open milestone is a candidate too: a pending item bearing on its one
hypothesis, rated C if it ``supports`` it and I if it ``refutes`` it, unrated
(neutral) for the others, of medium credibility and relevance.

The values are computed from a ``Ranking`` of the collected evidence (from
``scoring.score``, or from the editor's ``scoring.live``) and a ``Grid`` of the
candidates (``candidates``): O(candidates x hypotheses), never the whole matrix
again, so the editor can keep them current as ratings change.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul, ne, sub
from typing import Final, Literal, NamedTuple, TypeAlias, cast

from achbench.core.data import MatrixData
from achbench.core.vocabulary import DEFAULT_LEVEL, Code, Expect
from achbench.scoring import ties
from achbench.scoring.methods import (
    HEUER_VALUE,
    Cell,
    CellTable,
    Grid,
    Ranking,
    bayes_log_likelihoods,
    independent,
    item_weights,
    opensynthesis_terms,
    pooled,
    score,
)

Kind = Literal["evidence", "milestone"]
"""What a candidate is: a pending evidence item, or an open milestone."""

Figure: TypeAlias = "float | int | tuple[str, ...]"
"""A number a candidate shows beside its value, or the hypotheses that would lead."""

MILESTONE_CODE: Final[Mapping[Expect, Code]] = {"supports": "C", "refutes": "I"}
"""The code an open milestone is read with, for its one hypothesis, by what it expects."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One pending item or open milestone, and what collecting it would do."""

    id: str
    title: str
    kind: Kind
    hypothesis: str | None
    """A milestone's hypothesis; None for an evidence item."""
    rank: int
    """Its place by value, 1 the most worth collecting; equal values share a rank."""
    changes_leader: float
    """Under bayes the probability that collecting it changes the leader; under the
    other methods 1.0 if observing it changes the leader, else 0.0."""
    leaders_if_observed: tuple[str, ...]
    """The hypotheses ranked first once it is seen."""
    figures: dict[str, Figure] = field(default_factory=dict)
    """Method-specific numbers (``FIGURES``)."""

    def number(self, key: str) -> float:
        """A figure that is a number (every figure but a list of hypotheses)."""
        value = self.figures[key]
        if isinstance(value, tuple):
            raise TypeError(f"{key} lists hypotheses, it is no number")
        return float(value)

    def hypotheses(self, key: str) -> tuple[str, ...]:
        """A figure that lists hypotheses (``leaders_if_not``)."""
        value = self.figures[key]
        if not isinstance(value, tuple):
            raise TypeError(f"{key} is a number, not a list of hypotheses")
        return value

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rank": self.rank,
            "id": self.id,
            "kind": self.kind,
            "hypothesis": self.hypothesis,
            "title": self.title,
            "changes_leader": self.changes_leader,
            "leaders_if_observed": list(self.leaders_if_observed),
        }
        for key, value in self.figures.items():
            out[key] = list(value) if isinstance(value, tuple) else value
        return out


FIGURES: Final[Mapping[str, tuple[str, ...]]] = {
    "bayes": (
        "information_bits",
        "p_observed",
        "leader_posterior_if_observed",
        "leader_posterior_if_not",
        "leaders_if_not",
    ),
    "heuer": ("ranks_changed", "diagnosticity"),
    "weighted": ("ranks_changed", "diagnosticity"),
    "opensynthesis": ("ranks_changed", "diagnosticity"),
}
"""The keys of ``Candidate.figures`` under each method, in the order outputs show them."""


@dataclass(frozen=True, slots=True)
class Collection:
    """The candidates by value under one method, and the leader they are weighed against."""

    method: str
    leaders: tuple[str, ...]
    """The hypotheses ranked first now, from the collected evidence alone."""
    leader_score: float
    """The first leader's score now (its posterior under bayes)."""
    candidates: list[Candidate]
    """Most worth collecting first; equal values keep evidence, then milestones, in file order."""
    pending: int
    """How many candidates are pending evidence items (the rest are open milestones)."""

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "leaders": list(self.leaders),
            "leader_score": self.leader_score,
            "pending_items": self.pending,
            "open_milestones": len(self.candidates) - self.pending,
            "candidates": [c.to_json() for c in self.candidates],
        }


# --------------------------------------------------------------------------- candidates


def candidates(
    data: MatrixData, analysts: Sequence[str] | None = None, *, milestones: bool = True
) -> tuple[Grid, tuple[Kind, ...], tuple[str | None, ...]]:
    """The candidates as a ``Grid`` (pending items, then open milestones, in file
    order), with each one's kind and (for a milestone) hypothesis."""
    grid = Grid.from_data(data, analysts, pending=True)
    if grid.origins:  # each candidate is weighed on its own (docs/analysis.md)
        grid = dataclasses.replace(grid, origins=())
    kinds: list[Kind] = ["evidence"] * len(grid.evidence)
    bears_on: list[str | None] = [None] * len(grid.evidence)
    watched = [
        (k, m)
        for k, m in (data.get("milestones") or {}).items()
        if milestones and m.get("status", "open") == "open"
    ]
    if not watched:
        return grid, tuple(kinds), tuple(bears_on)
    rows: list[Mapping[str, Cell]] = [
        {m["hypothesis"]: MILESTONE_CODE[m["expect"]]} for _, m in watched
    ]
    kinds += ["milestone"] * len(watched)
    bears_on += [m["hypothesis"] for _, m in watched]
    more = len(watched)
    grid = dataclasses.replace(
        grid,
        evidence=(*grid.evidence, *(k for k, _ in watched)),
        evidence_titles=(*grid.evidence_titles, *(m["title"] for _, m in watched)),
        credibility=(*grid.credibility, *repeat(DEFAULT_LEVEL, more)),
        relevance=(*grid.relevance, *repeat(DEFAULT_LEVEL, more)),
        cells=(*grid.cells, *rows),
    )
    return grid, tuple(kinds), tuple(bears_on)


# --------------------------------------------------------------------------- values


class _Value(NamedTuple):
    """What collecting one candidate would do, before the candidates are ordered."""

    key: tuple[float, ...]
    """What the candidates are ordered by, lowest first."""
    change: float
    if_seen: tuple[str, ...]
    figures: dict[str, Figure]


def _ranks(keys: Sequence[ties.Key]) -> list[int]:
    """Each key's rank under the tie rule, in the keys' own order."""
    out = [0] * len(keys)
    for index, rank in ties.rank_order(keys):
        out[index] = rank
    return out


class _BinaryEntropy(dict[float, float]):
    """h(x) = -x log2 x - (1 - x) log2 (1 - x), in bits, remembered per x: a
    candidate's likelihoods take a few distinct values (a code at a credibility)."""

    def __missing__(self, x: float) -> float:
        found = self[x] = -math.fsum(p * math.log2(p) for p in (x, 1.0 - x) if p > 0)
        return found


def posterior_now(base: Ranking, ids: Sequence[str]) -> list[float]:
    """The posterior of each of ``ids`` in the bayes ranking ``base``, from its log odds."""
    by_id = {h.id: h for h in base.hypotheses}
    weights = [math.exp(by_id[h].figures["log_odds"]) for h in ids]
    total = math.fsum(weights)
    return [w / total for w in weights]


def bayes_values(base: Ranking, grid: Grid) -> tuple[tuple[str, ...], float, list[_Value]]:
    """The leaders now, the first leader's posterior, and each candidate's value,
    from the collected evidence's ``bayes`` ranking ``base`` (docs/analysis.md)."""
    ids = grid.hypotheses
    prior = posterior_now(base, ids)
    leaders = ties.leaders(ids, [-p for p in prior])
    first = ids.index(leaders[0])
    entropy = _BinaryEntropy()
    out: list[_Value] = []
    for row in bayes_log_likelihoods(grid):
        like = list(map(math.exp, row))
        if max(like) == min(like):  # rated alike, or not at all: it cannot move anything
            still: dict[str, Figure] = {
                "information_bits": 0.0,
                "p_observed": like[0],
                "leader_posterior_if_observed": prior[first],
                "leader_posterior_if_not": prior[first],
                "leaders_if_not": leaders,
            }
            out.append(_Value((0.0, 0.0), 0.0, leaders, still))
            continue
        seen = list(map(mul, prior, like))
        unseen = list(map(mul, prior, map(sub, repeat(1.0), like)))
        p_seen = math.fsum(seen)
        p_unseen = math.fsum(unseen)
        # I(H; O) = H(O) - H(O | H) = h(P(seen)) - sum_h pi_h h(L_h)
        information = max(
            0.0, entropy[p_seen] - math.fsum(map(mul, prior, map(entropy.__getitem__, like)))
        )
        post_seen = [v / p_seen for v in seen]
        post_unseen = [v / p_unseen for v in unseen]
        if_seen = ties.leaders(ids, [-p for p in post_seen])
        if_not = ties.leaders(ids, [-p for p in post_unseen])
        change = p_seen * (if_seen != leaders) + p_unseen * (if_not != leaders)
        figures: dict[str, Figure] = {
            "information_bits": information,
            "p_observed": p_seen,
            "leader_posterior_if_observed": post_seen[first],
            "leader_posterior_if_not": post_unseen[first],
            "leaders_if_not": if_not,
        }
        out.append(_Value((-information, -change), change, if_seen, figures))
    return leaders, prior[first], out


def _os_keys(
    base: Ranking, grid: Grid, collected: int
) -> tuple[list[ties.Key], list[list[ties.Key]]]:
    """Open Synthesis' sort keys now, and with each candidate of ``grid`` added."""
    by_id = {h.id: h.figures for h in base.hypotheses}
    figures = [by_id[h] for h in grid.hypotheses]
    inc = [float(f["inconsistency"]) for f in figures]
    con = [float(f["consistency"]) for f in figures]
    na = [round(f["proportion_na"] * collected) for f in figures]
    unrated = [round(f["proportion_unrated"] * collected) for f in figures]
    shown = collected or 1  # no items: every proportion is 0
    now: list[ties.Key] = [
        (inc[j], -con[j], na[j] / shown, unrated[j] / shown) for j in range(len(inc))
    ]
    table = CellTable(opensynthesis_terms, None)
    total = collected + 1
    afters: list[list[ties.Key]] = []
    for cells in grid.cells:
        after: list[ties.Key] = []
        for j, h in enumerate(grid.hypotheses):
            cell = cells.get(h)
            if cell is None:
                after.append((inc[j], -con[j], na[j] / total, (unrated[j] + 1) / total))
                continue
            add_inc, add_con, add_na = cast("tuple[float, float, int]", table[cell])
            after.append(
                (
                    inc[j] + add_inc,
                    -(con[j] + add_con),
                    (na[j] + add_na) / total,
                    unrated[j] / total,
                )
            )
        afters.append(after)
    return now, afters


def _additive_keys(base: Ranking, grid: Grid) -> tuple[list[ties.Key], list[list[ties.Key]]]:
    """Heuer's or the weighted inconsistency now, and with each candidate added."""
    by_id = {h.id: h.figures for h in base.hypotheses}
    now = [float(by_id[h]["inconsistency"]) for h in grid.hypotheses]
    weighted = base.method == "weighted"
    weights = item_weights(grid) if weighted else [1.0] * len(grid.evidence)
    afters: list[list[ties.Key]] = []
    for row, w in zip(pooled(grid, HEUER_VALUE), weights, strict=True):
        afters.append([t if v is None else t + v * w for t, v in zip(now, row, strict=True)])
    return list(now), afters


def additive_values(
    base: Ranking, grid: Grid, collected: int
) -> tuple[tuple[str, ...], float, list[_Value]]:
    """The leaders now, the first leader's score, and each candidate's value under
    heuer, weighted or opensynthesis, from ``base``, the ranking of ``collected`` items."""
    ids = grid.hypotheses
    if base.method == "opensynthesis":
        now, afters = _os_keys(base, grid, collected)
    else:
        now, afters = _additive_keys(base, grid)
    ranks = _ranks(now)
    leaders = tuple(ids[j] for j in range(len(ids)) if ranks[j] == 1)
    grouping = ties.Grouping.of(now)
    spread = [e.diagnosticity for e in score(grid, base.method).evidence] if afters else []
    out: list[_Value] = []
    for after, diagnosticity in zip(afters, spread, strict=True):
        new = ranks if grouping.holds_for(after) else _ranks(after)  # the same groups: same ranks
        if_seen = tuple(ids[j] for j in range(len(ids)) if new[j] == 1)
        moved = sum(map(ne, ranks, new))
        figures: dict[str, Figure] = {"ranks_changed": moved, "diagnosticity": diagnosticity}
        change = float(if_seen != leaders)
        out.append(_Value((-change, -moved, -diagnosticity), change, if_seen, figures))
    first = next(h for h in base.hypotheses if h.id == leaders[0])
    return leaders, first.score, out


def collection(
    base: Ranking,
    grid: Grid,
    kinds: Sequence[Kind],
    bears_on: Sequence[str | None],
    collected: int,
) -> Collection:
    """Weigh the candidates of ``grid`` (``candidates``) against ``base``, the
    ranking of the ``collected`` pieces of evidence (items, an origin's items
    counted as one) under its method, and order them by value:
    under bayes by information, then by the chance of a new leader; under the
    other methods by whether the leader changes, then how many ranks move, then
    diagnosticity.  Equal values share a rank (``scoring.ties``), in file order."""
    pending = sum(k == "evidence" for k in kinds)
    if not grid.hypotheses:
        return Collection(base.method, (), 0.0, [], pending)
    if base.method == "bayes":
        leaders, leader_score, values = bayes_values(base, grid)
    else:
        leaders, leader_score, values = additive_values(base, grid, collected)
    keys: list[ties.Key] = [v.key for v in values]
    found = [
        Candidate(
            id=grid.evidence[i],
            title=grid.evidence_titles[i],
            kind=kinds[i],
            hypothesis=bears_on[i],
            rank=rank,
            changes_leader=values[i].change,
            leaders_if_observed=values[i].if_seen,
            figures=values[i].figures,
        )
        for i, rank in ties.rank_order(keys)
    ]
    return Collection(base.method, leaders, leader_score, found, pending)


def collection_of(
    data: MatrixData,
    method: str = "bayes",
    analysts: Sequence[str] | None = None,
    *,
    milestones: bool = True,
) -> Collection:
    """``collection`` straight from validated matrix data: what ``achbench next`` prints."""
    collected = independent(Grid.from_data(data, analysts))  # an origin's items count once
    base = score(collected, method)
    grid, kinds, bears_on = candidates(data, analysts, milestones=milestones)
    return collection(base, grid, kinds, bears_on, len(collected.evidence))

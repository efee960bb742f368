"""Key assumptions, checked: what the ranking looks like without each one.

The Key Assumptions Check is the technique taught beside ACH: write down what
the analysis takes for granted, give each a verdict (solid, caveated,
unsupported), and ask what follows if it is wrong.  An assumption reaches the
ranking two ways (``[assumptions.<id>]`` in the format):

* evidence items name it in ``assumes``: read that way only if it holds, so
  ``check`` ranks the hypotheses again with those items left out;
* its ``hypotheses`` stand or fall with it, whatever the evidence says.

A leader **rests on** an assumption when it is among the assumption's
``hypotheses``, or when its lead disappears once the evidence assuming it is left
out: it is no longer among the leaders, or a hypothesis it led draws level with
it.  A leader that rests on an *unsupported* assumption is a warning wherever a
ranking is shown (``rank``, ``sensitivity``, the report, the editor's ranking
pane).  docs/analysis.md, "Key assumptions", says the same with the formulas.

Headless and cheap: one re-scoring per assumption that evidence names, and
nothing at all for a matrix without assumptions (``rank`` imports this module only
when the file has some).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from achbench.analysis.wording import plural
from achbench.core.data import MatrixData
from achbench.core.vocabulary import (
    ASSUMPTION_STATUSES,
    DEFAULT_ASSUMPTION_STATUS,
    AssumptionStatus,
)
from achbench.scoring.methods import (
    HEUER_VALUE,
    Grid,
    Ranking,
    bayes_log_likelihoods,
    bayes_log_posteriors,
    item_weights,
    pooled,
    posteriors,
    score,
    weighted_totals,
)
from achbench.scoring.ties import Key, rank_order

AT_RISK: tuple[AssumptionStatus, ...] = ASSUMPTION_STATUSES[1:]
"""The verdicts that put the hypotheses linked to an assumption at risk: caveated
and unsupported (everything weaker than solid)."""

WARNED: AssumptionStatus = ASSUMPTION_STATUSES[-1]
"""The verdict whose leaders are warned about: unsupported."""


@dataclass(frozen=True, slots=True)
class Without:
    """The ranking with the evidence resting on one assumption left out."""

    order: tuple[str, ...]
    """Hypothesis ids, best first."""
    ranks: dict[str, int]
    """Rank of each hypothesis; tied hypotheses share one (``scoring.ties``)."""
    leaders: tuple[str, ...]
    leader_changed: bool
    """The leaders differ from those with every item."""
    ranks_changed: bool
    """Any hypothesis' rank differs from its rank with every item."""


@dataclass(frozen=True, slots=True)
class AssumptionCheck:
    """One assumption as checked: its verdict, what rests on it, the ranking without it."""

    id: str
    title: str
    status: AssumptionStatus
    notes: str | None
    hypotheses: tuple[str, ...]
    """The hypotheses that stand or fall with it (its ``hypotheses`` key)."""
    evidence: tuple[str, ...]
    """The scored evidence items that name it in ``assumes``, in file order."""
    without: Without | None
    """The ranking with ``evidence`` left out; None when no scored item assumes it."""
    rests: tuple[str, ...]
    """The leaders that rest on it (module docstring), in rank order."""

    @property
    def at_risk(self) -> tuple[str, ...]:
        """The linked hypotheses when the verdict is caveated or unsupported, else ()."""
        return self.hypotheses if self.status in AT_RISK else ()

    def to_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        for key in ("hypotheses", "evidence", "rests"):
            out[key] = list(out[key])
        if self.without is not None:
            out["without"] = {
                **out["without"],
                "order": list(self.without.order),
                "leaders": list(self.without.leaders),
            }
        out["at_risk"] = list(self.at_risk)
        return out


@dataclass(frozen=True, slots=True)
class AssumptionWarning:
    """A leader that rests on an unsupported assumption.

    Shaped like ``milestones.MilestoneWarning`` (``message``, ``to_json``) so the
    outputs that print warnings print both."""

    kind: Literal["unsupported-assumption"]
    assumption: str
    hypothesis: str
    title: str
    """The assumption's title."""
    message: str

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


def _leaders(ranking: Ranking) -> tuple[str, ...]:
    return tuple(h.id for h in ranking.hypotheses if h.rank == 1)


def _lead_gone(leader: str, before: Sequence[str], after: Sequence[str]) -> bool:
    """Whether ``leader``'s lead disappears: it is not among the leaders ``after``, or a
    hypothesis that was not a leader ``before`` now shares the lead."""
    return leader not in after or not set(after) <= set(before)


def check(
    data: MatrixData,
    grid: Grid,
    method: str = "heuer",
    ranking: Ranking | None = None,
) -> tuple[AssumptionCheck, ...]:
    """Every assumption of ``data`` in file order, checked under ``method``.

    ``grid`` is the scored grid (``Grid.from_data``; its evidence is what counts:
    an item the grid leaves out, a pending one say, is no one's support);
    ``ranking`` is ``score(grid, method)`` when the caller has it already.
    """
    assumptions = data.get("assumptions") or {}
    if not assumptions:
        return ()
    if ranking is None:
        ranking = score(grid, method)
    leaders = _leaders(ranking)
    ranks = {h.id: h.rank for h in ranking.hypotheses}
    evidence = data.get("evidence", {})
    resting: dict[str, list[str]] = {a: [] for a in assumptions}
    for evidence_id in grid.evidence:
        for assumed in evidence[evidence_id].get("assumes", ()):
            if assumed in resting:
                resting[assumed].append(evidence_id)
    index = {e: i for i, e in enumerate(grid.evidence)}
    groups = [[index[e] for e in resting[a]] for a in assumptions]
    # Items sharing an origin count together (the format's rule), so an item's share
    # of a score is no longer its own row: then each ranking is computed again.
    summed = not any(item.get("origin") for item in evidence.values())
    standings = _standings_without(grid, method, groups, summed)
    out = []
    for (assumption_id, fields), ranked in zip(assumptions.items(), standings, strict=True):
        items = tuple(resting[assumption_id])
        linked = tuple(fields.get("hypotheses", ()))
        without = None
        if ranked is not None:
            order, new_ranks = ranked
            after = tuple(h for h in order if new_ranks[h] == 1)
            without = Without(
                order=order,
                ranks=new_ranks,
                leaders=after,
                leader_changed=after != leaders,
                ranks_changed=new_ranks != ranks,
            )
        rests = tuple(
            h
            for h in leaders
            if h in linked or (without is not None and _lead_gone(h, leaders, without.leaders))
        )
        out.append(
            AssumptionCheck(
                id=assumption_id,
                title=fields["title"],
                status=fields.get("status", DEFAULT_ASSUMPTION_STATUS),
                notes=fields.get("notes"),
                hypotheses=linked,
                evidence=items,
                without=without,
                rests=rests,
            )
        )
    return tuple(out)


Ranked = tuple[tuple[str, ...], dict[str, int]]
"""Hypothesis ids in rank order, and each one's rank."""


def _ranked(ids: Sequence[str], keys: Sequence[Key]) -> Ranked:
    """``ids`` ranked by ``keys`` (lower first) as ``scoring`` ranks: ``scoring.ties``."""
    order = rank_order(keys)
    return tuple(ids[i] for i, _ in order), {ids[i]: rank for i, rank in order}


def _standings_without(
    grid: Grid, method: str, groups: Sequence[Sequence[int]], summed: bool = True
) -> list[Ranked | None]:
    """For each group of item indexes, the ranking with those items left out (None for
    an empty group).

    Under heuer, weighted and bayes a hypothesis' score is a sum over the items (the
    inconsistency, weighted or not; the log posterior), so the scores without a group
    are the totals less the group's rows: the rows and totals are computed once, then
    O(items in the group x hypotheses) each, ranked with ``scoring.ties``, whose
    tolerance absorbs the rounding of a subtraction (``analysis.sensitivity``'s leave
    one out does the same).  Open Synthesis' score is not such a sum: each group is
    scored again from its subgrid, as under every method when ``summed`` is False
    (items sharing an origin count together, so a row is not one item's share).  The
    tests hold every method to scoring the matrix without the items from scratch.
    """
    ids = grid.hypotheses
    n = len(ids)
    out: list[Ranked | None] = []
    if summed and method in ("heuer", "weighted", "bayes"):
        if method == "bayes":
            rows = cast("list[list[float | None]]", bayes_log_likelihoods(grid))
            weights = [1.0] * len(rows)
            totals = bayes_log_posteriors(grid, cast("list[list[float]]", rows))
        else:
            rows = pooled(grid, HEUER_VALUE)
            weights = [1.0] * len(rows) if method == "heuer" else item_weights(grid)
            totals = weighted_totals(rows, weights, n)
        for group in groups:
            if not group:
                out.append(None)
                continue
            left = list(totals)
            for i in group:
                w = weights[i]
                for j, v in enumerate(rows[i]):
                    if v is not None:
                        left[j] -= v * w
            if method == "bayes":
                out.append(_ranked(ids, [-p for p in posteriors(left)]))
            else:
                out.append(_ranked(ids, left))
        return out
    from achbench.analysis.sensitivity import subgrid

    for group in groups:
        if not group:
            out.append(None)
            continue
        dropped = set(group)
        again = score(subgrid(grid, [i not in dropped for i in range(len(grid.evidence))]), method)
        out.append(
            (tuple(h.id for h in again.hypotheses), {h.id: h.rank for h in again.hypotheses})
        )
    return out


def warnings(checks: Sequence[AssumptionCheck], data: MatrixData) -> list[AssumptionWarning]:
    """One warning per leader resting on an unsupported assumption, in file order;
    the messages name each leader with its title in ``data``."""
    titles = {h: v["title"] for h, v in data["hypotheses"].items()}
    out = []
    for found in checks:
        if found.status != WARNED:
            continue
        for leader in found.rests:
            how = (
                "stands or falls with"
                if leader in found.hypotheses
                else "loses its lead without the evidence resting on"
            )
            out.append(
                AssumptionWarning(
                    "unsupported-assumption",
                    found.id,
                    leader,
                    found.title,
                    f"The leading hypothesis {leader} ({titles.get(leader, leader)}) {how} "
                    f"assumption {found.id}, judged unsupported: {found.title}",
                )
            )
    return out


def leader_warnings(
    data: MatrixData, grid: Grid, method: str, ranking: Ranking | None = None
) -> list[AssumptionWarning]:
    """``warnings(check(...))`` in one call, for the outputs that show only the warnings.

    Only unsupported assumptions can warn, so only those are checked."""
    assumptions = data.get("assumptions") or {}
    unsupported = {k: v for k, v in assumptions.items() if v.get("status") == WARNED}
    if not unsupported:
        return []
    narrowed: MatrixData = {**data, "assumptions": unsupported}
    return warnings(check(narrowed, grid, method, ranking), data)


# --------------------------------------------------------------------------- in words


def without_text(found: AssumptionCheck) -> str:
    """'no evidence assumes it', or the new order and what changed."""
    without = found.without
    if without is None:
        return "no evidence assumes it"
    from achbench.analysis.sensitivity import Standing
    from achbench.analysis.wording import order_text

    order = order_text(Standing(without.order, without.ranks))
    effect = (
        "leader changes"
        if without.leader_changed
        else "ranks change"
        if without.ranks_changed
        else "no change"
    )
    return f"without {plural(len(found.evidence), 'item')}: {order} ({effect})"


def risk_text(found: AssumptionCheck) -> str:
    """Who stands or falls with it (when not solid) and which leaders rest on it."""
    parts = []
    if found.at_risk:
        parts.append(f"at risk: {', '.join(found.at_risk)}")
    if found.rests:
        parts.append(f"leader resting on it: {', '.join(found.rests)}")
    return "; ".join(parts) or "-"


def summary(checks: Sequence[AssumptionCheck]) -> str:
    """'5 assumptions: 2 solid, 3 caveated, 0 unsupported.'"""
    counts = ", ".join(
        f"{sum(1 for c in checks if c.status == s)} {s}" for s in ASSUMPTION_STATUSES
    )
    return f"{plural(len(checks), 'assumption')}: {counts}."

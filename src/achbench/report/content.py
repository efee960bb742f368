"""What a report holds, computed once and rendered as Markdown or HTML.

Heuer's step 7: report the relative likelihood of every hypothesis, not just
the winner, with the evidence that decided it and how sensitive that is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from achbench.analysis.assumptions import AssumptionCheck, AssumptionWarning
from achbench.analysis.assumptions import check as check_assumptions
from achbench.analysis.assumptions import warnings as assumption_warnings
from achbench.analysis.consensus import Consensus, consensus
from achbench.analysis.diagnosticity import caveats
from achbench.analysis.judgement import Judgement, judge
from achbench.analysis.milestones import MilestoneView, MilestoneWarning, by_hypothesis, warnings
from achbench.analysis.sensitivity import Findings, analyse, raters_of
from achbench.core.data import MatrixData
from achbench.core.vocabulary import METHODS, Code, Level
from achbench.scoring.admiralty import admiralty_mark
from achbench.scoring.methods import (
    EvidenceScore,
    Grid,
    Ranking,
    cell_codes,
    rated_alike,
    score,
)
from achbench.versioning.history import History

TOP_DIAGNOSTIC = 10
"""Evidence items listed as the most diagnostic."""


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One evidence item as the report's matrix shows it."""

    id: str
    title: str
    credibility: Level
    relevance: Level
    codes: dict[str, Code | None]
    """Per hypothesis: the code (the consensus when several analysts rated), None if unrated."""
    disputes: dict[str, str]
    """Per hypothesis with several analysts: the dispute category of the cell."""
    diagnosticity: float
    nondiagnostic: bool
    admiralty: str | None = None
    """The Admiralty rating (source reliability and grade, ``B2``), when given."""
    origin: str | None = None
    """The origin it shares with other items, when it has one."""
    caveats: tuple[str, ...] = ()
    """Why its diagnosticity may only look so (``analysis.diagnosticity``)."""


@dataclass(frozen=True, slots=True)
class Note:
    """One analyst's rationale for one cell: why they rated it as they did."""

    evidence: str
    hypothesis: str
    analyst: str
    code: Code | None
    """That analyst's code for the cell; None if they have not rated it yet."""
    text: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the report shows."""

    title: str
    question: str | None
    analysts: tuple[str, ...]
    method: str
    """The method whose order and findings lead the report."""
    hypotheses: dict[str, tuple[str, str | None]]
    """Id to (title, description), file order."""
    rankings: dict[str, Ranking]
    """Every method's ranking, in ``METHODS`` order."""
    rows: tuple[MatrixRow, ...]
    most_diagnostic: tuple[EvidenceScore, ...]
    nondiagnostic: int
    findings: Findings
    consensus: Consensus | None
    """Only when at least two analysts rated."""
    milestones: dict[str, list[MilestoneView]]
    warnings: tuple[MilestoneWarning | AssumptionWarning, ...]
    """Milestones that tell against the leader, then leaders resting on an unsupported
    assumption."""
    judgement: Judgement | None = None
    """Analysts' probabilities, pooled (and scored once resolved): only when any were entered."""
    history: History | None = None
    """The file's committed versions, ranked (``with_history``): only for a file in git."""
    notes: tuple[Note, ...] = ()
    """The rationale of the report's analysts, evidence then hypotheses in file order."""
    independent: int = 0
    """Independent pieces of evidence: items without an origin, plus one per origin."""
    assumptions: tuple[AssumptionCheck, ...] = ()
    """The key assumptions checked under the lead method, file order."""

    @property
    def order(self) -> list[str]:
        """Hypothesis ids in the lead method's rank order."""
        return [h.id for h in self.rankings[self.method].hypotheses]


def build(
    data: MatrixData,
    method: str = "heuer",
    analysts: Sequence[str] | None = None,
    steps: str = "any",
    today: dt.date | None = None,
) -> Report:
    """Compute a report's content from validated matrix data."""
    grid = Grid.from_data(data, analysts)
    rankings: dict[str, Ranking] = {m: score(grid, m) for m in METHODS}
    lead = rankings[method]
    alike = rated_alike(grid)
    several = len(grid.analysts) > 1
    agreement = consensus(data, grid.analysts) if several else None
    items = data.get("evidence", {})
    sources = data.get("sources", {})
    flagged = caveats(data, method, grid.analysts)
    rows = []
    for i, (evidence_id, title) in enumerate(zip(grid.evidence, grid.evidence_titles, strict=True)):
        codes: dict[str, Code | None] = {}
        disputes: dict[str, str] = {}
        for h in grid.hypotheses:
            cell = grid.cells[i].get(h)
            if cell is None:
                codes[h] = None
            elif agreement is None:
                codes[h] = cell_codes(cell)[0]
            else:
                pooled = agreement.cell(evidence_id, h)
                codes[h] = pooled.consensus
                if len(pooled.votes) > 1:
                    disputes[h] = pooled.category
        rows.append(
            MatrixRow(
                evidence_id,
                title,
                grid.credibility[i],
                grid.relevance[i],
                codes,
                disputes,
                lead.evidence[i].diagnosticity,
                alike[i],
                admiralty_mark(items[evidence_id], sources),
                items[evidence_id].get("origin"),
                flagged[evidence_id].flags,
            )
        )
    ranked = sorted(
        (e for e, flat in zip(lead.evidence, alike, strict=True) if not flat),
        key=lambda e: -e.diagnosticity,
    )
    top = tuple(e for e in ranked if e.diagnosticity > 0)[:TOP_DIAGNOSTIC]
    findings = analyse(grid, method, steps, raters_of(data, grid.analysts) if several else None)
    checks = check_assumptions(data, grid, method, lead)
    return Report(
        title=data["title"],
        question=data.get("question"),
        analysts=grid.analysts,
        method=method,
        hypotheses={h: (v["title"], v.get("description")) for h, v in data["hypotheses"].items()},
        rankings=rankings,
        rows=tuple(rows),
        most_diagnostic=top,
        nondiagnostic=sum(alike),
        findings=findings,
        consensus=agreement,
        milestones=by_hypothesis(data, today),
        warnings=(
            *warnings(data, findings.leaders, today),
            *assumption_warnings(checks, data),
        ),
        judgement=judge(data, analysts) if data.get("judgements") else None,
        notes=rationale_notes(data, grid.analysts),
        independent=findings.origins,
        assumptions=checks,
    )


def judgement_columns(report: Report) -> list[tuple[str, dict[str, float]]]:
    """The judgement chart's series: each analyst (coherentised), the two pools, and
    the bayes posterior of the pooled ratings; empty without judgements."""
    result = report.judgement
    if result is None or not result.analysts:
        return []
    posterior = {h.id: h.score for h in report.rankings["bayes"].hypotheses}
    columns = [(a.analyst, a.coherent) for a in result.analysts]
    columns += [("linear pool", result.linear), ("geometric pool", result.geometric)]
    return [*columns, ("bayes", posterior)]


def judgement_scores(report: Report) -> list[tuple[str, float, float]]:
    """(forecast, Brier, log score) once resolved: each analyst, their bayes, the pools."""
    result = report.judgement
    if result is None or result.truth is None:
        return []
    rows = []
    for a in result.analysts:
        if a.scores:
            rows.append((a.analyst, a.scores.brier, a.scores.log))
        if a.bayes_scores:
            rows.append((f"{a.analyst} (bayes)", a.bayes_scores.brier, a.bayes_scores.log))
    rows += [(f"{k} pool", v.brier, v.log) for k, v in result.pooled_scores.items()]
    return rows


def rationale_notes(data: MatrixData, analysts: Sequence[str]) -> tuple[Note, ...]:
    """Every note of ``analysts`` in ``[rationale]``, in the matrix' own order: evidence
    item, then hypothesis, then analyst, so a reader finds a cell's reasons together."""
    rationale = data.get("rationale", {})
    ratings = data.get("ratings", {})
    out: list[Note] = []
    for evidence_id in data.get("evidence", {}):
        for hypothesis_id in data["hypotheses"]:
            for analyst in analysts:
                text = rationale.get(analyst, {}).get(evidence_id, {}).get(hypothesis_id)
                if text:
                    code = ratings.get(analyst, {}).get(evidence_id, {}).get(hypothesis_id)
                    out.append(Note(evidence_id, hypothesis_id, analyst, code, text))
    return tuple(out)


def score_text(method: str, value: float) -> str:
    """A score as the report prints it: posterior as a percentage, else two decimals."""
    return f"{value:.1%}" if method == "bayes" else f"{value:.2f}"


SCORE_NAMES = {
    "heuer": "inconsistency (lower is better)",
    "weighted": "weighted inconsistency (lower is better)",
    "opensynthesis": "Open Synthesis inconsistency (lower is better)",
    "bayes": "posterior probability (higher is better)",
}


def with_history(report: Report, path: str) -> Report:
    """``report`` with the history of ``path`` in git under the report's method, when
    the file is in a repository and has at least two committed versions."""
    import dataclasses

    from achbench.core.errors import AchbenchError
    from achbench.versioning.history import history

    try:
        found = history(path, report.method)
    except AchbenchError:
        return report
    if len(found.versions) < 2:
        return report
    return dataclasses.replace(report, history=found)


def evidence_notes(report: Report) -> list[str]:
    """Sentences under the matrix on what its Admiralty marks, origins and caveats
    mean; none when the matrix has none of them."""
    from achbench.analysis.diagnosticity import FLAG_MEANING
    from achbench.analysis.wording import plural

    out = []
    if any(row.admiralty for row in report.rows):
        out.append(
            "Beside credibility: the Admiralty rating, source reliability A-F and grade "
            "1-6 (A and 1 best, F and 6 cannot be judged); where an item does not set "
            "its credibility, it is derived from them."
        )
    if report.independent and report.independent != len(report.rows):
        out.append(
            f"{plural(len(report.rows), 'evidence item')} from "
            f"{plural(report.independent, 'independent origin')}: items that share an "
            "origin count once in every score."
        )
    shown = {flag for row in report.rows for flag in row.caveats}
    if shown:
        meanings = "; ".join(f"{f}: {m}" for f, m in FLAG_MEANING.items() if f in shown)
        out.append(f"Diagnosticity that may only look so: {meanings}.")
    return out

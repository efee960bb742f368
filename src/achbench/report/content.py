"""What a report holds, computed once and rendered as Markdown or HTML.

Heuer's step 7: report the relative likelihood of every hypothesis, not just
the winner, with the evidence that decided it and how sensitive that is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from achbench.analysis.consensus import Consensus, consensus
from achbench.analysis.milestones import MilestoneView, MilestoneWarning, by_hypothesis, warnings
from achbench.analysis.sensitivity import Findings, analyse, raters_of
from achbench.core.data import MatrixData
from achbench.core.vocabulary import METHODS, Code, Level
from achbench.scoring.methods import (
    EvidenceScore,
    Grid,
    Ranking,
    cell_codes,
    rated_alike,
    score,
)

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
    warnings: tuple[MilestoneWarning, ...]

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
            )
        )
    ranked = sorted(
        (e for e, flat in zip(lead.evidence, alike, strict=True) if not flat),
        key=lambda e: -e.diagnosticity,
    )
    top = tuple(e for e in ranked if e.diagnosticity > 0)[:TOP_DIAGNOSTIC]
    findings = analyse(grid, method, steps, raters_of(data, grid.analysts) if several else None)
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
        warnings=tuple(warnings(data, findings.leaders, today)),
    )


def score_text(method: str, value: float) -> str:
    """A score as the report prints it: posterior as a percentage, else two decimals."""
    return f"{value:.1%}" if method == "bayes" else f"{value:.2f}"


SCORE_NAMES = {
    "heuer": "inconsistency (lower is better)",
    "weighted": "weighted inconsistency (lower is better)",
    "opensynthesis": "Open Synthesis inconsistency (lower is better)",
    "bayes": "posterior probability (higher is better)",
}

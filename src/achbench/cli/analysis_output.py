"""Output pieces shared by rank, sensitivity, consensus: evidence lists, milestone warnings.

The table module (``achbench.cli.table``) is imported only inside the functions
that print, and shows user text literally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from achbench.cli.terminal import say
from achbench.report.markdown_text import escape
from achbench.scoring.methods import EvidenceScore


class LeaderWarning(Protocol):
    """A warning on the leader: a milestone's (``analysis.milestones``) or an
    assumption's (``analysis.assumptions``)."""

    @property
    def message(self) -> str: ...

    def to_json(self) -> dict[str, str]: ...


def by_diagnosticity(
    evidence: Sequence[EvidenceScore], alike: Sequence[bool] | None = None
) -> list[tuple[EvidenceScore, bool]]:
    """Evidence with its non-diagnostic flag, most diagnostic first (file order among equals)."""
    flags = alike if alike is not None else [e.diagnosticity == 0 for e in evidence]
    pairs = list(zip(evidence, flags, strict=True))
    return sorted(pairs, key=lambda pair: (pair[1], -pair[0].diagnosticity))


def _note(e: EvidenceScore, flat: bool, notes: Mapping[str, str] | None) -> str:
    """The Note column: non-diagnostic, or the item's caveats (``analysis.diagnosticity``)."""
    if flat:
        return "non-diagnostic"
    return notes.get(e.id, "") if notes else ""


def evidence_markdown(
    rows: Sequence[tuple[EvidenceScore, bool]],
    caption: str,
    notes: Mapping[str, str] | None = None,
) -> str:
    lines = [
        f"**{escape(caption)}**",
        "",
        "| Id | Evidence | Diagnosticity | Note |",
        "|---|---|---:|---|",
    ]
    for e, flat in rows:
        mark = _note(e, flat, notes)
        lines.append(f"| {e.id} | {escape(e.title)} | {e.diagnosticity:.2f} | {mark} |")
    return "\n".join(lines) + "\n"


def print_evidence_table(
    rows: Sequence[tuple[EvidenceScore, bool]],
    title: str,
    notes: Mapping[str, str] | None = None,
) -> None:
    from achbench.cli.table import Column, Table, print_table

    table = Table(
        [
            Column("Id"),
            Column("Evidence", flex=1, min_width=12),
            Column("Diagnosticity", justify="right"),
            Column("Note"),
        ],
        title=title,
    )
    for e, flat in rows:
        table.add_row(e.id, e.title, f"{e.diagnosticity:.2f}", _note(e, flat, notes))
    print_table(table)


def warnings_markdown(warnings: Sequence[LeaderWarning]) -> str:
    """Each warning as its own block quote."""
    return "\n".join(f"> **Warning:** {escape(w.message)}\n" for w in warnings)


def print_warnings(warnings: Sequence[LeaderWarning]) -> None:
    """Warnings after a table, in bold red so they are not missed."""
    if not warnings:
        return
    from achbench.cli.table import print_line

    for w in warnings:
        print_line(w.message, prefix=("Warning: ", "bold red"))


def echo_warnings(warnings: Sequence[LeaderWarning]) -> None:
    """Warnings on stderr, for outputs that must stay machine-readable."""
    for w in warnings:
        say(f"warning: {w.message}", err=True)

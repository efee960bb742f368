"""``achbench sensitivity``: how far the ranking rests on single items, ratings, weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import (
    analyst_option,
    format_option,
    load_matrix,
    matrix_files,
    method_option,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from achbench.analysis.assumptions import AssumptionCheck, AssumptionWarning
    from achbench.analysis.milestones import MilestoneWarning
    from achbench.analysis.sensitivity import Findings, Flip
    from achbench.core.data import MatrixData
    from achbench.scoring.methods import Grid

SHOWN_CHANGES = 6
"""Rating changes named per challenger in the table and Markdown (JSON has all)."""


def _changes_text(flip: Flip, limit: int | None = SHOWN_CHANGES) -> str:
    from achbench.analysis.wording import change_text

    if flip.changes is None:
        return "impossible"
    shown = [change_text(c) for c in flip.changes[:limit]]
    if limit is not None and len(flip.changes) > limit:
        shown.append(f"... {len(flip.changes) - limit} more")
    return "; ".join(shown)


def _count_text(flip: Flip) -> str:
    if flip.count is None:
        return "-"
    return str(flip.count) if flip.exact else f"<= {flip.count}"


def _removal_rows(findings: Findings, show_all: bool) -> list[tuple[str, str, str, str]]:
    """Items that change the leader; with ``show_all``, every item."""
    from achbench.analysis.wording import order_text

    rows = []
    for r in findings.removals:
        if not (r.leader_changed or show_all):
            continue
        effect = (
            "leader changes"
            if r.leader_changed
            else "ranks change"
            if r.ranks_changed
            else "no change"
        )
        order = order_text(r.standing) if r.standing else ""
        # An origin's items are left out together: name the origin and its items.
        evidence = f"origin {r.evidence}: {', '.join(r.items)}" if r.items else r.evidence
        rows.append((evidence, r.title, effect, order))
    return rows


def _removal_summary(findings: Findings, show_all: bool) -> str:
    from achbench.analysis.wording import removal_summary

    if not findings.removals:
        return "There is no evidence to leave out."
    listed_all = show_all or not any(
        r.ranks_changed and not r.leader_changed for r in findings.removals
    )
    return removal_summary(findings) + ("." if listed_all else " (--all lists them).")


def _heading(findings: Findings) -> str:
    from achbench.analysis.wording import STEP_WORDS

    exact = not findings.flips or findings.flips[0].exact
    kind = "fewest possible" if exact else "heuristic: enough, perhaps not the fewest"
    return f"{kind}; {STEP_WORDS[findings.steps]}"


def render_markdown(
    title: str,
    findings: Findings,
    warnings: Sequence[MilestoneWarning | AssumptionWarning],
    show_all: bool,
    checks: Sequence[AssumptionCheck] = (),
) -> str:
    from achbench.analysis.wording import sentences
    from achbench.cli.analysis_output import warnings_markdown
    from achbench.report.markdown_text import escape

    out = [f"# Sensitivity: {escape(title)} ({findings.method})", ""]
    out += [f"- {escape(s)}" for s in sentences(findings)]
    out.append("")
    if warnings:
        out += [warnings_markdown(warnings)]
    out += ["## Leave one out", ""]
    rows = _removal_rows(findings, show_all)
    if rows:
        out += ["| Evidence | Title | Effect | New order |", "|---|---|---|---|"]
        out += [f"| {e} | {escape(t)} | {eff} | {o} |" for e, t, eff, o in rows]
        out.append("")
    out += [_removal_summary(findings, show_all), ""]
    out += [f"## Fewest rating changes for another hypothesis to lead ({_heading(findings)})", ""]
    if findings.flips:
        out += ["| Challenger | Title | Changes | Cells |", "|---|---|---:|---|"]
        out += [
            f"| {f.challenger} | {escape(f.title)} | {_count_text(f)} | "
            f"{escape(_changes_text(f))} |"
            for f in findings.flips
        ]
        if challengers_note(findings):
            out += ["", challengers_note(findings)]
    else:
        out.append("Only one hypothesis: there is no challenger.")
    out += ["", "## Credibility and relevance (under weighted)", ""]
    if findings.weight_shifts:
        out += ["| Evidence | Title | Moved | New leader |", "|---|---|---|---|"]
        out += [
            f"| {w.evidence} | {escape(w.title)} | {w.attribute} {w.old} -> {w.new} | "
            f"{', '.join(w.leaders)} |"
            for w in findings.weight_shifts
        ]
    else:
        out.append("No single shift of one level changes the leader.")
    if checks:
        from achbench.cli.assumptions_output import assumptions_markdown

        out += ["", assumptions_markdown(checks).rstrip("\n")]
    return "\n".join(out) + "\n"


def challengers_note(findings: Findings) -> str:
    """What the fewest-changes list leaves out at scale (``MAX_CHALLENGERS``), or ""."""
    order = findings.standing.order
    challengers = len(order) - (1 if len(findings.standing.leaders) == 1 else 0)
    if len(findings.flips) >= challengers:
        return ""
    return (
        f"Only the {len(findings.flips)} best-ranked of {challengers} challengers are "
        "searched: the search for each costs time in proportion to the hypotheses."
    )


def print_tables(
    title: str,
    findings: Findings,
    warnings: Sequence[MilestoneWarning | AssumptionWarning],
    show_all: bool,
) -> None:
    from achbench.analysis.wording import order_text, sentences
    from achbench.cli.analysis_output import print_warnings
    from achbench.cli.table import Column, Table, print_line, print_table

    said = sentences(findings)
    print_line(f"Sensitivity: {title} - method: {findings.method}", style="bold")
    print_line(f"Order: {order_text(findings.standing)}")
    for sentence in said[:2]:
        style = "bold yellow" if "close race" in sentence or "tie" in sentence else ""
        print_line(sentence, style=style)
    print_warnings(warnings)

    rows = _removal_rows(findings, show_all)
    if rows:
        table = Table(
            [
                Column("Evidence"),
                Column("Title", flex=3),
                Column("Effect"),
                Column("New order", flex=2),
            ],
            title="Leave one out",
            caption=_removal_summary(findings, show_all),
        )
        for row in rows:
            table.add_row(*row, style="bold" if row[2] == "leader changes" else "")
        print_table(table)
    else:
        # No row to show: a sentence says why, rather than an empty table.
        print_line()
        print_line("Leave one out", style="italic")
        print_line(_removal_summary(findings, show_all))
        print_line()

    table = Table(
        [
            Column("Challenger"),
            Column("Title", flex=1),
            Column("Changes", justify="right"),
            Column("Cells", flex=2),
        ],
        title=f"Fewest rating changes for another hypothesis to lead ({_heading(findings)})",
        caption=challengers_note(findings),
    )
    for flip in findings.flips:
        table.add_row(flip.challenger, flip.title, _count_text(flip), _changes_text(flip))
    print_table(table)

    if findings.weight_shifts:
        table = Table(
            [
                Column("Evidence"),
                Column("Title", flex=2),
                Column("Moved"),
                Column("New leader", flex=1),
            ],
            title="Credibility and relevance moved one level (under weighted)",
        )
        for w in findings.weight_shifts:
            table.add_row(
                w.evidence, w.title, f"{w.attribute} {w.old} -> {w.new}", ", ".join(w.leaders)
            )
        print_table(table)
    for sentence in said:
        if sentence.startswith(("Under weighted, no single", "Keeping only", "Dropping", "No ")):
            print_line(sentence)


def _assumptions(
    data: MatrixData,
    grid: Grid,
    method: str,
    warnings: list[MilestoneWarning | AssumptionWarning],
) -> tuple[AssumptionCheck, ...]:
    """Every key assumption checked; the warnings of leaders resting on an unsupported
    one are added to ``warnings``."""
    if not data.get("assumptions"):
        return ()
    from achbench.analysis import assumptions

    checks = assumptions.check(data, grid, method)
    warnings += assumptions.warnings(checks, data)
    return checks


@main.command()
@matrix_files
@method_option
@analyst_option
@format_option("table", "json", "markdown")
@click.option(
    "--steps",
    type=click.Choice(["any", "one"]),
    default="any",
    show_default=True,
    help="How far one rating change may go: to any code, or one step on the scale.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="List every evidence item in the leave-one-out table, not only those that matter.",
)
@reports_errors
def sensitivity(
    files: tuple[str, ...],
    method: str,
    analysts: tuple[str, ...],
    output_format: str,
    steps: str,
    show_all: bool,
) -> None:
    """How sensitive the ranking of FILE is to single items, ratings and weights.

    Reports, under the chosen method: which evidence items, left out one at a
    time, change the leader or any rank; the fewest rating changes that would
    make each other hypothesis lead (exact for heuer, weighted and bayes, a
    heuristic for opensynthesis); which items' credibility or relevance, moved
    one level, changes the leader under weighted; the margin between the top
    two, with a close-race warning; and the leader with only high-credibility
    evidence, or without low-credibility evidence. See docs/analysis.md.

    \b
    Examples:
      achbench sensitivity matrices/kazakhstan-2022.toml
      achbench sensitivity matrices/kazakhstan-2022.toml --method bayes --steps one
      achbench sensitivity alice.toml bob.toml --format json
    """
    from achbench.analysis.milestones import warnings as milestone_warnings
    from achbench.analysis.sensitivity import analyse, raters_of
    from achbench.cli.output import dumps, emit
    from achbench.scoring.methods import Grid

    data, chosen = load_matrix(files, analysts, warn_conflicts=True)
    grid = Grid.from_data(data, chosen)
    raters = raters_of(data, chosen) if len(grid.analysts) > 1 else None
    findings = analyse(grid, method, steps, raters)
    warnings: list[MilestoneWarning | AssumptionWarning] = [
        *milestone_warnings(data, findings.leaders)
    ]
    checks = _assumptions(data, grid, method, warnings)
    if output_format == "json":
        payload = {"title": data["title"], **findings.to_json()}
        payload["warnings"] = [w.to_json() for w in warnings]
        payload["assumptions"] = [c.to_json() for c in checks]
        if challengers_note(findings):
            payload["challengers_note"] = challengers_note(findings)
        emit(dumps(payload))
    elif output_format == "markdown":
        emit(render_markdown(data["title"], findings, warnings, show_all, checks))
    else:
        print_tables(data["title"], findings, warnings, show_all)
        if checks:
            from achbench.cli.assumptions_output import print_assumptions

            print_assumptions(checks)

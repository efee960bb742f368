"""``achbench rank``: rank the hypotheses of a matrix under a scoring method."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from achbench.analysis.wording import plural
from achbench.cli.app import main, reports_errors
from achbench.cli.options import (
    analyst_option,
    csv_formulas,
    csv_formulas_option,
    format_option,
    load_matrix,
    matrix_files,
    method_option,
)
from achbench.cli.output import emit, print_table, to_csv, to_json, to_markdown
from achbench.core.errors import UsageError
from achbench.scoring.methods import EvidenceScore, Grid, Ranking, rated_alike, score
from achbench.scoring.origins import independent_count

if TYPE_CHECKING:
    from achbench.analysis.assumptions import AssumptionWarning
    from achbench.analysis.diagnosticity import Caveats
    from achbench.analysis.milestones import MilestoneWarning
    from achbench.core.data import MatrixData


def _milestone_warnings(data: MatrixData, leaders: list[str]) -> list[MilestoneWarning]:
    """The milestones' warnings on the leaders; without milestones there are none,
    and the analysis is not even loaded (``achbench rank`` starts faster)."""
    if not data.get("milestones"):
        return []
    from achbench.analysis.milestones import warnings

    return warnings(data, leaders)


def _assumption_warnings(
    data: MatrixData, grid: Grid, method: str, ranking: Ranking
) -> list[AssumptionWarning]:
    """Leaders resting on an unsupported assumption; without assumptions nothing is
    loaded (``analysis.assumptions``)."""
    if not data.get("assumptions"):
        return []
    from achbench.analysis.assumptions import leader_warnings

    return leader_warnings(data, grid, method, ranking)


@main.command()
@matrix_files
@method_option
@analyst_option
@format_option("table", "json", "csv", "markdown")
@click.option(
    "--hide-nondiagnostic",
    is_flag=True,
    help="Leave evidence rated alike for every hypothesis out of the evidence list "
    "(and out of json's evidence). Without --sort it lists the evidence in file order "
    "(table, markdown); the csv output holds no evidence, so there it is refused.",
)
@click.option(
    "--sort",
    "sort_evidence",
    type=click.Choice(["file", "diagnosticity"]),
    default=None,
    help="List the evidence too (table, markdown), in file order or most diagnostic "
    "first; with json, adds evidence_by_diagnosticity (ids); with csv, prints the "
    "evidence list instead of the hypotheses. By diagnosticity, each item's caveats "
    "are shown too: low-credibility, contested-origin, one-analyst (docs/analysis.md).",
)
@csv_formulas_option
@reports_errors
def rank(
    files: tuple[str, ...],
    method: str,
    analysts: tuple[str, ...],
    output_format: str,
    hide_nondiagnostic: bool,
    sort_evidence: str | None,
    csv_formulas_choice: str | None,
) -> None:
    """Rank the hypotheses of FILE, best supported first.

    Several FILEs are the same matrix rated by different analysts: their
    ratings are pooled (a cell's value is the mean over the analysts who rated
    it). Tied hypotheses share a rank. A milestone that tells against the
    leading hypothesis (observed and refuting it, or supporting it and not
    observed by its due date) is printed as a warning, and so is a leader that
    rests on an assumption judged unsupported (docs/analysis.md, "Key assumptions").

    --format csv gives scores to 6 significant digits (json keeps every digit)
    and quotes titles a spreadsheet would run as formulas (--csv-formulas).

    Items that share an origin (the same underlying reporting) count as one
    piece of evidence; the caption and json say how many independent origins
    the evidence comes from.

    \b
    Examples:
      achbench rank matrices/kazakhstan-2022.toml
      achbench rank matrices/kazakhstan-2022.toml --sort diagnosticity
      achbench rank alice.toml bob.toml --method opensynthesis --format json
    """
    from achbench.cli import analysis_output as extra

    quote_formulas = csv_formulas(csv_formulas_choice, output_format)
    if output_format == "csv" and hide_nondiagnostic and not sort_evidence:
        raise UsageError(
            "--hide-nondiagnostic hides the evidence, which the csv output does not hold"
        )
    if hide_nondiagnostic and sort_evidence is None and output_format != "json":
        sort_evidence = "file"
    data, chosen = load_matrix(files, analysts, warn_conflicts=True)
    grid = Grid.from_data(data, chosen)
    ranking = score(grid, method)
    independent = independent_count(grid)
    alike = rated_alike(grid)
    flat_count = sum(alike)
    if hide_nondiagnostic:
        kept = [(e, flat) for e, flat in zip(ranking.evidence, alike, strict=True) if not flat]
        ranking.evidence[:] = [e for e, _ in kept]
        alike = [flat for _, flat in kept]
    leaders = [h.id for h in ranking.hypotheses if h.rank == 1]
    warnings: list[MilestoneWarning | AssumptionWarning] = [*_milestone_warnings(data, leaders)]
    warnings += _assumption_warnings(data, grid, method, ranking)
    listed = None
    found: dict[str, Caveats] = {}
    notes: dict[str, str] = {}
    if sort_evidence == "diagnosticity":
        from achbench.analysis.diagnosticity import caveats

        listed = extra.by_diagnosticity(ranking.evidence, alike)
        found = {e: c for e, c in caveats(data, method, chosen).items() if c.flags}
        notes = {e: ", ".join(c.flags) for e, c in found.items()}
    elif sort_evidence == "file":
        listed = list(zip(ranking.evidence, alike, strict=True))
    order = "most diagnostic first" if sort_evidence == "diagnosticity" else "file order"
    evidence_caption = f"Evidence under {method} ({order})"
    if output_format == "json":
        payload: dict[str, Any] = {
            "warnings": [w.to_json() for w in warnings],
            "evidence_items": len(grid.evidence),
            "independent_origins": independent,
        }
        if sort_evidence == "diagnosticity":
            payload["evidence_by_diagnosticity"] = [e.id for e, _ in listed or []]
            payload["caveats"] = {e: c.to_json() for e, c in found.items()}
        emit(to_json(ranking, payload))
    elif output_format == "csv" and listed is not None:
        emit(_evidence_csv(listed, data, found, quote_formulas))
        extra.echo_warnings(warnings)
    elif output_format == "csv":
        emit(to_csv(ranking, quote_formulas))
        extra.echo_warnings(warnings)
    elif output_format == "markdown":
        text = to_markdown(ranking, f"{data['title']} ({method})")
        if independent != len(grid.evidence):
            text += (
                f"\n{plural(len(grid.evidence), 'evidence item')} from "
                f"{plural(independent, 'independent origin')}: items that share an origin "
                "count once.\n"
            )
        if warnings:
            text += "\n" + extra.warnings_markdown(warnings)
        if listed is not None:
            text += "\n" + extra.evidence_markdown(listed, evidence_caption, notes)
        emit(text)
    else:
        pooled = ", ".join(grid.analysts) if grid.analysts else "no ratings yet"
        hidden = " (hidden)" if hide_nondiagnostic and flat_count else ""
        origins = ""
        if independent != len(grid.evidence):
            origins = f" from {plural(independent, 'independent origin')}"
        caption = (
            f"{plural(len(grid.evidence), 'evidence item')}{origins}, {flat_count} "
            f"non-diagnostic{hidden}; analysts: {pooled}"
        )
        print_table(ranking, f"{data['title']} - method: {method}", caption)
        extra.print_warnings(warnings)
        if listed is not None:
            extra.print_evidence_table(listed, evidence_caption, notes)


def _evidence_csv(
    listed: list[tuple[EvidenceScore, bool]],
    data: MatrixData,
    found: dict[str, Caveats],
    quote_formulas: bool,
) -> str:
    """The evidence list as CSV: id, title, diagnosticity (6 digits), whether it is
    non-diagnostic, its origin, and its caveats separated by spaces."""

    from achbench.cli.output import csv_number, csv_writer
    from achbench.core.text import visible

    buffer, writer = csv_writer(quote_formulas)
    evidence = data.get("evidence", {})
    writer.writerow(["id", "title", "diagnosticity", "nondiagnostic", "origin", "flags"])
    for e, flat in listed:
        origin = evidence[e.id].get("origin", "")
        flags = " ".join(found[e.id].flags) if e.id in found else ""
        writer.writerow(
            [e.id, visible(e.title), csv_number(e.diagnosticity), int(flat), origin, flags]
        )
    return buffer.getvalue()

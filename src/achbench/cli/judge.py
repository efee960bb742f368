"""``achbench judge`` and ``achbench calibration``: analysts' probabilities, pooled and scored."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import (
    analyst_option,
    csv_formulas,
    csv_formulas_option,
    format_option,
    load_matrix,
    matrix_files,
)
from achbench.core.text import visible

if TYPE_CHECKING:
    from achbench.analysis.judgement import Calibration, Judgement

HEADERS = ["Analyst", "Id", "Hypothesis", "Stated", "Coherent", "Bayes", "Gap"]
"""One row per analyst and hypothesis; the pools are rows too (no stated, no bayes)."""


def _p(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def judgement_rows(result: Judgement) -> list[list[str]]:
    rows: list[list[str]] = []
    titles = dict(zip(result.hypotheses, result.titles, strict=True))
    for a in result.analysts:
        for h in result.hypotheses:
            b = a.bayes.get(h)
            gap = "-" if b is None else f"{a.coherent[h] - b:+.3f}"
            rows.append(
                [a.analyst, h, titles[h], _p(a.stated.get(h)), _p(a.coherent[h]), _p(b), gap]
            )
    for name, pool in (
        ("pooled (linear)", result.linear),
        ("pooled (geometric)", result.geometric),
    ):
        for h in result.hypotheses:
            rows.append([name, h, titles[h], "-", _p(pool.get(h)), "-", "-"])
    return rows


def gap_lines(result: Judgement) -> list[str]:
    """The gaps named: per analyst, the hypotheses rated above or below their ratings' posterior."""
    from achbench.analysis.judgement import GAP

    lines = []
    for a in result.analysts:
        if abs(a.total - 1) > 0.01:
            lines.append(f"{a.analyst}'s judgements sum to {a.total:.3f}, not 1: normalised.")
        gaps = a.gaps()
        if not a.bayes:
            continue
        if not a.rated:
            lines.append(f"{a.analyst} rated no cell: their bayes column is the priors alone.")
        if not gaps:
            lines.append(
                f"{a.analyst}: every judgement within {GAP:.2f} of what their ratings support."
            )
            continue
        above = [f"{h} ({g:+.2f})" for h, g in gaps if g > 0]
        below = [f"{h} ({g:+.2f})" for h, g in gaps if g < 0]
        parts = []
        if above:
            parts.append("above what their ratings support: " + ", ".join(above))
        if below:
            parts.append("below: " + ", ".join(below))
        lines.append(f"{a.analyst} rates " + "; ".join(parts) + ".")
    return lines


def score_rows(result: Judgement) -> list[list[str]]:
    rows = []
    for a in result.analysts:
        if a.scores:
            rows.append([a.analyst, f"{a.scores.brier:.3f}", f"{a.scores.log:.3f}"])
        if a.bayes_scores:
            b = a.bayes_scores
            rows.append([f"{a.analyst} (bayes)", f"{b.brier:.3f}", f"{b.log:.3f}"])
    for name, s in result.pooled_scores.items():
        rows.append([f"pooled ({name})", f"{s.brier:.3f}", f"{s.log:.3f}"])
    return rows


def judgement_markdown(title: str, result: Judgement) -> str:
    from achbench.report.markdown_text import escape, row

    out = [f"# Judgements: {escape(title)}", ""]
    if not result.analysts:
        return "\n".join([*out, "No analyst has entered judgements.", ""])
    out += [row(HEADERS), "|---|---|---|---:|---:|---:|---:|"]
    out += [row([escape(c) for c in r]) for r in judgement_rows(result)]
    out += ["", *(f"- {escape(line)}" for line in gap_lines(result))]
    if result.truth is not None:
        out += ["", f"Resolved: **{escape(result.truth)}** proved true.", ""]
        out += [row(["Forecast", "Brier", "Log score"]), "|---|---:|---:|"]
        out += [row([escape(c) for c in r]) for r in score_rows(result)]
    return "\n".join(out) + "\n"


def judgement_csv(result: Judgement, quote_formulas: bool) -> str:
    from achbench.cli.output import csv_number, csv_writer

    buffer, writer = csv_writer(quote_formulas)
    writer.writerow([h.lower() for h in HEADERS])
    # Numbers go to the writer as numbers (a spreadsheet can sum them; only text is
    # formula-quoted); a value that does not apply is an empty cell.
    titles = dict(zip(result.hypotheses, result.titles, strict=True))
    for a in result.analysts:
        for h in result.hypotheses:
            b = a.bayes.get(h)
            stated = a.stated.get(h)
            writer.writerow(
                [
                    visible(a.analyst),
                    h,
                    visible(titles[h]),
                    "" if stated is None else csv_number(stated),
                    csv_number(a.coherent[h]),
                    "" if b is None else csv_number(b),
                    "" if b is None else csv_number(a.coherent[h] - b),
                ]
            )
    for name, pool in (
        ("pooled (linear)", result.linear),
        ("pooled (geometric)", result.geometric),
    ):
        for h in result.hypotheses:
            writer.writerow([name, h, visible(titles[h]), "", csv_number(pool[h]), "", ""])
    return buffer.getvalue()


def print_judgement(title: str, result: Judgement) -> None:
    from achbench.cli.table import Column, Table, print_line, print_table

    print_line(f"Judgements: {title}", style="bold")
    if not result.analysts:
        print_line("No analyst has entered judgements.")
        return
    columns = [Column(h, justify="right" if i >= 3 else "left") for i, h in enumerate(HEADERS)]
    table = Table(columns, pad_edge=False)
    for r in judgement_rows(result):
        table.add_row(*r)
    print_table(table)
    for line in gap_lines(result):
        print_line(line)
    if result.truth is not None:
        print_line(f"Resolved: {result.truth} proved true.")
        scores = Table([Column("Forecast"), Column("Brier"), Column("Log score")], pad_edge=False)
        for r in score_rows(result):
            scores.add_row(*r)
        print_table(scores)


@main.command()
@matrix_files
@analyst_option
@format_option("table", "json", "csv", "markdown")
@csv_formulas_option
@reports_errors
def judge(
    files: tuple[str, ...],
    analysts: tuple[str, ...],
    output_format: str,
    csv_formulas_choice: str | None,
) -> None:
    """Each analyst's probabilities beside the bayes posterior of their own ratings.

    Per analyst and hypothesis: the probability as written, made coherent
    (normalised to sum to 1, a missing hypothesis counting as 0), the bayes
    posterior from that analyst's ratings alone, and the gap between them (a gap
    over 0.10 is named). Then the linear pool (mean) and geometric pool
    (normalised geometric mean, zeros floored at 0.001) across analysts. With a
    [resolution], the Brier and log scores of each. Formulas: docs/analysis.md.

    \b
    Examples:
      achbench judge team.toml
      achbench judge alice.toml bob.toml --format json
    """
    from achbench.analysis.judgement import judge as judge_matrix
    from achbench.cli.output import dumps, emit

    quote = csv_formulas(csv_formulas_choice, output_format)
    data, chosen = load_matrix(files, analysts)
    result = judge_matrix(data, chosen)
    if output_format == "json":
        emit(dumps({"title": data["title"], **result.to_json()}))
    elif output_format == "csv":
        emit(judgement_csv(result, quote))
    elif output_format == "markdown":
        emit(judgement_markdown(data["title"], result))
    else:
        print_judgement(data["title"], result)


def matrix_paths(names: tuple[str, ...]) -> list[str]:
    """Files named, and every *.toml under folders named (recursively, sorted)."""
    paths: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            paths += sorted(str(p) for p in path.rglob("*.toml") if p.is_file())
        else:
            paths.append(name)
    return paths


CALIBRATION_HEADERS = ["Forecaster", "Bin", "Count", "Mean p", "Came true"]


def _f(value: float | None, fmt: str = "{:.3f}") -> str:
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else fmt.format(value)
    )


def calibration_rows(records: list[Calibration]) -> list[list[str]]:
    rows = []
    for record in records:
        for b in record.bins:
            rows.append(
                [
                    record.name,
                    f"{b.low:.1f}-{b.high:.1f}",
                    str(b.count),
                    _f(b.mean_p),
                    _f(b.frequency),
                ]
            )
    return rows


def summary_rows(records: list[Calibration]) -> list[list[str]]:
    return [[r.name, str(len(r.briers)), _f(r.mean_brier), _f(r.mean_log)] for r in records]


SUMMARY_HEADERS = ["Forecaster", "Matrices", "Mean Brier", "Mean log score"]


def calibration_html(records: list[Calibration], notes: list[str]) -> str:
    from html import escape

    from achbench.report.svg import reliability_diagram

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Calibration</title></head><body>',
        "<h1>Calibration</h1>",
    ]
    parts += [f"<p>{escape(visible(n))}</p>" for n in notes]
    parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in SUMMARY_HEADERS) + "</tr>")
    for r in summary_rows(records):
        parts.append("<tr>" + "".join(f"<td>{escape(visible(c))}</td>" for c in r) + "</tr>")
    parts.append("</table>")
    for record in records:
        points = [(b.mean_p, b.frequency, b.count) for b in record.bins]
        parts.append(reliability_diagram(record.name, points))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@format_option("table", "json", "csv", "markdown", "html")
@reports_errors
def calibration(paths: tuple[str, ...], output_format: str) -> None:
    """Score analysts over many resolved matrices: mean Brier and a calibration table.

    PATHS are matrix files or folders (every *.toml in them, recursively).
    Matrices without a [resolution] are skipped with a note. Per analyst and for
    the linear pool: the mean Brier and log scores, and the judgements binned by
    probability (ten bins) against how often they came true. --format html adds
    a reliability diagram per forecaster as inline SVG.

    \b
    Examples:
      achbench calibration resolved/
      achbench calibration resolved/ --format html > calibration.html
    """
    from achbench.analysis.judgement import calibrate
    from achbench.cli.output import dumps, emit
    from achbench.cli.terminal import say
    from achbench.core.data import MatrixData
    from achbench.core.errors import MatrixFileError
    from achbench.report.markdown_text import escape, row
    from achbench.store.toml import load_data

    resolved: list[MatrixData] = []
    notes: list[str] = []
    for name in matrix_paths(paths):
        try:
            data = load_data(name)
        except MatrixFileError as exc:
            notes += [f"skipped: {line}" for line in exc.lines()]
            continue
        if "resolution" not in data:
            notes.append(f"{name}: skipped: no [resolution]")
            continue
        resolved.append(data)
    records = calibrate(resolved)
    for note in notes:
        say(note, err=True)
    if output_format == "json":
        emit(dumps({"matrices": len(resolved), "forecasters": [r.to_json() for r in records]}))
    elif output_format == "csv":
        from achbench.cli.output import csv_writer

        buffer, writer = csv_writer()
        writer.writerow(["forecaster", "bin", "count", "mean_p", "came_true", "mean_brier"])
        briers = {r.name: _f(r.mean_brier, "{:.6g}") for r in records}
        for r in calibration_rows(records):
            writer.writerow([visible(r[0]), *r[1:], briers[r[0]]])
        emit(buffer.getvalue())
    elif output_format == "markdown":
        out = ["# Calibration", "", f"{len(resolved)} resolved matrices.", ""]
        out += [row(SUMMARY_HEADERS), "|---|---:|---:|---:|"]
        out += [row([escape(c) for c in r]) for r in summary_rows(records)]
        out += ["", row(CALIBRATION_HEADERS), "|---|---|---:|---:|---:|"]
        out += [row([escape(c) for c in r]) for r in calibration_rows(records)]
        emit("\n".join(out) + "\n")
    elif output_format == "html":
        emit(calibration_html(records, notes))
    else:
        from achbench.cli.table import Column, Table, print_line, print_table

        print_line(f"Calibration over {len(resolved)} resolved matrices", style="bold")
        summary = Table([Column(h) for h in SUMMARY_HEADERS], pad_edge=False)
        for r in summary_rows(records):
            summary.add_row(*r)
        print_table(summary)
        table = Table([Column(h) for h in CALIBRATION_HEADERS], pad_edge=False)
        for r in calibration_rows(records):
            if r[2] != "0":
                table.add_row(*r)
        print_table(table)

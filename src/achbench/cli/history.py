"""``achbench history``: how a matrix's ranking moved, commit by commit, from git."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import csv_formulas, csv_formulas_option, format_option, method_option
from achbench.core.text import visible

if TYPE_CHECKING:
    from achbench.versioning.history import History, Version


MAX_COLUMNS = 8
"""Up to this many hypotheses get a rank column each; beyond, the leader and the chart."""


def note(version: Version) -> str:
    """What else happened in the commit: a rename, a merge, a version that did not load."""
    c = version.commit
    parts = []
    if c.renamed_from:
        parts.append(f"renamed from {c.renamed_from}")
    if c.merged:
        parts.append(f"merge of {c.merged}")
    if version.error:
        parts.append(f"not loaded: {version.error}")
    return "; ".join(parts)


def rank_cell(version: Version, hypothesis: str) -> str:
    standing = version.standings.get(hypothesis)
    return "-" if standing is None else str(standing.rank)


def chart_lines(result: History) -> list[tuple[str, str, str]]:
    """Per hypothesis: its id, a sparkline of its score across versions, and its
    rank's first and last values (``3 -> 1``)."""
    from achbench.versioning.history import sparkline

    lines = []
    for h in result.hypotheses:
        scores = [v.standings[h].score if h in v.standings else None for v in result.versions]
        ranks = [v.standings[h].rank for v in result.versions if h in v.standings]
        moved = f"rank {ranks[0]} -> {ranks[-1]}" if ranks else "never ranked"
        lines.append((h, sparkline(scores), moved))
    return lines


def history_csv(result: History, quote_formulas: bool) -> str:
    from achbench.cli.output import csv_number, csv_writer

    buffer, writer = csv_writer(quote_formulas)
    writer.writerow(
        ["commit", "date", "author", "message", "path", "note", "hypothesis", "score", "rank"]
    )
    for v in result.versions:
        c = v.commit
        head = [
            c.sha,
            c.date,
            visible(c.author),
            visible(c.message),
            visible(c.path),
            visible(note(v)),
        ]
        if not v.standings:
            writer.writerow([*head, "", "", ""])
        for h, s in v.standings.items():
            writer.writerow([*head, h, csv_number(s.score), s.rank])
    return buffer.getvalue()


def print_history(result: History) -> None:
    from achbench.cli.table import Column, Table, print_line, print_table

    print_line(f"History of {result.path} - method: {result.method}", style="bold")
    if not result.versions:
        print_line("No commit touched this file (in the range asked for).")
        return
    hypotheses = result.hypotheses
    shown = hypotheses if len(hypotheses) <= MAX_COLUMNS else []
    columns = [
        Column("Commit"),
        Column("Date"),
        Column("Author"),
        Column("Message", flex=1, min_width=16),
        Column("Leader"),
        *(Column(h, justify="right") for h in shown),
        Column("Note", flex=1),
    ]
    table = Table(
        columns, caption="Leader and rank per hypothesis (1 = best supported)", pad_edge=False
    )
    for v in result.versions:
        c = v.commit
        leaders = ", ".join(h for h, s in v.standings.items() if s.rank == 1) or "-"
        author = c.author if len(c.author) <= 16 else c.author[:15] + "…"
        cells = [c.sha[:10], c.date[:10], author, c.message, leaders]
        cells += [rank_cell(v, h) for h in shown]
        table.add_row(*cells, note(v), style="red" if v.error else "")
    print_table(table)
    print_line(f"Score per version, oldest first ({result.method}; · = no score):")
    width = max(len(h) for h in hypotheses) if hypotheses else 0
    for h, spark, moved in chart_lines(result):
        print_line(f"  {h:<{width}}  {spark}  {moved}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.argument("revisions", nargs=-1)
@method_option
@click.option("--since", metavar="DATE", help="Only commits after DATE (as git log --since).")
@click.option("--until", metavar="DATE", help="Only commits before DATE (as git log --until).")
@format_option("table", "json", "csv", "chart")
@csv_formulas_option
@reports_errors
def history(
    file: str,
    revisions: tuple[str, ...],
    method: str,
    since: str | None,
    until: str | None,
    output_format: str,
    csv_formulas_choice: str | None,
) -> None:
    """Rank every committed version of FILE and show how each hypothesis moved.

    Reads git: the commits that touched FILE (following renames) on the
    first-parent line, a merge shown as one step with the branch it merged
    noted; REVISIONS limit them as for git log (say main~10..main). Each
    version is ranked under --method; versions that do not load are listed with
    their error. The table gives each hypothesis' rank per commit, with author,
    date and message, and a sparkline of its score (--format chart: the
    sparklines alone).

    \b
    Examples:
      achbench history matrices/kazakhstan-2022.toml
      achbench history team.toml --since 2026-01-01 --method bayes --format json
    """
    from achbench.cli.output import dumps, emit
    from achbench.versioning.history import history as read_history

    quote = csv_formulas(csv_formulas_choice, output_format)
    result = read_history(file, method, revisions, since, until)
    if output_format == "json":
        emit(dumps(result.to_json()))
    elif output_format == "csv":
        emit(history_csv(result, quote))
    elif output_format == "chart":
        from achbench.cli.terminal import say

        width = max((len(h) for h in result.hypotheses), default=0)
        for h, spark, moved in chart_lines(result):
            say(f"{h:<{width}}  {spark}  {moved}")
    else:
        print_history(result)

"""``achbench next``: which pending evidence item (or open milestone) to collect first.

The values come from ``analysis.collection``; this module only lays them out as a
table, JSON, CSV or Markdown, with user text made inert for each as ``cli.output``
does for ``rank``.  The analysis is imported when the command runs, so listing
the commands imports none of it.
"""

from __future__ import annotations

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
from achbench.core.vocabulary import METHODS

if TYPE_CHECKING:
    from achbench.analysis.collection import Candidate, Collection

NOTHING = (
    "Nothing to weigh: no evidence item is pending and no milestone is open. "
    'Add an item with status = "pending", rated for what each hypothesis predicts.'
)


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _ids(ids: tuple[str, ...]) -> str:
    return " ".join(ids)


def _label(c: Candidate) -> str:
    """The candidate's id, with a milestone's hypothesis: ``M4 (H2)``."""
    return f"{c.id} ({c.hypothesis})" if c.kind == "milestone" else c.id


def headers(result: Collection) -> list[str]:
    """The table's and the Markdown's column headers under ``result``'s method."""
    if result.method == "bayes":
        leader = result.leaders[0] if result.leaders else "leader"
        return [
            "#",
            "Id",
            "Item",
            "Bits",
            "P(seen)",
            "P(change)",
            f"P({leader}) seen/not",
            "New leader",
        ]
    return ["#", "Id", "Item", "New leader", "Ranks moved", "Diag."]


def _new_leader(c: Candidate, leaders: tuple[str, ...]) -> str:
    """Who would lead instead, and when: ``H4 if seen``, ``H1 if not``, both, or -."""
    seen = c.leaders_if_observed
    unseen = c.hypotheses("leaders_if_not") if "leaders_if_not" in c.figures else leaders
    parts = []
    if seen != leaders:
        parts.append(f"{_ids(seen)} if seen")
    if unseen != leaders:
        parts.append(f"{_ids(unseen)} if not")
    return ", ".join(parts) or "-"


def rows(result: Collection) -> list[list[str]]:
    """One row of text per candidate, in value order, for the table and the Markdown."""
    out = []
    for c in result.candidates:
        first = [str(c.rank), _label(c), c.title]
        new = _new_leader(c, result.leaders)
        if result.method == "bayes":
            seen = _percent(c.number("leader_posterior_if_observed"))
            unseen = _percent(c.number("leader_posterior_if_not"))
            out.append(
                [
                    *first,
                    f"{c.number('information_bits'):.4f}",
                    _percent(c.number("p_observed")),
                    _percent(c.changes_leader),
                    f"{seen} / {unseen}",
                    new,
                ]
            )
        else:
            moved = str(int(c.number("ranks_changed")))
            out.append([*first, new, moved, f"{c.number('diagnosticity'):.2f}"])
    return out


def summary(result: Collection) -> str:
    """One line: the leader now and how many candidates of each kind."""
    from achbench.analysis.wording import plural

    leaders = ", ".join(result.leaders) or "none"
    now = (
        f"{leaders} ({_percent(result.leader_score)})"
        if result.method == "bayes"
        else f"{leaders} (inconsistency {result.leader_score:.2f})"
        if result.method in ("heuer", "weighted")
        else leaders
    )
    milestones = len(result.candidates) - result.pending
    return (
        f"Leader now: {now}; {plural(result.pending, 'pending item')}, "
        f"{plural(milestones, 'open milestone')}."
    )


def to_csv(result: Collection, quote_formulas: bool) -> str:
    """A row per candidate; numbers to ``cli.output.CSV_DIGITS`` digits, lists of
    hypotheses space-separated, text made safe as ``rank``'s CSV makes it."""

    from achbench.analysis.collection import FIGURES
    from achbench.cli.output import csv_number, csv_writer
    from achbench.core.text import visible

    buffer, writer = csv_writer(quote_formulas)
    keys = FIGURES[result.method]
    writer.writerow(
        [
            "rank",
            "id",
            "kind",
            "hypothesis",
            "title",
            "changes_leader",
            "leaders_if_observed",
            *keys,
        ]
    )
    for c in result.candidates:
        figures = [_ids(v) if isinstance(v := c.figures[k], tuple) else csv_number(v) for k in keys]
        writer.writerow(
            [
                c.rank,
                c.id,
                c.kind,
                c.hypothesis or "",
                visible(c.title),
                csv_number(c.changes_leader),
                _ids(c.leaders_if_observed),
                *figures,
            ]
        )
    return buffer.getvalue()


def to_markdown(title: str, result: Collection) -> str:
    from achbench.report.markdown_text import escape, table

    lines = [f"**{escape(title)}: what to collect next ({result.method})**", ""]
    lines += [escape(summary(result)), ""]
    if not result.candidates:
        return "\n".join([*lines, escape(NOTHING)]) + "\n"
    names = headers(result)
    align = "|".join("---" if i in (1, 2) else "---:" for i in range(len(names)))
    body = [[escape(cell) for cell in r] for r in rows(result)]
    return "\n".join(lines + table([escape(h) for h in names], body, align)) + "\n"


def print_result(title: str, result: Collection) -> None:
    from achbench.cli.table import Column, Table, print_line, print_table

    if not result.candidates:
        print_line(summary(result))
        print_line(NOTHING)
        return
    columns = [
        Column(h, justify="left" if i in (1, 2) else "right", flex=int(i == 2), min_width=16)
        for i, h in enumerate(headers(result))
    ]
    table = Table(
        columns,
        title=f"{title} - what to collect next, method: {result.method}",
        caption=summary(result),
        pad_edge=False,
    )
    for cells, c in zip(rows(result), result.candidates, strict=True):
        table.add_row(*cells, style="bold" if c.changes_leader > 0 else "")
    print_table(table)


@main.command("next")
@matrix_files
@click.option(
    "--method",
    "-m",
    type=click.Choice(METHODS),
    default="bayes",
    show_default=True,
    help="Scoring method: bayes weighs each item by the information it would give; "
    "the others by whether it would change the leader or any rank.",
)
@analyst_option
@format_option("table", "json", "csv", "markdown")
@click.option(
    "--no-milestones",
    is_flag=True,
    help="Weigh the pending evidence items only, not the open milestones.",
)
@csv_formulas_option
@reports_errors
def next_command(
    files: tuple[str, ...],
    method: str,
    analysts: tuple[str, ...],
    output_format: str,
    no_milestones: bool,
    csv_formulas_choice: str | None,
) -> None:
    """Rank the pending evidence items of FILE by what collecting each is worth.

    A pending item (status = "pending") is rated for what each hypothesis
    predicts about it and counts in no score. Under bayes each is weighed by
    the information it would give about which hypothesis is true (in bits),
    with the chance it changes the leader and the leader's posterior if it is
    seen and if not; under heuer, weighted and opensynthesis, by whether seeing
    it would change the leader or any rank. Open milestones are weighed too,
    as pending items bearing on their one hypothesis. docs/analysis.md gives
    the formulas.

    \b
    Examples:
      achbench next matrices/kazakhstan-2022.toml
      achbench next team.toml --method heuer --format json
    """
    from achbench.analysis.collection import collection_of
    from achbench.cli.output import dumps, emit

    quote_formulas = csv_formulas(csv_formulas_choice, output_format)
    data, chosen = load_matrix(files, analysts, warn_conflicts=True)
    result = collection_of(data, method, chosen, milestones=not no_milestones)
    if output_format == "json":
        emit(dumps({"title": data["title"], **result.to_json()}))
    elif output_format == "csv":
        emit(to_csv(result, quote_formulas))
    elif output_format == "markdown":
        emit(to_markdown(data["title"], result))
    else:
        print_result(data["title"], result)

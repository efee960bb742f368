"""``achbench rank``: rank the hypotheses of a matrix under a scoring method."""

from __future__ import annotations

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import analyst_option, format_option, matrix_files, method_option
from achbench.cli.output import emit, print_table, to_csv, to_json, to_markdown
from achbench.pool import load_pooled, select_analysts
from achbench.scoring import Grid, rated_alike, score


@main.command()
@matrix_files
@method_option
@analyst_option
@format_option("table", "json", "csv", "markdown")
@click.option(
    "--hide-nondiagnostic",
    is_flag=True,
    help="Leave evidence rated alike for every hypothesis out of the evidence list.",
)
@reports_errors
def rank(
    files: tuple[str, ...],
    method: str,
    analysts: tuple[str, ...],
    output_format: str,
    hide_nondiagnostic: bool,
) -> None:
    """Rank the hypotheses of FILE, best supported first.

    Several FILEs are the same matrix rated by different analysts: their
    ratings are pooled (a cell's value is the mean over the analysts who rated
    it). Tied hypotheses share a rank.

    \b
    Examples:
      achbench rank matrices/kazakhstan-2022.toml
      achbench rank alice.toml bob.toml --method opensynthesis --format json
    """
    data = load_pooled(files)
    chosen = select_analysts(data, analysts)
    grid = Grid.from_data(data, chosen)
    ranking = score(grid, method)
    alike = rated_alike(grid)
    if hide_nondiagnostic:
        ranking.evidence[:] = [
            e for e, flat in zip(ranking.evidence, alike, strict=True) if not flat
        ]
    if output_format == "json":
        emit(to_json(ranking))
    elif output_format == "csv":
        emit(to_csv(ranking))
    elif output_format == "markdown":
        emit(to_markdown(ranking, f"{data['title']} ({method})"))
    else:
        pooled = ", ".join(grid.analysts) if grid.analysts else "no ratings yet"
        flat = sum(alike)
        caption = f"{len(grid.evidence)} evidence items, {flat} non-diagnostic; analysts: {pooled}"
        print_table(ranking, f"{data['title']} - method: {method}", caption)

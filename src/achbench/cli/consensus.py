"""``achbench consensus``: how far several analysts agree, per cell and overall."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import analyst_option, format_option, load_matrix, matrix_files

if TYPE_CHECKING:
    from achbench.analysis.consensus import CellConsensus, Consensus


def alpha_text(result: Consensus) -> str:
    """Krippendorff's alpha in words, with Krippendorff's reading of it."""
    from achbench.analysis.consensus import ALPHA_RELIABLE, ALPHA_TENTATIVE

    if result.alpha is None:
        if len(result.analysts) < 2:
            return "Krippendorff's alpha: undefined (fewer than two analysts)."
        return "Krippendorff's alpha: undefined (no cell rated differently by two analysts)."
    reading = (
        "reliable"
        if result.alpha >= ALPHA_RELIABLE
        else "tentative at best"
        if result.alpha >= ALPHA_TENTATIVE
        else "too low to rely on"
    )
    return (
        f"Krippendorff's alpha (ordinal): {result.alpha:.3f} over {result.pairable} cells "
        f"rated on the scale by two or more analysts ({reading}; Krippendorff asks for "
        f"{ALPHA_RELIABLE} to rely on the ratings, {ALPHA_TENTATIVE} for tentative conclusions)."
    )


def votes_text(cell: CellConsensus) -> str:
    return ", ".join(f"{analyst} {code}" for analyst, code in cell.votes.items())


def listed_cells(result: Consensus, show_all: bool) -> list[CellConsensus]:
    """Disputed cells, most disputed first; with ``show_all`` every rated cell, in file order."""
    if show_all:
        return [c for c in result.cells if c.category != "unrated"]
    return list(result.disputed)


def _analyst_rows(result: Consensus) -> list[list[str]]:
    from achbench.analysis.consensus import COMPARISONS

    rows = []
    for a in result.per_analyst:
        agreement = "-" if a.agreement is None else f"{a.agreement:.0%}"
        distance = "-" if a.mean_distance is None else f"{a.mean_distance:.2f}"
        counts = [str(a.comparisons[c]) for c in COMPARISONS]
        rows.append([a.analyst, str(a.rated), *counts, agreement, distance])
    return rows


ANALYST_HEADERS = [
    "Analyst",
    "Rated",
    "Agree",
    "Same side",
    "Mild",
    "Large",
    "Extreme",
    "Agree %",
    "Distance",
]
"""Per analyst: cells rated, their comparison with the consensus, the share that
agree exactly and the mean distance on the 1-5 scale."""
CELL_HEADERS = ["Evidence", "Hyp.", "Votes", "Consensus", "Disagreement", "Category"]


def _cell_row(cell: CellConsensus) -> list[str]:
    from achbench.analysis.consensus import CATEGORY_NAMES

    spread = "-" if cell.disagreement is None else f"{cell.disagreement:.2f}"
    return [
        cell.evidence,
        cell.hypothesis,
        votes_text(cell),
        cell.consensus or "-",
        spread,
        CATEGORY_NAMES[cell.category].replace(" dispute", ""),
    ]


def render_markdown(title: str, result: Consensus, show_all: bool) -> str:
    from achbench.analysis.consensus import CATEGORY_NAMES
    from achbench.report.markdown_text import escape

    out = [f"# Consensus: {escape(title)}", "", f"Analysts: {', '.join(result.analysts)}.", ""]
    if len(result.analysts) < 2:
        out += ["Only one analyst rated this matrix: there is nothing to compare.", ""]
    out += [alpha_text(result), ""]
    counts = result.counts
    out += ["| Category | Cells |", "|---|---:|"]
    out += [f"| {CATEGORY_NAMES[k]} | {v} |" for k, v in counts.items()]
    out += ["", "## Each analyst against the consensus", ""]
    out += ["| " + " | ".join(ANALYST_HEADERS) + " |", "|---|" + "---:|" * 8]
    out += ["| " + " | ".join(row) + " |" for row in _analyst_rows(result)]
    cells = listed_cells(result, show_all)
    out += ["", "## Cells" if show_all else "## Disputed cells", ""]
    if cells:
        out += ["| " + " | ".join(CELL_HEADERS) + " |", "|---|---|---|---|---:|---|"]
        out += ["| " + " | ".join(_cell_row(c)) + " |" for c in cells]
    else:
        out.append("No cell is disputed.")
    return "\n".join(out) + "\n"


def print_tables(title: str, result: Consensus, show_all: bool) -> None:
    from achbench.analysis.consensus import CATEGORY_NAMES
    from achbench.cli.table import Column, Table, print_line, print_table

    print_line(f"Consensus: {title}", style="bold")
    print_line(f"Analysts: {', '.join(result.analysts) or 'none'}")
    if len(result.analysts) < 2:
        print_line("Only one analyst rated this matrix: there is nothing to compare.")
    print_line(alpha_text(result))
    counts = result.counts
    print_line(", ".join(f"{CATEGORY_NAMES[k]}: {v}" for k, v in counts.items()))
    table = Table(
        [
            Column(header, justify="left" if i == 0 else "right")
            for i, header in enumerate(ANALYST_HEADERS)
        ],
        title="Each analyst against the consensus",
        pad_edge=False,
    )
    for row in _analyst_rows(result):
        table.add_row(*row)
    print_table(table)
    cells = listed_cells(result, show_all)
    if not cells:
        print_line("No cell is disputed.")
        return
    table = Table(
        [
            Column(
                header,
                justify="right" if header == "Disagreement" else "left",
                flex=1 if header == "Votes" else 0,
            )
            for header in CELL_HEADERS
        ],
        title="Cells" if show_all else "Disputed cells, most disputed first",
        pad_edge=False,
    )
    styles = {"extreme": "bold red", "large": "red", "mild": "yellow"}
    for cell in cells:
        table.add_row(*_cell_row(cell), style=styles.get(cell.category, ""))
    print_table(table)


@main.command()
@matrix_files
@analyst_option
@format_option("table", "json", "markdown")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="List every rated cell, not only the disputed ones.",
)
@reports_errors
def consensus(
    files: tuple[str, ...], analysts: tuple[str, ...], output_format: str, show_all: bool
) -> None:
    """Compare the analysts who rated FILE: consensus and disagreement per cell.

    Several analysts' ratings may sit in one file or in several files of the
    same matrix. Per cell: the consensus code and the disagreement, with Open
    Synthesis' categories (consensus, mild, large, extreme dispute); each
    analyst against the consensus; Krippendorff's alpha (ordinal) for the whole
    matrix. See docs/analysis.md for the definitions.

    \b
    Examples:
      achbench consensus team.toml
      achbench consensus alice.toml bob.toml carol.toml --format json
    """
    from achbench.analysis.consensus import consensus as compare_analysts
    from achbench.cli.output import dumps, emit

    data, chosen = load_matrix(files, analysts)
    result = compare_analysts(data, chosen)
    if output_format == "json":
        emit(dumps({"title": data["title"], **result.to_json()}))
    elif output_format == "markdown":
        emit(render_markdown(data["title"], result, show_all))
    else:
        print_tables(data["title"], result, show_all)

"""Print rankings as a Rich table, JSON, CSV or Markdown.

Rich is imported only for the table, so ``--format json`` stays lean.
"""

from __future__ import annotations

import csv
import io

import click

from achbench.report.markdown_text import escape, row
from achbench.scoring.methods import Ranking
from achbench.store import json_text

FIGURE_LABELS: dict[str, list[tuple[str, str, str]]] = {
    # (figure key, column header, number format)
    "heuer": [("rated", "Rated", "{:.0f}")],
    "weighted": [("rated", "Rated", "{:.0f}")],
    "opensynthesis": [
        ("consistency", "Consist.", "{:.2f}"),
        ("proportion_na", "NA", "{:.0%}"),
        ("proportion_unrated", "Unrated", "{:.0%}"),
    ],
    "bayes": [("log_odds", "Log odds", "{:.2f}")],
}
SCORE_LABEL = {
    "heuer": ("Inconsistency", "{:.2f}"),
    "weighted": ("Weighted inc.", "{:.2f}"),
    "opensynthesis": ("Inconsistency", "{:.2f}"),
    "bayes": ("Posterior", "{:.1%}"),
}


def _score_text(ranking: Ranking, value: float) -> str:
    return SCORE_LABEL[ranking.method][1].format(value)


def _rows(ranking: Ranking) -> list[list[str]]:
    rows = []
    for h in ranking.hypotheses:
        row = [str(h.rank), h.id, h.title, _score_text(ranking, h.score)]
        row += [fmt.format(h.figures[key]) for key, _, fmt in FIGURE_LABELS[ranking.method]]
        rows.append(row)
    return rows


def _headers(ranking: Ranking) -> list[str]:
    return ["Rank", "Id", "Hypothesis", SCORE_LABEL[ranking.method][0]] + [
        label for _, label, _ in FIGURE_LABELS[ranking.method]
    ]


def to_json(ranking: Ranking, extra: dict[str, object] | None = None) -> str:
    payload = ranking.to_json()
    if extra:
        payload.update(extra)
    return json_text.dumps(payload)


def to_csv(ranking: Ranking) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    figure_keys = sorted({k for h in ranking.hypotheses for k in h.figures})
    writer.writerow(["rank", "id", "title", "score", *figure_keys])
    for h in ranking.hypotheses:
        writer.writerow(
            [h.rank, h.id, h.title, repr(h.score), *(repr(h.figures[k]) for k in figure_keys)]
        )
    return buffer.getvalue()


def to_markdown(ranking: Ranking, caption: str = "") -> str:
    headers = _headers(ranking)
    lines = [f"**{escape(caption)}**", ""] if caption else []
    lines.append(row(headers))
    lines.append("|" + "|".join(["---:", "---", "---"] + ["---:"] * (len(headers) - 3)) + "|")
    lines += [row([escape(cell) for cell in cells]) for cells in _rows(ranking)]
    return "\n".join(lines) + "\n"


def print_table(ranking: Ranking, title: str, caption: str) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAVY,
        title_justify="left",
        caption_justify="left",
    )
    for index, header in enumerate(_headers(ranking)):
        if index == 2:
            table.add_column(header, ratio=1, overflow="fold", min_width=12)
        else:
            table.add_column(header, justify="right" if index != 1 else "left", no_wrap=True)
    for cells in _rows(ranking):
        table.add_row(*cells)
    Console().print(table)


def emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))

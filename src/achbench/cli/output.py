"""Print rankings as a table, JSON, CSV or Markdown.

The table is ``achbench.cli.table`` (imported only for it).  User text is made
inert for each format as ``achbench.core.text`` says: the table through
``visible``, Markdown through the one escaper, JSON with
C1 controls escaped, CSV with control characters shown as escapes and formula
prefixes quoted.  Scores in CSV are rounded to ``CSV_DIGITS`` significant
digits (so 8.000000000000002 reads 8.0); JSON keeps every digit.
"""

from __future__ import annotations

import io

import click

from achbench.core.text import FormulaQuoted, RowSink, json_safe, visible
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


CSV_DIGITS = 6
"""Significant digits of the scores and figures in CSV output."""


def dumps(payload: object) -> str:
    """JSON for stdout: UTF-8 as it is, but DEL and C1 controls escaped (``json_safe``)."""
    return json_safe(json_text.dumps(payload))


def to_json(ranking: Ranking, extra: dict[str, object] | None = None) -> str:
    payload = ranking.to_json()
    if extra:
        payload.update(extra)
    return dumps(payload)


def csv_number(value: float) -> float:
    """``value`` to ``CSV_DIGITS`` significant digits: the float noise of a sum of
    weights (8.000000000000002) gone, and still a number to the spreadsheet.
    Counts (ints) stay as they are."""
    if isinstance(value, int):
        return value
    return float(f"{value:.{CSV_DIGITS}g}")


def csv_writer(quote_formulas: bool = True) -> tuple[io.StringIO, RowSink]:
    """A buffer and a CSV writer into it, as every command's ``--format csv`` writes:
    lines ended by ``\\n`` and, unless ``quote_formulas`` is off, formula prefixes
    quoted (``FormulaQuoted``)."""
    import csv  # only --format csv pays for it

    buffer = io.StringIO()
    writer: RowSink = csv.writer(buffer, lineterminator="\n")
    return buffer, FormulaQuoted(writer) if quote_formulas else writer


def to_csv(ranking: Ranking, quote_formulas: bool = True) -> str:
    """The ranking as CSV: a row per hypothesis, scores rounded (``csv_number``);
    the title with control characters shown (``visible``) and, unless
    ``quote_formulas`` is off, a formula prefix quoted (``formula_safe``)."""
    buffer, writer = csv_writer(quote_formulas)
    figure_keys = sorted({k for h in ranking.hypotheses for k in h.figures})
    writer.writerow(["rank", "id", "title", "score", *figure_keys])
    for h in ranking.hypotheses:
        writer.writerow(
            [
                h.rank,
                h.id,
                visible(h.title),
                csv_number(h.score),
                *(csv_number(h.figures[k]) for k in figure_keys),
            ]
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
    from achbench.cli.table import Column, Table
    from achbench.cli.table import print_table as show

    columns = [
        Column(header, justify="left" if index in (1, 2) else "right")
        for index, header in enumerate(_headers(ranking))
    ]
    columns[2] = Column(columns[2].header, flex=1, min_width=12)
    table = Table(columns, title=title, caption=caption)
    for cells in _rows(ranking):
        table.add_row(*cells)
    show(table)


def emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))

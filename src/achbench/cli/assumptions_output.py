"""The key assumptions as ``achbench sensitivity`` prints them: table and Markdown.

One row per assumption (``analysis.assumptions.check``): its verdict, its title,
what the ranking becomes with the evidence resting on it left out, and the
hypotheses at risk (linked to a caveated or unsupported assumption) or whose
lead rests on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from achbench.analysis.assumptions import AssumptionCheck, risk_text, summary, without_text
from achbench.report.markdown_text import escape

TITLE = "Key assumptions: the ranking without the evidence resting on each"


def assumptions_markdown(checks: Sequence[AssumptionCheck]) -> str:
    """The section ``sensitivity --format markdown`` ends with; "" without assumptions."""
    if not checks:
        return ""
    out = [f"## {TITLE}", "", summary(checks), ""]
    out += [
        "| Assumption | Status | Title | Without its evidence | Hypotheses |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {c.id} | {c.status} | {escape(c.title)} | {without_text(c)} | {risk_text(c)} |"
        for c in checks
    ]
    return "\n".join(out) + "\n"


def print_assumptions(checks: Sequence[AssumptionCheck]) -> None:
    """The table ``sensitivity`` ends with; nothing without assumptions."""
    if not checks:
        return
    from achbench.cli.table import Column, Table, print_table

    table = Table(
        [
            Column("Id"),
            Column("Status"),
            Column("Title", flex=3),
            Column("Without its evidence", flex=2),
            Column("Hypotheses", flex=1),
        ],
        title=TITLE,
        caption=summary(checks),
    )
    for c in checks:
        style = "bold red" if c.status == "unsupported" and c.rests else ""
        table.add_row(c.id, c.status, c.title, without_text(c), risk_text(c), style=style)
    print_table(table)

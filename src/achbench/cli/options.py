"""Options that several commands share, defined once, and the reading of FILES and --analyst."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from achbench.core.data import MatrixData
from achbench.core.vocabulary import METHODS

method_option = click.option(
    "--method",
    "-m",
    type=click.Choice(METHODS),
    default="heuer",
    show_default=True,
    help="Scoring method (see the README for each formula).",
)

analyst_option = click.option(
    "--analyst",
    "-a",
    "analysts",
    multiple=True,
    metavar="NAME",
    help="Use only this analyst's ratings; repeat for several. Default: pool every analyst.",
)


def format_option(*choices: str, default: str = "table") -> Callable[[Any], Any]:
    """A ``--format`` option with the given choices."""
    return click.option(
        "--format",
        "-f",
        "output_format",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


csv_formulas_option = click.option(
    "--csv-formulas",
    "csv_formulas_choice",
    type=click.Choice(["quote", "keep"]),
    default=None,
    help="CSV only: 'quote' (the default) puts a ' before a text cell starting with "
    "= + - @, a tab or a carriage return, so that no spreadsheet runs it as a formula "
    "(OWASP's advice; import takes the ' off again); 'keep' writes such cells as they "
    "are. See docs/formats.md.",
)
"""How CSV output treats text a spreadsheet would run as a formula (``core.text.formula_safe``)."""


def csv_formulas(choice: str | None, output_format: str) -> bool:
    """Whether to quote formula prefixes; refuses the option where no CSV is written."""
    if choice is not None and output_format != "csv":
        from achbench.core.errors import UsageError

        raise UsageError("--csv-formulas applies to CSV output only")
    return choice != "keep"


matrix_files = click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str)
)


def load_matrix(
    files: Sequence[str], analysts: Sequence[str], *, warn_conflicts: bool = False
) -> tuple[MatrixData, list[str] | None]:
    """The matrix in ``files`` (``matrix_files``), ratings pooled, and the analysts
    ``--analyst`` chose (None: every analyst): what rank, sensitivity, consensus and
    report all start from.

    With ``warn_conflicts``, a file that still holds ``[conflicts]`` records (a
    merge left unresolved) is named on stderr: its results rest on one side only."""
    from achbench.store.pool import load_pooled, pool, select_analysts
    from achbench.store.toml import load_data

    if not warn_conflicts:
        data = load_pooled(files)
        return data, select_analysts(data, analysts)
    loaded = [(str(p), load_data(p)) for p in files]
    for name, one in loaded:
        count = len(one.get("conflicts", {}))
        if count:
            conflicts = "conflict" if count == 1 else "conflicts"
            click.echo(
                f"{name}: warning: {count} unresolved merge {conflicts}; "
                "resolve them in the editor (C) or edit the file",
                err=True,
            )
    data = pool(loaded)
    return data, select_analysts(data, analysts)

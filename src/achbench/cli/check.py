"""``achbench check``: validate matrix files, report every problem, exit 2 on any."""

from __future__ import annotations

import sys

import click

from achbench.analysis.wording import plural
from achbench.cli.app import EXIT_ERROR, import_hints, main
from achbench.cli.options import matrix_files
from achbench.cli.terminal import say
from achbench.core.errors import MatrixFileError
from achbench.core.validate import warnings
from achbench.store.files import read_text
from achbench.store.toml import load_data


@main.command()
@matrix_files
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when a file is valid.")
def check(files: tuple[str, ...], quiet: bool) -> None:
    """Check that each FILE is a valid matrix.

    Every problem is printed on stderr as FILE:LINE:COLUMN: KEY: MESSAGE (or
    FILE: KEY: MESSAGE where no line applies). A merge conflict that `achbench
    merge` recorded in the file counts as a problem until it is resolved and its
    [conflicts.<id>] table deleted. Exit status 0 when every file is valid, 2
    otherwise.

    \b
    Example:
      achbench check matrices/*.toml
    """
    failed = False
    for name in files:
        try:
            data = load_data(name)
        except MatrixFileError as exc:
            failed = True
            for line in exc.lines() + import_hints(exc):
                say(line, err=True)
            continue
        if data.get("conflicts"):
            from achbench.versioning.conflicts import problems as conflict_problems

            failed = True
            for problem in conflict_problems(data, name, read_text(name)):
                say(str(problem), err=True)
            continue
        for warning in warnings(data, name, read_text(name) if data.get("judgements") else None):
            click.echo(str(warning), err=True)
        if not quiet:
            counts = ", ".join(
                [
                    plural(len(data["hypotheses"]), "hypothesis", "hypotheses"),
                    plural(len(data.get("evidence", {})), "evidence item"),
                    plural(len(data.get("ratings", {})), "analyst"),
                ]
            )
            say(f"{name}: ok ({counts})")
    if failed:
        sys.exit(EXIT_ERROR)

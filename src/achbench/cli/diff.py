"""``achbench diff``: what changed between two versions of a matrix, in ACH terms."""

from __future__ import annotations

import os
import sys

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import method_option
from achbench.cli.output import emit
from achbench.cli.terminal import say, want_color
from achbench.core.text import json_safe

EXIT_DIFFERENT = 1
"""Exit status when the matrices differ, as for ``diff`` and ``git diff --exit-code``."""


color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report: auto means on a terminal, unless NO_COLOR is set.",
)


def _same_file(old: str, new: str) -> bool:
    try:
        return os.path.samefile(old, new)
    except OSError:
        return False


@main.command(short_help="What changed between two matrices, by id, and in the ranking.")
@click.argument("old", type=click.Path(dir_okay=True, path_type=str))
@click.argument("new", type=click.Path(dir_okay=True, path_type=str))
@method_option
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a report for people; json: a patch that turns OLD into NEW "
    "(docs/diff.md); markdown: for a pull request or a mail.",
)
@color_option
@reports_errors
def diff(old: str, new: str, method: str, output_format: str, color: str) -> None:
    """Show what changed from matrix OLD to matrix NEW, matched by id.

    Reports hypotheses, evidence and milestones added, removed, retitled, moved
    or otherwise changed (old and new value); rating cells changed per analyst;
    analysts added or removed; and each hypothesis' rank and score before and
    after under --method, with a headline when the lead changes.

    Exit status: 0 when the two hold the same matrix, 1 when they differ, 2 when
    a file cannot be read as a matrix.

    \b
    Examples:
      achbench diff old.ach.toml new.ach.toml
      achbench diff old.ach.toml new.ach.toml --method bayes --format markdown
      achbench diff a.ach.toml b.ach.toml --format json > changes.json
    """
    from achbench.store.versions import VersionReader
    from achbench.versioning.diff import diff_matrices, dumps_json

    reader = VersionReader()  # two versions of one matrix: what they share is read once
    old_data = reader.load(old)
    new_data = reader.load(new)
    result = diff_matrices(old_data, new_data, method)
    if output_format == "json":
        payload = {"old": old, "new": new, **result.to_json()}
        emit(json_safe(dumps_json(payload)) + "\n")
    elif output_format == "markdown":
        from achbench.cli.diffview import render_markdown

        emit(render_markdown(result, old, new))
    else:
        from achbench.cli.diffview import render_text

        if result.same and _same_file(old, new):
            say(f"{old} and {new} are the same file: no differences.")
        else:
            text = render_text(result, old, new, want_color(color))
            click.echo(text, nl=False, color=want_color(color))
    if not result.same:
        sys.exit(EXIT_DIFFERENT)

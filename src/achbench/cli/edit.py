"""``achbench edit`` (also bare ``achbench`` and ``achbench FILE``) and ``achbench new``.

Both open the terminal editor.  Textual is imported inside the commands, so the
headless commands never pay for it.  A file that does not load is reported as
``achbench check`` reports it (one located problem a line, exit status 2)
before any screen is drawn.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import method_option
from achbench.cli.terminal import say
from achbench.core.errors import UsageError
from achbench.core.text import one_line
from achbench.store.toml import read_table

if TYPE_CHECKING:
    from achbench.tui.app import AchbenchApp

keymap_option = click.option(
    "--keymap",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='TOML file remapping keys: binding id = "keys" (ids are listed on the ? screen).',
)
analyst_choice = click.option(
    "--analyst", "-a", metavar="NAME", help="Edit this analyst's ratings (default: the file's)."
)


def _read_keymap(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    try:
        data = read_table(path)  # the rule for untrusted files: size, nesting, one line
    except OSError as exc:
        raise UsageError(f"{path}: not a keymap: {exc}") from None
    bad = [key for key, value in data.items() if not isinstance(value, str)]
    if bad:
        raise UsageError(f"{path}: {', '.join(bad)}: each value must be a string of keys")
    return {str(k): str(v) for k, v in data.items()}


def _run(app: AchbenchApp) -> None:
    app.run()
    if app.recovered_to is not None:
        cause = app.stopped_by or "an unexpected error"
        say(
            f"achbench: stopped by {cause}; unsaved changes were kept in {app.recovered_to}",
            err=True,
        )
    code = app.return_code or 0
    if code:
        sys.exit(code)


@main.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@analyst_choice
@method_option
@keymap_option
@reports_errors
def edit(file: Path | None, analyst: str | None, method: str, keymap: Path | None) -> None:
    """Open FILE in the matrix editor (the bundled example if no FILE).

    This is what bare `achbench` and `achbench FILE` run. Rate the cell under
    the cursor with 1-6 (CC C N I II NA), clear it with 0; press ? for every
    key. Saving the example asks where to save it. If the editor was killed
    with unsaved changes, they are in .NAME.recover.toml beside FILE and the
    editor offers to restore them.

    \b
    Examples:
      achbench
      achbench matrices/kazakhstan-2022.toml
      achbench edit alice.toml --analyst alice --method bayes
    """
    if file is not None and not os.path.lexists(file):
        raise UsageError(
            f"{file}: no such file; to start a new matrix there, run "
            f"`achbench new {shlex.quote(str(file))}`"
        )
    from achbench.tui.app import make_app

    _run(make_app(file, analyst=analyst, method=method, keymap=_read_keymap(keymap)))


def _title_from(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "New matrix"


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", "-t", help="The matrix' title (asked for if not given).")
@analyst_choice
@keymap_option
@reports_errors
def new(file: Path, title: str | None, analyst: str | None, keymap: Path | None) -> None:
    """Start an empty matrix to be saved as FILE, beginning with its first hypothesis.

    \b
    Example:
      achbench new matrices/election.toml --title "Who leads after the vote?"
    """
    if file.exists():
        raise UsageError(f"{file}: already exists; open it with `achbench {file}`")
    if not file.parent.is_dir():
        raise UsageError(f"{file}: no such folder {file.parent}")
    if title is None:
        title = one_line(_title_from(file))  # a file name may hold control characters
        if sys.stdin.isatty():
            title = click.prompt("Title of the matrix", default=title)
    if not title.strip():
        raise UsageError("the title must not be empty")
    from achbench.tui.app import make_app

    _run(make_app(file, new_title=title.strip(), analyst=analyst, keymap=_read_keymap(keymap)))

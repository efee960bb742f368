"""``achbench edit`` (also bare ``achbench`` and ``achbench FILE``) and ``achbench new``.

Both open the terminal editor.  Textual is imported inside the commands, so the
headless commands never pay for it.  A file that does not load is reported as
``achbench check`` reports it (one located problem a line, exit status 2)
before any screen is drawn.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.terminal import say
from achbench.core.errors import UsageError
from achbench.core.text import one_line
from achbench.core.vocabulary import METHODS
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
view_method_option = click.option(
    "--method",
    "-m",
    type=click.Choice(METHODS),
    default=None,
    help="Scoring method shown (default: as last used in the editor, else heuer).",
)
transpose_option = click.option(
    "--transpose/--no-transpose",
    default=None,
    help="Evidence down the side, hypotheses across (default: as last used).",
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
    keymap = {str(k): str(v) for k, v in data.items()}
    from achbench.tui.keymap import problems

    found = problems(keymap)
    if found:
        raise UsageError(f"{path}: " + f"\n{path}: ".join(found))
    return keymap


@contextlib.contextmanager
def keys_unechoed() -> Iterator[None]:
    """Keys typed while the editor starts are not echoed by the terminal.

    Until Textual puts the terminal in raw mode (a few tenths of a second after
    the command starts) the terminal echoes what is typed, and the echo stays on
    the shell's screen after the editor quits (``^[[C2^[[B4``); the keys
    themselves still reach the editor.  Echo is off from here and the terminal's
    settings are put back as they were when the editor is done (Textual restores
    those it found, these).  Nothing happens when standard input is no terminal.
    """
    try:
        import termios
    except ImportError:  # not a POSIX system
        yield
        return
    try:
        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError, AttributeError):  # no terminal
        yield
        return
    quiet = list(before)
    quiet[3] &= ~termios.ECHO  # the local modes
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except termios.error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, before)


def _run(app: AchbenchApp) -> None:
    app.run()
    if app.open_error is not None:  # a large file, read once the editor was on screen
        raise app.open_error
    message = app.exit_message()
    if message is not None:
        # After a SIGHUP the terminal may be gone: the recovery file is written anyway.
        with contextlib.suppress(OSError):
            say(message, err=True)
    code = app.return_code or 0
    if code:
        sys.exit(code)


@main.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@analyst_choice
@view_method_option
@transpose_option
@keymap_option
@click.option(
    "--blind",
    is_flag=True,
    help="Rate blind: one item at a time, hypotheses shuffled, no scores or other "
    "analysts' ratings until you have rated every collected cell (B in the editor).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Seed of --blind's shuffled orders (default: from the analyst and the file's "
    "name, so the same analyst sees the same order on any machine).",
)
@reports_errors
def edit(
    file: Path | None,
    analyst: str | None,
    method: str | None,
    transpose: bool | None,
    keymap: Path | None,
    blind: bool,
    seed: int | None,
) -> None:
    """Open FILE in the matrix editor (the bundled example if no FILE).

    This is what bare `achbench` and `achbench FILE` run. Rate the cell under
    the cursor with 1-6 (CC C N I II NA), clear it with 0; press ? for every
    key. Saving the example asks where to save it. Unsaved changes are copied
    every few seconds to .NAME.recover.toml beside FILE (or, if that folder
    cannot be written, to achbench's folder in your state folder), and written
    there at once when the editor is stopped (ctrl+c, SIGTERM, a closed
    terminal) or crashes; the next `achbench FILE` offers to restore them.
    Orientation, column width and method are remembered in config.toml in the
    user's config folder ($ACHBENCH_CONFIG_DIR if set).

    \b
    Examples:
      achbench
      achbench matrices/kazakhstan-2022.toml
      achbench edit alice.toml --analyst alice --method bayes --transpose
      achbench edit team.toml --analyst bob --blind
    """
    if file is not None and not os.path.lexists(file):
        raise UsageError(
            f"{file}: no such file; to start a new matrix there, run "
            f"`achbench new {shlex.quote(str(file))}`"
        )
    if seed is not None and not blind:
        raise UsageError("--seed orders the hypotheses of --blind: give --blind too")
    keys = _read_keymap(keymap)
    with keys_unechoed():
        from achbench.tui.app import make_app

        app = make_app(
            file,
            analyst=analyst,
            method=method,
            transpose=transpose,
            keymap=keys,
            blind=blind,
            seed=seed,
        )
        _run(app)


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
    keys = _read_keymap(keymap)
    with keys_unechoed():
        from achbench.tui.app import make_app

        _run(make_app(file, new_title=title.strip(), analyst=analyst, keymap=keys))

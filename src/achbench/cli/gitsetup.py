"""``achbench git-setup``, and the two commands git itself runs as drivers."""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
from pathlib import Path

import click

from achbench.analysis.wording import plural
from achbench.cli.app import main, reports_errors
from achbench.cli.terminal import say
from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError
from achbench.core.text import one_line, visible
from achbench.store.files import read_bytes
from achbench.versioning.gitdriver import DEFAULT_PATTERNS

_NULL = "/dev/null"


@main.command("git-setup", short_help="Make git diff and merge matrix files with achbench.")
@click.option(
    "--global",
    "global_",
    is_flag=True,
    help="Configure git for every repository of this user (global config and "
    "attributes file) instead of the current repository.",
)
@click.option(
    "--pattern",
    "patterns",
    multiple=True,
    metavar="GLOB",
    help=f"Files that are matrices, as a gitattributes pattern; repeat for several. "
    f"Default: {', '.join(DEFAULT_PATTERNS)}. In a repository, each matrix the patterns "
    "miss gets a line of its own too.",
)
@click.option(
    "--executable",
    metavar="PATH",
    help="The achbench git should run. Default: this one, by absolute path; "
    "give 'achbench' to use whichever is on PATH.",
)
@reports_errors
def git_setup(global_: bool, patterns: tuple[str, ...], executable: str | None) -> None:
    """Make git diff and merge matrix files by id, using achbench.

    Configures a diff driver (git diff shows `achbench diff`; git log -p and git
    show a one-line-per-fact view), a merge driver (`achbench merge`, so
    branches that change different cells or add different evidence merge
    cleanly, and real conflicts are recorded in the file), and .gitattributes
    lines naming the files that are matrices: the patterns (*.ach.toml by
    default) and, in a repository, one line per matrix they miss. A matrix is
    any *.toml whose first line is format = "achbench/1", as achbench writes
    it (the bundled example, files made by `achbench new`). Matrices git would
    still not diff and merge with achbench are listed as warnings. Run it again
    after adding a matrix; otherwise it changes nothing.

    \b
    Examples:
      achbench git-setup
      achbench git-setup --pattern 'matrices/*.toml'
      achbench git-setup --global
    """
    from achbench.versioning.gitdriver import setup, toplevel_or_none, uncovered

    changes = setup(global_, patterns or DEFAULT_PATTERNS, executable)
    top = toplevel_or_none(Path.cwd())
    for path in uncovered(top) if top is not None else []:
        click.echo(
            one_line(f"{path}: warning: a matrix git will not diff or merge with achbench"),
            err=True,
        )
    if not changes:
        click.echo("git is already set up for achbench; nothing changed.")
    for change in changes:
        say(change)
    if changes and not global_:
        click.echo("Commit .gitattributes so that others' clones know which files are matrices.")


def _load_as(path: str, name: str) -> MatrixData:
    """Load ``path`` (a temporary file git made) with messages naming ``name``."""
    from achbench.store.toml import load_data

    try:
        return load_data(path)
    except MatrixFileError as exc:
        raise MatrixFileError([dataclasses.replace(p, path=name) for p in exc.problems]) from None


def _read(path: str) -> str:
    """The text of a file git handed over, by the rules for untrusted files
    (``store.files``: no FIFO, no device, size capped), or nothing."""
    if path == _NULL:
        return ""
    try:
        return read_bytes(path).decode("utf-8", errors="replace")
    except MatrixFileError:
        return ""


def _git_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or os.environ.get("GIT_PAGER_IN_USE") == "true"


def _describe_file(data: MatrixData) -> str:
    cells = sum(
        len(row) for table in (data.get("ratings") or {}).values() for row in table.values()
    )
    counts = [
        plural(len(data["hypotheses"]), "hypothesis", "hypotheses"),
        plural(len(data.get("evidence") or {}), "evidence item"),
        plural(cells, "rating"),
    ]
    return f"{data['title']!r}: {', '.join(counts)}"


@main.command(
    "git-diff-driver", short_help="Plumbing: git's diff driver for matrices (see git-setup)."
)
@click.argument("args", nargs=-1)
def git_diff_driver(args: tuple[str, ...]) -> None:
    """Git runs this as diff.achbench.command (set by `achbench git-setup`) with
    PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE; it prints the
    `achbench diff` report.

    Always exits 0 (git stops at a driver's non-zero exit); a side that is not a
    valid matrix gets its problems listed and a plain line diff instead.

    \b
    Example (what git does on `git diff`):
      achbench git-diff-driver m.ach.toml /tmp/old m1 100644 m.ach.toml m2 100644
    """
    from achbench.cli.diffview import render_text
    from achbench.versioning.diff import diff_matrices

    if len(args) < 7:
        say(f"* Unmerged path {args[0] if args else '?'}")
        return
    path, old_file, new_file = args[0], args[1], args[4]
    new_path = args[7] if len(args) >= 9 else path
    old_name, new_name = f"a/{path}", f"b/{new_path}"
    color = _git_color()
    try:
        old = _load_as(old_file, old_name) if old_file != _NULL else None
        new = _load_as(new_file, new_name) if new_file != _NULL else None
    except MatrixFileError as exc:
        say(f"achbench diff {old_name} {new_name}")
        for line in exc.lines():
            say(f"# {line}")
        say("# not a valid matrix: showing a line diff instead")
        lines = difflib.unified_diff(
            _read(old_file).splitlines(keepends=True),
            _read(new_file).splitlines(keepends=True),
            one_line(old_name),
            one_line(new_name),
        )
        click.echo(visible("".join(lines)), nl=False)
        return
    if old is None or new is None:
        say(f"achbench diff {old_name} {new_name}")
        if new is not None:
            say(f"new matrix file {_describe_file(new)}")
        elif old is not None:
            say(f"deleted matrix file {_describe_file(old)}")
        return
    result = diff_matrices(old, new)
    click.echo(render_text(result, old_name, new_name, color), nl=False, color=color)


@main.command("git-textconv", short_help="Plumbing: a matrix as one line per fact, for git log -p.")
@click.argument("file", type=click.Path(path_type=str))
def git_textconv(file: str) -> None:
    """Print FILE as one line per fact, each starting with its key path.

    Git runs this as diff.achbench.textconv (set by `achbench git-setup`) where it
    runs no external diff, as in `git log -p` and `git show`: a line diff of this
    view is a diff by id, ending with the ranking under heuer. A file that is not
    a valid matrix is printed as it is, after its problems.

    \b
    Example:
      achbench git-textconv matrices/kazakhstan-2022.toml
    """
    from achbench.versioning.gitdriver import textconv

    try:
        data = _load_as(file, "matrix")
    except MatrixFileError as exc:
        for line in exc.lines():
            say(f"# achbench: not a valid matrix: {line}")
        click.echo(visible(_read(file)), nl=False)
        return
    click.echo(visible(textconv(data)), nl=False)

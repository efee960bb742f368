"""The ``achbench`` command group and the error handling every command shares."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

import click
from click_default_group import DefaultGroup

from achbench import __version__
from achbench.cli.collector import command_loaded
from achbench.core.errors import AchbenchError, MatrixFileError
from achbench.core.text import one_line

P = ParamSpec("P")
R = TypeVar("R")

COMMANDS: dict[str, str] = {
    "calibration": "achbench.cli.judge",
    "check": "achbench.cli.check",
    "consensus": "achbench.cli.consensus",
    "diff": "achbench.cli.diff",
    "edit": "achbench.cli.edit",
    "export": "achbench.cli.io",
    "git-diff-driver": "achbench.cli.gitsetup",
    "git-setup": "achbench.cli.gitsetup",
    "git-textconv": "achbench.cli.gitsetup",
    "history": "achbench.cli.history",
    "import": "achbench.cli.io",
    "judge": "achbench.cli.judge",
    "merge": "achbench.cli.merge",
    "new": "achbench.cli.edit",
    "next": "achbench.cli.next",
    "rank": "achbench.cli.rank",
    "report": "achbench.cli.report",
    "sensitivity": "achbench.cli.sensitivity",
    "serve": "achbench.cli.serve",
}
"""Each command's name and the module that defines it, imported only when needed.

A module registers its command on ``main`` with ``@main.command()``; importing
only the one a user asked for keeps ``achbench rank`` from paying for every
other command's imports (the editor's Textual above all).
"""

COMMAND_HELP: dict[str, str] = {
    "calibration": "Score analysts over many resolved matrices: mean Brier and a calibration "
    "table.",
    "check": "Check that each FILE is a valid matrix.",
    "consensus": "Compare the analysts who rated FILE: consensus and disagreement per cell.",
    "diff": "What changed between two matrices, by id, and in the ranking.",
    "edit": "Open FILE in the matrix editor (the bundled example if no FILE).",
    "export": "Export the matrix FILE as PARC ACH (.achz), CSV, JSON or an Excel workbook (.xlsx).",
    "git-diff-driver": "Plumbing: git's diff driver for matrices (see git-setup).",
    "git-setup": "Make git diff and merge matrix files with achbench.",
    "git-textconv": "Plumbing: a matrix as one line per fact, for git log -p.",
    "history": "Rank every committed version of FILE and show how each hypothesis moved.",
    "judge": "Each analyst's probabilities beside the bayes posterior of their own ratings.",
    "import": "Import FILE (PARC ACH .achz, CSV, JSON or an Excel .xlsx workbook) as a matrix.",
    "merge": "3-way merge of matrices by id; conflicts recorded in the file.",
    "new": "Start an empty matrix to be saved as FILE, beginning with its first hypothesis.",
    "next": "Rank the pending evidence items of FILE by what collecting each is worth.",
    "rank": "Rank the hypotheses of FILE, best supported first.",
    "report": "Write a report on FILE: the question, every hypothesis ranked under every "
    "method, the matrix, the most diagnostic evidence, the sensitivity findings, "
    "disagreement between analysts, and the milestones.",
    "sensitivity": "How sensitive the ranking of FILE is to single items, ratings and weights.",
    "serve": "Serve the matrix editor on FILE (the bundled example if no FILE) to a web browser.",
}
"""Each command's line in ``achbench --help``, so that listing the commands imports none.

The text is the command's ``short_help`` where it sets one (those are named in
``SHORT_HELP_GIVEN``), else the first paragraph of its help, on one line; click
shortens either to fit the terminal as it would for the command itself.  A unit
test checks every entry against the real command; a command missing here is
imported to list it, as before.
"""

SHORT_HELP_GIVEN: frozenset[str] = frozenset(
    {"diff", "git-diff-driver", "git-setup", "git-textconv", "merge"}
)
"""The commands whose ``COMMAND_HELP`` line is their own ``short_help``, never shortened."""


def listed_command(name: str) -> click.Command:
    """A stand-in for command ``name`` that ``--help`` lists exactly as the real one."""
    text = COMMAND_HELP[name]
    if name in SHORT_HELP_GIVEN:
        return click.Command(name, short_help=text)
    return click.Command(name, help=text)


# DefaultGroup comes from an untyped package, hence the ignore.
class LazyGroup(DefaultGroup):  # type: ignore[misc]
    """A group that imports a command's module the first time the command is needed.

    It is also a ``DefaultGroup``: a first argument that names no command (a file)
    and no argument at all go to ``edit``, so bare ``achbench`` and
    ``achbench FILE`` open the editor.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Shell completion parses resiliently: with no command typed yet it must
        # offer the commands (`achbench ra<TAB>`), not the default command's files.
        if not args and ctx.resilient_parsing:
            return click.Group.parse_args(self, ctx, args)
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    listing = False
    """True while ``--help`` lists the commands: they are named, not imported."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.listing = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self.listing and cmd_name not in self.commands and cmd_name in COMMAND_HELP:
            return listed_command(cmd_name)
        wanted = cmd_name if cmd_name in COMMANDS else self.default_cmd_name
        if wanted not in self.commands and wanted in COMMANDS:
            importlib.import_module(COMMANDS[wanted])
            command_loaded()
        command: click.Command | None = super().get_command(ctx, cmd_name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As ``DefaultGroup``, but a first word that is no file and is close to a
        command's name is taken for a typo, not for a file to open."""
        if args and not ctx.resilient_parsing:
            guess = misspelt_command(args[0])
            if guess is not None:
                raise click.UsageError(
                    f"No such command {one_line(args[0])!r}. Did you mean {guess!r}?", ctx
                )
        found: tuple[str | None, click.Command | None, list[str]] = super().resolve_command(
            ctx, args
        )
        return found

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _quoted_safely():
            context: click.Context = super().make_context(info_name, args, parent, **extra)
        return context

    def invoke(self, ctx: click.Context) -> Any:
        with _quoted_safely():
            return super().invoke(ctx)


@contextlib.contextmanager
def _quoted_safely() -> Iterator[None]:
    """Click's own messages quote what the user typed (a file name from a glob, say):
    shown with ``one_line``, as achbench's own are."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = one_line(exc.message)  # type: ignore[misc]  # Final in the stubs only
        raise


def misspelt_command(word: str) -> str | None:
    """The command ``word`` most likely meant, if it is no file and looks like a
    command's name (no folder, no suffix) close to one (``rnak``: ``rank``)."""
    if word in COMMANDS or word.startswith("-") or "/" in word or "." in word:
        return None
    if os.path.lexists(word):
        return None
    import difflib  # reached only by a word that is neither a command nor a file

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    return close[0] if close else None


EXIT_ERROR = 2
"""Exit status for bad input, as for ``diff`` and ``git diff --exit-code``."""


def _main() -> None:
    """achbench: Analysis of Competing Hypotheses, in the terminal and in scripts.

    A matrix is a TOML file of hypotheses, evidence and ratings (see
    docs/format.md). Rate it in the editor (bare `achbench` opens the bundled
    example, `achbench FILE` opens FILE), or rank and check it headless:

    \b
      achbench matrices/kazakhstan-2022.toml
      achbench rank matrices/kazakhstan-2022.toml
      achbench check *.toml
    """


main: click.Group = click.group(
    cls=LazyGroup,
    default="edit",
    default_if_no_args=True,
    name="achbench",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)(click.version_option(__version__, "--version", "-V", prog_name="achbench")(_main))


IMPORT_HINTS: dict[str, str] = {
    ".csv": "a CSV file",
    ".tsv": "a TSV file",
    ".achz": "a PARC ACH file",
    ".json": "a JSON file",
    ".xlsx": "a spreadsheet",
}
"""Suffixes of files that are no matrix but can become one, and what to call them."""


def import_hints(exc: MatrixFileError) -> list[str]:
    """A line per file that failed to load as a matrix but whose suffix says it is
    something ``achbench import`` converts (or, for .xlsx, something it reads once
    saved as CSV)."""
    import shlex
    from pathlib import Path

    hints: list[str] = []
    for path in dict.fromkeys(p.path for p in exc.problems):
        suffix = Path(path).suffix.lower()
        if suffix not in IMPORT_HINTS:
            continue
        what = IMPORT_HINTS[suffix]
        if suffix == ".xlsx":
            how = "save it as CSV from the spreadsheet, then run `achbench import FILE.csv`"
        else:
            how = f"convert it with `achbench import {shlex.quote(path)}`"
        hints.append(f"{path}: hint: this looks like {what}, not a matrix; {how}")
    return hints


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn achbench's own errors into one-line messages on stderr and exit status 2.

    Each line is shown with ``one_line``: a file name or a key holding a control
    character or a line break cannot reach the terminal raw or split the line.  A
    file that would convert with ``achbench import`` gets a hint saying so (except
    from ``import`` itself, whose errors are about the conversion).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except AchbenchError as exc:
            lines = exc.lines()
            ctx = click.get_current_context(silent=True)
            if isinstance(exc, MatrixFileError) and not (ctx and ctx.info_name == "import"):
                lines += import_hints(exc)
            for line in lines:
                click.echo(one_line(line), err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:  # `achbench rank ... | head`
            sys.stderr.close()
            sys.exit(0)

    return wrapper


def run() -> None:
    """``python -m achbench``: the command line, as the ``achbench`` script runs it."""
    main.main(prog_name="achbench")

"""The ``achbench`` command group and the error handling every command shares."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click
from click_default_group import DefaultGroup

from achbench import __version__
from achbench.core.errors import AchbenchError

P = ParamSpec("P")
R = TypeVar("R")

COMMANDS: dict[str, str] = {
    "check": "achbench.cli.check",
    "consensus": "achbench.cli.consensus",
    "diff": "achbench.cli.diff",
    "edit": "achbench.cli.edit",
    "export": "achbench.cli.io",
    "git-diff-driver": "achbench.cli.gitsetup",
    "git-setup": "achbench.cli.gitsetup",
    "git-textconv": "achbench.cli.gitsetup",
    "import": "achbench.cli.io",
    "merge": "achbench.cli.merge",
    "new": "achbench.cli.edit",
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

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        wanted = cmd_name if cmd_name in COMMANDS else self.default_cmd_name
        if wanted not in self.commands and wanted in COMMANDS:
            importlib.import_module(COMMANDS[wanted])
        command: click.Command | None = super().get_command(ctx, cmd_name)
        return command


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


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn achbench's own errors into one-line messages on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except AchbenchError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:  # `achbench rank ... | head`
            sys.stderr.close()
            sys.exit(0)

    return wrapper


def run() -> None:
    """``python -m achbench``: the command line, as the ``achbench`` script runs it."""
    main.main(prog_name="achbench")

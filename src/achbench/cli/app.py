"""The ``achbench`` command group and the error handling every command shares."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from achbench import __version__
from achbench.errors import AchbenchError

F = TypeVar("F", bound=Callable[..., Any])

COMMANDS: dict[str, str] = {
    "check": "achbench.cli.check",
    "consensus": "achbench.cli.consensus",
    "diff": "achbench.cli.diff",
    "export": "achbench.cli.io",
    "git-diff-driver": "achbench.cli.gitsetup",
    "git-setup": "achbench.cli.gitsetup",
    "git-textconv": "achbench.cli.gitsetup",
    "import": "achbench.cli.io",
    "merge": "achbench.cli.merge",
    "rank": "achbench.cli.rank",
    "report": "achbench.cli.report",
    "sensitivity": "achbench.cli.sensitivity",
}
"""Each command's name and the module that defines it, imported only when needed.

A module registers its command on ``main`` with ``@main.command()``; importing
only the one a user asked for keeps ``achbench rank`` from paying for every
other command's imports (the editor's Textual above all).
"""


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)


EXIT_ERROR = 2
"""Exit status for bad input, as for ``diff`` and ``git diff --exit-code``."""


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="achbench")
@click.pass_context
def main(ctx: click.Context) -> None:
    """achbench: Analysis of Competing Hypotheses, in the terminal and in scripts.

    A matrix is a TOML file of hypotheses, evidence and ratings (see
    docs/format.md). Rate it in the editor, or rank and check it headless:

    \b
      achbench rank matrices/kazakhstan-2022.toml
      achbench check *.toml
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def reports_errors(func: F) -> F:
    """Turn achbench's own errors into one-line messages on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AchbenchError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:  # `achbench rank ... | head`
            sys.stderr.close()
            sys.exit(0)

    return wrapper  # type: ignore[return-value]

"""The ``achbench`` command group and the error handling every command shares."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click_default_group import DefaultGroup

from achbench import __version__
from achbench.errors import AchbenchError

F = TypeVar("F", bound=Callable[..., Any])

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


# DefaultGroup sends bare `achbench` and `achbench FILE` to `edit`; it is untyped,
# so the group is annotated here to keep `@main.command()` typed for mypy.
_group: Any = click.group(
    cls=DefaultGroup,
    default="edit",
    default_if_no_args=True,
    name="achbench",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
main: click.Group = _group(
    click.version_option(__version__, "--version", "-V", prog_name="achbench")(_main)
)


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

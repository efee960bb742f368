"""The command line: a thin door onto the core.

Bare ``achbench`` (and ``achbench FILE``) open the editor (``edit``); subcommands run
headless and never import Textual.  Each command lives in its own module, listed
in ``achbench.cli.app.COMMANDS`` and imported only when it runs; options several
commands share are defined once in ``achbench.cli.options``.
"""

from __future__ import annotations

__all__ = ["main"]


def __getattr__(name: str) -> object:
    """``main`` (the click group), loaded when asked for: ``achbench.cli.start``,
    the script's first module, answers ``--help`` without loading click."""
    if name == "main":
        from achbench.cli.app import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The command line: a thin door onto the core.

Bare ``achbench`` (and ``achbench FILE``) will open the editor; subcommands run
headless and never import Textual.  Each command lives in its own module and
registers itself on ``main``; options several commands share are defined once
in ``achbench.cli.options``.
"""

from __future__ import annotations

from achbench.cli import check as _check  # noqa: F401  (registers the command)
from achbench.cli import io as _io  # noqa: F401
from achbench.cli import rank as _rank  # noqa: F401
from achbench.cli.app import main

__all__ = ["main"]

"""The command line: a thin door onto the core.

Bare ``achbench`` (and ``achbench FILE``) open the editor (``edit``); subcommands run
headless and never import Textual.  Each command lives in its own module, listed
in ``achbench.cli.app.COMMANDS`` and imported only when it runs; options several
commands share are defined once in ``achbench.cli.options``.
"""

from __future__ import annotations

from achbench.cli.app import main

__all__ = ["main"]

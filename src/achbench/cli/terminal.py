"""The command line's side of the untrusted-text rule (``achbench.core.text``), and colour.

User text reaches the terminal two ways: through ``say`` (one line at a time)
and through tables (``achbench.cli.table``).  ``say`` shows every line with
``one_line``, so no control character and no line break of a title or a file
name gets through; the table shows every cell through ``visible``.  Nothing is
ever read as markup: ``[bold red]`` and ``:smile:`` print as typed.

``want_color`` is the one rule for colour: on a terminal, unless ``NO_COLOR`` is
set (https://no-color.org), or when asked for with ``--color always``.
"""

from __future__ import annotations

import os
import sys

import click

from achbench.core.text import one_line


def say(text: str, err: bool = False) -> None:
    """Print one line of text that may hold user text (a title, a file name)."""
    click.echo(one_line(text), err=err)


def want_color(choice: str, stream: object = None) -> bool:
    """Colour on a terminal unless ``NO_COLOR`` is set (https://no-color.org)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    stream = sys.stdout if stream is None else stream
    isatty: object = getattr(stream, "isatty", None)
    return callable(isatty) and isatty() is True

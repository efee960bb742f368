"""The command line's side of the untrusted-text rule (``achbench.core.text``).

User text reaches the terminal two ways: through click (one line at a time) and
through Rich (tables).  ``say`` is the first way: every line shown with
``one_line``, so no control character and no line break of a title or a file
name gets through.  ``console`` is the second: a Rich console that never reads
markup or emoji codes (``[bold red]``, ``[/x]``, ``[link=...]`` and ``:smile:``
print as typed) and shows control characters as ``visible`` does, in every
string it is given: table cells, titles, captions and ``print`` alike.  Text
built as ``rich.text.Text`` bypasses that, so build it from ``visible`` text.

Rich is imported inside ``console``, so commands that print no table never load it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import click

from achbench.core.text import one_line

if TYPE_CHECKING:
    from rich.console import Console


def say(text: str, err: bool = False) -> None:
    """Print one line of text that may hold user text (a title, a file name)."""
    click.echo(one_line(text), err=err)


def console() -> Console:
    """A Rich console for user text: no markup, no emoji codes, no raw control characters."""
    return _safe_console_class()(markup=False, emoji=False)


@functools.cache
def _safe_console_class() -> type[Console]:
    from rich.console import Console, HighlighterType, JustifyMethod, OverflowMethod
    from rich.style import Style
    from rich.text import Text

    from achbench.core.text import visible

    class SafeConsole(Console):
        """Every string shown through ``visible``, never read as markup or emoji codes,
        whatever a caller asks."""

        def render_str(
            self,
            text: str,
            *,
            style: str | Style = "",
            justify: JustifyMethod | None = None,
            overflow: OverflowMethod | None = None,
            emoji: bool | None = None,
            markup: bool | None = None,
            highlight: bool | None = None,
            highlighter: HighlighterType | None = None,
        ) -> Text:
            return super().render_str(
                visible(text),
                style=style,
                justify=justify,
                overflow=overflow,
                emoji=False,
                markup=False,
                highlight=highlight,
                highlighter=highlighter,
            )

    return SafeConsole

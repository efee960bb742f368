"""Text made safe for GitHub-flavoured Markdown: the one escaper every Markdown output uses.

Titles, notes, sources and analysts' words are user text; printed raw into
Markdown they can break a table (a ``|`` starts a new cell, a line break ends
the row), smuggle in HTML (``<b>``, ``<script>``) or turn into formatting
(asterisks, underscores, backticks, brackets, tildes).  ``escape`` makes such
text inert so it reads as typed, in a table cell or in running text alike:

* ``&``, ``<`` and ``>`` become entities, so no tag or entity of the user's survives;
* the backslash and each of ``_FORMATTING`` get a backslash, so none of them
  formats, links or splits a cell;
* a carriage return, a line feed or both become one space, so a cell stays on
  its row and a line stays one line;
* every other control character (C0 but the tab, DEL, C1) shows as an escape
  such as ``\\x1b``, as on the terminal (``achbench.core.text.visible``), so no
  escape sequence survives into a document someone may ``cat``.

``code`` is the other way to show a value literally: inside a code span, for
list items (a code span cannot hold a line break, and a backtick would end it).

Both ``achbench.report.markdown`` and the command line's Markdown outputs (rank,
sensitivity, consensus, diff) use this module, so a rule changes in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from achbench.core.text import visible

_FORMATTING: Final = "\\`*_[]|~"
"""Characters that GitHub's Markdown may read as formatting, links or cell breaks."""

_ESCAPES: Final = str.maketrans(
    {
        **{char: "\\" + char for char in _FORMATTING},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def escape(text: str) -> str:
    """``text`` inert in Markdown running text and table cells alike (see the module)."""
    return visible(_flat(text)).translate(_ESCAPES)


def code(text: str) -> str:
    """``text`` shown literally in a code span, on one line (not for table cells)."""
    return "`" + visible(_flat(text)).replace("`", "'") + "`"


def _flat(text: str) -> str:
    """Line breaks of any kind (CR LF, CR, LF) as one space each."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def row(cells: Sequence[str]) -> str:
    """One table row of cells already escaped (or known safe: ids, numbers, codes)."""
    return "| " + " | ".join(cells) + " |"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """A table's lines: header, delimiter (``align``, by default all left), rows.

    ``align`` is the delimiter row between its outer pipes, such as ``---|---:``.
    """
    align = align or "|".join("---" for _ in headers)
    return [row(headers), f"|{align}|", *(row(cells) for cells in rows)]

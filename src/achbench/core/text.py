"""Untrusted text on its way out: the one rule every output follows.

Titles, questions, notes, descriptions, sources, analysts' words and file names
come from whoever wrote the matrix or named the file, so they are untrusted: a
matrix received by mail may hold an escape sequence that retitles the terminal,
Rich markup, HTML, or a spreadsheet formula.  Each output makes such text inert
in its own way, and the pieces of that way live here, once:

* **Terminal** (``visible``, ``one_line``): control characters are never written
  raw.  C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F)
  are shown as Python-style escapes, ``\\x1b`` or ``\\x9b``, so an ESC sequence or
  a CSI arrives as harmless visible text.  A tab, and a line break where the
  output has lines to give (a table cell, a description), stay as they are; a
  carriage return always shows as ``\\r`` (it would move the cursor back over
  what was printed), except in a Windows line end, which is read as a line
  break.  Rich markup is the command line's part: it prints user text with
  markup and emoji codes switched off (``achbench.cli.terminal``).
* **JSON** (``json_safe``): JSON already escapes C0; DEL and C1 are escaped as
  ``\\u007f`` .. ``\\u009f``, which decode to the very same characters.
* **Markdown** and **HTML** escape their own specials
  (``achbench.report.markdown_text``, ``html.escape``) and show control
  characters as ``visible`` does.
* **CSV** (``formula_safe``): a cell that a spreadsheet would run as a formula,
  one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  (OWASP's list), gets a leading single quote; ``formula_restored`` undoes it on
  import.  Numbers are not text and are never quoted (docs/formats.md).

Nothing here imports Rich, click or Textual: the layers below the two doors use
it too (the CSV writer, the Markdown escaper).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, Protocol

_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters that are always escaped: every C0 but tab and line feed, DEL, C1."""

_LINE_CONTROLS: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
"""The same, the line feed, and Unicode's line and paragraph separators: for
outputs where each message is one line."""

_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def visible(text: str) -> str:
    """``text`` safe for a terminal: line breaks and tabs kept, every other control
    character shown as an escape (``\\x1b``, ``\\x9b``, ``\\r``)."""
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(_escape, text.replace("\r\n", "\n"))


def one_line(text: str) -> str:
    """``text`` safe for a terminal on one line: as ``visible``, and a line break
    shows as ``\\n`` too (error messages, diff lines: one line per fact)."""
    if _LINE_CONTROLS.search(text) is None:
        return text
    return _LINE_CONTROLS.sub(_escape, text)


def has_raw_controls(text: str, *, lines: bool = True) -> bool:
    """Whether ``text`` holds a control character ``visible`` (or, without
    ``lines``, ``one_line``) would have escaped: what the tests check outputs for."""
    return (_CONTROLS if lines else _LINE_CONTROLS).search(text) is not None


_JSON_RAW: Final = re.compile(r"[\x7f-\x9f]")


def json_safe(text: str) -> str:
    """JSON text with DEL and C1 written as ``\\u`` escapes: the same data, decoded,
    and nothing a terminal would act on.  (``json.dumps`` escapes C0 itself; DEL and
    C1 can only occur inside strings, where ``\\u`` escapes are always valid.)"""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""

_FORMULA: Final = re.compile("'*[" + re.escape("".join(FORMULA_PREFIXES)) + "]")
"""A formula prefix, after any single quotes: those cells get one quote more, so
that ``formula_restored`` can take exactly one off and every cell round-trips."""


def formula_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` if a spreadsheet could run it as a formula."""
    return "'" + cell if _FORMULA.match(cell) else cell


def formula_restored(cell: str) -> str:
    """The cell ``formula_safe`` was given: one leading ``'`` removed before a
    formula prefix (what a spreadsheet user means by it too: this is text)."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


class RowSink(Protocol):
    """What ``csv.writer`` gives: a sink for rows."""

    def writerow(self, row: Iterable[object], /) -> object: ...


class FormulaQuoted:
    """A CSV row writer that passes every text cell through ``formula_safe``.

    Only ``str`` cells are quoted: numbers are handed to it as numbers, so a
    score of -1.5 stays a number a spreadsheet can sum.
    """

    def __init__(self, sink: RowSink) -> None:
        self.sink = sink

    def writerow(self, row: Iterable[object], /) -> object:
        return self.sink.writerow([formula_safe(c) if isinstance(c, str) else c for c in row])

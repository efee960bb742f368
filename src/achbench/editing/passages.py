"""An evidence item's source document, read for the editor: its quote found, a passage cut.

The editor's source screen (``tui.screens.source``) shows the document an item
``cites`` (``[sources.<id>].path``, relative to the matrix file's folder),
scrolled to the item's ``quote``; from it an analyst selects a passage to make
a new item.  What that needs, without Textual, lives here:

* ``open_cited`` reads the document or says, in one sentence, why it cannot:
  the item cites nothing, the source has no path, the file is missing,
  unreadable, too big or not UTF-8 (``SourceUnavailable``);
* the quote is found by ``analysis.quotes.locate_quote``, the rule
  ``achbench check --sources`` verifies quotes by, so the editor highlights a
  quote exactly when ``check`` finds it;
* ``SourceDocument`` maps offsets to (row, column) locations and back, with the
  rows Textual's ``TextArea`` makes of the same text (``str.splitlines``, plus
  an empty last row after a final line break), and cuts the part of the
  document a ``TextArea`` is given (``window``);
* ``passage`` turns a selection into the new item's ``quote`` and ``locator``.

**Why a window.**  A ``TextArea`` measures (and wraps) every line of its text
several times as it mounts: about a second for a 5 MB document.  It is given
the rows around the quote, ``WINDOW_CHARS`` characters or so, which it loads in
a few milliseconds whatever the document's size; the screen moves the window
as the cursor nears its edge.  A document smaller than a window is shown whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add
from pathlib import Path

from achbench.analysis.quotes import fold, locate_quote
from achbench.core.data import EvidenceData, MatrixData, SourceData
from achbench.core.errors import MatrixFileError
from achbench.core.text import one_line
from achbench.store.files import read_bytes

Location = tuple[int, int]
"""(row, column) in the document, both from 0, as Textual's ``TextArea`` counts."""

WINDOW_CHARS = 40_000
"""About how many characters of the document a ``TextArea`` is given at once:
small enough to wrap in some 25 ms, large enough (500 lines of 80 characters,
60 paragraphs of prose) that the window seldom moves."""

NEAR_LOCATOR = 50
"""Rows either side of an item's ``line N`` locator where its quote is looked for
first (the document may have changed a little since the item was made)."""
MAX_ANCHORS = 50
"""Places of a quote's longest word looked around before the whole document is
folded: a word that common says little about where the quote is."""
_WORD = re.compile(r"[A-Za-z0-9]{4,}")
_LINES = re.compile(r"lines? (\d{1,9})(?:-(\d{1,9}))?")

_SHOWN = {
    code: "\ufffd" for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if chr(code) not in "\t\n"
}
"""Control characters (a hostile document's escape sequences) shown as U+FFFD, one
character for one, so offsets into the shown text are offsets into the document."""


class SourceUnavailable(Exception):
    """Why an item's source cannot be shown, in one sentence for the status line."""


@dataclass
class SourceDocument:
    """A cited document's text, with the row arithmetic the source screen needs."""

    source_id: str
    source: SourceData
    path: Path
    text: str
    _starts: list[int] = field(default_factory=list, repr=False)
    _ends: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        # Rows as ``str.splitlines`` cuts them, as ``TextArea``'s Document does:
        # each row's start offset, and where its text ends (before the line break).
        # Built with C-level maps: 70 ms in a Python loop for 5 MB, a few ms here.
        text = self.text
        starts = [0, *accumulate(map(len, text.splitlines(keepends=True)))]
        ends = list(map(add, starts, map(len, text.splitlines())))
        if not text or text.endswith(("\n", "\r")):
            ends.append(len(text))  # the empty row after a final \n, \r\n or \r
        else:
            starts.pop()
        self._starts = starts
        self._ends = ends

    @property
    def rows(self) -> int:
        """How many rows the document has (a final line break opens an empty one)."""
        return len(self._starts)

    def row_text(self, row: int) -> str:
        """One row's text, without its line break."""
        return self.text[self._starts[row] : self._ends[row]]

    def location(self, offset: int) -> Location:
        """The (row, column) of a character offset (one inside a line break: its row's end)."""
        row = bisect_right(self._starts, offset) - 1
        row = max(0, min(row, self.rows - 1))
        return row, min(offset, self._ends[row]) - self._starts[row]

    def offset(self, location: Location) -> int:
        """The character offset of a (row, column), clamped to the row's text."""
        row = max(0, min(location[0], self.rows - 1))
        return min(self._starts[row] + max(0, location[1]), self._ends[row])

    def find(self, quote: str, locator: str | None = None) -> tuple[Location, Location] | None:
        """Where ``quote`` is, as ``check`` finds quotes; None if it is not in the document.

        Rows where the quote is likely are looked at first: those of a
        ``locator`` this editor writes (``line 12``, ``lines 12-14``), then those
        around each place the quote's longest word occurs as typed.  Each such
        part is cut at line breaks, so a quote found in it is found in the whole
        document too (folding never joins text across a line break); only when
        none holds it is the whole document folded (``locate_quote``'s slow
        path, 0.1-0.2 s for 5 MB), so "not found" is always the rule's answer.
        """
        for first, last in self._likely_rows(quote, locator):
            begin = self._starts[first]
            span = locate_quote(self.text[begin : self._ends[last - 1]], quote)
            if span is not None:
                return self.location(begin + span[0]), self.location(begin + span[1])
        span = locate_quote(self.text, quote)
        if span is None:
            return None
        return self.location(span[0]), self.location(span[1])

    def _likely_rows(self, quote: str, locator: str | None) -> Iterator[tuple[int, int]]:
        """Rows [first, last) where ``quote`` may be, the likeliest first."""
        rows = locator_rows(locator) if locator else None
        if rows is not None and rows[0] < self.rows:
            yield rows[0], min(self.rows, rows[1] + 1)
            yield max(0, rows[0] - NEAR_LOCATOR), min(self.rows, rows[1] + 1 + NEAR_LOCATOR)
        words = _WORD.findall(fold(quote))
        if not words:
            return
        word = max(words, key=len)
        reach = 2 * len(quote) + 80  # room for the passage's own spacing around the word
        at = self.text.find(word)
        for _ in range(MAX_ANCHORS):
            if at < 0:
                return
            first = self.location(max(0, at - reach))[0]
            last = self.location(min(len(self.text), at + reach))[0] + 1
            yield first, last
            at = self.text.find(word, self._ends[last - 1])

    def window(self, around: int, chars: int = WINDOW_CHARS) -> tuple[int, int]:
        """Rows [first, last) to give a ``TextArea``, about ``chars`` characters
        centred on row ``around``: the whole document if it is that short."""
        if len(self.text) <= chars:
            return 0, self.rows
        middle = self._starts[max(0, min(around, self.rows - 1))]
        low = max(0, min(middle - chars // 2, len(self.text) - chars))
        first = max(0, bisect_right(self._starts, low) - 1)
        last = min(self.rows, max(first + 1, bisect_right(self._starts, low + chars)))
        return first, last

    def shown(self, first: int, last: int) -> str:
        """Rows [first, last) joined by line breaks, control characters made visible."""
        return "\n".join(self.row_text(row) for row in range(first, last)).translate(_SHOWN)

    def passage(self, start: Location, end: Location) -> tuple[str, str] | None:
        """(quote, locator) of the text between two locations, in either order; None
        if only white space lies between them.

        The quote is the document's text with each run of white space made one
        space (the spec lets a quote's white space differ, and a one-line quote
        reads better in the file); the locator names the lines, from 1, of its
        first and last characters.
        """
        begin, stop = sorted((self.offset(start), self.offset(end)))
        selected = self.text[begin:stop]
        quote = " ".join(selected.split())
        if not quote:
            return None
        first = begin + len(selected) - len(selected.lstrip())
        last = begin + len(selected.rstrip()) - 1
        return quote, lines_locator(self.location(first)[0], self.location(last)[0])


def lines_locator(first_row: int, last_row: int) -> str:
    """``line 12`` or ``lines 12-14``: rows from 0 named as lines from 1."""
    if first_row == last_row:
        return f"line {first_row + 1}"
    return f"lines {first_row + 1}-{last_row + 1}"


def locator_rows(locator: str) -> tuple[int, int] | None:
    """The rows (from 0) of a locator ``lines_locator`` writes; None for any other."""
    match = _LINES.fullmatch(locator.strip())
    if match is None:
        return None
    first = int(match[1]) - 1
    last = int(match[2]) - 1 if match[2] else first
    return (first, last) if 0 <= first <= last else None


def open_cited(data: MatrixData, evidence_id: str, folder: Path) -> SourceDocument:
    """The document evidence item ``evidence_id`` cites, read from under ``folder``;
    ``SourceUnavailable`` says why not."""
    item: EvidenceData = data["evidence"][evidence_id]
    source_id = item.get("cites")
    if source_id is None:
        raise SourceUnavailable(f"{evidence_id} cites no source (give it cites = a source id).")
    return open_source(data, source_id, folder)


def open_source(data: MatrixData, source_id: str, folder: Path) -> SourceDocument:
    """Source ``source_id``'s document, read from under ``folder`` (UTF-8 text or
    Markdown); ``SourceUnavailable`` says why it cannot be."""
    source = data.get("sources", {}).get(source_id)
    if source is None:
        raise SourceUnavailable(f"No source {source_id!r} in this matrix.")
    name = one_line(source_id)
    if "path" not in source:
        raise SourceUnavailable(
            f"Source {name} has no path: add path = the document's file to [sources.{name}]."
        )
    path = folder / source["path"]
    try:
        raw = read_bytes(path)
    except MatrixFileError as exc:
        problem = exc.problems[0] if exc.problems else None
        why = problem.message if problem is not None else str(exc)
        if why == "no such file":
            why += " (a source's path is read from the matrix file's folder)"
        raise SourceUnavailable(f"Source {name}: {one_line(str(path))}: {why}.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceUnavailable(
            f"Source {name}: {one_line(str(path))} is not UTF-8 text (byte {exc.start + 1}); "
            "only UTF-8 text or Markdown is shown."
        ) from None
    return SourceDocument(source_id, source, path, text.removeprefix("\ufeff"))

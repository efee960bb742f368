"""The command line's one table: plain text, laid out in a single pass.

Every table the headless commands print (rank, the evidence list, sensitivity,
consensus) is a ``Table`` of ``Column``\\ s.  It looks like the Rich table it
replaces (Rich's SIMPLE_HEAVY box: a blank line, the header, a heavy rule, the
rows, a blank line), but costs microseconds a row instead of a millisecond, so
the table of 50,000 hypotheses takes about as long as their JSON (issue 12).

Layout: fixed columns take their widest cell; the flexible columns (``flex``
above 0) share what is left of the terminal's width in proportion to ``flex``,
never more than their widest cell nor less than ``min_width``, and fold longer
text onto continuation lines (at spaces where it can, mid-word where it must).
The width is ``shutil.get_terminal_size``, so ``COLUMNS`` is respected and a
pipe gets 80 columns.

Every cell, title and caption is shown through ``achbench.core.text.visible``
(the untrusted-text rule): no control character of a title reaches the terminal,
and nothing in a cell is read as markup.  Row styles are applied with
``click.style`` only when colour is on (``want_color``: a terminal, and no
``NO_COLOR``), so piped output is plain text.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import click

from achbench.cli.terminal import want_color
from achbench.core.text import visible

RULE = "━"
"""The heavy rule under the header, as Rich's SIMPLE_HEAVY box draws it."""

_COLOURS = frozenset({"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"})


@dataclass(frozen=True)
class Column:
    """One column: its header, how its cells are justified, and whether it folds.

    ``flex`` 0 means the column is as wide as its widest cell and never folds;
    above 0, the column folds and takes that share of the width left over.
    """

    header: str
    justify: Literal["left", "right"] = "left"
    flex: int = 0
    min_width: int = 1


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide (East Asian) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def _pad(text: str, width: int, justify: str) -> str:
    gap = width - cell_width(text)
    if gap <= 0:
        return text
    return " " * gap + text if justify == "right" else text + " " * gap


def _cut(word: str, width: int) -> tuple[str, str]:
    """The first ``width`` cells of ``word`` (at least one character), and the rest."""
    if word.isascii():
        return word[:width], word[width:]
    used = 0
    for index, char in enumerate(word):
        used += cell_width(char)
        if used > width and index > 0:
            return word[:index], word[index:]
    return word, ""


def _fold_line(line: str, width: int) -> list[str]:
    """One line of a cell cut to ``width`` cells: at spaces where it can, mid-word where it must."""
    if cell_width(line) <= width:
        return [line]
    lines: list[str] = []
    current: str | None = None
    used = 0
    for word in line.split(" "):
        size = cell_width(word)
        if current is not None and used + 1 + size <= width:
            current += " " + word
            used += 1 + size
            continue
        if current is not None:
            lines.append(current)
        while size > width:
            head, word = _cut(word, width)
            lines.append(head)
            size = cell_width(word)
        current, used = word, size
    if current:
        lines.append(current)
    return lines or [""]


def _fold(text: str, width: int) -> list[str]:
    """A cell as the lines it takes in a column ``width`` cells wide."""
    if "\n" not in text and "\t" not in text and (len(text) <= width and text.isascii()):
        return [text]
    lines: list[str] = []
    for line in text.expandtabs(8).split("\n"):
        lines += _fold_line(line, width)
    return lines


def _single(text: str) -> list[str]:
    """A cell of a column that never folds: its own line breaks only."""
    if "\n" not in text and "\t" not in text:
        return [text]
    return text.expandtabs(8).split("\n")


def styled(text: str, style: str, colour: bool) -> str:
    """``text`` in ``style`` ("bold red", "italic", "yellow") when colour is on; else as it is."""
    if not colour or not style:
        return text
    words = style.split()
    fg = next((w for w in words if w in _COLOURS), None)
    return click.style(
        text, fg=fg, bold="bold" in words, italic="italic" in words, dim="dim" in words
    )


@dataclass
class Table:
    """Columns and rows, with an optional title above and caption below."""

    columns: Sequence[Column]
    title: str = ""
    caption: str = ""
    pad_edge: bool = True
    """Whether the first and last columns have a space on their outer side."""
    rows: list[tuple[list[str], str]] = field(default_factory=list)

    def add_row(self, *cells: str, style: str = "") -> None:
        """Add a row; ``style`` ("bold", "red"...) colours it when colour is on."""
        self.rows.append(([visible(cell) for cell in cells], style))

    def _widths(self, total: int) -> list[int]:
        """Each column's width in cells, for a terminal ``total`` cells wide."""
        natural = [cell_width(c.header) for c in self.columns]
        for cells, _ in self.rows:
            for i, cell in enumerate(cells):
                w = len(cell) if cell.isascii() and "\n" not in cell else _widest_line(cell)
                if w > natural[i]:
                    natural[i] = w
        flexible = [i for i, c in enumerate(self.columns) if c.flex > 0]
        if not flexible:
            return natural
        fixed = sum(natural[i] for i in range(len(natural)) if i not in flexible)
        room = total - self._overhead() - fixed
        widths = list(natural)
        # Share the room among flexible columns by flex, capped at their natural width;
        # what a capped column leaves goes to the others.
        open_ = list(flexible)
        while open_:
            share = sum(self.columns[i].flex for i in open_)
            capped = [i for i in open_ if natural[i] * share <= room * self.columns[i].flex]
            if not capped:
                for i in open_:
                    widths[i] = max(self.columns[i].min_width, room * self.columns[i].flex // share)
                break
            for i in capped:
                widths[i] = natural[i]
                room -= natural[i]
                open_.remove(i)
        return widths

    def _overhead(self) -> int:
        """Cells taken by edges, padding and separators."""
        n = len(self.columns)
        return 2 + 2 * n + (n - 1) - (0 if self.pad_edge else 2)

    def render(self, width: int, colour: bool = False) -> str:
        """The table as text for a terminal ``width`` cells wide."""
        widths = self._widths(width)
        columns = self.columns
        left = "  " if self.pad_edge else " "
        right = " " if self.pad_edge else ""
        inner = sum(widths) + 2 * len(widths) + len(widths) - 1 - (0 if self.pad_edge else 2)
        out: list[str] = []
        if self.title:
            out += [styled(t, "italic", colour) for t in _fold(visible(self.title), width)]
        out.append("")
        header = "   ".join(
            _pad(c.header, w, c.justify) for c, w in zip(columns, widths, strict=True)
        )
        out.append(styled((left + header + right).rstrip(), "bold", colour))
        out.append(" " + RULE * inner)
        flex = [c.flex > 0 for c in columns]
        justify = [c.justify for c in columns]
        simple = not any(flex)
        for cells, style in self.rows:
            if simple and not any("\n" in c or "\t" in c for c in cells):
                line = "   ".join(
                    _pad(cell, w, j) for cell, w, j in zip(cells, widths, justify, strict=True)
                )
                out.append(styled((left + line + right).rstrip(), style, colour))
                continue
            parts = [
                _fold(cell, w) if f else _single(cell)
                for cell, w, f in zip(cells, widths, flex, strict=True)
            ]
            height = max(len(p) for p in parts)
            for k in range(height):
                line = "   ".join(
                    _pad(p[k] if k < len(p) else "", w, j)
                    for p, w, j in zip(parts, widths, justify, strict=True)
                )
                out.append(styled((left + line + right).rstrip(), style, colour))
        out.append("")
        if self.caption:
            out += [styled(t, "dim", colour) for t in _fold(visible(self.caption), width)]
        return "\n".join(out) + "\n"


def _widest_line(text: str) -> int:
    return max(cell_width(line) for line in text.expandtabs(8).split("\n"))


def terminal_width() -> int:
    """The terminal's width in cells: ``COLUMNS`` if set, else the terminal's, else 80."""
    return shutil.get_terminal_size().columns


def print_table(table: Table) -> None:
    """Print ``table`` to stdout, fitted to the terminal, coloured only on a terminal."""
    click.echo(table.render(terminal_width(), want_color("auto")), nl=False)


def print_line(text: str = "", style: str = "", prefix: tuple[str, str] = ("", "")) -> None:
    """Print (possibly user) text through ``visible``, folded to the terminal's width,
    in ``style`` on a terminal; ``prefix`` is a (text, style) put before it."""
    colour = want_color("auto")
    lead, lead_style = prefix
    lines = _fold(lead + visible(text), terminal_width()) if lead or text else [""]
    if lead:
        lines[0] = styled(lead, lead_style, colour) + styled(lines[0][len(lead) :], style, colour)
        lines[1:] = [styled(line, style, colour) for line in lines[1:]]
    else:
        lines = [styled(line, style, colour) for line in lines]
    click.echo("\n".join(lines))

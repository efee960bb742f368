"""The matrix grid: draws only the visible cells, whatever the size of the matrix.

A ``ScrollView`` with ``render_line`` (Textual's Line API): each screen line is
built from the few rows and columns in view, and cached, so a keystroke at
50 x 5,000 cells draws no more than at 4 x 30.  The header lines and the left
label column stay put while the cells scroll under them, both ways.

A cached line is keyed by what it shows: its row's version (bumped when one of
its cells changes), the scroll offset, the width, the cursor when it is on that
row, and a generation bumped by anything that changes every line.  A rating
thus redraws one row of cells; the rest come from the cache.

The grid draws a ``GridView`` and never changes it.  It learns what changed
from two reactives bound to the main screen's (``data_bind``): ``redraw`` (a
``Redraw``: one cell, the labels, the scores, or all) and ``cursor``; their
watchers redraw no more than that.  A click posts ``CellClicked`` for the
screen to move the cursor.

| Key | What it does |
| --- | --- |
| arrows, h j k l | move the cursor (bound on the main screen) |
| mouse click | put the cursor on a cell (``CellClicked``) |
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from achbench.core.data import EvidenceData
from achbench.core.text import one_line
from achbench.core.vocabulary import CODES, DEFAULT_LEVEL, LEVELS, Level
from achbench.scoring.methods import is_pending
from achbench.tui.view import HEADER_TITLE_LINES, GridView, Redraw, wrap_title

CODE_CLASS: dict[str | None, str] = {
    **{code: f"matrix-grid--{code.lower()}" for code in CODES},
    None: "matrix-grid--unrated",
}
"""The component class that colours each code (and an unrated cell)."""
UNRATED = "·"
DISPUTE_MARK = {"mild": "¹", "large": "²", "extreme": "³"}
"""In the consensus view, beside a disputed cell's code: its Open Synthesis category."""
DISPUTE_CLASS = {
    "mild": "matrix-grid--dispute-mild",
    "large": "matrix-grid--dispute-large",
    "extreme": "matrix-grid--dispute-extreme",
}
LEVEL_LETTER: dict[Level, str] = {level: level[0].upper() for level in LEVELS}
"""How the headers show a credibility or relevance level: L, M, H."""
HEADER_HEIGHT = HEADER_TITLE_LINES + 2
"""The id, the title's lines, then credibility and relevance (or, transposed, the score)."""
CONFLICT_MARK = "‡"
"""Beside a cell's code, an item's id or a row's label: a recorded merge conflict."""
NOTE_MARK = "'"
"""After a cell's code: the analyst wrote a note on why (``n`` edits it)."""
UNRATED_MARK = "?"
"""After a hypothesis' score: some evidence items are unrated for it."""
PENDING_MARK = "…"
"""Before a pending item's id (its header, or its row transposed): not observed yet,
rated for what each hypothesis predicts, counted in no score; its cells are dimmed."""


def levels_text(item: EvidenceData, width: int) -> str:
    """Credibility and relevance, labelled: ``cred H rel M``, or ``cH rM`` if narrow;
    a pending item says so instead (``pending``, or ``pend`` if narrow)."""
    if is_pending(item):
        return "pending" if width >= 7 else "pend"
    credibility = LEVEL_LETTER[item.get("credibility", DEFAULT_LEVEL)]
    relevance = LEVEL_LETTER[item.get("relevance", DEFAULT_LEVEL)]
    if width >= 12:
        return f"cred {credibility} rel {relevance}"
    return f"c{credibility} r{relevance}"


def _fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells with an ellipsis, or pad it."""
    if width <= 0:
        return ""
    text = " ".join(text.split())
    if len(text) > width:
        return text[: width - 1] + "…"
    return text.ljust(width)


def _pad(text: str, width: int) -> str:
    """Cut or pad ``text`` to exactly ``width`` cells, keeping its spacing."""
    return text[:width].ljust(width)


def score_text(method: str, score: float) -> str:
    """A score as the grid and ranking show it: percent for bayes, else a short number."""
    if method == "bayes":
        return f"{score:.0%}"
    if abs(score - round(score)) < 1e-9:
        return f"{round(score)}"
    return f"{score:.1f}" if abs(score) < 100 else f"{score:.0f}"


class MatrixGrid(ScrollView, can_focus=True, inherit_bindings=False):
    """The hypotheses x evidence grid of codes, drawn lazily from a ``GridView``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *CODE_CLASS.values(),
        *DISPUTE_CLASS.values(),
        "matrix-grid--flat",
        "matrix-grid--flagged",
        "matrix-grid--cursor",
        "matrix-grid--header",
        "matrix-grid--header-cursor",
        "matrix-grid--label",
        "matrix-grid--label-cursor",
        "matrix-grid--corner",
        "matrix-grid--conflict",
        "matrix-grid--pending",
    }

    DEFAULT_CSS = """
    MatrixGrid {
        background: $surface;
        & > .matrix-grid--cc { color: $text; background: $success-darken-1; text-style: bold; }
        & > .matrix-grid--c { color: $success-lighten-1; }
        & > .matrix-grid--n { color: $foreground-muted; }
        & > .matrix-grid--i { color: $error-lighten-1; }
        & > .matrix-grid--ii { color: $text; background: $error-darken-1; text-style: bold; }
        & > .matrix-grid--na { color: $foreground-disabled; text-style: italic; }
        & > .matrix-grid--unrated { color: $foreground-disabled; }
        & > .matrix-grid--cursor { background: $accent; text-style: bold reverse; }
        & > .matrix-grid--header { color: $text-muted; background: $panel; }
        & > .matrix-grid--header-cursor { color: $text; background: $accent-darken-1; }
        & > .matrix-grid--label { color: $text; }
        & > .matrix-grid--label-cursor { background: $accent-darken-2; color: $text; }
        & > .matrix-grid--corner { color: $text-muted; background: $panel; text-style: bold; }
        & > .matrix-grid--flat { color: $foreground-disabled; text-style: italic; }
        & > .matrix-grid--flagged { color: $error; text-style: bold; }
        & > .matrix-grid--dispute-mild { color: $warning; text-style: bold; }
        & > .matrix-grid--dispute-large { color: $warning-darken-2; text-style: bold; }
        & > .matrix-grid--dispute-extreme { color: $error; text-style: bold; }
        & > .matrix-grid--conflict { background: $warning-darken-2; text-style: bold; }
        & > .matrix-grid--pending { text-style: dim italic; }
    }
    """

    class CellClicked(Message):
        """A cell was clicked: the screen puts the cursor on it."""

        def __init__(self, grid: MatrixGrid, row: int, column: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            """The row clicked, in the visible grid."""
            self.column = column
            """The column clicked, in the visible grid."""

        @property
        def control(self) -> MatrixGrid:
            return self.grid

    redraw: var[Redraw] = var(Redraw("title"), always_update=True)
    """What changed in the matrix or the view (bound to the main screen's)."""
    cursor: var[tuple[int, int]] = var((0, 0))
    """(row, column) of the cursor (bound to the main screen's)."""

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.set_reactive(MatrixGrid.cursor, view.cursor)
        self._generation = 0
        self._score_generation = 0
        self._header_generation = 0
        self._row_versions: dict[str, int] = {}
        self._line_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._label_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._styles: dict[str, Style] = {}
        self._base = Style()
        self._column_width = 5
        self.lines_rendered = 0
        """Lines built (not taken from the cache): for tests and benchmarks."""

    # -- geometry -----------------------------------------------------------------------

    @property
    def column_width(self) -> int:
        """The view's column width (``<`` and ``>`` change it), the gap included."""
        return self._column_width

    def _measure_columns(self) -> None:
        self._column_width = self.view.column_width

    @property
    def label_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width
        if self.view.transposed:
            return max(24, min(60, int(width * 0.4)))
        return max(26, min(48, int(width * 0.3)))

    def _update_virtual_size(self) -> None:
        self._measure_columns()
        cols = len(self.view.cols)
        rows = len(self.view.rows)
        self.virtual_size = Size(self.label_width + cols * self.column_width, HEADER_HEIGHT + rows)

    def on_resize(self, event: events.Resize) -> None:
        self.reset()

    def on_mount(self) -> None:
        self._update_virtual_size()

    # -- what changed ------------------------------------------------------------------

    def watch_redraw(self, redraw: Redraw) -> None:
        if redraw.scope == "cell" and redraw.hypothesis and redraw.evidence:
            self.cell_changed(redraw.hypothesis, redraw.evidence, redraw.rescored)
            if redraw.headers:
                self.headers_changed()
        elif redraw.scope == "labels":
            self.labels_changed()
        elif redraw.scope == "scores":
            self.scores_changed()
            self.headers_changed()
        elif redraw.scope == "all":
            self.reset()

    def reset(self) -> None:
        """Everything may have changed (orientation, order, filter, items): redraw all."""
        self._generation += 1
        self._line_cache.clear()
        self._label_cache.clear()
        self._update_virtual_size()
        self.scroll_cursor_visible()
        self.refresh()

    def cell_changed(self, hypothesis_id: str, evidence_id: str, rescored: frozenset[str]) -> None:
        """One rating changed: redraw its row and the rows whose rank or score changed."""
        view = self.view
        key = evidence_id if view.transposed else hypothesis_id
        self._row_versions[key] = self._row_versions.get(key, 0) + 1
        rows = view.evidence_ids if view.transposed else view.hypothesis_ids
        self._refresh_rows(rows.index(key) if key in rows else -1)
        if view.transposed:  # the headers show each hypothesis' score and rated mark
            self._score_generation += 1
            self.refresh(Region(0, 0, self.size.width, HEADER_HEIGHT))
        elif rescored:
            positions = {h: i for i, h in enumerate(view.hypothesis_ids)}
            self._refresh_rows(*(positions[h] for h in rescored if h in positions))

    def headers_changed(self) -> None:
        """Something the column headers show changed (an item became non-diagnostic)."""
        self._header_generation += 1
        self.refresh(Region(0, 0, self.size.width, HEADER_HEIGHT))

    def scores_changed(self) -> None:
        self._score_generation += 1
        self.refresh()

    def _refresh_rows(self, *rows: int) -> None:
        """Redraw the screen lines of these rows, where they are in view."""
        top = int(self.scroll_y)
        height = self.size.height
        for row in rows:
            y = HEADER_HEIGHT + row - top
            if row >= 0 and HEADER_HEIGHT <= y < height:
                self.refresh(Region(0, y, self.size.width, 1))

    def labels_changed(self) -> None:
        """Titles or weights of items changed (not their number or order)."""
        self._generation += 1
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        if hasattr(self, "_line_cache"):
            self._generation += 1

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    # -- cursor -----------------------------------------------------------------------------

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        """Redraw the rows the cursor left and entered and the headers, or all if scrolled."""
        if not self.size.area:  # not laid out yet: the first paint draws it
            return
        if self.scroll_cursor_visible():
            self.refresh()
            return
        self.refresh(Region(0, 0, self.size.width, HEADER_HEIGHT))
        self._refresh_rows(old[0], new[0])

    def scroll_cursor_visible(self) -> bool:
        """Scroll as little as needed to bring the cursor's cell into view; True if it did."""
        row, col = self.view.cursor
        region = self.scrollable_content_region
        cells_width = max(1, region.width - self.label_width)
        rows_height = max(1, region.height - HEADER_HEIGHT)
        x = int(self.scroll_x)
        y = int(self.scroll_y)
        left = col * self.column_width
        if left < x:
            x = left
        elif left + self.column_width > x + cells_width:
            x = left + self.column_width - cells_width
        if row < y:
            y = row
        elif row >= y + rows_height:
            y = row - rows_height + 1
        if (x, y) != (int(self.scroll_x), int(self.scroll_y)):
            self.scroll_to(x, y, animate=False, force=True)
            return True
        return False

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < HEADER_HEIGHT or offset.x < self.label_width:
            return
        row = offset.y - HEADER_HEIGHT + int(self.scroll_y)
        col = (offset.x - self.label_width + int(self.scroll_x)) // self.column_width
        if row < len(self.view.rows) and col < len(self.view.cols):
            self.post_message(self.CellClicked(self, row, col))

    # -- drawing -----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style  # computed once per paint, not once per cell
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        label_width = min(self.label_width, width)
        scroll_x = int(self.scroll_x)
        cursor_row, cursor_col = self.view.cursor
        if y < HEADER_HEIGHT:
            corner = self._corner(y, label_width)
            key: tuple[object, ...] = (
                "h",
                y,
                scroll_x,
                width,
                cursor_col,
                self._generation,
                self._header_generation,
                self._score_generation if self.view.transposed else 0,
            )
            cells = self._line_cache.get(key)
            if cells is None:
                cells = self._header_cells(y, scroll_x, width - label_width, cursor_col)
                self._line_cache[key] = cells
            return Strip.join([corner, cells])
        row = y - HEADER_HEIGHT + int(self.scroll_y)
        rows = self.view.rows
        if row >= len(rows):
            return Strip.blank(width, self._base)
        row_id = rows[row]
        on_row = row == cursor_row
        shown = None if self.view.transposed else self.view.scores.get(row_id)
        view = self.view
        mark = view.is_flat(row_id) if view.transposed else row_id in view.flagged()
        label_key = (
            row_id,
            on_row,
            label_width,
            self._generation,
            self.view.method,
            (shown.rank, shown.score) if shown else None,
            mark,
            None if view.transposed else view.rated(row_id),
        )
        label = self._label_cache.get(label_key)
        if label is None:
            label = self._row_label(row_id, on_row, label_width, mark)
            self._label_cache[label_key] = label
        key = (
            "r",
            row,
            row_id,
            scroll_x,
            width,
            cursor_col if on_row else -1,
            self._generation,
            self._row_versions.get(row_id, 0),
        )
        cells = self._line_cache.get(key)
        if cells is None:
            cells = self._row_cells(
                row, scroll_x, width - label_width, cursor_col if on_row else -1
            )
            self._line_cache[key] = cells
        return Strip.join([label, cells])

    def _visible_columns(self, scroll_x: int, width: int) -> tuple[range, int]:
        cw = self.column_width
        first = scroll_x // cw
        last = min(len(self.view.cols), (scroll_x + width) // cw + 1)
        return range(first, last), scroll_x - first * cw

    def _crop(self, segments: list[Segment], offset: int, width: int, style: Style) -> Strip:
        strip = Strip(segments).crop(offset, offset + width)
        return strip.extend_cell_length(width, style)

    def _row_cells(self, row: int, scroll_x: int, width: int, cursor_col: int) -> Strip:
        self.lines_rendered += 1
        view = self.view
        session = view.session
        cw = self.column_width
        columns, offset = self._visible_columns(scroll_x, width)
        segments = []
        cursor = self._style("matrix-grid--cursor")
        consensus = view.consensus
        underline = Style(underline=True)
        notes = None if consensus else session.data.get("rationale", {}).get(session.analyst)
        for col in columns:
            hypothesis_id, evidence_id = view.cell(row, col)
            category = ""
            if consensus:
                code, category = view.consensus_code(evidence_id, hypothesis_id)
            else:
                code = session.code(evidence_id, hypothesis_id)
            style = self._style(CODE_CLASS[code])
            if is_pending(session.evidence[evidence_id]):
                style += self._style("matrix-grid--pending")
            mark = DISPUTE_MARK.get(category)
            if view.conflicted_cells and (hypothesis_id, evidence_id) in view.conflicted_cells:
                style = self._style("matrix-grid--conflict")
                text = f"{code or UNRATED}{CONFLICT_MARK}".center(cw - 1)
                segments.append(Segment(text, style + cursor if col == cursor_col else style))
            elif mark and code:
                # " CC¹": the code underlined, its dispute category as a footnote mark
                marked = self._style(DISPUTE_CLASS[category])
                if col == cursor_col:
                    style, marked = style + cursor, marked + cursor
                text = code.center(cw - 1)
                left = len(text) - len(text.lstrip())
                segments.append(Segment(" " * left, style))
                segments.append(Segment(code, style + underline))
                segments.append(Segment(mark, marked))
                segments.append(Segment(" " * max(0, cw - 2 - left - len(code)), style))
            else:
                shown = code or UNRATED
                if notes and hypothesis_id in notes.get(evidence_id, ()):
                    shown += NOTE_MARK
                text = shown.center(cw - 1)
                segments.append(Segment(text, style + cursor if col == cursor_col else style))
            segments.append(Segment(" ", self._base))
        return self._crop(segments, offset, width, self._base)

    def _header_cells(self, line: int, scroll_x: int, width: int, cursor_col: int) -> Strip:
        view = self.view
        session = view.session
        cw = self.column_width
        columns, offset = self._visible_columns(scroll_x, width)
        header = self._style("matrix-grid--header")
        current = self._style("matrix-grid--header-cursor")
        flat = header + self._style("matrix-grid--flat")
        italic = Style(italic=True)
        last = HEADER_HEIGHT - 1
        segments = []
        for col in columns:
            item_id = view.cols[col]
            dim = False
            align = "left"
            if view.transposed:
                hypothesis = session.hypotheses[item_id]
                title = one_line(hypothesis["title"])
                if line == last:
                    score = view.scores.get(item_id)
                    mark = UNRATED_MARK if view.rated_note(item_id) else ""
                    shown = f"#{score.rank} {score_text(view.method, score.score)}" if score else ""
                    text = shown + mark
            else:
                item = session.evidence[item_id]
                title = one_line(item["title"])
                dim = view.is_flat(item_id)
                if line == last:
                    text = levels_text(item, cw - 1)
            pending = not view.transposed and is_pending(session.evidence[item_id])
            dim = dim or pending
            if line == 0:
                text, align = PENDING_MARK + item_id if pending else item_id, "center"
                if item_id in view.conflicted_items:
                    text += CONFLICT_MARK
                    dim = False
            elif line < last:
                lines = wrap_title(title, cw - 1)
                text = lines[line - 1] if line - 1 < len(lines) else ""
            if col == cursor_col:
                style = current + italic if dim else current
            else:
                style = flat if dim else header
            fitted = _fit(text, cw - 1)
            if align == "center":
                fitted = fitted.strip().center(cw - 1)
            segments.append(Segment(fitted, style))
            segments.append(Segment(" ", header))
        return self._crop(segments, offset, width, header)

    def _corner(self, line: int, width: int) -> Strip:
        view = self.view
        if line == 0:
            text = f"{view.method} · consensus" if view.consensus else f"method: {view.method}"
        elif line == 1:
            shown = len(view.evidence_ids)
            total = len(view.session.evidence)
            text = f"{shown} of {total} items" if shown != total else f"{total} items"
            if view.session.live.pending:
                text += f", {view.session.live.pending} pending"
            if view.hide_flat:
                text = f"{shown} of {total}, non-diag. hidden"
            if view.sorted:
                text += ", by diagnosticity"
        elif line == 2:
            text = f"filter {view.filter!r} (Esc clears)" if view.filter else ""
        elif line == 3:
            text = "hypotheses by rank (o)" if view.rank_rows else ""
        elif view.transposed:
            text = _pad("evidence", width - 6) + "c r   "
        else:
            text = _pad("rk hypothesis", width - 7) + "score  "
        return Strip([Segment(_fit(text, width), self._style("matrix-grid--corner"))], width)

    def _id_width(self) -> int:
        return min(8, max((len(h) for h in self.view.hypothesis_ids), default=2))

    def _row_label(self, row_id: str, on_row: bool, width: int, mark: bool = False) -> Strip:
        """A row's label, with ``‡`` first if a recorded conflict is about its item."""
        label = self._unmarked_label(row_id, on_row, width, mark)
        if row_id not in self.view.conflicted_items:
            return label
        return Strip(
            [
                Segment(CONFLICT_MARK, self._style("matrix-grid--conflict")),
                *label.crop(0, width - 1),
            ],
            width,
        )

    def _unmarked_label(self, row_id: str, on_row: bool, width: int, mark: bool = False) -> Strip:
        """A row's label; ``mark``: a non-diagnostic item (dimmed), or a hypothesis
        that leads although a milestone tells against it (``!`` before its rank)."""
        view = self.view
        style = self._style("matrix-grid--label-cursor" if on_row else "matrix-grid--label")
        if view.transposed:
            item = view.session.evidence[row_id]
            levels = levels_text(item, 5)
            title = _fit(one_line(item["title"]), max(1, width - 6 - 7))
            if is_pending(item):
                mark = True
                row_id = PENDING_MARK + row_id
            text = f"{row_id:<5.5} {title} {levels} "
            if mark:
                style += self._style("matrix-grid--flat")
        else:
            score = view.scores.get(row_id)
            rank = f"{score.rank:>2}" if score else " -"
            value = score_text(view.method, score.score) if score else ""
            id_width = self._id_width()
            title_width = max(1, width - 2 - id_width - 2 - 7)
            title = _fit(one_line(view.session.hypotheses[row_id]["title"]), title_width)
            unrated = UNRATED_MARK if view.rated_note(row_id) else " "
            text = f"{rank} {row_id:<{id_width}.{id_width}} {title}{value:>5}{unrated} "
            if mark:
                flag = self._style("matrix-grid--flagged")
                return Strip(
                    [Segment("!", style + flag), Segment(_pad(text[1:], width - 1), style)], width
                )
        return Strip([Segment(_pad(text, width), style)], width)

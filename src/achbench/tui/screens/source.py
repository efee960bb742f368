"""The source screen: the document an evidence item cites, at its quote.

``v`` on the main screen (``AchbenchApp.action_view_source``) opens the
document the item under the cursor ``cites``, scrolled to its ``quote``, which
is highlighted; the quote is found by the rule ``achbench check --sources``
verifies quotes by (``analysis.quotes.locate_quote``), so the screen highlights
a quote exactly when ``check`` finds it.  Selecting a passage (Shift and the
arrows, or the mouse) and pressing ``E`` opens the evidence form for a new item
whose ``cites``, ``quote`` and ``locator`` are the passage's, title focused;
the item is added after the one the screen was opened from, undoably, like any
other (``Session.add_evidence``).

=========  ==============================================================
key        what it does
=========  ==============================================================
arrows     move the cursor (PgUp, PgDn, Home, End too)
ctrl+Home  the start of the document; ctrl+End its end
shift+...  select a passage; the mouse selects too
E          new evidence item from the selected passage
g          back to the item's quote
Esc, q, v  close
=========  ==============================================================

The text is a read-only ``TextArea`` given a window of the document
(``editing.passages``: about 40,000 characters around the cursor), which it
loads in milliseconds whatever the document's size; the window moves when the
cursor or the scroll nears its edge, so the whole document can be read.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Label, Static, TextArea

from achbench.core.data import EvidenceData
from achbench.core.text import one_line
from achbench.core.vocabulary import DEFAULT_LEVEL
from achbench.editing import fields as rules
from achbench.editing.document import example_path
from achbench.editing.operations import place_after
from achbench.editing.passages import Location, SourceDocument, SourceUnavailable, open_cited
from achbench.tui.messages import Changed
from achbench.tui.view import GridView

EDGE_ROWS = 40
"""The window moves when the cursor comes this many rows (at most a quarter of
the window) from an edge of it that is not the document's."""

QUOTE_SHOWN = 60
"""Characters of the quote the new item's form shows in its title."""
KEYS_LINE = "Shift+arrows or mouse: select · E new evidence from it · g the quote · Esc close"


def open_source_of_cursor(app: App[Any], view: GridView) -> None:
    """Open the source of the evidence item under the view's cursor, or say why not."""
    _, evidence = view.current()
    if evidence is None:
        app.notify("Put the cursor on an evidence item to read its source.")
        return
    session = view.session
    folder = (session.path or example_path()).parent
    try:
        document = open_cited(session.data, evidence, folder)
    except SourceUnavailable as exc:
        app.notify(str(exc), severity="warning")
        return
    app.push_screen(SourceScreen(view, document, evidence))


class SourceText(TextArea):
    """The shown window of the document, read-only, the item's quote highlighted.

    Rows are numbered as in the whole document (``line_number_start``);
    ``first`` is the document row the window's first row is.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {*TextArea.COMPONENT_CLASSES, "source-text--quote"}
    DEFAULT_CSS = """
    SourceText {
        height: 1fr;
        overflow-y: scroll;  /* a scroll bar that comes and goes would wrap it all again */
        border: none;
        padding: 0;
    }
    SourceText:focus {
        border: none;
    }
    SourceText > .source-text--quote {
        background: $warning 45%;
        text-style: bold;
    }
    """

    def __init__(self, text: str, first: int, quote: tuple[Location, Location] | None) -> None:
        super().__init__(
            text,
            line_number_start=first + 1,
            read_only=True,
            soft_wrap=True,
            show_line_numbers=True,
            highlight_cursor_line=False,  # it would paint over the quote
            id="source-text",
        )
        self.quote = quote
        """Where the item's quote is, in document rows and columns (None: not found)."""
        self.first = first

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if self.quote is None:
            return line
        (top, left), (bottom, right) = self.quote
        row = self.first + line_index
        if top <= row <= bottom:
            start = left if row == top else 0
            end = right if row == bottom else len(line)
            line.stylize(self.get_component_rich_style("source-text--quote"), start, end)
        return line


MOVES = {
    "up": "cursor_up",
    "down": "cursor_down",
    "left": "cursor_left",
    "right": "cursor_right",
    "home": "cursor_line_start",
    "end": "cursor_line_end",
}
"""Keys that move the cursor (with Shift: extend the selection), to the text area's action."""


def _move(key: str, action: str, select: bool) -> Binding:
    """A cursor key of the text area, taken as a priority binding of the screen, so
    that Shift+arrows then ``E`` typed fast select before ``E`` reads the selection."""
    return Binding(
        f"shift+{key}" if select else key,
        f"move('{action}', {select})",
        f"{'Select' if select else 'Move'} {key}",
        id=f"source_{'select' if select else 'move'}_{key}",
        tooltip=f"{'Extend the selection' if select else 'Move the cursor'} {key}",
        show=False,
        priority=True,
    )


class SourceScreen(Screen[None]):
    """One source document, opened from evidence item ``evidence`` and scrolled to its quote.

    Its keys, the text area's cursor keys included, are priority bindings, run
    as the app reads them, as the main screen's are: keys typed faster than the
    screen redraws keep their order (Shift+arrows then ``E`` quotes what they
    selected; ``Escape`` then ``v`` closes and opens again).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(_move(key, action, select) for key, action in MOVES.items() for select in (False, True)),
        Binding(
            "escape,q,v",
            "close",
            "Close",
            id="source_close",
            tooltip="Close the source and go back to the matrix",
            priority=True,
        ),
        Binding(
            "E",
            "add_evidence",
            "New evidence",
            id="source_add_evidence",
            tooltip="New evidence item from the selected passage: cites, quote and locator filled",
            priority=True,
        ),
        Binding(
            "ctrl+home",
            "edge(-1)",
            "Start",
            id="source_start",
            tooltip="Go to the start of the document",
            priority=True,
        ),
        Binding(
            "ctrl+end",
            "edge(1)",
            "End",
            id="source_end",
            tooltip="Go to the end of the document",
            priority=True,
        ),
        Binding(
            "g",
            "to_quote",
            "To quote",
            id="source_to_quote",
            tooltip="Back to the quote of the item the source was opened from",
            priority=True,
        ),
    ]
    DEFAULT_CSS = """
    SourceScreen #source-title {
        text-style: bold;
        background: $panel;
        width: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    SourceScreen #source-status, SourceScreen #source-keys {
        color: $text-muted;
        width: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, view: GridView, document: SourceDocument, evidence: str) -> None:
        super().__init__(id="source")
        self.view = view
        self.document = document
        self.evidence = evidence
        self.after = evidence
        """The item a new one goes after: the one opened from, then the last added."""
        item = view.session.evidence[evidence]
        quote = item.get("quote")
        self.quote = document.find(quote, item.get("locator")) if quote else None
        self.status = self._status(quote)
        self.window = document.window(self.quote[0][0] if self.quote is not None else 0)

    def _status(self, quote: str | None) -> str:
        item = one_line(self.evidence)
        if not quote:
            return f"{item} gives no quote of this source."
        if self.quote is None:
            return f"{item}'s quote is not in this document (achbench check --sources lists it)."
        found = self.document.passage(*self.quote)
        where = found[1] if found is not None else "white space"
        return f"{item}'s quote, highlighted: {where}."

    def compose(self) -> ComposeResult:
        source = self.document.source
        title = f"{self.document.source_id} · {source['title']} · {self.document.path.name}"
        yield Label(one_line(title), id="source-title")
        yield Static(self.status, id="source-status")
        first, last = self.window
        yield SourceText(self.document.shown(first, last), first, self.quote)
        yield Static(KEYS_LINE, id="source-keys")

    @property
    def text(self) -> SourceText:
        return self.query_one(SourceText)

    def on_mount(self) -> None:
        text = self.text
        start = self.quote[0] if self.quote is not None else (0, 0)
        text.selection = text.selection.cursor(self._shown(start))
        self.set_focus(text, scroll_visible=False)
        self.call_after_refresh(text.scroll_cursor_visible, center=True)

    # -- the window ------------------------------------------------------------------

    def _load(self, around: int) -> None:
        """Give the text area the window of rows around document row ``around``."""
        first, last = self.document.window(around)
        if (first, last) == self.window:
            return
        text = self.text
        self.window = first, last
        text.first = first
        # Set without its watcher, which would wrap the whole window once more.
        text.set_reactive(TextArea.line_number_start, first + 1)
        text.load_text(self.document.shown(first, last))

    def _shown(self, location: Location) -> Location:
        """A document location as a location in the window (clamped to it)."""
        first, last = self.window
        row = max(first, min(location[0], last - 1))
        return row - first, location[1] if row == location[0] else 0

    def _in_document(self, location: Location) -> Location:
        return self.window[0] + location[0], location[1]

    def _near_edge(self, row: int) -> bool:
        first, last = self.window
        margin = min(EDGE_ROWS, (last - first) // 4)
        return (first > 0 and row - first < margin) or (
            last < self.document.rows and last - row <= margin
        )

    def _move_window(self, around: int) -> None:
        """Show another window, keeping the selection and the cursor where they were."""
        text = self.text
        start, end = (self._in_document(at) for at in text.selection)
        self._load(around)
        text.selection = type(text.selection)(self._shown(start), self._shown(end))
        text.scroll_cursor_visible(center=True)

    @on(TextArea.SelectionChanged)
    def _cursor_moved(self) -> None:
        # The cursor as it is now: the event's selection may be of a window since replaced.
        row = self.window[0] + self.text.selection.end[0]
        if self._near_edge(row):
            self._move_window(row)

    def on_mouse_scroll_down(self) -> None:
        self.call_after_refresh(self._scrolled)

    def on_mouse_scroll_up(self) -> None:
        self.call_after_refresh(self._scrolled)

    def _scrolled(self) -> None:
        """The wheel brought an edge of the window into view: move the cursor there,
        which moves the window if it is not the document's edge."""
        text = self.text
        if text.scroll_y >= text.max_scroll_y and self.window[1] < self.document.rows:
            text.move_cursor((text.document.line_count - 1, 0))
        elif text.scroll_y <= 0 and self.window[0] > 0:
            text.move_cursor((0, 0))

    # -- keys ------------------------------------------------------------------------

    def action_move(self, action: str, select: bool) -> None:
        getattr(self.text, f"action_{action}")(select=select)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edge(self, direction: int) -> None:
        """The start or the end of the document (of all of it, not the window)."""
        row = 0 if direction < 0 else self.document.rows - 1
        self._go_to((row, 0 if direction < 0 else len(self.document.row_text(row))))

    def _go_to(self, location: Location) -> None:
        """Put the cursor at a document location, the window moved there if need be."""
        text = self.text
        self._load(location[0])
        text.selection = text.selection.cursor(self._shown(location))
        text.scroll_cursor_visible(center=True)

    def action_to_quote(self) -> None:
        if self.quote is None:
            self.notify(self.status)
            return
        self._go_to(self.quote[0])

    async def action_add_evidence(self) -> None:
        """Open the evidence form for a new item quoting the selected passage."""
        from achbench.tui.screens import forms

        start, end = (self._in_document(at) for at in self.text.selection)
        found = self.document.passage(start, end)
        if found is None:
            self.notify("Select a passage first: Shift and the arrows, or drag the mouse.")
            return
        quote, locator = found
        session = self.view.session
        source_id = self.document.source_id
        cited = {"cites": source_id, "quote": quote, "locator": locator}
        values = {
            "id": rules.next_id("E", session.evidence),
            "source": self.document.source["title"],
            "credibility": DEFAULT_LEVEL,
            "relevance": DEFAULT_LEVEL,
            **cited,
        }
        in_form = {field.name for field in forms.EVIDENCE_FORM}
        extra = {name: value for name, value in cited.items() if name not in in_form}

        def check(typed: dict[str, str]) -> tuple[str, EvidenceData]:
            return rules.evidence_from_form(typed, list(session.evidence))

        def add(result: tuple[str, EvidenceData]) -> None:
            new_id, fields = result
            index = place_after(list(session.evidence), self.after)
            item = cast(EvidenceData, {**fields, **extra})
            self.post_message(Changed(self.view.apply(session.add_evidence(new_id, item, index))))
            self.after = new_id
            self.notify(f"Added {new_id}: {locator} of {source_id} (u undoes it in the matrix).")

        excerpt = quote if len(quote) <= QUOTE_SHOWN else quote[: QUOTE_SHOWN - 1] + "…"
        title = f"New evidence from {one_line(source_id)}, {locator}: “{one_line(excerpt)}”"
        await forms.open_form(
            self.app, forms.ItemForm(title, forms.EVIDENCE_FORM, values, check, add)
        )

"""The detail pane: the cell under the cursor in full.

The evidence item with every field of the spec, the hypothesis with its
description, the current analyst's code, and what other analysts said.

The pane has a fixed size and scrolls its own text (``scroll_text``, the ``[``
and ``]`` keys, the mouse wheel) rather than growing: a pane that changed its
height would make Textual lay out the whole screen again on every cursor move.

It draws again when the main screen's ``redraw`` or ``cursor`` (bound to the
pane's own reactives of those names) changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from achbench.core.text import one_line, visible
from achbench.core.vocabulary import CODE_MEANING, CODES, DEFAULT_LEVEL
from achbench.scoring.admiralty import admiralty_facts, credibility_of
from achbench.tui.view import GridView, Redraw

CODE_STYLE: dict[str, str] = dict(
    zip(CODES, ("bold green", "green", "", "red", "bold red", "dim"), strict=True)
)
"""How each code is drawn, in scale order: consistent green, inconsistent red, NA dim."""

DISPUTE_STYLE = {"mild": "bold yellow", "large": "bold dark_orange", "extreme": "bold red"}


class DetailPane(Widget):
    """Everything about the cell under the cursor."""

    DEFAULT_CSS = """
    DetailPane {
        height: 1fr;
        padding: 0 1;
    }
    """

    redraw: var[Redraw] = var(Redraw("title"), always_update=True)
    """What changed in the matrix or the view (bound to the main screen's)."""
    cursor: var[tuple[int, int]] = var((0, 0))
    """(row, column) of the cursor (bound to the main screen's)."""

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.offset_lines = 0
        self._shown_for: tuple[str | None, str | None] = (None, None)
        self._generation = 0
        self._key: tuple[object, ...] = ()
        self._cache: list[Strip] = []
        self._used = 0
        self._blank = Strip.blank(1)

    def scroll_text(self, lines: int) -> None:
        """Scroll the pane's text by ``lines`` (negative: up)."""
        self.offset_lines = max(0, self.offset_lines + lines)
        self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_text(2)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_text(-2)

    def watch_redraw(self, redraw: Redraw) -> None:
        if redraw.scope != "title":
            self.refresh_text()

    def watch_cursor(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        """The cell, its ratings or its items changed: draw the text again.

        Only the lines that held text before or hold it now are redrawn.
        """
        before = self._used
        self._generation += 1
        if not self.size.area:
            self.refresh()
            return
        self._strips()
        lines = max(before, self._used)
        self.refresh(Region(0, 0, self.size.width, lines))

    def _strips(self) -> list[Strip]:
        """The visible lines, built once per cell, size and scroll position."""
        width = max(1, self.content_region.width)
        height = max(1, self.content_region.height)
        if self.view.current() != self._shown_for:
            self._shown_for = self.view.current()
            self.offset_lines = 0
        key = (self._shown_for, width, height, self.offset_lines, self._generation)
        if key == self._key:
            return self._cache
        console = self.app.console
        lines = self.full_text().wrap(console, width)
        self.offset_lines = min(self.offset_lines, max(0, len(lines) - height))
        shown = list(lines[self.offset_lines : self.offset_lines + height])
        more = len(lines) - self.offset_lines - height
        if more > 0:
            shown[-1] = Text(f"… {more} more lines: ] scrolls down, [ up", style="dim italic")
        if self.offset_lines:
            shown[0] = Text(f"… {self.offset_lines} lines above: [ scrolls up", style="dim italic")
        base = self.rich_style
        self._cache = [
            Strip(list(line.render(console, end="")))
            .apply_style(base)
            .adjust_cell_length(width, base)
            for line in shown
        ]
        self._key = (self._shown_for, width, height, self.offset_lines, self._generation)
        self._used = len(self._cache)
        self._blank = Strip.blank(width, base)
        return self._cache

    def render_line(self, y: int) -> Strip:
        strips = self._strips()
        if y < len(strips):
            return strips[y]
        return self._blank

    def full_text(self) -> Text:
        """Everything about the cell under the cursor, unwrapped."""
        view = self.view
        session = view.session
        hypothesis_id, evidence_id = view.current()
        text = Text()
        self._conflicts_text(text)
        if evidence_id is None:
            text.append("No evidence", style="bold")
            if view.filter:
                text.append(f" matches the filter {view.filter!r}")
            text.append(".\nPress E to add an evidence item.", style="dim")
        else:
            item = session.evidence[evidence_id]
            text.append(f"{evidence_id}  ", style="bold cyan")
            text.append(one_line(item["title"]), style="bold")
            sources = session.data.get("sources", {})
            facts = [
                f"credibility {credibility_of(item, sources)}",
                f"relevance {item.get('relevance', DEFAULT_LEVEL)}",
            ]
            facts += admiralty_facts(item, sources)
            if "kind" in item:
                facts.insert(0, str(item["kind"]))
            if "date" in item:
                facts.insert(1 if "kind" in item else 0, str(item["date"]))
            text.append("\n" + " · ".join(facts), style="dim")
            if "source" in item:
                text.append("\nsource: ", style="dim")
                text.append(visible(str(item["source"])))
            if "notes" in item:
                text.append("\nnotes: ", style="dim")
                text.append(visible(str(item["notes"]).strip()))
        text.append("\n\n")
        if hypothesis_id is None:
            text.append("No hypotheses yet. Press Y to add one.", style="bold")
            return text
        hypothesis = session.hypotheses[hypothesis_id]
        text.append(f"{hypothesis_id}  ", style="bold cyan")
        text.append(one_line(hypothesis["title"]), style="bold")
        if "prior" in hypothesis:
            text.append(f"  prior {hypothesis['prior']}", style="dim")
        if "description" in hypothesis:
            text.append("\n" + visible(str(hypothesis["description"]).strip()))
        if evidence_id is None:
            return text
        code = session.code(evidence_id, hypothesis_id)
        text.append(f"\n\n{session.analyst}: ", style="dim")
        if code:
            text.append(f"{code} ({CODE_MEANING[code]})", style=CODE_STYLE[code])
        else:
            text.append("not rated", style="dim italic")
        others = session.others(evidence_id, hypothesis_id)
        if others:
            text.append("   others: ", style="dim")
            text.append(", ".join(f"{name} {c}" for name, c in others))
        note = session.note(evidence_id, hypothesis_id)
        if note:
            text.append(f"\nwhy ({session.analyst}, n edits): ", style="dim")
            text.append(note)
        if view.consensus:
            self._consensus_text(text, evidence_id, hypothesis_id)
        figure = session.live.diagnosticity(view.method, evidence_id)
        text.append(f"\ndiagnosticity of {evidence_id} ({view.method}): {figure:.2f}", style="dim")
        if view.is_flat(evidence_id):
            text.append("\nnon-diagnostic: ", style="bold")
            text.append("rated the same for every hypothesis", style="dim")
        from achbench.analysis.diagnosticity import item_caveats

        found = item_caveats(session.data, evidence_id, view.method, session.live.analysts)
        for line in found.describe():
            text.append("\nonly looks diagnostic? ", style="bold yellow")
            text.append(line, style="dim")
        return text

    def _conflicts_text(self, text: Text) -> None:
        """The recorded merge conflicts about this cell, its items or the matrix, first."""
        here = self.view.conflicts_here()
        if not here:
            return
        from achbench.versioning.conflicts import describe

        records = self.view.session.conflicts
        for conflict_id, _ in here:
            text.append(f"‡ conflict {conflict_id} ", style="bold yellow")
            text.append(one_line(describe(records[conflict_id])))
            text.append("\n")
        text.append("C settles it: keep ours, take theirs or base, or edit.\n\n", style="dim")

    def _consensus_text(self, text: Text, evidence_id: str, hypothesis_id: str) -> None:
        """In the consensus view: the consensus, how far the analysts disagree, each vote."""
        from achbench.analysis.consensus import CATEGORY_NAMES

        cell = self.view.votes(evidence_id, hypothesis_id)
        text.append("\nconsensus: ", style="dim")
        if cell.consensus is None:
            text.append("no assessments", style="dim italic")
            return
        code = cell.consensus
        text.append(f"{code} ({CODE_MEANING[code]})", style=CODE_STYLE[code])
        style = DISPUTE_STYLE.get(cell.category, "")
        text.append(f" · {CATEGORY_NAMES[cell.category]}", style=style)
        if cell.disagreement:
            text.append(f" (disagreement {cell.disagreement:.2f})", style="dim")
        text.append("\nvotes: ", style="dim")
        text.append(", ".join(f"{name} {c}" for name, c in cell.votes))

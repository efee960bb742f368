"""The line above the grid: the focused column's full title, and the filter while it applies.

Column headers show a title over three short lines; this line shows the one
under the cursor whole, with what the headers abbreviate (credibility and
relevance in words, or a hypothesis' rank, score and how many of its cells are
rated).  A filter in force is named first, so it is never applied unseen.

It draws again when the main screen's ``redraw`` or ``cursor`` (bound to the
line's own reactives of those names) changes.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from achbench.core.text import one_line
from achbench.core.vocabulary import DEFAULT_LEVEL
from achbench.tui.view import GridView, Redraw


class FocusLine(Widget):
    """One line: ``filter 'x' │ E3  Troops arrive by air · credibility high · relevance low``."""

    DEFAULT_CSS = """
    FocusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    """

    redraw: var[Redraw] = var(Redraw("title"), always_update=True)
    """What changed in the matrix or the view (bound to the main screen's)."""
    cursor: var[tuple[int, int]] = var((0, 0))
    """(row, column) of the cursor (bound to the main screen's)."""

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def watch_redraw(self, redraw: Redraw) -> None:
        if redraw.scope != "title":
            self.refresh()

    def watch_cursor(self) -> None:
        self.refresh()

    def render(self) -> Text:
        return self.text()

    def text(self) -> Text:
        """The line's text (no wrapping: the widget cuts it at its width)."""
        view = self.view
        session = view.session
        line = Text(no_wrap=True, overflow="ellipsis")
        if view.filter:
            line.append(f"filter {view.filter!r}", style="bold reverse")
            line.append(" Esc clears │ ", style="dim")
        hypothesis_id, evidence_id = view.current()
        if view.transposed:
            if hypothesis_id is None:
                line.append("No hypotheses yet: Y adds them (a title, Enter, the next).")
                return line
            score = view.scores.get(hypothesis_id)
            line.append(f"{hypothesis_id}  ", style="bold")
            line.append(one_line(session.hypotheses[hypothesis_id]["title"]))
            if score is not None:
                line.append(f" · rank {score.rank} of {len(view.scores)}", style="dim")
            note = view.rated_note(hypothesis_id)
            if note:
                line.append(f" · {note}", style="bold yellow")
            return line
        if evidence_id is None:
            if view.filter:
                line.append("No evidence matches the filter.")
            else:
                line.append("No evidence yet: E adds items (a title, Enter, the next).")
            return line
        item = session.evidence[evidence_id]
        line.append(f"{evidence_id}  ", style="bold")
        line.append(one_line(item["title"]))
        credibility = item.get("credibility", DEFAULT_LEVEL)
        relevance = item.get("relevance", DEFAULT_LEVEL)
        line.append(f" · credibility {credibility} · relevance {relevance}", style="dim")
        return line

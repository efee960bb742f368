"""The banner over the grid while the file holds merge conflicts ``achbench merge`` recorded.

A merged file keeps *ours* in place and records each difference it could not
settle as ``[conflicts.Cn]`` (``versioning.conflicts``).  Until every one is
settled the analysis rests on one side's word, so the editor says so above the
grid, with the key that walks to the next one, and hides the banner when none
is left.  It draws again when the main screen's ``redraw`` changes.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from achbench.tui.view import GridView, Redraw
from achbench.tui.widgets.grid import CONFLICT_MARK


class ConflictBanner(Static):
    """``3 merge conflicts (‡): C goes to the next and settles it ...``; hidden at none."""

    DEFAULT_CSS = """
    ConflictBanner {
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $warning-darken-2;
        color: $text;
    }
    """

    redraw: var[Redraw] = var(Redraw("title"), always_update=True)
    """What changed in the matrix or the view (bound to the main screen's)."""

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def on_mount(self) -> None:
        self.show_count()

    def watch_redraw(self, redraw: Redraw) -> None:
        if redraw.scope == "all":
            self.show_count()

    def show_count(self) -> None:
        count = len(self.view.session.conflicts)
        self.display = count > 0
        if not count:
            return
        text = Text()
        plural = "s" if count != 1 else ""
        text.append(f"⚠ {count} merge conflict{plural} to settle ", style="bold")
        text.append(f"(marked {CONFLICT_MARK}). ")
        text.append("C", style="bold reverse")
        text.append(" goes to the next: keep ours, take theirs or base, or edit; u undoes. ")
        text.append("Saving with none left removes the records.", style="italic")
        self.update(text)

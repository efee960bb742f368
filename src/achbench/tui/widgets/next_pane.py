"""The "next" pane: pending evidence items and open milestones, most worth collecting first.

What ``achbench next`` prints, under the editor's method, for the ratings as they
are now (``analysis.collection``).  It reads the live scores' ranking (kept by
``scoring.live``, O(hypotheses)) and the candidates alone, never the whole
matrix: about 10 to 30 ms at 50 x 5,000 with 200 pending items, the candidates'
grid kept while only collected items' ratings change.  Even so it is
worked out only while the pane is shown, and only once the keys pause for
``PAUSE`` seconds, so a run of ratings repaints the grid at the speed it always
did and the pane catches up after the last one.

The pane sits under the ranking pane; ``N`` (the app's ``next_pane`` binding)
shows and hides it.  It follows the main screen's ``redraw`` with ``watch``, as
it is mounted after the screen was composed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from achbench.core.text import one_line
from achbench.scoring.methods import is_pending
from achbench.tui.view import GridView, Redraw

if TYPE_CHECKING:
    from achbench.analysis.collection import Candidate, Collection, Kind
    from achbench.scoring.grid import Grid

    Candidates = tuple[Grid, tuple[Kind, ...], tuple[str | None, ...]]

PAUSE: Final = 0.25
"""Seconds without a change before the values are worked out again."""
SHOWN: Final = 12
"""Candidates listed; the rest are counted (``achbench next`` lists every one)."""


def candidates_of(view: GridView) -> Candidates:
    """The pending items and open milestones of the view's session, as a grid."""
    from achbench.analysis.collection import candidates

    return candidates(view.session.data, view.session.live.analysts)


def values(view: GridView, found: Candidates | None = None) -> Collection:
    """The candidates (``found``, else read afresh) by value under the view's
    method, weighed against the live scores' ranking."""
    from achbench.analysis.collection import collection

    grid, kinds, bears_on = found or candidates_of(view)
    return collection(view.ranking, grid, kinds, bears_on, view.session.live.independent())


def candidate_line(result: Collection, c: Candidate, width: int) -> Text:
    """One candidate on one line: rank, id, what it would do, title."""
    label = f"{c.id}>{c.hypothesis}" if c.kind == "milestone" else c.id
    if result.method == "bayes":
        seen = c.number("leader_posterior_if_observed")
        unseen = c.number("leader_posterior_if_not")
        bits = c.number("information_bits")
        what = f"{bits:.3f}b {c.changes_leader:>4.0%} {seen:>4.0%}/{unseen:<4.0%}"
    else:
        moved = int(c.number("ranks_changed"))
        what = ("new leader" if c.changes_leader else "same lead ") + f" {moved:>2} moved"
    head = f"{c.rank:>2} {label:<8.8} {what} "
    room = max(4, width - len(head))
    title = one_line(c.title)
    title = title if len(title) <= room else title[: room - 1] + "…"
    line = Text(head + title)
    if c.changes_leader > 0:
        line.stylize("bold", 0, len(head))
    return line


def pane_lines(result: Collection, width: int) -> list[Text]:
    """The pane's text: a heading, what the columns say, the candidates."""
    milestones = len(result.candidates) - result.pending
    texts = [
        Text(f"Next to collect: {result.method}", style="bold"),
        Text(f"{result.pending} pending, {milestones} open milestones", "dim"),
    ]
    if not result.candidates:
        texts.append(Text("nothing pending: P marks the item under the cursor", "dim italic"))
        return texts
    if result.method == "bayes":
        leader = result.leaders[0]
        texts.append(Text(f" # item     bits    new  P({leader}) seen/not", "dim"))
    else:
        texts.append(Text(" # item     if seen      ranks", "dim"))
    texts += [candidate_line(result, c, width) for c in result.candidates[:SHOWN]]
    more = len(result.candidates) - SHOWN
    if more > 0:
        texts.append(Text(f"   and {more} more: achbench next lists them all", "dim"))
    return texts


class NextPane(Static):
    """The candidates by value, worked out while shown, once the keys pause."""

    DEFAULT_CSS = """
    NextPane {
        height: auto;
        padding: 0 1;
        border-top: solid $primary-darken-2;
    }
    """

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self._timer: Timer | None = None
        self.computed = 0
        """How many times the values were worked out: for tests and benchmarks."""
        self.result: Collection | None = None
        self._found: Candidates | None = None
        """The candidates' grid, kept while only collected items' ratings change."""

    def on_mount(self) -> None:
        self.watch(self.screen, "redraw", self._changed, init=False)
        self.recompute()
        self.call_after_refresh(self.scroll_visible)

    def _changed(self, redraw: Redraw) -> None:
        """A change on the main screen: work the values out again once keys pause."""
        if redraw.scope == "title" or not self.display:
            return
        evidence = self.view.session.evidence.get(redraw.evidence or "")
        if redraw.scope != "cell" or evidence is None or is_pending(evidence):
            self._found = None  # a pending item's cell, or more: read the candidates again
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PAUSE, self.recompute)

    def recompute(self) -> None:
        """Work the values out now and show them."""
        self._timer = None
        if self._found is None:
            self._found = candidates_of(self.view)
        self.result = values(self.view, self._found)
        self.computed += 1
        self._show()

    def _show(self) -> None:
        if self.result is not None:
            width = max(30, self.content_region.width or 40)
            self.update(Text("\n").join(pane_lines(self.result, width)))

    def on_resize(self) -> None:
        self._show()

    def toggle(self) -> bool:
        """Show the pane (working its values out at once) or hide it; True if shown."""
        self.display = not self.display
        if self.display:
            self._found = None  # changes made while hidden were not followed
            self.recompute()
            self.call_after_refresh(self.scroll_visible)
        elif self._timer is not None:
            self._timer.stop()
            self._timer = None
        return bool(self.display)

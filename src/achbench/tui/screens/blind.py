"""Blind rating: one evidence item at a time, its hypotheses shuffled, nothing else shown.

``achbench edit FILE --blind`` opens the editor on this screen, and ``B`` opens
it from the grid.  It covers the whole terminal, so the grid (with the other
analysts' codes in the consensus view), the scores, the ranking pane and the
diagnosticity are out of sight until the analyst has rated every collected cell
(``analysis.blind``: pending items are not rated blind).  Then the screen
closes by itself and a dialog says how far the analyst's ratings stand from
the others' consensus.

Why item by item, at 80x24: in the grid each column would need its own order
of hypotheses, so a row would no longer be one hypothesis, and at 80 columns
only a few items show at once anyway.  One item with its hypotheses listed
down the screen (Open Synthesis' way) shows the item's title in full, up to a
dozen hypotheses with their titles, the one highlighted with its description,
and the count of cells left; rating moves down the list and on to the next
item with a cell left, so 1-6 alone rate the whole matrix.

| key | does |
|---|---|
| 1-6 | rate the highlighted hypothesis CC C N I II NA and move on |
| 0, delete | clear the rating |
| up/down, k/j | another hypothesis |
| left/right, h/l | the previous or next item |
| n | the next item with a cell left |
| u, ctrl+r | undo, redo |
| ctrl+s | save |
| escape | leave blind rating early (asks first: the scores would show) |

The order is seeded (``analysis.blind.hypothesis_order``): ``--seed``, or by
default from the analyst's name and the file's name.  Every rating goes
through the session (undo works as in the grid) and is passed on to the main
screen below with ``Changed``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from achbench.analysis.blind import (
    cells_left,
    collected,
    default_seed,
    distance,
    distance_text,
    hypothesis_order,
    unrated,
)
from achbench.core.text import one_line, visible
from achbench.core.vocabulary import CODE_MEANING, CODES, DEFAULT_LEVEL, Code
from achbench.editing.session import Session
from achbench.editing.undo import Change
from achbench.tui.messages import Changed
from achbench.tui.view import GridView
from achbench.tui.widgets.detail import CODE_STYLE


def _key(
    keys: str, action: str, description: str, id: str, tooltip: str, show: bool = False
) -> Binding:
    """A key of the blind screen: a priority binding, run as the app reads it."""
    return Binding(keys, action, description, id=id, tooltip=tooltip, priority=True, show=show)


def _rate(number: int, code: Code) -> Binding:
    return _key(
        str(number),
        f"rate('{code}')",
        code,
        f"blind_rate_{code.lower()}",
        f"Rate the highlighted hypothesis {CODE_MEANING[code]} ({code}) and move on",
    )


def seed_of(session: Session, seed: int | None) -> int:
    """``seed``, or the default seed of the session's analyst on its file."""
    return default_seed(session.analyst, session.name) if seed is None else seed


class BlindScreen(Screen[bool]):
    """Rate every collected cell blind; dismissed True once none is left, False if left early."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(_rate(n, code) for n, code in enumerate(CODES, start=1)),
        _key("0,delete", "rate('')", "Clear", "blind_clear", "Clear the rating"),
        _key("up,k", "move(-1)", "Up", "blind_up", "The hypothesis above"),
        _key("down,j", "move(1)", "Down", "blind_down", "The hypothesis below"),
        _key("left,h", "item(-1)", "Previous", "blind_previous", "The previous evidence item"),
        _key("right,l", "item(1)", "Next", "blind_next", "The next evidence item"),
        _key("n", "next_left", "Next left", "blind_next_left", "The next item with a cell left"),
        _key("u", "undo", "Undo", "blind_undo", "Undo the last change", show=True),
        _key("ctrl+r", "redo", "Redo", "blind_redo", "Redo the last change undone"),
        _key("ctrl+s", "app.save", "Save", "blind_save", "Save the matrix", show=True),
        _key("escape", "leave", "Leave", "blind_leave", "Leave blind rating early", show=True),
    ]

    def __init__(self, view: GridView, seed: int | None = None) -> None:
        super().__init__(id="blind")
        self.view = view
        self.seed = seed_of(view.session, seed)
        self.items = collected(view.session.data)
        self.index = 0
        self.row = 0
        self._orders: dict[str, list[str]] = {}
        self.left = cells_left(view.session.data, view.session.analyst)
        self._first_left()

    @property
    def session(self) -> Session:
        return self.view.session

    @property
    def evidence(self) -> str | None:
        return self.items[self.index] if self.items else None

    def order(self, evidence_id: str) -> list[str]:
        """The hypotheses in this item's shuffled order (memoised: the seed fixes it)."""
        found = self._orders.get(evidence_id)
        if found is None or len(found) != len(self.session.hypotheses):
            found = hypothesis_order(list(self.session.hypotheses), self.seed, evidence_id)
            self._orders[evidence_id] = found
        return found

    @property
    def hypothesis(self) -> str | None:
        evidence = self.evidence
        if evidence is None:
            return None
        order = self.order(evidence)
        return order[self.row] if order else None

    def _first_left(self, start: int = 0) -> bool:
        """Go to the first item from ``start`` (wrapping) with a cell left, on its first
        unrated hypothesis in the shown order; False if there is none."""
        data, analyst = self.session.data, self.session.analyst
        count = len(self.items)
        for step in range(count):
            i = (start + step) % count
            missing = set(unrated(data, analyst, self.items[i]))
            if missing:
                self.index = i
                order = self.order(self.items[i])
                self.row = next(r for r, h in enumerate(order) if h in missing)
                return True
        return False

    # -- drawing -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with VerticalScroll(id="blind-body"):
            yield Static(id="blind-item")
            yield Static(id="blind-hypotheses")
            yield Static(id="blind-description")
        yield Static(id="blind-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Everything on the screen, from the session: a few lines, drawn whole."""
        session = self.session
        self.title = f"Blind · {one_line(session.name)}"
        cells = "cell" if self.left == 1 else "cells"
        self.sub_title = f"{one_line(session.analyst)} · {self.left} {cells} left"
        evidence = self.evidence
        item = self.query_one("#blind-item", Static)
        listing = self.query_one("#blind-hypotheses", Static)
        described = self.query_one("#blind-description", Static)
        if evidence is None:
            item.update(Text("No collected evidence to rate.", style="italic"))
            listing.update("")
            described.update("")
            return
        fields = session.evidence[evidence]
        head = Text()
        head.append(evidence, style="bold cyan")
        head.append(f"  item {self.index + 1} of {len(self.items)}", style="dim")
        facts = [
            str(fields.get("kind", "")),
            fields["date"].isoformat() if "date" in fields else "",
            f"credibility {fields.get('credibility', DEFAULT_LEVEL)}",
            f"relevance {fields.get('relevance', DEFAULT_LEVEL)}",
        ]
        head.append("  " + " · ".join(f for f in facts if f), style="dim")
        head.append("\n")
        head.append(visible(one_line(fields["title"])), style="bold")
        if fields.get("source"):
            source = one_line(str(fields["source"]))
            head.append("\nsource: ", style="dim")
            head.append(visible(source if len(source) <= 150 else source[:149] + "…"), style="dim")
        item.update(head)
        lines = Text(
            "\nIf each hypothesis were true, how likely is this item? (order shuffled)\n",
            style="italic",
        )
        for r, hypothesis_id in enumerate(self.order(evidence)):
            code = session.code(evidence, hypothesis_id)
            here = r == self.row
            line = Text("› " if here else "  ", style="bold yellow")
            title = one_line(session.hypotheses[hypothesis_id]["title"])
            line.append(f"{hypothesis_id:<5} ", style="bold" if here else "")
            line.append(f"{title[:52]:<52} ", style="reverse" if here else "")
            if code is None:
                line.append("  ·  ", style="dim")
            else:
                line.append(f" {code:^3} ", style=CODE_STYLE[code])
            lines.append_text(line)
            lines.append("\n")
        listing.update(lines)
        hypothesis = self.hypothesis
        description = session.hypotheses[hypothesis].get("description") if hypothesis else None
        described.update(
            Text("\n" + visible(one_line(description)), style="dim") if description else Text("")
        )
        self.call_after_refresh(self._show_row)
        self.query_one("#blind-keys", Static).update(
            Text(
                f"1-6 CC C N I II NA · 0 clear · ↑↓ · ←→ item · n next left · seed {self.seed}",
                style="dim",
            )
        )

    def _show_row(self) -> None:
        """Scroll the highlighted hypothesis into view (many hypotheses at 80x24)."""
        body = self.query_one("#blind-body", VerticalScroll)
        item = self.query_one("#blind-item", Static)
        y = item.outer_size.height + 2 + self.row  # a blank line, then the question
        height = body.scrollable_content_region.height
        if not body.scroll_y <= y < body.scroll_y + height:
            body.scroll_to(y=max(0, y - height // 2), animate=False)

    # -- keys ----------------------------------------------------------------------------

    def action_rate(self, code: str) -> None:
        evidence, hypothesis = self.evidence, self.hypothesis
        if evidence is None or hypothesis is None:
            self.notify("Nothing to rate here.")
            return
        chosen = next((c for c in CODES if c == code), None)
        was_unrated = self.session.code(evidence, hypothesis) is None
        change = self.session.rate(evidence, hypothesis, chosen)
        if change is not None:
            # One cell changed: the count moves by it, with no walk of every cell.
            self.post_message(Changed(self.view.apply(change)))
            self.left += int(chosen is None) - int(was_unrated)
        if chosen is None:
            self.draw()
            return
        if self.left == 0:
            self.dismiss(True)
            return
        missing = set(unrated(self.session.data, self.session.analyst, evidence))
        order = self.order(evidence)
        after = [r for r, h in enumerate(order) if h in missing and r > self.row]
        before = [r for r, h in enumerate(order) if h in missing]
        if after or before:
            self.row = (after or before)[0]
        else:
            self._first_left(self.index + 1)
        self.draw()

    def _changed(self, change: Change | None) -> None:
        """Undo or redo: any change, so the cells left are counted again."""
        if change is not None:
            self.post_message(Changed(self.view.apply(change)))
        self.left = cells_left(self.session.data, self.session.analyst)

    def action_move(self, delta: int) -> None:
        if self.evidence is not None:
            self.row = max(0, min(len(self.order(self.evidence)) - 1, self.row + delta))
            self.draw()

    def action_item(self, delta: int) -> None:
        if self.items:
            self.index = max(0, min(len(self.items) - 1, self.index + delta))
            self.row = min(self.row, max(0, len(self.session.hypotheses) - 1))
            self.draw()

    def action_next_left(self) -> None:
        if not self._first_left(self.index + 1):
            self.notify("No cell is left to rate.")
        self.draw()

    def action_undo(self) -> None:
        change = self.session.undo()
        self.notify(change.label if change else "Nothing to undo.")
        self._after_history(change)

    def action_redo(self) -> None:
        change = self.session.redo()
        self.notify(change.label if change else "Nothing to redo.")
        self._after_history(change)

    def _after_history(self, change: Change | None) -> None:
        self._changed(change)
        if change is not None and change.kind != "cell":
            self.items = collected(self.session.data)  # items added or removed meanwhile
            self.index = min(self.index, max(0, len(self.items) - 1))
        if change is not None and change.kind == "cell" and change.evidence in self.items:
            self.index = self.items.index(change.evidence)
            order = self.order(change.evidence)
            if change.hypothesis in order:
                self.row = order.index(change.hypothesis)
        if self.left == 0:
            self.dismiss(True)
            return
        self.draw()

    def action_leave(self) -> None:
        from achbench.tui.screens.dialogs import ChoiceDialog

        def answered(key: str | None) -> None:
            if key == "l":
                self.dismiss(False)

        cells = "cell is" if self.left == 1 else "cells are"
        message = (
            f"{self.left} {cells} left to rate. Leaving shows the scores, the ranking and "
            "the other analysts' ratings; your ratings so far are kept (B goes on blind)."
        )
        self.app.push_screen(
            ChoiceDialog("Leave blind rating?", message, [("s", "Stay"), ("l", "Leave")]),
            answered,
        )


def reveal_message(session: Session) -> str:
    """What the reveal says: the cells are all rated, and how far from the others."""
    lines = [f"{session.analyst} has rated every collected cell: the scores are shown again."]
    lines += distance_text(distance(session.data, session.analyst))
    return "\n\n".join(lines)

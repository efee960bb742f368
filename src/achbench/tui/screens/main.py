"""The main screen: the grid, the detail and ranking panes, and every editing key.

Each key is a ``Binding`` with an id (remap it with ``App.set_keymap``) and a
tooltip; the help screen (``?``) lists them as bound.

State flows one way.  An action changes the ``Session`` (or the ``GridView``'s
choices), hands the change to ``GridView.apply``, and sets two reactives of
this screen: ``redraw`` (what to draw again) and ``cursor``.  The grid and the
panes are bound to them (``data_bind``) and redraw themselves in their
watchers, so a rating redraws one row of the grid and the scores, never the
whole matrix.  Changes made elsewhere (the milestones screen, the app's save
and reload) arrive as a ``Changed`` message and go the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import ClassVar, Literal, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input

from achbench.core.data import EvidenceData, HypothesisData
from achbench.core.errors import SaveError
from achbench.core.text import one_line
from achbench.core.vocabulary import CODE_MEANING, CODES, DEFAULT_LEVEL, LEVELS, Code
from achbench.editing import fields as forms_rules
from achbench.editing.operations import MatrixFields, place_after
from achbench.editing.undo import Change
from achbench.tui.messages import Changed
from achbench.tui.view import GridView, Redraw
from achbench.tui.widgets.conflict_banner import ConflictBanner
from achbench.tui.widgets.detail import DetailPane
from achbench.tui.widgets.filter_box import FilterBox
from achbench.tui.widgets.focus_line import FocusLine
from achbench.tui.widgets.grid import MatrixGrid
from achbench.tui.widgets.ranking import RankingPane

# Forms, dialogs and the help screen are imported when first opened: the editor
# starts faster, and most sessions open few of them.

T = TypeVar("T")
BACKGROUND_ITEMS = 2_000
"""Evidence items from which sorting by diagnosticity runs in a worker thread:
below it, it takes well under 100 ms and is done at once.  From it too, the filter
is applied once typing pauses for ``FILTER_PAUSE`` seconds."""
FILTER_PAUSE = 0.15


def _key(
    keys: str, action: str, description: str, id: str, tooltip: str, *, show: bool = False
) -> Binding:
    """A key of the main screen.

    Every one is a priority binding: the app runs it as it reads the key, before
    the next, so a key that opens a form is done before the text typed after
    it is delivered (a plain binding runs only once the key has bubbled back
    from the focused widget, after later keys went to the grid as commands).
    ``MainScreen.check_action`` turns them off while the filter box has focus.
    """
    return Binding(keys, action, description, show=show, id=id, tooltip=tooltip, priority=True)


def _rate(key: str, code: Code) -> Binding:
    tooltip = f"Rate the cell {CODE_MEANING[code]} ({code})"
    return _key(key, f"rate('{code}')", code, f"rate_{code.lower()}", tooltip)


RATING_BINDINGS = [_rate(str(number), code) for number, code in enumerate(CODES, start=1)]
"""Keys 1 to 6 rate a cell with the codes in the order of Heuer's scale."""


class MainScreen(Screen[None]):
    """The matrix editor."""

    _filter_timer: Timer | None = None
    """Applies the filter once typing pauses (long matrices only)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Help and Quit first: the footer shows keys in this order and must keep
        # these two at 80 columns.
        _key("question_mark,f1", "help", "Help", "help", "Show every key", show=True),
        _key("q", "quit", "Quit", "quit", "Quit (asks first if unsaved)", show=True),
        _key("up,k", "move(-1, 0)", "Up", "cursor_up", "Move the cursor up"),
        _key("down,j", "move(1, 0)", "Down", "cursor_down", "Move the cursor down"),
        _key("left,h", "move(0, -1)", "Left", "cursor_left", "Move the cursor left"),
        _key("right,l", "move(0, 1)", "Right", "cursor_right", "Move the cursor right"),
        _key("pageup", "page(-1)", "Page up", "page_up", "Move up a screenful"),
        _key("pagedown", "page(1)", "Page down", "page_down", "Move down a screenful"),
        _key("home", "edge(-1)", "First", "first_column", "Go to the first column"),
        _key("end", "edge(1)", "Last", "last_column", "Go to the last column"),
        *RATING_BINDINGS,
        _key("0,delete", "clear", "Clear", "clear", "Clear the cell (unrated)"),
        _key(
            "n",
            "edit_note",
            "Note",
            "edit_note",
            "Why this rating: edit your note on the cell (empty removes it; u undoes)",
        ),
        _key(
            "a",
            "toggle_advance",
            "Advance",
            "toggle_advance",
            "Toggle: a rating moves the cursor to the next hypothesis for the same item",
        ),
        _key("u", "undo", "Undo", "undo", "Undo the last change", show=True),
        _key("ctrl+r", "redo", "Redo", "redo", "Redo the last change undone"),
        _key("m", "cycle_method", "Method", "cycle_method", "Next scoring method", show=True),
        _key(
            "t",
            "transpose",
            "Transpose",
            "transpose",
            "Swap rows and columns (evidence as rows, Heuer's layout)",
            show=True,
        ),
        _key(
            "d",
            "sort",
            "Sort",
            "sort_diagnosticity",
            "Sort evidence by diagnosticity under the method, or back to file order",
        ),
        _key(
            "D",
            "hide_flat",
            "Hide non-diag.",
            "hide_nondiagnostic",
            "Hide evidence rated alike for every hypothesis (non-diagnostic), or show it",
        ),
        _key("slash", "filter", "Filter", "filter", "Show only evidence holding a text", show=True),
        _key(
            "o",
            "rank_rows",
            "Rank order",
            "rank_order",
            "Hypotheses in rank order, or back in file order",
        ),
        _key(
            "less_than_sign",
            "widen(-1)",
            "Narrower",
            "narrower_columns",
            "Narrower grid columns (remembered)",
        ),
        _key(
            "greater_than_sign",
            "widen(1)",
            "Wider",
            "wider_columns",
            "Wider grid columns: more of each title in the headers (remembered)",
        ),
        _key(
            "r",
            "cycle_level('credibility')",
            "Credibility",
            "cycle_credibility",
            "Next credibility of the evidence item: low, medium, high (u undoes)",
        ),
        _key(
            "R",
            "cycle_level('relevance')",
            "Relevance",
            "cycle_relevance",
            "Next relevance of the evidence item: low, medium, high (u undoes)",
        ),
        _key("p", "pool", "Pool", "pool", "Score all analysts pooled, or your ratings alone"),
        _key("A", "choose_analyst", "Analyst", "choose_analyst", "Choose whose ratings you edit"),
        _key("J", "judgements", "Judgements", "judgements", "Your probability for each hypothesis"),
        _key(
            "c",
            "consensus",
            "Consensus",
            "consensus_view",
            "Toggle: your ratings, or all analysts' consensus with disputed cells marked",
        ),
        _key(
            "s",
            "sensitivity",
            "Sensitivity",
            "sensitivity",
            "How far the leader rests on single items, ratings and weights (step 6)",
        ),
        _key(
            "M",
            "milestones",
            "Milestones",
            "milestones",
            "Milestones per hypothesis: add, edit, set status (step 8)",
        ),
        _key("e", "edit_evidence", "Edit ev.", "edit_evidence", "Edit the evidence item"),
        _key("E", "add_evidence", "Add evidence", "add_evidence", "Add an evidence item"),
        _key("y", "edit_hypothesis", "Edit hyp.", "edit_hypothesis", "Edit the hypothesis"),
        _key("Y", "add_hypothesis", "Add hypothesis", "add_hypothesis", "Add a hypothesis"),
        _key("x", "delete_evidence", "Delete ev.", "delete_evidence", "Delete the evidence item"),
        _key("X", "delete_hypothesis", "Delete hyp.", "delete_hypothesis", "Delete the hypothesis"),
        _key("shift+up", "shift(-1, 0)", "Row up", "move_row_up", "Move the row up one place"),
        _key("shift+down", "shift(1, 0)", "Row down", "move_row_down", "Move the row down"),
        _key("shift+left", "shift(0, -1)", "Col left", "move_column_left", "Move the column left"),
        _key("shift+right", "shift(0, 1)", "Col right", "move_column_right", "Move column right"),
        _key(
            "left_square_bracket",
            "scroll_detail(-3)",
            "Detail up",
            "detail_up",
            "Scroll the detail pane up",
        ),
        _key(
            "right_square_bracket",
            "scroll_detail(3)",
            "Detail down",
            "detail_down",
            "Scroll the detail pane down",
        ),
        _key("i", "edit_matrix", "Matrix", "edit_matrix", "Edit the title and question"),
        _key(
            "C",
            "next_conflict",
            "Conflict",
            "next_conflict",
            "Go to the next recorded merge conflict and settle it: ours, theirs, base or edit",
        ),
        _key("ctrl+s", "app.save", "Save", "save", "Save the matrix", show=True),
        _key("S", "save_as", "Save as", "save_as", "Save the matrix to another file"),
    ]

    redraw: var[Redraw] = var(Redraw("title"), always_update=True)
    """What the last change touched; the grid and the panes are bound to it."""
    cursor: var[tuple[int, int]] = var((0, 0))
    """(row, column) of the view's cursor; the grid and the detail pane are bound to it."""

    def __init__(self, view: GridView) -> None:
        super().__init__(id="main")
        self.view = view
        self.set_reactive(MainScreen.cursor, view.cursor)
        self._last_conflict: str | None = None
        """The conflict C went to last: the next C goes to the one after it."""
        self._sorts = 0
        """Background sorts started: only the latest one's order is taken."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield ConflictBanner(self.view, id="conflicts").data_bind(MainScreen.redraw)
        yield FocusLine(self.view, id="focus-line").data_bind(MainScreen.redraw, MainScreen.cursor)
        yield MatrixGrid(self.view, id="grid").data_bind(MainScreen.redraw, MainScreen.cursor)
        with Horizontal(id="panes"):
            yield DetailPane(self.view, id="detail").data_bind(MainScreen.redraw, MainScreen.cursor)
            with VerticalScroll(id="ranking-scroll"):
                yield RankingPane(self.view, id="ranking").data_bind(MainScreen.redraw)
        yield FilterBox(
            placeholder="filter evidence: text, Enter to keep, Escape to clear", id="filter"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.grid.focus()
        self.update_title()

    @property
    def grid(self) -> MatrixGrid:
        return self.query_one("#grid", MatrixGrid)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen's keys are off while text is typed in the filter box."""
        return not isinstance(self.focused, Input)

    async def action_save_as(self) -> None:
        await self.app.run_action("app.save_as")

    async def action_quit(self) -> None:
        await self.app.run_action("app.request_quit")

    # -- showing what changed --------------------------------------------------------------

    def show(self, redraw: Redraw) -> None:
        """Draw ``redraw`` again, then put the cursor where the view has it now."""
        self.redraw = redraw
        self.cursor = self.view.cursor

    def changed(self, change: Change | None) -> None:
        """Take a change of the session into the view and show it (None: nothing changed)."""
        if change is not None:
            self.show(self.view.apply(change))

    @on(Changed)
    def changed_elsewhere(self, message: Changed) -> None:
        """Another screen or the app changed the session (and the view): show it."""
        message.stop()  # it came from the app: do not bubble back to it
        self.show(message.redraw)

    def watch_redraw(self) -> None:
        self.update_title()

    def update_title(self) -> None:
        """File name with a modified marker; analyst, method and toggles beside it.

        The app watches ``title`` to name the terminal window the same.
        """
        session = self.view.session
        marker = " [modified]" if session.dirty else ""
        busy = "".join(f" [{work}...]" for work in sorted(self.view.busy))
        title = f"{one_line(session.name)}{marker}{busy}"
        pooled = "pooled" if session.pooled else "own ratings"
        advance = "advance on" if self.view.advance else "advance off"
        sub_title = f"as {session.analyst} · {self.view.method} · {pooled} · {advance}"
        if self.view.consensus:  # read-only: say so first; advance does not apply
            sub_title = f"consensus view · as {session.analyst} · {self.view.method}"
            sub_title += f" · {pooled}"
        if (title, sub_title) != (self.title, self.sub_title):
            self.title = title
            self.sub_title = sub_title

    def action_scroll_detail(self, lines: int) -> None:
        self.query_one("#detail", DetailPane).scroll_text(lines)

    # -- moving ----------------------------------------------------------------------------

    def _moved(self, moved: bool) -> None:
        if moved:
            self.cursor = self.view.cursor

    def action_move(self, drow: int, dcol: int) -> None:
        before = self.view.current()[1]
        self._moved(self.view.move(drow, dcol))
        self._rerank_after(before)

    def _rerank_after(self, evidence_before: str | None) -> None:
        """In rank order, take the order again once the cursor is on another item.

        Not while rating one item across the hypotheses: rows that moved under
        the cursor then would send the next rating to the wrong hypothesis.
        """
        if self.view.current()[1] != evidence_before and self.view.rerank():
            self.show(Redraw("all"))

    def action_page(self, direction: int) -> None:
        step = max(1, self.grid.scrollable_content_region.height - 4)
        self.action_move(direction * step, 0)

    def action_edge(self, direction: int) -> None:
        row, _ = self.view.cursor
        self._moved(self.view.move_to(row, 0 if direction < 0 else len(self.view.cols) - 1))

    @on(MatrixGrid.CellClicked)
    def clicked(self, message: MatrixGrid.CellClicked) -> None:
        self._moved(self.view.move_to(message.row, message.column))

    # -- rating ----------------------------------------------------------------------------

    def action_rate(self, code: str) -> None:
        """Rate the cell under the cursor ``code`` (one of ``CODES``; empty: clear it)."""
        hypothesis, evidence = self.view.current()
        if hypothesis is None or evidence is None:
            self.notify("Nothing to rate: add a hypothesis (Y) and evidence (E) first.")
            return
        if self.view.consensus:
            self.notify(
                "The consensus view is read-only: press c to rate as "
                f"{self.view.session.analyst} again.",
                severity="warning",
            )
            return
        chosen = next((c for c in CODES if c == code), None)
        self.changed(self.view.session.rate(evidence, hypothesis, chosen))
        if self.view.advance and chosen:
            self.view.advance_cursor()
            self.cursor = self.view.cursor
            self._rerank_after(evidence)

    def action_clear(self) -> None:
        self.action_rate("")

    async def action_edit_note(self) -> None:
        """Edit the current analyst's rationale for the cell under the cursor."""
        hypothesis, evidence = self.view.current()
        if hypothesis is None or evidence is None:
            self.notify("No cell here: add a hypothesis (Y) and evidence (E) first.")
            return
        if self.view.consensus:
            self.notify(
                "The consensus view is read-only: press c to write notes as "
                f"{self.view.session.analyst} again.",
                severity="warning",
            )
            return
        session = self.view.session
        code = session.code(evidence, hypothesis) or "unrated"
        title = f"Note of {session.analyst} on {evidence} / {hypothesis} ({code})"

        def check(values: dict[str, str]) -> str:
            return values["note"].strip()

        def done(text: str) -> None:
            self.changed(session.set_note(evidence, hypothesis, text or None))

        values = {"note": session.note(evidence, hypothesis) or ""}
        await self._open_form(title, "note", values, check, done)
        from textual.widgets import TextArea

        for area in self.app.screen.query("#field-note").results(TextArea):
            area.move_cursor(area.document.end)  # typing adds to the note, at its end

    def action_toggle_advance(self) -> None:
        advance = self.view.toggle_advance()
        self.notify(f"Rating {'advances' if advance else 'stays on the cell'}.")
        self.redraw = Redraw("title")

    def action_undo(self) -> None:
        change = self.view.session.undo()
        if change is None:
            self.notify("Nothing to undo.")
        self._follow(change)

    def action_redo(self) -> None:
        change = self.view.session.redo()
        if change is None:
            self.notify("Nothing to redo.")
        self._follow(change)

    def _follow(self, change: Change | None) -> None:
        """After undo or redo, put the cursor on the cell that changed."""
        self.changed(change)
        if change is not None and change.kind == "cell":
            view = self.view
            if change.hypothesis in view.hypothesis_ids and change.evidence in view.evidence_ids:
                view.go_to(change.hypothesis, change.evidence)
                self.cursor = view.cursor

    # -- what is shown ---------------------------------------------------------------------

    def action_cycle_method(self) -> None:
        """Next method; sorted by diagnosticity, a long matrix is sorted again under
        it in the background (the rows keep their order meanwhile)."""
        view = self.view
        background = view.sorted and len(view.session.evidence) >= BACKGROUND_ITEMS
        view.cycle_method(resort=not background)
        self.show(Redraw("all" if view.sorted or view.rank_rows else "labels"))
        if background:
            self._start_sort(again=True)
        self.remember()

    def action_transpose(self) -> None:
        self.view.toggle_transpose()
        self.show(Redraw("all"))
        self.remember()

    def action_widen(self, delta: int) -> None:
        before = self.view.column_width
        if self.view.widen(delta) != before:
            self.show(Redraw("all"))
            self.remember()

    def remember(self) -> None:
        """Keep orientation, column width and method in the user's settings file."""
        from achbench.tui import settings

        view = self.view
        chosen = settings.Settings(view.transposed, view.column_width, view.method)
        try:
            settings.save(chosen)
        except (OSError, SaveError) as exc:
            self.notify(f"Could not remember the view settings: {exc}", severity="warning")

    def action_rank_rows(self) -> None:
        """Rows by rank or in file order; the grid's corner says which (no toast:
        mounting one lays the whole screen out again, 40-70 ms at 100 x 10,000)."""
        self.view.toggle_rank_rows()
        self.show(Redraw("all"))

    def action_cycle_level(self, name: str) -> None:
        """Credibility or relevance of the evidence item under the cursor: the next level."""
        session = self.view.session
        _, evidence = self.view.current()
        if evidence is None:
            self.notify("No evidence item here: add one with E.")
            return
        fields = session.evidence[evidence].copy()
        key: Literal["credibility", "relevance"] = (
            "credibility" if name == "credibility" else "relevance"
        )
        current = fields.get(key, DEFAULT_LEVEL)
        fields[key] = LEVELS[(LEVELS.index(current) + 1) % len(LEVELS)]
        self.changed(session.update_evidence(evidence, evidence, fields))
        self.notify(f"{evidence}: {key} {fields[key]}")

    def action_sort(self) -> None:
        """Sort by diagnosticity: in the background for a long matrix (seconds at
        10,000 items), so keys typed meanwhile move and rate as ever."""
        view = self.view
        if view.sorted or len(view.session.evidence) < BACKGROUND_ITEMS:
            view.toggle_sort()
            self.show(Redraw("all"))
            return
        if "sorting" in view.busy:
            return
        self._start_sort(again=False)

    def _start_sort(self, *, again: bool) -> None:
        """Sort in the background (``GridView.sort_snapshot``); ``again``: a re-sort
        of a sorted view (a new method), dropped if the sort is turned off meanwhile.
        Only the latest sort started is taken."""
        view = self.view
        view.busy.add("sorting")
        self._sorts += 1
        self.redraw = Redraw("title")
        self.run_worker(
            partial(self._sort_in_background, view.sort_snapshot(), self._sorts, again),
            name="sort by diagnosticity",
            group="sort",
            thread=True,
            exit_on_error=False,
        )

    def _sort_in_background(self, work: Callable[[], list[str]], serial: int, again: bool) -> None:
        try:
            order = work()
        except Exception as exc:  # an item deleted meanwhile: say so, stay unsorted
            self.app.call_from_thread(self._sorted, None, exc, serial, again)
            return
        self.app.call_from_thread(self._sorted, order, None, serial, again)

    def _sorted(
        self, order: list[str] | None, error: Exception | None, serial: int, again: bool
    ) -> None:
        if serial != self._sorts:  # a newer sort is under way: it decides
            return
        self.view.busy.discard("sorting")
        if order is None:
            self.notify(f"Not sorted: {error!r}; press d to try again.", severity="warning")
            self.redraw = Redraw("title")
            return
        if again and not self.view.sorted:  # turned off meanwhile
            self.redraw = Redraw("title")
            return
        self.view.sort_by(order)
        self.show(Redraw("all"))

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.view.filter
        self.set_focus(box)  # at once: the next key typed goes to the box

    @on(Input.Changed, "#filter")
    def filter_typed(self, event: Input.Changed) -> None:
        """Filter as the text is typed; for a long matrix (a filter and a full redraw
        take a few hundred ms at 10,000 items) only once typing pauses, so that
        the letters show as they are typed."""
        self._stop_filter_timer()
        if len(self.view.session.evidence) < BACKGROUND_ITEMS:
            self._apply_filter(event.value)
        else:
            apply = partial(self._apply_filter, event.value)
            self._filter_timer = self.set_timer(FILTER_PAUSE, apply)

    def _apply_filter(self, text: str) -> None:
        self._filter_timer = None
        self.view.set_filter(text)
        self.show(Redraw("all"))

    def _stop_filter_timer(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None

    @on(Input.Submitted, "#filter")
    def filter_kept(self) -> None:
        self._stop_filter_timer()
        box = self.query_one("#filter", Input)
        if box.value.strip() != self.view.filter:
            self.view.set_filter(box.value)
            self.show(Redraw("all"))
        box.display = False
        self.set_focus(self.grid)

    def filter_key(self, key: str) -> None:
        """Enter or Escape in the filter box, handled as the key is read."""
        if key == "enter":
            self.filter_kept()
        else:
            self.key_escape()

    def key_escape(self) -> None:
        """Escape clears the filter, whether being typed or kept with Enter."""
        self._stop_filter_timer()
        box = self.query_one("#filter", Input)
        if box.display or self.view.filter:
            box.value = ""
            box.display = False
            self.view.set_filter("")
            self.show(Redraw("all"))
            self.set_focus(self.grid)

    def action_hide_flat(self) -> None:
        hidden = self.view.toggle_hide_flat()
        self.show(Redraw("all"))
        if not self.view.hide_flat:
            self.notify("Showing every evidence item.")
        elif hidden:
            plural = "s" if hidden != 1 else ""
            self.notify(
                f"Hiding {hidden} non-diagnostic item{plural} (rated alike for every "
                "hypothesis); D shows them."
            )
        else:
            self.notify("No item is rated alike for every hypothesis: nothing to hide.")

    def action_consensus(self) -> None:
        view = self.view
        on = view.toggle_consensus()
        self.show(Redraw("all"))
        if not on:
            self.notify(f"Your ratings (analyst {view.session.analyst}).")
            return
        analysts = list(view.session.data.get("ratings", {}))
        if len(analysts) < 2:
            who = analysts[0] if analysts else "no analyst"
            self.notify(f"Consensus view: only {who} rated, so the consensus is those ratings.")
            return
        self.notify(
            f"Consensus of {len(analysts)} analysts: ¹ mild, ² large, ³ extreme dispute. "
            "Read-only; c returns to your ratings."
        )

    def action_sensitivity(self) -> None:
        from achbench.tui.screens.sensitivity import SensitivityScreen, Target

        def chosen(target: Target | None) -> None:
            if target is not None:
                self.jump_to(*target)

        screen = SensitivityScreen(self.view.session, self.view.method)
        self.app.push_screen(screen, chosen)

    def jump_to(self, hypothesis: str | None, evidence: str | None) -> None:
        """Put the cursor on a hypothesis, an item or a cell, showing the item if hidden."""
        view = self.view
        undone = view.reveal(evidence) if evidence is not None else []
        if undone:
            self.notify(f"Showing {evidence}: turned off {' and '.join(undone)}.")
            self.redraw = Redraw("all")
        view.go_to(hypothesis, evidence)
        self.cursor = view.cursor

    def action_milestones(self) -> None:
        from achbench.tui.screens.milestones import MilestonesScreen

        self.app.push_screen(MilestonesScreen(self.view, self.view.current()[0]))

    def action_pool(self) -> None:
        session = self.view.session
        session.set_pooled(not session.pooled)
        self.view.rescore()
        self.redraw = Redraw("scores")

    def action_choose_analyst(self) -> None:
        session = self.view.session

        def chosen(name: str | None) -> None:
            if name and name != session.analyst:
                session.set_analyst(name)
                self.view.rescore()
                self.redraw = Redraw("labels")

        from achbench.tui.screens.dialogs import AnalystDialog

        self.app.push_screen(AnalystDialog(session.analysts(), session.analyst), chosen)

    def action_judgements(self) -> None:
        from achbench.tui.screens.judgements import JudgementsForm

        session = self.view.session
        titles = {h: v["title"] for h, v in session.hypotheses.items()}

        def done(values: dict[str, float] | None) -> None:
            if values is not None:
                self.changed(session.set_judgements(values))

        self.app.push_screen(JudgementsForm(session.analyst, titles, session.judgements()), done)

    def action_help(self) -> None:
        from achbench.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.key_rows()))

    def key_rows(self) -> list[tuple[str, str, str, str]]:
        """(keys, binding id, action, tooltip) for every binding with an id, as bound now
        (keymap applied): the id is what a ``--keymap`` file names."""
        grouped: dict[str, tuple[list[str], str, str]] = {}
        for key, active in self.active_bindings.items():
            binding = active.binding
            if not binding.id:
                continue
            keys, _, _ = grouped.setdefault(binding.id, ([], binding.description, binding.tooltip))
            display = self.app.get_key_display(binding) or key
            if display not in keys:
                keys.append(display)
        return [(" ".join(keys), i, desc, tip) for i, (keys, desc, tip) in grouped.items()]

    # -- editing items ---------------------------------------------------------------------

    async def _open_form(
        self,
        title: str,
        form: str,
        values: dict[str, str],
        check: Callable[[dict[str, str]], T],
        apply: Callable[[T], Mapping[str, str] | None],
        *,
        repeat: bool = False,
    ) -> None:
        from achbench.tui.screens import forms

        fields = {
            "hypothesis": forms.HYPOTHESIS_FORM,
            "evidence": forms.EVIDENCE_FORM,
            "matrix": forms.MATRIX_FORM,
            "note": forms.NOTE_FORM,
        }
        item_form = forms.ItemForm(title, fields[form], values, check, apply, repeat=repeat)
        await forms.open_form(self.app, item_form)

    async def action_add_hypothesis(self) -> None:
        """Quick add: each title Enter adds a hypothesis after the last one added."""
        session = self.view.session
        after = [self.view.current()[0]]

        def fresh() -> dict[str, str]:
            return {"id": forms_rules.next_id("H", session.hypotheses)}

        def check(v: dict[str, str]) -> tuple[str, HypothesisData]:
            return forms_rules.hypothesis_from_form(v, list(session.hypotheses))

        def add(result: tuple[str, HypothesisData]) -> dict[str, str]:
            index = place_after(list(session.hypotheses), after[0])
            self.changed(session.add_hypothesis(result[0], result[1], index))
            after[0] = result[0]
            return fresh()

        await self._open_form("New hypotheses", "hypothesis", fresh(), check, add, repeat=True)

    async def action_edit_hypothesis(self) -> None:
        session = self.view.session
        hypothesis, _ = self.view.current()
        if hypothesis is None:
            await self.action_add_hypothesis()
            return
        taken = list(session.hypotheses)
        values = {"id": hypothesis, **forms_rules.form_values(session.hypotheses[hypothesis])}

        def check(v: dict[str, str]) -> tuple[str, HypothesisData]:
            return forms_rules.hypothesis_from_form(v, taken, hypothesis)

        def done(result: tuple[str, HypothesisData]) -> None:
            self.changed(session.update_hypothesis(hypothesis, result[0], result[1]))

        await self._open_form(f"Hypothesis {hypothesis}", "hypothesis", values, check, done)

    async def action_add_evidence(self) -> None:
        """Quick add: each title Enter adds an item after the last one added (file order)."""
        session = self.view.session
        after = [self.view.current()[1]]

        def fresh() -> dict[str, str]:
            values = {"id": forms_rules.next_id("E", session.evidence)}
            values.update(credibility=DEFAULT_LEVEL, relevance=DEFAULT_LEVEL)
            return values

        def check(v: dict[str, str]) -> tuple[str, EvidenceData]:
            return forms_rules.evidence_from_form(v, list(session.evidence))

        def add(result: tuple[str, EvidenceData]) -> dict[str, str]:
            index = place_after(list(session.evidence), after[0])
            self.changed(session.add_evidence(result[0], result[1], index))
            after[0] = result[0]
            return fresh()

        await self._open_form("New evidence items", "evidence", fresh(), check, add, repeat=True)

    async def action_edit_evidence(self) -> None:
        session = self.view.session
        _, evidence = self.view.current()
        if evidence is None:
            await self.action_add_evidence()
            return
        taken = list(session.evidence)
        values = {"id": evidence, **forms_rules.form_values(session.evidence[evidence])}
        values.setdefault("credibility", DEFAULT_LEVEL)
        values.setdefault("relevance", DEFAULT_LEVEL)

        def check(v: dict[str, str]) -> tuple[str, EvidenceData]:
            return forms_rules.evidence_from_form(v, taken, evidence)

        # Keys the form does not show (cites, quote, locator, grade...) are kept as they were.
        kept = {
            k: v
            for k, v in session.evidence[evidence].items()
            if k not in forms_rules.EVIDENCE_FIELDS
        }

        def done(result: tuple[str, EvidenceData]) -> None:
            fields = cast(EvidenceData, {**result[1], **kept})
            self.changed(session.update_evidence(evidence, result[0], fields))

        await self._open_form(f"Evidence {evidence}", "evidence", values, check, done)

    async def action_edit_matrix(self) -> None:
        session = self.view.session

        def done(result: MatrixFields) -> None:
            self.changed(session.update_meta(result))

        values = forms_rules.form_values(session.meta())
        await self._open_form("Matrix", "matrix", values, forms_rules.matrix_from_form, done)

    def _confirm_delete(self, kind: str, item_id: str, title: str) -> None:
        session = self.view.session
        cells, milestones = session.deletion_cost(kind, item_id)
        lost = f"{cells} rating{'s' if cells != 1 else ''} (every analyst's)"
        if milestones:
            lost += f" and {milestones} milestone{'s' if milestones != 1 else ''}"
        message = f"{item_id}: {title}\n\nThis also deletes {lost}. Undo (u) brings it back."

        def answered(key: str | None) -> None:
            if key != "d":
                return
            if kind == "hypothesis":
                self.changed(session.delete_hypothesis(item_id))
            else:
                self.changed(session.delete_evidence(item_id))

        from achbench.tui.screens.dialogs import ChoiceDialog

        self.app.push_screen(
            ChoiceDialog(f"Delete {kind} {item_id}?", message, [("d", "Delete"), ("c", "Cancel")]),
            answered,
        )

    def action_delete_hypothesis(self) -> None:
        hypothesis, _ = self.view.current()
        if hypothesis is not None:
            title = one_line(self.view.session.hypotheses[hypothesis]["title"])
            self._confirm_delete("hypothesis", hypothesis, title)

    def action_delete_evidence(self) -> None:
        _, evidence = self.view.current()
        if evidence is not None:
            self._confirm_delete(
                "evidence", evidence, one_line(self.view.session.evidence[evidence]["title"])
            )

    def action_shift(self, drow: int, dcol: int) -> None:
        """Move the row (or column) under the cursor one place, in the file too."""
        view = self.view
        moving_rows = drow != 0
        kind = view.row_kind if moving_rows else view.col_kind
        delta = drow or dcol
        hypothesis, evidence = view.current()
        session = view.session
        if kind == "hypothesis":
            if hypothesis is None:
                return
            change = session.move_hypothesis(hypothesis, delta)
        else:
            if evidence is None:
                return
            if view.sorted or view.filter or view.hide_flat:
                self.notify(
                    "Turn off the sort (d), the filter (/) and hiding (D) to move evidence."
                )
                return
            change = session.move_evidence(evidence, delta)
        self.changed(change)

    # -- merge conflicts ------------------------------------------------------------------

    async def action_next_conflict(self) -> None:
        """Go to the next recorded conflict and ask how to settle it."""
        from achbench.editing.settling import conflict_sides, conflict_target
        from achbench.tui.screens.dialogs import ChoiceDialog
        from achbench.versioning.conflicts import describe

        session = self.view.session
        conflict_id = self.view.next_conflict(self._last_conflict)
        if conflict_id is None:
            self.notify("No merge conflicts recorded in this file.")
            return
        self._last_conflict = conflict_id
        record = session.conflicts[conflict_id]
        hypothesis, evidence = conflict_target(record["key"])
        if hypothesis or evidence:
            self.jump_to(hypothesis, evidence)
        sides = conflict_sides(record)
        names = {"ours": "Keep ours", "theirs": "Take theirs", "base": "Take base"}
        choices = [(side[0], names[side]) for side in sides]
        choices += [("e", "Edit"), ("n", "Next")]
        left = len(session.conflicts)
        message = (
            f"{describe(record)}\n\nOurs is in the matrix now. Keep it, take the other "
            "side's value, or keep ours and edit it; the record goes either way (u undoes). "
            "Esc leaves it for later."
        )

        async def answered(key: str | None) -> None:
            side = next((s for s in sides if key == s[0]), None)
            if side is not None:
                self.changed(session.resolve_conflict(conflict_id, side))
                self.notify(f"{conflict_id} settled as {side}; {len(session.conflicts)} left.")
            elif key == "e":
                self.changed(session.resolve_conflict(conflict_id, "ours"))
                await self._edit_after_conflict(record["key"])
            elif key == "n":
                self.call_after_refresh(self.action_next_conflict)

        title = (
            f"Conflict {conflict_id} ({list(session.conflicts).index(conflict_id) + 1} of {left})"
        )
        dialog = ChoiceDialog(title, message, choices, id=f"conflict-{conflict_id}", wide=True)
        self.app.push_screen(dialog, answered)

    async def _edit_after_conflict(self, key: str) -> None:
        """Open what an edit of a settled conflict needs: a form, or the cell to rate."""
        from achbench.editing.settling import conflict_parts

        parts = conflict_parts(key)
        if len(parts) == 1:
            await self.action_edit_matrix()
        elif parts[0] == "hypotheses" and parts[1] in self.view.session.hypotheses:
            await self.action_edit_hypothesis()
        elif parts[0] == "evidence" and parts[1] in self.view.session.evidence:
            await self.action_edit_evidence()
        elif parts[0] == "milestones":
            self.action_milestones()
        else:
            self.notify("Rate the cell under the cursor (1-6, 0 clears).")

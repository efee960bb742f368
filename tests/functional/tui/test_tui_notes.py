"""``n``: the rationale of the cell under the cursor, written, shown, marked, undone, saved."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import TextArea
from tui_helpers import drive

from achbench.store import toml as store
from achbench.tui.app import make_app
from achbench.tui.screens.forms import ItemForm
from achbench.tui.widgets.grid import HEADER_HEIGHT, NOTE_MARK


def _note_field(pilot: Pilot[None]) -> TextArea:
    screen = pilot.app.screen
    assert isinstance(screen, ItemForm)
    assert pilot.app.focused is not None
    assert pilot.app.focused.id == "field-note"
    return screen.query_one("#field-note", TextArea)


def test_n_adds_edits_removes_and_undoes_a_note_and_save_writes_it(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        hypothesis, evidence = app.view.current()
        assert hypothesis is not None
        assert evidence is not None
        row = app.main.grid.render_line(HEADER_HEIGHT + app.view.cursor[0]).text
        assert NOTE_MARK not in row
        await pilot.press("n")
        assert _note_field(pilot).text == ""
        await pilot.press(*"fits the timing", "enter")
        assert not isinstance(app.screen, ItemForm)
        assert app.session.note(evidence, hypothesis) == "fits the timing"
        row = app.main.grid.render_line(HEADER_HEIGHT + app.view.cursor[0]).text
        assert NOTE_MARK in row, "a cell with a note is marked"
        assert "fits the timing" in app.main.query_one("#detail").full_text().plain
        assert app.session.dirty
        # Edit it: the form opens with the note in it.
        await pilot.press("n")
        assert _note_field(pilot).text == "fits the timing"
        await pilot.press(*" and the place", "enter")
        assert app.session.note(evidence, hypothesis) == "fits the timing and the place"
        # Escape cancels.
        await pilot.press("n", "x", "escape")
        assert app.session.note(evidence, hypothesis) == "fits the timing and the place"
        # An empty note removes it; undo brings it back.
        await pilot.press("n")
        _note_field(pilot).text = ""
        await pilot.press("enter")
        assert app.session.note(evidence, hypothesis) is None
        await pilot.press("u")
        assert app.session.note(evidence, hypothesis) == "fits the timing and the place"
        await pilot.press("ctrl+s")
        assert not app.session.dirty
        return hypothesis, evidence

    hypothesis, evidence = drive(app, script)
    data = store.load_data(small)
    assert data["rationale"] == {"lead": {evidence: {hypothesis: "fits the timing and the place"}}}
    assert f'{hypothesis} = "fits the timing and the place"' in small.read_text(encoding="utf-8")

"""Every key path of the editor, driven headless with Pilot on a small matrix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea
from tui_helpers import drawn, drive

from achbench.store import toml as store
from achbench.tui.app import make_app
from achbench.tui.screens.dialogs import AnalystDialog, ChoiceDialog, PathDialog
from achbench.tui.screens.forms import ItemForm
from achbench.tui.screens.help import HelpScreen
from achbench.tui.widgets.grid import HEADER_HEIGHT


def test_rating_keys_set_the_current_analysts_code_and_move_on(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        assert app.view.current() == ("H1", "E1")
        await pilot.press("5")  # II
        assert app.session.code("E1", "H1") == "II"
        assert app.view.current() == ("H2", "E1"), "rating advances to the next hypothesis"
        await pilot.press("1", "2")  # CC for H2, C for H3, then on to E2
        assert app.session.code("E1", "H2") == "CC"
        assert app.session.code("E1", "H3") == "C"
        assert app.view.current() == ("H1", "E2")
        for key, code in (("3", "N"), ("4", "I"), ("6", "NA")):
            await pilot.press("a")  # advance off
            await pilot.press(key)
            assert app.session.code("E2", "H1") == code
            await pilot.press("a")
        assert app.session.code("E1", "H1", "bob") == "II", "other analysts are never changed"
        assert app.session.code("E1", "H3", "bob") == "N"

    drive(app, script)


def test_rating_updates_scores_and_ranking_at_once(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        before = app.view.scores["H1"].score
        await pilot.press("5")  # H1/E1: C -> II adds 2 inconsistency under heuer
        assert app.view.scores["H1"].score == before + 2
        assert app.view.ranking.hypotheses[-1].id == "H1"
        ranked = [
            line.split()[:2]
            for line in drawn(app.main.query_one("#ranking")).splitlines()
            if line.split()[:1] in (["1"], ["2"], ["3"]) and line.split()[1:2] != ["of"]
        ]
        assert ranked[-1] == ["3", "H1"], "the ranking pane shows the new order"
        assert app.title.endswith("[modified]")

    drive(app, script)


def test_clear_undo_and_redo(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("a")  # stay on the cell
        await pilot.press("0")
        assert app.session.code("E1", "H1") is None
        assert app.session.dirty
        await pilot.press("u")
        assert app.session.code("E1", "H1") == "C"
        assert not app.session.dirty, "undoing back to the loaded state is clean"
        await pilot.press("ctrl+r")
        assert app.session.code("E1", "H1") is None
        await pilot.press("delete")  # already clear: nothing recorded
        await pilot.press("u")
        assert app.session.code("E1", "H1") == "C"

    drive(app, script)


def test_undo_keeps_at_least_a_hundred_steps(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("a")
        main = app.main
        for i in range(150):
            main.action_rate("CC" if i % 2 else "II")
        assert app.session.code("E1", "H1") == "CC"
        for _ in range(149):
            main.action_undo()
        await pilot.press("u")
        assert app.session.code("E1", "H1") == "C"
        assert not app.session.dirty
        await pilot.press("ctrl+r")
        assert app.session.code("E1", "H1") == "II"

    drive(app, script)


def test_cursor_keys_move_the_cursor_not_the_scroll_on_a_wide_matrix() -> None:
    app = make_app(None)  # 31 evidence items: wider than the terminal

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("right", "right", "down")
        assert app.view.current() == ("H2", "E3")
        await pilot.press("end")
        assert app.view.current() == ("H2", "E31")
        grid = app.main.grid
        assert grid.scroll_x > 0, "the grid scrolls to keep the cursor in view"
        assert "E31" in grid.render_line(0).text
        assert grid.render_line(HEADER_HEIGHT + 1).text.startswith(" 1 H2"), (
            "the labels stay in view"
        )

    drive(app, script)


def test_cursor_keys_move_and_stop_at_edges(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("right", "l", "down")
        assert app.view.current() == ("H2", "E3")
        await pilot.press("j", "j", "j")
        assert app.view.current() == ("H3", "E3")
        await pilot.press("left", "h", "h", "h", "up", "k")
        assert app.view.current() == ("H1", "E1")
        await pilot.press("end")
        assert app.view.current() == ("H1", "E4")
        await pilot.press("home")
        assert app.view.current() == ("H1", "E1")

    drive(app, script)


async def _fill(pilot: Pilot[None], field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#field-{field}")
    if isinstance(widget, TextArea):
        widget.text = text
    else:
        assert isinstance(widget, Input)
        widget.value = text
    await pilot.pause()


def _error(pilot: Pilot[None], field: str) -> str:
    return str(pilot.app.screen.query_one(f"#error-{field}", Static).render())


def test_add_hypothesis_through_the_form(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("Y")
        assert isinstance(app.screen, ItemForm)
        assert app.screen.query_one("#field-id", Input).value == "H4"
        await _fill(pilot, "title", "Delta")
        await _fill(pilot, "description", "Line one.\nLine two.")
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, ItemForm)
        assert list(app.session.hypotheses) == ["H1", "H4", "H2", "H3"], "after the cursor's"
        assert app.session.hypotheses["H4"] == {
            "title": "Delta",
            "description": "Line one.\nLine two.",
        }
        await pilot.press("u")
        assert "H4" not in app.session.hypotheses

    drive(app, script)


def test_add_evidence_through_the_form(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("E")
        await _fill(pilot, "title", "Curfew declared")
        await _fill(pilot, "date", "2022-01-06")
        await pilot.press("ctrl+s")
        assert list(app.session.evidence) == ["E1", "E5", "E2", "E3", "E4"]
        assert str(app.session.evidence["E5"]["date"]) == "2022-01-06"

    drive(app, script)


def test_edit_form_shows_validation_errors_and_keeps_open(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ItemForm)
        await _fill(pilot, "id", "2bad")
        await _fill(pilot, "title", "")
        await _fill(pilot, "date", "5 Jan")
        await pilot.press("ctrl+s")
        assert app.screen is form, "an invalid form stays open"
        assert "not a valid id" in _error(pilot, "id")
        assert _error(pilot, "title") == "required"
        assert "not a date" in _error(pilot, "date")
        assert app.session.evidence["E1"]["title"] == "Riots in the capital"
        await _fill(pilot, "id", "E2")
        await pilot.press("ctrl+s")
        assert "already the id" in _error(pilot, "id")
        await _fill(pilot, "id", "Riots")
        await _fill(pilot, "title", "Riots in Almaty")
        await _fill(pilot, "date", "2022-01-05")
        await pilot.press("ctrl+s")
        assert app.screen is not form
        assert "Riots" in app.session.evidence
        assert app.session.code("Riots", "H1") == "C", "renaming keeps the ratings"
        assert app.session.code("Riots", "H1", "bob") == "II"
        assert app.view.current() == ("H1", "Riots")

    drive(app, script)


def test_edit_hypothesis_prior_is_checked(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("y")
        await _fill(pilot, "prior", "1.5")
        await pilot.press("ctrl+s")
        assert "out of range" in _error(pilot, "prior")
        await _fill(pilot, "prior", "0.2")
        await pilot.press("ctrl+s")
        assert app.session.hypotheses["H1"]["prior"] == 0.2

    drive(app, script)


def test_escape_cancels_a_form(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await _fill(pilot, "title", "Changed")
        await pilot.press("escape")
        assert app.session.evidence["E1"]["title"] == "Riots in the capital"
        assert not app.session.dirty

    drive(app, script)


def test_delete_asks_first_and_undo_restores_every_analyst(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("x")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("c")
        assert "E1" in app.session.evidence
        await pilot.press("x", "d")
        assert "E1" not in app.session.evidence
        assert "E1" not in app.session.data["ratings"]["bob"]
        assert app.view.current() == ("H1", "E2")
        await pilot.press("u")
        assert list(app.session.evidence) == ["E1", "E2", "E3", "E4"]
        assert app.session.code("E1", "H1", "bob") == "II"
        await pilot.press("X", "d")
        assert list(app.session.hypotheses) == ["H2", "H3"]
        assert app.session.code("E1", "H3", "bob") == "N"
        await pilot.press("u")
        assert list(app.session.hypotheses) == ["H1", "H2", "H3"]
        assert app.session.code("E1", "H1", "bob") == "II"

    drive(app, script)


def test_shift_arrows_move_rows_and_columns(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("shift+right")
        assert list(app.session.evidence) == ["E2", "E1", "E3", "E4"]
        assert app.view.current() == ("H1", "E1"), "the cursor follows the moved item"
        await pilot.press("shift+down")
        assert list(app.session.hypotheses) == ["H2", "H1", "H3"]
        await pilot.press("t")  # transposed: rows are evidence
        await pilot.press("shift+up")
        assert list(app.session.evidence) == ["E1", "E2", "E3", "E4"]
        await pilot.press("u", "u", "u")
        assert list(app.session.hypotheses) == ["H1", "H2", "H3"]
        assert not app.session.dirty

    drive(app, script)


def test_save_writes_the_file_atomically_and_clears_the_marker(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "ctrl+s")
        assert not app.session.dirty
        assert not app.title.endswith("[modified]")

    drive(app, script)
    data = store.load_data(small)
    assert data["ratings"]["lead"]["E1"]["H1"] == "II"
    assert data["ratings"]["bob"]["E1"]["H1"] == "II"
    assert not list(small.parent.glob("*.achbench-tmp"))


def test_save_as_writes_a_new_file_and_follows_it(small: Path, tmp_path: Path) -> None:
    app = make_app(small)
    target = tmp_path / "copy.toml"

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "S")
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        assert app.session.path == target
        assert app.session.name == "copy.toml"

    drive(app, script)
    assert store.load_data(target)["ratings"]["lead"]["E1"]["H1"] == "II"
    assert store.load_data(small)["ratings"]["lead"]["E1"]["H1"] == "C"


def test_save_as_asks_before_overwriting(small: Path, tmp_path: Path) -> None:
    app = make_app(small)
    other = tmp_path / "other.toml"
    other.write_text("keep me", encoding="utf-8")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "S")
        app.screen.query_one("#path", Input).value = str(other)
        await pilot.press("enter")
        assert isinstance(app.screen, PathDialog), "first Enter only warns"
        assert other.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        assert not isinstance(app.screen, PathDialog)

    drive(app, script)
    assert store.load_data(other)["title"] == "Small test matrix"


def test_example_is_never_saved_into_the_package(tmp_path: Path) -> None:
    from achbench.editing.document import example_path

    app = make_app(None)
    before = example_path().read_bytes()

    async def script(pilot: Pilot[None]) -> None:
        assert app.session.name == "kazakhstan-2022.toml"
        await pilot.press("a", "5", "ctrl+s")
        assert isinstance(app.screen, PathDialog), "first save of the example asks where"
        box = app.screen.query_one("#path", Input)
        box.value = str(example_path())
        await pilot.press("enter")
        assert isinstance(app.screen, PathDialog), "the package folder is refused"
        box.value = str(tmp_path / "mine.toml")
        await pilot.press("enter")
        assert app.session.path == tmp_path / "mine.toml"

    drive(app, script)
    assert example_path().read_bytes() == before
    assert store.load_data(tmp_path / "mine.toml")["ratings"]["lead"]["E1"]["H1"] == "II"


def test_quit_with_unsaved_changes_asks_save_discard_cancel(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "q")
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.id == "quit"
        await pilot.press("c")
        assert app.is_running
        await pilot.press("q", "s")
        await pilot.pause()
        assert not app.is_running

    drive(app, script)
    assert store.load_data(small)["ratings"]["lead"]["E1"]["H1"] == "II"


def test_quit_discard_leaves_the_file_alone(small: Path) -> None:
    app = make_app(small)
    before = small.read_bytes()

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "q", "d")
        await pilot.pause()
        assert not app.is_running

    drive(app, script)
    assert small.read_bytes() == before


def test_quit_question_comes_from_any_screen(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "e")
        assert isinstance(app.screen, ItemForm)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.id == "quit"
        await pilot.press("escape")
        assert isinstance(app.screen, ItemForm)

    drive(app, script)


def test_quit_without_changes_just_quits(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    drive(app, script)


def _change_on_disk(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("Small test matrix", "Changed elsewhere")
    path.write_text(text, encoding="utf-8")


def test_external_change_overwrite(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        _change_on_disk(small)
        await pilot.press("5", "ctrl+s")
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.id == "external-change"
        await pilot.press("o")
        assert not app.session.dirty

    drive(app, script)
    data = store.load_data(small)
    assert data["title"] == "Small test matrix"
    assert data["ratings"]["lead"]["E1"]["H1"] == "II"


def test_external_change_reload(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        _change_on_disk(small)
        await pilot.press("5", "ctrl+s", "r")
        assert app.session.data["title"] == "Changed elsewhere"
        assert app.session.code("E1", "H1") == "C"
        assert not app.session.dirty

    drive(app, script)


def test_external_change_save_as(small: Path, tmp_path: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        _change_on_disk(small)
        await pilot.press("5", "ctrl+s", "a")
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path", Input).value = str(tmp_path / "mine.toml")
        await pilot.press("enter")

    drive(app, script)
    assert store.load_data(small)["title"] == "Changed elsewhere"
    assert store.load_data(tmp_path / "mine.toml")["ratings"]["lead"]["E1"]["H1"] == "II"


def test_method_key_cycles_the_scoring_methods(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> list[str]:
        seen = []
        for _ in range(4):
            await pilot.press("m")
            seen.append(app.view.method)
            assert app.view.ranking.method == app.view.method
            assert app.view.method in drawn(app.main.query_one("#ranking"))
        return seen

    assert drive(app, script) == ["weighted", "opensynthesis", "bayes", "heuer"]


def _grid_text(app: Any, line: int) -> str:
    return app.main.grid.render_line(line).text


def test_transpose_puts_evidence_down_the_side(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        assert _grid_text(app, HEADER_HEIGHT).split()[1] == "H1"
        await pilot.press("right", "t")
        assert app.view.transposed
        assert app.view.current() == ("H1", "E2"), "the cursor stays on its cell"
        assert _grid_text(app, HEADER_HEIGHT).startswith("E1")
        assert "H1" in _grid_text(app, 0)
        await pilot.press("t")
        assert not app.view.transposed

    drive(app, script)


def test_diagnosticity_sort_and_back(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("d")
        assert app.view.sorted
        # Under heuer only E1 (C vs I) tells the hypotheses apart for lead.
        assert app.view.evidence_ids[0] == "E1"
        await pilot.press("m", "m")  # opensynthesis: E2 (CC for H3 alone) is diagnostic too
        assert set(app.view.evidence_ids[:2]) == {"E1", "E2"}
        await pilot.press("d")
        assert app.view.evidence_ids == ["E1", "E2", "E3", "E4"]

    drive(app, script)


def test_filter_shows_matching_evidence_and_escape_clears(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await pilot.press(*"troops")
        assert app.view.evidence_ids == ["E3"]
        await pilot.press("enter")
        assert app.main.grid.has_focus
        await pilot.press("1")
        assert app.session.code("E3", "H1") == "CC"
        await pilot.press("slash", "escape")
        assert app.view.evidence_ids == ["E1", "E2", "E3", "E4"]
        await pilot.press("slash", *"wire")
        assert app.view.evidence_ids == ["E1"], "the filter searches sources too"

    drive(app, script)


def test_analyst_switch_edits_only_that_analysts_ratings(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("A")
        assert isinstance(app.screen, AnalystDialog)
        await pilot.press("down", "enter")  # lead, bob: choose bob
        assert app.session.analyst == "bob"
        assert app.view.scores["H1"].score == 2, "scores follow bob's own ratings"
        await pilot.press("a", "4")
        assert app.session.code("E1", "H1", "bob") == "I"
        assert app.session.code("E1", "H1", "lead") == "C"
        await pilot.press("A")
        app.screen.query_one("#new-analyst", Input).focus()
        await pilot.press(*"carol", "enter")
        assert app.session.analyst == "carol"
        await pilot.press("2")
        assert app.session.data["ratings"]["carol"] == {"E1": {"H1": "C"}}
        assert app.session.code("E1", "H1", "bob") == "I"

    drive(app, script)


def test_pool_key_scores_every_analyst(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        assert app.view.scores["H1"].score == 0
        await pilot.press("p")
        assert app.session.pooled
        assert app.view.scores["H1"].score == 1  # mean of lead's C (0) and bob's II (2)

    drive(app, script)


def test_help_lists_every_key_by_id(small: Path) -> None:
    app = make_app(small, keymap={"rate_cc": "z"})

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {name: keys for keys, _, name, _ in app.screen.rows}
        ids = {binding_id: keys for keys, binding_id, _, _ in app.screen.rows}
        assert rows["CC"] == "z", "the help shows the remapped key"
        assert ids["rate_cc"] == "z", "and the id a keymap file names"
        assert {"undo", "cycle_credibility", "rank_order", "wider_columns"} <= set(ids)
        last_id = app.screen.rows[-1][1]
        await pilot.press("end")  # the help scrolls to its last row
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert last_id in app.export_screenshot()
        for name in ("Up", "Clear", "Undo", "Redo", "Method", "Transpose", "Sort", "Filter"):
            assert name in rows
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("z")
        assert app.session.code("E1", "H1") == "CC"

    drive(app, script)


def test_matrix_form_edits_title_and_question(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("i")
        await _fill(pilot, "title", "")
        await pilot.press("ctrl+s")
        assert _error(pilot, "title") == "required"
        await _fill(pilot, "title", "Renamed")
        await pilot.press("ctrl+s")
        assert app.session.data["title"] == "Renamed"
        assert list(app.session.data)[:3] == ["format", "title", "question"]

    drive(app, script)


def test_new_matrix_asks_for_the_first_hypothesis(tmp_path: Path) -> None:
    target = tmp_path / "fresh.toml"
    app = make_app(target, new_title="Fresh question")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        await _fill(pilot, "title", "First idea")
        await pilot.press("ctrl+s")
        assert list(app.session.hypotheses) == ["H1"]
        await pilot.press("ctrl+s")

    drive(app, script)
    data = store.load_data(target)
    assert data["title"] == "Fresh question"
    assert data["hypotheses"] == {"H1": {"title": "First idea"}}


def test_clicking_a_cell_moves_the_cursor_there(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        grid = app.main.grid
        x = grid.label_width + 2 * grid.column_width + 1  # third column: E3
        await pilot.click("#grid", offset=(x, HEADER_HEIGHT + 1))  # second row: H2
        assert app.view.current() == ("H2", "E3")
        assert "E3" in drawn(app.main.query_one("#detail")).splitlines()[0]

    drive(app, script)


def test_a_failed_save_is_shown_and_the_work_kept(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk (or a folder gone read-only) while saving: the editor says so and
    keeps running with the changes unsaved; the file is as it was."""
    import errno
    import tempfile

    before = small.read_bytes()
    app = make_app(small)

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        monkeypatch.setattr(tempfile, "mkstemp", full)
        await pilot.press("ctrl+s")
        assert app.is_running
        assert "No space left on device" in str(app.screen.query_one(".dialog-message").render())
        await pilot.press("enter")
        assert app.session.dirty
        assert small.read_bytes() == before, "the file is as it was"
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        assert not app.session.dirty

    drive(app, script)
    assert small.read_bytes() != before
    assert store.load_data(small)["ratings"]["lead"]["E1"]["H1"] == "II"

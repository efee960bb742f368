"""The assumptions screen, driven with Pilot: add (title focused, Enter saves), link the
grid's evidence item, judge, edit, delete, each undone; the warning in the ranking pane
when the leader rests on an unsupported assumption."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_helpers import drawn, drive

from achbench.store import toml as store
from achbench.tui.app import make_app
from achbench.tui.screens.assumptions import AssumptionsScreen
from achbench.tui.screens.forms import ItemForm

RACE = """\
format = "achbench/1"
title = "A close race"
analyst = "lead"

[hypotheses.H1]
title = "Alpha"

[hypotheses.H2]
title = "Beta"

[hypotheses.H3]
title = "Gamma"

[evidence.E1]
title = "Riots in the capital"

[evidence.E2]
title = "Statement blames foreigners"

[evidence.E3]
title = "Troops arrive by air"

[ratings.lead.E1]
H1 = "C"
H2 = "II"
H3 = "I"

[ratings.lead.E2]
H1 = "C"
H2 = "C"
H3 = "II"

[ratings.lead.E3]
H1 = "I"
H2 = "C"
H3 = "C"
"""
"""Under heuer H1 leads (1) over H2 (2) and H3 (3); without E1, H2 leads (H1 1, H2 0)."""


def _prompts(screen: AssumptionsScreen) -> str:
    return "\n".join(screen.texts)


def test_assumptions_add_link_judge_edit_delete_and_undo(tmp_path: Path) -> None:
    path = tmp_path / "race.toml"
    path.write_text(RACE, encoding="utf-8")
    app = make_app(path)

    async def script(pilot: Pilot[None]) -> None:
        ranking = app.main.query_one("#ranking")
        assert app.view.current() == ("H1", "E1")
        await pilot.press("K")
        screen = app.screen
        assert isinstance(screen, AssumptionsScreen)
        assert "No key assumptions yet" in _prompts(screen)
        # a opens the form with the title focused: typing goes there, Enter saves
        await pilot.press("a")
        assert isinstance(app.screen, ItemForm)
        await pilot.press(*"Riot reports are accurate", "enter")
        assert app.screen is screen
        assert app.session.data["assumptions"] == {
            "A1": {"title": "Riot reports are accurate", "status": "caveated"}
        }
        # l: E1 (the grid's item) rests on it; without E1, H2 leads
        await pilot.press("l")
        assert app.session.evidence["E1"]["assumes"] == ["A1"]
        assert "* A1" in _prompts(screen)
        assert "without 1 item: H2 > H1 > H3 (leader changes)" in _prompts(screen)
        # s: caveated -> unsupported, and H1's lead rests on it
        await pilot.press("s")
        assert app.session.data["assumptions"]["A1"]["status"] == "unsupported"
        assert "! The leading hypothesis H1 (Alpha) loses its lead" in _prompts(screen)
        await pilot.press("escape")
        await pilot.pause()
        shown = drawn(ranking)
        assert "! the leader H1 rests on A1, unsupported" in shown
        assert "!1 H1" in shown, "the leader's line is marked"
        # u in the grid takes the verdict back, and the warning goes
        await pilot.press("u")
        await pilot.pause()
        assert app.session.data["assumptions"]["A1"]["status"] == "caveated"
        assert "rests on A1" not in drawn(ranking)
        # e edits: an unknown hypothesis keeps the form open, with the error shown
        await pilot.press("K")
        screen = app.screen
        assert isinstance(screen, AssumptionsScreen)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ItemForm)
        form.query_one("#field-hypotheses").value = "H2 H9"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert app.screen is form
        assert "H9" in str(form.query_one("#error-hypotheses").render())
        assert form.query_one("#field-evidence").value == "E1"  # type: ignore[attr-defined]
        form.query_one("#field-hypotheses").value = "H1"  # type: ignore[attr-defined]
        form.query_one("#field-evidence").value = "E1 E3"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert app.screen is screen
        assert app.session.data["assumptions"]["A1"]["hypotheses"] == ["H1"]
        assert app.session.evidence["E3"]["assumes"] == ["A1"], "linked in the form"
        assert "at risk: H1" in _prompts(screen)
        # x deletes it and its id in E1's assumes; u brings both back
        await pilot.press("x")
        assert "assumptions" not in app.session.data
        assert "assumes" not in app.session.evidence["E1"]
        await pilot.press("u")
        assert app.session.evidence["E1"]["assumes"] == ["A1"]
        assert app.session.data["assumptions"]["A1"]["hypotheses"] == ["H1"]
        await pilot.press("ctrl+s")
        saved = store.load_data(path)
        assert saved["assumptions"]["A1"]["title"] == "Riot reports are accurate"
        assert saved["evidence"]["E1"]["assumes"] == ["A1"]
        await pilot.press("escape")
        assert app.screen is app.main

    drive(app, script, size=(100, 30))


def test_the_keys_are_off_in_a_form_and_listed_on_the_help_screen(tmp_path: Path) -> None:
    path = tmp_path / "race.toml"
    path.write_text(RACE, encoding="utf-8")
    app = make_app(path)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("e")  # the evidence form: K and B are letters here
        assert isinstance(app.screen, ItemForm)
        await pilot.press("K", "B")
        assert isinstance(app.screen, ItemForm)
        await pilot.press("escape")
        ids = {row[1] for row in app.main.key_rows()}
        assert {"assumptions", "blind_rating"} <= ids

    drive(app, script)


def test_assumptions_screen_on_the_example_snapshot(snap_compare: Any) -> None:
    async def open_it(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("K")
        await pilot.pause()

    assert snap_compare(make_app(None), terminal_size=(100, 30), run_before=open_it)


def test_a_large_matrix_checks_its_assumptions_once_typing_pauses(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Above ``ASSUMPTION_CELLS_AT_ONCE`` the warning follows a rating once typing
    pauses, not at the key (a re-scoring per unsupported assumption is too slow for
    every key).  The pause is made long and its timer's work run by hand, so the test
    does not depend on the machine's speed."""
    import achbench.tui.view as view_module
    import achbench.tui.widgets.ranking as ranking_module
    from achbench.tui.widgets.ranking import RankingPane

    monkeypatch.setattr(view_module, "ASSUMPTION_CELLS_AT_ONCE", 0)
    monkeypatch.setattr(ranking_module, "ASSUMPTION_PAUSE", 60.0)
    path = tmp_path / "race.toml"
    text = RACE.replace("[evidence.E2]", 'assumes = ["A1"]\n\n[evidence.E2]')
    text += '\n[assumptions.A1]\ntitle = "Riot reports are accurate"\nstatus = "unsupported"\n'
    path.write_text(text, encoding="utf-8")
    app = make_app(path)

    async def script(pilot: Pilot[None]) -> None:
        ranking = app.main.query_one("#ranking", RankingPane)
        assert "rests on A1" not in drawn(ranking), "not checked at once"
        assert ranking._assumption_timer is not None, "but once the editor is idle"
        ranking._recheck()  # what the timer does
        await pilot.pause()
        assert "rests on A1" in drawn(ranking)
        # E1/H2: II -> C: H2 leads, with or without E1; the key alone does not check it
        await pilot.press("down", "2")
        assert app.view.assumptions_stale
        assert "rests on A1" in drawn(ranking), "the last warning until the pause"
        assert ranking._assumption_timer is not None
        ranking._recheck()
        await pilot.pause()
        assert not app.view.assumptions_stale
        assert "rests on A1" not in drawn(ranking)

    drive(app, script, size=(100, 30))

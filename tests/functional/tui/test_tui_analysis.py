"""The analysis in the editor, driven with Pilot: the sensitivity screen, non-diagnostic
evidence, the consensus view, milestones and the warning on a refuted leader."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tui_helpers import drawn, drive

from achbench.analysis.sensitivity import analyse_data
from achbench.store import toml as store
from achbench.tui.app import make_app
from achbench.tui.screens import sensitivity as sensitivity_screen
from achbench.tui.screens.forms import ItemForm
from achbench.tui.screens.milestones import MilestonesScreen
from achbench.tui.screens.sensitivity import SensitivityScreen
from achbench.tui.widgets.grid import HEADER_HEIGHT

RACE = textwrap.dedent(
    """\
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

    [evidence.E4]
    title = "Curfew announced"

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

    [ratings.lead.E4]
    H1 = "N"
    H2 = "N"
    H3 = "N"

    [milestones.M1]
    hypothesis = "H1"
    title = "Army units defect"
    expect = "refutes"
    status = "open"
    """
)
"""Under heuer H1 leads (1) over H2 (2) and H3 (3): a close race. Without E1, H2 leads;
one change (E1 x H1: C -> II) makes H2 lead, two H3. E4 is rated N for all: non-diagnostic."""


@pytest.fixture
def race(tmp_path: Path) -> Path:
    path = tmp_path / "race.toml"
    path.write_text(RACE, encoding="utf-8")
    return path


def _lines(screen: SensitivityScreen) -> list[str]:
    return [line.plain for line in screen.lines]


# -- sensitivity ---------------------------------------------------------------------


def test_sensitivity_screen_shows_the_findings_and_goes_to_a_cell(race: Path) -> None:
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SensitivityScreen)
        text = "\n".join(_lines(screen))
        assert "Under heuer, H1 (Alpha) leads." in text
        assert "trails by 1" in text
        assert "close race" in text
        assert "E1  Riots in the capital\nwithout it, leader changes: H2 > H1 > H3" in text
        assert "H2  Beta: 1 change" in text
        assert "E1 × H1: C → II (lead)" in text
        assert "H3  Gamma: 2 changes" in text
        assert "E2 × H3: II → N (lead)" in text
        assert "the fewest possible; each rating may move to any code" in text
        assert "E4" not in text, "an item that changes nothing is not listed"
        # The same findings as the headless analysis of the same ratings.
        findings = analyse_data(store.load_data(race), "heuer", "any", ["lead"])
        assert screen.findings is not None
        assert screen.findings.to_json() == findings.to_json()
        # Enter on the named cell closes the screen with the cursor on it.
        index = next(i for i, t in enumerate(_lines(screen)) if "E2 × H3" in t)
        screen.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        assert app.screen is app.main
        assert app.view.current() == ("H3", "E2")

    drive(app, script)


def test_long_orders_are_cut_and_rank_moves_named() -> None:
    from achbench.analysis.sensitivity import Standing

    ids = [f"H{i}" for i in range(1, 16)]
    before = Standing(tuple(ids), {h: i + 1 for i, h in enumerate(ids)})
    swapped = [ids[0], ids[2], ids[1], *ids[3:]]
    after = Standing(tuple(swapped), {**before.ranks, "H2": 3, "H3": 2})
    assert sensitivity_screen.short_order(before, 3) == "H1 > H2 > H3 > …"
    assert sensitivity_screen.rank_moves(before, after) == "H3 3→2, H2 2→3"
    tied = Standing(tuple(ids), {**before.ranks, "H2": 1, "H3": 1, "H4": 1})
    assert sensitivity_screen.rank_moves(before, tied, limit=2) == "H2 2→1, H3 3→1, 1 more"


def test_sensitivity_follows_the_method_steps_and_escape(race: Path) -> None:
    app = make_app(race, method="weighted")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SensitivityScreen)
        assert "Sensitivity · weighted · analyst lead" in str(
            screen.query_one("#sensitivity-title").render()
        )
        assert _lines(screen)[0].startswith("Under weighted,")
        await pilot.press("o")
        assert screen.steps == "one"
        assert "each rating may move one step on the scale" in "\n".join(_lines(screen))
        await pilot.press("escape")
        assert app.screen is app.main
        assert app.view.current() == ("H1", "E1"), "Escape leaves the cursor where it was"

    drive(app, script)


def test_sensitivity_of_a_large_matrix_is_computed_off_the_keyboard(
    race: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sensitivity_screen, "SYNC_CELLS", 0)
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SensitivityScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.findings is not None
        assert "H2  Beta: 1 change" in "\n".join(_lines(screen))

    drive(app, script)


def test_jumping_to_a_hidden_item_shows_it(race: Path) -> None:
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        for key in "curfew":
            await pilot.press(key)
        await pilot.press("enter")
        assert app.view.evidence_ids == ["E4"]
        app.main.jump_to("H3", "E1")
        await pilot.pause()
        assert app.view.filter == ""
        assert app.view.current() == ("H3", "E1")

    drive(app, script)


# -- diagnosticity -------------------------------------------------------------------


def _dimmed(grid: Any, evidence: str) -> bool:
    """Is the evidence id in the grid's header drawn as non-diagnostic (italic)?"""
    styles = {seg.text.strip(): seg.style for seg in grid.render_line(0) if seg.text.strip()}
    return bool(styles[evidence] and styles[evidence].italic)


def test_non_diagnostic_items_are_dimmed_and_can_be_hidden(race: Path) -> None:
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        grid = app.main.grid
        assert _dimmed(grid, "E4"), "E4 (all N) is non-diagnostic"
        assert not _dimmed(grid, "E3")
        await pilot.press("D")
        assert app.view.evidence_ids == ["E1", "E2", "E3"]
        assert "E4" not in grid.render_line(0).text
        assert "3 of 4, non-diag. hidden" in grid.render_line(1).text
        await pilot.press("shift+right")  # moving evidence is refused while hiding
        assert list(app.session.evidence) == ["E1", "E2", "E3", "E4"]
        await pilot.press("D")
        assert app.view.evidence_ids == ["E1", "E2", "E3", "E4"]
        # Rating E3 alike for every hypothesis marks it at once.
        await pilot.press("right", "right", "2")  # H1/E3: I -> C: now C, C, C
        assert app.view.is_flat("E3")
        assert _dimmed(grid, "E3"), "the header is redrawn at once"

    drive(app, script)


# -- several analysts ------------------------------------------------------------------


def test_consensus_view_shows_consensus_codes_and_disputes_and_refuses_ratings(
    small: Path,
) -> None:
    app = make_app(small)  # E1/H1: lead C, bob II -> consensus I, extreme dispute

    async def script(pilot: Pilot[None]) -> None:
        grid = app.main.grid
        assert grid.render_line(HEADER_HEIGHT).text.split()[4:5] == ["C"], "lead's own code first"
        await pilot.press("c")
        assert app.view.consensus
        row = grid.render_line(HEADER_HEIGHT).text
        assert " I³" in row, "consensus I with the extreme-dispute mark"
        assert "consensus view" in app.main.sub_title
        detail = app.main.query_one("#detail")
        text = detail.full_text().plain
        assert "consensus: I (inconsistent) · extreme dispute" in text
        assert "votes: lead C, bob II" in text
        before = store.load_data(small)["ratings"]
        await pilot.press("1", "0", "5")
        assert app.session.data["ratings"] == before, "nobody's ratings change"
        assert not app.session.dirty
        assert app.view.current() == ("H1", "E1")
        await pilot.press("c")
        assert not app.view.consensus
        assert " I³" not in grid.render_line(HEADER_HEIGHT).text
        await pilot.press("1")
        assert app.session.code("E1", "H1") == "CC"
        assert app.session.code("E1", "H1", "bob") == "II"

    drive(app, script)


# -- milestones ----------------------------------------------------------------------------


async def _fill(pilot: Pilot[None], values: dict[str, str]) -> None:
    form = pilot.app.screen
    assert isinstance(form, ItemForm)
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.value = value
        else:
            widget.value = value  # type: ignore[attr-defined]
    await pilot.press("ctrl+s")


def test_milestones_add_edit_status_undo_save_and_the_refutation_flag(race: Path) -> None:
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        ranking = app.main.query_one("#ranking")
        assert "!" not in drawn(ranking)
        await pilot.press("M")
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        # add a milestone to the highlighted hypothesis (H1)
        await pilot.press("a")
        await _fill(pilot, {"title": "Leaders flee abroad", "due": "2022-02-30"})
        form = app.screen
        assert isinstance(form, ItemForm), "a wrong date keeps the form open"
        assert "2022-01-31" in str(form.query_one("#error-due").render())
        await _fill(pilot, {"due": "2022-02-28", "expect": "supports"})
        assert app.screen is screen
        assert list(app.session.milestones) == ["M1", "M2"]
        assert app.session.milestones["M2"]["due"].isoformat() == "2022-02-28"
        assert screen.rows[screen.query_one(OptionList).highlighted or 0] == ("milestone", "M2")
        # edit its title
        await pilot.press("e")
        await _fill(pilot, {"title": "Leaders flee to Moscow"})
        assert app.session.milestones["M2"]["title"] == "Leaders flee to Moscow"
        # M1 refutes the leader H1: observing it raises the flag
        screen.query_one(OptionList).highlighted = screen.rows.index(("milestone", "M1"))
        await pilot.press("s")
        assert app.session.milestones["M1"]["status"] == "observed"
        assert "was observed and refutes the leading hypothesis H1" in str(
            screen.query_one(OptionList).get_option_at_index(0).prompt
        )
        await pilot.press("escape")
        shown = drawn(ranking)
        assert "! M1 observed, refutes the leader H1" in shown
        assert "!1 H1" in shown, "the leader's line is marked"
        assert app.main.grid.render_line(HEADER_HEIGHT).text.startswith("!1 H1"), (
            "and its row in the grid"
        )
        # undo (in the grid) takes the status back and the flag away
        await pilot.press("u")
        await pilot.pause()
        assert app.session.milestones["M1"]["status"] == "open"
        assert "!" not in drawn(ranking)
        await pilot.press("ctrl+r")
        await pilot.pause()  # the pane grows by the warning's lines: a new layout
        assert "! M1 observed" in drawn(ranking)
        await pilot.press("ctrl+s")
        saved = store.load_data(race)["milestones"]
        assert saved["M1"]["status"] == "observed"
        assert saved["M2"]["title"] == "Leaders flee to Moscow"
        assert not app.session.dirty
        # another leader: the warning goes
        await pilot.press("5")  # H1/E1: C -> II; H1 now trails
        assert app.view.ranking.hypotheses[0].id != "H1"
        assert "! M1" not in drawn(ranking)

    drive(app, script, size=(100, 30))


def test_milestones_status_cycles_deletes_and_undoes_in_the_screen(race: Path) -> None:
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("M")
        screen = app.screen
        assert isinstance(screen, MilestonesScreen)
        await pilot.press("down")  # H1 -> M1
        await pilot.press("s", "s", "s")
        assert app.session.milestones["M1"]["status"] == "open"
        await pilot.press("x")
        assert "milestones" not in app.session.data
        assert ("milestone", "M1") not in screen.rows
        await pilot.press("u")
        assert app.session.milestones["M1"]["status"] == "open"
        await pilot.press("u", "u", "u")
        assert app.session.milestones["M1"] == {
            "hypothesis": "H1",
            "title": "Army units defect",
            "expect": "refutes",
            "status": "open",
        }
        assert not app.session.dirty

    drive(app, script)


def test_help_lists_the_analysis_keys(race: Path) -> None:
    app = make_app(race)

    async def script(pilot: Pilot[None]) -> None:
        rows = {name: keys for keys, _, name, _ in app.main.key_rows()}
        assert rows["Sensitivity"] == "s"
        assert rows["Consensus"] == "c"
        assert rows["Milestones"] == "M"
        assert rows["Hide non-diag."] == "D"

    drive(app, script)

"""Pending evidence in the editor: P marks an item pending or collected (u undoes),
pending columns are drawn apart and count in no score, and the "next" pane (N)
lists the pending items by value and follows the ratings."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import drive

from achbench.store.toml import load_data
from achbench.tui.app import make_app
from achbench.tui.keymap import binding_ids
from achbench.tui.widgets.grid import HEADER_HEIGHT, PENDING_MARK
from achbench.tui.widgets.next_pane import PAUSE, NextPane

PENDING = textwrap.dedent(
    """\
    format = "achbench/1"
    title = "Who cut the power"
    analyst = "lead"

    [hypotheses.H1]
    title = "Alpha"

    [hypotheses.H2]
    title = "Beta"

    [evidence.E1]
    title = "Riots in the capital"

    [evidence.E2]
    title = "Leaked memo"

    [evidence.E3]
    title = "Arrests abroad"
    status = "pending"

    [ratings.lead.E1]
    H1 = "C"
    H2 = "I"

    [ratings.lead.E2]
    H1 = "II"
    H2 = "CC"

    [ratings.lead.E3]
    H1 = "CC"
    H2 = "II"
    """
)
"""Heuer: H1 2, H2 1 from E1 and E2, so H2 leads; E3 is pending (it would add 2 to H2)."""


@pytest.fixture
def pending(tmp_path: Path) -> Path:
    path = tmp_path / "pending.toml"
    path.write_text(PENDING, encoding="utf-8")
    return path


def _leaders(app: Any) -> list[str]:
    return [h.id for h in app.view.ranking.hypotheses if h.rank == 1]


def test_p_marks_the_item_pending_and_u_takes_it_back(pending: Path) -> None:
    app = make_app(pending, method="heuer")

    async def script(pilot: Pilot[None]) -> None:
        assert _leaders(app) == ["H2"]
        await pilot.press("right", "P")  # E2, the memo that tells against H1
        await pilot.pause()
        assert app.session.evidence["E2"]["status"] == "pending"
        assert app.session.dirty
        assert _leaders(app) == ["H1"]  # E2 counts no more: H1 0, H2 1
        await pilot.press("P")
        assert "status" not in app.session.evidence["E2"]  # collected: the key goes
        assert _leaders(app) == ["H2"]
        await pilot.press("P", "u")
        await pilot.pause()
        assert "status" not in app.session.evidence["E2"]
        assert _leaders(app) == ["H2"]
        await pilot.press("ctrl+r")
        assert app.session.evidence["E2"]["status"] == "pending"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.session.dirty

    drive(app, script)
    saved = load_data(pending)
    assert saved["evidence"]["E2"]["status"] == "pending"
    assert saved["evidence"]["E3"]["status"] == "pending"
    assert "status" not in saved["evidence"]["E1"]


def test_pending_columns_are_drawn_apart_and_count_in_no_score(pending: Path) -> None:
    app = make_app(pending, method="heuer")

    async def script(pilot: Pilot[None]) -> None:
        grid = app.main.grid
        ids = grid.render_line(0).text
        assert f"{PENDING_MARK}E3" in ids
        assert f"{PENDING_MARK}E1" not in ids
        assert "pending" in grid.render_line(HEADER_HEIGHT - 1).text
        assert "3 items, 1 pending" in grid.render_line(1).text
        # E3's cells are dimmed; E1's are not.
        row = list(grid.render_line(HEADER_HEIGHT))
        cc = next(s for s in row if s.text.strip() == "CC")
        c = next(s for s in row if s.text.strip() == "C")
        assert cc.style is not None
        assert cc.style.dim
        assert c.style is None or not c.style.dim
        # Every collected item is rated: no "? unrated" mark for the pending one.
        assert app.view.rated_note("H1") is None
        assert [h.score for h in app.view.ranking.hypotheses] == [1.0, 2.0]
        await pilot.press("t")  # transposed: the pending item's row is marked
        await pilot.pause()
        labels = [grid.render_line(HEADER_HEIGHT + i).text for i in range(3)]
        assert labels[2].startswith(f"{PENDING_MARK}E3")
        assert not labels[0].startswith(PENDING_MARK)

    drive(app, script, size=(100, 30))


def test_the_next_pane_lists_pending_items_and_follows_ratings(pending: Path) -> None:
    app = make_app(pending, method="heuer")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("N")
        await pilot.pause()
        pane = app.main.query_one(NextPane)
        assert pane.display
        assert pane.result is not None
        (first,) = pane.result.candidates
        assert (first.id, first.changes_leader, first.leaders_if_observed) == ("E3", 1.0, ("H1",))
        assert "E3" in str(pane.render())
        assert "new leader" in str(pane.render())
        computed = pane.computed
        # Rate E3 alike for both: seeing it would change nothing.
        await pilot.press("a", "right", "right", "down", "1")  # advance off; E3 / H2 = CC
        assert app.session.code("E3", "H2") == "CC"
        assert pane.computed == computed  # not at once: once the keys pause
        await pilot.pause(PAUSE + 0.2)
        assert pane.computed == computed + 1
        assert pane.result.candidates[0].changes_leader == 0.0
        assert "same lead" in str(pane.render())
        # A rating of a collected item moves the leader the pane weighs against.
        await pilot.press("left", "up", "5")  # E2 / H1 = II already: E2 / H1 stays
        await pilot.press("m", "m", "m")  # bayes
        await pilot.pause(PAUSE + 0.2)
        assert pane.result.method == "bayes"
        assert "bits" in str(pane.render())
        # Hidden, it works nothing out.
        await pilot.press("N")
        assert not pane.display
        computed = pane.computed
        await pilot.press("2")
        await pilot.pause(PAUSE + 0.2)
        assert pane.computed == computed

    drive(app, script, size=(100, 30))


def test_p_and_n_do_nothing_on_other_screens(pending: Path) -> None:
    app = make_app(pending, method="heuer")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("P", "N")
        await pilot.pause()
        assert "status" not in app.session.evidence["E1"]
        assert not app.main.query(NextPane)

    drive(app, script)


def test_p_and_n_are_letters_in_the_filter_box(pending: Path) -> None:
    app = make_app(pending, method="heuer")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("slash", "P", "N")
        await pilot.pause()
        assert app.view.filter == "PN"
        assert "status" not in app.session.evidence["E1"]
        assert not app.main.query(NextPane)

    drive(app, script)


def test_the_keys_have_ids_for_the_keymap_and_help(pending: Path) -> None:
    assert {"toggle_pending", "next_pane"} <= binding_ids()
    app = make_app(pending, method="heuer", keymap={"toggle_pending": "f7"})

    async def script(pilot: Pilot[None]) -> None:
        rows = {row[1]: row for row in app.main.key_rows()}
        assert rows["toggle_pending"][0] == "f7"
        assert "next_pane" in rows
        await pilot.press("f7")
        assert app.session.evidence["E1"]["status"] == "pending"

    drive(app, script)


def test_snapshot_pending_item_and_next_pane(snap_compare: Any, pending: Path) -> None:
    async def settle(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("N", "m", "m", "m")
        await pilot.pause(PAUSE + 0.2)

    assert snap_compare(
        make_app(pending, method="heuer"), terminal_size=(100, 30), run_before=settle
    )

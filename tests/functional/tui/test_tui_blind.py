"""Blind rating in the editor, driven with Pilot: ``--blind`` hides everything but the
item being rated, shows its hypotheses in the seeded order and the cells left, and
reveals the scores with the distance to the others' consensus after the last cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static
from tui_helpers import drive

from achbench.analysis.blind import cells_left, default_seed, hypothesis_order
from achbench.store import toml as store
from achbench.tui.app import make_app
from achbench.tui.screens.blind import BlindScreen
from achbench.tui.screens.dialogs import ChoiceDialog


def _text(screen: BlindScreen) -> str:
    parts = ("#blind-item", "#blind-hypotheses", "#blind-description")
    return "\n".join(str(screen.query_one(p, Static).render()) for p in parts)


def _listed(screen: BlindScreen) -> list[str]:
    """The hypothesis ids in the order the screen lists them."""
    lines = str(screen.query_one("#blind-hypotheses", Static).render()).splitlines()
    return [line[2:].split()[0] for line in lines if line[2:3] == "H"]


def test_blind_rating_hides_the_analysis_until_the_last_cell(small: Path) -> None:
    app = make_app(small, blind=True, seed=7)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, BlindScreen)
        assert not screen.query("#ranking, #grid, #detail"), "no grid, no scores, no panes"
        assert screen.sub_title == "lead · 9 cells left"
        assert "seed 7" in str(screen.query_one("#blind-keys", Static).render())
        # E1 first: lead rated H1 C and H2 I; bob's II for H1 is nowhere on the screen
        assert screen.evidence == "E1"
        assert _listed(screen) == hypothesis_order(["H1", "H2", "H3"], 7, "E1")
        shown = _text(screen)
        assert "Riots in the capital" in shown
        assert "II" not in shown
        assert screen.hypothesis == "H3", "on the item's first unrated hypothesis"
        await pilot.press("3")  # N for E1/H3, then on to E2
        assert app.session.code("E1", "H3") == "N"
        assert screen.evidence == "E2"
        assert "8 cells left" in screen.sub_title
        assert _listed(screen) == hypothesis_order(["H1", "H2", "H3"], 7, "E2")
        # u takes it back (and returns to the cell)
        await pilot.press("u")
        assert app.session.code("E1", "H3") is None
        assert (screen.evidence, screen.hypothesis) == ("E1", "H3")
        assert "9 cells left" in screen.sub_title
        for _ in range(8):
            await pilot.press("2")  # C everywhere left but one
        assert isinstance(app.screen, BlindScreen)
        assert "1 cell left" in screen.sub_title
        await pilot.press("5")  # the last cell: everything is revealed
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.id == "reveal"
        assert "lead has rated every collected cell" in dialog.message
        assert "Against the consensus of bob over 2 cells rated by both" in dialog.message
        await pilot.press("c")
        assert app.screen is app.main
        assert app.main.query_one("#ranking").display
        rated = app.session.data["ratings"]["lead"]
        assert sum(len(row) for row in rated.values()) == 12
        assert app.session.dirty

    drive(app, script)


def test_cells_left_follow_rating_clearing_and_rating_again(small: Path) -> None:
    """The count moves by the one cell each key changes, as a full count finds it."""
    app = make_app(small, blind=True, seed=7)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, BlindScreen)

        def counted() -> int:
            return cells_left(app.session.data, app.session.analyst)

        await pilot.press("3")  # E1/H3 rated, on to E2
        assert screen.left == counted() == 8
        await pilot.press("left")  # back to E1, then to its H3 row
        rows = hypothesis_order(["H1", "H2", "H3"], 7, "E1")
        step = rows.index("H3") - screen.row
        await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step))
        assert screen.hypothesis == "H3"
        await pilot.press("0")  # cleared: one more left
        assert app.session.code("E1", "H3") is None
        assert screen.left == counted() == 9
        await pilot.press("0")  # clearing an unrated cell changes nothing
        assert screen.left == counted() == 9
        await pilot.press("4")  # rated again
        assert screen.left == counted() == 8
        assert "8 cells left" in screen.sub_title

    drive(app, script)


def test_leaving_early_asks_and_b_goes_on_where_it_stopped(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        assert app.screen is app.main
        await pilot.press("B")
        screen = app.screen
        assert isinstance(screen, BlindScreen)
        assert screen.seed == default_seed("lead", "small.toml"), "seeded by analyst and file"
        await pilot.press("1")
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("s")  # stay
        assert app.screen is screen
        await pilot.press("escape", "l")  # leave: the scores show again
        assert app.screen is app.main
        await pilot.press("B")
        again = app.screen
        assert isinstance(again, BlindScreen)
        assert "8 cells left" in again.sub_title
        await pilot.press("ctrl+s")
        assert store.load_data(small)["ratings"]["lead"]["E1"]["H3"] == "CC"

    drive(app, script)


def test_blind_with_nothing_left_says_so(small: Path) -> None:
    text = small.read_text(encoding="utf-8")
    full = "\n".join(f'[ratings.lead.E{i}]\nH1 = "C"\nH2 = "C"\nH3 = "N"\n' for i in range(1, 5))
    head, _, _ = text.partition("[ratings.lead.E1]")
    small.write_text(head + full, encoding="utf-8")
    app = make_app(small, blind=True)

    async def script(pilot: Pilot[None]) -> Any:
        await pilot.pause()
        assert app.screen is app.main

    drive(app, script)


Compare = Callable[..., bool]


def test_blind_screen_snapshot_80x24(snap_compare: Any, small: Path) -> None:
    # The file's name is in the title and the seed is given: the picture is the same anywhere.
    assert snap_compare(make_app(small, blind=True, seed=7), terminal_size=(80, 24))


def test_blind_screen_on_the_example_snapshot_80x24(snap_compare: Any) -> None:
    app = make_app(None, analyst="second", blind=True, seed=2022)

    async def rate(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("2", "4", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=rate)


def test_seed_without_blind_is_refused(small: Path) -> None:
    from click.testing import CliRunner

    from achbench.cli import main

    result = CliRunner().invoke(main, ["edit", str(small), "--seed", "3"])
    assert result.exit_code == 2
    assert "--seed orders the hypotheses of --blind: give --blind too" in result.output
    assert "Traceback" not in result.output


def test_many_hypotheses_scroll_to_the_one_highlighted(tmp_path: Path) -> None:
    hypotheses = "".join(f'[hypotheses.H{i}]\ntitle = "Hypothesis {i}"\n\n' for i in range(1, 41))
    path = tmp_path / "many.toml"
    path.write_text(
        f'format = "achbench/1"\ntitle = "Many"\nanalyst = "lead"\n\n{hypotheses}'
        '[evidence.E1]\ntitle = "One item"\n',
        encoding="utf-8",
    )
    app = make_app(path, blind=True, seed=1)

    async def script(pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, BlindScreen)
        body = screen.query_one("#blind-body")
        for _ in range(30):
            await pilot.press("2")
        await pilot.pause()
        assert screen.row == 30
        assert body.scroll_y > 0, "the list scrolled down with the ratings"
        assert "10 cells left" in screen.sub_title

    drive(app, script)


def test_blind_starts_after_the_recovery_question(small: Path) -> None:
    """A blind session stopped by a crash: the next ``--blind`` offers the unsaved
    ratings back first, then goes on rating blind with them."""
    from achbench.editing.session import Session

    session = Session.open(small)
    session.rate("E4", "H2", "NA")
    session.write_recovery()
    app = make_app(small, blind=True, seed=7)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.id == "recover"
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BlindScreen)
        assert screen.sub_title == "lead · 8 cells left"

    drive(app, script)

"""The detail pane shows the Admiralty marks, the origin and the diagnosticity caveats
of the evidence under the cursor, and the live scores count an origin once."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import drive

from achbench.store import toml as store
from achbench.tui.app import make_app

MATRIX = {
    "format": "achbench/1",
    "title": "Graded",
    "hypotheses": {"H1": {"title": "coup"}, "H2": {"title": "protest"}},
    "evidence": {
        "E1": {"title": "Kazakh statement", "cites": "S", "grade": "4", "origin": "gov"},
        "E2": {"title": "Chinese statement", "origin": "gov"},
    },
    "sources": {"S": {"title": "Agency", "reliability": "D"}},
    "ratings": {"lead": {"E1": {"H1": "C", "H2": "I"}, "E2": {"H1": "I", "H2": "C"}}},
}


def test_detail_pane_shows_grades_origin_and_caveats(tmp_path: Path) -> None:
    path = tmp_path / "graded.toml"
    path.write_text(store.dumps(MATRIX), encoding="utf-8")
    app = make_app(path)

    async def script(pilot: Pilot[None]) -> None:
        assert app.view.current() == ("H1", "E1")
        text = app.main.query_one("#detail").full_text().plain
        assert "credibility low" in text  # D4: mean rank 4
        assert "source D not usually reliable" in text
        assert "grade 4 doubtful" in text
        assert "credibility from the Admiralty marks" in text
        assert "origin gov" in text
        assert "only looks diagnostic? its diagnosticity rests on low credibility" in text
        assert "point the other way (E2)" in text
        # The origin counts once: the live ranking agrees with rank (a tie at 0.5).
        ranking = app.session.live.ranking("heuer")
        assert [(h.id, h.rank, h.score) for h in ranking.hypotheses] == [
            ("H1", 1, 0.5),
            ("H2", 1, 0.5),
        ]

    drive(app, script, size=(100, 40))


def test_sensitivity_screen_leaves_an_origin_out_and_goes_to_its_first_item(
    tmp_path: Path,
) -> None:
    """gov (E1, E2 rated alike) counts once: H1 1 (E3), H2 2 (gov).  Without gov,
    H2 leads; the screen names the origin's items and Enter goes to E1."""
    from textual.widgets import OptionList

    from achbench.tui.screens.sensitivity import SensitivityScreen

    data = {
        "format": "achbench/1",
        "title": "Origins",
        "hypotheses": {"H1": {"title": "coup"}, "H2": {"title": "protest"}},
        "evidence": {
            "E1": {"title": "Kazakh statement", "origin": "gov"},
            "E2": {"title": "Russian statement", "origin": "gov"},
            "E3": {"title": "Crowds"},
        },
        "ratings": {
            "lead": {
                "E1": {"H1": "C", "H2": "II"},
                "E2": {"H1": "C", "H2": "II"},
                "E3": {"H1": "I", "H2": "N"},
            }
        },
    }
    path = tmp_path / "origins.toml"
    path.write_text(store.dumps(data), encoding="utf-8")
    app = make_app(path)

    async def script(pilot: Pilot[None]) -> None:
        app.main.jump_to("H1", "E3")
        assert app.view.current() == ("H1", "E3")
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SensitivityScreen)
        lines = [line.plain for line in screen.lines]
        text = "\n".join(lines)
        assert "gov  Kazakh statement\norigin of E1 and E2; without it, leader changes" in text
        index = next(i for i, t in enumerate(lines) if t.startswith("gov"))
        screen.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        assert app.screen is app.main
        assert app.view.current() == ("H1", "E1")

    drive(app, script, size=(100, 40))

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

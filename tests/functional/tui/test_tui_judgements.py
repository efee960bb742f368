"""The judgements form: a probability per hypothesis, the sum live, Ctrl+N normalises."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import drive

from achbench.tui.app import make_app
from achbench.tui.screens.judgements import JudgementsForm, parse_probability


def test_parse_probability() -> None:
    assert parse_probability(" 0.25 ") == 0.25
    assert parse_probability("30%") == 0.3
    assert parse_probability("") is None


def test_judgements_form_sum_normalise_apply_undo(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("J")
        form = app.screen
        assert isinstance(form, JudgementsForm)
        await pilot.press(*"0.2", "tab", *"0.2", "tab", *"0.4")
        total = str(form.query_one("#judgement-sum", Static).render())
        assert "Sum: 0.800" in total
        assert "Ctrl+N" in total
        await pilot.press("ctrl+n")
        # 0.2 / 0.8 = 0.25, 0.4 / 0.8 = 0.5
        assert [i.value for i in form.query(Input)] == ["0.25", "0.25", "0.5"]
        assert "Sum: 1.000" in str(form.query_one("#judgement-sum", Static).render())
        await pilot.press("enter")
        assert not isinstance(app.screen, JudgementsForm)
        assert app.session.judgements() == {"H1": 0.25, "H2": 0.25, "H3": 0.5}
        await pilot.press("u")
        assert app.session.judgements() == {}
        assert "judgements" not in app.session.data
        await pilot.press("J", "escape")
        assert not isinstance(app.screen, JudgementsForm)

    drive(app, script)

"""Snapshots of what the analyst sees (pytest-textual-snapshot).

Update after an intended change with ``pytest --snapshot-update`` and look at the
SVGs under ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_helpers import SMALL

from achbench.tui.app import make_app

Compare = Callable[..., bool]


@pytest.fixture
def compare(snap_compare: Any) -> Compare:
    """Compare the editor's screen at a fixed size after pressing keys, cursors steady."""

    def run(app: Any, press: Sequence[str] = (), size: tuple[int, int] = (100, 30)) -> bool:
        async def settle(pilot: Pilot[None]) -> None:
            await pilot.pause()
            if press:
                await pilot.press(*press)
            for widget in pilot.app.screen.query("Input, TextArea"):
                assert isinstance(widget, Input | TextArea)
                widget.cursor_blink = False
            await pilot.pause()

        return bool(snap_compare(app, terminal_size=size, run_before=settle))

    return run


def test_main_screen_on_the_example_80x24(compare: Compare) -> None:
    assert compare(make_app(None), size=(80, 24))


def test_main_screen_on_the_example_200x50(compare: Compare) -> None:
    assert compare(make_app(None), press=["right", "right", "down"], size=(200, 50))


def test_transposed_grid(compare: Compare) -> None:
    assert compare(make_app(None), press=["t", "m", "m", "m"])


def test_help_screen(compare: Compare) -> None:
    assert compare(make_app(None), press=["question_mark"])


def test_edit_form(compare: Compare) -> None:
    assert compare(make_app(None), press=["e"], size=(100, 40))


def test_quit_dialog(compare: Compare, small: Path) -> None:
    assert compare(make_app(small), press=["5", "q"])


def test_sensitivity_screen_80x24(compare: Compare) -> None:
    assert compare(make_app(None), press=["s"], size=(80, 24))


def test_milestones_screen(compare: Compare) -> None:
    assert compare(make_app(None), press=["M", "down", "down"])


def test_consensus_view(compare: Compare, small: Path) -> None:
    assert compare(make_app(small), press=["c"], size=(80, 24))


CONFLICTS = """
[conflicts.C1]
key = "ratings.lead.E1.H2"
base = "N"
ours = "I"
theirs = "CC"

[conflicts.C2]
key = "evidence.E3.title"
base = "Troops arrive"
ours = "Troops arrive by air"
theirs = "Troops land at Almaty airport"
"""


@pytest.fixture
def conflicted(tmp_path: Path) -> Path:
    path = tmp_path / "conflicted.toml"
    path.write_text(SMALL + CONFLICTS, encoding="utf-8")
    return path


def test_readable_headers_wider_columns_120x35(compare: Compare) -> None:
    assert compare(make_app(None), press=["greater_than_sign"] * 4, size=(120, 35))


def test_conflict_banner_and_marks_80x24(compare: Compare, conflicted: Path) -> None:
    assert compare(make_app(conflicted), size=(80, 24))


def test_conflict_dialog_200x50(compare: Compare, conflicted: Path) -> None:
    assert compare(make_app(conflicted), press=["C"], size=(200, 50))


def test_conflict_resolved_200x50(compare: Compare, conflicted: Path) -> None:
    assert compare(make_app(conflicted), press=["C", "t"], size=(200, 50))


def test_quick_add_form_80x24(compare: Compare, small: Path) -> None:
    keys = ["E", *"Curfew declared", "enter", *"Airport seized"]
    assert compare(make_app(small), press=keys, size=(80, 24))


def test_quick_add_form_200x50(compare: Compare, small: Path) -> None:
    keys = ["E", *"Curfew declared", "enter", *"Airport seized"]
    assert compare(make_app(small), press=keys, size=(200, 50))


def test_rationale_editor_80x24(compare: Compare) -> None:
    """``n`` on a cell of the example whose rating has a note: the note form, filled."""
    assert compare(make_app(None), press=["right", "n"], size=(80, 24))

"""Long work runs in the background and keys typed meanwhile still land.

At 100x10,000 a save takes seconds and sorting by diagnosticity two; both run
off the editor's thread (``benchmarks/terminal_bench.py`` measures the screen).
Here the thresholds are lowered to run them in the background on the small
matrix, and the background work is held until the test lets it go, so the keys
pressed meanwhile surely arrive while it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import drive

from achbench.editing.session import Session
from achbench.store import toml as store
from achbench.tui import app as app_module
from achbench.tui.app import make_app
from achbench.tui.screens import main as main_module
from achbench.tui.view import GridView

HELD = 10.0
"""Seconds a held worker waits at most: a worker run on the editor's thread would
hold the keys that release it, so the test fails (rather than hangs)."""


def _held(
    work: Callable[[], object], gate: threading.Event, ran: list[str]
) -> Callable[[], object]:
    def run() -> object:
        ran.append(threading.current_thread().name)
        assert gate.wait(HELD), "the test never let the background work go"
        return work()

    return run


def test_save_runs_in_the_background_and_a_rating_pressed_meanwhile_lands(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "BACKGROUND_CELLS", 0)
    gate = threading.Event()
    ran: list[str] = []
    start_save = Session.start_save

    def held_save(self: Session, *args: object, **kwargs: object) -> object:
        return _held(start_save(self, *args, **kwargs), gate, ran)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "start_save", held_save)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        assert app.view.current() == ("H1", "E1")
        await pilot.press("ctrl+s", "1")
        assert app.saving
        assert "saving" in app.view.busy
        assert "[saving...]" in app.main.title, "the title shows the save under way"
        assert app.session.code("E1", "H1") == "CC", "the rating pressed during the save landed"
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.saving
        assert not app.view.busy
        assert ran
        assert ran[0] != threading.main_thread().name
        saved = store.load_data(small)
        assert saved["ratings"]["lead"]["E1"]["H1"] == "C", "the file holds the save's moment"
        assert app.session.dirty, "the later rating is still unsaved"
        assert "[modified]" in app.main.title
        assert "saving" not in app.main.title
        await pilot.press("ctrl+s")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.load_data(small)["ratings"]["lead"]["E1"]["H1"] == "CC"
        assert not app.session.dirty

    drive(app, script)


def test_sort_runs_in_the_background_and_arrows_pressed_meanwhile_move(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "BACKGROUND_ITEMS", 0)
    gate = threading.Event()
    ran: list[str] = []
    snapshot = GridView.sort_snapshot

    def held_snapshot(self: GridView) -> object:
        return _held(snapshot(self), gate, ran)

    monkeypatch.setattr(GridView, "sort_snapshot", held_snapshot)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        before = app.view.cursor
        await pilot.press("d", "down")
        assert "sorting" in app.view.busy
        assert "[sorting...]" in app.main.title
        assert not app.view.sorted
        assert app.view.cursor != before, "the arrow pressed during the sort moved the cursor"
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ran
        assert ran[0] != threading.main_thread().name
        assert app.view.sorted
        assert not app.view.busy
        session = app.session
        expected = session.live.sorted_by_diagnosticity(app.view.method, session.evidence)
        assert app.view.evidence_ids == expected
        await pilot.press("d")
        assert not app.view.sorted, "d again goes back to file order at once"
        assert app.view.evidence_ids == list(session.evidence)

    drive(app, script)


def test_on_a_long_matrix_the_filter_waits_for_a_pause_in_typing(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "BACKGROUND_ITEMS", 0)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("slash", "E", "3")
        box = app.main.query_one("#filter", Input)
        assert box.value == "E3", "every letter typed shows at once"
        assert app.view.filter == "", "the filter waits for a pause"
        await pilot.pause(main_module.FILTER_PAUSE * 3)
        assert app.view.filter == "E3"
        assert app.view.evidence_ids == ["E3"]
        await pilot.press("backspace", "enter")
        assert app.view.filter == "E", "Enter applies the filter at once"

    drive(app, script)


def test_a_new_method_sorts_a_sorted_long_matrix_again_in_the_background(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "BACKGROUND_ITEMS", 0)
    gate = threading.Event()
    ran: list[str] = []
    snapshot = GridView.sort_snapshot

    sorts = 0

    def held_snapshot(self: GridView) -> object:
        nonlocal sorts
        sorts += 1
        work = snapshot(self)
        return work if sorts == 1 else _held(work, gate, ran)  # hold the re-sort

    monkeypatch.setattr(GridView, "sort_snapshot", held_snapshot)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.view.sorted
        before = list(app.view.evidence_ids)
        await pilot.press("m")
        assert app.view.method != "heuer"
        assert "sorting" in app.view.busy, "the new method's sort runs in the background"
        assert app.view.evidence_ids == before, "the rows keep their order meanwhile"
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ran, "the re-sort ran"
        assert ran[0] != threading.main_thread().name, "in a worker"
        assert not app.view.busy
        session = app.session
        expected = session.live.sorted_by_diagnosticity(app.view.method, session.evidence)
        assert app.view.evidence_ids == expected

    drive(app, script)

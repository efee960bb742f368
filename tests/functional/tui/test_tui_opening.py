"""A large file is read once the editor is on screen, and nothing typed meanwhile is lost.

``make_app(..., open_in_background_from=0)`` treats the small test matrix as
large; the read is held on an event, so keys are typed while it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import drive

from achbench.core.errors import MatrixFileError
from achbench.editing.session import Session
from achbench.tui.app import make_app
from achbench.tui.screens.main import MainScreen
from achbench.tui.screens.opening import OpeningScreen, size_text


@pytest.fixture
def held_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """``Session.open`` waits for the event to be set before it reads."""
    release = threading.Event()
    real = Session.open

    def slow_open(path: Path | str, analyst: str | None = None) -> Session:
        assert release.wait(10), "the test never released the read"
        return real(path, analyst)

    monkeypatch.setattr(Session, "open", staticmethod(slow_open))
    yield release
    release.set()


async def _until_main(pilot: Pilot[None]) -> None:
    for _ in range(200):
        if isinstance(pilot.app.screen, MainScreen):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the matrix never showed")


def test_keys_typed_while_reading_reach_the_matrix_in_order(
    small: Path, held_read: threading.Event
) -> None:
    app = make_app(small, open_in_background_from=0)

    async def script(pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, OpeningScreen)
        assert "small.toml" in str(app.screen.query_one("#opening").render())
        # Right to E2, rate CC (advance moves down to H2), then rate H2/E2 C.
        await pilot.press("right", "1", "2")
        assert isinstance(app.screen, OpeningScreen), "nothing acted before the matrix"
        held_read.set()
        await _until_main(pilot)
        assert app.session.code("E2", "H1") == "CC"
        assert app.session.code("E2", "H2") == "C"
        assert app.session.dirty
        await pilot.press("u")  # and the editor takes keys as usual afterwards
        assert app.session.code("E2", "H2") is None

    drive(app, script)
    assert app.open_error is None


def test_ctrl_q_while_reading_stops_at_once(small: Path, held_read: threading.Event) -> None:
    app = make_app(small, open_in_background_from=0)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+q")
        await pilot.pause()
        held_read.set()

    drive(app, script)
    assert app.return_code in (None, 0)
    assert app.exit_message() is None


def test_a_bad_large_file_stops_the_editor_with_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "achbench/1"\ntitle = "Bad"\n[hypotheses.H1\n', encoding="utf-8")
    app = make_app(bad, open_in_background_from=0)

    async def script(pilot: Pilot[None]) -> None:
        for _ in range(200):
            if not app.is_running:
                return
            await pilot.pause(0.02)

    drive(app, script)
    assert app.return_code == 2
    assert isinstance(app.open_error, MatrixFileError)
    assert any("bad.toml" in line for line in app.open_error.lines())


def test_small_files_are_read_before_the_editor_starts(small: Path) -> None:
    app = make_app(small)
    assert app.opening is None
    assert app.session.path == small


def test_sizes_read_as_a_person_reads_them() -> None:
    assert [size_text(n) for n in (812, 14_200, 9_640_000)] == ["812 bytes", "14 KB", "9.6 MB"]

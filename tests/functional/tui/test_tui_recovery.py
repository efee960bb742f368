"""Nothing lost: signals and crashes keep unsaved work; the next start offers it back."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import drive

from achbench.editing.session import Session
from achbench.store import toml as store
from achbench.tui.app import make_app
from achbench.tui.screens.dialogs import ChoiceDialog
from achbench.tui.screens.main import MainScreen


def _recovery(path: Path) -> Path:
    return path.parent / ".small.recover.toml"


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_signal_writes_unsaved_work_to_the_recovery_file(small: Path, name: str) -> None:
    app = make_app(small)
    before = small.read_bytes()

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        os.kill(os.getpid(), getattr(signal, name))
        await pilot.pause()

    drive(app, script)
    assert app.stopped_by == name
    assert app.return_code == 128 + int(getattr(signal, name))
    recovery = _recovery(small)
    assert app.recovered_to == recovery
    assert recovery.stat().st_mode & 0o077 == 0, "only the owner may read it"
    assert "unsaved changes to" in recovery.read_text(encoding="utf-8").splitlines()[0]
    assert store.parse(recovery.read_text(encoding="utf-8"))["ratings"]["lead"]["E1"]["H1"] == "II"
    assert small.read_bytes() == before, "the matrix itself is untouched"


def test_signal_without_changes_writes_nothing(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await pilot.pause()

    drive(app, script)
    assert app.recovered_to is None
    assert not _recovery(small).exists()


def test_unexpected_error_keeps_unsaved_work(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: MainScreen) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(MainScreen, "action_transpose", broken)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "t")

    with pytest.raises(RuntimeError, match="boom"):
        drive(app, script)
    assert app.recovered_to == _recovery(small)
    assert "II" in _recovery(small).read_text(encoding="utf-8")


def _leave_recovery(small: Path) -> None:
    session = Session.open(small)
    session.rate("E4", "H2", "NA")
    session.write_recovery()


def test_next_start_offers_to_restore(small: Path) -> None:
    _leave_recovery(small)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.id == "recover"
        await pilot.press("r")
        assert app.session.code("E4", "H2") == "NA"
        assert app.session.dirty
        assert app.title.endswith("[modified]")
        await pilot.press("ctrl+s")

    drive(app, script)
    assert store.load_data(small)["ratings"]["lead"]["E4"]["H2"] == "NA"
    assert not _recovery(small).exists(), "a save retires the recovery file"


def test_recovery_can_be_discarded_or_kept_for_later(small: Path) -> None:
    _leave_recovery(small)

    async def later(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("l")
        assert pilot.app.session.code("E4", "H2") is None  # type: ignore[attr-defined]

    drive(make_app(small), later)
    assert _recovery(small).exists()

    async def discard(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("d")

    drive(make_app(small), discard)
    assert not _recovery(small).exists()

"""Nothing lost: signals and crashes keep unsaved work; the next start offers it back."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import SMALL, drive

from achbench.core.errors import SaveError
from achbench.editing import snapshot as snapshot_module
from achbench.editing.recovery_files import RECOVERY_SUFFIX
from achbench.editing.session import Session
from achbench.store import toml as store
from achbench.store.atomic import Written
from achbench.tui.app import make_app
from achbench.tui.screens.dialogs import ChoiceDialog
from achbench.tui.screens.main import MainScreen


def _recovery(path: Path) -> Path:
    return path.parent / ".small.recover.toml"


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
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
    assert app.exit_message() == (
        f"achbench: unsaved work kept in {recovery}; open {small} again to restore it"
    )


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


# -- ctrl+c, which a terminal in raw mode sends as a key ----------------------------------


def test_ctrl_c_stops_as_sigint_would_and_keeps_the_work(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5", "3", "ctrl+c")
        await pilot.pause()

    drive(app, script)
    assert app.stopped_by == "SIGINT"
    assert app.return_code == 128 + signal.SIGINT
    ratings = store.parse(_recovery(small).read_text(encoding="utf-8"))["ratings"]
    assert ratings["lead"]["E1"] == {"H1": "II", "H2": "N"}
    assert app.exit_message() is not None
    assert str(_recovery(small)) in app.exit_message()  # type: ignore[operator]


def test_nothing_unsaved_nothing_said(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+c")
        await pilot.pause()

    drive(app, script)
    assert app.return_code == 128 + signal.SIGINT
    assert app.exit_message() is None
    assert not _recovery(small).exists()


# -- a matrix folder that cannot be written -----------------------------------------------


def _refuse_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make every write into ``folder`` fail as a read-only folder does.

    Tests may run as root, for whom chmod makes no folder read-only: refuse the
    write itself, as ``write_atomic`` reports a refused temporary file.
    """
    real = snapshot_module.write_atomic

    def refusing(path: Path | str, data: bytes, *, mode: int | None = None) -> Written:
        if Path(path).parent == folder:
            raise SaveError(f"{path}: cannot save: Permission denied; the file is unchanged")
        return real(path, data, mode=mode)

    monkeypatch.setattr(snapshot_module, "write_atomic", refusing)


def _state_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "state" / "achbench").glob(f"*{RECOVERY_SUFFIX}"))


def test_unwritable_folder_falls_back_to_the_state_folder(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = snapshot_module.write_atomic
    _refuse_folder(monkeypatch, small.parent)
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        os.kill(os.getpid(), signal.SIGTERM)
        await pilot.pause()

    drive(app, script)
    assert not _recovery(small).exists()
    [kept] = _state_files(tmp_path)
    assert app.recovered_to == kept
    assert kept.name.startswith("small-")
    assert kept.name.endswith(RECOVERY_SUFFIX)
    assert kept.stat().st_mode & 0o077 == 0, "only the owner may read it"
    assert f"unsaved changes to {small}" in kept.read_text(encoding="utf-8")
    assert app.exit_message() == (
        f"achbench: unsaved work kept in {kept}; open {small} again to restore it"
    )
    # The folder is writable again (not monkeypatch.undo(): that would also undo the
    # private state folder): the next editor finds the work in the state folder.
    monkeypatch.setattr(snapshot_module, "write_atomic", real_write)

    restored = make_app(small)

    async def restore(pilot: Pilot[None]) -> None:
        await pilot.pause()
        assert restored.screen.id == "recover", "found in the state folder"
        await pilot.press("r")
        assert restored.session.code("E1", "H1") == "II"
        await pilot.press("ctrl+s")

    drive(restored, restore)
    assert store.load_data(small)["ratings"]["lead"]["E1"]["H1"] == "II"
    assert _state_files(tmp_path) == [], "the save retires it"


def test_same_name_in_two_folders_keeps_two_fallback_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = tmp_path / "one" / "m.toml", tmp_path / "two" / "m.toml"
    for path in (one, two):
        path.parent.mkdir()
        path.write_text(SMALL, encoding="utf-8")
        _refuse_folder(monkeypatch, path.parent)
        session = Session.open(path)
        session.rate("E4", "H3", "CC")
        session.write_recovery()
    assert len(_state_files(tmp_path)) == 2
    assert Session.open(one).pending_recovery() != Session.open(two).pending_recovery()


def test_a_real_unwritable_place_falls_back(small: Path, tmp_path: Path) -> None:
    """No monkeypatching: the recovery file's place beside the matrix is taken by a
    folder, which no atomic rename can replace (not even root's)."""
    blocker = _recovery(small)
    blocker.mkdir()
    session = Session.open(small)
    session.rate("E1", "H2", "NA")
    kept = session.write_recovery()
    assert kept is not None
    assert kept.parent == tmp_path / "state" / "achbench"
    assert blocker.is_dir()
    assert not list(blocker.iterdir())
    assert Session.open(small).pending_recovery() == kept


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_falls_back(small: Path, tmp_path: Path) -> None:
    session = Session.open(small)
    session.rate("E1", "H2", "NA")
    small.parent.chmod(0o555)
    try:
        kept = session.write_recovery()
    finally:
        small.parent.chmod(0o755)
    assert kept is not None
    assert kept.parent == tmp_path / "state" / "achbench"


def test_when_no_place_can_keep_the_work_the_user_is_told(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_folder(monkeypatch, small.parent)
    _refuse_folder(monkeypatch, tmp_path / "state" / "achbench")
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        os.kill(os.getpid(), signal.SIGHUP)
        await pilot.pause()

    drive(app, script)
    assert app.recovered_to is None
    message = app.exit_message()
    assert message is not None
    assert message.startswith("achbench: unsaved work lost: ")
    assert ".small.recover.toml: cannot save: Permission denied" in message
    assert "state/achbench/small-" in message


# -- the background copy ------------------------------------------------------------------

QUICK = 0.05
"""A refresh interval short enough for a test (the real one is REFRESH_SECONDS)."""


async def _until(pilot: Pilot[None], check: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until ``check()`` holds (the copy is written by a thread)."""
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "timed out"
        await pilot.pause(QUICK)


def _kept_code(path: Path, evidence: str, hypothesis: str) -> object:
    if not path.exists():
        return None
    ratings = store.parse(path.read_text(encoding="utf-8")).get("ratings", {})
    assert isinstance(ratings, dict)
    return ratings.get("lead", {}).get(evidence, {}).get(hypothesis)


def test_unsaved_work_is_copied_in_the_background(small: Path) -> None:
    app = make_app(small, recovery_seconds=QUICK)
    recovery = _recovery(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.pause(QUICK * 4)
        assert not recovery.exists(), "nothing unsaved, nothing copied"
        await pilot.press("5")
        await _until(pilot, lambda: _kept_code(recovery, "E1", "H1") == "II")
        assert recovery.stat().st_mode & 0o077 == 0
        await pilot.press("3")
        await _until(pilot, lambda: _kept_code(recovery, "E1", "H2") == "N")
        assert app.is_running, "the editor keeps running"
        await pilot.press("ctrl+s")
        await pilot.pause(QUICK * 4)
        assert not recovery.exists(), "a save retires it"
        await pilot.press("6")
        await _until(pilot, recovery.exists)
        await pilot.press("u")
        await _until(pilot, lambda: not recovery.exists())  # undone back to the file: retired

    drive(app, script)
    assert app.recovery_error is None


def test_background_copy_goes_to_the_state_folder_when_the_folder_refuses(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_folder(monkeypatch, small.parent)
    app = make_app(small, recovery_seconds=QUICK)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        await _until(pilot, lambda: bool(_state_files(tmp_path)))

    drive(app, script)
    [kept] = _state_files(tmp_path)
    assert _kept_code(kept, "E1", "H1") == "II"
    assert not _recovery(small).exists()


def test_a_failing_background_copy_is_shown_once(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_folder(monkeypatch, small.parent)
    _refuse_folder(monkeypatch, tmp_path / "state" / "achbench")
    app = make_app(small, recovery_seconds=QUICK)
    shown: list[str] = []

    async def script(pilot: Pilot[None]) -> None:
        monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append(message))
        await pilot.press("5")
        await _until(pilot, lambda: app.recovery_error is not None)
        await pilot.pause(QUICK * 6)  # it tries again, and says nothing more
        assert app.is_running

    drive(app, script)
    assert len(shown) == 1
    assert shown[0].startswith("Unsaved work is not being kept: cannot keep unsaved work:")


def test_work_put_off_with_later_is_not_replaced_by_copies(small: Path, tmp_path: Path) -> None:
    _leave_recovery(small)
    before = _recovery(small).read_bytes()
    app = make_app(small, recovery_seconds=QUICK)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("l", "5")
        await _until(pilot, lambda: app.session.recovery.own is not None)

    drive(app, script)
    assert _recovery(small).read_bytes() == before, "the work put off is intact"
    [copy] = _state_files(tmp_path)
    assert _kept_code(copy, "E1", "H1") == "II"


def test_when_the_last_write_fails_the_background_copy_is_named(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(small, recovery_seconds=QUICK)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        await _until(pilot, lambda: _kept_code(_recovery(small), "E1", "H1") == "II")
        await pilot.press("3")
        _refuse_folder(monkeypatch, small.parent)
        _refuse_folder(monkeypatch, tmp_path / "state" / "achbench")
        os.kill(os.getpid(), signal.SIGTERM)
        await pilot.pause()

    drive(app, script)
    assert app.recovered_to is None
    message = app.exit_message()
    assert message is not None
    assert message.startswith("achbench: unsaved work could not be kept (cannot keep unsaved")
    assert f"is in {_recovery(small)}; open {small} again to restore it" in message
    assert _kept_code(_recovery(small), "E1", "H1") == "II", "the earlier copy is there"

"""Recovery files without a screen: where they go, the background snapshots, their order."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from achbench.core.errors import SaveError
from achbench.editing import recovery as recovery_module
from achbench.editing import snapshot as snapshot_module
from achbench.editing.recovery_files import (
    REFRESH_ENV,
    REFRESH_SECONDS,
    fallback_path,
    recovery_path,
    refresh_seconds,
    spare_path,
    state_dir,
)
from achbench.editing.session import Session
from achbench.editing.snapshot import copy_matrix
from achbench.store import toml as store
from achbench.store.atomic import Written
from tests.helpers import small_matrix

MILESTONES = {"M1": {"hypothesis": "H2", "title": "m1", "expect": "supports"}}


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep fallback recovery files out of the real home folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "m.toml"
    store.save(small_matrix(milestones=MILESTONES), target)
    return target


def _refuse(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """Writes into ``folders`` fail as in a read-only folder (root ignores chmod)."""
    real = snapshot_module.write_atomic

    def refusing(target: Path | str, data: bytes, *, mode: int | None = None) -> Written:
        if Path(target).parent in folders:
            raise SaveError(f"{target}: cannot save: Permission denied; the file is unchanged")
        return real(target, data, mode=mode)

    monkeypatch.setattr(snapshot_module, "write_atomic", refusing)


def _kept(target: Path) -> dict[str, Any]:
    return store.parse(target.read_text(encoding="utf-8"))


# -- where ---------------------------------------------------------------------------------


def test_state_dir_is_platformdirs_user_state_dir(tmp_path: Path) -> None:
    assert state_dir() == tmp_path / "state" / "achbench"


def test_fallback_name_identifies_the_matrix(path: Path, tmp_path: Path) -> None:
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    assert fallback_path(path) == tmp_path / "state" / "achbench" / f"m-{digest}.recover.toml"
    other = tmp_path / "elsewhere" / "m.toml"
    assert fallback_path(other) != fallback_path(path)
    assert fallback_path(tmp_path / "." / "m.toml") == fallback_path(path), "absolute path"


def test_unwritable_folder_falls_back_then_returns(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    _refuse(monkeypatch, path.parent)
    kept = session.write_recovery()
    assert kept == fallback_path(path)
    assert kept.stat().st_mode & 0o777 == 0o600
    assert _kept(kept)["ratings"]["lead"]["E2"]["H3"] == "II"
    assert Session.open(path).pending_recovery() == kept


def test_back_beside_the_matrix_the_fallback_copy_goes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = snapshot_module.write_atomic
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    _refuse(monkeypatch, path.parent)
    first = session.write_recovery()
    monkeypatch.setattr(snapshot_module, "write_atomic", real)
    session.rate("E2", "H1", "N")
    second = session.write_recovery()
    assert second == recovery_path(path)
    assert first == fallback_path(path)
    assert not first.exists(), "one copy, the newest"
    session.save()
    assert not second.exists()


def test_pending_takes_the_newest_of_the_two_places(path: Path) -> None:
    beside, fallback = recovery_path(path), fallback_path(path)
    fallback.parent.mkdir(parents=True)
    beside.write_text('format = "achbench/1"\n', encoding="utf-8")
    fallback.write_text('format = "achbench/1"\n', encoding="utf-8")
    os.utime(beside, (1_000_000, 1_000_000))
    assert Session.open(path).pending_recovery() == fallback
    os.utime(fallback, (500_000, 500_000))
    assert Session.open(path).pending_recovery() == beside


def test_discard_deletes_the_file_offered_and_the_next_is_offered_next(path: Path) -> None:
    beside, fallback = recovery_path(path), fallback_path(path)
    fallback.parent.mkdir(parents=True)
    for place in (beside, fallback):
        place.write_text('format = "achbench/1"\n', encoding="utf-8")
    os.utime(beside, (1_000_000, 1_000_000))
    session = Session.open(path)
    assert session.pending_recovery() == fallback
    session.discard_recovery()
    assert not fallback.exists()
    assert session.pending_recovery() == beside, "the older one is offered next"


def test_another_editors_file_is_never_replaced(path: Path) -> None:
    """B was killed and left its work beside the matrix (or it was put off with
    Later): this editor's copies go elsewhere, and the next run offers each."""
    b = Session.open(path)
    b.rate("E2", "H3", "II")
    theirs = b.write_recovery()
    assert theirs == recovery_path(path)
    a = Session.open(path)
    a.rate("E1", "H1", "NA")
    mine = a.write_recovery()
    assert mine == fallback_path(path)
    third = Session.open(path)
    third.rate("E3", "H3", "C")
    spare = third.write_recovery()
    assert spare == spare_path(path)
    assert spare is not None
    assert spare.name.endswith(f"-p{os.getpid()}.recover.toml")
    assert _kept(theirs)["ratings"]["lead"]["E2"]["H3"] == "II", "B's work is intact"
    assert _kept(mine)["ratings"]["lead"]["E1"]["H1"] == "NA"
    assert sorted(Session.open(path).recovery.candidates()) == sorted([theirs, mine, spare])
    third.rate("E3", "H3", "N")
    assert third.write_recovery() == spare, "its own file, written again"


def test_no_place_at_all_raises_naming_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    _refuse(monkeypatch, path.parent, fallback_path(path).parent)
    with pytest.raises(SaveError) as caught:
        session.write_recovery()
    assert str(recovery_path(path)) in str(caught.value)
    assert str(fallback_path(path)) in str(caught.value)
    assert session.recovery.own is None


def test_example_recovers_to_the_state_folder_only(tmp_path: Path) -> None:
    session = Session.example()
    folder = tmp_path / "state" / "achbench"
    assert session.recovery.places() == (
        folder / "kazakhstan-2022.recover.toml",
        folder / f"kazakhstan-2022-p{os.getpid()}.recover.toml",
    )


# -- the interval ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("", REFRESH_SECONDS), ("0.5", 0.5), ("2", 2.0), ("0", REFRESH_SECONDS),
     ("-1", REFRESH_SECONDS), ("soon", REFRESH_SECONDS), ("inf", REFRESH_SECONDS),
     ("nan", REFRESH_SECONDS)],
)  # fmt: skip
def test_refresh_interval_from_the_environment(
    text: str, seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert REFRESH_SECONDS == 10.0
    monkeypatch.setenv(REFRESH_ENV, text)
    assert refresh_seconds() == seconds


# -- snapshots ---------------------------------------------------------------------------------


def test_copy_matrix_is_equal_and_independent(path: Path) -> None:
    data = store.load_data(path)
    copy = copy_matrix(data)
    assert copy == data
    copy["ratings"]["lead"]["E1"]["H1"] = "NA"
    copy["evidence"]["E2"]["credibility"] = "low"
    copy["milestones"]["M1"]["title"] = "changed"
    copy["hypotheses"].pop("H3")
    assert data == store.load_data(path), "the original is untouched"


@pytest.fixture(params=["fork", "thread"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of writing a background copy: a forked child, or a thread on a copy."""
    forks = request.param == "fork"
    if forks and not hasattr(os, "fork"):
        pytest.skip("no fork here")
    monkeypatch.setattr(recovery_module, "FORKS", forks)
    return str(request.param)


def _copy(session: Session) -> Callable[[], Path | None]:
    write = session.background_recovery()
    assert write is not None, "there is something new to copy"
    return write


def _until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_background_copy_only_when_something_new_is_unsaved(path: Path, way: str) -> None:
    session = Session.open(path)
    assert session.background_recovery() is None, "nothing unsaved"
    session.rate("E2", "H3", "II")
    write = _copy(session)
    assert session.background_recovery() is None, "nothing new since"
    assert write() == recovery_path(path)
    assert recovery_path(path).stat().st_mode & 0o777 == 0o600
    assert _kept(recovery_path(path))["ratings"]["lead"]["E2"]["H3"] == "II"
    session.rate("E2", "H3", "N")
    assert _copy(session)() == recovery_path(path)
    assert _kept(recovery_path(path))["ratings"]["lead"]["E2"]["H3"] == "N"
    assert session.recovery.own == recovery_path(path)


def test_a_copy_is_of_the_instant_it_was_started(path: Path, way: str) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    write = _copy(session)
    session.rate("E2", "H3", "N")  # the editor goes on meanwhile
    session.rate("E1", "H1", "NA")
    assert write() == recovery_path(path)
    kept = _kept(recovery_path(path))["ratings"]["lead"]
    assert kept["E2"]["H3"] == "II"
    assert kept["E1"]["H1"] == "CC"


def test_an_older_copy_never_replaces_a_newer_one(path: Path, way: str) -> None:
    """A background copy may end after the write made at once when a signal came."""
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    older = _copy(session)
    session.rate("E2", "H3", "N")
    session.write_recovery()  # the signal's write, at once
    assert older() is None
    assert _kept(recovery_path(path))["ratings"]["lead"]["E2"]["H3"] == "N"
    assert session.recovery.own == recovery_path(path)


def test_a_copy_that_ends_after_a_save_is_removed(path: Path, way: str) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    late = _copy(session)
    if way == "fork":  # let the child finish writing before the save
        _until(recovery_path(path).exists)
    session.save()
    assert late() is None
    assert not recovery_path(path).exists(), "saved work is not offered back"


def test_undone_back_to_the_file_retires_the_copy(path: Path, way: str) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    kept = _copy(session)()
    assert kept is not None
    assert kept.exists()
    session.undo()
    assert session.background_recovery() is None
    assert not kept.exists()
    session.redo()
    assert session.background_recovery() is not None, "modified again: copied again"


def test_a_failed_copy_is_tried_again(
    path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    real = snapshot_module.write_atomic
    _refuse(monkeypatch, path.parent, fallback_path(path).parent)
    with pytest.raises(SaveError, match=r"cannot keep unsaved work: .*Permission denied"):
        _copy(session)()
    monkeypatch.setattr(snapshot_module, "write_atomic", real)
    assert _copy(session)() == recovery_path(path), "the same unsaved work, tried again"


def test_the_copy_goes_to_the_state_folder_when_the_folder_refuses(
    path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    _refuse(monkeypatch, path.parent)
    assert _copy(session)() == fallback_path(path)
    assert not recovery_path(path).exists()


def test_a_slow_child_is_stopped_by_a_newer_write(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    monkeypatch.setattr(recovery_module, "FORKS", True)

    def stuck(text: bytes, places: tuple[Path, ...]) -> Path:
        time.sleep(60)
        raise AssertionError("never reached")

    session = Session.open(path)
    session.rate("E2", "H3", "II")
    real = snapshot_module.write_places
    monkeypatch.setattr(snapshot_module, "write_places", stuck)  # as the child will see it
    older = _copy(session)
    job = session.recovery.job
    assert job is not None
    monkeypatch.setattr(snapshot_module, "write_places", real)
    session.rate("E2", "H3", "N")
    started = time.monotonic()
    session.write_recovery()
    assert older() is None, "stopped, it reports nothing"
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(job.pid, os.WNOHANG)  # no zombie left
    assert _kept(recovery_path(path))["ratings"]["lead"]["E2"]["H3"] == "N"


def test_a_thread_copy_is_written_while_the_editor_goes_on(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery_module, "FORKS", False)
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    write = _copy(session)
    written: list[Path | None] = []
    worker = threading.Thread(target=lambda: written.append(write()))
    worker.start()
    session.rate("E1", "H3", "CC")
    worker.join()
    assert written == [recovery_path(path)]
    assert _kept(recovery_path(path))["ratings"]["lead"]["E1"]["H3"] == "II", "as copied"


def test_when_no_process_can_be_forked_a_thread_writes_the_copy(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery_module, "FORKS", True)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    session = Session.open(path)
    session.rate("E2", "H3", "II")
    open_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    write = _copy(session)
    session.rate("E2", "H3", "N")
    assert write() == recovery_path(path)
    assert _kept(recovery_path(path))["ratings"]["lead"]["E2"]["H3"] == "II", "a copy"
    if open_before:
        assert len(os.listdir("/proc/self/fd")) == open_before, "the pipe was closed"


def test_a_child_that_dies_without_a_word_is_reported(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    monkeypatch.setattr(recovery_module, "FORKS", True)

    def stuck(text: bytes, places: tuple[Path, ...]) -> Path:
        time.sleep(60)
        raise AssertionError("never reached")

    session = Session.open(path)
    session.rate("E2", "H3", "II")
    real = snapshot_module.write_places
    monkeypatch.setattr(snapshot_module, "write_places", stuck)
    write = _copy(session)
    monkeypatch.setattr(snapshot_module, "write_places", real)
    job = session.recovery.job
    assert job is not None
    os.kill(job.pid, 9)  # the out-of-memory killer, say
    with pytest.raises(SaveError, match=r"recovery file ended \(killed by signal 9\)"):
        write()
    assert _copy(session)() == recovery_path(path), "tried again"

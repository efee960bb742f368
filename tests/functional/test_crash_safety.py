"""A save killed at any moment leaves the old matrix or the new one, never a mix.

A child process saves two versions of a large matrix in turn, as fast as it can;
the test kills it with SIGKILL at a random moment, a hundred times, and each time
the file must load and equal one of the two versions.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from benchmarks.generate import make_matrix

from achbench.core.errors import SaveError
from achbench.store.atomic import TEMP_SUFFIX
from achbench.store.toml import canonical, load_data, save
from tests.helpers import small_matrix

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")


def _versions() -> tuple[dict[str, Any], dict[str, Any]]:
    old = make_matrix(10, 400, seed=1)
    new = make_matrix(10, 400, seed=2)
    return old, new


def _saver(path: Path, versions: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Child: save the two versions in turn until killed.

    The disk is made slow (each fsync takes 30 ms more), as a real disk can be,
    so that many kills land while the new bytes are being written.
    """
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.03)
        real_fsync(fd)

    os.fsync = slow_fsync
    try:
        turn = 0
        while True:
            save(versions[turn % 2], path)
            turn += 1
    finally:
        os._exit(0)


@pytest.mark.slow
def test_sigkill_during_saves_never_leaves_a_broken_file(tmp_path: Path) -> None:
    versions = _versions()
    expected = [canonical(v) for v in versions]
    path = save(versions[0], tmp_path / "big.toml").path
    rng = random.Random(20260101)
    killed_mid_save = 0
    for _ in range(100):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            _saver(path, versions)
        time.sleep(rng.uniform(0.0, 0.12))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert load_data(path) in expected
        killed_mid_save += bool(list(tmp_path.glob(f"*{TEMP_SUFFIX}")))
    assert killed_mid_save >= 10, "too few kills landed mid-save for the test to mean much"
    save(versions[1], path)
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}")), "stale temp files were not cleaned up"
    assert load_data(path) == expected[1]


def test_save_into_a_read_only_folder_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, for whom no folder is read-only: simulate the refusal.
    import tempfile

    path = save(small_matrix(), tmp_path / "m.toml").path
    before = path.read_bytes()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(SaveError, match=r"m\.toml: cannot save: Permission denied; the file"):
        save(small_matrix(title="New"), path)
    assert path.read_bytes() == before


def test_save_onto_a_full_disk_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save(small_matrix(), tmp_path / "m.toml").path
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fd: int, mode: str) -> None:
            self.handle = real_fdopen(fd, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", FullDisk)
    with pytest.raises(SaveError, match="No space left on device; the file is unchanged"):
        save(small_matrix(title="New"), path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]

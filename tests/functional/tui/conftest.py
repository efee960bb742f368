"""Fixtures for the editor's tests: a small matrix file, private state and config
folders, and Pilot's idle checks made quicker.  Helpers live in ``tui_helpers``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import SMALL


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small matrix file: 3 hypotheses, 4 evidence items, analysts lead and bob."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _quick_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let Pilot look for idleness every 4 ms rather than 20 ms (keeps the suite quick)."""
    import textual._wait

    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.004)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.0002)


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep recovery files of the example out of the real home folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def _config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the editor's remembered settings out of the real user's config folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("ACHBENCH_CONFIG_DIR", str(folder))
    return folder

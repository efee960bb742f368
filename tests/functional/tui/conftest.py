"""Fixtures for driving the editor headless with Textual's Pilot.

``drive(app, script)`` runs ``script(pilot)`` inside ``app.run_test`` with
asyncio (no async plugin needed) and returns what the script returns.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from achbench.tui.app import AchbenchApp

SMALL = textwrap.dedent(
    """\
    format = "achbench/1"
    title = "Small test matrix"
    question = "Which of three explains four items?"
    analyst = "lead"

    [hypotheses.H1]
    title = "Alpha"
    description = "The first explanation."

    [hypotheses.H2]
    title = "Beta"

    [hypotheses.H3]
    title = "Gamma"
    prior = 0.5

    [evidence.E1]
    title = "Riots in the capital"
    source = "wire report"
    date = 2022-01-05
    kind = "fact"
    credibility = "high"
    relevance = "high"
    notes = "Seen by many."

    [evidence.E2]
    title = "Official statement blames foreigners"
    kind = "claim"
    credibility = "low"

    [evidence.E3]
    title = "Troops arrive by air"

    [evidence.E4]
    title = "Internet shut down"

    [ratings.lead.E1]
    H1 = "C"
    H2 = "I"

    [ratings.lead.E2]
    H3 = "CC"

    [ratings.bob.E1]
    H1 = "II"
    H3 = "N"
    """
)


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


Script = Callable[[Pilot[None]], Awaitable[Any]]


def drive(app: AchbenchApp, script: Script, size: tuple[int, int] = (80, 24)) -> Any:
    """Run ``script`` against ``app`` headless and return its result."""

    async def main() -> Any:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await script(pilot)

    return asyncio.run(main())

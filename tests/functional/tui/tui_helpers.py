"""Helpers for driving the editor headless with Textual's Pilot.

``drive(app, script)`` runs ``script(pilot)`` inside ``app.run_test`` with
asyncio (no async plugin needed) and returns what the script returns.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Awaitable, Callable
from typing import Any

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


Script = Callable[[Pilot[None]], Awaitable[Any]]


def drive(app: AchbenchApp, script: Script, size: tuple[int, int] = (80, 24)) -> Any:
    """Run ``script`` against ``app`` headless and return its result."""

    async def main() -> Any:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await script(pilot)

    return asyncio.run(main())


def drawn(widget: Any) -> str:
    """The lines a line-drawn widget shows."""
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))

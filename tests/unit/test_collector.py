"""The script holds the collector while it starts, and gives it back once the command is loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from achbench.cli import collector


@pytest.fixture
def restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    collector._held = False


@pytest.mark.usefixtures("restored")
def test_the_collector_is_held_until_the_command_is_loaded() -> None:
    gc.enable()
    collector.hold()
    assert not gc.isenabled()
    before = gc.get_freeze_count()
    collector.command_loaded()
    assert gc.isenabled(), "the command's own garbage is collected"
    assert gc.get_freeze_count() > before, "what was loaded is out of the collector's passes"
    collector.command_loaded()  # a second command lookup changes nothing
    assert gc.isenabled()


@pytest.mark.usefixtures("restored")
def test_a_command_line_not_started_by_the_script_leaves_the_collector_alone() -> None:
    gc.disable()
    collector.command_loaded()
    assert not gc.isenabled(), "only the script's own hold is released"

"""The editor's collector keeping (tui.heap): frozen once loaded, collected only
when keys pause, everything given back at the end."""

from __future__ import annotations

import gc

import pytest

from achbench.tui import heap
from achbench.tui.heap import HeapKeeper


def test_the_heap_is_frozen_collected_at_pauses_and_given_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [100.0]
    monkeypatch.setattr(heap.time, "monotonic", lambda: clock[0])
    keeper = HeapKeeper()
    assert not keeper.tick(), "nothing to do before the matrix is shown"
    try:
        keeper.pause()
        assert not gc.isenabled(), "no pass while the editor starts"
        keeper.start()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        keeper.input()
        clock[0] += heap.IDLE_SECONDS / 2
        assert not keeper.tick(), "no pass while keys come"
        clock[0] += heap.IDLE_SECONDS
        assert keeper.tick(), "a pass once they pause"
        assert not keeper.tick(), "and only one per pause"
        assert gc.get_freeze_count() > 0, "what survived is frozen in turn"
        clock[0] += heap.FULL_IDLE_SECONDS
        assert keeper.tick(), "a full pass after a long pause"
        assert not keeper.tick(), "once"
        assert gc.get_freeze_count() > 0
    finally:
        keeper.stop()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()

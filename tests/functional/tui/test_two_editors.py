"""Two editors on one file: the second to save is told the file changed on disk.

Two editor apps run side by side in one event loop (two ``App.run_test``
contexts, nested), both on the same file, as two analysts in two terminals
would.  Editor A rates E1/H1 and saves; editor B, which loaded the file before
A's save, rates E2/H1 and saves: B must be asked Overwrite / Reload / Save as,
and each answer must leave a valid file holding exactly the version it says.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import drive

from achbench.store import toml as store
from achbench.tui.app import AchbenchApp, make_app
from achbench.tui.screens.dialogs import ChoiceDialog, PathDialog

TwoScript = Callable[[Pilot[None], Pilot[None]], Awaitable[Any]]


def drive_two(a: AchbenchApp, b: AchbenchApp, script: TwoScript) -> Any:
    """Run ``script(pilot_a, pilot_b)`` with both editors open at once."""

    async def main() -> Any:
        async with a.run_test(size=(100, 30)) as pilot_a, b.run_test(size=(100, 30)) as pilot_b:
            await pilot_a.pause()
            await pilot_b.pause()
            return await script(pilot_a, pilot_b)

    return asyncio.run(main())


@pytest.fixture
def shared(small: Path) -> Path:
    """The small matrix in achbench's own layout (so a one-code change keeps its size)."""
    store.save(store.load_data(small), small)
    return small


def _code(path: Path, evidence: str, hypothesis: str, analyst: str = "lead") -> str | None:
    """A code as the file on disk holds it (the file must load: it is checked here)."""
    row = store.load_data(path).get("ratings", {}).get(analyst, {}).get(evidence, {})
    code: str | None = row.get(hypothesis)
    return code


def _grid_text(app: AchbenchApp) -> str:
    grid = app.main.grid
    return "\n".join(grid.render_line(y).text for y in range(grid.size.height))


async def _a_rates_and_saves(pilot: Pilot[None]) -> None:
    """Editor A: E1/H1 from C to II, saved."""
    await pilot.press("a", "5", "ctrl+s")
    app = pilot.app
    assert isinstance(app, AchbenchApp)
    assert not app.session.dirty, "A's save went through without a question"


async def _b_rates_another_cell(pilot: Pilot[None]) -> None:
    """Editor B: E2/H1 from unrated to NA (B still holds E1/H1 = C)."""
    await pilot.press("a", "right", "6")
    app = pilot.app
    assert isinstance(app, AchbenchApp)
    assert app.session.code("E2", "H1") == "NA"


async def _b_is_asked(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    assert isinstance(pilot.app.screen, ChoiceDialog)
    assert pilot.app.screen.id == "external-change", "B is told the file changed"


def test_second_save_overwrite_keeps_bs_version(shared: Path) -> None:
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _a_rates_and_saves(pa)
        await _b_rates_another_cell(pb)
        await _b_is_asked(pb)
        await pb.press("o")
        assert isinstance(b.screen, type(b.main)), "the question is gone"
        assert not b.session.dirty
        assert not b.title.endswith("[modified]")
        # B's whole version is on disk: A's rating of E1/H1 is gone, B's E2/H1 is there.
        assert _code(shared, "E1", "H1") == "C"
        assert _code(shared, "E2", "H1") == "NA"
        assert _code(shared, "E1", "H1", "bob") == "II", "other analysts kept"
        # Now A is the one behind: its next save is questioned in turn.
        await pa.press("4")
        await _b_is_asked(pa)
        await pa.press("c")
        assert a.session.dirty

    drive_two(a, b, script)


def test_second_save_reload_shows_as_version_and_drops_bs_change(shared: Path) -> None:
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _a_rates_and_saves(pa)
        on_disk = shared.read_bytes()
        await _b_rates_another_cell(pb)
        await _b_is_asked(pb)
        await pb.press("r")
        await pb.pause()
        # B now shows A's version, on screen too; B's unsaved NA is dropped,
        # and the history with it: undo cannot bring it back.
        assert b.session.code("E1", "H1") == "II"
        assert b.session.code("E2", "H1") is None
        assert not b.session.dirty
        assert b.session.undo() is None, "Reload forgets the history"
        first_row = next(line for line in _grid_text(b).splitlines() if " H1 " in line)
        assert "II" in first_row, "the grid redraws the reloaded code"
        assert shared.read_bytes() == on_disk, "Reload writes nothing"
        # B can go on from A's version and save without a question.
        await pb.press("6", "ctrl+s")
        assert not b.session.dirty
        assert _code(shared, "E2", "H1") == "NA"
        assert _code(shared, "E1", "H1") == "II", "A's rating survives"

    drive_two(a, b, script)


def test_second_save_save_as_writes_elsewhere_and_leaves_the_file(
    shared: Path, tmp_path: Path
) -> None:
    a, b = make_app(shared), make_app(shared)
    elsewhere = tmp_path / "b-version.toml"

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _a_rates_and_saves(pa)
        on_disk = shared.read_bytes()
        await _b_rates_another_cell(pb)
        await _b_is_asked(pb)
        await pb.press("a")
        assert isinstance(b.screen, PathDialog)
        b.screen.query_one("#path", Input).value = str(elsewhere)
        await pb.press("enter")
        assert shared.read_bytes() == on_disk, "the shared file is untouched"
        assert b.session.path == elsewhere, "B now edits its own copy"
        assert not b.session.dirty
        # A, untouched by all this, saves again without a question.
        await pa.press("2", "ctrl+s")
        assert isinstance(a.screen, type(a.main))

    drive_two(a, b, script)
    assert _code(elsewhere, "E1", "H1") == "C"
    assert _code(elsewhere, "E2", "H1") == "NA"
    assert _code(shared, "E1", "H1") == "C", "A's second rating (C) saved"


def test_cancel_saves_nothing_and_the_next_save_asks_again(shared: Path) -> None:
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _a_rates_and_saves(pa)
        on_disk = shared.read_bytes()
        await _b_rates_another_cell(pb)
        await _b_is_asked(pb)
        await pb.press("c")
        assert b.session.dirty
        assert shared.read_bytes() == on_disk
        await _b_is_asked(pb)
        await pb.press("escape")
        assert shared.read_bytes() == on_disk

    drive_two(a, b, script)


def test_same_size_and_same_mtime_is_still_a_change(shared: Path) -> None:
    """A filesystem with coarse timestamps (ext3, HFS+: one second) can give A's
    save the very mtime B loaded, and a one-code change (C to N) keeps the size:
    B must be asked all the same."""
    before = shared.stat()
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await pa.press("a", "3", "ctrl+s")  # E1/H1: C -> N, same length
        assert shared.stat().st_size == before.st_size
        os.utime(shared, ns=(before.st_atime_ns, before.st_mtime_ns))
        await _b_rates_another_cell(pb)
        await _b_is_asked(pb)

    drive_two(a, b, script)


@pytest.mark.parametrize("answer", ["o", "r", "a", "c"])
def test_quit_save_is_asked_again_when_the_other_editor_saved(
    shared: Path, tmp_path: Path, answer: str
) -> None:
    """A and B both have unsaved changes; A saves; B quits and answers Save:
    B is asked about the change on disk before anything is written."""
    a, b = make_app(shared), make_app(shared)
    elsewhere = tmp_path / "b-version.toml"

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await pa.press("a", "5")
        await _b_rates_another_cell(pb)
        assert a.session.dirty
        assert b.session.dirty
        await pa.press("ctrl+s")
        on_disk = shared.read_bytes()
        await pb.press("q")
        assert b.screen.id == "quit"
        await pb.press("s")
        assert b.screen.id == "external-change", "Save from the quit question asks again"
        assert shared.read_bytes() == on_disk
        await pb.press(answer)
        if answer == "a":
            b.screen.query_one("#path", Input).value = str(elsewhere)
            await pb.press("enter")
        await pb.pause()
        if answer in ("o", "a"):  # saved (here or elsewhere): the quit goes on
            assert not b.is_running
        else:  # Reload or Cancel: B stays open, the quit is called off
            assert b.is_running
            assert b.session.dirty == (answer == "c")
            assert isinstance(b.screen, type(b.main))

    drive_two(a, b, script)
    if answer == "o":
        assert _code(shared, "E1", "H1") == "C"
        assert _code(shared, "E2", "H1") == "NA"
    else:
        assert _code(shared, "E1", "H1") == "II", "A's save stands"
        assert _code(shared, "E2", "H1") is None
    if answer == "a":
        assert _code(elsewhere, "E2", "H1") == "NA"


def test_one_editors_save_keeps_the_others_recovery_file(shared: Path) -> None:
    """B is stopped (its terminal closed) with unsaved work: A's later save must
    not delete B's recovery file, and the next editor offers it back."""
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _b_rates_another_cell(pb)
        b.stop_for_signal("SIGHUP")
        await pb.pause()
        assert b.recovered_to is not None
        await _a_rates_and_saves(pa)
        assert b.recovered_to.exists(), "A's save leaves B's unsaved work alone"

    drive_two(a, b, script)
    assert _code(shared, "E1", "H1") == "II"
    restored = make_app(shared)

    async def restore(pilot: Pilot[None]) -> None:
        await pilot.pause()
        assert restored.screen.id == "recover", "the next editor offers B's work back"
        await pilot.press("r")
        assert restored.session.code("E2", "H1") == "NA"
        assert restored.session.code("E1", "H1") == "C", "B's matrix, from before A's save"
        await pilot.press("ctrl+s")
        assert restored.screen.id == "external-change", "saving it would undo A's save: asked"
        await pilot.press("c")

    drive(restored, restore)
    assert _code(shared, "E1", "H1") == "II"


@pytest.mark.slow
def test_background_copies_never_replace_the_others_recovery_file(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B is stopped and leaves its work beside the file; A goes on editing, and its
    background copies go to the state folder.  The next editor offers A's work
    (the newest); discarded, B's is offered the time after."""
    a, b = make_app(shared, recovery_seconds=0.05), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _b_rates_another_cell(pb)
        b.stop_for_signal("SIGHUP")
        await pb.pause()
        await pa.press("a", "right", "right", "1")  # A: E3/H1 from unrated to CC
        for _ in range(200):
            if a.session.recovery.own is not None:
                break
            await pa.pause(0.05)
        assert a.session.recovery.own is not None, "A's copy was written"
        assert a.session.recovery.own.parent.name == "achbench", "in the state folder"

    drive_two(a, b, script)
    assert b.recovered_to is not None
    kept = store.parse(b.recovered_to.read_text(encoding="utf-8"))
    assert kept["ratings"]["lead"]["E2"]["H1"] == "NA", "B's work is intact"
    assert "E3" not in kept["ratings"]["lead"], "A's rating is not in B's file"

    async def offered(pilot: Pilot[None], evidence: str) -> None:
        await pilot.pause()
        assert pilot.app.screen.id == "recover"
        await pilot.press("r")
        app = pilot.app
        assert isinstance(app, AchbenchApp)
        assert app.session.code(evidence, "H1") is not None
        await pilot.press("q", "d")  # quit, discarding: the file offered goes

    first = make_app(shared)
    drive(first, lambda pilot: offered(pilot, "E3"))
    second = make_app(shared)
    drive(second, lambda pilot: offered(pilot, "E2"))
    assert make_app(shared).session.pending_recovery() is None


def test_second_save_merge_keeps_both_changes_then_saves(shared: Path) -> None:
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _a_rates_and_saves(pa)  # A: E1/H1 II
        await _b_rates_another_cell(pb)  # B: E2/H1 NA
        await _b_is_asked(pb)
        assert ("m", "Merge") in b.screen.choices
        on_disk = shared.read_bytes()
        await pb.press("m")
        await pb.pause()
        assert isinstance(b.screen, type(b.main)), "the question is gone"
        assert b.session.code("E1", "H1") == "II", "A's change is in"
        assert b.session.code("E2", "H1") == "NA", "B's change is kept"
        assert b.session.conflicts == {}
        assert b.session.dirty, "the merge is unsaved until B saves"
        assert shared.read_bytes() == on_disk, "Merge writes nothing"
        first_row = next(line for line in _grid_text(b).splitlines() if " H1 " in line)
        assert "II" in first_row, "the grid shows the merged code"
        # Undo takes the whole merge back in one step; redo brings it again.
        await pb.press("u")
        assert b.session.code("E1", "H1") == "C"
        assert b.session.code("E2", "H1") == "NA"
        await pb.press("ctrl+r")
        assert b.session.code("E1", "H1") == "II"
        await pb.press("ctrl+s")  # the disk's version is now the base: no question
        assert not b.session.dirty
        assert _code(shared, "E1", "H1") == "II"
        assert _code(shared, "E2", "H1") == "NA"

    drive_two(a, b, script)


def test_second_save_merge_records_a_conflict_on_the_same_cell(shared: Path) -> None:
    a, b = make_app(shared), make_app(shared)

    async def script(pa: Pilot[None], pb: Pilot[None]) -> None:
        await _a_rates_and_saves(pa)  # A: E1/H1 C -> II
        await pb.press("a", "4")  # B: E1/H1 C -> I
        await _b_is_asked(pb)
        await pb.press("m")
        await pb.pause()
        assert b.session.code("E1", "H1") == "I", "ours is kept while the conflict stands"
        [record] = b.session.conflicts.values()
        assert record["key"] == "ratings.lead.E1.H1"
        assert (record["base"], record["ours"], record["theirs"]) == ("C", "I", "II")
        banner = b.main.query_one("#conflicts")
        assert banner.display
        assert "1 merge conflict" in str(banner.render())
        assert ("H1", "E1") in b.view.conflicted_cells
        await pb.press("C", "t")  # settle as theirs
        assert b.session.code("E1", "H1") == "II"
        assert b.session.conflicts == {}
        await pb.press("ctrl+s")
        assert not b.session.dirty
        assert "conflicts" not in store.load_data(shared)
        assert _code(shared, "E1", "H1") == "II"

    drive_two(a, b, script)

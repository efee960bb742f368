"""Reading a source beside the matrix (issue 14, point 6): ``v`` opens the document
the evidence item under the cursor cites, scrolled to its highlighted quote; a
selected passage and ``E`` make a new item citing it; Escape goes back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_helpers import SMALL, drive

from achbench.store.toml import load_data as load
from achbench.tui.app import AchbenchApp, make_app
from achbench.tui.screens.forms import ItemForm
from achbench.tui.screens.main import MainScreen
from achbench.tui.screens.source import SourceScreen, SourceText

QUOTE_LINE = 30
"""The line of the document holding E2's quote."""


def paragraph(n: int) -> str:
    if n == QUOTE_LINE:
        return (
            f"Paragraph {n}: officials said \u201cforeign-backed terrorists\u201d attacked "
            "the city; protesters denied it."
        )
    return f"Paragraph {n}: the protests began over the price of gas and spread to Almaty."


def matrix(tmp_path: Path, lines: int = 60, path: str = "docs/wire.txt") -> Path:
    """SMALL with source S1 (``path``, holding ``lines`` paragraphs) cited by E2 and E4."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    text = "\n".join(paragraph(n) for n in range(1, lines + 1)) + "\n"
    (tmp_path / "docs" / "wire.txt").write_text(text, encoding="utf-8")
    cited = (
        '[evidence.E2]\ntitle = "Official statement blames foreigners"\ncites = "S1"\n'
        "quote = 'said \"foreign-backed terrorists\" attacked'\n"
    )
    source = f'[sources.S1]\ntitle = "Wire commentary"\npath = "{path}"\n\n[ratings.lead.E1]'
    content = (
        SMALL.replace('[evidence.E2]\ntitle = "Official statement blames foreigners"\n', cited)
        .replace('[evidence.E4]\ntitle = "Internet shut down"\n', cited.replace("E2", "E4"))
        .replace("[ratings.lead.E1]", source, 1)
    )
    target = tmp_path / "cited.toml"
    target.write_text(content, encoding="utf-8")
    return target


def on(evidence: str) -> tuple[str, ...]:
    """Keys that put the cursor on an evidence item of SMALL (items are columns)."""
    return ("right",) * (int(evidence[1:]) - 1)


def shown(app: AchbenchApp) -> list[str]:
    """What the app has notified, capturing ``notify`` (set before the keys)."""
    return app.__dict__.setdefault("_shown", [])


def capture(app: AchbenchApp) -> AchbenchApp:
    messages = shown(app)
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        messages.append(message)
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return app


def quote_on_screen(text: SourceText) -> bool:
    """The quote's first row is within the rows the text area shows."""
    assert text.quote is not None
    row = text.quote[0][0] - text.first
    y = text.wrapped_document.location_to_offset((row, text.quote[0][1])).y
    return text.scroll_y <= y < text.scroll_y + text.scrollable_content_region.height


async def scrolled_to_quote(pilot: Pilot[None], text: SourceText) -> bool:
    """Whether the quote comes on screen: the scroll to it may land a refresh or two
    after the screen opens (on a busy machine, several)."""
    for _ in range(100):
        if quote_on_screen(text):
            return True
        await pilot.pause(0.05)
    return False


def test_v_opens_the_cited_source_at_its_highlighted_quote(tmp_path: Path) -> None:
    app = make_app(matrix(tmp_path))

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(*on("E2"), "v")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SourceScreen)
        assert screen.status == "E2's quote, highlighted: line 30."
        text = screen.query_one(SourceText)
        assert text.has_focus
        assert text.read_only
        assert text.quote == ((QUOTE_LINE - 1, 24), (QUOTE_LINE - 1, 65))
        assert await scrolled_to_quote(pilot, text)
        line = text.get_line(QUOTE_LINE - 1)
        styled = [(s.start, s.end) for s in line.spans if s.style and s.style.bgcolor]
        assert styled == [(24, 65)]
        assert line.plain[24:65] == "said \u201cforeign-backed terrorists\u201d attacked"
        assert not any(s.style for s in text.get_line(0).spans)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)

    drive(app, script)


@pytest.mark.parametrize(
    ("evidence", "change", "message"),
    [
        ("E3", None, "E3 cites no source (give it cites = a source id)."),
        (
            "E2",
            "missing",
            "Source S1: {folder}/docs/gone.txt: no such file (a source's path is read from "
            "the matrix file's folder).",
        ),
        ("E2", "no path", "Source S1 has no path: add path = the document's file to [sources.S1]."),
        ("E2", "not utf-8", "is not UTF-8 text (byte 3)"),
    ],
)
def test_v_says_why_a_source_cannot_be_read(
    tmp_path: Path, evidence: str, change: str | None, message: str
) -> None:
    target = matrix(tmp_path, path="docs/gone.txt" if change == "missing" else "docs/wire.txt")
    if change == "no path":
        target.write_text(target.read_text().replace('path = "docs/wire.txt"\n', ""))
    if change == "not utf-8":
        (tmp_path / "docs" / "wire.txt").write_bytes(b"ab\xff\xfe")
    app = capture(make_app(target))

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(*on(evidence), "v")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)

    drive(app, script)
    assert len(shown(app)) == 1
    assert message.format(folder=tmp_path) in shown(app)[0]


def test_a_quote_not_in_the_document_opens_it_at_the_top_and_says_so(tmp_path: Path) -> None:
    target = matrix(tmp_path)
    target.write_text(target.read_text().replace("foreign-backed terrorists", "bandits", 1))
    app = make_app(target)

    async def script(pilot: Pilot[None]) -> str:
        await pilot.press(*on("E2"), "v")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SourceScreen)
        assert screen.query_one(SourceText).selection.end == (0, 0)
        return screen.status

    assert drive(app, script) == (
        "E2's quote is not in this document (achbench check --sources lists it)."
    )


def test_a_selected_passage_becomes_a_new_item_with_its_title_focused(tmp_path: Path) -> None:
    target = matrix(tmp_path)
    app = make_app(target)

    async def script(pilot: Pilot[None]) -> tuple[str, int]:
        await pilot.press(*on("E2"), "v")
        await pilot.pause()
        text = pilot.app.screen.query_one(SourceText)
        text.selection = text.selection.cursor((QUOTE_LINE - 2, 14))  # line 29, "the protests"
        await pilot.press(*["shift+down"] * 3, *["shift+right"] * 4)
        await pilot.pause()
        selected, last_row = text.selected_text, text.selection.end[0]
        await pilot.press("E")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ItemForm)
        assert pilot.app.focused is form.query_one("#field-title")
        assert form.title_text.startswith(f"New evidence from S1, lines 29-{last_row + 1}: “the")
        await pilot.press(*"Protesters deny the official account", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SourceScreen)
        await pilot.press("escape", "ctrl+s")
        await pilot.pause()
        return selected, last_row

    selected, last_row = drive(app, script)
    assert last_row >= QUOTE_LINE - 1  # the selection reaches into the quote's line
    data = load(target)
    assert list(data["evidence"]) == ["E1", "E2", "E5", "E3", "E4"]  # after the item opened
    item = data["evidence"]["E5"]
    assert item["title"] == "Protesters deny the official account"
    assert item["cites"] == "S1"
    assert item["locator"] == f"lines 29-{last_row + 1}"
    assert item["quote"].startswith("the protests began over the price of gas")
    assert item["quote"] == " ".join(selected.split())
    assert "\n" not in item["quote"]
    assert item["source"] == "Wire commentary"


def test_editing_an_item_with_e_keeps_its_cites_quote_and_locator(tmp_path: Path) -> None:
    target = matrix(tmp_path)
    target.write_text(
        target.read_text().replace("attacked'\n", 'attacked\'\nlocator = "line 30"\n', 1)
    )
    app = make_app(target)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(*on("E2"), "e", *" (edited)", "enter", "ctrl+s")
        await pilot.pause()

    drive(app, script)
    item = load(target)["evidence"]["E2"]
    assert item["title"] == "Official statement blames foreigners (edited)"
    assert (item["cites"], item["locator"]) == ("S1", "line 30")
    assert item["quote"] == 'said "foreign-backed terrorists" attacked'


def test_a_passage_dragged_with_the_mouse_becomes_the_quote(tmp_path: Path) -> None:
    target = matrix(tmp_path)
    app = make_app(target)

    def at(text: SourceText, column: int) -> tuple[int, int]:
        """Where on the text area a column of the quote's line is drawn."""
        offset = text.wrapped_document.location_to_offset((QUOTE_LINE - 1, column))
        return offset.x + text.gutter_width, offset.y - int(text.scroll_y)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(*on("E2"), "v")
        await pilot.pause()
        text = pilot.app.screen.query_one(SourceText)
        for _ in range(100):  # the scroll to the quote may land a refresh later
            if 0 <= at(text, 14)[1] < text.size.height:
                break
            await pilot.pause(0.05)
        await pilot.mouse_down(SourceText, offset=at(text, 14))
        await pilot.hover(SourceText, offset=at(text, 28))
        await pilot.mouse_up(SourceText, offset=at(text, 28))
        await pilot.pause()
        assert text.selected_text == "officials said"
        await pilot.press("E", *"Dragged", "enter", "escape", "ctrl+s")
        await pilot.pause()

    drive(app, script)
    item = load(target)["evidence"]["E5"]
    assert (item["quote"], item["locator"], item["cites"]) == ("officials said", "line 30", "S1")


def test_E_without_a_selection_says_what_to_do_and_u_undoes_an_added_item(tmp_path: Path) -> None:
    app = capture(make_app(matrix(tmp_path)))

    async def script(pilot: Pilot[None]) -> list[str]:
        await pilot.press(*on("E4"), "v", "E")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SourceScreen)
        await pilot.press("shift+end", "E", *"Item", "enter", "escape")
        await pilot.pause()
        evidence = list(app.session.evidence)
        await pilot.press("u")
        await pilot.pause()
        return [*evidence, "|", *app.session.evidence]

    assert drive(app, script) == ["E1", "E2", "E3", "E4", "E5", "|", "E1", "E2", "E3", "E4"]
    assert shown(app)[0].startswith("Select a passage first")


def test_a_large_document_opens_at_the_quote_and_reads_to_its_end(tmp_path: Path) -> None:
    app = make_app(matrix(tmp_path, lines=40_000))  # about 3 MB: shown a window at a time

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(*on("E2"), "v")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SourceScreen)
        text = screen.query_one(SourceText)
        assert screen.window[1] < 40_000
        assert await scrolled_to_quote(pilot, text)
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert screen.window[1] == screen.document.rows
        assert text.line_number_start + text.document.line_count - 1 == screen.document.rows
        last = screen.document.rows - 2  # the final line break opens an empty last row
        text.selection = text.selection.cursor((last - screen.window[0], 0))
        await pilot.press("shift+end", "E")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ItemForm)
        assert "line 40000" in form.title_text
        await pilot.press("escape", "g")
        await pilot.pause()
        assert screen.window[0] < QUOTE_LINE < screen.window[1]
        assert await scrolled_to_quote(pilot, text)

    drive(app, script)


def test_the_wheel_at_the_end_of_a_window_moves_it_on(tmp_path: Path) -> None:
    app = make_app(matrix(tmp_path, lines=20_000))

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(*on("E2"), "v")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SourceScreen)
        text = screen.query_one(SourceText)
        before = screen.window
        text.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        text.post_message(
            events.MouseScrollDown(text, 5, 5, 0, 0, 0, False, False, False, screen_x=5, screen_y=5)
        )
        await pilot.pause()
        first, last = screen.window
        assert first > before[0]
        assert last > before[1]
        assert text.line_number_start == first + 1
        assert text.document.line_count == last - first
        row = text.selection.end[0] + first  # the cursor stays on the row it was on
        assert text.document.get_line(text.selection.end[0]).startswith(f"Paragraph {row + 1}:")

    drive(app, script)


def test_v_in_the_filter_box_is_typed_not_a_command(tmp_path: Path) -> None:
    app = make_app(matrix(tmp_path))

    async def script(pilot: Pilot[None]) -> str:
        await pilot.press(*on("E2"), "slash", "v")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
        return pilot.app.screen.query_one("#filter", Input).value

    assert drive(app, script) == "v"


def test_the_source_screen_at_80x24(tmp_path: Path, snap_compare: Callable[..., bool]) -> None:
    async def settle(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press(*on("E2"), "v")
        for widget in pilot.app.screen.query(TextArea):
            widget.cursor_blink = False
        await pilot.pause()

    # The snapshot shows the title line, not the temporary folder's name.
    assert snap_compare(make_app(matrix(tmp_path)), terminal_size=(80, 24), run_before=settle)

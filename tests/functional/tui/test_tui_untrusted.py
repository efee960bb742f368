"""The editor shows hostile text as text: no escape sequence reaches the terminal.

A title holding an OSC sequence once retitled the terminal, and a CSI ``2J``
wiped the grid; Rich markup in a title was read as markup. Every title, note and
file name now goes through ``core.text`` (``one_line`` or ``visible``) before it
is drawn.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import small_matrix
from textual.pilot import Pilot
from tui_helpers import drive

from achbench.store.toml import save
from achbench.tui.app import make_app

HOSTILE = "Evil \x1b]2;PWNED\x07 \x1b[2J wipe \x9b31m [bold red]markup[/]"


def test_hostile_titles_and_notes_are_drawn_as_visible_escapes(tmp_path: Path) -> None:
    data = small_matrix()
    data["hypotheses"]["H1"]["title"] = HOSTILE
    data["evidence"]["E1"]["title"] = HOSTILE
    data["evidence"]["E1"]["notes"] = "line one\nline two \x1b]0;T\x07"
    path = tmp_path / "m\x1b[31m.toml"
    save(data, path)
    app = make_app(path)

    async def script(pilot: Pilot[None]) -> str:
        await pilot.pause()
        return app.export_screenshot()

    screen = drive(app, script, size=(120, 40))
    for raw in ("\x1b", "\x9b", "\x07"):
        assert raw not in screen
    assert "\\x1b]2;PWNED\\x07" in screen  # shown, not acted on
    assert "red]markup[/]" in screen  # literal, not read as markup (the SVG spells spaces)
    assert "\x1b" not in app.title
    assert "\\x1b[31m" in app.title

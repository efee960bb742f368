"""The screen shown while a large matrix is read: the file's name and size.

Reading 100 x 10,000 ratings takes a second or two, and the editor draws this
first (``AchbenchApp`` reads the file in a thread meanwhile) so that the
terminal answers at once.  Nothing here acts on keys: the app holds them and
plays them to the matrix, in order, once it is shown.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from achbench.core.text import one_line


def size_text(size: int) -> str:
    """A file size as a person reads it: 812 bytes, 14 KB, 9.6 MB."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


class OpeningScreen(Screen[None]):
    """ "Reading FILE (9.6 MB)…", centred, until the matrix is shown."""

    DEFAULT_CSS = """
    OpeningScreen { align: center middle; }
    OpeningScreen #opening { width: auto; padding: 1 2; border: round $primary; }
    """

    def __init__(self, path: Path, size: int) -> None:
        super().__init__()
        self.path = path
        self.file_size = size

    def compose(self) -> ComposeResult:
        text = f"Reading {one_line(self.path.name)} ({size_text(self.file_size)})…"
        with Middle(), Center():
            yield Static(text, id="opening")

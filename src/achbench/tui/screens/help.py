"""The help screen: every key of the editor, as currently bound (keymap included)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from achbench.core.vocabulary import CODE_MEANING, LEVELS
from achbench.tui.widgets.grid import LEVEL_LETTER, UNRATED, UNRATED_MARK

CODES_NOTE = (
    "Codes: "
    + ", ".join(f"{code} {meaning}" for code, meaning in CODE_MEANING.items())
    + f", {UNRATED} unrated. Column headers show credibility and relevance as "
    + "c (credibility) and r (relevance) with "
    + "/".join(LEVEL_LETTER.values())
    + f" for {'/'.join(LEVELS)}; {UNRATED_MARK} after a score: some items unrated. "
    + 'The Id column names each key for --keymap (a TOML file: id = "keys").'
)
"""What the codes and the header letters mean, built from the vocabulary."""


class HelpScreen(ModalScreen[None]):
    """A table of (keys, binding id, action, what it does), closed by Escape, q or ?."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help_close"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True)
        table.add_column("Keys", no_wrap=True, style="bold cyan")
        table.add_column("Id", no_wrap=True, style="dim")
        table.add_column("Action", no_wrap=True)
        table.add_column("What it does", ratio=1)
        for keys, binding_id, name, tip in self.rows:
            table.add_row(keys, binding_id, name, tip)
        with VerticalScroll(classes="dialog help"):
            yield Label("achbench keys", classes="dialog-title")
            yield Static(table)
            yield Static(Text(CODES_NOTE, style="dim"))
            yield Static(Text("Escape closes this help.", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)

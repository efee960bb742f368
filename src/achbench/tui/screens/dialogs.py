"""Small typed dialogs: a choice among a few answers, a path, an analyst, problems.

Each is a ``ModalScreen`` dismissed with its answer (``None`` when cancelled),
so the caller reads the result in a callback.  Every choice has a one-letter
key, shown underlined in its button label, and Escape cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Literal

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static

from achbench.core.vocabulary import ID_HELP, ID_RE


class ChoiceDialog(ModalScreen[str | None]):
    """Ask a question with a few answers, each on a key: ``[("s", "Save"), ...]``.

    Dismissed with the chosen key, or None on Escape.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel", tooltip="Close")
    ]

    def __init__(
        self,
        title: str,
        message: str,
        choices: Sequence[tuple[str, str]],
        *,
        id: str | None = None,
        wide: bool = False,
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.message = message
        self.choices = list(choices)
        self.wide = wide
        """Room for five or six answers in a row."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self.wide else "dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.message, classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                for index, (key, label) in enumerate(self.choices):
                    variant: Literal["primary", "default"] = "primary" if index == 0 else "default"
                    yield Button(f"{label} ({key})", id=f"choice-{key}", variant=variant)

    def on_key(self, event: events.Key) -> None:
        for key, _ in self.choices:
            if event.key == key or event.character == key:
                event.stop()
                self.dismiss(key)
                return

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProblemsDialog(ModalScreen[None]):
    """Show located problems (a save refused by validation), one per line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="problems_close")
    ]

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static("\n".join(self.lines), classes="dialog-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary")

    @on(Button.Pressed)
    def action_close(self) -> None:
        self.dismiss(None)


class PathDialog(ModalScreen[Path | None]):
    """Ask for a file to save to; refuses a missing folder, a folder, and (once) overwriting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="path_cancel")
    ]

    def __init__(self, title: str, suggestion: str, forbidden: Sequence[Path] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.suggestion = suggestion
        self.forbidden = [p.resolve() for p in forbidden]
        self._confirm: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.suggestion, id="path")
            yield Static("", id="path-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def _error(self, message: str) -> None:
        self.query_one("#path-error", Static).update(message)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def submit(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self._error("give a file name")
            return
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_suffix(".toml")
        if path.is_dir():
            self._error(f"{path} is a folder; give a file name")
            return
        if not path.parent.is_dir():
            self._error(f"no such folder: {path.parent}")
            return
        resolved = path.resolve()
        if any(resolved == f or f in resolved.parents for f in self.forbidden):
            self._error("that is inside the installed package; choose another place")
            return
        if path.exists() and self._confirm != resolved:
            self._confirm = resolved
            self._error(f"{path} exists: press Enter again to overwrite it")
            return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class AnalystDialog(ModalScreen[str | None]):
    """Choose whose ratings to edit: one of the matrix' analysts, or a new name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="analyst_cancel")
    ]

    def __init__(self, analysts: Sequence[str], current: str) -> None:
        super().__init__()
        self.analysts = list(analysts)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Edit the ratings of", classes="dialog-title")
            options = OptionList(*self.analysts, id="analysts")
            yield options
            yield Label("or a new analyst:")
            yield Input(placeholder="name, such as alice", id="new-analyst")
            yield Static("", id="analyst-error", classes="error")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.analysts:
            options.highlighted = self.analysts.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.analysts[event.option_index])

    @on(Input.Submitted)
    def typed(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not ID_RE.match(name):
            self.query_one("#analyst-error", Static).update(f"{name!r}: {ID_HELP}")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)

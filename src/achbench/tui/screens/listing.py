"""What the screens that list a kind of item and edit it in place share.

The milestones screen (``screens.milestones``) and the key assumptions screen
(``screens.assumptions``) each list their items in an ``OptionList`` and change
them through the session.  Both take a key at once (priority bindings, so a
form opened by ``a`` or ``e`` gets the text typed right after), pass every
change to the view and the main screen below and draw their list again, undo
and redo like the grid, and edit the highlighted line on Enter.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList

from achbench.editing.undo import Change
from achbench.tui.messages import Changed
from achbench.tui.view import GridView


def priority_key(keys: str, action: str, description: str, id: str, tooltip: str) -> Binding:
    """A key of a listing screen: a priority binding, run as the app reads the key."""
    return Binding(keys, action, description, id=id, tooltip=tooltip, priority=True)


class ListingScreen(ModalScreen[None]):
    """A modal list of items edited in place; subclasses draw it (``rebuild``) and
    edit its highlighted line (``action_edit``)."""

    view: GridView

    def rebuild(self, keep: tuple[str, str] | None = None) -> None:
        """Draw the list from the session, keeping the highlight on ``keep``."""
        raise NotImplementedError

    async def action_edit(self) -> None:
        raise NotImplementedError

    def _after(self, change: Change | None, keep: tuple[str, str] | None = None) -> None:
        """A change was made here (or none): tell the main screen, draw the list again."""
        if change is not None:
            self.post_message(Changed(self.view.apply(change)))
        self.rebuild(keep)

    @on(OptionList.OptionSelected)
    async def selected(self) -> None:
        await self.action_edit()

    def action_undo(self) -> None:
        change = self.view.session.undo()
        self.notify(change.label if change else "Nothing to undo.")
        self._after(change)

    def action_redo(self) -> None:
        change = self.view.session.redo()
        self.notify(change.label if change else "Nothing to redo.")
        self._after(change)

    def action_close(self) -> None:
        self.dismiss(None)

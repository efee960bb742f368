"""The filter box under the grid, which takes a fast typist's keys in order.

The main screen's keys are priority bindings, off while this box has focus.
Text, Backspace, Enter and Escape are applied here as the app reads each key
(``_forward_event``, in the app's own task), not later from the box's message
queue: so ``/troops`` Enter ``r`` filters on "troops" and then sets the
credibility of the item shown, however fast it is typed.  Enter and Escape go
to the screen's ``filter_key``.
"""

from __future__ import annotations

from typing import Protocol

from textual import events
from textual.widgets import Input


class FilterKeys(Protocol):
    def filter_key(self, key: str) -> None: ...


class FilterBox(Input):
    """An ``Input`` for the evidence filter; Enter keeps the filter, Escape clears it."""

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            screen = self.screen
            if event.key in ("enter", "escape") and hasattr(screen, "filter_key"):
                handler: FilterKeys = screen
                handler.filter_key(event.key)
                return
            if event.is_printable and event.character is not None:
                self.insert_text_at_cursor(event.character)
                return
            if event.key == "backspace":
                self.action_delete_left()
                return
        super()._forward_event(event)

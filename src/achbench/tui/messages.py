"""Messages between the editor's screens and its app, in a module of their own.

The main screen draws the session; other screens (milestones) and the app
(saving, reloading, restoring) change it too.  They tell the main screen with a
``Changed`` message rather than by calling it, so no screen imports the app or
another screen it does not open, and the app imports the main screen only to
install it.
"""

from __future__ import annotations

from textual.message import Message

from achbench.tui.view import Redraw


class Changed(Message):
    """The session or its view changed: the main screen draws ``redraw`` again.

    Whoever changed the session has already taken the change into the view
    (``GridView.apply``), so everything reading the view is current; this only
    says what to draw.  Posted by another screen it bubbles to the app, which
    passes it to the main screen.
    """

    def __init__(self, redraw: Redraw) -> None:
        super().__init__()
        self.redraw = redraw
        """What to draw again."""

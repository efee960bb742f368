"""Undo and redo: every edit is a command that can be reverted, and whether the work is saved.

A command is a pair of closures, ``apply`` and ``revert``, each returning the
``Change`` it made so a view can redraw no more than it must.  ``History`` keeps
the last ``HISTORY_LIMIT`` of them.

Each command gets a serial number when it is done; the history's *state* is the
serial of the last command applied.  Saving remembers that state, so undoing
back to it makes the matrix clean again, and a state that fell off the end of
the history can never be reached again (it stays modified).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final, Literal

HISTORY_LIMIT: Final = 1000
"""Undo steps kept; the oldest are forgotten beyond this."""

ChangeKind = Literal["cell", "hypothesis", "evidence", "structure", "meta", "milestone", "all"]


@dataclass(frozen=True, slots=True)
class Change:
    """What a command changed, so a view can redraw no more than it must.

    ``cell``: one rating (``evidence``, ``hypothesis``); ``hypothesis`` or
    ``evidence``: one item's fields, in place; ``structure``: items added,
    removed, renamed or moved; ``meta``: the matrix' own fields; ``milestone``:
    the milestones (``hypothesis``: the one the milestone bears on); ``all``: anything.
    """

    kind: ChangeKind
    evidence: str | None = None
    hypothesis: str | None = None
    label: str = ""
    """What was done, in words, for undo and redo to say (``undo rate II for E1/H2``)."""


@dataclass(slots=True)
class Command:
    """One undoable edit: how to do it and how to take it back."""

    label: str
    apply: Callable[[], Change]
    revert: Callable[[], Change]
    serial: int


NEVER_SAVED: Final = -1
"""The saved state of work that was never saved (no serial is negative)."""


class History:
    """The commands done and undone, and the state last saved."""

    def __init__(self, *, saved: bool = True) -> None:
        self._undo: deque[Command] = deque(maxlen=HISTORY_LIMIT)
        self._redo: list[Command] = []
        self._serial = 0
        self._base_state = 0
        self._saved_state = 0 if saved else NEVER_SAVED

    @property
    def state(self) -> int:
        """The serial of the last command applied (or of the start, if none is)."""
        return self._undo[-1].serial if self._undo else self._base_state

    @property
    def dirty(self) -> bool:
        """True if the matrix differs from the state last saved or loaded."""
        return self.state != self._saved_state

    def mark_saved(self, state: int | None = None) -> None:
        """The matrix as it is now (or as it was at ``state``, for a save that ran in
        the background while editing went on) is what the file holds."""
        self._saved_state = self.state if state is None else state

    def mark_unsaved(self) -> None:
        """The matrix as it is now is in no file (a new matrix, restored work)."""
        self._saved_state = NEVER_SAVED

    def do(self, label: str, apply: Callable[[], Change], revert: Callable[[], Change]) -> Change:
        """Apply a new command and record it; anything undone can no longer be redone."""
        change = apply()
        self._serial += 1
        if len(self._undo) == self._undo.maxlen:
            self._base_state = self._undo[0].serial
        self._undo.append(Command(label, apply, revert, self._serial))
        self._redo.clear()
        return change

    def undo(self) -> Change | None:
        """Revert the last command; None if there is nothing to undo."""
        if not self._undo:
            return None
        command = self._undo.pop()
        self._redo.append(command)
        return replace(command.revert(), label=f"undo {command.label}")

    def redo(self) -> Change | None:
        """Apply again the last command undone; None if there is none."""
        if not self._redo:
            return None
        command = self._redo.pop()
        self._undo.append(command)
        return replace(command.apply(), label=f"redo {command.label}")

    def forget(self) -> None:
        """Drop every command: the matrix was replaced (reloaded, restored)."""
        self._undo.clear()
        self._redo.clear()
        self._serial += 1
        self._base_state = self._serial

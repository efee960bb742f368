"""Python's cyclic collector during the short life of a headless command.

Importing click and the command makes objects that live as long as the process,
and the collector's passes over them while modules load (there are dozens)
find nothing: they cost about a tenth of ``achbench rank`` at 4x30.  So the
script holds the collector from its start (``hold``) until the command's module
is loaded (``command_loaded``, from ``cli.app.LazyGroup``); then everything
alive is moved out of its reach (``gc.freeze``) and it runs again for what the
command makes.  When the command is done (``done``) everything is frozen once
more: the interpreter's own collections at exit would otherwise walk every
object left, about a sixth of ``rank``'s CPU time at 4x30 and growing with the
matrix.  Memory goes back to the system with the process either way.
"""

from __future__ import annotations

import gc

_held = False
"""True from ``hold`` until the command's module is loaded."""


def hold() -> None:
    """The script starts: no collection until the command is loaded."""
    global _held
    gc.disable()
    _held = True


def command_loaded() -> None:
    """The command's module is imported: freeze what is loaded and collect again.
    Nothing to do when the command line was not started by the script (the
    tests' runner, say), which never held the collector."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def done() -> None:
    """The command is done and the process about to end: nothing left to collect."""
    gc.freeze()

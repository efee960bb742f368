"""Checking a ``--keymap`` file before the editor starts: every id and key must exist.

Textual's ``App.set_keymap`` ignores an id no binding has and accepts any key
name, so a typo (``rate_c`` for ``rate_cc``, ``ctl+s`` for ``ctrl+s``) would
silently leave the key as it was.  ``problems`` names each unknown id and key;
the command line refuses the file with them (exit status 2).  The ids are
those the ``?`` screen lists, gathered here from every screen's bindings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType
from textual.keys import Keys, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED = frozenset(
    part for key in Keys for part in [str(key.value).rsplit("+", 1)[-1]] if len(part) > 1
)


def _ids(bindings: Iterable[BindingType]) -> set[str]:
    return {b.id for b in bindings if isinstance(b, Binding) and b.id}


def binding_ids() -> set[str]:
    """Every binding id of the editor, as the ``?`` screen and a keymap file name them."""
    from achbench.tui.app import AchbenchApp
    from achbench.tui.screens import dialogs
    from achbench.tui.screens.assumptions import AssumptionsScreen
    from achbench.tui.screens.blind import BlindScreen
    from achbench.tui.screens.forms import ItemForm
    from achbench.tui.screens.help import HelpScreen
    from achbench.tui.screens.main import MainScreen
    from achbench.tui.screens.milestones import MilestonesScreen
    from achbench.tui.screens.sensitivity import SensitivityScreen
    from achbench.tui.screens.source import SourceScreen

    ids: set[str] = set()
    for owner in (
        AchbenchApp,
        MainScreen,
        ItemForm,
        HelpScreen,
        MilestonesScreen,
        SensitivityScreen,
        SourceScreen,
        AssumptionsScreen,
        BlindScreen,
        dialogs.ChoiceDialog,
        dialogs.ProblemsDialog,
        dialogs.PathDialog,
        dialogs.AnalystDialog,
    ):
        ids |= _ids(owner.BINDINGS)
    return ids


def known_key(key: str) -> bool:
    """Is ``key`` a key Textual can report: ``x``, ``X``, ``f5``, ``ctrl+s``, ``less_than_sign``?"""
    *modifiers, base = key.strip().split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable()
    return base in _NAMED or key_to_character(base) is not None


def problems(keymap: Mapping[str, str]) -> list[str]:
    """What is wrong with a keymap (binding id to comma-separated keys); empty if nothing."""
    ids = binding_ids()
    found: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in ids:
            found.append(f"{binding_id}: no such binding id (the ? screen lists them)")
        for key in keys.split(","):
            if not known_key(key):
                found.append(f"{binding_id}: unknown key {key.strip()!r}")
    return found

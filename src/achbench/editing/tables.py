"""Tables that keep their file order: an item inserted, renamed or moved stays in place.

A matrix's tables are dicts whose order is display order; these three return a
new dict with one key put where it belongs, for every edit that must keep it.
"""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


def inserted(table: dict[str, V], key: str, value: V, index: int) -> dict[str, V]:
    """``table`` with ``key`` put at position ``index``."""
    items = list(table.items())
    items.insert(index, (key, value))
    return dict(items)


def renamed(table: dict[str, V], old: str, new: str, value: V) -> dict[str, V]:
    """``table`` with ``old`` replaced in its place by ``new`` holding ``value``."""
    return {(new if k == old else k): (value if k == old else v) for k, v in table.items()}


def moved(table: dict[str, V], key: str, index: int) -> dict[str, V]:
    """``table`` with ``key`` moved to position ``index``."""
    value = table[key]
    rest = {k: v for k, v in table.items() if k != key}
    return inserted(rest, key, value, index)

"""Merge conflicts recorded in a matrix file, as ``[conflicts.<id>]`` tables.

``achbench merge`` never drops a difference it cannot settle.  It keeps *ours*
in place, so the merged file is a valid, usable matrix, and records each
conflict in the file itself (see the "Extensions" section of docs/format.md).
``achbench check`` then reports every record as a problem until the analyst
settles it and deletes the record; the editor lists them the same way.

This module holds what every reader of the records needs: building one,
saying it in words, and turning the records into located problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Final, cast

from achbench.core.data import ConflictData, MatrixData
from achbench.core.errors import Problem

SIDES: Final = ("base", "ours", "theirs")
"""The recorded sides of a conflict, in the order they are shown."""

_SHORT = 60


def record(
    key: str,
    base: object = None,
    ours: object = None,
    theirs: object = None,
    note: str | None = None,
) -> ConflictData:
    """One conflict table; a side that had nothing there (``None``) is left out.

    Each side is a value of the matrix (a field's value, a position, or a whole
    item's table), which is what ``ConflictData`` records.
    """
    out: dict[str, object] = {"key": key}
    for side, value in zip(SIDES, (base, ours, theirs), strict=True):
        if value is not None:
            out[side] = value
    if note:
        out["note"] = note
    return cast(ConflictData, out)


def new_ids(existing: Mapping[str, object], count: int) -> Iterator[str]:
    """``count`` fresh conflict ids (``C1``, ``C2``, ...) not used in ``existing``."""
    number = 0
    made = 0
    while made < count:
        number += 1
        candidate = f"C{number}"
        if candidate not in existing:
            made += 1
            yield candidate


def show(value: object, limit: int = _SHORT) -> str:
    """A recorded value in a few words: ``'I'``, ``0.4``, ``2022-01-05``, ``['A1']``,
    ``absent``."""
    if value is None:
        return "absent"
    if isinstance(value, Mapping):
        title: object = cast("Mapping[str, object]", value).get("title")
        return f"the item titled {show(title, limit)}" if title else "a table"
    if isinstance(value, str):
        text = value.replace("\n", " ")
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        return repr(text)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(show(v, limit) for v in cast("list[object]", value)) + "]"
    return str(value)


def describe(conflict: Mapping[str, object]) -> str:
    """One line saying what the two sides did: ``ratings.lead.E3.H2: base 'C', ...``."""
    sides = ", ".join(
        f"{side} {show(conflict.get(side))}{' (kept)' if side == 'ours' else ''}" for side in SIDES
    )
    note = f"; {conflict['note']}" if conflict.get("note") else ""
    return f"{conflict['key']}: {sides}{note}"


def problems(data: MatrixData, path: str, text: str | None = None) -> list[Problem]:
    """Each unresolved conflict as a located problem, for ``achbench check``."""
    records = data.get("conflicts") or {}
    if not records:
        return []
    from achbench.core.validate import located

    found = [
        (
            ("conflicts", conflict_id),
            f"unresolved merge conflict over {describe(conflict)}; settle it, "
            f"then delete [conflicts.{conflict_id}]",
        )
        for conflict_id, conflict in records.items()
    ]
    return located(path, text, found, ordered=False)

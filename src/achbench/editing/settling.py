"""Merge conflicts recorded in the file, settled in the editor: ours, theirs or base.

``achbench merge`` records what it could not settle as ``[conflicts.Cn]`` with
the matrix holding ours; settling one puts the chosen side in place and drops
the record (``keep_state`` makes the undo).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Final, cast

from achbench.core.data import (
    ConflictData,
    EvidenceData,
    HypothesisData,
    MatrixData,
)
from achbench.core.vocabulary import Code
from achbench.editing.operations import (
    code,
    column,
    insert_evidence,
    insert_hypothesis,
    meta,
    milestones_of,
    remove_evidence,
    remove_hypothesis,
    rows,
    set_code,
    with_meta,
)
from achbench.editing.references import put_references, references
from achbench.editing.tables import inserted, moved

# -- merge conflicts recorded in the file --------------------------------------------------

CONFLICT_SIDES: Final = ("ours", "theirs", "base")
"""The sides a recorded conflict can be resolved to (``ours`` is what the file holds)."""


def conflict_parts(key: str) -> list[str]:
    """A conflict's dotted key as its parts: ``ratings.lead.E3.H2`` -> four parts."""
    return key.split(".")


def conflict_target(key: str) -> tuple[str | None, str | None]:
    """(hypothesis id, evidence id) a conflict is about, where it names them."""
    parts = conflict_parts(key)
    if parts[0] == "ratings" and len(parts) == 4:
        return parts[3], parts[2]
    if parts[0] == "hypotheses" and len(parts) >= 2:
        return parts[1], None
    if parts[0] == "evidence" and len(parts) >= 2:
        return None, parts[1]
    return None, None


def conflict_sides(conflict: ConflictData) -> tuple[str, ...]:
    """The sides a conflict can be settled to: ours always; theirs and base where the
    record says what they were (a note-only record, ``ratings.bob``, can only keep ours)."""
    parts = conflict_parts(conflict["key"])
    if parts[0] == "ratings" and len(parts) != 4:
        return ("ours",)
    return CONFLICT_SIDES


def conflict_tables(key: str) -> tuple[str, ...]:
    """The top-level tables that settling a conflict over ``key`` may change."""
    parts = conflict_parts(key)
    if len(parts) == 1:
        return ()
    if parts[0] == "hypotheses" and len(parts) == 2:
        return ("hypotheses", "ratings", "milestones")
    if parts[0] == "evidence" and len(parts) == 2:
        return ("evidence", "ratings")
    return (parts[0],)


def settle(data: MatrixData, conflict: ConflictData, side: str) -> None:
    """Make the matrix hold ``side``'s value for a conflict (``ours``: leave it as it is).

    A side absent from the record had nothing there: the field, rating or item
    is removed.  A position is 1-based.  The record itself is not touched.
    """
    if side == "ours":
        return
    value: object = conflict.get(side)
    parts = conflict_parts(conflict["key"])
    tree = cast("dict[str, object]", data)
    if len(parts) == 1:
        if value is None:
            tree.pop(parts[0], None)
        else:
            tree[parts[0]] = value
        return
    table_name, item_id = parts[0], parts[1]
    if table_name == "ratings" and len(parts) == 4:
        analyst, evidence_id, hypothesis_id = parts[1:]
        code_value = cast("Code | None", value)
        set_code(data, analyst, evidence_id, hypothesis_id, code_value)
        return
    table = cast("dict[str, dict[str, object]]", tree.setdefault(table_name, {}))
    if len(parts) == 2:  # a whole item, removed on one side
        if value is None:
            if table_name == "hypotheses":
                remove_hypothesis(data, item_id)
            elif table_name == "evidence":
                remove_evidence(data, item_id)
            else:
                table.pop(item_id, None)
        else:  # changed in place, or put back (at the end) if ours removed it
            table[item_id] = dict(cast("dict[str, object]", value))
        return
    field = parts[2]
    if field == "position":
        if item_id in table and isinstance(value, int):
            tree[table_name] = moved(table, item_id, max(0, min(len(table) - 1, value - 1)))
        return
    item = table.get(item_id)
    if item is None:
        return
    if value is None:
        item.pop(field, None)
    else:
        item[field] = value


def keep_state(data: MatrixData, key: str) -> Callable[[MatrixData], None]:
    """What settling a conflict over ``key`` may change, kept now; call the result to put
    it back.  Only the item, field or cell concerned is copied (and a whole item's
    ratings), so undo stays cheap on a large matrix."""
    parts = conflict_parts(key)
    tree = cast("dict[str, object]", data)
    if len(parts) == 1:
        old_meta = meta(data)

        def put_meta(target: MatrixData) -> None:
            fresh = with_meta(target, old_meta)
            cast("dict[str, object]", target).clear()
            cast("dict[str, object]", target).update(cast("dict[str, object]", fresh))

        return put_meta
    table_name, item_id = parts[0], parts[1]
    if table_name == "ratings":
        if len(parts) != 4:
            return lambda target: None
        analyst, evidence_id, hypothesis_id = parts[1:]
        old_code = code(data, analyst, evidence_id, hypothesis_id)
        return lambda target: set_code(target, analyst, evidence_id, hypothesis_id, old_code)
    table = cast("dict[str, dict[str, object]]", tree.get(table_name, {}))
    order = list(table)
    fields = copy.deepcopy(table.get(item_id))
    if len(parts) == 2 and table_name in ("hypotheses", "evidence"):
        ratings_of = column(data, item_id) if table_name == "hypotheses" else rows(data, item_id)
        milestones = milestones_of(data, item_id) if table_name == "hypotheses" else {}
        index = order.index(item_id) if item_id in order else len(order)
        kept = references(data)

        def put_item(target: MatrixData) -> None:
            if table_name == "hypotheses":
                if item_id in target["hypotheses"]:
                    remove_hypothesis(target, item_id)
                if fields is not None:
                    item = cast(HypothesisData, fields)
                    insert_hypothesis(target, item_id, item, index, ratings_of, milestones)
            else:
                if item_id in target.get("evidence", {}):
                    remove_evidence(target, item_id)
                if fields is not None:
                    insert_evidence(target, item_id, cast(EvidenceData, fields), index, ratings_of)
            put_references(target, kept)

        return put_item

    def put_fields(target: MatrixData) -> None:
        now = cast("dict[str, dict[str, object]]", cast("dict[str, object]", target)[table_name])
        if fields is None:
            now.pop(item_id, None)
        else:
            now[item_id] = fields
        kept = {k: now[k] for k in order if k in now}
        kept.update((k, v) for k, v in now.items() if k not in kept)
        cast("dict[str, object]", target)[table_name] = kept

    return put_fields


def drop_conflict(data: MatrixData, conflict_id: str) -> None:
    """Delete a conflict's record; the ``conflicts`` table goes with its last record."""
    records = data.get("conflicts", {})
    records.pop(conflict_id, None)
    if not records:
        data.pop("conflicts", None)


def put_conflict(data: MatrixData, conflict_id: str, record: ConflictData, index: int) -> None:
    """Put a conflict's record back at its place (undoing ``drop_conflict``)."""
    data["conflicts"] = inserted(data.get("conflicts", {}), conflict_id, record, index)

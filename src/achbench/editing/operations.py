"""The edits a session is made of, on plain matrix data: each one undone by another.

Every function changes a ``MatrixData`` in place and knows nothing of undo, of
scores or of the screen; ``achbench.editing.session`` pairs them into commands
(a deletion with the insertion that restores it) and keeps the live scores in
step.  Tables keep their file order: an item put back goes back to its place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Final, NotRequired, TypedDict, TypeVar, cast

from achbench.core.data import (
    AssumptionData,
    ConflictData,
    EvidenceData,
    HypothesisData,
    Judgements,
    MatrixData,
    MilestoneData,
    Ratings,
    Rationale,
    ResolutionData,
)
from achbench.core.vocabulary import Code

V = TypeVar("V")

Column = dict[str, dict[str, Code]]
"""Every analyst's codes for one hypothesis: analyst -> evidence -> code."""
Rows = dict[str, dict[str, Code]]
"""Every analyst's codes for one evidence item: analyst -> hypothesis -> code."""
Milestones = dict[str, MilestoneData]
"""Milestone id to its fields, in file order."""


class MatrixFields(TypedDict):
    """The matrix' own fields that the editor's matrix form sets."""

    title: str
    question: NotRequired[str]
    analyst: NotRequired[str]


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


def code(data: MatrixData, analyst: str, evidence_id: str, hypothesis_id: str) -> Code | None:
    """One analyst's code for a cell; None if unrated."""
    row = data.get("ratings", {}).get(analyst, {}).get(evidence_id)
    return row.get(hypothesis_id) if row else None


def set_code(
    data: MatrixData, analyst: str, evidence_id: str, hypothesis_id: str, code: Code | None
) -> None:
    """Set (or with None clear) one analyst's code for a cell; empty tables are dropped."""
    ratings: Ratings = data.setdefault("ratings", {})
    if code is not None:
        ratings.setdefault(analyst, {}).setdefault(evidence_id, {})[hypothesis_id] = code
        return
    table = ratings.get(analyst, {})
    row = table.get(evidence_id, {})
    row.pop(hypothesis_id, None)
    if not row:
        table.pop(evidence_id, None)
    if not table:
        ratings.pop(analyst, None)
    if not ratings:
        data.pop("ratings", None)


def note(data: MatrixData, analyst: str, evidence_id: str, hypothesis_id: str) -> str | None:
    """One analyst's rationale for a cell; None if there is none."""
    row = data.get("rationale", {}).get(analyst, {}).get(evidence_id)
    return row.get(hypothesis_id) if row else None


def set_note(
    data: MatrixData, analyst: str, evidence_id: str, hypothesis_id: str, text: str | None
) -> None:
    """Set (or with None or an empty text remove) one analyst's rationale for a cell;
    empty tables are dropped, as ``set_code`` drops them (the spec allows no empty note)."""
    rationale: Rationale = data.setdefault("rationale", {})
    if text:
        rationale.setdefault(analyst, {}).setdefault(evidence_id, {})[hypothesis_id] = text
        return
    table = rationale.get(analyst, {})
    row = table.get(evidence_id, {})
    row.pop(hypothesis_id, None)
    if not row:
        table.pop(evidence_id, None)
    if not table:
        rationale.pop(analyst, None)
    if not rationale:
        data.pop("rationale", None)


# -- what points at a hypothesis or evidence item besides ratings and milestones -----------


class References(TypedDict):
    """The tables that name hypotheses or evidence items by id (besides ratings and
    milestones), as they were before a deletion: undo puts them back whole."""

    rationale: NotRequired[Rationale]
    judgements: NotRequired[Judgements]
    assumptions: NotRequired[dict[str, AssumptionData]]
    resolution: NotRequired[ResolutionData]


def references(data: MatrixData) -> References:
    """A copy of the tables a deletion may change besides ratings and milestones."""
    kept = References()
    if "rationale" in data:
        kept["rationale"] = copy.deepcopy(data["rationale"])
    if "judgements" in data:
        kept["judgements"] = copy.deepcopy(data["judgements"])
    if "assumptions" in data:
        kept["assumptions"] = copy.deepcopy(data["assumptions"])
    if "resolution" in data:
        kept["resolution"] = copy.deepcopy(data["resolution"])
    return kept


def put_references(data: MatrixData, kept: References) -> None:
    """Put back tables kept by ``references`` (a copy: later edits never reach ``kept``).

    A table absent when kept is removed; a table put back takes its place in the
    spec's order, which the writer keeps whatever the dict order."""
    tree = cast("dict[str, object]", data)
    source = cast("Mapping[str, object]", kept)
    for name in ("rationale", "judgements", "assumptions", "resolution"):
        if name in source:
            tree[name] = copy.deepcopy(source[name])
        else:
            tree.pop(name, None)


def forget_hypothesis(data: MatrixData, hypothesis_id: str) -> None:
    """Remove what names a deleted hypothesis: rationale notes, judgements, the
    assumptions' lists, and the resolution (it no longer names a hypothesis)."""
    rationale = data.get("rationale", {})
    for analyst in list(rationale):
        table = rationale[analyst]
        for evidence_id in list(table):
            table[evidence_id].pop(hypothesis_id, None)
            if not table[evidence_id]:
                del table[evidence_id]
        if not table:
            del rationale[analyst]
    if "rationale" in data and not rationale:
        del data["rationale"]
    judgements = data.get("judgements", {})
    for analyst in list(judgements):
        judgements[analyst].pop(hypothesis_id, None)
        if not judgements[analyst]:
            del judgements[analyst]
    if "judgements" in data and not judgements:
        del data["judgements"]
    for assumption in data.get("assumptions", {}).values():
        names = assumption.get("hypotheses")
        if names is not None and hypothesis_id in names:
            kept = [h for h in names if h != hypothesis_id]
            if kept:
                assumption["hypotheses"] = kept
            else:
                del assumption["hypotheses"]
    if data.get("resolution", {}).get("hypothesis") == hypothesis_id:
        del data["resolution"]


def rename_hypothesis(data: MatrixData, old_id: str, new_id: str) -> None:
    """Make what names hypothesis ``old_id`` (besides ratings and milestones) name ``new_id``."""
    for table in data.get("rationale", {}).values():
        for evidence_id, row in table.items():
            if old_id in row:
                table[evidence_id] = renamed(row, old_id, new_id, row[old_id])
    judgements = data.get("judgements", {})
    for analyst, values in judgements.items():
        if old_id in values:
            judgements[analyst] = renamed(values, old_id, new_id, values[old_id])
    for assumption in data.get("assumptions", {}).values():
        names = assumption.get("hypotheses")
        if names is not None and old_id in names:
            assumption["hypotheses"] = [new_id if h == old_id else h for h in names]
    resolution = data.get("resolution")
    if resolution is not None and resolution["hypothesis"] == old_id:
        resolution["hypothesis"] = new_id


def forget_evidence(data: MatrixData, evidence_id: str) -> None:
    """Remove every analyst's rationale for a deleted evidence item."""
    rationale = data.get("rationale", {})
    for analyst in list(rationale):
        rationale[analyst].pop(evidence_id, None)
        if not rationale[analyst]:
            del rationale[analyst]
    if "rationale" in data and not rationale:
        del data["rationale"]


def rename_evidence(data: MatrixData, old_id: str, new_id: str) -> None:
    """Make every analyst's rationale for evidence ``old_id`` be for ``new_id``."""
    for table in data.get("rationale", {}).values():
        if old_id in table:
            table[new_id] = table.pop(old_id)


# -- hypotheses ----------------------------------------------------------------------------


def column(data: MatrixData, hypothesis_id: str) -> Column:
    """Every analyst's codes for one hypothesis, to put back after deleting it."""
    out: Column = {}
    for analyst, table in data.get("ratings", {}).items():
        codes = {e: row[hypothesis_id] for e, row in table.items() if hypothesis_id in row}
        if codes:
            out[analyst] = codes
    return out


def milestones_of(data: MatrixData, hypothesis_id: str) -> Milestones:
    """The milestones that bear on one hypothesis."""
    return {k: v for k, v in data.get("milestones", {}).items() if v["hypothesis"] == hypothesis_id}


def insert_hypothesis(
    data: MatrixData,
    hypothesis_id: str,
    fields: HypothesisData,
    index: int,
    column: Column,
    milestones: Milestones,
) -> None:
    """Put a hypothesis at ``index`` with its ratings and milestones."""
    data["hypotheses"] = inserted(data["hypotheses"], hypothesis_id, fields, index)
    if column:
        ratings = data.setdefault("ratings", {})
        for analyst, codes in column.items():
            table = ratings.setdefault(analyst, {})
            for evidence_id, value in codes.items():
                table.setdefault(evidence_id, {})[hypothesis_id] = value
    if milestones:
        data["milestones"] = {**data.get("milestones", {}), **milestones}


def remove_hypothesis(data: MatrixData, hypothesis_id: str) -> None:
    """Take a hypothesis out with every analyst's ratings of it, its milestones, and
    everything else that names it (``forget_hypothesis``), so the file still saves."""
    forget_hypothesis(data, hypothesis_id)
    data["hypotheses"] = {k: v for k, v in data["hypotheses"].items() if k != hypothesis_id}
    for table in data.get("ratings", {}).values():
        for evidence_id in list(table):
            row = table[evidence_id]
            if row.pop(hypothesis_id, None) is not None and not row:
                del table[evidence_id]
    milestones = data.get("milestones")
    if milestones:
        kept = {k: v for k, v in milestones.items() if v["hypothesis"] != hypothesis_id}
        if kept:
            data["milestones"] = kept
        else:
            del data["milestones"]


def replace_hypothesis(data: MatrixData, old_id: str, new_id: str, fields: HypothesisData) -> None:
    """Give a hypothesis new fields in its place; a new id takes its ratings and milestones."""
    data["hypotheses"] = renamed(data["hypotheses"], old_id, new_id, fields)
    if new_id == old_id:
        return
    rename_hypothesis(data, old_id, new_id)
    for table in data.get("ratings", {}).values():
        for row in table.values():
            if old_id in row:
                row[new_id] = row.pop(old_id)
    for milestone in data.get("milestones", {}).values():
        if milestone["hypothesis"] == old_id:
            milestone["hypothesis"] = new_id


# -- evidence ------------------------------------------------------------------------------


def rows(data: MatrixData, evidence_id: str) -> Rows:
    """Every analyst's codes for one evidence item, to put back after deleting it."""
    return {
        analyst: dict(table[evidence_id])
        for analyst, table in data.get("ratings", {}).items()
        if evidence_id in table
    }


def insert_evidence(
    data: MatrixData, evidence_id: str, fields: EvidenceData, index: int, rows: Rows
) -> None:
    """Put an evidence item at ``index`` with its ratings."""
    data["evidence"] = inserted(data.get("evidence", {}), evidence_id, fields, index)
    if rows:
        ratings = data.setdefault("ratings", {})
        for analyst, row in rows.items():
            ratings.setdefault(analyst, {})[evidence_id] = dict(row)


def remove_evidence(data: MatrixData, evidence_id: str) -> None:
    """Take an evidence item out with every analyst's ratings and rationale of it."""
    forget_evidence(data, evidence_id)
    data["evidence"] = {k: v for k, v in data.get("evidence", {}).items() if k != evidence_id}
    for table in data.get("ratings", {}).values():
        table.pop(evidence_id, None)


def replace_evidence(data: MatrixData, old_id: str, new_id: str, fields: EvidenceData) -> None:
    """Give an evidence item new fields in its place; a new id takes its ratings."""
    data["evidence"] = renamed(data.get("evidence", {}), old_id, new_id, fields)
    if new_id != old_id:
        rename_evidence(data, old_id, new_id)
        for table in data.get("ratings", {}).values():
            if old_id in table:
                table[new_id] = table.pop(old_id)


def deletion_cost(data: MatrixData, kind: str, item_id: str) -> tuple[int, int]:
    """(ratings, milestones) that deleting a hypothesis or evidence item takes with it."""
    ratings = data.get("ratings", {})
    if kind == "hypothesis":
        cells = sum(1 for t in ratings.values() for row in t.values() if item_id in row)
        return cells, len(milestones_of(data, item_id))
    return sum(len(t.get(item_id, {})) for t in ratings.values()), 0


# -- the matrix' own fields and the milestones ---------------------------------------------


def meta(data: MatrixData) -> MatrixFields:
    """The title, question and default analyst."""
    fields = MatrixFields(title=data["title"])
    if "question" in data:
        fields["question"] = data["question"]
    if "analyst" in data:
        fields["analyst"] = data["analyst"]
    return fields


def with_meta(data: MatrixData, fields: MatrixFields) -> MatrixData:
    """``data`` with new title, question and default analyst (absent ones removed),
    in the spec's key order: format, title, question, analyst, then the tables."""
    own = ("title", "question", "analyst")
    given: Mapping[str, object] = fields
    merged: dict[str, object] = {"format": data["format"]}
    merged.update((k, given[k]) for k in own if k in given)
    merged.update((k, v) for k, v in data.items() if k != "format" and k not in own)
    return cast(MatrixData, merged)


def copy_milestones(table: Milestones) -> Milestones:
    """A copy of every milestone's fields, to keep apart from the live table."""
    return {k: v.copy() for k, v in table.items()}


def set_milestones(data: MatrixData, table: Milestones) -> None:
    """Replace the milestones (a copy: later edits in place never reach ``table``)."""
    if table:
        data["milestones"] = copy_milestones(table)
    else:
        data.pop("milestones", None)


def snapshot(data: MatrixData) -> MatrixData:
    """A copy of ``data`` that later edits in place never reach: the base of a merge.

    The ratings and rationale (the bulk of a large matrix: rows of strings) are
    copied row by row, which is many times faster than ``copy.deepcopy``; the
    other tables, small, are deep-copied."""
    tree = cast("Mapping[str, object]", data)
    out: dict[str, object] = {}
    for key, value in tree.items():
        if key in ("ratings", "rationale") and isinstance(value, dict):
            grid = cast("dict[str, dict[str, dict[str, str]]]", value)
            out[key] = {a: {e: dict(row) for e, row in t.items()} for a, t in grid.items()}
        else:
            out[key] = copy.deepcopy(value)
    return cast(MatrixData, out)


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

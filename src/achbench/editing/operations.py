"""The edits a session is made of, on plain matrix data: each one undone by another.

Every function changes a ``MatrixData`` in place and knows nothing of undo, of
scores or of the screen; ``achbench.editing.session`` pairs them into commands
(a deletion with the insertion that restores it) and keeps the live scores in
step.  Tables keep their file order: an item put back goes back to its place.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import NotRequired, TypedDict, cast

from achbench.core.data import (
    EvidenceData,
    HypothesisData,
    MatrixData,
    MilestoneData,
    Ratings,
    Rationale,
)
from achbench.core.vocabulary import Code
from achbench.editing.references import (
    forget_evidence,
    forget_hypothesis,
    rename_evidence,
    rename_hypothesis,
)
from achbench.editing.tables import inserted, renamed

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


def place_after(ids: list[str], anchor: str | None) -> int:
    """Where a new item goes: after ``anchor`` (the last one added, or the cursor's
    at first), or at the end if there is none."""
    return ids.index(anchor) + 1 if anchor in ids else len(ids)

"""What points at a hypothesis or evidence item besides ratings and milestones.

Rationale notes, judgements, assumptions' hypotheses, the resolution: deleting
or renaming an item must clean them up or follow the rename, or the next save
is refused; and undo must put them back exactly (``references`` and
``put_references``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import NotRequired, TypedDict, cast

from achbench.core.data import (
    AssumptionData,
    Judgements,
    MatrixData,
    Rationale,
    ResolutionData,
)
from achbench.editing.tables import renamed

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

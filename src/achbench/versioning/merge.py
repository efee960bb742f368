"""Three-way merge of matrices by id, recording every conflict in the result.

Given a common ancestor BASE and two descendants OURS and THEIRS, each field of
each item (matched by id) and each rating cell is merged on its own:

* changed on one side only: that change is taken;
* changed the same way on both sides: taken once;
* changed differently on both sides: a **conflict**.  Ours stays in place and a
  ``[conflicts.<id>]`` record (``achbench.versioning.conflicts``) keeps base and theirs.

An item removed on one side and changed on the other (its fields, its rating
cells, or a milestone pointing at it) is a conflict too; ours wins again, so
the item stays if ours kept it and goes if ours removed it, and theirs' values
are recorded.  Display order follows ours, with theirs' additions placed after
the item they follow in theirs and theirs' moves replayed; an item both sides
moved to different places is a position conflict.

The result is always a valid matrix, so it can be saved, opened and checked;
``achbench check`` reports the records until they are resolved and deleted.
Pure: no I/O, no Rich.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, cast

from achbench.core.data import AnalystRatings, ConflictData, MatrixData, Ratings, Row
from achbench.core.vocabulary import Code
from achbench.versioning.conflicts import new_ids, record
from achbench.versioning.diff import Kind, kept_in_order, top_fields


def _table(value: object) -> Mapping[str, object]:
    """``value`` if it is a table (an item), else an empty one (an absent item)."""
    return cast("Mapping[str, object]", value) if isinstance(value, Mapping) else {}


@dataclass(slots=True)
class MergeResult:
    """The merged matrix and the conflicts this merge recorded in it."""

    data: MatrixData
    conflicts: list[ConflictData] = field(default_factory=list)
    """The new records, in the order found (also in ``data["conflicts"]``)."""

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _union(*orders: Iterable[str]) -> list[str]:
    """Ids in first-seen order across the given orders."""
    return list(dict.fromkeys(key for order in orders for key in order))


def _touched(base: MatrixData, side: MatrixData) -> tuple[set[str], set[str]]:
    """(evidence ids, hypothesis ids) whose rating cells ``side`` changed from base,
    plus hypotheses that ``side``'s new or changed milestones point at.

    Only cells ``side`` still has count: removing an item is not changing it.
    """
    evidence_ids: set[str] = set()
    hypothesis_ids: set[str] = set()
    side_evidence = side.get("evidence") or {}
    side_hypotheses = side["hypotheses"]
    base_ratings = base.get("ratings") or {}
    empty: Row = {}
    for analyst, table in (side.get("ratings") or {}).items():
        base_table = base_ratings.get(analyst, {})
        if base_table == table:
            continue
        for evidence_id, row in table.items():
            base_row = base_table.get(evidence_id) or empty
            if row == base_row or evidence_id not in side_evidence:
                continue
            try:  # the cells that differ, found by set operations in C
                differ = {h for h, _ in row.items() ^ base_row.items()} & side_hypotheses.keys()
            except TypeError:  # a value that is no code: compare cell by cell below
                pass
            else:
                if differ:
                    evidence_ids.add(evidence_id)
                    hypothesis_ids |= differ
                continue
            for hypothesis_id in _union(row, base_row):
                if hypothesis_id in side_hypotheses and row.get(hypothesis_id) != base_row.get(
                    hypothesis_id
                ):
                    evidence_ids.add(evidence_id)
                    hypothesis_ids.add(hypothesis_id)
    base_milestones = base.get("milestones") or {}
    for milestone_id, milestone in (side.get("milestones") or {}).items():
        if base_milestones.get(milestone_id) != milestone:
            hypothesis_ids.add(milestone["hypothesis"])
    return evidence_ids, hypothesis_ids


class _Merger:
    """One merge: the three inputs and the conflicts found so far."""

    def __init__(self, base: MatrixData, ours: MatrixData, theirs: MatrixData) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.found: list[ConflictData] = []

    def conflict(
        self, key: str, base: object, ours: object, theirs: object, note: str | None = None
    ) -> None:
        self.found.append(record(key, base, ours, theirs, note))

    def value(self, key: str, base: object, ours: object, theirs: object) -> object:
        """Merge one value; on a conflict keep ours and record it."""
        if ours == theirs or theirs == base:
            return ours
        if ours == base:
            return theirs
        self.conflict(key, base, ours, theirs)
        return ours

    def fields(
        self,
        prefix: str,
        base: Mapping[str, object],
        ours: Mapping[str, object],
        theirs: Mapping[str, object],
    ) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in _union(ours, theirs, base):
            value = self.value(f"{prefix}.{key}", base.get(key), ours.get(key), theirs.get(key))
            if value is not None:
                out[key] = value
        return out

    def items(
        self,
        kind: Kind,
        touched_ours: Collection[str] = (),
        touched_theirs: Collection[str] = (),
    ) -> dict[str, object]:
        """Merge one table of items by id, then its display order."""
        base = _table(self.base.get(kind))
        ours = _table(self.ours.get(kind))
        theirs = _table(self.theirs.get(kind))
        result: dict[str, object] = {}
        for key in _union(ours, theirs, base):
            b, o, t = base.get(key), ours.get(key), theirs.get(key)
            path = f"{kind}.{key}"
            if o == t:
                value = o
            elif o == b:
                value = t
                if t is None and key in touched_ours:
                    self.conflict(path, b, o, t, "removed in theirs; ours changed its ratings")
                    value = o
            elif t == b:
                value = o
                if o is None and key in touched_theirs:
                    self.conflict(path, b, o, t, "removed in ours; theirs changed its ratings")
            elif o is None:
                self.conflict(path, b, o, t, "removed in ours, changed in theirs")
                value = None
            elif t is None:
                self.conflict(path, b, o, t, "changed in ours, removed in theirs")
                value = o
            else:
                value = self.fields(path, _table(b), _table(o), _table(t))
            if value is not None:
                result[key] = value
        order = self.order(kind, list(base), list(ours), list(theirs), result)
        return {key: result[key] for key in order}

    def order(
        self,
        kind: str,
        base: list[str],
        ours: list[str],
        theirs: list[str],
        result: Mapping[str, object],
        record_conflicts: bool = True,
    ) -> list[str]:
        """Ours' order, with theirs' additions and moves replayed where ours did not move."""
        if ours == theirs or theirs == base:
            return [key for key in ours if key in result] + [
                key for key in theirs if key in result and key not in ours
            ]
        moved_ours = _moved(base, ours)
        moved_theirs = _moved(base, theirs)
        ours_set = set(ours)
        reposition = {
            key
            for key in theirs
            if key in result
            and (key not in ours_set or (key in moved_theirs and key not in moved_ours))
        }
        if record_conflicts:
            self.position_conflicts(kind, base, ours, theirs, moved_ours & moved_theirs, result)
        sequence = [key for key in ours if key in result and key not in reposition]
        index = {key: i for i, key in enumerate(sequence)}
        ours_only = set(ours) - set(base) - set(theirs)
        follows: dict[str | None, list[str]] = {}
        last: str | None = None
        for key in theirs:
            if key in reposition:
                anchor = last
                if anchor is None or anchor in index:
                    # Theirs' addition goes after ours' additions at the same place.
                    after = index[anchor] + 1 if anchor is not None else 0
                    while after < len(sequence) and sequence[after] in ours_only:
                        anchor = sequence[after]
                        after += 1
                follows.setdefault(anchor, []).append(key)
                last = key
            elif key in index:
                last = key
        out: list[str] = []
        for anchor in [None, *sequence]:
            if anchor is not None:
                out.append(anchor)
            pending = list(reversed(follows.get(anchor, [])))
            while pending:
                key = pending.pop()
                out.append(key)
                pending.extend(reversed(follows.get(key, [])))
        return out

    def position_conflicts(
        self,
        kind: str,
        base: list[str],
        ours: list[str],
        theirs: list[str],
        both_moved: set[str],
        result: Mapping[str, object],
    ) -> None:
        if not both_moved:
            return
        places = [{key: i for i, key in enumerate(order)} for order in (base, ours, theirs)]
        for key in ours:
            if key not in both_moved or key not in result:
                continue
            before_ours = ours[places[1][key] - 1] if places[1][key] else None
            before_theirs = theirs[places[2][key] - 1] if places[2][key] else None
            if before_ours != before_theirs:
                self.conflict(
                    f"{kind}.{key}.position",
                    places[0][key] + 1,
                    places[1][key] + 1,
                    places[2][key] + 1,
                    "moved to different places on both sides; ours' place kept",
                )

    def run(self) -> MatrixData:
        out: dict[str, object] = {}
        for key in top_fields(self.ours, self.theirs, self.base):
            value = self.value(key, self.base.get(key), self.ours.get(key), self.theirs.get(key))
            if value is not None:
                out[key] = value
        evidence_ours, hypotheses_ours = _touched(self.base, self.ours)
        evidence_theirs, hypotheses_theirs = _touched(self.base, self.theirs)
        hypotheses = self.items("hypotheses", hypotheses_ours, hypotheses_theirs)
        if not hypotheses:
            self.conflict(
                "hypotheses",
                None,
                None,
                None,
                "the two sides together removed every hypothesis; ours' were kept",
            )
            hypotheses = dict(self.ours["hypotheses"])
        out["hypotheses"] = hypotheses
        evidence = self.items("evidence", evidence_ours, evidence_theirs)
        if evidence:
            out["evidence"] = evidence
        ratings = self.ratings(hypotheses, evidence)
        if ratings:
            out["ratings"] = ratings
        milestones = self.items("milestones")
        for milestone_id, milestone in list(milestones.items()):
            named = _table(milestone).get("hypothesis")
            if named not in hypotheses:
                del milestones[milestone_id]
                self.conflict(
                    f"milestones.{milestone_id}",
                    (self.base.get("milestones") or {}).get(milestone_id),
                    (self.ours.get("milestones") or {}).get(milestone_id),
                    (self.theirs.get("milestones") or {}).get(milestone_id),
                    f"its hypothesis {named} was removed; the milestone was left out",
                )
        if milestones:
            out["milestones"] = milestones
        conflicts = self.items("conflicts")
        for conflict_id, conflict in zip(
            new_ids(conflicts, len(self.found)), self.found, strict=True
        ):
            conflicts[conflict_id] = conflict
        if conflicts:
            out["conflicts"] = conflicts
        return cast(MatrixData, out)

    # --- ratings ----------------------------------------------------------------------

    def ratings(self, hypotheses: Mapping[str, object], evidence: Mapping[str, object]) -> Ratings:
        base = self.base.get("ratings") or {}
        ours = self.ours.get("ratings") or {}
        theirs = self.theirs.get("ratings") or {}
        revive = [
            _revived(self.base, side, hypotheses, evidence) for side in (self.ours, self.theirs)
        ]
        result: Ratings = {}
        for analyst in _union(ours, theirs, base):
            b, o, t = base.get(analyst), ours.get(analyst), theirs.get(analyst)
            if o is None and t is None:
                continue
            if b is not None and o is None:
                if t != b:
                    self.lost_cells(analyst, b, t or {}, "ours removed this analyst's ratings")
                continue
            if b is not None and t is None:
                if o != b:
                    self.conflict(
                        f"ratings.{analyst}",
                        None,
                        None,
                        None,
                        f"theirs removed analyst {analyst}'s ratings, ours changed some; ours kept",
                    )
                    t = b
                else:
                    continue
            result[analyst] = self.table(
                analyst, b or {}, o or {}, t or {}, hypotheses, evidence, revive
            )
        order = self.order("ratings", list(base), list(ours), list(theirs), result, False)
        return {analyst: result[analyst] for analyst in order}

    def lost_cells(
        self, analyst: str, base: AnalystRatings, theirs: AnalystRatings, note: str
    ) -> None:
        """Record theirs' changes to cells that the merge cannot keep."""
        empty: Row = {}
        for evidence_id in _union(theirs, base):
            b, t = base.get(evidence_id) or empty, theirs.get(evidence_id) or empty
            if b == t:
                continue
            for hypothesis_id in t:
                if t[hypothesis_id] != b.get(hypothesis_id):
                    self.conflict(
                        f"ratings.{analyst}.{evidence_id}.{hypothesis_id}",
                        b.get(hypothesis_id),
                        None,
                        t[hypothesis_id],
                        note,
                    )

    def table(
        self,
        analyst: str,
        base: AnalystRatings,
        ours: AnalystRatings,
        theirs: AnalystRatings,
        hypotheses: Mapping[str, object],
        evidence: Mapping[str, object],
        revive: list[tuple[set[str], set[str]]],
    ) -> AnalystRatings:
        """Merge one analyst's ratings row by row (cell by cell where both changed)."""
        empty: Row = {}
        gone = self.gone_hypotheses(hypotheses)
        out: AnalystRatings = {}
        for evidence_id in _union(ours, theirs, base):
            b = base.get(evidence_id) or empty
            o = _effective(ours.get(evidence_id) or empty, b, evidence_id, revive[0])
            t = _effective(theirs.get(evidence_id) or empty, b, evidence_id, revive[1])
            if evidence_id not in evidence:
                self.unplaceable(analyst, evidence_id, b, o, t, f"evidence {evidence_id}")
                continue
            if gone and not gone.isdisjoint(_union(o, t)):
                self.unplaceable(analyst, evidence_id, b, o, t, None, gone)
                b, o, t = ({h: c for h, c in row.items() if h not in gone} for row in (b, o, t))
            if o == t or t == b:
                row = o
            elif o == b:
                row = t
            else:
                row = {}
                for hypothesis_id in _union(o, t, b):
                    value = self.value(
                        f"ratings.{analyst}.{evidence_id}.{hypothesis_id}",
                        b.get(hypothesis_id),
                        o.get(hypothesis_id),
                        t.get(hypothesis_id),
                    )
                    if value is not None:
                        row[hypothesis_id] = cast(Code, value)
            if row:
                out[evidence_id] = row
        return out

    def gone_hypotheses(self, hypotheses: Mapping[str, object]) -> set[str]:
        """Hypotheses some input has that the merged matrix does not."""
        every = set(self.base["hypotheses"]) | set(self.ours["hypotheses"])
        return (every | set(self.theirs["hypotheses"])) - hypotheses.keys()

    def unplaceable(
        self,
        analyst: str,
        evidence_id: str,
        base: Row,
        ours: Row,
        theirs: Row,
        removed: str | None,
        only: set[str] | None = None,
    ) -> None:
        """Cells whose evidence (``removed``) or hypothesis (one of ``only``) the merge
        removed: record any that a side set to a new value, since it cannot stay."""
        for hypothesis_id in _union(ours, theirs):
            if only is not None and hypothesis_id not in only:
                continue
            b, o, t = base.get(hypothesis_id), ours.get(hypothesis_id), theirs.get(hypothesis_id)
            if (o is not None and o != b) or (t is not None and t != b):
                self.conflict(
                    f"ratings.{analyst}.{evidence_id}.{hypothesis_id}",
                    b,
                    o,
                    t,
                    f"{removed or hypothesis_id} was removed, so this rating was left out",
                )


def _moved(base: list[str], side: list[str]) -> set[str]:
    """Ids that ``side`` moved relative to ``base`` (both kept them)."""
    side_set = set(side)
    common_base = [key for key in base if key in side_set]
    base_set = set(base)
    common_side = [key for key in side if key in base_set]
    return set(common_side) - kept_in_order(common_base, common_side)


def _revived(
    base: MatrixData,
    side: MatrixData,
    hypotheses: Mapping[str, object],
    evidence: Mapping[str, object],
) -> tuple[set[str], set[str]]:
    """Items ``side`` removed that the merge kept: their cells count as unchanged there."""
    side_evidence = side.get("evidence") or {}
    return (
        {e for e in base.get("evidence") or {} if e not in side_evidence and e in evidence},
        {h for h in base["hypotheses"] if h not in side["hypotheses"] and h in hypotheses},
    )


def _effective(
    row: Row,
    base_row: Row,
    evidence_id: str,
    revive: tuple[set[str], set[str]],
) -> Row:
    revive_evidence, revive_hypotheses = revive
    if evidence_id in revive_evidence:
        return base_row
    if not revive_hypotheses:
        return row
    out = {h: c for h, c in row.items() if h not in revive_hypotheses}
    out.update({h: base_row[h] for h in revive_hypotheses if h in base_row})
    return out


def merge(base: MatrixData, ours: MatrixData, theirs: MatrixData) -> MergeResult:
    """Merge THEIRS into OURS since BASE, all three valid matrix data.

    ``base`` may be ``{"hypotheses": {}}``-like empty data (both sides added the
    file).  Returns the merged data, always valid, with every conflict recorded
    in it (``data["conflicts"]``) and listed in ``conflicts``.
    """
    merger = _Merger(base, ours, theirs)
    data = merger.run()
    return MergeResult(data, merger.found)


EMPTY_BASE: Final = cast(MatrixData, {"hypotheses": {}})
"""The base to use when there is no common ancestor (both sides added the file): no
items at all.  It has no format or title either; the merge reads only its tables."""

"""Three-way merge of matrices by id, recording every conflict in the result.

Given a common ancestor BASE and two descendants OURS and THEIRS, each field of
each item (matched by id) and each rating cell is merged on its own:

* changed on one side only: that change is taken;
* changed the same way on both sides: taken once;
* changed differently on both sides: a **conflict**.  Ours stays in place and a
  ``[conflicts.<id>]`` record (``achbench.versioning.conflicts``) keeps base and theirs.

The tables of the spec's "Additions" merge the same way: sources, assumptions
and each analyst's judgements by id and field, the resolution by field, the
rationale note by note as ratings are.  A reference the merge cannot keep (a
citation of a source the other side removed, a judgement of a removed
hypothesis...) is left out and recorded.

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

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar, cast

from achbench.core.data import (
    AnalystRatings,
    AnalystRationale,
    ConflictData,
    MatrixData,
    NoteRow,
    Ratings,
    Rationale,
    Row,
)
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


_Table = TypeVar("_Table", bound=Mapping[str, Mapping[str, str]])
"""One analyst's per-cell table: ratings (codes) or rationale (notes)."""


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
            in_ours = set(ours)
            return [key for key in ours if key in result] + [
                key for key in theirs if key in result and key not in in_ours
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
        self.additions(out, hypotheses, evidence)
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
        resolution = self.resolution(hypotheses)
        if resolution:
            out["resolution"] = resolution
        conflicts = self.items("conflicts")
        for conflict_id, conflict in zip(
            new_ids(conflicts, len(self.found)), self.found, strict=True
        ):
            conflicts[conflict_id] = conflict
        if conflicts:
            out["conflicts"] = conflicts
        return cast(MatrixData, out)

    # --- the spec's "Additions" ----------------------------------------------------------

    def left_out(self, key: str, note: str) -> None:
        """Record a value at ``key`` that the merge had to leave out, with each side's
        value there (replacing a conflict already recorded on the same key)."""
        self.found = [c for c in self.found if c["key"] != key]
        path = key.split(".")
        self.conflict(key, _at(self.base, path), _at(self.ours, path), _at(self.theirs, path), note)

    def additions(
        self, out: dict[str, object], hypotheses: Mapping[str, object], evidence: dict[str, object]
    ) -> None:
        """Merge sources, assumptions, rationale and judgements into ``out``, then leave
        out the references to what the merge removed."""
        for kind in ("sources", "assumptions"):
            table = self.items(kind)
            if table:
                out[kind] = table
        sources = _table(out.get("sources"))
        assumptions = _table(out.get("assumptions"))
        for evidence_id, item in list(evidence.items()):
            fields = dict(_table(item))
            cited = fields.get("cites")
            if cited is not None and cited not in sources:
                del fields["cites"]
                self.left_out(
                    f"evidence.{evidence_id}.cites",
                    f"source {cited} was removed, so the citation was left out",
                )
            self.keep_known(fields, "assumes", assumptions, f"evidence.{evidence_id}", "assumption")
            if fields != item:
                evidence[evidence_id] = fields
        for assumption_id, assumption in list(assumptions.items()):
            fields = dict(_table(assumption))
            self.keep_known(
                fields, "hypotheses", hypotheses, f"assumptions.{assumption_id}", "hypothesis"
            )
            if fields != assumption:
                cast("dict[str, object]", out["assumptions"])[assumption_id] = fields
        rationale = self.rationale(hypotheses, evidence)
        if rationale:
            out["rationale"] = rationale
        judgements = self.items("judgements")
        for analyst, value in list(judgements.items()):
            row = _table(value)
            for hypothesis_id in [h for h in row if h not in hypotheses]:
                self.left_out(
                    f"judgements.{analyst}.{hypothesis_id}",
                    f"hypothesis {hypothesis_id} was removed, so this judgement was left out",
                )
            judgements[analyst] = {h: p for h, p in row.items() if h in hypotheses}
        if judgements:
            out["judgements"] = judgements

    def keep_known(
        self, fields: dict[str, object], key: str, known: Mapping[str, object], at: str, kind: str
    ) -> None:
        """Drop from the array ``fields[key]`` the ids ``known`` does not hold, recording it."""
        value = fields.get(key)
        if not isinstance(value, list):
            return
        ids = cast("list[str]", value)
        kept = [i for i in ids if i in known]
        if kept == ids:
            return
        gone = ", ".join(i for i in ids if i not in known)
        self.left_out(f"{at}.{key}", f"{kind} {gone} was removed, so it was left out here")
        if kept:
            fields[key] = kept
        else:
            del fields[key]

    def resolution(self, hypotheses: Mapping[str, object]) -> dict[str, object] | None:
        """Merge ``[resolution]`` field by field (a whole table removed on one side and
        changed on the other is a conflict, as for an item)."""
        b, o, t = (side.get("resolution") for side in (self.base, self.ours, self.theirs))
        value: Mapping[str, object] | None
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        elif o is None:
            self.conflict("resolution", b, o, t, "removed in ours, changed in theirs")
            value = None
        elif t is None:
            self.conflict("resolution", b, o, t, "changed in ours, removed in theirs")
            value = o
        else:
            value = self.fields("resolution", _table(b), o, t)
        if value is None:
            return None
        named = value.get("hypothesis")
        if named not in hypotheses:
            self.left_out(
                "resolution", f"its hypothesis {named} was removed; the resolution was left out"
            )
            return None
        return dict(value)

    def rationale(
        self, hypotheses: Mapping[str, object], evidence: Mapping[str, object]
    ) -> Rationale:
        """Merge every analyst's rationale note by note, as ratings are merged cell by cell."""
        base = self.base.get("rationale") or {}
        ours = self.ours.get("rationale") or {}
        theirs = self.theirs.get("rationale") or {}
        revive = [
            _revived(self.base, side, hypotheses, evidence) for side in (self.ours, self.theirs)
        ]
        return self.per_analyst(
            "rationale",
            (base, ours, theirs),
            lambda a, b, o, th: self.notes(a, b, o, th, hypotheses, evidence, revive),
            lambda a, b, th: self.lost_notes(a, b, th),
        )

    def lost_notes(self, analyst: str, base: AnalystRationale, theirs: AnalystRationale) -> None:
        """Record theirs' changed notes of an analyst whose rationale ours removed."""
        empty: NoteRow = {}
        for evidence_id in _union(theirs, base):
            b, t = base.get(evidence_id) or empty, theirs.get(evidence_id) or empty
            for hypothesis_id in t:
                if t[hypothesis_id] != b.get(hypothesis_id):
                    self.conflict(
                        f"rationale.{analyst}.{evidence_id}.{hypothesis_id}",
                        b.get(hypothesis_id),
                        None,
                        t[hypothesis_id],
                        "ours removed this analyst's rationale",
                    )

    def notes(
        self,
        analyst: str,
        base: AnalystRationale,
        ours: AnalystRationale,
        theirs: AnalystRationale,
        hypotheses: Mapping[str, object],
        evidence: Mapping[str, object],
        revive: list[tuple[set[str], set[str]]],
    ) -> AnalystRationale:
        """One analyst's rationale, note by note; notes whose evidence or hypothesis the
        merge removed are left out, and recorded where a side had changed them."""
        empty: NoteRow = {}
        out: AnalystRationale = {}
        for evidence_id in _union(ours, theirs, base):
            b = base.get(evidence_id) or empty
            o = _effective(ours.get(evidence_id) or empty, b, evidence_id, revive[0])
            t = _effective(theirs.get(evidence_id) or empty, b, evidence_id, revive[1])
            row: NoteRow = {}
            for hypothesis_id in _union(o, t, b):
                key = f"rationale.{analyst}.{evidence_id}.{hypothesis_id}"
                before, mine, other = (
                    b.get(hypothesis_id),
                    o.get(hypothesis_id),
                    t.get(hypothesis_id),
                )
                value = self.value(key, before, mine, other)
                if value is None:
                    continue
                if evidence_id in evidence and hypothesis_id in hypotheses:
                    row[hypothesis_id] = cast(str, value)
                elif mine != before or other != before:
                    gone = evidence_id if evidence_id not in evidence else hypothesis_id
                    self.left_out(key, f"{gone} was removed, so this note was left out")
            if row:
                out[evidence_id] = row
        return out

    # --- ratings ----------------------------------------------------------------------

    def ratings(self, hypotheses: Mapping[str, object], evidence: Mapping[str, object]) -> Ratings:
        base = self.base.get("ratings") or {}
        ours = self.ours.get("ratings") or {}
        theirs = self.theirs.get("ratings") or {}
        revive = [
            _revived(self.base, side, hypotheses, evidence) for side in (self.ours, self.theirs)
        ]
        return self.per_analyst(
            "ratings",
            (base, ours, theirs),
            lambda a, b, o, th: self.table(a, b, o, th, hypotheses, evidence, revive),
            lambda a, b, th: self.lost_cells(a, b, th, "ours removed this analyst's ratings"),
        )

    def per_analyst(
        self,
        section: str,
        sides: tuple[Mapping[str, _Table], Mapping[str, _Table], Mapping[str, _Table]],
        merge_one: Callable[[str, _Table, _Table, _Table], _Table],
        lose: Callable[[str, _Table, _Table], None],
    ) -> dict[str, _Table]:
        """Merge a per-analyst table (ratings, rationale) analyst by analyst: an
        analyst's table removed on one side and changed on the other is recorded
        (``lose`` for theirs' changes; a conflict keeping ours for ours'), the rest
        merged by ``merge_one(analyst, base, ours, theirs)``, in merged order."""
        base, ours, theirs = sides
        empty = cast(_Table, {})
        result: dict[str, _Table] = {}
        for analyst in _union(ours, theirs, base):
            b, o, t = base.get(analyst), ours.get(analyst), theirs.get(analyst)
            if o is None and t is None:
                continue
            if b is not None and o is None:
                if t != b:
                    lose(analyst, b, t or empty)
                continue
            if b is not None and t is None:
                if o == b:
                    continue
                self.conflict(
                    f"{section}.{analyst}",
                    None,
                    None,
                    None,
                    f"theirs removed analyst {analyst}'s {section}, ours changed some; ours kept",
                )
                t = b
            result[analyst] = merge_one(analyst, b or empty, o or empty, t or empty)
        order = self.order(section, list(base), list(ours), list(theirs), result, False)
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


_Cell = TypeVar("_Cell")
"""A cell's value: a rating code, or a rationale note."""


def _at(data: Mapping[str, object], path: Sequence[str]) -> object:
    """The value at a key path, or None where the path does not reach."""
    value: object = data
    for part in path:
        value = _table(value).get(part)
    return value


def _effective(
    row: dict[str, _Cell],
    base_row: dict[str, _Cell],
    evidence_id: str,
    revive: tuple[set[str], set[str]],
) -> dict[str, _Cell]:
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

"""Semantic diff of two matrices, matched by id; and the patch that replays it.

Two versions of a matrix are compared item by item (hypotheses, evidence,
sources, assumptions, analysts' judgements, milestones, recorded conflicts,
analysts), field by field (the resolution) and rating cell by rating cell (and
rationale note by note), always by id: an item that moved is reported as moved,
never as removed and added.  The diff also says what the change does to the
conclusion, by scoring both versions with ``achbench.scoring.methods``.

The same structure is the JSON patch of ``achbench diff --format json``
(docs/diff.md): ``apply_patch(old, diff_matrices(old, new).to_json())`` gives
``new`` back, order included.  A property test holds this on generated pairs.

Meaning, not text, is compared: an absent optional table and an empty one are
the same, as are an absent rating row and an empty one; key order inside a
table and the order of rating rows carry no meaning (the writer fixes both).
Display order of hypotheses, evidence, milestones and analysts does.

Pure and fast: no I/O, no Rich; a 50 x 5,000 matrix diffs in a fraction of the
time it takes to parse it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, NotRequired, TypedDict, TypeVar, cast

from achbench.core.data import TABLES, MatrixData
from achbench.core.errors import AchbenchError
from achbench.core.vocabulary import Code
from achbench.store import json_text

DIFF_FORMAT: Final = "achbench-diff/1"
"""The ``format`` value of a JSON diff; ``apply_patch`` refuses any other."""

Kind = Literal[
    "hypotheses", "evidence", "sources", "assumptions", "judgements", "milestones", "conflicts"
]
"""A top-level table of items keyed by id (an analyst's judgements are one item, a
field per hypothesis)."""

KINDS: Final[tuple[Kind, ...]] = (
    "hypotheses",
    "evidence",
    "sources",
    "assumptions",
    "judgements",
    "milestones",
    "conflicts",
)
"""Top-level tables of items keyed by id, in the order a diff reports them."""

ADDED_KINDS: Final[tuple[Kind, ...]] = ("sources", "assumptions", "judgements")
"""Kinds from the spec's "Additions": the JSON patch holds them only when they changed,
so the patch of two files without them is what it always was."""

OPTIONAL_TABLES: Final = tuple(k for k in TABLES if k not in ("hypotheses", "resolution"))
"""Top-level tables that mean the same absent as empty."""

_DATE_FIELDS = {"evidence": "date", "milestones": "due"}
"""Fields holding TOML dates, which JSON carries as ISO strings."""


_Cell = TypeVar("_Cell")
"""What a per-cell table holds in each cell: a rating code, or a note."""


def _table(value: object) -> Mapping[str, object]:
    """``value`` if it is a table (an item, a rating row...), else an empty one."""
    return cast("Mapping[str, object]", value) if isinstance(value, Mapping) else {}


class PatchError(AchbenchError):
    """A JSON diff that cannot be applied to the matrix given."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One key whose value differs; ``None`` means the key is not set."""

    key: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class Added:
    """An item only NEW has, at ``position`` (1-based) in NEW, right after ``after``."""

    id: str
    position: int
    after: str | None
    value: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Removed:
    """An item only OLD has, at ``position`` (1-based) in OLD."""

    id: str
    position: int
    value: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Moved:
    """An item both have whose place in the display order changed.

    Moves are the fewest that explain the new order: the items not in a
    longest run that kept its relative order.
    """

    id: str
    old_position: int
    new_position: int
    after: str | None


@dataclass(frozen=True, slots=True)
class Changed:
    """An item both have with different fields."""

    id: str
    fields: list[FieldChange]


@dataclass(slots=True)
class TableDiff:
    """What changed in one table of items (or in the list of analysts)."""

    added: list[Added] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.changed)

    def retitled(self) -> list[tuple[str, object, object]]:
        """(id, old title, new title) of the items whose title changed."""
        return [(c.id, f.old, f.new) for c in self.changed for f in c.fields if f.key == "title"]


@dataclass(frozen=True, slots=True)
class CellChange:
    """One rating cell of one analyst whose code changed; ``None`` is unrated."""

    analyst: str
    evidence: str
    hypothesis: str
    old: Code | None
    new: Code | None


@dataclass(frozen=True, slots=True)
class NoteChange:
    """One rationale note of one analyst on one cell that changed; ``None`` is no note."""

    analyst: str
    evidence: str
    hypothesis: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Standing:
    """A hypothesis' rank and score before and after; ``None`` where it is absent."""

    id: str
    title: str
    old_rank: int | None
    new_rank: int | None
    old_score: float | None
    new_score: float | None


@dataclass(slots=True)
class Conclusion:
    """What the change does to the ranking under one scoring method."""

    method: str
    hypotheses: list[Standing]
    """In NEW's rank order, then hypotheses only OLD has, in OLD's rank order."""
    old_leaders: list[str]
    new_leaders: list[str]

    @property
    def leader_changed(self) -> bool:
        return set(self.old_leaders) != set(self.new_leaders)

    def headline(self, titles: Mapping[str, str]) -> str:
        """One sentence on the lead: who had it, who has it now."""

        def name(ids: Sequence[str]) -> str:
            return " and ".join(f"{i} ({titles.get(i, i)})" for i in ids) or "none"

        if self.leader_changed:
            return f"The lead changes: {name(self.old_leaders)} -> {name(self.new_leaders)}"
        verb = "still lead" if len(self.new_leaders) > 1 else "still leads"
        return f"{name(self.new_leaders)} {verb}"


@dataclass(slots=True)
class MatrixDiff:
    """Everything that differs between two matrices, and what it does to the ranking."""

    old: MatrixData
    new: MatrixData
    fields: list[FieldChange]
    tables: dict[Kind, TableDiff]
    analysts: TableDiff
    ratings: list[CellChange]
    conclusion: Conclusion | None = None
    rationale_analysts: TableDiff = field(default_factory=TableDiff)
    """Analysts whose rationale tables were added, removed or moved."""
    rationale: list[NoteChange] = field(default_factory=list)
    resolution: list[FieldChange] = field(default_factory=list)
    """Fields of ``[resolution]`` that differ (all of them when one side has none)."""

    @property
    def same(self) -> bool:
        """True when the two hold the same matrix (ignoring layout and key order)."""
        return not (
            self.fields
            or any(self.tables.values())
            or self.analysts
            or self.ratings
            or self.rationale_analysts
            or self.rationale
            or self.resolution
        )

    def title(self, kind: str, item_id: str) -> str:
        """An item's title (a conflict's key) in NEW, else in OLD, else its id."""
        for data in (self.new, self.old):
            item = _table(data.get(kind)).get(item_id)
            if item is not None:
                return str(_table(item).get("key" if kind == "conflicts" else "title", item_id))
        return item_id

    def ratings_by_analyst(self) -> dict[str, list[CellChange]]:
        out: dict[str, list[CellChange]] = {}
        for cell in self.ratings:
            out.setdefault(cell.analyst, []).append(cell)
        return out

    def rationale_by_analyst(self) -> dict[str, list[NoteChange]]:
        out: dict[str, list[NoteChange]] = {}
        for note in self.rationale:
            out.setdefault(note.analyst, []).append(note)
        return out

    def to_json(self) -> DiffJson:
        """The diff as plain data: the documented JSON patch (docs/diff.md).

        Dates stay ``datetime.date`` here; ``dumps_json`` writes them as ISO strings.
        """
        out: DiffJson = {
            "format": DIFF_FORMAT,
            "same": self.same,
            "fields": [_field_json(f) for f in self.fields],
            "hypotheses": _table_json(self.tables["hypotheses"], self, "hypotheses"),
            "evidence": _table_json(self.tables["evidence"], self, "evidence"),
            "milestones": _table_json(self.tables["milestones"], self, "milestones"),
            "conflicts": _table_json(self.tables["conflicts"], self, "conflicts"),
            "analysts": _table_json(self.analysts, self, None),
            "ratings": [
                {
                    "analyst": c.analyst,
                    "evidence": c.evidence,
                    "hypothesis": c.hypothesis,
                    "old": c.old,
                    "new": c.new,
                    "evidence_title": self.title("evidence", c.evidence),
                    "hypothesis_title": self.title("hypotheses", c.hypothesis),
                }
                for c in self.ratings
            ],
            "conclusion": _conclusion_json(self.conclusion) if self.conclusion else None,
        }
        for kind in ADDED_KINDS:
            if self.tables[kind]:
                out[kind] = _table_json(self.tables[kind], self, kind)
        if self.rationale_analysts or self.rationale:
            out["rationale"] = {
                "analysts": _table_json(self.rationale_analysts, self, None),
                "notes": [
                    {
                        "analyst": n.analyst,
                        "evidence": n.evidence,
                        "hypothesis": n.hypothesis,
                        "old": n.old,
                        "new": n.new,
                        "evidence_title": self.title("evidence", n.evidence),
                        "hypothesis_title": self.title("hypotheses", n.hypothesis),
                    }
                    for n in self.rationale
                ],
            }
        if self.resolution:
            out["resolution"] = [_field_json(f) for f in self.resolution]
        return out


# --- the JSON patch (docs/diff.md) ----------------------------------------------------


class FieldJson(TypedDict):
    """A key whose value differs; ``None`` (JSON ``null``) is not set."""

    key: str
    old: object
    new: object


class AddedJson(TypedDict):
    id: str
    position: int
    after: str | None
    value: NotRequired[Mapping[str, object]]
    """The item added (not given for an analyst: their cells are in ``ratings``)."""


class RemovedJson(TypedDict):
    id: str
    position: int
    value: NotRequired[Mapping[str, object]]


class MovedJson(TypedDict):
    id: str
    old_position: int
    new_position: int
    after: str | None


class ChangedJson(TypedDict):
    id: str
    title: str
    fields: list[FieldJson]


class TableJson(TypedDict):
    """What changed in one table of items, or (without ``changed``) in the analysts."""

    added: list[AddedJson]
    removed: list[RemovedJson]
    moved: list[MovedJson]
    changed: NotRequired[list[ChangedJson]]


class CellJson(TypedDict):
    analyst: str
    evidence: str
    hypothesis: str
    old: Code | None
    new: Code | None
    evidence_title: str
    hypothesis_title: str


class NoteJson(TypedDict):
    """A rationale note that changed; ``None`` (JSON ``null``) is no note."""

    analyst: str
    evidence: str
    hypothesis: str
    old: str | None
    new: str | None
    evidence_title: str
    hypothesis_title: str


class RationaleJson(TypedDict):
    """What changed in the rationale: analysts' tables (as ``analysts``), then notes."""

    analysts: TableJson
    notes: list[NoteJson]


class StandingJson(TypedDict):
    id: str
    title: str
    old_rank: int | None
    new_rank: int | None
    old_score: float | None
    new_score: float | None


class ConclusionJson(TypedDict):
    method: str
    old_leaders: list[str]
    new_leaders: list[str]
    leader_changed: bool
    headline: str
    hypotheses: list[StandingJson]


class DiffJson(TypedDict):
    """A whole JSON diff, ``MatrixDiff.to_json()``: the patch ``apply_patch`` replays."""

    format: str
    same: bool
    fields: list[FieldJson]
    hypotheses: TableJson
    evidence: TableJson
    milestones: TableJson
    conflicts: TableJson
    analysts: TableJson
    ratings: list[CellJson]
    conclusion: ConclusionJson | None
    sources: NotRequired[TableJson]
    assumptions: NotRequired[TableJson]
    judgements: NotRequired[TableJson]
    """Per analyst, a field per hypothesis."""
    rationale: NotRequired[RationaleJson]
    resolution: NotRequired[list[FieldJson]]


def _field_json(change: FieldChange) -> FieldJson:
    return {"key": change.key, "old": change.old, "new": change.new}


def _table_json(table: TableDiff, diff: MatrixDiff, kind: Kind | None) -> TableJson:
    """One table's changes; ``kind`` None is the analysts, whose values are not given."""
    added: list[AddedJson] = []
    for a in table.added:
        entry: AddedJson = {"id": a.id, "position": a.position, "after": a.after}
        if kind is not None:
            entry["value"] = a.value
        added.append(entry)
    removed: list[RemovedJson] = []
    for r in table.removed:
        gone: RemovedJson = {"id": r.id, "position": r.position}
        if kind is not None:
            gone["value"] = r.value
        removed.append(gone)
    out: TableJson = {
        "added": added,
        "removed": removed,
        "moved": [
            {
                "id": m.id,
                "old_position": m.old_position,
                "new_position": m.new_position,
                "after": m.after,
            }
            for m in table.moved
        ],
    }
    if kind is not None:
        out["changed"] = [
            {
                "id": c.id,
                "title": diff.title(kind, c.id),
                "fields": [_field_json(f) for f in c.fields],
            }
            for c in table.changed
        ]
    return out


def _conclusion_json(conclusion: Conclusion) -> ConclusionJson:
    titles = {s.id: s.title for s in conclusion.hypotheses}
    return {
        "method": conclusion.method,
        "old_leaders": conclusion.old_leaders,
        "new_leaders": conclusion.new_leaders,
        "leader_changed": conclusion.leader_changed,
        "headline": conclusion.headline(titles),
        "hypotheses": [
            {
                "id": s.id,
                "title": s.title,
                "old_rank": s.old_rank,
                "new_rank": s.new_rank,
                "old_score": s.old_score,
                "new_score": s.new_score,
            }
            for s in conclusion.hypotheses
        ],
    }


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps_json(patch: Mapping[str, object], indent: int | None = 2) -> str:
    """A JSON diff as text, dates as ISO strings."""
    if indent == 2:  # the same text, written faster (``store.json_text``)
        return json_text.dumps(patch, default=_json_default)
    return json.dumps(patch, indent=indent, ensure_ascii=False, default=_json_default)


def top_fields(*matrices: Mapping[str, object]) -> list[str]:
    """The single-value top-level keys (``title``, ``question``...) any of them has,
    in first-seen order: whatever the format adds there is diffed and merged too."""
    return [key for key in dict.fromkeys(k for m in matrices for k in m) if key not in TABLES]


def normal_form(data: MatrixData) -> MatrixData:
    """The matrix without what carries no meaning: empty optional tables and empty
    rating rows.  Two matrices the diff calls the same have equal normal forms,
    and ``apply_patch`` returns this form."""
    out: dict[str, object] = {
        key: value for key, value in data.items() if value or key not in OPTIONAL_TABLES
    }
    if "ratings" in out:
        out["ratings"] = {
            analyst: {row_id: row for row_id, row in table.items() if row}
            for analyst, table in data.get("ratings", {}).items()
        }
    if "rationale" in out:
        out["rationale"] = {
            analyst: {row_id: row for row_id, row in table.items() if row}
            for analyst, table in data.get("rationale", {}).items()
        }
    return cast(MatrixData, out)


# --- computing the diff ---------------------------------------------------------------


def kept_in_order(old_order: Sequence[str], new_order: Sequence[str]) -> set[str]:
    """The ids common to both orders that did not move: a longest run of them that
    keeps its relative order in both (patience LIS, O(n log n)).

    Both sequences must hold the same ids.  Every other id counts as moved, so a
    single item dragged elsewhere is one move, not a shift of all the others.
    """
    if list(old_order) == list(new_order):
        return set(new_order)
    index = {key: i for i, key in enumerate(old_order)}
    sequence = [index[key] for key in new_order]
    tail_values: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(sequence)
    for position, value in enumerate(sequence):
        slot = bisect_left(tail_values, value)
        if slot == len(tail_values):
            tail_values.append(value)
            tail_positions.append(position)
        else:
            tail_values[slot] = value
            tail_positions[slot] = position
        previous[position] = tail_positions[slot - 1] if slot else -1
    kept: set[str] = set()
    cursor = tail_positions[-1] if tail_positions else -1
    while cursor != -1:
        kept.add(new_order[cursor])
        cursor = previous[cursor]
    return kept


def _fields(old: Mapping[str, object], new: Mapping[str, object]) -> list[FieldChange]:
    keys = list(old) + [k for k in new if k not in old]
    return [
        FieldChange(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)
    ]


def diff_order(
    old: Mapping[str, object], new: Mapping[str, object], compare_values: bool = True
) -> TableDiff:
    """Added, removed, moved and (if ``compare_values``) changed items of two tables."""
    table = TableDiff()
    old_ids, new_ids = list(old), list(new)
    if old_ids != new_ids:
        table.removed = [
            Removed(key, position, _table(old[key]))
            for position, key in enumerate(old_ids, start=1)
            if key not in new
        ]
        kept = kept_in_order(
            [key for key in old_ids if key in new], [key for key in new_ids if key in old]
        )
        old_position = {key: position for position, key in enumerate(old_ids, start=1)}
        previous: str | None = None
        for position, key in enumerate(new_ids, start=1):
            if key not in old:
                table.added.append(Added(key, position, previous, _table(new[key])))
            elif key not in kept:
                table.moved.append(Moved(key, old_position[key], position, previous))
            previous = key
    if compare_values:
        for key in new_ids:
            before = old.get(key)
            if before is not None and before != new[key]:
                table.changed.append(Changed(key, _fields(_table(before), _table(new[key]))))
    return table


def _diff_ratings(old: MatrixData, new: MatrixData) -> list[CellChange]:
    """Cell changes per analyst, in NEW's analyst, evidence and hypothesis order.

    Cells that go with a removed analyst, evidence item or hypothesis are left
    out: removing the item says they are gone.
    """
    return [
        CellChange(analyst, evidence_id, hypothesis_id, before, after)
        for analyst, evidence_id, hypothesis_id, before, after in _changed_cells(
            old.get("ratings") or {}, new.get("ratings") or {}, new
        )
    ]


def _changed_cells(
    old_tables: Mapping[str, Mapping[str, Mapping[str, _Cell]]],
    new_tables: Mapping[str, Mapping[str, Mapping[str, _Cell]]],
    new: MatrixData,
) -> Iterator[tuple[str, str, str, _Cell | None, _Cell | None]]:
    """(analyst, evidence, hypothesis, before, after) for each cell of a per-cell table
    (ratings, rationale) that changed, in NEW's order; what goes with a removed analyst,
    evidence item or hypothesis is left out (those removals are reported themselves)."""
    evidence_ids = list(new.get("evidence") or {})
    hypothesis_ids = list(new["hypotheses"])
    empty: Mapping[str, _Cell] = {}
    for analyst, new_table in new_tables.items():
        old_table = old_tables.get(analyst, {})
        if old_table == new_table:
            continue
        for evidence_id in evidence_ids:
            old_row = old_table.get(evidence_id) or empty
            new_row = new_table.get(evidence_id) or empty
            if old_row == new_row:
                continue
            for hypothesis_id in hypothesis_ids:
                before = old_row.get(hypothesis_id)
                after = new_row.get(hypothesis_id)
                if before != after:
                    yield analyst, evidence_id, hypothesis_id, before, after


def _diff_rationale(old: MatrixData, new: MatrixData) -> list[NoteChange]:
    """Note changes per analyst, as ``_diff_ratings`` gives cell changes (and leaving out
    the notes that go with a removed analyst, evidence item or hypothesis likewise)."""
    return [
        NoteChange(analyst, evidence_id, hypothesis_id, before, after)
        for analyst, evidence_id, hypothesis_id, before, after in _changed_cells(
            old.get("rationale") or {}, new.get("rationale") or {}, new
        )
    ]


def _conclusion(old: MatrixData, new: MatrixData, method: str) -> Conclusion:
    from achbench.scoring.methods import Grid, score

    before = score(Grid.from_data(old), method)
    after = score(Grid.from_data(new), method)
    old_by_id = {h.id: h for h in before.hypotheses}
    new_ids = {h.id for h in after.hypotheses}
    standings = [
        Standing(
            h.id,
            h.title,
            old_by_id[h.id].rank if h.id in old_by_id else None,
            h.rank,
            old_by_id[h.id].score if h.id in old_by_id else None,
            h.score,
        )
        for h in after.hypotheses
    ]
    standings += [
        Standing(h.id, h.title, h.rank, None, h.score, None)
        for h in before.hypotheses
        if h.id not in new_ids
    ]
    return Conclusion(
        method,
        standings,
        [h.id for h in before.hypotheses if h.rank == 1],
        [h.id for h in after.hypotheses if h.rank == 1],
    )


def diff_matrices(old: MatrixData, new: MatrixData, method: str | None = "heuer") -> MatrixDiff:
    """Compare two valid matrices by id; score both under ``method`` when they differ.

    ``method=None`` leaves the conclusion out (it is the costly part).
    """
    fields = [
        FieldChange(key, old.get(key), new.get(key))
        for key in top_fields(old, new)
        if old.get(key) != new.get(key)
    ]
    tables = {kind: diff_order(_table(old.get(kind)), _table(new.get(kind))) for kind in KINDS}
    analysts = diff_order(old.get("ratings") or {}, new.get("ratings") or {}, False)
    diff = MatrixDiff(old, new, fields, tables, analysts, _diff_ratings(old, new))
    diff.rationale_analysts = diff_order(
        old.get("rationale") or {}, new.get("rationale") or {}, False
    )
    diff.rationale = _diff_rationale(old, new)
    diff.resolution = _fields(_table(old.get("resolution")), _table(new.get("resolution")))
    if method is not None and not diff.same:
        diff.conclusion = _conclusion(old, new, method)
    return diff


# --- applying a JSON diff -------------------------------------------------------------


def _entries(value: object, kind: str) -> list[Mapping[str, object]]:
    """A list of patch entries, each an object with a string ``id``."""
    entries = cast("list[object]", value) if isinstance(value, list) else None
    if entries is None or not all(isinstance(_table(e).get("id"), str) for e in entries):
        raise PatchError(f"diff: {kind}: expected a list of objects with an 'id'")
    return [_table(e) for e in entries]


def _records(value: object, where: str) -> list[Mapping[str, object]]:
    """A list of objects (field changes, rating cells)."""
    if not isinstance(value, list):
        raise PatchError(f"diff: {where}: expected a list")
    return [_table(entry) for entry in cast("list[object]", value)]


def _text(entry: Mapping[str, object], key: str) -> str:
    """A string the patch gives (an id, a key); its absence is a patch that does not fit."""
    value = entry.get(key)
    if not isinstance(value, str):
        raise PatchError(f"diff: expected a string for {key!r}, got {value!r}")
    return value


def _position(entry: Mapping[str, object], key: str) -> int:
    value = entry[key]
    if not isinstance(value, int | str):
        raise PatchError(f"diff: expected a position for {key!r}, got {value!r}")
    return int(value)


def _apply_table(
    table: Mapping[str, object],
    patch: Mapping[str, object],
    kind: str,
    fresh: Callable[[], object] | None = None,
) -> dict[str, object]:
    """Replay one table's removals, field changes, additions and moves, in order."""
    removed = {_text(e, "id") for e in _entries(patch.get("removed", []), kind)}
    added = _entries(patch.get("added", []), kind)
    moved = _entries(patch.get("moved", []), kind)
    missing = sorted(removed - table.keys())
    if missing:
        raise PatchError(f"diff: {kind}: cannot remove {missing[0]!r}: the matrix has no such item")
    items = {key: value for key, value in table.items() if key not in removed}
    for change in _entries(patch.get("changed", []), kind):
        key = _text(change, "id")
        if key not in items:
            raise PatchError(f"diff: {kind}: cannot change {key!r}: the matrix has no such item")
        item = dict(_table(items[key]))
        for entry in _records(change.get("fields", []), kind):
            if entry.get("new") is None:
                item.pop(_text(entry, "key"), None)
            else:
                item[_text(entry, "key")] = copy.deepcopy(entry["new"])
        items[key] = item
    placed: dict[int, str] = {}
    for entry in added:
        key = _text(entry, "id")
        if key in items:
            raise PatchError(f"diff: {kind}: cannot add {key!r}: the matrix already has it")
        items[key] = copy.deepcopy(entry["value"]) if fresh is None else fresh()
        placed[_position(entry, "position")] = key
    for entry in moved:
        key = _text(entry, "id")
        if key not in items:
            raise PatchError(f"diff: {kind}: cannot move {key!r}: no such item")
        placed[_position(entry, "new_position")] = key
    if not placed:
        return items
    moving = {_text(entry, "id") for entry in moved}
    staying = iter([key for key in items if key not in moving and key not in placed.values()])
    order: list[str | None] = []
    for position in range(1, len(items) + 1):
        at = placed.get(position)
        order.append(at if at is not None else next(staying, None))
    if None in order or len(set(order)) != len(items):
        raise PatchError(f"diff: {kind}: the positions given do not fit this matrix")
    return {key: items[key] for key in order if key is not None}


def _revive_dates(data: Mapping[str, object]) -> None:
    """Turn the ISO strings JSON carries back into dates where the format has dates."""

    def revive(value: object, key: str) -> None:
        if isinstance(value, dict):
            table = cast("dict[str, object]", value)
            text = table.get(key)
            if isinstance(text, str):
                table[key] = dt.date.fromisoformat(text)

    for kind, key in _DATE_FIELDS.items():
        for item in _table(data.get(kind)).values():
            revive(item, key)
    revive(data.get("resolution"), "date")
    for value in _table(data.get("conflicts")).values():
        conflict = _table(value)
        path = str(conflict.get("key", "")).split(".")
        if path[0] == "resolution" and len(path) <= 2:
            for side in ("base", "ours", "theirs"):
                if len(path) == 1:
                    revive(conflict.get(side), "date")
                elif path[1] == "date":
                    revive(conflict, side)
            continue
        if len(path) < 2 or path[0] not in _DATE_FIELDS:
            continue
        date_key = _DATE_FIELDS[path[0]]
        for side in ("base", "ours", "theirs"):
            if len(path) == 2:
                revive(conflict.get(side), date_key)
            elif len(path) == 3 and path[2] == date_key:
                revive(conflict, side)


def apply_patch(old_data: MatrixData, diff_json: Mapping[str, object]) -> MatrixData:
    """Apply a JSON diff (``MatrixDiff.to_json()``, or that parsed back from JSON text)
    to the OLD matrix it was made from; return NEW.

    The input is not changed.  Empty optional tables are left out of the result.
    A diff that does not fit raises ``PatchError``.
    """
    if diff_json.get("format") != DIFF_FORMAT:
        raise PatchError(f"diff: not an achbench diff (expected format {DIFF_FORMAT!r})")
    data: dict[str, object] = {
        key: copy.deepcopy(value)
        for key, value in old_data.items()
        if key not in ("ratings", "rationale")
    }
    for change in _records(diff_json.get("fields", []), "fields"):
        if change.get("new") is None:
            data.pop(_text(change, "key"), None)
        else:
            data[_text(change, "key")] = change["new"]
    for kind in KINDS:
        table = _apply_table(_table(data.get(kind)), _table(diff_json.get(kind)), kind)
        if table or kind == "hypotheses":
            data[kind] = table
        else:
            data.pop(kind, None)
    ratings = _replay_cells(
        old_data.get("ratings") or {},
        diff_json.get("analysts"),
        diff_json.get("ratings", []),
        ("analysts", "ratings"),
        data,
    )
    if ratings:
        data["ratings"] = ratings
    _apply_additions(old_data, diff_json, data)
    _revive_dates(data)
    order = [*top_fields(data), *TABLES]
    return cast(MatrixData, {key: data[key] for key in order if key in data})


def _replay_cells(
    old: Mapping[str, Mapping[str, Mapping[str, object]]],
    analysts_patch: object,
    cells_patch: object,
    labels: tuple[str, str],
    data: Mapping[str, object],
) -> dict[str, dict[str, dict[str, object]]]:
    """Replay a per-cell table (the ratings, or the rationale): the analysts' tables
    added, removed and moved, then each cell set or cleared; rows come out in the
    evidence order of ``data`` and cells in its hypothesis order, empty ones dropped.

    ``labels`` name the analysts' part and the cells' part in error messages.
    """
    analysts_label, cells_label = labels
    kept = _apply_table(old, _table(analysts_patch), analysts_label, dict)
    tables = {
        analyst: {row_id: dict(_table(row)) for row_id, row in _table(table).items()}
        for analyst, table in kept.items()
    }
    for cell in _records(cells_patch, cells_label):
        analyst = _text(cell, "analyst")
        if analyst not in tables:
            raise PatchError(f"diff: {cells_label}: analyst {analyst!r} is not in the matrix")
        row = tables[analyst].setdefault(_text(cell, "evidence"), {})
        if cell.get("new") is None:
            row.pop(_text(cell, "hypothesis"), None)
        else:
            row[_text(cell, "hypothesis")] = cell["new"]
    evidence = _table(data.get("evidence"))
    hypotheses = _table(data["hypotheses"])
    pruned: dict[str, dict[str, dict[str, object]]] = {}
    for analyst, rows_by_evidence in tables.items():
        rows: dict[str, dict[str, object]] = {}
        for evidence_id in evidence:
            given = rows_by_evidence.get(evidence_id)
            cells = {h: given[h] for h in hypotheses if h in given} if given else {}
            if cells:
                rows[evidence_id] = cells
        pruned[analyst] = rows
    return pruned


def _apply_additions(
    old_data: MatrixData, diff_json: Mapping[str, object], data: dict[str, object]
) -> None:
    """Replay the rationale (as the ratings are replayed) and the resolution's fields
    into ``data``; the other tables of the spec's "Additions" are ``KINDS``."""
    patch = _table(diff_json.get("rationale"))
    notes = _replay_cells(
        old_data.get("rationale") or {},
        patch.get("analysts"),
        patch.get("notes", []),
        ("rationale analysts", "rationale"),
        data,
    )
    if notes:
        data["rationale"] = notes
    resolution = dict(_table(data.get("resolution")))
    for change in _records(diff_json.get("resolution", []), "resolution"):
        if change.get("new") is None:
            resolution.pop(_text(change, "key"), None)
        else:
            resolution[_text(change, "key")] = change["new"]
    if resolution:
        data["resolution"] = resolution
    else:
        data.pop("resolution", None)

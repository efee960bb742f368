"""An open matrix being edited: changes, undo and redo, live scores, saving, recovery.

This is the editor's model with no screen attached: the Textual app is a view
onto a ``Session`` and every change an analyst makes goes through one of its
methods, so the rules hold the same in tests as at the keyboard:

* every change is a command that can be undone and redone (1,000 steps kept);
* ratings are changed only for the session's current analyst; other analysts'
  ratings are never touched except when their hypothesis or evidence item is
  deleted (and then restored by undo);
* the scores follow each change incrementally (``achbench.scoring.live``);
* ``dirty`` says whether the matrix differs from what was last saved or loaded,
  and undoing back to that point makes it clean again;
* saving is ``store.save`` (atomic); if the file changed on disk since it was
  loaded or saved, ``save`` raises ``ExternalChangeError`` unless forced;
* ``write_recovery`` puts unsaved work in a recovery file next to the matrix
  (``.NAME.recover.toml``), for the editor to call when it is killed or crashes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from achbench.core.data import MatrixData
from achbench.core.errors import AchbenchError
from achbench.core.validate import validate_data
from achbench.scoring.live import LiveScores
from achbench.store import toml as store
from achbench.store.atomic import TEMP_SUFFIX
from achbench.store.files import read_text

HISTORY_LIMIT = 1000
"""Undo steps kept; the oldest are forgotten beyond this."""

RECOVERY_SUFFIX = ".recover.toml"
BASE_MARK = "# edited from the file whose SHA-256 is "
"""Header line of a recovery file naming the version of the file the work began from."""
EXAMPLE_NAME = "kazakhstan-2022.toml"

ChangeKind = Literal["cell", "hypothesis", "evidence", "structure", "meta", "milestone", "all"]


@dataclass(frozen=True, slots=True)
class Change:
    """What a command changed, so a view can redraw no more than it must.

    ``cell``: one rating (``evidence``, ``hypothesis``); ``hypothesis`` or
    ``evidence``: one item's fields, in place; ``structure``: items added,
    removed, renamed or moved; ``meta``: the matrix' own fields; ``milestone``:
    the milestones (``hypothesis``: the one the milestone bears on); ``all``: anything.
    """

    kind: ChangeKind
    evidence: str | None = None
    hypothesis: str | None = None
    label: str = ""


@dataclass(slots=True)
class _Command:
    label: str
    apply: Callable[[], Change]
    revert: Callable[[], Change]
    serial: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file on disk held when it was read or written: the SHA-256 of its bytes.

    Only the bytes are compared, never the size or modification time: a
    filesystem with coarse timestamps (one second on ext3 or HFS+) gives two
    quick saves the same mtime, and changing one code (C to N) keeps the size,
    so those would hide another editor's save.  Hashing costs about 30 ms at
    100 x 10,000 cells, once per save.
    """

    digest: str

    @classmethod
    def of_bytes(cls, raw: bytes) -> Fingerprint:
        return cls(hashlib.sha256(raw).hexdigest())

    @classmethod
    def of(cls, path: Path) -> Fingerprint | None:
        try:
            return cls.of_bytes(path.read_bytes())
        except OSError:
            return None

    def matches(self, path: Path) -> bool:
        """True if the file still holds these bytes (False if it is gone or unreadable)."""
        return Fingerprint.of(path) == self


class ExternalChangeError(AchbenchError):
    """The file on disk changed since it was loaded or last saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path}: changed on disk since it was loaded")


class NeedsPathError(AchbenchError):
    """The matrix has no file of its own yet (the bundled example): save it as."""

    def __init__(self) -> None:
        super().__init__("this matrix has no file yet; save it as a new file")


def _load(path: Path) -> tuple[dict[str, Any], Fingerprint]:
    """Load a matrix file with the fingerprint of the very text that was parsed.

    Hashing the file in a second read would leave a gap (seconds, for a large
    matrix) in which another editor's save would be taken for our own version.
    """
    text = read_text(path)
    data = validate_data(store.parse(text, path), str(path), text)
    return cast("dict[str, Any]", data), Fingerprint.of_bytes(text.encode("utf-8"))


def _recovered_base(text: str) -> Fingerprint | None:
    """The fingerprint a recovery file's header names, if any."""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        digest = line.removeprefix(BASE_MARK)
        if digest != line and len(digest) == 64:
            return Fingerprint(digest)
    return None


def example_path() -> Path:
    """The bundled Kazakhstan example inside the installed package (read it, never write it)."""
    return Path(str(resources.files("achbench") / "data" / EXAMPLE_NAME))


def state_dir() -> Path:
    """Where recovery files go for a matrix without a folder of its own."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "achbench"


def recovery_path(path: Path | None, name: str = EXAMPLE_NAME) -> Path:
    """The recovery file of a matrix: ``.NAME.recover.toml`` beside it.

    A matrix with no file (the example) recovers into the state folder.
    """
    if path is None:
        return state_dir() / f"{Path(name).stem}{RECOVERY_SUFFIX}"
    stem = path.name.removesuffix(".toml")
    return path.parent / f".{stem}{RECOVERY_SUFFIX}"


def _insert(table: dict[str, Any], key: str, value: Any, index: int) -> dict[str, Any]:
    items = list(table.items())
    items.insert(index, (key, value))
    return dict(items)


def _rename(table: dict[str, Any], old: str, new: str, value: Any) -> dict[str, Any]:
    return {(new if k == old else k): (value if k == old else v) for k, v in table.items()}


class Session:
    """One matrix open for editing.

    ``path`` is where saves go; ``None`` means save-as is needed first (the
    bundled example).  ``name`` is what the title bar shows.
    """

    def __init__(
        self,
        data: dict[str, Any],
        path: Path | None,
        *,
        name: str | None = None,
        analyst: str | None = None,
        pooled: bool = False,
        dirty: bool = False,
        fingerprint: Fingerprint | None = None,
    ) -> None:
        self.data = data
        self.path = path
        self.name = name or (path.name if path else EXAMPLE_NAME)
        if fingerprint is None and path is not None:
            fingerprint = Fingerprint.of(path)
        self.fingerprint = fingerprint
        """The bytes of ``path`` as loaded or last saved, to tell another writer's save."""
        self._own_recovery: Path | None = None
        """The recovery file this session wrote or restored: the only one its save retires."""
        self._undo: deque[_Command] = deque(maxlen=HISTORY_LIMIT)
        self._redo: list[_Command] = []
        self._serial = 0
        self._base_state = 0
        self._saved_state = -1 if dirty else 0
        self.analyst = analyst or self.default_analyst()
        self.pooled = pooled
        self.live = LiveScores(data, self._scored_analysts())

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, analyst: str | None = None) -> Session:
        """Load a matrix file (``MatrixFileError`` with located problems if it is bad)."""
        path = Path(path)
        data, fingerprint = _load(path)
        return cls(data, path, analyst=analyst, fingerprint=fingerprint)

    @classmethod
    def example(cls, analyst: str | None = None) -> Session:
        """The bundled example, with no file of its own: the first save asks where."""
        data = cast("dict[str, Any]", store.load_data(example_path()))
        return cls(data, None, name=EXAMPLE_NAME, analyst=analyst)

    @classmethod
    def new(cls, path: Path | str, title: str, analyst: str | None = None) -> Session:
        """An empty matrix (no hypotheses yet) to be saved at ``path``."""
        data: dict[str, Any] = {"format": store_format(), "title": title}
        if analyst:
            data["analyst"] = analyst
        data["hypotheses"] = {}
        data["evidence"] = {}
        session = cls(data, Path(path), analyst=analyst)
        session._saved_state = -1
        return session

    # -- what is shown -------------------------------------------------------------

    @property
    def hypotheses(self) -> dict[str, Any]:
        result: dict[str, Any] = self.data["hypotheses"]
        return result

    @property
    def evidence(self) -> dict[str, Any]:
        result: dict[str, Any] = self.data.setdefault("evidence", {})
        return result

    def default_analyst(self) -> str:
        """The analyst an editor writes as when none is chosen (the spec's ``analyst``)."""
        named = self.data.get("analyst")
        if named:
            return str(named)
        ratings = self.data.get("ratings") or {}
        return next(iter(ratings), "analyst")

    def analysts(self) -> list[str]:
        """Every analyst with ratings, the default and the current one included."""
        names = list(self.data.get("ratings") or {})
        for extra in (self.data.get("analyst"), self.analyst):
            if extra and extra not in names:
                names.append(extra)
        return names

    def _scored_analysts(self) -> list[str]:
        if not self.pooled:
            return [self.analyst]
        names = list(self.data.get("ratings") or {})
        return names if self.analyst in names else [*names, self.analyst]

    def code(self, evidence_id: str, hypothesis_id: str, analyst: str | None = None) -> str | None:
        """One analyst's code for a cell (the current analyst by default); None if unrated."""
        table = self.data.get("ratings", {}).get(analyst or self.analyst)
        if not table:
            return None
        row = table.get(evidence_id)
        return row.get(hypothesis_id) if row else None

    def others(self, evidence_id: str, hypothesis_id: str) -> list[tuple[str, str]]:
        """Other analysts' codes for a cell, as (analyst, code)."""
        out = []
        for analyst, table in (self.data.get("ratings") or {}).items():
            if analyst == self.analyst:
                continue
            code = table.get(evidence_id, {}).get(hypothesis_id)
            if code:
                out.append((analyst, code))
        return out

    @property
    def dirty(self) -> bool:
        """True if the matrix differs from the file as last loaded or saved."""
        return self._state != self._saved_state

    @property
    def _state(self) -> int:
        return self._undo[-1].serial if self._undo else self._base_state

    @property
    def needs_path(self) -> bool:
        return self.path is None

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- choosing whose ratings ------------------------------------------------------

    def set_analyst(self, name: str) -> None:
        """Edit as ``name`` from now on (a view choice, not an undoable change)."""
        self.analyst = name
        self.live.rebuild(self._scored_analysts())

    def set_pooled(self, pooled: bool) -> None:
        """Score every analyst's ratings pooled, or the current analyst's alone."""
        self.pooled = pooled
        self.live.rebuild(self._scored_analysts())

    # -- commands ------------------------------------------------------------------

    def _do(self, label: str, apply: Callable[[], Change], revert: Callable[[], Change]) -> Change:
        change = apply()
        self._serial += 1
        if len(self._undo) == self._undo.maxlen:
            self._base_state = self._undo[0].serial
        self._undo.append(_Command(label, apply, revert, self._serial))
        self._redo.clear()
        return change

    def undo(self) -> Change | None:
        """Revert the last change; None if there is nothing to undo."""
        if not self._undo:
            return None
        command = self._undo.pop()
        self._redo.append(command)
        change = command.revert()
        return Change(change.kind, change.evidence, change.hypothesis, f"undo {command.label}")

    def redo(self) -> Change | None:
        """Apply again the last change undone; None if there is none."""
        if not self._redo:
            return None
        command = self._redo.pop()
        self._undo.append(command)
        change = command.apply()
        return Change(change.kind, change.evidence, change.hypothesis, f"redo {command.label}")

    # ratings

    def _set_code(
        self, analyst: str, evidence_id: str, hypothesis_id: str, code: str | None
    ) -> None:
        scored = self.pooled or analyst == self.analyst
        if scored:
            self.live.before_cell(evidence_id, hypothesis_id)
        ratings = self.data.setdefault("ratings", {})
        if code is None:
            table = ratings.get(analyst, {})
            row = table.get(evidence_id, {})
            row.pop(hypothesis_id, None)
            if not row:
                table.pop(evidence_id, None)
            if not table:
                ratings.pop(analyst, None)
            if not ratings:
                self.data.pop("ratings", None)
        else:
            ratings.setdefault(analyst, {}).setdefault(evidence_id, {})[hypothesis_id] = code
        if scored:
            self.live.after_cell(evidence_id, hypothesis_id)

    def rate(self, evidence_id: str, hypothesis_id: str, code: str | None) -> Change | None:
        """Set (or with None clear) the current analyst's code for a cell.

        Returns None, recording nothing, if the cell already holds that code.
        """
        analyst = self.analyst
        old = self.code(evidence_id, hypothesis_id, analyst)
        if old == code:
            return None
        change = Change("cell", evidence_id, hypothesis_id)

        def apply() -> Change:
            self._set_code(analyst, evidence_id, hypothesis_id, code)
            return change

        def revert() -> Change:
            self._set_code(analyst, evidence_id, hypothesis_id, old)
            return change

        what = f"{code} for {evidence_id}/{hypothesis_id}" if code else "clear"
        return self._do(f"rate {what}", apply, revert)

    # hypotheses

    def _column(self, hypothesis_id: str) -> dict[str, dict[str, str]]:
        """Every analyst's codes for one hypothesis: analyst -> evidence -> code."""
        out: dict[str, dict[str, str]] = {}
        for analyst, table in (self.data.get("ratings") or {}).items():
            codes = {e: row[hypothesis_id] for e, row in table.items() if hypothesis_id in row}
            if codes:
                out[analyst] = codes
        return out

    def _insert_hypothesis(
        self,
        hypothesis_id: str,
        fields: dict[str, Any],
        index: int,
        column: dict[str, dict[str, str]],
        milestones: dict[str, Any],
    ) -> Change:
        self.data["hypotheses"] = _insert(self.hypotheses, hypothesis_id, fields, index)
        if column:
            ratings = self.data.setdefault("ratings", {})
            for analyst, codes in column.items():
                table = ratings.setdefault(analyst, {})
                for evidence_id, code in codes.items():
                    table.setdefault(evidence_id, {})[hypothesis_id] = code
        if milestones:
            self.data["milestones"] = {**self.data.get("milestones", {}), **milestones}
        self.live.rebuild()
        return Change("structure", hypothesis=hypothesis_id)

    def _remove_hypothesis(self, hypothesis_id: str) -> Change:
        self.data["hypotheses"] = {k: v for k, v in self.hypotheses.items() if k != hypothesis_id}
        ratings = self.data.get("ratings") or {}
        for analyst in list(ratings):
            table = ratings[analyst]
            for evidence_id in list(table):
                row = table[evidence_id]
                if row.pop(hypothesis_id, None) is not None and not row:
                    del table[evidence_id]
        milestones = self.data.get("milestones")
        if milestones:
            kept = {k: v for k, v in milestones.items() if v.get("hypothesis") != hypothesis_id}
            if kept:
                self.data["milestones"] = kept
            else:
                del self.data["milestones"]
        self.live.rebuild()
        return Change("structure", hypothesis=hypothesis_id)

    def add_hypothesis(
        self, hypothesis_id: str, fields: dict[str, Any], index: int | None = None
    ) -> Change:
        """Add a hypothesis at ``index`` (default: last)."""
        at = len(self.hypotheses) if index is None else index
        return self._do(
            f"add hypothesis {hypothesis_id}",
            lambda: self._insert_hypothesis(hypothesis_id, dict(fields), at, {}, {}),
            lambda: self._remove_hypothesis(hypothesis_id),
        )

    def delete_hypothesis(self, hypothesis_id: str) -> Change:
        """Delete a hypothesis with every analyst's ratings of it and its milestones."""
        index = list(self.hypotheses).index(hypothesis_id)
        fields = self.hypotheses[hypothesis_id]
        column = self._column(hypothesis_id)
        milestones = {
            k: v
            for k, v in (self.data.get("milestones") or {}).items()
            if v.get("hypothesis") == hypothesis_id
        }
        order = list(self.data.get("milestones") or {})

        def revert() -> Change:
            change = self._insert_hypothesis(hypothesis_id, fields, index, column, milestones)
            if order:
                current = self.data["milestones"]
                self.data["milestones"] = {k: current[k] for k in order if k in current}
            return change

        return self._do(
            f"delete hypothesis {hypothesis_id}",
            lambda: self._remove_hypothesis(hypothesis_id),
            revert,
        )

    def deletion_cost(self, kind: str, item_id: str) -> tuple[int, int]:
        """(ratings, milestones) that deleting a hypothesis or evidence item takes with it."""
        ratings = self.data.get("ratings") or {}
        if kind == "hypothesis":
            cells = sum(1 for t in ratings.values() for row in t.values() if item_id in row)
            milestones = sum(
                1
                for m in (self.data.get("milestones") or {}).values()
                if m.get("hypothesis") == item_id
            )
            return cells, milestones
        return sum(len(t.get(item_id, {})) for t in ratings.values()), 0

    def _replace_hypothesis(self, old_id: str, new_id: str, fields: dict[str, Any]) -> Change:
        self.data["hypotheses"] = _rename(self.hypotheses, old_id, new_id, fields)
        if new_id != old_id:
            for table in (self.data.get("ratings") or {}).values():
                for row in table.values():
                    if old_id in row:
                        row[new_id] = row.pop(old_id)
            for milestone in (self.data.get("milestones") or {}).values():
                if milestone.get("hypothesis") == old_id:
                    milestone["hypothesis"] = new_id
            self.live.rebuild()
            return Change("structure", hypothesis=new_id)
        return Change("hypothesis", hypothesis=new_id)

    def update_hypothesis(
        self, hypothesis_id: str, new_id: str, fields: dict[str, Any]
    ) -> Change | None:
        """Replace a hypothesis' fields, renaming it (and its ratings) if the id changed."""
        old_fields = self.hypotheses[hypothesis_id]
        if new_id == hypothesis_id and old_fields == fields:
            return None
        return self._do(
            f"edit hypothesis {hypothesis_id}",
            lambda: self._replace_hypothesis(hypothesis_id, new_id, dict(fields)),
            lambda: self._replace_hypothesis(new_id, hypothesis_id, old_fields),
        )

    def _reorder(self, key: str, item_id: str, index: int) -> Change:
        table = self.data[key]
        value = table[item_id]
        rest = {k: v for k, v in table.items() if k != item_id}
        self.data[key] = _insert(rest, item_id, value, index)
        if key == "hypotheses":
            return Change("structure", hypothesis=item_id)
        return Change("structure", evidence=item_id)

    def _move(self, key: str, kind: str, item_id: str, delta: int) -> Change | None:
        ids = list(self.data.get(key) or {})
        old = ids.index(item_id)
        new = max(0, min(len(ids) - 1, old + delta))
        if new == old:
            return None
        return self._do(
            f"move {kind} {item_id}",
            lambda: self._reorder(key, item_id, new),
            lambda: self._reorder(key, item_id, old),
        )

    def move_hypothesis(self, hypothesis_id: str, delta: int) -> Change | None:
        """Move a hypothesis ``delta`` places (negative: earlier); None at an end."""
        return self._move("hypotheses", "hypothesis", hypothesis_id, delta)

    # evidence

    def _row(self, evidence_id: str) -> dict[str, dict[str, str]]:
        return {
            analyst: dict(table[evidence_id])
            for analyst, table in (self.data.get("ratings") or {}).items()
            if evidence_id in table
        }

    def _insert_evidence(
        self, evidence_id: str, fields: dict[str, Any], index: int, rows: dict[str, dict[str, str]]
    ) -> Change:
        self.data["evidence"] = _insert(self.evidence, evidence_id, fields, index)
        if rows:
            ratings = self.data.setdefault("ratings", {})
            for analyst, row in rows.items():
                ratings.setdefault(analyst, {})[evidence_id] = dict(row)
        self.live.after_evidence(evidence_id)
        return Change("structure", evidence=evidence_id)

    def _remove_evidence(self, evidence_id: str) -> Change:
        self.live.before_evidence(evidence_id)
        self.data["evidence"] = {k: v for k, v in self.evidence.items() if k != evidence_id}
        ratings = self.data.get("ratings") or {}
        for table in ratings.values():
            table.pop(evidence_id, None)
        return Change("structure", evidence=evidence_id)

    def add_evidence(
        self, evidence_id: str, fields: dict[str, Any], index: int | None = None
    ) -> Change:
        """Add an evidence item at ``index`` (default: last)."""
        at = len(self.evidence) if index is None else index
        return self._do(
            f"add evidence {evidence_id}",
            lambda: self._insert_evidence(evidence_id, dict(fields), at, {}),
            lambda: self._remove_evidence(evidence_id),
        )

    def delete_evidence(self, evidence_id: str) -> Change:
        """Delete an evidence item with every analyst's ratings of it."""
        index = list(self.evidence).index(evidence_id)
        fields = self.evidence[evidence_id]
        rows = self._row(evidence_id)
        return self._do(
            f"delete evidence {evidence_id}",
            lambda: self._remove_evidence(evidence_id),
            lambda: self._insert_evidence(evidence_id, fields, index, rows),
        )

    def _replace_evidence(self, old_id: str, new_id: str, fields: dict[str, Any]) -> Change:
        self.live.before_evidence(old_id)
        self.data["evidence"] = _rename(self.evidence, old_id, new_id, fields)
        if new_id != old_id:
            for table in (self.data.get("ratings") or {}).values():
                if old_id in table:
                    table[new_id] = table.pop(old_id)
        self.live.after_evidence(new_id)
        kind: ChangeKind = "structure" if new_id != old_id else "evidence"
        return Change(kind, evidence=new_id)

    def update_evidence(
        self, evidence_id: str, new_id: str, fields: dict[str, Any]
    ) -> Change | None:
        """Replace an evidence item's fields, renaming it (and its ratings) if the id changed."""
        old_fields = self.evidence[evidence_id]
        if new_id == evidence_id and old_fields == fields:
            return None
        return self._do(
            f"edit evidence {evidence_id}",
            lambda: self._replace_evidence(evidence_id, new_id, dict(fields)),
            lambda: self._replace_evidence(new_id, evidence_id, old_fields),
        )

    def move_evidence(self, evidence_id: str, delta: int) -> Change | None:
        """Move an evidence item ``delta`` places (negative: earlier); None at an end."""
        return self._move("evidence", "evidence", evidence_id, delta)

    # the matrix' own fields

    def meta(self) -> dict[str, Any]:
        return {k: self.data[k] for k in ("title", "question", "analyst") if k in self.data}

    def _set_meta(self, fields: dict[str, Any]) -> Change:
        rebuilt: dict[str, Any] = {"format": self.data["format"]}
        rebuilt.update({k: fields[k] for k in ("title", "question", "analyst") if k in fields})
        rebuilt.update(
            {
                k: v
                for k, v in self.data.items()
                if k not in ("format", "title", "question", "analyst")
            }
        )
        self.data.clear()
        self.data.update(rebuilt)
        return Change("meta")

    def update_meta(self, fields: dict[str, Any]) -> Change | None:
        """Set the title, question and default analyst (absent keys are removed)."""
        old = self.meta()
        if old == fields:
            return None
        return self._do(
            "edit matrix", lambda: self._set_meta(dict(fields)), lambda: self._set_meta(old)
        )

    # milestones

    @property
    def milestones(self) -> dict[str, Any]:
        """Milestone id to its fields, in file order (empty when there are none)."""
        result: dict[str, Any] = self.data.get("milestones") or {}
        return result

    def _set_milestones(self, table: dict[str, dict[str, Any]], hypothesis: str) -> Change:
        # A fresh copy each time: a later rename of a hypothesis edits the live
        # table in place, never the snapshot kept for undo.
        if table:
            self.data["milestones"] = {k: dict(v) for k, v in table.items()}
        else:
            self.data.pop("milestones", None)
        return Change("milestone", hypothesis=hypothesis)

    def _milestone_command(
        self, label: str, new: dict[str, dict[str, Any]], hypothesis: str
    ) -> Change:
        old = {k: dict(v) for k, v in self.milestones.items()}
        return self._do(
            label,
            lambda: self._set_milestones(new, hypothesis),
            lambda: self._set_milestones(old, hypothesis),
        )

    def add_milestone(
        self, milestone_id: str, fields: dict[str, Any], index: int | None = None
    ) -> Change:
        """Add a milestone at ``index``; by default after its hypothesis' last one (else last)."""
        items = list(self.milestones.items())
        if index is None:
            index = len(items)
            for position, (_, other) in enumerate(items):
                if other.get("hypothesis") == fields["hypothesis"]:
                    index = position + 1
        items.insert(index, (milestone_id, dict(fields)))
        return self._milestone_command(
            f"add milestone {milestone_id}", dict(items), fields["hypothesis"]
        )

    def update_milestone(
        self, milestone_id: str, new_id: str, fields: dict[str, Any]
    ) -> Change | None:
        """Replace a milestone's fields (renaming it in place if the id changed).

        Returns None, recording nothing, if nothing differs.
        """
        old = self.milestones[milestone_id]
        if new_id == milestone_id and old == fields:
            return None
        new = _rename(self.milestones, milestone_id, new_id, dict(fields))
        return self._milestone_command(f"edit milestone {milestone_id}", new, fields["hypothesis"])

    def set_milestone_status(self, milestone_id: str, status: str) -> Change | None:
        """Set a milestone's status (open, observed, not-observed); None if it has it."""
        old = self.milestones[milestone_id]
        if old.get("status", "open") == status:
            return None
        fields = {**old, "status": status}
        new = _rename(self.milestones, milestone_id, milestone_id, fields)
        return self._milestone_command(f"milestone {milestone_id} {status}", new, old["hypothesis"])

    def delete_milestone(self, milestone_id: str) -> Change:
        """Delete a milestone (undo brings it back in its place)."""
        hypothesis = self.milestones[milestone_id]["hypothesis"]
        new = {k: v for k, v in self.milestones.items() if k != milestone_id}
        return self._milestone_command(f"delete milestone {milestone_id}", new, hypothesis)

    # -- the file on disk ------------------------------------------------------------

    def disk_changed(self) -> bool:
        """True if the file was changed or removed by someone else since load or save."""
        if self.path is None or self.fingerprint is None:
            return False
        return not self.fingerprint.matches(self.path)

    def save(self, path: Path | str | None = None, *, force: bool = False) -> Path:
        """Save atomically to ``path`` (default: the session's file) and return it.

        Raises ``NeedsPathError`` when there is no file yet, ``ExternalChangeError``
        when the session's own file changed on disk (unless ``force``), and
        ``MatrixFileError`` when the matrix is not valid (nothing is written).
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise NeedsPathError()
        same = self.path is not None and target.resolve() == self.path.resolve()
        if same and not force and self.disk_changed():
            raise ExternalChangeError(target)
        store.save(self.data, target)
        self.path = target
        self.name = target.name
        self.fingerprint = Fingerprint.of(target)
        self._saved_state = self._state
        # Only our own recovery file is retired: one beside the file may hold
        # another editor's unsaved work (it was stopped while this one ran).
        if self._own_recovery is not None:
            with contextlib.suppress(OSError):
                self._own_recovery.unlink()
            self._own_recovery = None
        return target

    def reload(self) -> None:
        """Replace the matrix with the file on disk; unsaved changes and history are lost."""
        if self.path is None:
            raise NeedsPathError()
        data, fingerprint = _load(self.path)
        self._replace_all(data)
        self.fingerprint = fingerprint
        self._saved_state = self._state

    def _replace_all(self, data: dict[str, Any]) -> None:
        self.data = data
        self._undo.clear()
        self._redo.clear()
        self._serial += 1
        self._base_state = self._serial
        self.live = LiveScores(data, self._scored_analysts())

    # -- recovery --------------------------------------------------------------------

    def recovery_path(self) -> Path:
        """Where this session's unsaved work goes if the editor is killed."""
        return recovery_path(self.path, self.name)

    def write_recovery(self) -> Path | None:
        """Write unsaved work to the recovery file (mode 0600, atomically); prints nothing.

        Returns the file written, or None if there was nothing unsaved.
        """
        if not self.dirty:
            return None
        target = self.recovery_path()
        source = str(self.path) if self.path else f"the example {self.name}"
        when = dt.datetime.now().isoformat(timespec="seconds")
        header = (
            f"# achbench recovery file: unsaved changes to {source},\n"
            f"# written {when} by process {os.getpid()}.\n"
            "# The next `achbench FILE` offers to restore it; delete it to discard them.\n"
        )
        if self.fingerprint is not None:
            header += f"{BASE_MARK}{self.fingerprint.digest}\n"
        try:
            body = store.dumps(cast(MatrixData, self.data))
        except Exception:  # invalid data (no hypotheses yet): write it as it is
            import tomli_w

            body = tomli_w.dumps(self.data, multiline_strings=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f"{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(header + body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._own_recovery = target
        return target

    def pending_recovery(self) -> Path | None:
        """The recovery file a previous run left for this matrix, if any."""
        target = self.recovery_path()
        return target if target.is_file() else None

    def restore_recovery(self) -> None:
        """Take the recovered work as the matrix (unsaved); ``MatrixFileError`` if it is bad."""
        target = self.recovery_path()
        text = read_text(target)
        data: dict[str, Any] = store.parse(text, target)
        if data.get("hypotheses"):
            data = cast("dict[str, Any]", validate_data(data, str(target), text))
        self._replace_all(data)
        self._saved_state = -1
        self._own_recovery = target
        base = _recovered_base(text)
        if base is not None and self.path is not None:
            # The work was done on this version of the file: if another editor
            # saved since, saving the restored work asks first.
            self.fingerprint = base

    def discard_recovery(self) -> None:
        """Delete the recovery file, if any."""
        with contextlib.suppress(OSError):
            self.recovery_path().unlink()
        self._own_recovery = None


def store_format() -> str:
    """The format string new matrices are written with."""
    from achbench.core.vocabulary import FORMAT

    return FORMAT

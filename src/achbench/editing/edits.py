"""The edits of an open matrix: each a command that undo takes back, the scores told.

Ratings are changed only for the current ``analyst``; other analysts' ratings
are never touched except when their hypothesis or evidence item is deleted
(and then restored by undo).  Each command is made of two operations of
``editing.operations`` (a deletion and the insertion that restores it), is
recorded in the ``History`` and tells ``LiveScores`` what it changed: a cell, an
evidence item, or (for hypotheses, which every cell may depend on) everything.
Each returns the ``Change`` it made, or None when there was nothing to do.
"""

from __future__ import annotations

from achbench.core.data import (
    MilestoneData,
)
from achbench.core.vocabulary import CODES, Code, Status
from achbench.editing import operations as op
from achbench.editing import settling
from achbench.editing.item_edits import ItemEdits
from achbench.editing.tables import renamed
from achbench.editing.undo import Change


class Edits(ItemEdits):
    """Every undoable edit of the matrix ``data``, made as ``analyst``: ratings and
    their notes here, hypotheses and evidence in ``ItemEdits``."""

    def rate(self, evidence_id: str, hypothesis_id: str, code: Code | None) -> Change | None:
        """Set (or with None clear) the current analyst's code for a cell.

        Returns None, recording nothing, if the cell already holds that code.
        """
        analyst = self.analyst
        old = self.code(evidence_id, hypothesis_id, analyst)
        if old == code:
            return None
        change = Change("cell", evidence_id, hypothesis_id)

        def set_to(value: Code | None) -> Change:
            self.live.set_cell(analyst, evidence_id, hypothesis_id, value)
            op.set_code(self.data, analyst, evidence_id, hypothesis_id, value)
            return change

        what = f"{code} for {evidence_id}/{hypothesis_id}" if code else "clear"
        return self.history.do(f"rate {what}", lambda: set_to(code), lambda: set_to(old))

    def note(self, evidence_id: str, hypothesis_id: str, analyst: str | None = None) -> str | None:
        """One analyst's rationale for a cell (the current analyst by default); None if none."""
        return op.note(self.data, analyst or self.analyst, evidence_id, hypothesis_id)

    def set_note(self, evidence_id: str, hypothesis_id: str, text: str | None) -> Change | None:
        """Set (or with None or an empty text remove) the current analyst's rationale for
        a cell.  Returns None, recording nothing, if the cell already has that note.

        The change is ``cell``: a note changes no score, only the cell's mark and the
        detail pane."""
        analyst = self.analyst
        old = self.note(evidence_id, hypothesis_id, analyst)
        new = text or None
        if old == new:
            return None
        change = Change("cell", evidence_id, hypothesis_id)

        def set_to(value: str | None) -> Change:
            op.set_note(self.data, analyst, evidence_id, hypothesis_id, value)
            return change

        what = "note" if new else "remove note"
        return self.history.do(
            f"{what} for {evidence_id}/{hypothesis_id}", lambda: set_to(new), lambda: set_to(old)
        )

    # hypotheses

    def update_meta(self, fields: op.MatrixFields) -> Change | None:
        """Set the title, question and default analyst (absent keys are removed)."""
        old = self.meta()
        if old == fields:
            return None

        def set_to(values: op.MatrixFields) -> Change:
            self.data = op.with_meta(self.data, values)
            self.live.rebind(self.data)  # it reads the new dict; the tables are the same
            return Change("meta")

        return self.history.do("edit matrix", lambda: set_to(fields.copy()), lambda: set_to(old))

    def judgements(self) -> dict[str, float]:
        """The current analyst's probabilities, by hypothesis (``[judgements.<analyst>]``)."""
        return dict(self.data.get("judgements", {}).get(self.analyst, {}))

    def set_judgements(self, values: dict[str, float]) -> Change | None:
        """Set the current analyst's probabilities (none at all: their table is removed)."""
        old = self.judgements()
        if old == values:
            return None

        def set_to(new: dict[str, float]) -> Change:
            table = dict(self.data.get("judgements", {}))
            if new:
                table[self.analyst] = dict(new)
            else:
                table.pop(self.analyst, None)
            if table:
                self.data["judgements"] = table
            else:
                self.data.pop("judgements", None)
            return Change("meta")

        return self.history.do(
            f"set {self.analyst}'s judgements", lambda: set_to(values), lambda: set_to(old)
        )

    # milestones

    def _milestones_to(self, label: str, new: op.Milestones, hypothesis: str) -> Change:
        old = op.copy_milestones(self.milestones)
        change = Change("milestone", hypothesis=hypothesis)

        def set_to(table: op.Milestones) -> Change:
            op.set_milestones(self.data, table)
            return change

        return self.history.do(label, lambda: set_to(new), lambda: set_to(old))

    def add_milestone(
        self, milestone_id: str, fields: MilestoneData, index: int | None = None
    ) -> Change:
        """Add a milestone at ``index``; by default after its hypothesis' last one (else last)."""
        items = list(self.milestones.items())
        if index is None:
            index = len(items)
            for position, (_, other) in enumerate(items):
                if other["hypothesis"] == fields["hypothesis"]:
                    index = position + 1
        items.insert(index, (milestone_id, fields.copy()))
        label = f"add milestone {milestone_id}"
        return self._milestones_to(label, dict(items), fields["hypothesis"])

    def update_milestone(
        self, milestone_id: str, new_id: str, fields: MilestoneData
    ) -> Change | None:
        """Replace a milestone's fields (renaming it in place if the id changed).

        Returns None, recording nothing, if nothing differs.
        """
        old = self.milestones[milestone_id]
        if new_id == milestone_id and old == fields:
            return None
        new = renamed(self.milestones, milestone_id, new_id, fields.copy())
        label = f"edit milestone {milestone_id}"
        return self._milestones_to(label, new, fields["hypothesis"])

    def set_milestone_status(self, milestone_id: str, status: Status) -> Change | None:
        """Set a milestone's status (open, observed, not-observed); None if it has it."""
        old = self.milestones[milestone_id]
        if old.get("status", "open") == status:
            return None
        fields = old.copy()
        fields["status"] = status
        new = renamed(self.milestones, milestone_id, milestone_id, fields)
        label = f"milestone {milestone_id} {status}"
        return self._milestones_to(label, new, old["hypothesis"])

    def delete_milestone(self, milestone_id: str) -> Change:
        """Delete a milestone (undo brings it back in its place)."""
        hypothesis = self.milestones[milestone_id]["hypothesis"]
        new = {k: v for k, v in self.milestones.items() if k != milestone_id}
        return self._milestones_to(f"delete milestone {milestone_id}", new, hypothesis)

    # merge conflicts

    def resolve_conflict(self, conflict_id: str, side: str) -> Change:
        """Settle a recorded merge conflict as ``ours``, ``theirs`` or ``base``, and
        delete its record (the conflicts table with its last one): one undoable step.

        The change is ``all`` (the view lays the grid out again and goes to the
        conflict's cell or item), as settling may add or remove an item.
        """
        record = self.conflicts[conflict_id]
        if side not in settling.conflict_sides(record):
            raise ValueError(f"{conflict_id} cannot be settled as {side!r}")
        key = record["key"]
        index = list(self.conflicts).index(conflict_id)
        hypothesis, evidence = settling.conflict_target(key)
        change = Change("all", evidence=evidence, hypothesis=hypothesis)
        parts = settling.conflict_parts(key)
        if parts[0] == "ratings" and len(parts) == 4:  # one cell: tell the live scores only
            analyst, evidence_id, hypothesis_id = parts[1:]
            ours = op.code(self.data, analyst, evidence_id, hypothesis_id)
            value = record.get(side) if side != "ours" else ours
            chosen = next((c for c in CODES if c == value), None)

            def set_cell(value: Code | None) -> None:
                self.live.set_cell(analyst, evidence_id, hypothesis_id, value)
                op.set_code(self.data, analyst, evidence_id, hypothesis_id, value)

            def apply() -> None:
                set_cell(chosen)

            def revert() -> None:
                set_cell(ours)
        else:
            restore = settling.keep_state(self.data, key)

            def apply() -> None:
                settling.settle(self.data, record, side)
                self.live.rebuild(self.data, self.live.analysts)

            def revert() -> None:
                restore(self.data)
                self.live.rebuild(self.data, self.live.analysts)

        def settle() -> Change:
            apply()
            settling.drop_conflict(self.data, conflict_id)
            return change

        def unsettle() -> Change:
            revert()
            settling.put_conflict(self.data, conflict_id, record, index)
            return change

        return self.history.do(f"settle {conflict_id} as {side}", settle, unsettle)

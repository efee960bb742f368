"""The edits of an open matrix's items: hypotheses and evidence added, changed,
moved and deleted, each a command that undo takes back, the scores told.

``ItemEdits`` holds the matrix, the analyst, the live scores and the history;
``editing.edits.Edits`` builds the rest of the commands (ratings, notes, the
matrix' own fields, judgements, milestones, conflicts) on it.  A deletion takes
every analyst's ratings of the item with it, and what points at it (notes,
judgements, assumptions, the resolution: ``editing.references``); undo puts
them all back.
"""

from __future__ import annotations

from achbench.core.data import (
    ConflictData,
    EvidenceData,
    HypothesisData,
    MatrixData,
    MilestoneData,
)
from achbench.core.vocabulary import Code
from achbench.editing import operations as op
from achbench.editing.references import put_references, references
from achbench.editing.tables import moved
from achbench.editing.undo import Change, History
from achbench.scoring.live import LiveScores


class ItemEdits:
    """The matrix ``data``, its history, and the undoable edits of its items."""

    def __init__(self, data: MatrixData, analyst: str, live: LiveScores) -> None:
        self.data = data
        self.analyst = analyst
        self.live = live
        self.history = History()

    @property
    def hypotheses(self) -> dict[str, HypothesisData]:
        return self.data["hypotheses"]

    @property
    def evidence(self) -> dict[str, EvidenceData]:
        return self.data.setdefault("evidence", {})

    @property
    def milestones(self) -> dict[str, MilestoneData]:
        """Milestone id to its fields, in file order (empty when there are none)."""
        return self.data.get("milestones", {})

    @property
    def conflicts(self) -> dict[str, ConflictData]:
        """Merge conflicts recorded in the file, by id, in file order (empty: none)."""
        return self.data.get("conflicts", {})

    def code(self, evidence_id: str, hypothesis_id: str, analyst: str | None = None) -> Code | None:
        """One analyst's code for a cell (the current analyst by default); None if unrated."""
        return op.code(self.data, analyst or self.analyst, evidence_id, hypothesis_id)

    def meta(self) -> op.MatrixFields:
        """The title, question and default analyst, as the matrix form edits them."""
        return op.meta(self.data)

    # -- commands ------------------------------------------------------------------

    def undo(self) -> Change | None:
        """Revert the last change; None if there is nothing to undo."""
        return self.history.undo()

    def redo(self) -> Change | None:
        """Apply again the last change undone; None if there is none."""
        return self.history.redo()

    def add_hypothesis(
        self, hypothesis_id: str, fields: HypothesisData, index: int | None = None
    ) -> Change:
        """Add a hypothesis at ``index`` (default: last)."""
        at = len(self.hypotheses) if index is None else index
        change = Change("structure", hypothesis=hypothesis_id)

        def add() -> Change:
            op.insert_hypothesis(self.data, hypothesis_id, fields.copy(), at, {}, {})
            self.live.add_hypothesis(hypothesis_id)
            return change

        def remove() -> Change:
            self.live.remove_hypothesis(hypothesis_id)
            op.remove_hypothesis(self.data, hypothesis_id)
            return change

        return self.history.do(f"add hypothesis {hypothesis_id}", add, remove)

    def delete_hypothesis(self, hypothesis_id: str) -> Change:
        """Delete a hypothesis with every analyst's ratings of it and its milestones."""
        index = list(self.hypotheses).index(hypothesis_id)
        fields = self.hypotheses[hypothesis_id]
        column = op.column(self.data, hypothesis_id)
        milestones = op.milestones_of(self.data, hypothesis_id)
        order = list(self.milestones)
        kept = references(self.data)
        change = Change("structure", hypothesis=hypothesis_id)

        def remove() -> Change:
            self.live.remove_hypothesis(hypothesis_id)
            op.remove_hypothesis(self.data, hypothesis_id)
            return change

        def restore() -> Change:
            # The scores of one hypothesis are counted back in, not the whole
            # matrix again: undo of this, the largest edit, stays quick.
            op.insert_hypothesis(self.data, hypothesis_id, fields, index, column, milestones)
            if order:
                current = self.data["milestones"]
                self.data["milestones"] = {k: current[k] for k in order if k in current}
            put_references(self.data, kept)
            self.live.add_hypothesis(hypothesis_id)
            return change

        return self.history.do(f"delete hypothesis {hypothesis_id}", remove, restore)

    def update_hypothesis(
        self, hypothesis_id: str, new_id: str, fields: HypothesisData
    ) -> Change | None:
        """Replace a hypothesis' fields, renaming it (and its ratings) if the id changed."""
        old_fields = self.hypotheses[hypothesis_id]
        if new_id == hypothesis_id and old_fields == fields:
            return None

        def replace(old_id: str, new_id: str, fields: HypothesisData) -> Change:
            op.replace_hypothesis(self.data, old_id, new_id, fields)
            if new_id == old_id:
                return Change("hypothesis", hypothesis=new_id)
            self.live.remove_hypothesis(old_id)
            self.live.add_hypothesis(new_id)
            return Change("structure", hypothesis=new_id)

        return self.history.do(
            f"edit hypothesis {hypothesis_id}",
            lambda: replace(hypothesis_id, new_id, fields.copy()),
            lambda: replace(new_id, hypothesis_id, old_fields),
        )

    def move_hypothesis(self, hypothesis_id: str, delta: int) -> Change | None:
        """Move a hypothesis ``delta`` places (negative: earlier); None at an end."""
        ids = list(self.hypotheses)
        old = ids.index(hypothesis_id)
        new = max(0, min(len(ids) - 1, old + delta))
        if new == old:
            return None

        def to(index: int) -> Change:
            self.data["hypotheses"] = moved(self.hypotheses, hypothesis_id, index)
            return Change("structure", hypothesis=hypothesis_id)

        return self.history.do(f"move hypothesis {hypothesis_id}", lambda: to(new), lambda: to(old))

    # evidence

    def add_evidence(
        self, evidence_id: str, fields: EvidenceData, index: int | None = None
    ) -> Change:
        """Add an evidence item at ``index`` (default: last)."""
        at = len(self.evidence) if index is None else index
        return self.history.do(
            f"add evidence {evidence_id}",
            lambda: self._insert_evidence(evidence_id, fields.copy(), at, {}),
            lambda: self._remove_evidence(evidence_id),
        )

    def delete_evidence(self, evidence_id: str) -> Change:
        """Delete an evidence item with every analyst's ratings of it."""
        index = list(self.evidence).index(evidence_id)
        fields = self.evidence[evidence_id]
        rows = op.rows(self.data, evidence_id)
        kept = references(self.data)

        def restore() -> Change:
            change = self._insert_evidence(evidence_id, fields, index, rows)
            put_references(self.data, kept)
            return change

        return self.history.do(
            f"delete evidence {evidence_id}",
            lambda: self._remove_evidence(evidence_id),
            restore,
        )

    def _insert_evidence(
        self, evidence_id: str, fields: EvidenceData, index: int, rows: op.Rows
    ) -> Change:
        op.insert_evidence(self.data, evidence_id, fields, index, rows)
        self.live.add_evidence(evidence_id)
        return Change("structure", evidence=evidence_id)

    def _remove_evidence(self, evidence_id: str) -> Change:
        self.live.remove_evidence(evidence_id)
        op.remove_evidence(self.data, evidence_id)
        return Change("structure", evidence=evidence_id)

    def update_evidence(self, evidence_id: str, new_id: str, fields: EvidenceData) -> Change | None:
        """Replace an evidence item's fields, renaming it (and its ratings) if the id changed."""
        old_fields = self.evidence[evidence_id]
        if new_id == evidence_id and old_fields == fields:
            return None

        def replace(old_id: str, new_id: str, fields: EvidenceData) -> Change:
            self.live.remove_evidence(old_id)
            op.replace_evidence(self.data, old_id, new_id, fields)
            self.live.add_evidence(new_id)
            return Change("structure" if new_id != old_id else "evidence", evidence=new_id)

        return self.history.do(
            f"edit evidence {evidence_id}",
            lambda: replace(evidence_id, new_id, fields.copy()),
            lambda: replace(new_id, evidence_id, old_fields),
        )

    def move_evidence(self, evidence_id: str, delta: int) -> Change | None:
        """Move an evidence item ``delta`` places (negative: earlier); None at an end."""
        ids = list(self.evidence)
        old = ids.index(evidence_id)
        new = max(0, min(len(ids) - 1, old + delta))
        if new == old:
            return None

        def to(index: int) -> Change:
            self.data["evidence"] = moved(self.evidence, evidence_id, index)
            return Change("structure", evidence=evidence_id)

        return self.history.do(f"move evidence {evidence_id}", lambda: to(new), lambda: to(old))

    # the matrix' own fields

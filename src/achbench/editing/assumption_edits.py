"""Key assumptions edited in an open matrix: added, changed, judged, linked, deleted.

The editor's assumptions screen changes ``[assumptions]`` and the evidence's
``assumes`` only through ``AssumptionEdits``: each edit is one command of the
session's history, so ``u`` and ``ctrl+r`` take it back and do it again (here or
in the grid) and the matrix is marked modified.  An assumption's id lives in
two places, its table and the ``assumes`` of the items resting on it; renaming
or deleting it changes both in one step, and undo puts both back.

``assumption_from_form`` turns a form's strings into an assumption or says what
is wrong, field by field, as ``editing.fields`` does for the other items (the
pydantic ``Assumption`` model decides what the file format refuses).

Plain Python, tested headless.  A change is reported as ``meta``: it moves no
score and no cell, only what the panes say (the ranking pane's warnings).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast

from achbench.core.data import AssumptionData, EvidenceData, MatrixData
from achbench.core.vocabulary import ASSUMPTION_STATUSES, DEFAULT_ASSUMPTION_STATUS
from achbench.editing.fields import FieldErrors, check_id, model_errors, typed_values
from achbench.editing.item_edits import ItemEdits
from achbench.editing.undo import Change

Checked = tuple[str, AssumptionData, list[str]]
"""What the form gives: the id, the fields, the evidence items resting on it."""

Table = dict[str, AssumptionData]
Assumes = dict[str, list[str] | None]
"""Evidence id to its ``assumes`` (None: the key left out)."""


def id_list(text: str) -> list[str]:
    """``H1 H2`` or ``H1, H2`` as ids, each once, in the order typed."""
    return list(dict.fromkeys(text.replace(",", " ").split()))


def assumption_from_form(
    values: Mapping[str, str],
    taken: Collection[str],
    hypotheses: Collection[str],
    current: str | None = None,
    evidence: Collection[str] = (),
) -> Checked:
    """(id, fields, evidence ids) of an assumption from a form's strings; ``FieldErrors``
    if wrong.

    ``hypotheses`` and ``evidence`` are typed as ids separated by spaces or commas,
    each one of ``hypotheses`` or ``evidence``.  The status is always written (the
    format's default is caveated), so the file says what the analyst judged.
    """
    from achbench.core.model import Assumption

    typed, errors = typed_values(values, ("title", "notes"))  # cleaned as every form's text
    new_id = values.get("id", "").strip()
    id_error = check_id(new_id, taken, "assumption", current)
    if id_error:
        errors["id"] = id_error
    fields: dict[str, object] = {"title": typed.get("title", "")}
    status = values.get("status", "").strip() or DEFAULT_ASSUMPTION_STATUS
    if status not in ASSUMPTION_STATUSES:
        errors["status"] = f"{status!r} is not one of {', '.join(ASSUMPTION_STATUSES)}"
    fields["status"] = status
    linked = id_list(values.get("hypotheses", ""))
    unknown = [h for h in linked if h not in hypotheses]
    if unknown:
        errors["hypotheses"] = f"not a hypothesis of this matrix: {', '.join(unknown)}"
    if linked:
        fields["hypotheses"] = linked
    resting = id_list(values.get("evidence", ""))
    strangers = [e for e in resting if e not in evidence]
    if strangers:
        errors["evidence"] = f"not an evidence item of this matrix: {', '.join(strangers)}"
    if "notes" in typed:
        fields["notes"] = typed["notes"]
    if not fields["title"]:
        errors["title"] = "required"
    if not errors:  # what the form does not check itself
        for name, message in model_errors(Assumption, fields).items():
            errors.setdefault(name or "title", message)
    if errors:
        raise FieldErrors(errors)
    return new_id, cast("AssumptionData", fields), resting


def form_values(
    assumption_id: str, fields: AssumptionData, evidence: Collection[str] = ()
) -> dict[str, str]:
    """The strings the form shows for an assumption (the reverse of the above)."""
    return {
        "evidence": " ".join(evidence),
        "id": assumption_id,
        "title": fields["title"],
        "status": fields.get("status", DEFAULT_ASSUMPTION_STATUS),
        "hypotheses": " ".join(fields.get("hypotheses", [])),
        "notes": fields.get("notes", ""),
    }


def resting_on(data: MatrixData, assumption_id: str) -> list[str]:
    """The evidence items that name ``assumption_id`` in ``assumes``, file order."""
    return [
        e
        for e, item in data.get("evidence", {}).items()
        if assumption_id in item.get("assumes", ())
    ]


class AssumptionEdits:
    """The undoable edits of the key assumptions of ``edits``' matrix (a ``Session``)."""

    def __init__(self, edits: ItemEdits) -> None:
        self.edits = edits

    @property
    def data(self) -> MatrixData:
        return self.edits.data

    @property
    def assumptions(self) -> Table:
        """Assumption id to its fields, in file order (empty when there are none)."""
        return self.data.get("assumptions", {})

    def _evidence(self, evidence_id: str) -> EvidenceData:
        return self.data.setdefault("evidence", {})[evidence_id]

    def _to(
        self, label: str, table: Table, assumes: Assumes, evidence: str | None = None
    ) -> Change:
        """One command: the table becomes ``table`` and each item of ``assumes`` its list."""
        old_table = dict(self.assumptions)
        old_assumes: Assumes = {}
        for evidence_id in assumes:
            had = self._evidence(evidence_id).get("assumes")
            old_assumes[evidence_id] = list(had) if had else None
        change = Change("meta", evidence=evidence)

        def set_to(new_table: Table, new_assumes: Assumes) -> Change:
            if new_table:
                self.data["assumptions"] = dict(new_table)
            else:
                self.data.pop("assumptions", None)
            for evidence_id, ids in new_assumes.items():
                item = self._evidence(evidence_id)
                if ids:
                    item["assumes"] = list(ids)
                else:
                    item.pop("assumes", None)
            return change

        return self.edits.history.do(
            label, lambda: set_to(table, assumes), lambda: set_to(old_table, old_assumes)
        )

    def _relinked(self, old_id: str | None, new_id: str, evidence: Collection[str]) -> Assumes:
        """The ``assumes`` of the items that change when exactly ``evidence`` rests on
        ``new_id`` (and ``old_id``, renamed, is gone): the other ids kept in order."""
        wanted = set(evidence)
        out: Assumes = {}
        for evidence_id, item in self.data.get("evidence", {}).items():
            had = list(item.get("assumes", []))
            ids = [new_id if a == old_id else a for a in had]
            if evidence_id in wanted and new_id not in ids:
                ids.append(new_id)
            elif evidence_id not in wanted:
                ids = [a for a in ids if a != new_id]
            if ids != had:
                out[evidence_id] = ids or None
        return out

    def add(
        self, assumption_id: str, fields: AssumptionData, evidence: Collection[str] = ()
    ) -> Change:
        """Add an assumption after the last, with ``evidence`` resting on it."""
        table = {**self.assumptions, assumption_id: cast("AssumptionData", dict(fields))}
        assumes = self._relinked(None, assumption_id, evidence)
        return self._to(f"add assumption {assumption_id}", table, assumes)

    def update(
        self,
        assumption_id: str,
        new_id: str,
        fields: AssumptionData,
        evidence: Collection[str] | None = None,
    ) -> Change | None:
        """Replace an assumption's fields, renaming it in its place and in every item's
        ``assumes`` if the id changed, and (unless None) make exactly ``evidence`` rest
        on it; None, recording nothing, if nothing differs."""
        if evidence is None:
            evidence = resting_on(self.data, assumption_id)
        assumes = self._relinked(assumption_id, new_id, evidence)
        if new_id == assumption_id and self.assumptions[assumption_id] == fields and not assumes:
            return None
        table = {
            (new_id if k == assumption_id else k): (
                cast("AssumptionData", dict(fields)) if k == assumption_id else v
            )
            for k, v in self.assumptions.items()
        }
        return self._to(f"edit assumption {assumption_id}", table, assumes)

    def set_status(self, assumption_id: str, status: str) -> Change | None:
        """Set the verdict (solid, caveated, unsupported); None if it has it already."""
        old = self.assumptions[assumption_id]
        if old.get("status", DEFAULT_ASSUMPTION_STATUS) == status:
            return None
        fields = cast("AssumptionData", {**old, "status": status})
        table = {k: (fields if k == assumption_id else v) for k, v in self.assumptions.items()}
        return self._to(f"assumption {assumption_id} {status}", table, {})

    def delete(self, assumption_id: str) -> Change:
        """Delete an assumption and its id from every item's ``assumes`` (undo restores both)."""
        table = {k: v for k, v in self.assumptions.items() if k != assumption_id}
        assumes: Assumes = {}
        for evidence_id in resting_on(self.data, assumption_id):
            kept = [a for a in self._evidence(evidence_id)["assumes"] if a != assumption_id]
            assumes[evidence_id] = kept or None
        return self._to(f"delete assumption {assumption_id}", table, assumes)

    def toggle_link(self, assumption_id: str, evidence_id: str) -> tuple[Change, bool]:
        """Link ``evidence_id`` to the assumption (it rests on it), or unlink it if it
        was; returns the change and whether the item is linked now."""
        had = list(self._evidence(evidence_id).get("assumes", []))
        linked = assumption_id not in had
        ids = [*had, assumption_id] if linked else [a for a in had if a != assumption_id]
        verb = "link" if linked else "unlink"
        label = f"{verb} {evidence_id} to assumption {assumption_id}"
        change = self._to(label, dict(self.assumptions), {evidence_id: ids or None}, evidence_id)
        return change, linked

"""Turn what an analyst typed into a hypothesis or evidence item, or say what is wrong.

The editor's forms hand over plain strings, one per field of the spec.  This
module converts them (dates, numbers, empty means unset), checks ids, and runs
the pydantic models of ``achbench.core.model`` so that a form refuses exactly what
the file format refuses, worded as ``achbench check`` words it.  It is plain
Python: the forms live in the TUI, the rules here, tested headless.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, cast

from achbench.core.data import EvidenceData, HypothesisData, MilestoneData
from achbench.core.validate import describe_error
from achbench.core.vocabulary import ID_HELP, ID_RE
from achbench.editing.operations import MatrixFields

if TYPE_CHECKING:
    from pydantic import BaseModel

Value = str | float | dt.date
"""What one field of a form becomes: text, a number (the prior) or a date."""

HYPOTHESIS_FIELDS = ("id", "title", "description", "prior")
EVIDENCE_FIELDS = (
    "id",
    "title",
    "source",
    "date",
    "kind",
    "credibility",
    "relevance",
    "notes",
)
MATRIX_FIELDS = ("title", "question", "analyst")
MILESTONE_FIELDS = ("id", "hypothesis", "title", "expect", "due", "status", "notes")
MULTILINE_FIELDS = frozenset({"description", "notes", "question"})
DATE_FIELDS = frozenset({"date", "due"})
"""Fields whose text may span lines; every other field is one line."""


class FieldErrors(ValueError):
    """What is wrong with a form, one message per field name."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def check_id(
    value: str, taken: Collection[str], kind: str = "id", current: str | None = None
) -> str | None:
    """The problem with a new id, or None if it is free and well formed."""
    if not value:
        return "required"
    if not ID_RE.match(value):
        return f"{value!r} is not a valid id: {ID_HELP}"
    if value != current and value in taken:
        return f"{value!r} is already the id of another {kind}"
    return None


def _clean(name: str, text: str) -> str:
    if name in MULTILINE_FIELDS:
        return "\n".join(line.rstrip() for line in text.strip().splitlines())
    return " ".join(text.split())


def typed_values(
    values: Mapping[str, str], names: tuple[str, ...]
) -> tuple[dict[str, Value], dict[str, str]]:
    """Strings to the types of the spec; empty strings are left out (unset)."""
    fields: dict[str, Value] = {}
    errors: dict[str, str] = {}
    for name in names:
        if name == "id":
            continue
        text = _clean(name, values.get(name, "") or "")
        if not text:
            continue
        if name == "prior":
            try:
                fields[name] = float(text)
            except ValueError:
                errors[name] = f"{text!r} is not a number; give a prior in (0, 1], such as 0.25"
        elif name in DATE_FIELDS:
            try:
                fields[name] = dt.date.fromisoformat(text)
            except ValueError:
                errors[name] = f"{text!r} is not a date; write it as 2022-01-31"
        else:
            fields[name] = text
    return fields, errors


def model_errors(model: type[BaseModel], fields: Mapping[str, object]) -> dict[str, str]:
    """What ``model`` finds wrong in ``fields``, by field ("required" for a missing one)."""
    from pydantic import ValidationError

    try:
        model.model_validate(fields)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            loc, message = describe_error(error)
            if error["type"] == "missing":
                message = "required"
            errors.setdefault(str(loc[0]) if loc else "", message)
        return errors
    return {}


def _item_from_form(
    values: Mapping[str, str],
    names: tuple[str, ...],
    model: type[BaseModel],
    taken: Collection[str],
    noun: str,
    current: str | None,
) -> tuple[str, dict[str, Value]]:
    """(id, fields) of one item from a form's strings, checked by its pydantic model."""
    new_id = values.get("id", "").strip()
    fields, errors = typed_values(values, names)
    id_error = check_id(new_id, taken, noun, current)
    if id_error:
        errors["id"] = id_error
    for name, message in model_errors(model, fields).items():
        errors.setdefault(name, message)
    if errors:
        raise FieldErrors(errors)
    return new_id, fields


def hypothesis_from_form(
    values: Mapping[str, str], taken: Collection[str], current: str | None = None
) -> tuple[str, HypothesisData]:
    """(id, fields) of a hypothesis from a form's strings; ``FieldErrors`` if any is wrong.

    ``taken`` are the ids in use; ``current`` is the id being edited, which may stay.
    """
    from achbench.core.model import Hypothesis

    new_id, fields = _item_from_form(
        values, HYPOTHESIS_FIELDS, Hypothesis, taken, "hypothesis", current
    )
    return new_id, cast(HypothesisData, fields)  # the model passed them


def evidence_from_form(
    values: Mapping[str, str], taken: Collection[str], current: str | None = None
) -> tuple[str, EvidenceData]:
    """(id, fields) of an evidence item from a form's strings; ``FieldErrors`` if wrong.

    Credibility and relevance are always written (the spec's default is medium).
    """
    from achbench.core.model import Evidence

    new_id, fields = _item_from_form(
        values, EVIDENCE_FIELDS, Evidence, taken, "evidence item", current
    )
    return new_id, cast(EvidenceData, fields)  # the model passed them


def milestone_from_form(
    values: Mapping[str, str],
    taken: Collection[str],
    hypotheses: Collection[str],
    current: str | None = None,
) -> tuple[str, MilestoneData]:
    """(id, fields) of a milestone from a form's strings; ``FieldErrors`` if wrong.

    Checked by the pydantic ``Milestone`` model (expect, status, the due date),
    and its hypothesis must be one of ``hypotheses``.  The status is always
    written (the spec's default is open), so the file says it.
    """
    from achbench.core.model import Milestone

    new_id = values.get("id", "").strip()
    fields, errors = typed_values(values, MILESTONE_FIELDS)
    fields.setdefault("status", "open")
    id_error = check_id(new_id, taken, "milestone", current)
    if id_error:
        errors["id"] = id_error
    hypothesis = fields.get("hypothesis")
    if hypothesis is not None and hypothesis not in hypotheses:
        errors["hypothesis"] = f"{hypothesis!r} is not a hypothesis of this matrix"
    for name, message in model_errors(Milestone, fields).items():
        errors.setdefault(name, message)
    if errors:
        raise FieldErrors(errors)
    return new_id, cast(MilestoneData, fields)  # the model passed them


def matrix_from_form(values: Mapping[str, str]) -> MatrixFields:
    """The matrix' own fields (title, question, default analyst) from a form."""
    fields, errors = typed_values(values, MATRIX_FIELDS)
    if "title" not in fields:
        errors["title"] = "required"
    analyst = fields.get("analyst")
    if isinstance(analyst, str) and not ID_RE.match(analyst):
        errors["analyst"] = f"{analyst!r} is not a valid analyst name: {ID_HELP}"
    if errors:
        raise FieldErrors(errors)
    return cast(MatrixFields, fields)  # all text: no field of the matrix form is typed


def form_values(fields: Mapping[str, object]) -> dict[str, str]:
    """The strings a form shows for an item's fields (the reverse of the above)."""
    out = {}
    for name, value in fields.items():
        if isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif isinstance(value, float):
            out[name] = repr(value)
        else:
            out[name] = str(value)
    return out


def next_id(prefix: str, taken: Collection[str]) -> str:
    """The first free id of the form PREFIX<number> after the highest in use."""
    highest = 0
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    for name in taken:
        match = pattern.match(name)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1}"

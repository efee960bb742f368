"""The ACH matrix as pydantic models: the one place the file format's rules live.

These models are the contract of ``shared/spec/matrix-format.md`` written as code:
field names, types, defaults and closed sets.  Everything else derives from them:

* the fast loader validates with a pydantic-core schema generated from these
  models (``achbench.core._fast_schema``), so headless commands need not pay for
  importing pydantic itself;
* the writer (``achbench.store.toml``) emits keys in the order the fields are declared
  here, which is the order the spec's tables give;
* the JSON Schema shipped for other tools is ``Matrix.model_json_schema()``.

Keep validation declarative (types, ``Literal``, ``Field`` constraints): a Python
validator function cannot be carried into the generated fast schema.  Rules that
span the matrix (a rating naming an unknown hypothesis, say) live in
``achbench.core.validate`` and run on both paths.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FORMAT = "achbench/1"
"""The only ``format`` value this build reads and writes."""

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
"""Hypothesis ids, evidence ids, milestone ids and analyst names: TOML bare keys."""

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Code = Literal["CC", "C", "N", "I", "II", "NA"]
"""Heuer's consistency scale, from very consistent to very inconsistent, and not applicable."""
CODES: tuple[Code, ...] = get_args(Code)
Level = Literal["low", "medium", "high"]
LEVELS: tuple[Level, ...] = get_args(Level)
Expect = Literal["supports", "refutes"]
Status = Literal["open", "observed", "not-observed"]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]

Row = dict[Id, Code]
"""One analyst's ratings of one evidence item: hypothesis id to code."""
AnalystRatings = dict[Id, Row]
"""One analyst's ratings: evidence id to row."""
Ratings = dict[Id, AnalystRatings]
"""Every analyst's ratings: analyst name to their ratings."""


class _Strict(BaseModel):
    """Shared configuration: unknown keys are refused and values are not coerced.

    Strict mode keeps ``prior = "0.5"`` (a string) from passing as a float: a
    file that other tools write must mean exactly what it says.
    """

    model_config = ConfigDict(
        extra="forbid", strict=True, validate_assignment=False, use_attribute_docstrings=True
    )


class Hypothesis(_Strict):
    """One of the competing explanations: a row of the matrix."""

    title: NonEmpty
    """Short name shown in the grid."""
    description: str | None = None
    """A sentence or two saying what the hypothesis claims."""
    prior: Annotated[float, Field(gt=0, le=1)] | None = None
    """Prior weight for the Bayesian method, in (0, 1]; missing priors are equal."""


class Evidence(_Strict):
    """One item of evidence or argument: a column of the matrix."""

    title: NonEmpty
    """One line stating the item."""
    source: str | None = None
    """Where it comes from."""
    date: dt.date | None = None
    """When it happened or was reported."""
    kind: str | None = None
    """Free text such as fact, report, assumption, absence of evidence."""
    credibility: Level = "medium"
    """How far the source can be believed."""
    relevance: Level = "medium"
    """How much the item bears on the question."""
    notes: str | None = None
    """The analyst's reasoning, caveats and the like."""
    code: str | None = None
    """Extension: a short reference code for the item (PARC ACH's evidence code)."""
    link: str | None = None
    """Extension: a URL or path to the item itself (PARC ACH's link)."""
    flag: bool | None = None
    """Extension: true when the item is flagged for attention (PARC ACH's flag); unset is false."""


class Milestone(_Strict):
    """Heuer's step 8: an indicator that would show the analysis on track or wrong."""

    hypothesis: Id
    """The hypothesis it bears on."""
    title: NonEmpty
    """The observable event or indicator."""
    expect: Expect
    """What seeing it would mean for that hypothesis."""
    due: dt.date | None = None
    """When it should be seen by."""
    status: Status = "open"
    """Whether it has been seen."""
    notes: str | None = None


Scalar = str | bool | int | float | dt.date
"""A value a conflict can record: any single value of a matrix field, or a position."""
Recorded = Scalar | dict[str, Scalar]
"""A recorded side of a conflict: one field's value, or a whole hypothesis, evidence
item or milestone table."""


class Conflict(_Strict):
    """A difference ``achbench merge`` could not settle, recorded for resolution.

    The matrix around it holds *ours* in place, so the file stays valid and
    usable; the record says what base and theirs had.  A side whose key is
    absent had nothing there (the item or field was removed, or never set).
    ``achbench check`` reports every record as a problem until it is deleted.
    """

    key: NonEmpty
    """Dotted key path the conflict is about: ``ratings.lead.E3.H2``,
    ``evidence.E5.title``, ``evidence.E5`` (a whole item, removed on one side and
    changed on the other), ``ratings.bob`` (an analyst's whole table) or
    ``evidence.E5.position`` (display order, 1-based)."""
    base: Recorded | None = None
    """The value in the common ancestor."""
    ours: Recorded | None = None
    """The value kept in the file (ours)."""
    theirs: Recorded | None = None
    """The value the other side wanted."""
    note: str | None = None
    """What happened, in words, where the values alone do not say it."""


class Matrix(_Strict):
    """A whole ACH matrix, as one file holds it.

    Dict order is display order (``tomllib`` and the writer both keep it).
    """

    format: Literal["achbench/1"]
    """The file format version."""
    title: NonEmpty
    question: str | None = None
    """The analytic question the hypotheses answer."""
    analyst: Id | None = None
    """Whose ratings an editor writes when none is chosen."""
    classification: str | None = None
    """Extension: the matrix's security classification marking, free text (PARC ACH's)."""
    hypotheses: Annotated[dict[Id, Hypothesis], Field(min_length=1)]
    evidence: dict[Id, Evidence] = Field(default_factory=dict)
    ratings: Ratings = Field(default_factory=dict)
    milestones: dict[Id, Milestone] = Field(default_factory=dict)
    conflicts: dict[Id, Conflict] = Field(default_factory=dict)
    """Unresolved merge conflicts (an extension, see docs/format.md); none when clean."""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Matrix:
        """Build a matrix from data that ``achbench.core.validate`` has already passed.

        Skips a second validation (the fast schema applied the same rules), which
        matters at thousands of evidence items.
        """
        fields: dict[str, Any] = {
            k: data[k]
            for k in ("format", "title", "question", "analyst", "classification")
            if k in data
        }
        fields["hypotheses"] = {
            k: Hypothesis.model_construct(**v) for k, v in data["hypotheses"].items()
        }
        if "evidence" in data:
            fields["evidence"] = {
                k: Evidence.model_construct(**v) for k, v in data["evidence"].items()
            }
        if "ratings" in data:
            fields["ratings"] = data["ratings"]
        if "milestones" in data:
            fields["milestones"] = {
                k: Milestone.model_construct(**v) for k, v in data["milestones"].items()
            }
        if "conflicts" in data:
            fields["conflicts"] = {
                k: Conflict.model_construct(**v) for k, v in data["conflicts"].items()
            }
        return cls.model_construct(**fields)

    def to_data(self) -> dict[str, Any]:
        """The matrix as plain data in file order, unset optional keys left out.

        This is what the writer serialises and what the scoring functions read.
        """
        return self.model_dump(exclude_unset=True, exclude_none=True)

    def analysts(self) -> list[str]:
        """Analysts in file order, with the default analyst first if it has no ratings yet."""
        names = list(self.ratings)
        if self.analyst and self.analyst not in self.ratings:
            names.insert(0, self.analyst)
        return names

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
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from achbench.core.data import Recorded
from achbench.core.vocabulary import (
    DEFAULT_ASSUMPTION_STATUS,
    DEFAULT_EVIDENCE_STATUS,
    DEFAULT_LEVEL,
    ID_PATTERN,
    SHA256_PATTERN,
    AssumptionStatus,
    Code,
    EvidenceStatus,
    Expect,
    FormatName,
    Grade,
    Level,
    Reliability,
    Status,
)

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
"""A hypothesis, evidence, source, assumption or milestone id, an origin, or an analyst
name (``vocabulary.ID_PATTERN``)."""
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Probability = Annotated[float, Field(ge=0, le=1)]
"""A probability, in [0, 1]."""
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
"""A SHA-256 digest in 64 lower-case hex digits (``vocabulary.SHA256_PATTERN``)."""


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
    credibility: Level = DEFAULT_LEVEL
    """How far the source can be believed."""
    relevance: Level = DEFAULT_LEVEL
    """How much the item bears on the question."""
    notes: str | None = None
    """The analyst's reasoning, caveats and the like."""
    cites: Id | None = None
    """The source the item comes from: an id of ``[sources]``."""
    quote: str | None = None
    """The passage, verbatim from the cited source (runs of white space may differ)."""
    locator: str | None = None
    """Where in the source: page, section, paragraph."""
    grade: Grade | None = None
    """Information credibility on the Admiralty scale, ``"1"`` (confirmed) to ``"6"``
    (cannot be judged)."""
    origin: Id | None = None
    """Items with the same origin rest on the same underlying reporting: not independent."""
    assumes: list[Id] | None = None
    """The assumptions the item rests on: ids of ``[assumptions]``."""
    status: EvidenceStatus = DEFAULT_EVIDENCE_STATUS
    """Collected (observed), or pending: rated for what each hypothesis predicts about
    it, and counted in no score until collected."""
    code: str | None = None
    """Extension: a short reference code for the item (PARC ACH's evidence code)."""
    link: str | None = None
    """Extension: a URL or path to the item itself (PARC ACH's link)."""
    flag: bool | None = None
    """Extension: true when the item is flagged for attention (PARC ACH's flag); unset is false."""


class Source(_Strict):
    """A document evidence comes from, so that a reader can check an item against it."""

    title: NonEmpty
    kind: str | None = None
    """Free text: commentary, news report, official statement, interview..."""
    path: str | None = None
    """The document on disk, relative to the matrix file's folder."""
    url: str | None = None
    sha256: Sha256 | None = None
    """Of the document's bytes when it was cited, so a changed document can be noticed."""
    reliability: Reliability | None = None
    """Source reliability on the Admiralty (NATO) scale, ``"A"`` (completely reliable)
    to ``"F"`` (cannot be judged)."""
    notes: str | None = None


class Assumption(_Strict):
    """A key assumption the analysis rests on, with the Key Assumptions Check verdict."""

    title: NonEmpty
    """The assumption, stated so it can be false."""
    status: AssumptionStatus = DEFAULT_ASSUMPTION_STATUS
    """The verdict: solid, caveated or unsupported."""
    hypotheses: list[Id] | None = None
    """Hypotheses that stand or fall with it."""
    notes: str | None = None
    """Why the verdict."""


class Resolution(_Strict):
    """What turned out to be true, once known."""

    hypothesis: Id
    """The hypothesis that proved true (an "other" hypothesis covers outcomes none foresaw)."""
    date: dt.date | None = None
    notes: str | None = None
    """How it became known."""


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

    format: FormatName
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
    sources: dict[Id, Source] = Field(default_factory=dict)
    """The documents evidence cites."""
    assumptions: dict[Id, Assumption] = Field(default_factory=dict)
    """Key assumptions."""
    # Analyst name to evidence id to hypothesis id to code, as ``data.Ratings``.
    ratings: dict[Id, dict[Id, dict[Id, Code]]] = Field(default_factory=dict)
    rationale: dict[Id, dict[Id, dict[Id, NonEmpty]]] = Field(default_factory=dict)
    """Why each analyst rated each cell as they did: laid out as ``ratings``, a note per
    cell (a cell may have a note before it is rated)."""
    judgements: dict[Id, dict[Id, Probability]] = Field(default_factory=dict)
    """Each analyst's own probability that each hypothesis is the true one."""
    milestones: dict[Id, Milestone] = Field(default_factory=dict)
    resolution: Resolution | None = None
    """What turned out to be true, once known."""
    conflicts: dict[Id, Conflict] = Field(default_factory=dict)
    """Unresolved merge conflicts (an extension, see docs/format.md); none when clean."""

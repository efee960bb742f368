"""The matrix as plain data: the typed dictionaries every layer passes around.

A loaded matrix travels as the data ``tomllib`` gives (after
``achbench.core.validate`` has passed it), not as pydantic objects: building
models for 500,000 cells costs more than scoring them, and the headless commands
must not import pydantic at all.  These ``TypedDict`` s say what that data holds,
table by table, so ``mypy --strict`` checks the code that reads and edits it.

They mirror ``achbench.core.model`` key for key (a unit test holds them
together); the models stay the place where the rules (types, ranges, closed
sets) are declared and documented.
"""

# No ``from __future__ import annotations``: the annotations are evaluated, so the
# classes know which keys are ``NotRequired`` (``__required_keys__``) at run time.
import datetime as dt
from typing import Final, NotRequired, TypeAlias, TypedDict

from achbench.core.vocabulary import (
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

Row: TypeAlias = dict[str, Code]
"""One analyst's ratings of one evidence item: hypothesis id to code."""

AnalystRatings: TypeAlias = dict[str, Row]
"""One analyst's ratings: evidence id to row."""

Ratings: TypeAlias = dict[str, AnalystRatings]
"""Every analyst's ratings: analyst name to their ratings."""

NoteRow: TypeAlias = dict[str, str]
"""One analyst's rationale for the cells of one evidence item: hypothesis id to note."""

AnalystRationale: TypeAlias = dict[str, NoteRow]
"""One analyst's rationale: evidence id to row of notes."""

Rationale: TypeAlias = dict[str, AnalystRationale]
"""Every analyst's rationale, laid out as ``Ratings`` is: analyst, evidence, hypothesis."""

Judgements: TypeAlias = dict[str, dict[str, float]]
"""Every analyst's own probabilities: analyst name to hypothesis id to probability."""


class HypothesisData(TypedDict):
    """``[hypotheses.<id>]``: one of the competing explanations."""

    title: str
    description: NotRequired[str]
    prior: NotRequired[float]


class EvidenceData(TypedDict):
    """``[evidence.<id>]``: one item of evidence or argument."""

    title: str
    source: NotRequired[str]
    date: NotRequired[dt.date]
    kind: NotRequired[str]
    credibility: NotRequired[Level]
    relevance: NotRequired[Level]
    notes: NotRequired[str]
    cites: NotRequired[str]
    quote: NotRequired[str]
    locator: NotRequired[str]
    grade: NotRequired[Grade]
    origin: NotRequired[str]
    assumes: NotRequired[list[str]]
    status: NotRequired[EvidenceStatus]
    code: NotRequired[str]
    link: NotRequired[str]
    flag: NotRequired[bool]


class SourceData(TypedDict):
    """``[sources.<id>]``: a document evidence comes from."""

    title: str
    kind: NotRequired[str]
    path: NotRequired[str]
    url: NotRequired[str]
    sha256: NotRequired[str]
    reliability: NotRequired[Reliability]
    notes: NotRequired[str]


class AssumptionData(TypedDict):
    """``[assumptions.<id>]``: a key assumption and the Key Assumptions Check verdict on it."""

    title: str
    status: NotRequired[AssumptionStatus]
    hypotheses: NotRequired[list[str]]
    notes: NotRequired[str]


class ResolutionData(TypedDict):
    """``[resolution]``: what turned out to be true, once known."""

    hypothesis: str
    date: NotRequired[dt.date]
    notes: NotRequired[str]


class MilestoneData(TypedDict):
    """``[milestones.<id>]``: an indicator that would show the analysis on track or wrong."""

    hypothesis: str
    title: str
    expect: Expect
    due: NotRequired[dt.date]
    status: NotRequired[Status]
    notes: NotRequired[str]


Scalar: TypeAlias = str | bool | int | float | dt.date
"""A value a conflict can record: any single value of a matrix field, or a position."""

Value: TypeAlias = Scalar | list[str]
"""Any one field's value: a scalar, or an array of ids (``assumes``, ``hypotheses``)."""

Recorded: TypeAlias = Value | dict[str, Value]
"""A recorded side of a conflict: one field's value, or a whole table (a hypothesis,
evidence item, source, assumption or milestone, an analyst's judgements, the resolution)."""


class ConflictData(TypedDict):
    """``[conflicts.<id>]``: a difference ``achbench merge`` could not settle."""

    key: str
    base: NotRequired[Recorded]
    ours: NotRequired[Recorded]
    theirs: NotRequired[Recorded]
    note: NotRequired[str]


class MatrixData(TypedDict):
    """A whole matrix file, tables in file order."""

    format: FormatName
    title: str
    question: NotRequired[str]
    analyst: NotRequired[str]
    classification: NotRequired[str]
    hypotheses: dict[str, HypothesisData]
    evidence: NotRequired[dict[str, EvidenceData]]
    sources: NotRequired[dict[str, SourceData]]
    assumptions: NotRequired[dict[str, AssumptionData]]
    ratings: NotRequired[Ratings]
    rationale: NotRequired[Rationale]
    judgements: NotRequired[Judgements]
    milestones: NotRequired[dict[str, MilestoneData]]
    resolution: NotRequired[ResolutionData]
    conflicts: NotRequired[dict[str, ConflictData]]


TABLES: Final = (
    "hypotheses",
    "evidence",
    "sources",
    "assumptions",
    "ratings",
    "rationale",
    "judgements",
    "milestones",
    "resolution",
    "conflicts",
)
"""Top-level keys holding tables; every other top-level key holds a single value."""

MATRIX_FIELDS: Final = tuple(key for key in MatrixData.__annotations__ if key not in TABLES)
"""The single-value top-level keys (``format``, ``title``...), in file order."""

TABLE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "": tuple(MatrixData.__annotations__),
    "hypotheses": tuple(HypothesisData.__annotations__),
    "evidence": tuple(EvidenceData.__annotations__),
    "sources": tuple(SourceData.__annotations__),
    "assumptions": tuple(AssumptionData.__annotations__),
    "milestones": tuple(MilestoneData.__annotations__),
    "resolution": tuple(ResolutionData.__annotations__),
    "conflicts": tuple(ConflictData.__annotations__),
}
"""The keys each table takes (``""`` is the top level), in file order: the order of
``achbench.core.model``'s fields, which is the order of the spec's tables and so
the order the writer uses."""

EVIDENCE_ADDITIONS: Final = ("cites", "quote", "locator", "grade", "origin", "assumes", "status")
"""The evidence keys of the spec's "Additions": formats laid out before them (the CSV
evidence sheet, PARC ACH) show them only where an item sets one, so files without
them convert exactly as before."""

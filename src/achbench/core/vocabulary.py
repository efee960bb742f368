"""The words of the matrix format, each defined once: every other module reads them here.

Rating codes and what they mean, the credibility and relevance levels, the
format string, the id rule, the scoring methods' names.  Tables that are derived
from these (key bindings, the CSV and ``.achz`` code maps, the fast schema's
literals) are built from them, so a new code or level is one edit here.

Plain Python with no third-party import: the fast headless path, the pydantic
models and the editor all import this module.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

FORMAT: Final = "achbench/1"
"""The only ``format`` value this build reads and writes."""

FormatName = Literal["achbench/1"]
"""``FORMAT`` as a type, for the models (a ``Literal`` cannot be built from a variable)."""

Code = Literal["CC", "C", "N", "I", "II", "NA"]
"""Heuer's consistency scale, from very consistent to very inconsistent, and not applicable."""

CODES: Final[tuple[Code, ...]] = get_args(Code)
"""The rating codes in scale order: the order of the editor's keys 1-6."""

CODE_MEANING: Final[dict[Code, str]] = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "I": "inconsistent",
    "II": "very inconsistent",
    "NA": "not applicable",
}
"""Heuer's words for each code, for people."""

Level = Literal["low", "medium", "high"]
"""How far an item's source can be believed, or how much the item bears on the question."""

LEVELS: Final[tuple[Level, ...]] = get_args(Level)
"""Credibility and relevance levels, lowest first."""

DEFAULT_LEVEL: Final[Level] = "medium"
"""Credibility and relevance of an item that does not say."""

Expect = Literal["supports", "refutes"]
"""What seeing a milestone would mean for its hypothesis."""

Status = Literal["open", "observed", "not-observed"]
"""Whether a milestone has been seen."""

Reliability = Literal["A", "B", "C", "D", "E", "F"]
"""A source's reliability on the Admiralty (NATO) scale, A best; F cannot be judged."""

RELIABILITIES: Final[tuple[Reliability, ...]] = get_args(Reliability)
"""The reliability letters in scale order."""

RELIABILITY_MEANING: Final[dict[Reliability, str]] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "cannot be judged",
}
"""The Admiralty scale's words for each reliability letter, for people."""

Grade = Literal["1", "2", "3", "4", "5", "6"]
"""An item's information credibility on the Admiralty scale, 1 best; 6 cannot be judged.

Strings, not numbers, as the spec writes them: a grade is a label on a scale, and
``grade = "2"`` beside ``reliability = "B"`` reads as the familiar ``B2``."""

GRADES: Final[tuple[Grade, ...]] = get_args(Grade)
"""The grades in scale order."""

GRADE_MEANING: Final[dict[Grade, str]] = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "cannot be judged",
}
"""The Admiralty scale's words for each grade, for people."""

EvidenceStatus = Literal["collected", "pending"]
"""Whether an evidence item has been observed, or is rated only for what each hypothesis
predicts about it (pending items count in no score until collected)."""

EVIDENCE_STATUSES: Final[tuple[EvidenceStatus, ...]] = get_args(EvidenceStatus)
"""The evidence statuses, the default first."""

DEFAULT_EVIDENCE_STATUS: Final[EvidenceStatus] = "collected"
"""The status of an item that does not say."""

EVIDENCE_STATUS_MEANING: Final[dict[EvidenceStatus, str]] = {
    "collected": "observed; counts in the scores",
    "pending": "not yet observed; rated for what each hypothesis predicts, counts in no score",
}
"""What each evidence status means, for people."""

AssumptionStatus = Literal["solid", "caveated", "unsupported"]
"""The Key Assumptions Check verdict on an assumption."""

ASSUMPTION_STATUSES: Final[tuple[AssumptionStatus, ...]] = get_args(AssumptionStatus)
"""The verdicts, strongest first."""

DEFAULT_ASSUMPTION_STATUS: Final[AssumptionStatus] = "caveated"
"""The verdict on an assumption that does not say."""

ASSUMPTION_STATUS_MEANING: Final[dict[AssumptionStatus, str]] = {
    "solid": "well supported; the analysis may rest on it",
    "caveated": "correct only with caveats, or not yet checked",
    "unsupported": "not supported; conclusions resting on it are at risk",
}
"""What each verdict means, for people."""

SHA256_PATTERN: Final = r"^[0-9a-f]{64}$"
"""A SHA-256 digest as a source records it: 64 lower-case hex digits."""

JUDGEMENT_SUM_TOLERANCE: Final = 0.01
"""How far one analyst's judgements may sum from 1 before ``achbench check`` warns."""

Method = Literal["heuer", "weighted", "opensynthesis", "bayes"]
"""A scoring method's name."""

METHODS: Final[tuple[Method, ...]] = get_args(Method)
"""Method names accepted by ``--method``, in the order the editor cycles them."""

ID_SHAPE: Final = r"[A-Za-z][A-Za-z0-9_-]{0,63}"
"""The id rule as an unanchored regular expression, for patterns that find ids in text."""

ID_PATTERN: Final = rf"^{ID_SHAPE}$"
"""Ids of hypotheses, evidence, sources, assumptions, milestones and origins, and analyst
names: TOML bare keys."""

ID_RE: Final = re.compile(ID_PATTERN)
"""``ID_PATTERN`` compiled, for code that checks an id without pydantic."""

ID_HELP: Final = "an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
"""The id rule in words, for every message that refuses an id."""


def is_id(text: str) -> bool:
    """Whether ``text`` is a valid hypothesis, evidence or milestone id or analyst name."""
    return ID_RE.match(text) is not None

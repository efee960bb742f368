"""Admiralty grades as credibility: the one mapping from ``grade`` and ``reliability``
to the credibility level ``weighted`` and ``bayes`` weigh an item by.

The Admiralty (NATO) system rates a source's reliability (A-F) and the
information's credibility (1-6) separately: a usually reliable source can pass on
something improbable.  achbench weighs each item by one credibility level, so the
two are combined where the file does not set ``credibility`` itself (an explicit
credibility wins: the analyst chose it knowing both).

The rule, and why (the README repeats it for users):

* each letter or digit is a rank on a five-step scale: A/1 = 1 ... E/5 = 5;
  F and 6 say "cannot be judged": no information, so they count as not given;
* the ranks given are averaged, both dimensions counting alike, as the scale's
  two-character ratings (``B2``) read;
* a mean of 2 or better (A, B, 1, 2 and any pair averaging so: B2, A3, C1) is
  ``high``; 4 or worse (D, E, 4, 5, or pairs such as D4, C5) is ``low``; the
  middle (C, 3, "fairly reliable", "possibly true", and pairs such as B3, B4, A5)
  is ``medium``, the level of an item that says nothing;
* nothing informative given: ``medium``, the default, so files without these
  keys score exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from achbench.core.data import EvidenceData, SourceData
from achbench.core.vocabulary import (
    DEFAULT_LEVEL,
    GRADE_MEANING,
    GRADES,
    RELIABILITIES,
    RELIABILITY_MEANING,
    Level,
    Reliability,
)

NO_INFORMATION: Final = frozenset({"F", "6"})
"""The two "cannot be judged" marks: they leave credibility to the other mark."""

ADMIRALTY_RANK: Final[Mapping[str, int]] = {
    **{letter: i + 1 for i, letter in enumerate(RELIABILITIES) if letter not in NO_INFORMATION},
    **{grade: i + 1 for i, grade in enumerate(GRADES) if grade not in NO_INFORMATION},
}
"""Each informative reliability letter and grade as a rank, 1 best, 5 worst."""

HIGH_UP_TO: Final = 2.0
"""A mean rank at or below this is ``high`` credibility."""

LOW_FROM: Final = 4.0
"""A mean rank at or above this is ``low`` credibility."""


def admiralty_level(grade: str | None, reliability: str | None) -> Level | None:
    """The credibility level a grade and a reliability give; None if neither informs."""
    ranks = [
        ADMIRALTY_RANK[m] for m in (grade, reliability) if m is not None and m in ADMIRALTY_RANK
    ]
    if not ranks:
        return None
    mean = sum(ranks) / len(ranks)
    if mean <= HIGH_UP_TO:
        return "high"
    if mean >= LOW_FROM:
        return "low"
    return "medium"


def reliability_of(item: EvidenceData, sources: Mapping[str, SourceData]) -> Reliability | None:
    """The reliability of the source the item cites, if it cites one that has it."""
    cites = item.get("cites")
    if cites is None:
        return None
    source = sources.get(cites)
    return None if source is None else source.get("reliability")


def credibility_of(item: EvidenceData, sources: Mapping[str, SourceData]) -> Level:
    """The credibility scoring uses: the item's own, else its Admiralty marks', else medium."""
    own = item.get("credibility")
    if own is not None:
        return own
    if "grade" not in item and "cites" not in item:
        return DEFAULT_LEVEL
    level = admiralty_level(item.get("grade"), reliability_of(item, sources))
    return DEFAULT_LEVEL if level is None else level


def derived(item: EvidenceData, sources: Mapping[str, SourceData]) -> bool:
    """Whether the item's credibility comes from its Admiralty marks (none set by hand)."""
    if "credibility" in item:
        return False
    return admiralty_level(item.get("grade"), reliability_of(item, sources)) is not None


def admiralty_mark(item: EvidenceData, sources: Mapping[str, SourceData]) -> str | None:
    """The item's Admiralty rating as analysts write it: reliability letter, then grade
    (``B2``); one of them alone when only one is given; None when neither is."""
    mark = (reliability_of(item, sources) or "") + (item.get("grade") or "")
    return mark or None


def admiralty_facts(item: EvidenceData, sources: Mapping[str, SourceData]) -> list[str]:
    """The item's Admiralty marks and origin in words, for the editor's detail pane:
    ``source B usually reliable``, ``grade 2 probably true``, ``origin gov``."""
    out = []
    reliability = reliability_of(item, sources)
    if reliability is not None:
        out.append(f"source {reliability} {RELIABILITY_MEANING[reliability]}")
    grade = item.get("grade")
    if grade is not None:
        out.append(f"grade {grade} {GRADE_MEANING[grade]}")
    if derived(item, sources):
        out.append("credibility from the Admiralty marks")
    origin = item.get("origin")
    if origin is not None:
        out.append(f"origin {origin}")
    return out

"""Hypothesis strategies for valid matrices, shared by the property tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

CODES = ("CC", "C", "N", "I", "II", "NA")
LEVELS = ("low", "medium", "high")

ids = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,8}\Z")
# Any text TOML can hold: no surrogates; NUL and other controls are escaped by the writer.
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
titles = text.filter(lambda s: len(s) > 0)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


@st.composite
def matrices(draw: st.DrawFn, max_hypotheses: int = 5, max_evidence: int = 6) -> dict[str, Any]:
    """A valid matrix as plain data, with some optional keys set and some cells unrated."""
    hypothesis_ids = draw(st.lists(ids, min_size=1, max_size=max_hypotheses, unique=True))
    evidence_ids = draw(st.lists(ids, max_size=max_evidence, unique=True))
    analysts = draw(st.lists(ids, max_size=3, unique=True))
    data: dict[str, Any] = {"format": "achbench/1", "title": draw(titles)}
    data.update(draw(_optional(question=text, classification=text)))
    if analysts and draw(st.booleans()):
        data["analyst"] = analysts[0]
    data["hypotheses"] = {
        h: {
            "title": draw(titles),
            **draw(
                _optional(
                    description=text,
                    prior=st.floats(min_value=0.01, max_value=1.0, allow_nan=False),
                )
            ),
        }
        for h in hypothesis_ids
    }
    if evidence_ids or draw(st.booleans()):
        data["evidence"] = {
            e: {
                "title": draw(titles),
                **draw(
                    _optional(
                        source=text,
                        date=dates,
                        kind=text,
                        credibility=st.sampled_from(LEVELS),
                        relevance=st.sampled_from(LEVELS),
                        notes=text,
                        code=text,
                        link=text,
                        flag=st.booleans(),
                    )
                ),
            }
            for e in evidence_ids
        }
    if analysts:
        ratings: dict[str, Any] = {}
        for analyst in analysts:
            table = {}
            for e in evidence_ids:
                row = {
                    h: draw(st.sampled_from(CODES))
                    for h in hypothesis_ids
                    if draw(st.integers(0, 4)) > 0
                }
                if row:
                    table[e] = row
            ratings[analyst] = table
        data["ratings"] = ratings
    if draw(st.booleans()):
        milestone_ids = draw(st.lists(ids, max_size=3, unique=True))
        data["milestones"] = {
            m: {
                "hypothesis": draw(st.sampled_from(hypothesis_ids)),
                "title": draw(titles),
                "expect": draw(st.sampled_from(("supports", "refutes"))),
                **draw(
                    _optional(
                        due=dates,
                        status=st.sampled_from(("open", "observed", "not-observed")),
                        notes=text,
                    )
                ),
            }
            for m in milestone_ids
        }
    return data

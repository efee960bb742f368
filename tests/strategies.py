"""Hypothesis strategies for valid matrices, shared by the property tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

CODES = ("CC", "C", "N", "I", "II", "NA")
LEVELS = ("low", "medium", "high")
GRADES = ("1", "2", "3", "4", "5", "6")
RELIABILITIES = ("A", "B", "C", "D", "E", "F")

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
    source_ids = draw(st.lists(ids, max_size=2, unique=True))
    assumption_ids = draw(st.lists(ids, max_size=2, unique=True))
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
                **draw(evidence_additions(source_ids, assumption_ids)),
            }
            for e in evidence_ids
        }
    data.update(draw(sources_and_assumptions(source_ids, assumption_ids, hypothesis_ids)))
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
    data.update(draw(notes_and_judgements(analysts, evidence_ids, hypothesis_ids)))
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
    if draw(st.booleans()):
        data["resolution"] = {
            "hypothesis": draw(st.sampled_from(hypothesis_ids)),
            **draw(_optional(date=dates, notes=text)),
        }
    return data


# --- the format's "Additions" ------------------------------------------------------------

sha256s = st.text("0123456789abcdef", min_size=64, max_size=64)
probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def evidence_additions(
    source_ids: list[str], assumption_ids: list[str]
) -> st.SearchStrategy[dict[str, Any]]:
    """The evidence keys of the spec's "Additions", naming only sources and assumptions
    that exist."""
    optional: dict[str, st.SearchStrategy[Any]] = {
        "quote": text,
        "locator": text,
        "grade": st.sampled_from(GRADES),
        "origin": ids,
        "status": st.sampled_from(("collected", "pending")),
    }
    if source_ids:
        optional["cites"] = st.sampled_from(source_ids)
    if assumption_ids:
        optional["assumes"] = st.lists(st.sampled_from(assumption_ids), unique=True)
    return st.fixed_dictionaries({}, optional=optional)


@st.composite
def sources_and_assumptions(
    draw: st.DrawFn, source_ids: list[str], assumption_ids: list[str], hypothesis_ids: list[str]
) -> dict[str, Any]:
    """``sources`` and ``assumptions`` tables with those ids (absent or empty when none)."""
    out: dict[str, Any] = {}
    if source_ids or draw(st.booleans()):
        out["sources"] = {
            s: {
                "title": draw(titles),
                **draw(
                    _optional(
                        kind=text,
                        path=text,
                        url=text,
                        sha256=sha256s,
                        reliability=st.sampled_from(RELIABILITIES),
                        notes=text,
                    )
                ),
            }
            for s in source_ids
        }
    if assumption_ids or draw(st.booleans()):
        out["assumptions"] = {
            a: {
                "title": draw(titles),
                **draw(
                    _optional(
                        status=st.sampled_from(("solid", "caveated", "unsupported")),
                        hypotheses=st.lists(st.sampled_from(hypothesis_ids), unique=True),
                        notes=text,
                    )
                ),
            }
            for a in assumption_ids
        }
    return out


@st.composite
def notes_and_judgements(
    draw: st.DrawFn, analysts: list[str], evidence_ids: list[str], hypothesis_ids: list[str]
) -> dict[str, Any]:
    """``rationale`` (a note for some cells, rated or not, of some analysts) and
    ``judgements`` (some analysts' probabilities, summing to 1 or not)."""
    out: dict[str, Any] = {}
    writers = draw(st.lists(st.sampled_from([*analysts, "other"]), max_size=2, unique=True))
    if writers or draw(st.booleans()):
        rationale: dict[str, Any] = {}
        for analyst in writers:
            table = {}
            for e in evidence_ids:
                row = {h: draw(titles) for h in hypothesis_ids if draw(st.integers(0, 3)) == 0}
                if row:
                    table[e] = row
            rationale[analyst] = table
        out["rationale"] = rationale
    judges = draw(st.lists(st.sampled_from([*analysts, "other"]), max_size=2, unique=True))
    if judges or draw(st.booleans()):
        out["judgements"] = {
            analyst: {h: draw(probabilities) for h in hypothesis_ids if draw(st.booleans())}
            for analyst in judges
        }
    return out

"""Hypothesis strategies for matrices, shaped by what a target format can hold.

``matrices(...)`` draws valid matrix data (as ``store.load_data`` returns it);
the keyword switches leave out what a format cannot carry, so that a round-trip
property can demand exact equality.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st

from achbench.core.model import Matrix
from achbench.core.vocabulary import (
    ASSUMPTION_STATUSES,
    CODES,
    EVIDENCE_STATUSES,
    GRADES,
    LEVELS,
    RELIABILITIES,
)

XML_SAFE = (
    st.characters(
        max_codepoint=0xFFFD, exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe"
    ),
    [*"\t\n\r&<>\"';,]", "]]>", "\x7f", "\x85", "\r\n"],
)
"""Characters PARC ACH can hold: XML 1.0 text within the Basic Multilingual Plane
(a character strategy, and awkward snippets mixed in)."""

ANY_TEXT = (
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    [*"\t\n\r&<>\"';,[]", "\r\n", "[evidence]", "🙂"],
)
"""Any character a TOML string can hold (NUL aside, which no spreadsheet takes)."""

_LETTERS = string.ascii_letters
IDS = st.builds(
    str.__add__,
    st.sampled_from(_LETTERS),
    st.text(alphabet=_LETTERS + string.digits + "_-", max_size=8),
)
"""Valid ids (``st.from_regex`` would do, at ten times the cost)."""
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


Alphabet = tuple[st.SearchStrategy[str], list[str]]


_TEXTS: dict[tuple[int, bool], st.SearchStrategy[str]] = {}


def _text(alphabet: Alphabet, blank_ok: bool) -> st.SearchStrategy[str]:
    """Short text from the alphabet; built once per alphabet (building is the slow part)."""
    key = (id(alphabet), blank_ok)
    if key not in _TEXTS:
        characters, snippets = alphabet
        piece = st.text(characters, min_size=1, max_size=8) | st.sampled_from(snippets)
        text = st.lists(piece, min_size=1, max_size=3).map("".join)
        _TEXTS[key] = text if blank_ok else text.filter(str.strip)
    return _TEXTS[key]


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def matrices(
    draw: st.DrawFn,
    *,
    alphabet: Alphabet = ANY_TEXT,
    positional_ids: bool = False,
    analysts: int = 2,
    analyst_name: str | None = None,
    rich: bool = True,
    max_hypotheses: int = 4,
    max_evidence: int = 4,
    blank_ok: bool = True,
) -> dict[str, Any]:
    """Valid matrix data.

    ``positional_ids``: ids H1.. and E1.. in order (PARC has no ids).
    ``analysts``: at most this many analysts rate.  ``analyst_name``: the
    default analyst, who is then also the only rater when ``analysts`` is 1.
    ``rich``: include question, descriptions, priors, sources, milestones,
    1970-01-01 dates and the keys of the spec's "Additions", which PARC ACH
    cannot hold.  ``blank_ok``: strings may be
    all whitespace (PARC reads a blank field as unset).
    """
    text = _text(alphabet, blank_ok)
    n_h = draw(st.integers(1, max_hypotheses))
    n_e = draw(st.integers(0, max_evidence))
    if positional_ids:
        h_ids = [f"H{i}" for i in range(1, n_h + 1)]
        e_ids = [f"E{i}" for i in range(1, n_e + 1)]
    else:
        h_ids = draw(st.lists(IDS, min_size=n_h, max_size=n_h, unique=True))
        e_ids = draw(st.lists(IDS, min_size=n_e, max_size=n_e, unique=True))
    data: dict[str, Any] = {"format": "achbench/1", "title": draw(text)}
    if rich and draw(st.booleans()):
        data["question"] = draw(text)
    default = analyst_name or draw(_optional(IDS))
    if default is not None:
        data["analyst"] = default
    classification = draw(_optional(text))
    if classification is not None:
        data["classification"] = classification

    hypotheses: dict[str, Any] = {}
    for h in h_ids:
        item: dict[str, Any] = {"title": draw(text)}
        if rich:
            description = draw(_optional(text))
            if description is not None:
                item["description"] = description
            prior = draw(_optional(st.floats(min_value=0.001, max_value=1.0)))
            if prior is not None:
                item["prior"] = prior
        hypotheses[h] = item
    data["hypotheses"] = hypotheses

    evidence: dict[str, Any] = {}
    for e in e_ids:
        item = {"title": draw(text)}
        keys = ["kind", "notes", "code", "link"] + (["source"] if rich else [])
        for key in keys:
            value = draw(_optional(text))
            if value is not None:
                item[key] = value
        date = draw(_optional(DATES if rich else DATES.filter(lambda d: d != dt.date(1970, 1, 1))))
        if date is not None:
            item["date"] = date
        for key in ("credibility", "relevance"):
            level = draw(_optional(st.sampled_from(LEVELS)))
            if level is not None:
                item[key] = level
        if draw(st.booleans()):
            item["flag"] = True
        evidence[e] = item
    if evidence or draw(st.booleans()):
        data["evidence"] = evidence

    if analysts == 1 and default is not None:
        raters = [default]
    else:
        raters = draw(st.lists(IDS, max_size=analysts, unique=True))
    ratings: dict[str, Any] = {}
    for name in raters:
        table: dict[str, Any] = {}
        for e in e_ids:
            row = {h: draw(st.sampled_from(CODES)) for h in h_ids if draw(st.booleans())}
            if row:
                table[e] = row
        if table:
            ratings[name] = table
    if ratings:
        data["ratings"] = ratings

    if rich and draw(st.booleans()):
        data["milestones"] = {
            m: {
                "hypothesis": draw(st.sampled_from(h_ids)),
                "title": draw(text),
                "expect": draw(st.sampled_from(["supports", "refutes"])),
                **({"due": draw(DATES)} if draw(st.booleans()) else {}),
                **({"status": "observed"} if draw(st.booleans()) else {}),
                **({"notes": draw(text)} if draw(st.booleans()) else {}),
            }
            for m in draw(st.lists(IDS, min_size=1, max_size=2, unique=True))
        }
    if rich:
        _additions(draw, data, text, [*raters, "other"])
    return data


def _additions(
    draw: st.DrawFn, data: dict[str, Any], text: st.SearchStrategy[str], analysts: list[str]
) -> None:
    """The keys of the spec's "Additions", each set or not (arrays never empty: a
    spreadsheet cell cannot tell an empty array from none)."""
    h_ids = list(data["hypotheses"])
    s_ids = draw(st.lists(IDS.map("S".__add__), max_size=2, unique=True))
    a_ids = draw(st.lists(IDS.map("A".__add__), max_size=2, unique=True))

    def optional(**fields: st.SearchStrategy[Any]) -> dict[str, Any]:
        return {
            k: v for k, v in ((k, draw(_optional(s))) for k, s in fields.items()) if v is not None
        }

    if s_ids:
        data["sources"] = {
            s: {
                "title": draw(text),
                **optional(
                    kind=text,
                    path=text,
                    url=text,
                    sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
                    reliability=st.sampled_from(RELIABILITIES),
                    notes=text,
                ),
            }
            for s in s_ids
        }
    if a_ids:
        data["assumptions"] = {
            a: {
                "title": draw(text),
                **optional(
                    status=st.sampled_from(ASSUMPTION_STATUSES),
                    hypotheses=st.lists(st.sampled_from(h_ids), min_size=1, unique=True),
                    notes=text,
                ),
            }
            for a in a_ids
        }
    for item in (data.get("evidence") or {}).values():
        item.update(
            optional(
                cites=st.sampled_from(s_ids) if s_ids else st.nothing(),
                quote=text,
                locator=text,
                grade=st.sampled_from(GRADES),
                origin=IDS,
                assumes=st.lists(st.sampled_from(a_ids), min_size=1, unique=True)
                if a_ids
                else st.nothing(),
                status=st.sampled_from(EVIDENCE_STATUSES),
            )
        )
    e_ids = list(data.get("evidence") or {})
    rationale: dict[str, Any] = {}
    for analyst in draw(st.lists(st.sampled_from(analysts), max_size=2, unique=True)):
        table = {}
        for e in e_ids:
            row = {h: draw(text) for h in h_ids if draw(st.integers(0, 2)) == 0}
            if row:
                table[e] = row
        if table:
            rationale[analyst] = table
    if rationale:
        data["rationale"] = rationale
    judgements: dict[str, Any] = {}
    for analyst in draw(st.lists(st.sampled_from(analysts), max_size=2, unique=True)):
        table = {h: draw(st.floats(0.0, 1.0)) for h in h_ids if draw(st.booleans())}
        if table:
            judgements[analyst] = table
    if judgements:
        data["judgements"] = judgements
    if draw(st.booleans()):
        data["resolution"] = {
            "hypothesis": draw(st.sampled_from(h_ids)),
            **optional(date=DATES, notes=text),
        }


def same_matrix(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal as matrices: defaults filled in (credibility "medium" written or not)."""
    return Matrix.model_validate(a) == Matrix.model_validate(b)

"""Evidence that only looks diagnostic: each caveat on hand-worked matrices."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.analysis.diagnosticity import (
    CONTESTED_ORIGIN,
    LOW_CREDIBILITY,
    ONE_ANALYST,
    caveats,
    item_caveats,
    opposed,
)


def _matrix(evidence: dict[str, Any], ratings: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {"H1": {"title": "one"}, "H2": {"title": "two"}, "H3": {"title": "three"}},
        "evidence": evidence,
        "ratings": ratings,
        **extra,
    }


def test_low_credibility_flags_only_diagnostic_items() -> None:
    data = _matrix(
        {
            "E1": {"title": "rumour", "credibility": "low"},
            "E2": {"title": "flat rumour", "credibility": "low"},
            "E3": {"title": "graded", "grade": "5", "cites": "S"},  # E5: mean 5, low
            "E4": {"title": "solid"},
        },
        {
            "a": {
                "E1": {"H1": "C", "H2": "I", "H3": "C"},
                "E2": {"H1": "I", "H2": "I", "H3": "I"},  # rated alike: not diagnostic
                "E3": {"H1": "II", "H2": "C"},
                "E4": {"H1": "C", "H2": "II", "H3": "C"},
            }
        },
        sources={"S": {"title": "s", "reliability": "E"}},
    )
    found = caveats(data)
    assert {e: c.flags for e, c in found.items()} == {
        "E1": (LOW_CREDIBILITY,),
        "E2": (),
        "E3": (LOW_CREDIBILITY,),
        "E4": (),
    }


def test_contested_origin_names_the_items_pointing_the_other_way() -> None:
    """E1 favours H1 over H2 (C against I); E2, of the same origin, H2 over H1; E3,
    also of it, agrees with E1 (CC and C count alike under heuer); E4 points the
    other way but has another origin."""
    data = _matrix(
        {
            "E1": {"title": "a", "origin": "gov"},
            "E2": {"title": "b", "origin": "gov"},
            "E3": {"title": "c", "origin": "gov"},
            "E4": {"title": "d", "origin": "press"},
        },
        {
            "a": {
                "E1": {"H1": "C", "H2": "I"},
                "E2": {"H1": "I", "H2": "C"},
                "E3": {"H1": "CC", "H2": "II"},
                "E4": {"H1": "II", "H2": "N"},
            }
        },
    )
    found = caveats(data)
    assert found["E1"].flags == (CONTESTED_ORIGIN,)
    assert found["E1"].against == ("E2",)
    assert found["E2"].against == ("E1", "E3")
    assert found["E3"].against == ("E2",)
    assert found["E4"].flags == ()
    assert item_caveats(data, "E2") == found["E2"]
    assert found["E2"].describe() == [
        "its origin is shared with items that point the other way (E1, E3)"
    ]


def test_direction_reads_the_methods_scale() -> None:
    """CC against C tells H1 from H2 under opensynthesis and bayes, not under heuer."""
    data = _matrix(
        {"E1": {"title": "a", "origin": "o"}, "E2": {"title": "b", "origin": "o"}},
        {"a": {"E1": {"H1": "CC", "H2": "C"}, "E2": {"H1": "C", "H2": "CC"}}},
    )
    assert caveats(data, "heuer")["E1"].flags == ()
    assert caveats(data, "opensynthesis")["E1"].flags == (CONTESTED_ORIGIN,)
    assert caveats(data, "bayes")["E1"].flags == (CONTESTED_ORIGIN,)


def test_one_analyst_alone_when_several_rated() -> None:
    data = _matrix(
        {"E1": {"title": "a"}, "E2": {"title": "b"}, "E3": {"title": "c"}},
        {
            "ann": {
                "E1": {"H1": "C", "H2": "II", "H3": "C"},
                "E2": {"H1": "C", "H2": "I"},
                "E3": {"H1": "II", "H2": "C"},
            },
            "bob": {
                "E1": {"H1": "N", "H2": "N", "H3": "N"},  # alike: tells nothing apart
                "E2": {"H1": "C", "H2": "II"},
                # E3 unrated by bob
            },
        },
    )
    found = caveats(data)
    assert (found["E1"].flags, found["E1"].analyst) == ((ONE_ANALYST,), "ann")
    assert found["E2"].flags == ()
    assert (found["E3"].flags, found["E3"].analyst) == ((ONE_ANALYST,), "ann")
    # With only ann pooled there is no one else to compare with.
    assert caveats(data, analysts=["ann"])["E1"].flags == ()
    assert found["E1"].to_json() == {"flags": ["one-analyst"], "analyst": "ann"}


def test_flags_combine_in_order() -> None:
    data = _matrix(
        {
            "E1": {"title": "a", "origin": "o", "credibility": "low"},
            "E2": {"title": "b", "origin": "o"},
        },
        {
            "ann": {"E1": {"H1": "C", "H2": "I"}, "E2": {"H1": "I", "H2": "C"}},
            "bob": {"E1": {"H1": "N", "H2": "N"}},
        },
    )
    assert caveats(data)["E1"].flags == (LOW_CREDIBILITY, CONTESTED_ORIGIN, ONE_ANALYST)


def test_opposed_needs_a_pair_rated_in_both() -> None:
    assert opposed({"H1": 0, "H2": -1}, {"H1": -1, "H2": 0})
    assert not opposed({"H1": 0, "H2": -1}, {"H1": 0, "H2": -2})  # same way
    assert not opposed({"H1": 0, "H2": -1}, {"H1": -1, "H3": 0})  # one common hypothesis
    assert not opposed({"H1": 0, "H2": -1}, {"H1": -1, "H2": -1})  # b ties them


def test_pending_items_are_neither_flagged_nor_compared() -> None:
    data = _matrix(
        {
            "E1": {"title": "a", "origin": "o", "credibility": "low"},
            "E2": {"title": "b", "origin": "o", "status": "pending"},
        },
        {"a": {"E1": {"H1": "C", "H2": "I"}, "E2": {"H1": "I", "H2": "C"}}},
    )
    found = caveats(data)
    assert list(found) == ["E1"]
    assert found["E1"].flags == (LOW_CREDIBILITY,)  # E2 is not yet observed
    assert item_caveats(data, "E2").flags == ()


@settings(max_examples=300, deadline=None)
@given(
    a=st.dictionaries(st.sampled_from("ABCDEF"), st.sampled_from((0.0, 0.5, 1.0, 2.0))),
    b=st.dictionaries(st.sampled_from("ABCDEF"), st.sampled_from((0.0, 0.5, 1.0, 2.0))),
)
def test_opposed_is_some_pair_ranked_the_other_way(
    a: dict[str, float], b: dict[str, float]
) -> None:
    """Against every pair of common hypotheses, by brute force."""
    common = [h for h in a if h in b]
    expected = any(a[x] < a[y] and b[x] > b[y] for x in common for y in common)
    assert opposed(a, b) == expected

"""Items sharing an origin count once, under every method and every sensitivity finding;
Admiralty grades set credibility where the file leaves it out."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from achbench.analysis.sensitivity import analyse_data
from achbench.core.vocabulary import CODES, LEVELS, METHODS
from achbench.scoring.admiralty import admiralty_level, credibility_of
from achbench.scoring.live import LiveScores
from achbench.scoring.methods import Grid, score
from achbench.scoring.origins import independent_count, merge_origins

# --------------------------------------------------------------------------- Admiralty


@pytest.mark.parametrize(
    ("grade", "reliability", "level"),
    [
        ("1", None, "high"),
        ("2", None, "high"),
        ("3", None, "medium"),
        ("4", None, "low"),
        ("5", None, "low"),
        (None, "A", "high"),
        (None, "C", "medium"),
        (None, "E", "low"),
        ("2", "B", "high"),  # B2: mean 2
        ("3", "A", "high"),  # A3: mean 2
        ("3", "B", "medium"),  # B3: mean 2.5
        ("5", "A", "medium"),  # A5: mean 3
        ("4", "C", "medium"),  # C4: mean 3.5
        ("4", "D", "low"),  # D4: mean 4
        ("5", "C", "low"),  # C5: mean 4
        ("6", "B", "high"),  # 6 cannot be judged: B alone
        ("4", "F", "low"),  # F cannot be judged: 4 alone
        ("6", "F", None),
        (None, None, None),
    ],
)
def test_admiralty_mapping(grade: str | None, reliability: str | None, level: str | None) -> None:
    assert admiralty_level(grade, reliability) == level


def test_explicit_credibility_wins_and_no_marks_mean_medium() -> None:
    sources: dict[str, Any] = {"S": {"title": "s", "reliability": "E"}, "T": {"title": "t"}}
    assert credibility_of({"title": "x", "credibility": "high", "grade": "5"}, sources) == "high"
    assert credibility_of({"title": "x", "cites": "S"}, sources) == "low"
    assert credibility_of({"title": "x", "cites": "S", "grade": "1"}, sources) == "medium"
    assert credibility_of({"title": "x", "cites": "T"}, sources) == "medium"
    assert credibility_of({"title": "x", "grade": "6"}, sources) == "medium"
    assert credibility_of({"title": "x"}, sources) == "medium"


def _matrix(evidence: dict[str, Any], ratings: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {"H1": {"title": "one"}, "H2": {"title": "two"}},
        "evidence": evidence,
        "ratings": ratings,
        **extra,
    }


def test_grades_move_weighted_and_bayes_but_not_heuer() -> None:
    ratings = {"a": {"E1": {"H1": "II", "H2": "C"}, "E2": {"H1": "C", "H2": "I"}}}
    plain = _matrix({"E1": {"title": "x"}, "E2": {"title": "y"}}, ratings)
    graded = _matrix(
        {"E1": {"title": "x", "cites": "S"}, "E2": {"title": "y", "grade": "2"}},
        ratings,
        sources={"S": {"title": "s", "reliability": "E"}},
    )
    # E1 low (E): weight 1/sqrt2; E2 high (2): sqrt2.  H1: 2/sqrt2 = sqrt2, H2: sqrt2.
    weighted = {h.id: h.score for h in score(Grid.from_data(graded), "weighted").hypotheses}
    assert weighted == pytest.approx({"H1": math.sqrt(2), "H2": math.sqrt(2)})
    assert score(Grid.from_data(plain), "heuer") == score(Grid.from_data(graded), "heuer")
    assert score(Grid.from_data(plain), "bayes") != score(Grid.from_data(graded), "bayes")


# --------------------------------------------------------------------------- origins


def test_an_origin_counts_once_hand_worked() -> None:
    """Three governments repeating one claim (E2, E3, E4 share origin ``gov``; E3 is
    rated exactly as E2): under heuer the origin's cell for H1 pools I (E2, once) and
    II (E4): mean 1.5; for H2 C and C: 0.  H1 = 0 + 1.5, H2 = 1 + 0.  Counted as
    four items instead, H1 would have 4."""
    data = _matrix(
        {
            "E1": {"title": "independent"},
            "E2": {"title": "kazakh", "origin": "gov", "credibility": "high"},
            "E3": {"title": "russian", "origin": "gov"},
            "E4": {"title": "chinese", "origin": "gov", "credibility": "low"},
        },
        {
            "a": {
                "E1": {"H1": "N", "H2": "I"},
                "E2": {"H1": "I", "H2": "C"},
                "E3": {"H1": "I", "H2": "C"},
                "E4": {"H1": "II", "H2": "C"},
            }
        },
    )
    grid = Grid.from_data(data)
    heuer = {h.id: h.score for h in score(grid, "heuer").hypotheses}
    assert heuer == {"H1": 1.5, "H2": 1.0}
    merged = merge_origins(grid)
    assert merged.evidence == ("E1", "gov")
    assert merged.credibility == ("medium", "low")  # the lowest of the origin's items
    assert independent_count(grid) == 2
    # weighted: the origin at low credibility, medium relevance: 1.5 / sqrt 2.
    weighted = {h.id: h.score for h in score(grid, "weighted").hypotheses}
    assert weighted == pytest.approx({"H1": 1.5 / math.sqrt(2), "H2": 1.0})
    # Every item is listed, each with its origin's diagnosticity.
    evidence = score(grid, "heuer").evidence
    assert [e.id for e in evidence] == ["E1", "E2", "E3", "E4"]
    assert [e.diagnosticity for e in evidence] == [1.0, 1.5, 1.5, 1.5]
    findings = analyse_data(data, "heuer")
    assert (findings.items, findings.origins) == (4, 2)
    assert [(r.evidence, r.items) for r in findings.removals] == [
        ("E1", ()),
        ("gov", ("E2", "E3", "E4")),
    ]


@st.composite
def origin_matrices(draw: st.DrawFn) -> dict[str, Any]:
    """Small matrices whose items often share an origin, with one or two analysts,
    any levels, grades and a graded source."""
    n_h = draw(st.integers(1, 4))
    n_e = draw(st.integers(1, 5))
    hyps = [f"H{j}" for j in range(n_h)]
    evidence: dict[str, Any] = {}
    for i in range(n_e):
        item: dict[str, Any] = {"title": f"e{i}"}
        for key, values in (
            ("origin", ("O1", "O2")),
            ("credibility", LEVELS),
            ("relevance", LEVELS),
            ("grade", ("1", "3", "5", "6")),
        ):
            if draw(st.booleans()):
                item[key] = draw(st.sampled_from(values))
        if draw(st.booleans()):
            item["cites"] = "S"
        evidence[f"E{i}"] = item
    analysts = ["a", "b"][: draw(st.integers(1, 2))]
    ratings = {
        name: {
            e: {h: draw(st.sampled_from(CODES)) for h in hyps if draw(st.integers(0, 4))}
            for e in evidence
        }
        for name in analysts
    }
    return {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {
            h: {"title": h, **({"prior": 0.3} if j == 0 else {})} for j, h in enumerate(hyps)
        },
        "evidence": evidence,
        "sources": {"S": {"title": "s", "reliability": draw(st.sampled_from("ABCDEF"))}},
        "ratings": ratings,
    }


def with_copy(data: dict[str, Any], index: int) -> dict[str, Any]:
    """``data`` with evidence item ``index`` copied just after itself (a new id, the
    same fields, origin and ratings), as duplicating an item does."""
    out = copy.deepcopy(data)
    ids = list(out["evidence"])
    original = ids[index]
    twin = f"{original}copy"
    evidence: dict[str, Any] = {}
    for e in ids:
        evidence[e] = out["evidence"][e]
        if e == original:
            evidence[twin] = copy.deepcopy(out["evidence"][e])
    out["evidence"] = evidence
    for table in out["ratings"].values():
        if original in table:
            table[twin] = copy.deepcopy(table[original])
    return out


def _comparable(findings_json: dict[str, Any]) -> dict[str, Any]:
    """Sensitivity findings without the lists of items (which the copy joins)."""
    out = copy.deepcopy(findings_json)
    out.pop("evidence_items")
    for removal in out["leave_one_out"]:
        removal.pop("items", None)
    return out


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=60, deadline=None)
@given(data=origin_matrices(), pick=st.integers(0, 4))
def test_copying_an_item_within_its_origin_changes_nothing(
    method: str, data: dict[str, Any], pick: int
) -> None:
    index = pick % len(data["evidence"])
    item = list(data["evidence"].values())[index]
    item.setdefault("origin", "O1")
    copied = with_copy(data, index)
    before, after = Grid.from_data(data), Grid.from_data(copied)
    assert independent_count(before) == independent_count(after)
    assert score(before, method).hypotheses == score(after, method).hypotheses
    found_before = analyse_data(data, method).to_json()
    found_after = analyse_data(copied, method).to_json()
    assert found_after["evidence_items"] == found_before["evidence_items"] + 1
    assert _comparable(found_before) == _comparable(found_after)


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=40, deadline=None)
@given(data=origin_matrices())
def test_an_origin_of_one_item_scores_as_no_origin(method: str, data: dict[str, Any]) -> None:
    plain = copy.deepcopy(data)
    for item in plain["evidence"].values():
        item.pop("origin", None)
    alone = copy.deepcopy(plain)
    for i, item in enumerate(alone["evidence"].values()):
        if i % 2:
            item["origin"] = f"own{i}"
    assert score(Grid.from_data(plain), method) == score(Grid.from_data(alone), method)
    # Leave-one-out names the origin, but finds the same.
    removals_plain = analyse_data(plain, method).removals
    removals_alone = analyse_data(alone, method).removals
    assert [(r.leader_changed, r.ranks_changed, r.standing) for r in removals_plain] == [
        (r.leader_changed, r.ranks_changed, r.standing) for r in removals_alone
    ]


@settings(max_examples=60, deadline=None)
@given(
    data=origin_matrices(),
    edits=st.lists(
        st.tuples(
            st.integers(0, 1),
            st.integers(0, 4),
            st.integers(0, 3),
            st.sampled_from([*CODES, None]),
            st.sampled_from([None, "keep", "O1", "O2"]),
        ),
        max_size=25,
    ),
)
def test_live_scores_follow_origins(
    data: dict[str, Any], edits: list[tuple[int, int, int, str | None, str | None]]
) -> None:
    """The editor's incremental scores agree with a full re-score after ratings
    change on items in origins and items move between origins."""
    analysts = list(data["ratings"])
    live = LiveScores(data, analysts)
    ids = list(data["evidence"])
    hyps = list(data["hypotheses"])
    for who, e, h, code, origin in edits:
        analyst = analysts[who % len(analysts)]
        evidence_id, hypothesis_id = ids[e % len(ids)], hyps[h % len(hyps)]
        if origin != "keep":
            live.remove_evidence(evidence_id)
            item = data["evidence"][evidence_id]
            if origin is None:
                item.pop("origin", None)
            else:
                item["origin"] = origin
            live.add_evidence(evidence_id)
        live.set_cell(analyst, evidence_id, hypothesis_id, code)
        row = data["ratings"][analyst].setdefault(evidence_id, {})
        if code is None:
            row.pop(hypothesis_id, None)
        else:
            row[hypothesis_id] = code
    grid = Grid.from_data(data, analysts)
    for method in METHODS:
        expected = score(grid, method)
        got = live.ranking(method)
        assert [(h.id, h.rank) for h in got.hypotheses] == [
            (h.id, h.rank) for h in expected.hypotheses
        ] or all(  # float noise may order a near-tie differently
            math.isclose(a.score, b.score, rel_tol=1e-9, abs_tol=1e-12)
            for a, b in zip(got.hypotheses, expected.hypotheses, strict=True)
        )
        by_id = {h.id: h for h in expected.hypotheses}
        for h in got.hypotheses:
            want = by_id[h.id]
            assert math.isclose(h.score, want.score, rel_tol=1e-9, abs_tol=1e-12), method
            for key, value in want.figures.items():
                assert math.isclose(h.figures[key], value, rel_tol=1e-9, abs_tol=1e-12), key
        for item in expected.evidence:
            assert math.isclose(
                live.diagnosticity(method, item.id), item.diagnosticity, abs_tol=1e-12
            )
    assert live.independent() == independent_count(grid)


@settings(max_examples=40, deadline=None)
@given(data=origin_matrices(), gone=st.integers(0, 3), pending=st.integers(0, 4))
def test_live_scores_follow_a_hypothesis_removed_and_restored_and_pending_items(
    data: dict[str, Any], gone: int, pending: int
) -> None:
    """A hypothesis removed and restored (the editor re-scores it alone) and a
    pending item (it counts in no score, nor in its origin) leave the live scores
    equal to a full re-score: with origins, a column that goes may make two of an
    origin's rows alike, so every hypothesis' sums may move."""
    assume(len(data["hypotheses"]) > 1)  # a matrix keeps at least one hypothesis
    analysts = list(data["ratings"])
    evidence_id = list(data["evidence"])[pending % len(data["evidence"])]
    live = LiveScores(data, analysts)
    live.remove_evidence(evidence_id)
    data["evidence"][evidence_id]["status"] = "pending"
    live.add_evidence(evidence_id)
    hypothesis_id = list(data["hypotheses"])[gone % len(data["hypotheses"])]
    fields = data["hypotheses"].pop(hypothesis_id)
    column = {
        a: {e: row.pop(hypothesis_id) for e, row in t.items() if hypothesis_id in row}
        for a, t in data["ratings"].items()
    }
    live.remove_hypothesis(hypothesis_id)
    for stage in ("removed", "restored"):
        grid = Grid.from_data(data, analysts)
        for method in METHODS:
            by_id = {h.id: h for h in score(grid, method).hypotheses}
            got = live.ranking(method).hypotheses
            assert sorted(h.id for h in got) == sorted(by_id), stage
            for h in got:
                assert math.isclose(h.score, by_id[h.id].score, rel_tol=1e-9, abs_tol=1e-12)
        assert live.independent() == independent_count(grid)
        data["hypotheses"][hypothesis_id] = fields
        for analyst, codes in column.items():
            for e, code in codes.items():
                data["ratings"][analyst][e][hypothesis_id] = code
        live.add_hypothesis(hypothesis_id)

"""What to collect next (``analysis.collection``): information gain against a brute-force
enumeration, hand-worked examples, and items that cannot tell the hypotheses apart."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.analysis.collection import Candidate, collection_of
from achbench.core.vocabulary import CODES, LEVELS, METHODS
from achbench.scoring.methods import (
    BAYES_GENUINE,
    BAYES_LIKELIHOOD,
    NEUTRAL_LIKELIHOOD,
    Grid,
    score,
)


def _matrix(
    priors: list[float | None],
    collected: list[tuple[str, dict[str, str]]],
    pending: list[tuple[str, dict[str, str]]],
) -> dict[str, Any]:
    """A one-analyst matrix: hypotheses H0.. with ``priors``, items (credibility, ratings)."""
    hypotheses: dict[str, Any] = {}
    for j, prior in enumerate(priors):
        hypotheses[f"H{j}"] = (
            {"title": f"h{j}"} if prior is None else {"title": f"h{j}", "prior": prior}
        )
    evidence: dict[str, Any] = {}
    ratings: dict[str, Any] = {}
    for i, (credibility, row) in enumerate(collected):
        evidence[f"E{i}"] = {"title": f"e{i}", "credibility": credibility}
        ratings[f"E{i}"] = row
    for i, (credibility, row) in enumerate(pending):
        evidence[f"P{i}"] = {"title": f"p{i}", "credibility": credibility, "status": "pending"}
        ratings[f"P{i}"] = row
    return {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": hypotheses,
        "evidence": evidence,
        "ratings": {"al": ratings},
    }


def _by_id(data: dict[str, Any], method: str) -> dict[str, Candidate]:
    return {c.id: c for c in collection_of(data, method).candidates}


def _entropy(ps: list[float]) -> float:
    return -math.fsum(p * math.log2(p) for p in ps if p > 0)


@st.composite
def small_cases(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    priors = draw(st.lists(st.one_of(st.none(), st.floats(0.05, 1.0)), min_size=n, max_size=n))
    hypotheses = [f"H{j}" for j in range(n)]

    def rows(max_size: int) -> st.SearchStrategy[list[tuple[str, dict[str, str]]]]:
        row = st.fixed_dictionaries({}, optional={h: st.sampled_from(CODES) for h in hypotheses})
        return st.lists(st.tuples(st.sampled_from(LEVELS), row), max_size=max_size)

    return _matrix(priors, draw(rows(5)), draw(rows(3)))


@settings(max_examples=80, deadline=None)
@given(small_cases())
def test_information_gain_matches_a_brute_force_enumeration(data: dict[str, Any]) -> None:
    """Enumerate every (hypothesis, outcome) pair of each pending item: the mutual
    information H(H) - H(H | outcome), the chance of a new leader, and the leader's
    posterior either way, with the posterior now and the likelihoods read afresh
    from the code tables."""
    found = _by_id(data, "bayes")
    now = score(Grid.from_data(data), "bayes")
    ids = list(data["hypotheses"])
    prior = {h.id: h.score for h in now.hypotheses}
    leaders = tuple(h.id for h in now.hypotheses if h.rank == 1)
    first = leaders[0]
    for item_id, item in data["evidence"].items():
        if item.get("status") != "pending":
            continue
        genuine = BAYES_GENUINE[item["credibility"]]
        row = data["ratings"]["al"][item_id]
        like = {
            h: genuine * BAYES_LIKELIHOOD[row[h]] + (1 - genuine) * NEUTRAL_LIKELIHOOD
            if h in row
            else NEUTRAL_LIKELIHOOD
            for h in ids
        }
        joint = {
            (h, o): prior[h] * (like[h] if o else 1 - like[h]) for h in ids for o in (True, False)
        }
        p_outcome = {o: sum(joint[h, o] for h in ids) for o in (True, False)}
        h_now = _entropy([prior[h] for h in ids])
        h_after = sum(
            p_outcome[o] * _entropy([joint[h, o] / p_outcome[o] for h in ids])
            for o in (True, False)
            if p_outcome[o] > 0
        )
        got = found[item_id]
        assert got.figures["information_bits"] == pytest.approx(h_now - h_after, abs=1e-9)
        assert got.figures["p_observed"] == pytest.approx(p_outcome[True], abs=1e-12)
        assert got.figures["leader_posterior_if_observed"] == pytest.approx(
            joint[first, True] / p_outcome[True], abs=1e-9
        )
        assert got.figures["leader_posterior_if_not"] == pytest.approx(
            joint[first, False] / p_outcome[False], abs=1e-9
        )
        # Seen, the item is simply collected: bayes on the matrix with it collected agrees.
        seen = copy.deepcopy(data)
        del seen["evidence"][item_id]["status"]
        after = score(Grid.from_data(seen), "bayes").hypotheses
        assert got.leaders_if_observed == tuple(h.id for h in after if h.rank == 1)
        change = sum(
            p_outcome[o]
            for o, new in ((True, got.leaders_if_observed), (False, got.figures["leaders_if_not"]))
            if new != leaders
        )
        assert got.changes_leader == pytest.approx(change, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(small_cases())
def test_the_leaders_posterior_now_is_the_mean_of_its_posteriors_after(
    data: dict[str, Any],
) -> None:
    """Conservation of expected evidence: what the analyst expects to believe after
    collecting an item is what they believe now."""
    result = collection_of(data, "bayes")
    for c in result.candidates:
        p = float(c.figures["p_observed"])
        expected = p * float(c.figures["leader_posterior_if_observed"]) + (1 - p) * float(
            c.figures["leader_posterior_if_not"]
        )
        assert expected == pytest.approx(result.leader_score, abs=1e-9)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("method", METHODS)
def test_an_item_rated_alike_for_every_hypothesis_is_worth_nothing(code: str, method: str) -> None:
    alike = {"H0": code, "H1": code, "H2": code}
    data = _matrix(
        [0.5, 0.3, None],
        [("high", {"H0": "C", "H1": "I", "H2": "II"}), ("low", {"H0": "I", "H1": "CC"})],
        [("high", alike), ("medium", {"H0": "II", "H1": "CC", "H2": "N"})],
    )
    found = _by_id(data, method)
    flat = found["P0"]
    assert flat.changes_leader == 0.0
    assert flat.leaders_if_observed == collection_of(data, method).leaders
    if method == "bayes":
        assert flat.figures["information_bits"] == 0.0
        assert (
            flat.figures["leader_posterior_if_observed"] == flat.figures["leader_posterior_if_not"]
        )
        assert found["P1"].figures["information_bits"] > 0  # a discriminating item is worth more
        assert found["P1"].rank < flat.rank
    else:
        assert flat.figures["ranks_changed"] == 0
        assert flat.figures["diagnosticity"] == 0.0


def test_bayes_by_hand() -> None:
    """Priors 0.6 and 0.4, no evidence yet; a pending item of high credibility
    (genuine 0.9) rated CC for H0 and II for H1: likelihoods 0.9 x 0.9 + 0.1 x 0.5
    = 0.86 and 0.9 x 0.1 + 0.05 = 0.14.  P(seen) = 0.6 x 0.86 + 0.4 x 0.14 = 0.572;
    seen, P(H0) = 0.516 / 0.572 = 0.9021; not seen, 0.084 / 0.428 = 0.1963 and H1
    leads, so the leader changes with probability 0.428.  Information:
    h(0.572) - h(0.86) = 0.98499 - 0.58424 = 0.40075 bits (h the binary entropy)."""
    data = _matrix([0.6, 0.4], [], [("high", {"H0": "CC", "H1": "II"})])
    result = collection_of(data, "bayes")
    assert result.leaders == ("H0",)
    assert result.leader_score == pytest.approx(0.6)
    (item,) = result.candidates
    assert item.figures["p_observed"] == pytest.approx(0.572)
    assert item.figures["leader_posterior_if_observed"] == pytest.approx(0.516 / 0.572)
    assert item.figures["leader_posterior_if_not"] == pytest.approx(0.084 / 0.428)
    assert item.figures["information_bits"] == pytest.approx(0.40075, abs=1e-5)
    assert item.changes_leader == pytest.approx(0.428)
    assert item.leaders_if_observed == ("H0",)
    assert item.figures["leaders_if_not"] == ("H1",)


def test_heuer_and_weighted_by_hand() -> None:
    """Collected: E0 rated I for H0 and C for H1, so heuer has H0 at 1, H1 at 0 and H1
    leads.  P0 (C, II) would make it 1 against 2: H0 leads, both ranks move.  P1
    (II, I) would make it 3 against 1: nothing moves.  Milestone M refutes H1 (read
    as I): 1 against 1, a tie for first, one rank moves."""
    data = _matrix(
        [None, None],
        [("medium", {"H0": "I", "H1": "C"})],
        [("medium", {"H0": "C", "H1": "II"}), ("medium", {"H0": "II", "H1": "I"})],
    )
    data["milestones"] = {
        "M": {"hypothesis": "H1", "title": "m", "expect": "refutes", "status": "open"},
        "Seen": {"hypothesis": "H0", "title": "s", "expect": "refutes", "status": "observed"},
    }
    result = collection_of(data, "heuer")
    assert result.leaders == ("H1",)
    assert [(c.id, c.rank) for c in result.candidates] == [("P0", 1), ("M", 2), ("P1", 3)]
    p0, m, p1 = result.candidates
    assert (p0.changes_leader, p0.figures["ranks_changed"], p0.leaders_if_observed) == (
        1.0,
        2,
        ("H0",),
    )
    assert (m.changes_leader, m.figures["ranks_changed"], m.leaders_if_observed) == (
        1.0,
        1,
        ("H0", "H1"),
    )
    assert (m.kind, m.hypothesis) == ("milestone", "H1")
    assert (p1.changes_leader, p1.figures["ranks_changed"]) == (0.0, 0)
    assert result.pending == 2
    # Weighted: P0 at low credibility weighs 2 x 0.707 = 1.41 against H0's 1: still a change.
    data["evidence"]["P0"]["credibility"] = "low"
    weighted = _by_id(data, "weighted")
    assert weighted["P0"].changes_leader == 1.0
    # Without milestones, only the pending evidence is weighed.
    assert [c.id for c in collection_of(data, "heuer", milestones=False).candidates] == ["P0", "P1"]


@settings(max_examples=40, deadline=None)
@given(small_cases(), st.sampled_from(["heuer", "weighted", "opensynthesis"]))
def test_would_change_agrees_with_collecting_the_item(data: dict[str, Any], method: str) -> None:
    """Under the additive methods and Open Synthesis, the leaders and ranks an item
    would bring are those of the matrix with the item collected."""
    found = _by_id(data, method)
    before = {h.id: h.rank for h in score(Grid.from_data(data), method).hypotheses}
    for item_id, got in found.items():
        seen = copy.deepcopy(data)
        del seen["evidence"][item_id]["status"]
        after = score(Grid.from_data(seen), method).hypotheses
        assert got.leaders_if_observed == tuple(h.id for h in after if h.rank == 1)
        moved = sum(h.rank != before[h.id] for h in after)
        assert got.figures["ranks_changed"] == moved
        assert got.changes_leader == float(
            got.leaders_if_observed != tuple(h for h, r in before.items() if r == 1)
        )


def test_nothing_pending_gives_no_candidates() -> None:
    data = _matrix([None, None], [("medium", {"H0": "I", "H1": "C"})], [])
    for method in METHODS:
        result = collection_of(data, method)
        assert result.candidates == []
        assert result.to_json()["candidates"] == []


@settings(max_examples=40, deadline=None)
@given(small_cases(), st.sampled_from(METHODS), st.booleans())
def test_the_editors_values_from_live_scores_are_the_commands(
    data: dict[str, Any], method: str, two: bool
) -> None:
    """The editor's pane weighs the candidates against the live scores' ranking; it
    lists the same candidates, in the same order, with the same figures as ``next``."""
    from achbench.analysis.collection import candidates, collection
    from achbench.scoring.live import LiveScores

    if two:  # a second analyst who rated some cells otherwise
        data["ratings"]["bo"] = {
            e: dict.fromkeys(list(row)[:1], "II") for e, row in data["ratings"]["al"].items()
        }
    analysts = list(data["ratings"])
    live = LiveScores(data, analysts)
    grid, kinds, bears_on = candidates(data, analysts)
    got = collection(live.ranking(method), grid, kinds, bears_on, live.independent())
    want = collection_of(data, method, analysts)
    assert got.leaders == want.leaders
    assert [(c.id, c.rank, c.leaders_if_observed) for c in got.candidates] == [
        (c.id, c.rank, c.leaders_if_observed) for c in want.candidates
    ]
    for g, w in zip(got.candidates, want.candidates, strict=True):
        assert g.changes_leader == pytest.approx(w.changes_leader, abs=1e-9)
        for key, value in w.figures.items():
            if isinstance(value, tuple):
                assert g.figures[key] == value
            else:
                assert g.figures[key] == pytest.approx(value, abs=1e-9)

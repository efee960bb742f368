"""Scores checked against hand-worked examples and Open Synthesis' published tests."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.scoring.grid import cell_codes
from achbench.scoring.methods import (
    Grid,
    bayes,
    counted_stdev,
    heuer,
    opensynthesis,
    population_stdev,
    rated_alike,
    score,
    weighted,
)
from tests.helpers import small_matrix
from tests.strategies import matrices

S2 = math.sqrt(2)


def _order(ranking: Any) -> list[tuple[str, int]]:
    return [(h.id, h.rank) for h in ranking.hypotheses]


def _by_id(ranking: Any) -> dict[str, Any]:
    return {h.id: h for h in ranking.hypotheses}


# The small matrix, worked by hand:
#        E1 (high/high)  E2 (medium/medium)  E3 (low/medium)
#   H1   CC              N                   I
#   H2   I               C                   N
#   H3   II              I                   NA


def test_heuer_counts_inconsistencies_and_ties_share_a_rank() -> None:
    ranking = heuer(Grid.from_data(small_matrix()))
    assert _order(ranking) == [("H1", 1), ("H2", 1), ("H3", 3)]
    assert [h.score for h in ranking.hypotheses] == [1.0, 1.0, 3.0]
    # Diagnosticity is the spread of the inconsistency values across hypotheses.
    assert [e.diagnosticity for e in ranking.evidence] == [2.0, 1.0, 1.0]


def test_weighted_multiplies_by_credibility_and_relevance() -> None:
    ranking = weighted(Grid.from_data(small_matrix()))
    scores = {h.id: h.score for h in ranking.hypotheses}
    assert scores["H1"] == pytest.approx(1 / S2)  # E3: I x low (1/sqrt2) x medium (1)
    assert scores["H2"] == pytest.approx(2.0)  # E1: I x high x high = 1 x 2
    assert scores["H3"] == pytest.approx(5.0)  # E1: II x 2, E2: I x 1
    assert _order(ranking) == [("H1", 1), ("H2", 2), ("H3", 3)]


def test_opensynthesis_by_hand() -> None:
    ranking = opensynthesis(Grid.from_data(small_matrix()))
    h = _by_id(ranking)
    # Values CC 5, C 4, N 3, I 2, II 1, NA 3.
    assert (h["H1"].figures["inconsistency"], h["H1"].figures["consistency"]) == (1, 4)
    assert (h["H2"].figures["inconsistency"], h["H2"].figures["consistency"]) == (1, 1)
    assert (h["H3"].figures["inconsistency"], h["H3"].figures["consistency"]) == (5, 0)
    assert h["H3"].figures["proportion_na"] == pytest.approx(1 / 3)
    # H1 and H2 tie on inconsistency; H1's greater consistency puts it first.
    assert _order(ranking) == [("H1", 1), ("H2", 2), ("H3", 3)]
    # Population standard deviation of the cell means (NA counted as 3).
    assert [e.diagnosticity for e in ranking.evidence] == pytest.approx(
        [math.sqrt(78 / 27), math.sqrt(2 / 3), math.sqrt(6 / 27)]
    )


def _one_item(codes_per_hypothesis: list[list[str]]) -> Grid:
    """A grid with one evidence item, each hypothesis rated by the given analysts' codes."""
    hypotheses = {f"H{i}": {"title": f"H{i}"} for i in range(len(codes_per_hypothesis))}
    ratings: dict[str, Any] = {}
    for i, codes in enumerate(codes_per_hypothesis):
        for a, code in enumerate(codes):
            ratings.setdefault(f"a{a}", {}).setdefault("E1", {})[f"H{i}"] = code
    data = {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": hypotheses,
        "evidence": {"E1": {"title": "e"}},
        "ratings": ratings,
    }
    return Grid.from_data(data)


def _column(cells: list[list[str]]) -> Grid:
    """One hypothesis H0 rated on several evidence items (``cells[i]`` = votes on item i)."""
    evidence = {f"E{i}": {"title": f"E{i}"} for i in range(len(cells))}
    ratings: dict[str, Any] = {}
    for i, votes in enumerate(cells):
        for a, code in enumerate(votes):
            ratings.setdefault(f"a{a}", {}).setdefault(f"E{i}", {})["H0"] = code
    data = {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {"H0": {"title": "H0"}},
        "evidence": evidence,
        "ratings": ratings,
    }
    return Grid.from_data(data)


def _inconsistency(cells: list[list[str]]) -> float:
    return float(opensynthesis(_column(cells)).hypotheses[0].figures["inconsistency"])


def test_opensynthesis_published_hypothesis_order() -> None:
    # openach/tests/test_metrics.py, test_hypothesis_sorting: one item each, best first.
    grid = _one_item([["II"], ["I"], ["NA"], [], ["N"], ["C"], ["CC"]])
    order = [h.id for h in opensynthesis(grid).hypotheses]
    assert order == ["H6", "H5", "H4", "H3", "H2", "H1", "H0"]  # CC, C, N, unrated, NA, I, II


def test_opensynthesis_published_inconsistency_assumptions() -> None:
    # test_inconsistency_assumptions and friends, with the values worked out by hand.
    assert _inconsistency([]) == 0.0
    for code in ("N", "C", "CC"):
        assert _inconsistency([[code]]) == 0.0
    assert _inconsistency([["I"]]) == 1.0
    assert _inconsistency([["II"]]) == 4.0
    assert _inconsistency([["C"], ["I"]]) < _inconsistency([["II"], ["I"]])
    assert _inconsistency([["CC"], ["NA"], ["I"], ["I"]]) == 2.0
    assert _inconsistency([["I"], ["I"], ["N"], ["I"]]) == 3.0
    assert _inconsistency([["N"], ["NA"], ["CC"], ["II"]]) == 4.0


def test_opensynthesis_several_analysts_use_the_cell_mean_with_na_as_neutral() -> None:
    # Two analysts: (NA, II) has mean (3 + 1) / 2 = 2, like a single I (published test).
    assert _inconsistency([["NA", "II"]]) == 1.0
    # (I, II): mean 1.5, inconsistency 1.5^2; (C, CC): mean 4.5, consistency 1.5^2.
    assert _inconsistency([["I", "II"]]) == 2.25
    grid = _column([["C", "CC"], ["I", "N"]])
    figures = opensynthesis(grid).hypotheses[0].figures
    assert figures["consistency"] == 2.25
    assert figures["inconsistency"] == 0.25  # mean of I and N is 2.5


def test_opensynthesis_proportions_of_na_and_unrated_consensus() -> None:
    # test_calculate_na_proportion / test_calculate_unevaluated_proportion.
    def props(cells: list[list[str]]) -> tuple[float, float]:
        f = opensynthesis(_column(cells)).hypotheses[0].figures
        return f["proportion_na"], f["proportion_unrated"]

    assert props([["NA"]]) == (1.0, 0.0)
    assert props([["N"]]) == (0.0, 0.0)
    assert props([["NA"], []]) == (0.5, 0.5)
    assert props([["N"], ["NA"]]) == (0.5, 0.0)
    assert props([[]]) == (0.0, 1.0)
    # NA is the consensus only with a strict majority of NA votes.
    assert props([["NA", "NA", "C"]]) == (1.0, 0.0)
    assert props([["NA", "C"]]) == (0.0, 0.0)


def test_opensynthesis_diagnosticity_published_cases() -> None:
    assert opensynthesis(_one_item([[], []])).evidence[0].diagnosticity == 0.0
    different = opensynthesis(_one_item([["C"], ["I"]])).evidence[0].diagnosticity
    same = opensynthesis(_one_item([["N"], ["N"]])).evidence[0].diagnosticity
    assert different == 1.0
    assert same == 0.0
    # Hypotheses without votes are left out of the deviation.
    assert opensynthesis(_one_item([["CC"], [], ["II"]])).evidence[0].diagnosticity == 2.0


def test_bayes_by_hand() -> None:
    ranking = bayes(Grid.from_data(small_matrix()))
    # Tempered likelihoods c*L + (1-c)*0.5 with c = 0.9 (high), 0.7 (medium), 0.4 (low):
    h1 = 0.86 * 0.5 * 0.42
    h2 = 0.32 * 0.64 * 0.5
    h3 = 0.14 * 0.36 * 0.5
    total = h1 + h2 + h3
    posterior = {h.id: h.score for h in ranking.hypotheses}
    assert posterior == pytest.approx({"H1": h1 / total, "H2": h2 / total, "H3": h3 / total})
    assert _order(ranking) == [("H1", 1), ("H2", 2), ("H3", 3)]


def test_bayes_priors_alone_decide_without_evidence() -> None:
    data = small_matrix(ratings={})
    data["hypotheses"]["H1"]["prior"] = 0.6
    data["hypotheses"]["H2"]["prior"] = 0.2
    # H3 has no prior: it gets what is left, 0.2.
    posterior = {h.id: h.score for h in bayes(Grid.from_data(data)).hypotheses}
    assert posterior == pytest.approx({"H1": 0.6, "H2": 0.2, "H3": 0.2})


@settings(max_examples=100, deadline=None)
@given(matrices(), st.sampled_from(["N", "NA"]))
def test_bayes_posteriors_sum_to_one_and_an_all_neutral_item_changes_nothing(
    data: dict, code: str
) -> None:
    before = bayes(Grid.from_data(data))
    assert sum(h.score for h in before.hypotheses) == pytest.approx(1.0)
    data = {**data, "evidence": {**data.get("evidence", {}), "Zflat": {"title": "flat"}}}
    analyst = next(iter(data.get("ratings", {})), "lead")
    ratings = {a: dict(t) for a, t in data.get("ratings", {}).items()}
    ratings.setdefault(analyst, {})["Zflat"] = dict.fromkeys(data["hypotheses"], code)
    data["ratings"] = ratings
    after = bayes(Grid.from_data(data))
    assert {h.id: h.score for h in after.hypotheses} == pytest.approx(
        {h.id: h.score for h in before.hypotheses}
    )
    assert after.evidence[-1].diagnosticity == 0.0


def test_bayes_does_not_underflow_at_thousands_of_items() -> None:
    data = small_matrix()
    data["evidence"] = {f"E{i}": {"title": "x"} for i in range(5000)}
    data["ratings"] = {"lead": {f"E{i}": {"H1": "C", "H2": "II", "H3": "I"} for i in range(5000)}}
    posterior = {h.id: h.score for h in bayes(Grid.from_data(data)).hypotheses}
    assert posterior["H1"] == pytest.approx(1.0)
    assert sum(posterior.values()) == pytest.approx(1.0)


def test_several_analysts_are_pooled_by_the_cell_mean() -> None:
    data = small_matrix()
    data["ratings"]["bob"] = {"E1": {"H1": "C", "H2": "II"}, "E2": {"H1": "I"}}
    ranking = heuer(Grid.from_data(data))
    # E1/H2: mean(I=1, II=2) = 1.5; E2/H1: mean(N=0, I=1) = 0.5; H3 only rated by lead.
    assert {h.id: h.score for h in ranking.hypotheses} == {"H1": 1.5, "H2": 1.5, "H3": 3.0}
    only_bob = heuer(Grid.from_data(data, ["bob"]))
    assert {h.id: h.score for h in only_bob.hypotheses} == {"H1": 1.0, "H2": 2.0, "H3": 0.0}


def test_unrated_cells_count_for_nothing_in_heuer() -> None:
    data = small_matrix()
    del data["ratings"]["lead"]["E1"]["H3"]
    h = _by_id(heuer(Grid.from_data(data)))
    assert h["H3"].score == 1.0
    assert h["H3"].figures["unrated"] == 1


def test_rated_alike_marks_items_that_cannot_discriminate() -> None:
    data = small_matrix()
    data["evidence"]["E4"] = {"title": "Same for all"}
    data["ratings"]["lead"]["E4"] = {"H1": "C", "H2": "C", "H3": "C"}
    data["evidence"]["E5"] = {"title": "Partly rated"}
    data["ratings"]["lead"]["E5"] = {"H1": "C", "H2": "C"}
    assert rated_alike(Grid.from_data(data)) == [False, False, False, True, False]


@settings(max_examples=200, deadline=None)
@given(data=matrices())
def test_rated_alike_is_every_hypothesis_rated_with_one_code(data: dict[str, Any]) -> None:
    """Per analyst (one code a cell) and pooled: the definition, cell by cell."""
    for analysts in [[a] for a in data.get("ratings", {})] + [None]:
        grid = Grid.from_data(data, analysts)
        expected = []
        for cell in grid.cells:
            codes = [cell.get(h) for h in grid.hypotheses]
            rated = all(c is not None for c in codes)
            expected.append(
                rated and all(sorted(cell_codes(c)) == sorted(cell_codes(codes[0])) for c in codes)
            )
        assert rated_alike(grid) == expected


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method 'votes'"):
        score(Grid.from_data(small_matrix()), "votes")


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_every_method_ranks_every_hypothesis_once(data: dict) -> None:
    grid = Grid.from_data(data)
    for method in ("heuer", "weighted", "opensynthesis", "bayes"):
        ranking = score(grid, method)
        assert sorted(h.id for h in ranking.hypotheses) == sorted(data["hypotheses"])
        assert ranking.hypotheses[0].rank == 1
        ranks = [h.rank for h in ranking.hypotheses]
        assert ranks == sorted(ranks)
        collected = [e for e, v in data.get("evidence", {}).items() if v.get("status") != "pending"]
        assert [e.id for e in ranking.evidence] == collected  # pending items count in no score


@settings(max_examples=300, deadline=None)
@given(
    pool=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=6),
    picks=st.lists(st.integers(0, 5), max_size=80),
)
def test_population_stdev_is_the_fsum_formula(pool: list[float], picks: list[int]) -> None:
    """Rows of a few distinct values take the repeated-term path: the same float."""
    values = [pool[i % len(pool)] for i in picks]
    expected = 0.0
    if values:
        mean = math.fsum(values) / len(values)
        expected = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
    assert population_stdev(values) == expected
    assert counted_stdev(Counter(values)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=60))
def test_counted_stdev_is_the_fsum_formula_for_any_values(values: list[float]) -> None:
    """Counting first, however many distinct values, gives the fsum formula's float."""
    expected = 0.0
    if values:
        mean = math.fsum(values) / len(values)
        expected = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
    assert counted_stdev(Counter(values)) == expected
    assert population_stdev(values) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(("CC", "C", "N", "I", "II", "NA", None)), max_size=60))
def test_one_vote_spread_is_population_stdev_of_the_cell_means(cells: list[str | None]) -> None:
    """Open Synthesis' diagnosticity of a row of single votes, in two passes in C:
    the same float as the standard deviation of its cell means."""
    from achbench.scoring.methods import OPENSYNTHESIS_VALUE, _one_vote_spread

    means = [float(OPENSYNTHESIS_VALUE[c]) for c in cells if c is not None]
    assert _one_vote_spread(cells) == population_stdev(means)


def test_one_vote_spread_refuses_a_cell_of_several_votes() -> None:
    from achbench.scoring.methods import _one_vote_spread

    with pytest.raises(KeyError):
        _one_vote_spread(["C", ("C", "I")])

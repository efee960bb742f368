"""Judgements: coherentised, pooled and scored, checked against arithmetic done by hand."""

from __future__ import annotations

import math

import pytest

from achbench.analysis.judgement import (
    FLOOR,
    brier,
    calibrate,
    coherentised,
    geometric_pool,
    judge,
    linear_pool,
    log_score,
)
from tests.helpers import small_matrix

HYPS = ("H1", "H2", "H3")


def resolved(alice: dict[str, float], bob: dict[str, float], truth: str = "H1") -> dict:
    return small_matrix(judgements={"alice": alice, "bob": bob}, resolution={"hypothesis": truth})


def test_coherentised_normalises_and_counts_missing_as_zero() -> None:
    # 0.5 + 0.3 = 0.8: H1 0.5/0.8 = 0.625, H2 0.3/0.8 = 0.375, H3 missing = 0.
    assert coherentised({"H1": 0.5, "H2": 0.3}, HYPS) == pytest.approx(
        {"H1": 0.625, "H2": 0.375, "H3": 0.0}
    )
    # Nothing stated: every hypothesis equally likely.
    assert coherentised({}, HYPS) == pytest.approx(dict.fromkeys(HYPS, 1 / 3))


def test_brier_and_log_scores_by_hand() -> None:
    p = {"H1": 0.6, "H2": 0.3, "H3": 0.1}
    # H1 true: (0.6 - 1)^2 + 0.3^2 + 0.1^2 = 0.16 + 0.09 + 0.01 = 0.26
    assert brier(p, "H1") == pytest.approx(0.26)
    # H3 true: 0.6^2 + 0.3^2 + (0.1 - 1)^2 = 0.36 + 0.09 + 0.81 = 1.26
    assert brier(p, "H3") == pytest.approx(1.26)
    # Log score: ln 0.6 = -0.5108
    assert log_score(p, "H1") == pytest.approx(math.log(0.6))
    # All on the wrong hypothesis: Brier 1 + 1 = 2 (the worst); log floored: ln 0.001 = -6.9078
    worst = {"H1": 0.0, "H2": 1.0, "H3": 0.0}
    assert brier(worst, "H1") == pytest.approx(2.0)
    assert log_score(worst, "H1") == pytest.approx(math.log(FLOOR))
    assert log_score(worst, "H1") == pytest.approx(-6.907755, abs=1e-6)


def test_pools_by_hand() -> None:
    a = {"H1": 0.6, "H2": 0.3, "H3": 0.1}
    b = {"H1": 0.2, "H2": 0.8, "H3": 0.0}
    # Linear: H1 (0.6 + 0.2) / 2 = 0.4, H2 (0.3 + 0.8) / 2 = 0.55, H3 (0.1 + 0) / 2 = 0.05
    assert linear_pool([a, b], HYPS) == pytest.approx({"H1": 0.4, "H2": 0.55, "H3": 0.05})
    # Geometric: H1 sqrt(0.6 * 0.2) = 0.346410, H2 sqrt(0.3 * 0.8) = 0.489898,
    # H3 sqrt(0.1 * 0.001 [the floor]) = 0.01; sum 0.846308;
    # normalised: 0.409319, 0.578865, 0.011816
    g = geometric_pool([a, b], HYPS)
    assert g == pytest.approx({"H1": 0.409319, "H2": 0.578865, "H3": 0.011816}, abs=1e-6)


def test_judge_scores_each_analyst_and_the_pools() -> None:
    data = resolved({"H1": 0.6, "H2": 0.3, "H3": 0.1}, {"H1": 0.2, "H2": 0.8})
    result = judge(data)  # type: ignore[arg-type]
    alice, bob = result.analysts
    assert alice.scores is not None
    assert bob.scores is not None
    assert alice.scores.brier == pytest.approx(0.26)
    # bob: (0.2 - 1)^2 + 0.8^2 + 0^2 = 0.64 + 0.64 = 1.28; ln 0.2 = -1.6094
    assert bob.scores.brier == pytest.approx(1.28)
    assert bob.scores.log == pytest.approx(math.log(0.2))
    # linear pool (0.4, 0.55, 0.05): 0.6^2 + 0.55^2 + 0.05^2 = 0.36 + 0.3025 + 0.0025 = 0.665
    assert result.pooled_scores["linear"].brier == pytest.approx(0.665)
    assert result.pooled_scores["linear"].log == pytest.approx(math.log(0.4))
    # bayes posterior of the analyst's own ratings: bob rated nothing, so the
    # posterior is the (uniform) prior: Brier (2/3)^2 + 2 (1/3)^2 = 6/9 = 0.6667
    assert bob.rated == 0
    assert bob.bayes_scores is not None
    assert bob.bayes_scores.brier == pytest.approx(2 / 3)
    # bob's 0.8 on H2 against 1/3: a gap of +0.467, named
    assert ("H2", pytest.approx(0.8 - 1 / 3)) in bob.gaps()


def test_judge_without_resolution_gives_no_scores() -> None:
    data = small_matrix(judgements={"lead": {"H1": 1.0}})
    result = judge(data)  # type: ignore[arg-type]
    assert result.truth is None
    assert result.analysts[0].scores is None
    assert result.pooled_scores == {}
    # the lead's bayes posterior sums to 1
    assert sum(result.analysts[0].bayes.values()) == pytest.approx(1)


def test_calibration_bins_by_hand() -> None:
    # Two matrices, alice alone. Matrix 1 (H1 true): 0.6, 0.3, 0.1. Matrix 2 (H2 true): 0.6, 0.3, 0.1.
    one = small_matrix(
        judgements={"alice": {"H1": 0.6, "H2": 0.3, "H3": 0.1}}, resolution={"hypothesis": "H1"}
    )
    two = small_matrix(
        judgements={"alice": {"H1": 0.6, "H2": 0.3, "H3": 0.1}}, resolution={"hypothesis": "H2"}
    )
    records = calibrate([one, two])  # type: ignore[list-item]
    alice, pool = records
    assert alice.name == "alice"
    assert pool.name.startswith("pooled")
    # Briers: 0.26 (H1 true) and 0.36 + 0.49 + 0.01 = 0.86 (H2 true): mean 0.56
    assert alice.mean_brier == pytest.approx(0.56)
    # bin 0.6-0.7: two judgements of 0.6, one came true; bin 0.3-0.4: two of 0.3, one true;
    # bin 0.1-0.2: two of 0.1, none true.
    by_low = {round(b.low, 1): b for b in alice.bins}
    assert (by_low[0.6].count, by_low[0.6].true) == (2, 1)
    assert (by_low[0.3].count, by_low[0.3].true) == (2, 1)
    assert (by_low[0.1].count, by_low[0.1].true) == (2, 0)
    assert by_low[0.1].frequency == 0.0
    assert sum(b.count for b in alice.bins) == 6
    # one analyst: the pool is alice
    assert pool.mean_brier == pytest.approx(0.56)

"""Wrong answers found by issue 12 (point 4), each pinned by a regression test."""

from __future__ import annotations

import pytest

from achbench.scoring.methods import Grid, bayes
from tests.helpers import small_matrix


def test_bayes_gives_a_missing_prior_the_mean_when_written_priors_sum_to_1() -> None:
    # 0.6 + 0.3 + 0.1 is 0.9999999999999999 in floating point: the fourth
    # hypothesis got the 1e-16 left over instead of the documented mean, 1/3.
    data = small_matrix(ratings={})
    data["hypotheses"]["H4"] = {"title": "Fourth"}
    for hypothesis, prior in zip(("H1", "H2", "H3"), (0.6, 0.3, 0.1), strict=True):
        data["hypotheses"][hypothesis]["prior"] = prior
    posterior = {h.id: h.score for h in bayes(Grid.from_data(data)).hypotheses}
    mean = (0.6 + 0.3 + 0.1) / 3
    total = 1 + mean
    assert posterior == pytest.approx(
        {"H1": 0.6 / total, "H2": 0.3 / total, "H3": 0.1 / total, "H4": mean / total}
    )

"""Blind rating's rules (``analysis.blind``): the cells left, the seeded order of the
hypotheses per item, and the distance to the others' consensus, worked by hand."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from achbench.analysis.blind import (
    cells_left,
    collected,
    default_seed,
    distance,
    distance_text,
    hypothesis_order,
)
from tests.helpers import small_matrix

HYPOTHESES = [f"H{i}" for i in range(1, 9)]


def test_the_default_seed_is_sha256_of_analyst_and_file_name() -> None:
    digest = hashlib.sha256(b"lead\nkazakhstan-2022.toml").digest()
    assert default_seed("lead", "kazakhstan-2022.toml") == int.from_bytes(digest[:8], "big")
    assert default_seed("bob", "kazakhstan-2022.toml") != default_seed(
        "lead", "kazakhstan-2022.toml"
    )


def test_the_order_is_a_seeded_shuffle_per_item() -> None:
    first = hypothesis_order(HYPOTHESES, 7, "E1")
    assert sorted(first) == HYPOTHESES
    assert hypothesis_order(HYPOTHESES, 7, "E1") == first, "the same seed, the same order"
    assert hypothesis_order(HYPOTHESES, 8, "E1") != first
    orders = {tuple(hypothesis_order(HYPOTHESES, 7, f"E{i}")) for i in range(20)}
    assert len(orders) > 15, "items get their own orders"
    # Over many seeds each hypothesis comes first about equally often (8! orders).
    counts = dict.fromkeys(HYPOTHESES, 0)
    for seed in range(4000):
        counts[hypothesis_order(HYPOTHESES, seed, "E1")[0]] += 1
    assert all(400 < n < 600 for n in counts.values()), counts


def test_cells_left_count_collected_items_only() -> None:
    data: Any = small_matrix()
    assert cells_left(data, "lead") == 0
    assert cells_left(data, "someone") == 9
    del data["ratings"]["lead"]["E2"]["H3"]
    assert cells_left(data, "lead") == 1
    data["evidence"]["E2"]["status"] = "pending"  # not observed: not rated blind
    assert collected(data) == ["E1", "E3"]
    assert cells_left(data, "lead") == 0


TEAM: dict[str, Any] = {
    "lead": {"E1": {"H1": "C", "H2": "CC", "H3": "N"}, "E2": {"H1": "NA"}},
    "ann": {"E1": {"H1": "CC", "H2": "I"}, "E2": {"H1": "N"}},
    "bob": {"E1": {"H1": "C", "H2": "II", "H3": "N"}},
}


def test_the_distance_to_the_others_consensus_is_worked_by_hand() -> None:
    """The others' consensus: E1/H1 CC and C -> 4.5 -> C (half to even); E1/H2 I and II
    -> 1.5 -> I; E1/H3 N; E2/H1 N.  Lead: C agrees, CC against I is 3 steps
    (extreme), N agrees, NA against N is mild and left out of the distance."""
    data: Any = small_matrix(ratings=copy.deepcopy(TEAM))
    found = distance(data, "lead")
    assert found.others == ("ann", "bob")
    assert found.compared == 4
    assert found.comparisons == {"agree": 2, "same-side": 0, "mild": 1, "large": 0, "extreme": 1}
    assert found.mean_distance == pytest.approx(1.0)  # (0 + 3 + 0) / 3
    assert found.agreement == pytest.approx(0.5)
    assert found.largest == (("E1", "H2", "CC", "I"),)
    text = " ".join(distance_text(found))
    assert "consensus of ann, bob over 4 cells" in text
    assert "the same code in 50%" in text
    assert "Mean distance 1.00 steps" in text
    assert "E1/H2 yours CC, theirs I" in text


def test_ones_own_ratings_do_not_pull_the_consensus() -> None:
    """With lead's CC counted, E1/H2 would pool to N (CC, I, II: 8/3); the others alone
    say I, so the distance is 3 steps, not 2."""
    data: Any = small_matrix(ratings=copy.deepcopy(TEAM))
    assert ("E1", "H2", "CC", "I") in distance(data, "lead").largest


def test_alone_there_is_nothing_to_compare() -> None:
    data: Any = small_matrix()
    found = distance(data, "lead")
    assert found.others == ()
    assert found.compared == 0
    assert found.mean_distance is None
    assert "only analyst with ratings" in distance_text(found)[0]

"""Several analysts: Open Synthesis' consensus and disagreement, Krippendorff's alpha."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.analysis.consensus import (
    category,
    compare,
    consensus,
    disagreement,
    krippendorff_alpha_ordinal,
)
from achbench.scoring.methods import consensus_code
from achbench.store.pool import load_pooled
from achbench.store.toml import dumps
from tests.helpers import small_matrix

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C:
# 4 observers, 12 units, values 1-5, None missing.  Published: nominal 0.743,
# ordinal 0.815, interval 0.849, ratio 0.797.
PUBLISHED = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units_of(table: list[list[int | None]]) -> list[list[int]]:
    return [[v for v in column if v is not None] for column in zip(*table, strict=True)]


def test_alpha_on_krippendorffs_published_example() -> None:
    assert krippendorff_alpha_ordinal(units_of(PUBLISHED)) == pytest.approx(0.815, abs=5e-4)


def test_alpha_matches_the_krippendorff_package_on_the_published_example() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    data = [[math.nan if v is None else v for v in row] for row in PUBLISHED]
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    assert theirs == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha_ordinal(units_of(PUBLISHED)) == pytest.approx(theirs, rel=1e-12)


@settings(max_examples=150, deadline=None)
@given(
    table=st.integers(2, 5).flatmap(
        lambda coders: st.integers(1, 12).flatmap(
            lambda n_units: st.lists(
                st.lists(
                    st.one_of(st.none(), st.integers(1, 5)), min_size=n_units, max_size=n_units
                ),
                min_size=coders,
                max_size=coders,
            )
        )
    )
)
def test_alpha_matches_the_krippendorff_package(table: list[list[int | None]]) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    ours = krippendorff_alpha_ordinal(units_of(table))
    pairable = [v for u in units_of(table) if len(u) > 1 for v in u]
    if ours is None:
        assert len(set(pairable)) < 2
        return
    data = [[math.nan if v is None else v for v in row] for row in table]
    theirs = krippendorff.alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5]
    )
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_alpha_is_one_for_perfect_agreement_and_none_without_variation() -> None:
    assert krippendorff_alpha_ordinal([[1, 1], [5, 5], [3, 3, 3]]) == pytest.approx(1.0)
    assert krippendorff_alpha_ordinal([[2, 2], [2, 2]]) is None
    assert krippendorff_alpha_ordinal([[1], [5]]) is None


def test_disagreement_as_open_synthesis_defines_it() -> None:
    assert disagreement([]) is None
    for code in ("CC", "C", "N", "I", "II", "NA"):
        assert disagreement([code]) == 0.0
        assert disagreement([code, code]) == 0.0
    assert disagreement(["CC", "II"]) > disagreement(["C", "I"])
    assert disagreement(["C", "I"]) == pytest.approx(math.sqrt(2))  # sample sd of 4, 2
    assert disagreement(["NA", "C"]) == pytest.approx(math.sqrt(0.5))  # NA against rated
    assert disagreement(["CC", "II", "NA"]) == pytest.approx(math.sqrt(8))


def test_categories_use_open_synthesis_thresholds() -> None:
    assert category(None) == "unrated"
    assert [category(v) for v in (0.0, 0.49, 0.5, 1.49, 1.5, 1.99, 2.0, 4.0)] == [
        "consensus",
        "consensus",
        "mild",
        "mild",
        "large",
        "large",
        "extreme",
        "extreme",
    ]


def test_consensus_vote_as_open_synthesis_tests_it() -> None:
    assert consensus_code([]) is None
    assert consensus_code(["NA"]) == "NA"
    assert consensus_code(["C"]) == "C"
    for code in ("II", "N", "CC"):
        assert consensus_code([code, "NA"]) == code
        assert consensus_code(["NA", code]) == code
    assert consensus_code(["C", "CC"]) == "C"  # 4.5 rounds to even: toward neutral
    assert consensus_code(["I", "II"]) == "I"  # 1.5 rounds to 2


def test_each_rating_against_the_consensus() -> None:
    assert compare("C", "C") == "agree"
    assert compare("CC", "C") == "same-side"
    assert compare("II", "I") == "same-side"
    assert compare("NA", "C") == "mild"
    assert compare("N", "C") == "mild"
    assert compare("I", "C") == "large"
    assert compare("II", "C") == "extreme"


def three_analysts():
    return small_matrix(
        ratings={
            "ann": {
                "E1": {"H1": "CC", "H2": "I", "H3": "II"},
                "E2": {"H1": "N", "H2": "C"},
            },
            "bob": {
                "E1": {"H1": "C", "H2": "I", "H3": "CC"},
                "E2": {"H1": "NA", "H2": "C"},
            },
            "cy": {
                "E1": {"H1": "CC", "H2": "I", "H3": "II"},
                "E2": {"H1": "NA", "H2": "C"},
            },
        }
    )


def test_consensus_per_cell_and_per_analyst() -> None:
    result = consensus(three_analysts())
    assert result.analysts == ("ann", "bob", "cy")
    assert len(result.cells) == 9
    e1h3 = result.cell("E1", "H3")
    assert e1h3.votes == {"ann": "II", "bob": "CC", "cy": "II"}
    assert e1h3.consensus == "I"  # mean 7/3 rounds to 2
    assert e1h3.category == "extreme"  # sd of 1, 5, 1 is 2.31
    assert result.cell("E2", "H1").consensus == "NA"  # two NA against one rating
    assert result.cell("E2", "H1").category == "mild"  # NA split: sd of 0, 0, 1 = 0.58
    assert result.cell("E3", "H1").category == "unrated"
    assert result.cell("E1", "H2").category == "consensus"
    disputed = [c.evidence + c.hypothesis for c in result.disputed]
    assert disputed[0] == "E1H3"
    assert sorted(disputed[1:]) == ["E1H1", "E2H1"]
    assert result.counts == {"unrated": 4, "consensus": 2, "mild": 2, "large": 0, "extreme": 1}
    bob = next(a for a in result.per_analyst if a.analyst == "bob")
    assert bob.rated == 5
    assert bob.comparisons == {"agree": 3, "same-side": 1, "mild": 0, "large": 0, "extreme": 1}
    assert bob.mean_distance == pytest.approx((1 + 0 + 3 + 0) / 4)  # NA against NA left out
    assert bob.agreement == pytest.approx(3 / 5)
    assert {h: result.cell("E1", h).consensus for h in ("H1", "H2", "H3")} == {
        "H1": "CC",
        "H2": "I",
        "H3": "I",
    }
    assert result.alpha is not None
    assert -1 <= result.alpha < 1


def test_alpha_of_the_matrix_counts_cells_as_units() -> None:
    result = consensus(three_analysts())
    # NA is missing: E2/H1 has one value left and is not pairable.
    assert result.pairable == 4
    expected = krippendorff_alpha_ordinal([[5, 4, 5], [2, 2, 2], [1, 5, 1], [3], [4, 4, 4]])
    assert result.alpha == pytest.approx(expected)


def test_one_analyst_gives_no_alpha() -> None:
    result = consensus(small_matrix())
    assert result.alpha is None
    assert result.disputed == ()


def test_consensus_over_several_files(tmp_path: Path) -> None:
    both = three_analysts()
    for name in ("ann", "bob"):
        one = dict(both, ratings={name: both["ratings"][name]})
        (tmp_path / f"{name}.toml").write_text(dumps(one), encoding="utf-8")
    pooled = load_pooled([tmp_path / "ann.toml", tmp_path / "bob.toml"])
    result = consensus(pooled)
    assert result.analysts == ("ann", "bob")
    assert result.cell("E1", "H3").votes == {"ann": "II", "bob": "CC"}


def test_consensus_json_lists_every_cell() -> None:
    payload = consensus(three_analysts()).to_json()
    assert payload["analysts"] == ["ann", "bob", "cy"]
    assert len(payload["cells"]) == 9
    assert payload["counts"]["extreme"] == 1
    assert {p["analyst"] for p in payload["per_analyst"]} == {"ann", "bob", "cy"}


@settings(max_examples=200, deadline=None)
@given(codes=st.lists(st.sampled_from(("CC", "C", "N", "I", "II", "NA")), max_size=8))
def test_disagreement_equals_the_statistics_module(codes: list[str]) -> None:
    """Open Synthesis computes with ``statistics.stdev``; ours must give the same."""
    import statistics

    ours = disagreement(codes)
    if not codes:
        assert ours is None
        return
    values = {"CC": 5, "C": 4, "N": 3, "I": 2, "II": 1}
    rated = [values[c] for c in codes if c != "NA"]
    flags = [0 if c == "NA" else 1 for c in codes]
    expected = max(
        statistics.stdev(flags) if len(flags) > 1 else 0.0,
        statistics.stdev(rated) if len(rated) > 1 else 0.0,
    )
    assert ours == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert category(ours) == category(expected)

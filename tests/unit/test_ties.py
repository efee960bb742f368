"""The one tie rule: transitive, and blind to the order hypotheses are listed in.

Scores that differ only by float noise (0.1 + 0.2 against 0.3, sqrt 2 x 1/sqrt 2
against 1) must share a rank, and no hypothesis' rank may depend on where it
sits in the file: the property tests shuffle the hypotheses table and rank again
under every method.
"""

from __future__ import annotations

import math
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.core.vocabulary import CODES, METHODS
from achbench.scoring import ties
from achbench.scoring.methods import Grid, score

NOISY_PRIORS = (0.1 + 0.2, 0.3, 0.2 + 0.1, 0.7 - 0.4, 0.6 / 2)
"""Priors a person would call equal (0.3), a few bits apart as floats."""

CHAINED_PRIORS = tuple(0.3 + k * 0.7e-9 for k in range(4))
"""Priors whose posteriors are each within the tie tolerance of the next, but not of
the one after: a rule that compares pairs would rank them by the order it met them."""

LEVEL_PAIRS = (("low", "high"), ("medium", "medium"), ("high", "high"), ("low", "low"))
"""Credibility and relevance whose weights, as floats, are 1 and 1, or 2 up to float
noise (sqrt 2 x sqrt 2 = 2.0000000000000004) against 2 I ratings at weight 1."""


def ranks(keys: list[Any]) -> list[int]:
    """Each key's rank, in input order."""
    out = [0] * len(keys)
    for index, rank in ties.rank_order(keys):
        out[index] = rank
    return out


def test_float_noise_is_a_tie_and_a_real_gap_is_not() -> None:
    assert ranks([0.1 + 0.2, 0.3]) == [1, 1]
    assert ranks([0.3, 0.30001]) == [1, 2]
    assert ranks([(1.0, 0.1 + 0.2), (1.0, 0.3), (2.0, 0.0)]) == [1, 1, 3]
    assert ranks([]) == []


def test_the_rule_is_transitive_a_chain_of_small_gaps_is_one_group() -> None:
    gap = ties.TIE_TOLERANCE * 0.6
    values = [1.0, 1.0 + gap, 1.0 + 2 * gap]
    # Pairwise, the ends are further apart than the tolerance; grouped, all are tied.
    assert values[2] - values[0] > ties.tolerance(values)
    assert ties.groups(values) == [0, 0, 0]
    assert ranks(values) == [1, 1, 1]


def test_tied_keys_share_a_rank_in_file_order() -> None:
    order = ties.rank_order([2.0, 0.3, 0.1 + 0.2, 1.0])
    assert order == [(1, 1), (2, 1), (3, 3), (0, 4)]


@settings(max_examples=200, deadline=None)
@given(
    base=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=8),
    noise=st.lists(st.integers(-3, 3), min_size=8, max_size=8),
    seed=st.integers(0, 2**32 - 1),
)
def test_groups_do_not_depend_on_the_order_of_the_values(
    base: list[float], noise: list[int], seed: int
) -> None:
    # Values a few units in the last place apart, some of them equal.
    values = [
        math.nextafter(v, math.inf) if n > 0 else v for v, n in zip(base, noise, strict=False)
    ]
    values += [v + n * math.ulp(v or 1.0) for v, n in zip(base, noise, strict=False)]
    shuffled = list(range(len(values)))
    random.Random(seed).shuffle(shuffled)
    before = ranks(values)
    again = ranks([values[i] for i in shuffled])
    assert [before[i] for i in shuffled] == again


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(
        st.tuples(st.sampled_from((0.0, 0.3, 0.1 + 0.2, 1.0)), st.sampled_from((0, 1, 2))),
        min_size=1,
        max_size=6,
    ),
    changes=st.lists(st.tuples(st.integers(0, 5), st.sampled_from((-1.0, 1e-17, 0.5))), max_size=3),
)
def test_grouping_holds_only_for_keys_that_rank_alike(
    keys: list[tuple[float, int]], changes: list[tuple[int, float]]
) -> None:
    grouping = ties.Grouping.of(keys)
    assert grouping.holds_for(keys)
    moved = list(keys)
    for index, delta in changes:
        if index < len(moved):
            first, second = moved[index]
            moved[index] = (first + delta, second)
    if grouping.holds_for(moved):
        assert ties.rank_order(moved) == ties.rank_order(keys)


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(
        st.sampled_from((0.0, 1e-12, 3e-10, 0.5, 0.5 + 4e-10, 1.0, 1.0 + 2e-9)),
        min_size=1,
        max_size=7,
    ),
    changes=st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from((-6e-10, -1e-13, 1e-13, 6e-10, 0.3))),
        max_size=4,
    ),
)
def test_grouping_holds_only_for_keys_that_rank_alike_when_ties_reorder(
    keys: list[float], changes: list[tuple[int, float]]
) -> None:
    """Values that swap places inside a tie group (as near-zero posteriors do when an
    item is left out) still rank alike whenever the grouping says it holds."""
    grouping = ties.Grouping.of(keys)
    assert grouping.holds_for(keys)
    moved = list(keys)
    for index, delta in changes:
        if index < len(moved):
            moved[index] += delta
    if grouping.holds_for(moved):
        assert ties.rank_order(moved) == ties.rank_order(keys)


def test_grouping_holds_when_tied_values_swap_places() -> None:
    keys = [-1.0, -1e-30, -2e-30, -3e-31]
    swapped = [-1.0, -3e-30, -1e-31, -2e-30]
    assert ties.Grouping.of(keys).holds_for(swapped)
    assert not ties.Grouping.of(keys).holds_for([-1e-30, -1.0, -2e-30, -3e-31])


@st.composite
def near_tie_matrices(draw: st.DrawFn) -> dict[str, Any]:
    """Matrices whose hypotheses score equal, or equal up to float noise, under every method.

    Each hypothesis' column is the same cells dealt to the evidence items in
    another order (so sums add the same terms in another order), on items
    whose weights are 2 only up to float noise; priors are 0.3 written several
    ways, or a chain of near-ties.  A few columns are drawn afresh, so not
    everything is tied.
    """
    n_h = draw(st.integers(2, 6))
    n_e = draw(st.integers(1, 6))
    analysts = [f"a{k}" for k in range(draw(st.integers(1, 3)))]
    hyps = [f"H{j}" for j in range(n_h)]
    evs = [f"E{i}" for i in range(n_e)]
    base = [[draw(st.sampled_from(CODES)) for _ in analysts] for _ in evs]
    columns: dict[str, list[list[str]]] = {}
    for h in hyps:
        if draw(st.integers(0, 4)) == 0:
            columns[h] = [[draw(st.sampled_from(CODES)) for _ in analysts] for _ in evs]
        else:
            columns[h] = draw(st.permutations(base))
    ratings = {
        a: {e: {h: columns[h][i][k] for h in hyps} for i, e in enumerate(evs)}
        for k, a in enumerate(analysts)
    }
    evidence = {}
    for e in evs:
        credibility, relevance = draw(st.sampled_from(LEVEL_PAIRS))
        evidence[e] = {"title": e, "credibility": credibility, "relevance": relevance}
    hypotheses = {}
    for h in hyps:
        prior = draw(st.sampled_from((None, *NOISY_PRIORS, *CHAINED_PRIORS)))
        hypotheses[h] = {"title": h} if prior is None else {"title": h, "prior": prior}
    return {
        "format": "achbench/1",
        "title": "near ties",
        "hypotheses": hypotheses,
        "evidence": evidence,
        "ratings": ratings,
    }


def _ranks(data: dict[str, Any], method: str) -> dict[str, int]:
    return {h.id: h.rank for h in score(Grid.from_data(data), method).hypotheses}


def _shuffled(data: dict[str, Any], order: list[str]) -> dict[str, Any]:
    return {**data, "hypotheses": {h: data["hypotheses"][h] for h in order}}


@settings(max_examples=150, deadline=None)
@given(data=near_tie_matrices(), seed=st.integers(0, 2**32 - 1))
def test_no_rank_depends_on_the_order_of_the_hypotheses(data: dict[str, Any], seed: int) -> None:
    order = list(data["hypotheses"])
    random.Random(seed).shuffle(order)
    for method in METHODS:
        assert _ranks(_shuffled(data, order), method) == _ranks(data, method), method


def _matrix(
    cells: dict[str, dict[str, tuple[str, ...]]],
    levels: dict[str, tuple[str, str]] | None = None,
    priors: dict[str, float] | None = None,
) -> dict[str, Any]:
    """H1 and H2 rated ``cells[evidence][hypothesis]``, one code per analyst."""
    analysts = len(next(iter(next(iter(cells.values())).values())))
    levels = levels or {}
    priors = priors or {}
    return {
        "format": "achbench/1",
        "title": "noise",
        "hypotheses": {
            h: {"title": h, **({"prior": priors[h]} if h in priors else {})} for h in ("H1", "H2")
        },
        "evidence": {
            e: {
                "title": e,
                "credibility": levels.get(e, ("medium", "medium"))[0],
                "relevance": levels.get(e, ("medium", "medium"))[1],
            }
            for e in cells
        },
        "ratings": {
            f"a{k}": {e: {h: codes[k] for h, codes in row.items()} for e, row in cells.items()}
            for k in range(analysts)
        },
    }


NOISE_CASES = {
    # Means 0 + 0 + 5/3 against 1/3 + 4/3 + 0.
    "heuer": _matrix(
        {
            "E1": {"H1": ("N", "N", "N"), "H2": ("I", "N", "N")},
            "E2": {"H1": ("N", "N", "N"), "H2": ("II", "II", "N")},
            "E3": {"H1": ("II", "II", "I"), "H2": ("N", "N", "N")},
        }
    ),
    # I at sqrt 2 x sqrt 2 (2.0000000000000004) against II at 1 x 1.
    "weighted": _matrix(
        {"E1": {"H1": ("I",), "H2": ("N",)}, "E2": {"H1": ("N",), "H2": ("II",)}},
        levels={"E1": ("high", "high")},
    ),
    # The same squared distances (means 1, 5/3, 4/3), added in another order.
    "opensynthesis": _matrix(
        {
            "E1": {"H1": ("II", "II", "II"), "H2": ("II", "II", "II")},
            "E2": {"H1": ("II", "I", "I"), "H2": ("II", "II", "I")},
            "E3": {"H1": ("II", "II", "I"), "H2": ("II", "I", "I")},
        }
    ),
    # Priors 0.1 + 0.2 and 0.3, ratings alike.
    "bayes": _matrix(
        {"E1": {"H1": ("C",), "H2": ("C",)}},
        priors={"H1": 0.1 + 0.2, "H2": 0.3},
    ),
}


def test_float_noise_ties_under_every_method() -> None:
    """In each case H1 and H2 are level by hand, and their scores differ as floats."""
    assert set(NOISE_CASES) == set(METHODS)
    for method, data in NOISE_CASES.items():
        ranking = score(Grid.from_data(data), method)
        scores = {h.id: h.score for h in ranking.hypotheses}
        assert scores["H1"] != scores["H2"], f"{method}: the case has no float noise"
        assert math.isclose(scores["H1"], scores["H2"], rel_tol=1e-12), method
        assert [(h.id, h.rank) for h in ranking.hypotheses] == [("H1", 1), ("H2", 1)], method


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(-6, 0), st.integers(0, 3)).map(
            lambda t: (t[0] / 4, t[1] / 4, t[2])
        ),
        max_size=12,
    )
)
def test_separated_keys_rank_as_the_tie_rule_ranks_them(keys: list[tuple[float, ...]]) -> None:
    """Whole numbers over a small scale: the sort gives the tie rule's ranks."""
    assert ties.rank_order_separated(keys) == ties.rank_order(keys)
    plain = [k[0] * 4 for k in keys]
    assert ties.rank_order_separated(plain) == ties.rank_order(plain)


@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=8))
def test_leaders_are_the_first_rank_of_the_full_ranking(values: list[float]) -> None:
    """``ties.leaders`` (who leads, without ranking the rest) names exactly the
    hypotheses ``rank_order`` ranks first, in file order."""
    ids = [f"H{i}" for i in range(len(values))]
    first = sorted(i for i, rank in ties.rank_order(values) if rank == 1)
    assert ties.leaders(ids, values) == tuple(ids[i] for i in first)


def _groups_hold_by_hand(keys: list[float], moved: list[float]) -> bool:
    """The rule ``holds_for`` checks, group by group: each of the old groups spans at
    most the new tolerance and lies more than it above the group before."""
    gap = ties.tolerance(moved)
    numbers = ties.groups(keys)
    below = -math.inf
    for number in sorted(set(numbers)):
        values = [m for m, g in zip(moved, numbers, strict=True) if g == number]
        if max(values) - min(values) > gap or min(values) - below <= gap:
            return False
        below = max(values)
    return True


@settings(max_examples=400, deadline=None)
@given(
    keys=st.lists(
        st.sampled_from((0.0, 1e-12, 3e-10, 0.5, 0.5 + 4e-10, 0.5 + 8e-10, 1.0, 2.0)),
        min_size=1,
        max_size=8,
    ),
    changes=st.lists(
        st.tuples(st.integers(0, 7), st.sampled_from((-6e-10, -1e-13, 1e-13, 6e-10, 0.3))),
        max_size=4,
    ),
)
def test_grouping_holds_exactly_when_every_group_keeps_its_span_and_place(
    keys: list[float], changes: list[tuple[int, float]]
) -> None:
    moved = list(keys)
    for index, delta in changes:
        if index < len(moved):
            moved[index] += delta
    assert ties.Grouping.of(keys).holds_for(moved) == _groups_hold_by_hand(keys, moved)

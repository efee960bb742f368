"""Sensitivity analysis: every finding checked against re-scoring from scratch.

The rating-change search claims to be exact for heuer, weighted and bayes; the
brute-force tests here try every smaller set of changes on small matrices and
find none that works.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from achbench.analysis import sensitivity
from achbench.analysis.sensitivity import (
    CLOSE_ABSOLUTE,
    PROOF_TRIES,
    STEPS,
    analyse,
    analyse_data,
    credibility_checks,
    margin,
    raters_of,
    rating_changes,
    subgrid,
    weight_shifts,
)
from achbench.analysis.wording import sentences
from achbench.core.vocabulary import LEVELS, METHODS, Code
from achbench.scoring.methods import (
    BAYES_LIKELIHOOD,
    HEUER_VALUE,
    Grid,
    independent,
    pooled,
    score,
)
from achbench.store.toml import load_data
from tests.helpers import EXAMPLE, small_matrix
from tests.strategies import matrices

CODES = ("CC", "C", "N", "I", "II", "NA")
NEIGHBOURS_ONE = {
    "CC": ("C",),
    "C": ("CC", "N"),
    "N": ("C", "I", "NA"),
    "I": ("N", "II"),
    "II": ("I",),
    "NA": ("N",),
}
EXACT_METHODS = ("heuer", "weighted", "bayes")
BAYES_BADNESS = {code: -likelihood for code, likelihood in BAYES_LIKELIHOOD.items()}


def leaders_of(data: dict[str, Any], method: str) -> tuple[str, ...]:
    ranking = score(Grid.from_data(data), method)
    return tuple(h.id for h in ranking.hypotheses if h.rank == 1)


def ranks_of(grid: Grid, method: str) -> dict[str, int]:
    return {h.id: h.rank for h in score(grid, method).hypotheses}


@st.composite
def tiny_matrices(draw: st.DrawFn, analysts: int = 1, max_h: int = 3, max_e: int = 3) -> dict:
    """Small matrices for brute force: few cells, some unrated, any weights."""
    n_h = draw(st.integers(2, max_h))
    n_e = draw(st.integers(1, max_e))
    hyps = [f"H{j + 1}" for j in range(n_h)]
    evs = [f"E{i + 1}" for i in range(n_e)]
    names = [f"a{k + 1}" for k in range(analysts)]
    ratings: dict[str, Any] = {}
    for name in names:
        table = {}
        for e in evs:
            row = {h: draw(st.sampled_from(CODES)) for h in hyps if draw(st.integers(0, 5)) > 0}
            if row:
                table[e] = row
        ratings[name] = table
    return {
        "format": "achbench/1",
        "title": "tiny",
        "hypotheses": {
            h: {
                "title": f"Hyp {h}",
                **({"prior": draw(st.sampled_from((0.2, 0.5)))} if draw(st.booleans()) else {}),
            }
            for h in hyps
        },
        "evidence": {
            e: {
                "title": f"Ev {e}",
                "credibility": draw(st.sampled_from(LEVELS)),
                "relevance": draw(st.sampled_from(LEVELS)),
            }
            for e in evs
        },
        "ratings": ratings,
    }


def all_ratings(data: dict) -> list[tuple[str, str, str]]:
    return [
        (a, e, h) for a, table in data["ratings"].items() for e, row in table.items() for h in row
    ]


def allowed(code: str, steps: str) -> tuple[str, ...]:
    return NEIGHBOURS_ONE[code] if steps == "one" else tuple(c for c in CODES if c != code)


def applied(data: dict, changes: list[tuple[tuple[str, str, str], str]]) -> dict:
    out = copy.deepcopy(data)
    for (a, e, h), new in changes:
        out["ratings"][a][e][h] = new
    return out


def some_set_works(data: dict, method: str, steps: str, target: str, size: int) -> bool:
    """Brute force: does any set of ``size`` changes to distinct ratings make
    ``target`` the sole leader?"""
    cells = all_ratings(data)
    for chosen in itertools.combinations(cells, size):
        options = [allowed(data["ratings"][a][e][h], steps) for a, e, h in chosen]
        for news in itertools.product(*options):
            if leaders_of(applied(data, list(zip(chosen, news, strict=True))), method) == (target,):
                return True
    return False


def check_flips_exact(data: dict, method: str, steps: str, brute_limit: int) -> None:
    grid = Grid.from_data(data)
    flips = rating_changes(grid, method, steps, raters_of(data))
    before = leaders_of(data, method)
    challengers = [h for h in data["hypotheses"] if before != (h,)]
    assert [f.challenger for f in flips] == [
        h.id for h in score(grid, method).hypotheses if h.id in challengers
    ]
    for flip in flips:
        if flip.changes is None:
            # Every rating pushed as far as allowed still fails: no set can work.
            badness = BAYES_BADNESS if method == "bayes" else HEUER_VALUE
            extreme = []
            for a, e, h in all_ratings(data):
                old = data["ratings"][a][e][h]
                choices = (old, *allowed(old, steps))
                pick = min if h == flip.challenger else max
                extreme.append(((a, e, h), pick(choices, key=badness.__getitem__)))
            assert leaders_of(applied(data, extreme), method) != (flip.challenger,)
            continue
        changes = [((c.analyst, c.evidence, c.hypothesis), c.new) for c in flip.changes]
        assert len({key for key, _ in changes}) == len(changes), "a rating changed twice"
        for c in flip.changes:
            assert data["ratings"][c.analyst][c.evidence][c.hypothesis] == c.old
            assert c.new in allowed(c.old, steps)
        assert leaders_of(applied(data, changes), method) == (flip.challenger,)
        if len(changes) <= brute_limit:
            for size in range(len(changes)):
                assert not some_set_works(data, method, steps, flip.challenger, size), (
                    f"{size} changes suffice for {flip.challenger}, found {len(changes)}"
                )


@pytest.mark.parametrize("method", EXACT_METHODS)
@pytest.mark.parametrize("steps", STEPS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tiny_matrices())
def test_rating_changes_are_the_fewest_one_analyst(method: str, steps: str, data: dict) -> None:
    check_flips_exact(data, method, steps, brute_limit=3)


@pytest.mark.parametrize("method", EXACT_METHODS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tiny_matrices(analysts=2, max_h=2, max_e=2))
def test_rating_changes_are_the_fewest_two_analysts(method: str, data: dict) -> None:
    check_flips_exact(data, method, "any", brute_limit=3)


@pytest.mark.parametrize("steps", STEPS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tiny_matrices())
def test_opensynthesis_changes_work_but_are_labelled_heuristic(steps: str, data: dict) -> None:
    grid = Grid.from_data(data)
    for flip in rating_changes(grid, "opensynthesis", steps, raters_of(data)):
        assert flip.exact is False
        if flip.changes is not None:
            changes = [((c.analyst, c.evidence, c.hypothesis), c.new) for c in flip.changes]
            assert leaders_of(applied(data, changes), "opensynthesis") == (flip.challenger,)


def test_exact_search_lowers_the_challenger_when_that_beats_every_rival_at_once() -> None:
    """H3 (4) trails H1 and H2 (2 each).  Moving both of H3's II ratings to N
    (2 changes) beats both rivals; raising the rivals instead takes 3 or more."""
    data = small_matrix(
        ratings={
            "lead": {
                "E1": {"H1": "I", "H2": "I", "H3": "II"},
                "E2": {"H1": "I", "H2": "I", "H3": "II"},
                "E3": {"H1": "N", "H2": "N", "H3": "N"},
            }
        }
    )
    flips = {f.challenger: f for f in analyse_data(data, "heuer").flips}
    h3 = flips["H3"]
    assert h3.changes is not None
    assert [(c.evidence, c.hypothesis, c.old, c.new) for c in h3.changes] == [
        ("E1", "H3", "II", "N"),
        ("E2", "H3", "II", "N"),
    ]
    assert all(c.analyst == "lead" for c in h3.changes)
    # H1 and H2 tie for the lead: one change breaks the tie either way.
    assert flips["H1"].count == 1
    assert flips["H2"].count == 1


def test_one_step_changes_can_be_impossible() -> None:
    data = small_matrix(
        ratings={"lead": {"E1": {"H1": "CC", "H2": "CC", "H3": "II"}}},
        evidence={"E1": {"title": "Only"}},
    )
    flips = {f.challenger: f for f in analyse_data(data, "heuer", steps="one").flips}
    # H2 ties H1 at 0; neither can get below 0, and raising H1 from CC one step
    # (to C) adds no inconsistency.
    assert flips["H2"].changes is None
    assert flips["H3"].changes is None
    anystep = {f.challenger: f for f in analyse_data(data, "heuer", steps="any").flips}
    assert anystep["H2"].count == 1


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=60, deadline=None)
@given(data=matrices(max_hypotheses=4, max_evidence=5))
def test_leave_one_out_matches_rescoring(method: str, data: dict) -> None:
    # Leave-one-out leaves out independent evidence: an origin's items together.
    grid = independent(Grid.from_data(data))
    base = ranks_of(grid, method)
    removals = analyse(grid, method).removals
    assert [r.evidence for r in removals] == list(grid.evidence)
    for i, removal in enumerate(removals):
        keep = [k != i for k in range(len(grid.evidence))]
        after = score(subgrid(grid, keep), method)
        ranks = {h.id: h.rank for h in after.hypotheses}
        leaders = {h for h, r in ranks.items() if r == 1}
        assert removal.ranks_changed == (ranks != base)
        assert removal.leader_changed == (leaders != {h for h, r in base.items() if r == 1})
        if removal.standing is not None:
            assert removal.standing.ranks == ranks
            # One transitive tie rule: even the order within a tie (file order) agrees.
            assert [ranks[h] for h in removal.standing.order] == sorted(ranks.values())
            assert list(removal.standing.order) == [h.id for h in after.hypotheses]


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=60, deadline=None)
@given(data=matrices(max_hypotheses=4, max_evidence=5))
def test_base_standing_is_the_scoring_ranking(method: str, data: dict) -> None:
    grid = Grid.from_data(data)
    findings = analyse(grid, method)
    ranking = score(grid, method)
    assert list(findings.standing.order) == [h.id for h in ranking.hypotheses]
    assert findings.standing.ranks == {h.id: h.rank for h in ranking.hypotheses}


@settings(max_examples=80, deadline=None)
@given(data=tiny_matrices(max_h=4, max_e=4))
def test_weight_shifts_match_rescoring(data: dict) -> None:
    grid = Grid.from_data(data)
    # Tied leaders as sets: float noise may order a tie differently.
    found = {(w.evidence, w.attribute, w.new): set(w.leaders) for w in weight_shifts(grid)}
    before = set(leaders_of(data, "weighted"))
    expected = {}
    for e, item in data["evidence"].items():
        for attribute in ("credibility", "relevance"):
            position = LEVELS.index(item[attribute])
            for new_position in (position - 1, position + 1):
                if 0 <= new_position < len(LEVELS):
                    trial = copy.deepcopy(data)
                    trial["evidence"][e][attribute] = LEVELS[new_position]
                    after = set(leaders_of(trial, "weighted"))
                    if after != before:
                        expected[(e, attribute, LEVELS[new_position])] = after
    assert found == expected


def test_weight_shift_found_in_a_built_case() -> None:
    data = small_matrix(
        evidence={
            "E1": {"title": "One", "credibility": "high"},
            "E2": {"title": "Two"},
        },
        ratings={
            "lead": {
                "E1": {"H1": "I", "H2": "N", "H3": "II"},
                "E2": {"H1": "N", "H2": "I", "H3": "II"},
            }
        },
    )
    shifts = weight_shifts(Grid.from_data(data))
    # Weights: E1 sqrt 2 (high x medium), E2 1.  H2 leads with 1 against H1's
    # sqrt 2.  Bringing E1's weight down to 1, or E2's up to sqrt 2, ties them.
    assert [(s.evidence, s.attribute, s.old, s.new, s.leaders) for s in shifts] == [
        ("E1", "credibility", "high", "medium", ("H1", "H2")),
        ("E1", "relevance", "medium", "low", ("H1", "H2")),
        ("E2", "credibility", "medium", "high", ("H1", "H2")),
        ("E2", "relevance", "medium", "high", ("H1", "H2")),
    ]


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=40, deadline=None)
@given(data=matrices(max_hypotheses=4, max_evidence=6))
def test_credibility_checks_match_rescoring(method: str, data: dict) -> None:
    grid = independent(Grid.from_data(data))
    high, without_low = credibility_checks(grid, method)
    for check, keep in (
        (high, [c == "high" for c in grid.credibility]),
        (without_low, [c != "low" for c in grid.credibility]),
    ):
        ranking = score(subgrid(grid, keep), method)
        assert check.leaders == tuple(h.id for h in ranking.hypotheses if h.rank == 1)
        assert check.kept == sum(keep)
    # Given the cell means already pooled (as analyse does), the same checks.
    assert credibility_checks(grid, method, cells=pooled(grid, HEUER_VALUE)) == (high, without_low)


def test_margin_and_close_race() -> None:
    one_apart = small_matrix(
        ratings={"lead": {"E1": {"H1": "N", "H2": "I", "H3": "II"}, "E2": {"H3": "II"}}}
    )
    m = margin(Grid.from_data(one_apart), "heuer")
    assert (m.leader, m.runner_up, m.margin, m.close) == ("H1", "H2", 1.0, True)
    assert m.threshold == CLOSE_ABSOLUTE
    far_apart = small_matrix(
        ratings={"lead": {"E1": {"H1": "N", "H2": "II", "H3": "II"}, "E2": {"H2": "II"}}}
    )
    m = margin(Grid.from_data(far_apart), "heuer")
    assert (m.runner_up, m.margin, m.close) == ("H3", 2.0, False)


def test_bayes_margin_uses_posterior_odds() -> None:
    data = small_matrix(ratings={"lead": {"E1": {"H1": "CC", "H2": "C", "H3": "II"}}})
    m = margin(Grid.from_data(data), "bayes")
    ranking = score(Grid.from_data(data), "bayes")
    p1, p2 = ranking.hypotheses[0].score, ranking.hypotheses[1].score
    assert m.odds == pytest.approx(p1 / p2)
    assert m.margin == pytest.approx(p1 - p2)
    assert m.close == (p1 / p2 < 3)


def test_example_findings_in_plain_sentences() -> None:
    findings = analyse_data(load_data(EXAMPLE), "heuer")
    text = "\n".join(sentences(findings))
    assert findings.leaders == ("H2",)
    assert findings.margin.close
    assert "Under heuer, H2 (Elite power struggle) leads." in text
    assert "a close race" in text
    critical = [r.evidence for r in findings.critical]
    assert critical == ["E27"]
    assert "Without E27 (" in text
    h4 = next(f for f in findings.flips if f.challenger == "H4")
    assert h4.count == 1
    payload = findings.to_json()
    assert payload["leaders"] == ["H2"]
    assert payload["rating_changes"][0]["challenger"] == "H4"
    assert payload["rating_changes"][0]["exact"] is True


def test_several_analysts_named_in_changes() -> None:
    data = small_matrix(
        ratings={
            "ann": {"E1": {"H1": "N", "H2": "I", "H3": "II"}},
            "bob": {"E1": {"H1": "N", "H2": "I", "H3": "II"}},
        }
    )
    findings = analyse_data(data, "heuer")
    h2 = next(f for f in findings.flips if f.challenger == "H2")
    assert h2.changes is not None
    assert {c.analyst for c in h2.changes} <= {"ann", "bob"}
    assert all(c.analyst for c in h2.changes)


def test_empty_and_unrated_matrices() -> None:
    data = small_matrix(ratings={})
    findings = analyse_data(data, "heuer")
    assert findings.leaders == ("H1", "H2", "H3")
    assert all(f.changes is None for f in findings.flips)
    assert findings.margin.close
    no_evidence = small_matrix(ratings={}, evidence={})
    findings = analyse_data(no_evidence, "bayes")
    assert findings.removals == ()
    assert "There is no evidence to leave out." in sentences(findings)
    single = small_matrix(hypotheses={"H1": {"title": "Alone"}}, ratings={})
    findings = analyse_data(single, "weighted")
    assert findings.flips == ()
    assert findings.margin.runner_up is None
    assert not findings.margin.close


def larger_matrix(seed: int, analysts: int, n_h: int, n_e: int) -> dict[str, Any]:
    """A random matrix with more items than leave-one-out tries to prove tie groups
    for (``PROOF_TRIES``), some cells unrated, coarse scores that tie often."""
    rng = random.Random(seed)
    hyps = [f"H{j + 1}" for j in range(n_h)]
    evs = [f"E{i + 1}" for i in range(n_e)]
    ratings: dict[str, Any] = {}
    for k in range(analysts):
        table = {}
        for e in evs:
            row = {h: rng.choice(CODES) for h in hyps if rng.random() < 0.9}
            if row:
                table[e] = row
        ratings[f"a{k + 1}"] = table
    return {
        "format": "achbench/1",
        "title": "larger",
        "hypotheses": {h: {"title": f"Hyp {h}"} for h in hyps},
        "evidence": {
            e: {
                "title": f"Ev {e}",
                "credibility": rng.choice(LEVELS),
                "relevance": rng.choice(LEVELS),
            }
            for e in evs
        },
        "ratings": ratings,
    }


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("seed", "analysts", "n_h"), [(1, 1, 3), (2, 1, 6), (3, 2, 4), (4, 3, 5)])
def test_leave_one_out_matches_a_full_rerank_on_larger_matrices(
    method: str, seed: int, analysts: int, n_h: int
) -> None:
    """Every removal's standing, computed incrementally, is the one a full re-rank
    of the matrix without that item gives: whether the tie groups were proved to
    hold, or the proof was given up after many failures and the item re-ranked."""
    data = larger_matrix(seed, analysts, n_h, 3 * PROOF_TRIES // 2)
    grid = Grid.from_data(data)
    base = ranks_of(grid, method)
    removals = analyse(grid, method).removals
    for i, removal in enumerate(removals):
        keep = [k != i for k in range(len(grid.evidence))]
        after = score(subgrid(grid, keep), method)
        ranks = {h.id: h.rank for h in after.hypotheses}
        assert removal.ranks_changed == (ranks != base)
        assert removal.leader_changed == (
            {h for h, r in ranks.items() if r == 1} != {h for h, r in base.items() if r == 1}
        )
        if removal.standing is not None:
            assert list(removal.standing.order) == [h.id for h in after.hypotheses]
            assert removal.standing.ranks == ranks


def _close_race_with_many_flat_items(n_e: int, seed: int) -> dict[str, Any]:
    """H2 leads H1 by a little (E1 counts against H1 with weight sqrt 2, E2 against
    H2 with weight 1), H3 trails; every other item is rated alike for H1 and H2 (three
    in four, I or II, for H3 too), so no shift of its weight can change the leader."""
    rng = random.Random(seed)
    evidence: dict[str, Any] = {
        "E1": {"title": "One", "credibility": "high"},
        "E2": {"title": "Two"},
    }
    ratings: dict[str, Any] = {
        "E1": {"H1": "I", "H2": "N", "H3": "II"},
        "E2": {"H1": "N", "H2": "I", "H3": "II"},
    }
    for i in range(3, n_e + 1):
        evidence[f"E{i}"] = {
            "title": f"Item {i}",
            "credibility": rng.choice(LEVELS),
            "relevance": rng.choice(LEVELS),
        }
        if i % 4:  # counts against every hypothesis alike: only the screen can skip it
            alike = rng.choice(("I", "II"))
            ratings[f"E{i}"] = {"H1": alike, "H2": alike, "H3": alike}
        else:
            same = rng.choice(("CC", "C", "N", "NA"))
            ratings[f"E{i}"] = {"H1": same, "H2": same, "H3": rng.choice(("N", "I", "II"))}
    return small_matrix(evidence=evidence, ratings={"lead": ratings})


@pytest.mark.parametrize(("n_e", "seed"), [(200, 5), (600, 6)])
def test_weight_shifts_screen_changes_nothing_on_long_matrices(
    n_e: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items screened out at once (no shift of their weight can move a sole leader)
    leave the findings as the per-shift test alone finds them."""
    grid = Grid.from_data(_close_race_with_many_flat_items(n_e, seed))
    screened = weight_shifts(grid)
    assert {(w.evidence, w.attribute) for w in screened} >= {
        ("E1", "credibility"),
        ("E2", "credibility"),
    }
    calls: list[bool] = []
    real = sensitivity._stays_alone

    def counted(*args: Any) -> bool:
        calls.append(real(*args))
        return calls[-1]

    monkeypatch.setattr(sensitivity, "_stays_alone", counted)
    assert weight_shifts(grid) == screened
    assert sum(calls) > n_e // 2  # the screen really passed over most items
    monkeypatch.setattr(sensitivity, "_stays_alone", lambda *_: False)
    assert weight_shifts(grid) == screened


@settings(max_examples=300, deadline=None)
@given(
    gains=st.lists(st.sampled_from((-2.0, -1.5, -1.0, -0.5, -0.25)), max_size=40),
    k=st.integers(0, 45),
)
def test_the_best_k_changes_are_a_stable_sort_by_gain(gains: list[float], k: int) -> None:
    """``first(k)`` and the running totals, without the sort: what the sort gives."""
    picked: list[tuple[float, int, Code]] = [(g, 0, "CC") for g in gains]
    options = sensitivity._Options(list(range(len(gains))), picked)
    order = sorted(range(len(gains)), key=gains.__getitem__)
    assert [o[1] for o in options.first(k)] == order[:k]
    totals, total = [], 0.0
    for p in order:
        total -= gains[p]
        totals.append(total)
    assert options.sums == totals


def test_a_change_is_written_as_asdict_writes_it() -> None:
    change = sensitivity.RatingChange("E1", "H2", "lead", "C", "II", 1.5)
    assert sensitivity._flat_dict(change) == dataclasses.asdict(change)

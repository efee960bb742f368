"""Live scores equal a full re-score by ``achbench.scoring.methods`` after any sequence of edits."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.core.vocabulary import CODES, LEVELS, METHODS
from achbench.scoring.live import LiveScores
from achbench.scoring.methods import Grid, score


def _matrix(n_h: int, n_e: int, levels: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {f"H{i}": {"title": f"h{i}"} for i in range(n_h)},
        "evidence": {
            f"E{i}": {"title": f"e{i}", "credibility": c, "relevance": r}
            for i, (c, r) in enumerate(levels[:n_e])
        },
        "ratings": {},
    }


edits = st.lists(
    st.tuples(
        st.integers(0, 1),  # analyst
        st.integers(0, 5),  # evidence
        st.integers(0, 3),  # hypothesis
        st.sampled_from([*CODES, None]),
    ),
    max_size=60,
)


def _assert_same(live: LiveScores, data: dict[str, Any], analysts: list[str]) -> None:
    grid = Grid.from_data(data, analysts)
    for method in METHODS:
        expected = score(grid, method)
        got = live.ranking(method)
        by_id = {h.id: h for h in expected.hypotheses}
        for h in got.hypotheses:
            want = by_id[h.id]
            assert h.rank == want.rank, (method, h, want)
            assert math.isclose(h.score, want.score, rel_tol=1e-9, abs_tol=1e-12)
            for key, value in want.figures.items():
                assert math.isclose(h.figures[key], value, rel_tol=1e-9, abs_tol=1e-12), key
        for item in expected.evidence:
            assert math.isclose(
                live.diagnosticity(method, item.id), item.diagnosticity, abs_tol=1e-12
            )


@settings(max_examples=60, deadline=None)
@given(
    edits=edits,
    levels=st.lists(st.tuples(st.sampled_from(LEVELS), st.sampled_from(LEVELS)), min_size=6),
    pooled=st.booleans(),
)
def test_incremental_scores_match_a_full_rescore(
    edits: list[tuple[int, int, int, str | None]], levels: list[tuple[str, str]], pooled: bool
) -> None:
    data = _matrix(4, 6, levels)
    analysts = ["a", "b"] if pooled else ["a"]
    live = LiveScores(data, analysts)
    for who, e, h, code in edits:
        analyst = "ab"[who]
        evidence_id, hypothesis_id = f"E{e}", f"H{h}"
        live.set_cell(analyst, evidence_id, hypothesis_id, code)  # before the change
        row = data["ratings"].setdefault(analyst, {}).setdefault(evidence_id, {})
        if code is None:
            row.pop(hypothesis_id, None)
        else:
            row[hypothesis_id] = code
    _assert_same(live, data, analysts)
    fresh = LiveScores(data, analysts)
    for method in METHODS:
        assert [h.id for h in fresh.ranking(method).hypotheses] == [
            h.id for h in live.ranking(method).hypotheses
        ]


def test_changing_an_items_weights_is_followed() -> None:
    data = _matrix(2, 2, [("high", "high"), ("low", "low")])
    data["ratings"] = {"a": {"E0": {"H0": "II", "H1": "C"}, "E1": {"H0": "CC", "H1": "I"}}}
    live = LiveScores(data, ["a"])
    live.remove_evidence("E0")
    data["evidence"]["E0"]["credibility"] = "low"
    live.add_evidence("E0")
    _assert_same(live, data, ["a"])


@settings(max_examples=40, deadline=None)
@given(
    edits=edits,
    levels=st.lists(st.tuples(st.sampled_from(LEVELS), st.sampled_from(LEVELS)), min_size=6),
    pooled=st.booleans(),
    gone=st.integers(0, 3),
)
def test_a_hypothesis_taken_out_and_counted_back_in_matches_a_full_rescore(
    edits: list[tuple[int, int, int, str | None]],
    levels: list[tuple[str, str]],
    pooled: bool,
    gone: int,
) -> None:
    """Deleting a hypothesis and undoing it (the largest edit) re-scores that
    hypothesis alone: the figures must still be a full re-score's."""
    data = _matrix(4, 6, levels)
    analysts = ["a", "b"] if pooled else ["a"]
    for who, e, h, code in edits:
        if code is not None:
            data["ratings"].setdefault("ab"[who], {}).setdefault(f"E{e}", {})[f"H{h}"] = code
    live = LiveScores(data, analysts)
    hypothesis_id = f"H{gone}"
    fields = data["hypotheses"].pop(hypothesis_id)
    column = {
        a: {e: row.pop(hypothesis_id) for e, row in t.items() if hypothesis_id in row}
        for a, t in data["ratings"].items()
    }
    live.remove_hypothesis(hypothesis_id)
    _assert_same(live, data, analysts)
    data["hypotheses"][hypothesis_id] = fields
    for analyst, codes in column.items():
        for evidence_id, code in codes.items():
            data["ratings"][analyst][evidence_id][hypothesis_id] = code
    live.add_hypothesis(hypothesis_id)
    _assert_same(live, data, analysts)


def test_tied_hypotheses_share_a_rank_and_keep_file_order() -> None:
    data = _matrix(3, 2, [("medium", "medium")] * 2)
    data["ratings"] = {"a": {"E0": {"H0": "I", "H1": "I", "H2": "CC"}}}
    ranking = LiveScores(data, ["a"]).ranking("heuer")
    assert [(h.id, h.rank) for h in ranking.hypotheses] == [("H2", 1), ("H0", 2), ("H1", 2)]


def test_no_hypotheses_gives_an_empty_ranking() -> None:
    data = _matrix(0, 1, [("medium", "medium")])
    for method in METHODS:
        assert LiveScores(data, ["a"]).ranking(method).hypotheses == []


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        LiveScores(_matrix(1, 1, [("low", "low")]), ["a"]).ranking("vote")

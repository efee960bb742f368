"""Pending evidence items count in no score: not in any method, not in sensitivity,
not in the editor's live scores, however they are rated."""

from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.analysis.sensitivity import analyse_data
from achbench.core.vocabulary import CODES, METHODS
from achbench.scoring.live import LiveScores
from achbench.scoring.methods import Grid, score
from tests.strategies import matrices


def _without_pending(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its pending items (and their ratings) deleted."""
    out = copy.deepcopy(data)
    pending = {e for e, v in out.get("evidence", {}).items() if v.get("status") == "pending"}
    out["evidence"] = {e: v for e, v in out.get("evidence", {}).items() if e not in pending}
    for table in out.get("ratings", {}).values():
        for e in pending:
            table.pop(e, None)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@settings(max_examples=40, deadline=None)
@given(matrices(max_hypotheses=4, max_evidence=5))
def test_pending_items_change_no_score_and_no_finding(data: dict[str, Any]) -> None:
    bare = _without_pending(data)
    for method in METHODS:
        assert _same(
            score(Grid.from_data(data), method).to_json(),
            score(Grid.from_data(bare), method).to_json(),
        )
    found = analyse_data(data, "heuer").to_json()
    assert _same(found, analyse_data(bare, "heuer").to_json())


def _rated(codes: list[str]) -> dict[str, Any]:
    return {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {"H1": {"title": "a"}, "H2": {"title": "b"}},
        "evidence": {"E1": {"title": "e1"}, "E2": {"title": "e2", "status": "pending"}},
        "ratings": {"al": {"E1": {"H1": codes[0], "H2": codes[1]}, "E2": {"H1": "II", "H2": "CC"}}},
    }


def test_a_pending_item_rated_against_the_leader_leaves_the_ranking_alone() -> None:
    data = _rated(["C", "I"])
    for method in METHODS:
        ranking = score(Grid.from_data(data), method)
        assert [h.id for h in ranking.hypotheses] == ["H1", "H2"]
        assert [e.id for e in ranking.evidence] == ["E1"]
    heuer = score(Grid.from_data(data), "heuer").hypotheses
    assert [h.figures["unrated"] for h in heuer] == [0, 0]  # E2 is not an unrated item


def test_the_pending_grid_holds_the_pending_items_only() -> None:
    grid = Grid.from_data(_rated(["C", "I"]), pending=True)
    assert grid.evidence == ("E2",)
    assert grid.cells[0] == {"H1": "II", "H2": "CC"}


@settings(max_examples=40, deadline=None)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(0, 1),
            st.one_of(st.sampled_from(CODES), st.none(), st.just("toggle")),
        ),
        max_size=30,
    ),
    pooled=st.booleans(),
    with_origin=st.booleans(),
)
def test_live_scores_follow_items_marked_pending_and_collected(
    edits: list[tuple[int, int, str | None]], pooled: bool, with_origin: bool
) -> None:
    data: dict[str, Any] = {
        "format": "achbench/1",
        "title": "t",
        "hypotheses": {"H0": {"title": "a"}, "H1": {"title": "b", "prior": 0.2}},
        "evidence": {f"E{i}": {"title": f"e{i}"} for i in range(4)},
        "ratings": {"a": {}, "b": {"E0": {"H0": "II"}, "E1": {"H1": "C", "H0": "NA"}}},
    }
    data["evidence"]["E1"]["status"] = "pending"
    if with_origin:  # E1 (pending at first), E2 and E3 rest on the same reporting
        for e in ("E1", "E2", "E3"):
            data["evidence"][e]["origin"] = "wire"
    analysts = ["a", "b"] if pooled else ["a"]
    live = LiveScores(data, analysts)
    for e, h, what in edits:
        evidence_id = f"E{e}"
        if what == "toggle":  # as the editor's key does, through update_evidence
            live.remove_evidence(evidence_id)
            item = data["evidence"][evidence_id]
            if item.pop("status", None) is None:
                item["status"] = "pending"
            live.add_evidence(evidence_id)
            continue
        live.set_cell("a", evidence_id, f"H{h}", what)
        row = data["ratings"]["a"].setdefault(evidence_id, {})
        if what is None:
            row.pop(f"H{h}", None)
        else:
            row[f"H{h}"] = what
    grid = Grid.from_data(data, analysts)
    for method in METHODS:
        want = score(grid, method).hypotheses
        got = live.ranking(method).hypotheses
        assert [(h.id, h.rank) for h in got] == [(h.id, h.rank) for h in want]
        for g, w in zip(got, want, strict=True):
            assert math.isclose(g.score, w.score, rel_tol=1e-9, abs_tol=1e-12)
            assert _same(dict(g.figures), dict(w.figures))

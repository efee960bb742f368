"""What the analysis adds to the grid, headless: non-diagnostic items, the consensus view,
milestone warnings on the leader.  Each is computed a cell or an item at a time, so each
is checked here against the whole-matrix function it stands for."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.analysis.consensus import consensus
from achbench.analysis.milestones import warnings
from achbench.editing.document import example_path
from achbench.editing.session import Session
from achbench.scoring.methods import Grid, rated_alike
from achbench.store import toml as store
from achbench.tui.view import GridView

CODES = ("CC", "C", "N", "I", "II", "NA")


def _data(ratings: dict[str, Any], milestones: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "achbench/1",
        "title": "T",
        "hypotheses": {"H1": {"title": "a"}, "H2": {"title": "b"}, "H3": {"title": "c"}},
        "evidence": {f"E{i}": {"title": f"item {i}"} for i in range(1, 5)},
        "ratings": ratings,
    }
    if milestones:
        data["milestones"] = milestones
    return data


votes = st.dictionaries(
    st.sampled_from(["lead", "bob", "cy"]),
    st.dictionaries(
        st.sampled_from(["E1", "E2", "E3", "E4"]),
        st.dictionaries(st.sampled_from(["H1", "H2", "H3"]), st.sampled_from(CODES), min_size=1),
        min_size=1,
    ),
    min_size=1,
)


@settings(max_examples=80, deadline=None)
@given(votes, st.booleans())
def test_flat_items_are_those_rated_alike(ratings: dict[str, Any], pooled: bool) -> None:
    data = _data(ratings)
    analyst = next(iter(ratings))
    session = Session(data, None, analyst=analyst, pooled=pooled)
    view = GridView(session)
    grid = Grid.from_data(data, list(session.live.analysts))
    assert [view.is_flat(e) for e in grid.evidence] == rated_alike(grid)


@settings(max_examples=80, deadline=None)
@given(votes)
def test_consensus_view_matches_analysis_consensus(ratings: dict[str, Any]) -> None:
    data = _data(ratings)
    view = GridView(Session(data, None, analyst=next(iter(ratings))))
    whole = consensus(data)
    for cell in whole.cells:
        mine = view.votes(cell.evidence, cell.hypothesis)
        assert dict(mine.votes) == cell.votes
        assert (mine.consensus, mine.category) == (cell.consensus, cell.category)
        assert mine.disagreement == cell.disagreement


def test_rating_an_item_alike_flags_it_and_hiding_takes_it_out() -> None:
    data = _data({"lead": {"E1": {"H1": "N", "H2": "N"}, "E2": {"H1": "C", "H2": "N", "H3": "I"}}})
    session = Session(data, None, analyst="lead")
    view = GridView(session)
    assert not view.is_flat("E1"), "an item not rated for every hypothesis may still tell"
    session.rate("E1", "H3", "N")
    assert view.cell_rated("E1"), "the item just became non-diagnostic"
    assert view.is_flat("E1")
    assert view.toggle_hide_flat() == 1
    assert view.evidence_ids == ["E2", "E3", "E4"]
    session.rate("E2", "H2", "C")  # not yet alike: H3 is I
    session.rate("E2", "H3", "C")
    assert view.cell_rated("E2")
    assert "E2" in view.evidence_ids, "an item that turns flat while hiding stays until asked"
    view.sync()
    assert view.evidence_ids == ["E3", "E4"]
    assert view.toggle_hide_flat() == 0
    assert view.evidence_ids == ["E1", "E2", "E3", "E4"]


def test_reveal_turns_off_the_filter_and_hiding_for_an_item() -> None:
    data = _data({"lead": {"E1": {"H1": "N", "H2": "N", "H3": "N"}}})
    view = GridView(Session(data, None, analyst="lead"))
    view.toggle_hide_flat()
    view.set_filter("item 4")
    assert view.evidence_ids == ["E4"]
    assert view.reveal("E1") == ["the filter", "hiding non-diagnostic items"]
    assert view.go_to("H2", "E1")
    assert view.current() == ("H2", "E1")
    assert view.reveal("E1") == [], "already visible"


def test_the_example_flags_its_four_alike_items() -> None:
    view = GridView(Session.example())
    flat = [e for e in view.evidence_ids if view.is_flat(e)]
    grid = Grid.from_data(store.load_data(example_path()), ["lead"])
    expected = [e for e, f in zip(grid.evidence, rated_alike(grid), strict=True) if f]
    assert flat == expected
    assert len(flat) == 4


def test_milestone_warnings_follow_the_leader_and_the_milestones() -> None:
    milestones = {
        "M1": {"hypothesis": "H1", "title": "arrests", "expect": "refutes", "status": "open"}
    }
    data = _data({"lead": {"E1": {"H1": "C", "H2": "I", "H3": "II"}}}, milestones)
    session = Session(data, None, analyst="lead")
    view = GridView(session)
    assert view.ranking.hypotheses[0].id == "H1"
    assert view.milestone_warnings() == []
    session.set_milestone_status("M1", "observed")
    view.milestones_changed()
    found = view.milestone_warnings()
    assert [w.kind for w in found] == ["refuted"]
    assert found == warnings(data, ["H1"])
    assert view.flagged() == {"H1"}
    session.rate("E1", "H1", "II")  # H2 now leads: the warning no longer applies
    view.rescore()
    assert view.ranking.hypotheses[0].id == "H2"
    assert view.milestone_warnings() == []
    assert view.flagged() == set()


def test_flatness_follows_the_scored_analysts() -> None:
    rng = random.Random(5)
    ratings: dict[str, Any] = {"lead": {}, "bob": {}}
    for e in ("E1", "E2", "E3", "E4"):
        ratings["lead"][e] = dict.fromkeys(("H1", "H2", "H3"), "N")
        ratings["bob"][e] = {h: rng.choice(CODES) for h in ("H1", "H2", "H3")}
    session = Session(copy.deepcopy(_data(ratings)), None, analyst="lead")
    view = GridView(session)
    assert all(view.is_flat(e) for e in view.evidence_ids)
    session.set_pooled(True)
    grid = Grid.from_data(session.data)
    assert [view.is_flat(e) for e in view.evidence_ids] == rated_alike(grid)

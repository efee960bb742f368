"""What the grid shows: orientation, cursor, advance, filter and sort (no Textual needed)."""

from __future__ import annotations

from typing import Any

from achbench.editing.session import Session
from achbench.editing.undo import Change
from achbench.tui.view import GridView, Redraw

DATA: dict[str, Any] = {
    "format": "achbench/1",
    "title": "T",
    "hypotheses": {"H1": {"title": "a"}, "H2": {"title": "b"}},
    "evidence": {
        "E1": {"title": "riots", "kind": "fact"},
        "E2": {"title": "troops", "notes": "by air"},
        "E3": {"title": "statement"},
    },
    "ratings": {"lead": {"E3": {"H1": "CC", "H2": "II"}}},
}


def _view() -> GridView:
    return GridView(Session(dict(DATA), None, analyst="lead"))


def test_cursor_moves_and_clamps() -> None:
    view = _view()
    assert view.move(0, 5)
    assert view.current() == ("H1", "E3")
    assert not view.move(0, 1)
    assert view.move(1, -9)
    assert view.current() == ("H2", "E1")


def test_transpose_keeps_the_cell() -> None:
    view = _view()
    view.move(1, 2)
    view.toggle_transpose()
    assert view.cursor == (2, 1)
    assert view.rows == ["E1", "E2", "E3"]
    assert view.current() == ("H2", "E3")


def test_advance_goes_down_the_hypotheses_then_to_the_next_item() -> None:
    view = _view()
    view.advance_cursor()
    assert view.current() == ("H2", "E1")
    view.advance_cursor()
    assert view.current() == ("H1", "E2")


def test_filter_matches_any_text_field() -> None:
    view = _view()
    view.set_filter("AIR")
    assert view.evidence_ids == ["E2"]
    view.set_filter("nothing at all")
    assert view.evidence_ids == []
    assert view.current() == ("H1", None)
    view.set_filter("")
    assert view.evidence_ids == ["E1", "E2", "E3"]


def test_sort_puts_diagnostic_items_first_and_back() -> None:
    view = _view()
    view.toggle_sort()
    assert view.evidence_ids[0] == "E3"
    view.toggle_sort()
    assert view.evidence_ids == ["E1", "E2", "E3"]


def test_method_cycle_rescores() -> None:
    view = _view()
    assert view.scores["H2"].score == 2
    assert view.cycle_method() == "weighted"
    assert view.ranking.method == "weighted"


def test_apply_says_what_to_draw_again() -> None:
    session = Session(dict(DATA), None, analyst="lead")
    view = GridView(session)
    cell = view.apply(session.rate("E1", "H1", "I") or Change("all"))
    assert (cell.scope, cell.hypothesis, cell.evidence) == ("cell", "H1", "E1")
    assert cell.rescored == {"H1"}, "H1's score moved, H2's rank and score did not"
    meta = session.update_meta({"title": "New"})
    assert meta is not None
    assert view.apply(meta) == Redraw("panes")
    added = session.add_evidence("E0", {"title": "first"}, 0)
    assert view.apply(added) == Redraw("all")
    assert view.current() == ("H1", "E0"), "the cursor goes to the item added"

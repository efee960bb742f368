"""Editing key assumptions headless (``editing.assumption_edits``): each edit one undoable
step that keeps ``[assumptions]`` and the evidence's ``assumes`` in step, and the form's
checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from achbench.editing.assumption_edits import (
    AssumptionEdits,
    assumption_from_form,
    form_values,
    resting_on,
)
from achbench.editing.fields import FieldErrors
from achbench.editing.session import Session
from achbench.store import toml as store
from tests.unit.test_assumptions import worked


@pytest.fixture
def session(tmp_path: Path) -> Session:
    path = tmp_path / "assumed.toml"
    path.write_text(store.dumps(worked()), encoding="utf-8")
    return Session.open(path)


def test_rename_moves_the_id_in_every_item_and_undo_moves_it_back(session: Session) -> None:
    edits = AssumptionEdits(session)
    fields = dict(edits.assumptions["A1"])
    change = edits.update("A1", "RIOTS", fields)  # type: ignore[arg-type]
    assert change is not None
    assert list(edits.assumptions) == ["RIOTS", "A2", "A3", "A4"], "renamed in its place"
    assert session.evidence["E1"]["assumes"] == ["RIOTS"]
    assert session.dirty
    session.undo()
    assert next(iter(edits.assumptions)) == "A1"
    assert session.evidence["E1"]["assumes"] == ["A1"]
    assert edits.update("A1", "A1", fields) is None, "nothing differs: nothing recorded"  # type: ignore[arg-type]


def test_relinking_sets_exactly_the_items_given(session: Session) -> None:
    edits = AssumptionEdits(session)
    session.evidence["E2"]["assumes"] = ["A2"]
    edits.update("A1", "A1", edits.assumptions["A1"], ["E2", "E3"])
    assert resting_on(session.data, "A1") == ["E2", "E3"]
    assert "assumes" not in session.evidence["E1"], "an emptied list is left out"
    assert session.evidence["E2"]["assumes"] == ["A2", "A1"], "other ids kept, in order"
    session.undo()
    assert resting_on(session.data, "A1") == ["E1"]
    assert session.evidence["E2"]["assumes"] == ["A2"]


def test_delete_takes_the_id_out_of_the_items_and_undo_puts_both_back(session: Session) -> None:
    edits = AssumptionEdits(session)
    edits.delete("A1")
    assert "A1" not in edits.assumptions
    assert "assumes" not in session.evidence["E1"]
    session.undo()
    assert list(edits.assumptions) == ["A1", "A2", "A3", "A4"]
    assert session.evidence["E1"]["assumes"] == ["A1"]


def test_status_link_and_add(session: Session) -> None:
    edits = AssumptionEdits(session)
    assert edits.set_status("A1", "unsupported") is None, "it has it already"
    edits.set_status("A1", "solid")
    assert edits.assumptions["A1"]["status"] == "solid"
    _, linked = edits.toggle_link("A1", "E3")
    assert linked
    assert session.evidence["E3"]["assumes"] == ["A1"]
    _, linked = edits.toggle_link("A1", "E3")
    assert not linked
    assert "assumes" not in session.evidence["E3"]
    edits.add("A5", {"title": "New", "status": "caveated"}, ["E3"])
    assert session.evidence["E3"]["assumes"] == ["A5"]
    for _ in range(4):
        session.undo()
    assert "A5" not in edits.assumptions
    assert edits.assumptions["A1"]["status"] == "unsupported"


def test_saved_and_loaded_back(session: Session) -> None:
    edits = AssumptionEdits(session)
    edits.add("A5", {"title": "New", "status": "solid", "hypotheses": ["H2"]}, ["E2"])
    session.save()
    loaded = store.load_data(session.path)  # type: ignore[arg-type]
    assert loaded["assumptions"]["A5"] == {"title": "New", "status": "solid", "hypotheses": ["H2"]}
    assert loaded["evidence"]["E2"]["assumes"] == ["A2", "A5"]


def test_the_form_checks_ids_and_lists() -> None:
    hypotheses, evidence = ["H1", "H2"], ["E1", "E2"]
    values = {
        "id": "A9",
        "title": "  A   premise ",
        "status": "",
        "hypotheses": "H2, H1 H2",
        "notes": " why \n",
        "evidence": "E2",
    }
    new_id, fields, resting = assumption_from_form(values, ["A1"], hypotheses, None, evidence)
    assert new_id == "A9"
    assert fields == {
        "title": "A premise",
        "status": "caveated",
        "hypotheses": ["H2", "H1"],
        "notes": "why",
    }
    assert resting == ["E2"]
    assert form_values(new_id, fields, resting)["hypotheses"] == "H2 H1"
    with pytest.raises(FieldErrors) as raised:
        assumption_from_form(
            {"id": "A1", "title": "", "status": "maybe", "hypotheses": "H7", "evidence": "E9"},
            ["A1"],
            hypotheses,
            None,
            evidence,
        )
    errors = raised.value.errors
    assert set(errors) == {"id", "title", "status", "hypotheses", "evidence"}
    assert "H7" in errors["hypotheses"]
    assert "E9" in errors["evidence"]

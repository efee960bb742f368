"""Milestones edited through the session: add, edit, status, delete, undo, save; the form rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from achbench.editing.fields import FieldErrors, milestone_from_form
from achbench.editing.session import Session
from achbench.store import toml as store

TEXT = """\
format = "achbench/1"
title = "T"
analyst = "lead"

[hypotheses.H1]
title = "Alpha"

[hypotheses.H2]
title = "Beta"

[evidence.E1]
title = "riots"

[ratings.lead.E1]
H1 = "C"
H2 = "I"

[milestones.M1]
hypothesis = "H1"
title = "Crowds disperse"
expect = "supports"
status = "open"

[milestones.M2]
hypothesis = "H2"
title = "Arrests"
expect = "refutes"
"""


@pytest.fixture
def session(tmp_path: Path) -> Session:
    path = tmp_path / "m.toml"
    path.write_text(TEXT, encoding="utf-8")
    return Session.open(path)


FIELDS: dict[str, Any] = {
    "hypothesis": "H1",
    "title": "Troops withdraw",
    "expect": "refutes",
    "due": dt.date(2022, 2, 1),
    "status": "open",
}


def test_add_goes_after_its_hypothesis_milestones_and_undoes(session: Session) -> None:
    change = session.add_milestone("M3", FIELDS)
    assert change.kind == "milestone"
    assert change.hypothesis == "H1"
    assert list(session.milestones) == ["M1", "M3", "M2"]
    assert session.dirty
    session.undo()
    assert list(session.milestones) == ["M1", "M2"]
    assert not session.dirty
    session.redo()
    assert session.milestones["M3"]["title"] == "Troops withdraw"


def test_edit_renames_in_place_and_no_change_records_nothing(session: Session) -> None:
    same = dict(session.milestones["M1"])
    assert session.update_milestone("M1", "M1", same) is None
    assert session.undo() is None, "nothing to undo"
    session.update_milestone("M1", "M9", {**same, "title": "Crowds go home"})
    assert list(session.milestones) == ["M9", "M2"]
    assert session.milestones["M9"]["title"] == "Crowds go home"
    session.undo()
    assert list(session.milestones) == ["M1", "M2"]
    assert session.milestones["M1"]["title"] == "Crowds disperse"


def test_status_changes_undo_and_redo(session: Session) -> None:
    assert session.set_milestone_status("M1", "open") is None, "already open"
    assert session.set_milestone_status("M2", "open") is None, "unset status is open"
    session.set_milestone_status("M2", "observed")
    session.set_milestone_status("M2", "not-observed")
    assert session.milestones["M2"]["status"] == "not-observed"
    session.undo()
    assert session.milestones["M2"]["status"] == "observed"
    session.undo()
    assert "status" not in session.milestones["M2"], "undo restores the table as it was"
    session.redo()
    assert session.milestones["M2"]["status"] == "observed"


def test_deleting_the_last_milestone_drops_the_table_and_undo_restores_order(
    session: Session,
) -> None:
    session.delete_milestone("M1")
    session.delete_milestone("M2")
    assert "milestones" not in session.data
    session.undo()
    session.undo()
    assert list(session.milestones) == ["M1", "M2"]


def test_history_is_not_changed_by_a_later_rename_of_the_hypothesis(session: Session) -> None:
    session.set_milestone_status("M1", "observed")
    session.update_hypothesis("H1", "H7", {"title": "Alpha"})
    assert session.milestones["M1"]["hypothesis"] == "H7"
    session.undo()  # the rename
    assert session.milestones["M1"]["hypothesis"] == "H1"
    session.undo()  # the status
    assert session.milestones["M1"] == {
        "hypothesis": "H1",
        "title": "Crowds disperse",
        "expect": "supports",
        "status": "open",
    }


def test_milestones_are_saved_with_the_matrix(session: Session) -> None:
    session.add_milestone("M3", FIELDS)
    session.set_milestone_status("M2", "observed")
    assert session.path is not None
    session.save()
    data = store.load_data(session.path)
    assert list(data["milestones"]) == ["M1", "M3", "M2"]
    assert data["milestones"]["M3"]["due"] == dt.date(2022, 2, 1)
    assert data["milestones"]["M2"]["status"] == "observed"
    assert not session.dirty


def _form(**values: str) -> dict[str, str]:
    base = {
        "id": "M3",
        "hypothesis": "H1",
        "title": "Troops withdraw",
        "expect": "refutes",
        "due": "2022-02-01",
        "status": "open",
        "notes": "",
    }
    return {**base, **values}


def test_form_gives_typed_fields() -> None:
    new_id, fields = milestone_from_form(_form(), ["M1"], ["H1", "H2"])
    assert new_id == "M3"
    assert fields == FIELDS


def test_form_names_each_wrong_field() -> None:
    with pytest.raises(FieldErrors) as caught:
        milestone_from_form(
            _form(id="M1", hypothesis="H9", title=" ", expect="maybe", due="2022-13-01"),
            ["M1"],
            ["H1", "H2"],
        )
    errors = caught.value.errors
    assert "already the id" in errors["id"]
    assert "not a hypothesis" in errors["hypothesis"]
    assert errors["title"] == "required"
    assert "supports" in errors["expect"]
    assert "refutes" in errors["expect"]
    assert "2022-01-31" in errors["due"]


def test_form_keeps_the_current_id_and_defaults_status_to_open() -> None:
    _, fields = milestone_from_form(_form(id="M1", status=""), ["M1"], ["H1"], current="M1")
    assert fields["status"] == "open"
    with pytest.raises(FieldErrors) as caught:
        milestone_from_form(_form(status="seen"), [], ["H1"])
    assert "observed" in caught.value.errors["status"]

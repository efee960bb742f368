"""Rationale notes, and what else names a hypothesis or evidence item, follow its
deletion or renaming, so the file still saves; undo puts everything back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from achbench.editing.session import Session
from achbench.store import toml as store

DATA: dict[str, Any] = {
    "format": "achbench/1",
    "title": "T",
    "analyst": "lead",
    "hypotheses": {"H1": {"title": "One"}, "H2": {"title": "Two"}},
    "evidence": {
        "E1": {"title": "e1", "cites": "S1", "assumes": ["A1"]},
        "E2": {"title": "e2"},
    },
    "sources": {"S1": {"title": "s1"}},
    "assumptions": {"A1": {"title": "a1", "hypotheses": ["H1", "H2"]}},
    "ratings": {"lead": {"E1": {"H1": "C", "H2": "I"}, "E2": {"H1": "N"}}},
    "rationale": {
        "lead": {"E1": {"H1": "fits", "H2": "against"}, "E2": {"H1": "neutral"}},
        "bob": {"E1": {"H1": "bob's"}},
    },
    "judgements": {"lead": {"H1": 0.7, "H2": 0.3}},
    "resolution": {"hypothesis": "H1"},
}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "m.toml"
    store.save(DATA, target)
    return target


def saved_again(session: Session, path: Path) -> dict[str, Any]:
    session.save(force=True)
    loaded: dict[str, Any] = store.load_data(path)
    return loaded


def test_notes_are_set_removed_and_undone(path: Path) -> None:
    session = Session.open(path)
    assert session.note("E1", "H1") == "fits"
    assert session.note("E1", "H1", "bob") == "bob's"
    assert session.set_note("E1", "H1", "fits") is None, "no-op edits are not recorded"
    session.set_note("E2", "H2", "new note")
    session.set_note("E1", "H1", "")
    assert session.note("E2", "H2") == "new note"
    assert session.note("E1", "H1") is None
    assert saved_again(session, path)["rationale"]["lead"] == {
        "E1": {"H2": "against"},
        "E2": {"H1": "neutral", "H2": "new note"},
    }
    session.undo()
    session.undo()
    assert session.data["rationale"] == DATA["rationale"]


def test_last_note_removed_drops_the_table(path: Path) -> None:
    data = copy.deepcopy(DATA)
    data["rationale"] = {"lead": {"E1": {"H1": "only"}}}
    store.save(data, path)
    session = Session.open(path)
    session.set_note("E1", "H1", None)
    assert "rationale" not in session.data
    assert "rationale" not in saved_again(session, path)


def test_deleting_a_hypothesis_cleans_every_reference_and_saves(path: Path) -> None:
    session = Session.open(path)
    before = copy.deepcopy(session.data)
    session.delete_hypothesis("H1")
    after = saved_again(session, path)
    assert after["rationale"] == {"lead": {"E1": {"H2": "against"}}}
    assert after["judgements"] == {"lead": {"H2": 0.3}}
    assert after["assumptions"]["A1"]["hypotheses"] == ["H2"]
    assert "resolution" not in after
    assert after["evidence"]["E1"]["cites"] == "S1"
    session.undo()
    assert session.data == before
    assert saved_again(session, path) == store.load_data(path)
    assert store.load_data(path)["resolution"] == {"hypothesis": "H1"}


def test_deleting_an_evidence_item_takes_its_notes_and_undo_restores(path: Path) -> None:
    session = Session.open(path)
    before = copy.deepcopy(session.data)
    session.delete_evidence("E1")
    after = saved_again(session, path)
    assert after["rationale"] == {"lead": {"E2": {"H1": "neutral"}}}
    session.undo()
    assert session.data == before
    assert saved_again(session, path)["rationale"] == DATA["rationale"]


def test_renaming_a_hypothesis_renames_every_reference(path: Path) -> None:
    session = Session.open(path)
    session.update_hypothesis("H1", "H9", {"title": "One"})
    after = saved_again(session, path)
    assert after["rationale"]["lead"]["E1"] == {"H9": "fits", "H2": "against"}
    assert after["rationale"]["bob"] == {"E1": {"H9": "bob's"}}
    assert after["judgements"] == {"lead": {"H9": 0.7, "H2": 0.3}}
    assert after["assumptions"]["A1"]["hypotheses"] == ["H9", "H2"]
    assert after["resolution"] == {"hypothesis": "H9"}
    session.undo()
    assert saved_again(session, path)["resolution"] == {"hypothesis": "H1"}
    assert session.data["rationale"] == DATA["rationale"]


def test_renaming_an_evidence_item_renames_its_notes(path: Path) -> None:
    session = Session.open(path)
    session.update_evidence("E1", "E7", {"title": "e1", "cites": "S1", "assumes": ["A1"]})
    after = saved_again(session, path)
    assert after["rationale"]["lead"]["E7"] == {"H1": "fits", "H2": "against"}
    assert after["rationale"]["bob"] == {"E7": {"H1": "bob's"}}
    session.undo()
    assert session.data["rationale"] == DATA["rationale"]


def test_the_base_is_the_version_loaded_or_saved_and_merge_from_disk_is_one_step(
    path: Path,
) -> None:
    ours = Session.open(path)
    theirs = Session.open(path)
    assert ours.base == ours.data
    assert ours.base is not ours.data
    ours.rate("E2", "H2", "II")
    assert ours.base["ratings"]["lead"]["E2"] == {"H1": "N"}, "edits never reach the base"
    theirs.rate("E1", "H1", "CC")
    theirs.set_note("E1", "H2", "their reason")
    theirs.save()
    change, conflicts = ours.merge_from_disk()
    assert change.kind == "all"
    assert conflicts == 0
    assert ours.code("E1", "H1") == "CC"
    assert ours.code("E2", "H2") == "II"
    assert ours.note("E1", "H2") == "their reason"
    assert ours.dirty
    assert not ours.disk_changed(), "the disk's version is now the one seen"
    ours.undo()
    assert ours.code("E1", "H1") == "C"
    assert ours.disk_changed(), "undone: a save asks again"
    ours.redo()
    ours.save()
    merged = store.load_data(path)
    assert merged["ratings"]["lead"]["E1"]["H1"] == "CC"
    assert merged["ratings"]["lead"]["E2"]["H2"] == "II"


def test_merge_from_disk_records_a_conflict_on_one_cell(path: Path) -> None:
    ours = Session.open(path)
    theirs = Session.open(path)
    theirs.rate("E1", "H1", "CC")
    theirs.save()
    ours.rate("E1", "H1", "II")
    _, conflicts = ours.merge_from_disk()
    assert conflicts == 1
    [record] = ours.conflicts.values()
    assert record["key"] == "ratings.lead.E1.H1"
    assert ours.code("E1", "H1") == "II"


def test_no_base_for_the_example_so_no_merge() -> None:
    session = Session.example()
    assert session.base is None
    with pytest.raises(ValueError, match="no version"):
        session.merge_from_disk()

"""The editing session: commands, undo and redo, dirty state, saving, recovery."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from achbench.core.errors import MatrixFileError
from achbench.editing.document import ExternalChangeError, NeedsPathError, example_path
from achbench.editing.recovery_files import recovery_path
from achbench.editing.session import Session
from achbench.editing.undo import HISTORY_LIMIT
from achbench.store import toml as store

DATA: dict[str, Any] = {
    "format": "achbench/1",
    "title": "T",
    "analyst": "lead",
    "hypotheses": {"H1": {"title": "One"}, "H2": {"title": "Two"}, "H3": {"title": "Three"}},
    "evidence": {"E1": {"title": "e1"}, "E2": {"title": "e2", "credibility": "high"}},
    "ratings": {
        "lead": {"E1": {"H1": "C", "H2": "I"}},
        "bob": {"E1": {"H1": "II"}, "E2": {"H2": "CC"}},
    },
    "milestones": {
        "M1": {"hypothesis": "H2", "title": "m1", "expect": "supports"},
        "M2": {"hypothesis": "H1", "title": "m2", "expect": "refutes"},
    },
}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "m.toml"
    store.save(DATA, target)
    return target


def test_rate_changes_only_the_current_analyst_and_undoes(path: Path) -> None:
    session = Session.open(path)
    assert session.analyst == "lead"
    session.rate("E1", "H1", "II")
    session.rate("E2", "H3", "NA")
    assert session.code("E1", "H1") == "II"
    assert session.code("E1", "H1", "bob") == "II"
    assert session.dirty
    assert session.rate("E2", "H3", "NA") is None, "no-op edits are not recorded"
    session.undo()
    session.undo()
    assert session.data["ratings"]["lead"] == {"E1": {"H1": "C", "H2": "I"}}
    assert not session.dirty
    session.redo()
    assert session.code("E1", "H1") == "II"
    assert session.undo() is not None
    assert session.undo() is None


def test_clearing_the_last_code_drops_empty_tables(path: Path) -> None:
    session = Session.open(path, analyst="carol")
    session.rate("E1", "H1", "N")
    assert session.data["ratings"]["carol"] == {"E1": {"H1": "N"}}
    session.rate("E1", "H1", None)
    assert "carol" not in session.data["ratings"]
    session.save()
    assert store.load_data(path) == store.load_data(path)  # still valid
    assert "carol" not in store.load_data(path)["ratings"]


def test_history_keeps_a_thousand_steps_and_knows_when_clean(path: Path) -> None:
    session = Session.open(path)
    for i in range(HISTORY_LIMIT + 5):
        session.rate("E2", "H1", "CC" if i % 2 else "I")
    undone = 0
    while session.undo() is not None:
        undone += 1
    assert undone == HISTORY_LIMIT
    assert session.dirty, "the loaded state fell off the history: still modified"


def test_delete_hypothesis_takes_ratings_and_milestones_and_undo_restores(path: Path) -> None:
    session = Session.open(path)
    assert session.deletion_cost("hypothesis", "H1") == (2, 1)
    session.delete_hypothesis("H1")
    assert list(session.hypotheses) == ["H2", "H3"]
    assert session.data["ratings"]["bob"] == {"E2": {"H2": "CC"}}
    assert list(session.data["milestones"]) == ["M1"]
    assert [h.id for h in session.live.ranking("heuer").hypotheses] == ["H3", "H2"]
    session.undo()
    assert session.data == DATA
    assert list(session.data["milestones"]) == ["M1", "M2"]


def test_delete_evidence_and_undo(path: Path) -> None:
    session = Session.open(path)
    session.delete_evidence("E1")
    assert "E1" not in session.data["ratings"]["bob"]
    assert session.live.ranking("heuer").hypotheses[0].score == 0
    session.undo()
    assert session.data == DATA
    assert list(session.evidence) == ["E1", "E2"]


def test_renaming_moves_ratings_and_milestones(path: Path) -> None:
    session = Session.open(path)
    session.update_hypothesis("H1", "Spont", {"title": "Spontaneous"})
    assert list(session.hypotheses) == ["Spont", "H2", "H3"]
    assert session.code("E1", "Spont", "bob") == "II"
    assert session.data["milestones"]["M2"]["hypothesis"] == "Spont"
    session.update_evidence("E2", "Cables", {"title": "e2", "credibility": "low"})
    assert session.code("Cables", "H2", "bob") == "CC"
    session.save()
    session.undo()
    session.undo()
    assert session.data == DATA


def test_moving_items_changes_file_order(path: Path) -> None:
    session = Session.open(path)
    session.move_hypothesis("H1", 1)
    session.move_evidence("E2", -1)
    assert session.move_evidence("E2", -1) is None, "already first"
    assert list(session.hypotheses) == ["H2", "H1", "H3"]
    session.save()
    text = path.read_text(encoding="utf-8")
    assert text.index("[hypotheses.H2]") < text.index("[hypotheses.H1]")
    assert text.index("[evidence.E2]") < text.index("[evidence.E1]")


def test_meta_edit_keeps_key_order(path: Path) -> None:
    session = Session.open(path)
    session.update_meta({"title": "New", "question": "Why?"})
    assert list(session.data)[:3] == ["format", "title", "question"]
    assert "analyst" not in session.data
    session.undo()
    assert session.data == DATA


def test_save_refuses_an_external_change_unless_forced(path: Path) -> None:
    session = Session.open(path)
    session.rate("E2", "H1", "CC")
    path.write_text(path.read_text(encoding="utf-8").replace('"T"', '"Other"'), encoding="utf-8")
    with pytest.raises(ExternalChangeError):
        session.save()
    session.save(force=True)
    assert store.load_data(path)["title"] == "T"
    assert not session.dirty
    session.rate("E2", "H1", "C")
    session.save()  # its own save is not an external change


def test_touching_without_changing_bytes_is_not_an_external_change(path: Path) -> None:
    session = Session.open(path)
    os.utime(path, ns=(1, 1))
    assert not session.disk_changed()
    path.unlink()
    assert session.disk_changed()


def test_same_size_same_mtime_rewrite_is_an_external_change(path: Path) -> None:
    """Coarse timestamps (one second on ext3 and HFS+) and a one-code change (C to N)
    leave size and mtime as they were: the bytes still tell."""
    session = Session.open(path)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert 'H1 = "C"' in text
    path.write_text(text.replace('H1 = "C"', 'H1 = "N"', 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert session.disk_changed()
    session.rate("E2", "H1", "CC")
    with pytest.raises(ExternalChangeError):
        session.save()


def test_a_save_during_loading_is_an_external_change(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another editor's save that lands while this one parses (seconds, for a big
    matrix) is caught: the fingerprint is of the text parsed, not a second read."""
    parse = store.parse

    def slow_parse(text: str, where: Any = "<matrix>") -> dict[str, Any]:
        path.write_text(text.replace('"T"', '"Saved meanwhile"'), encoding="utf-8")
        return parse(text, where)

    monkeypatch.setattr(store, "parse", slow_parse)
    session = Session.open(path)
    monkeypatch.setattr(store, "parse", parse)
    assert session.data["title"] == "T"
    assert session.disk_changed()
    session.rate("E2", "H1", "CC")
    with pytest.raises(ExternalChangeError):
        session.save()
    assert store.load_data(path)["title"] == "Saved meanwhile"


def test_a_save_retires_only_its_own_recovery_file(path: Path) -> None:
    """Two editors: B is stopped and leaves its unsaved work in the recovery file;
    A's save must not delete it.  B's own save (after restoring) does."""
    a, b = Session.open(path), Session.open(path)
    b.rate("E2", "H3", "II")
    written = b.write_recovery()
    assert written is not None
    a.rate("E1", "H3", "N")
    a.save()
    assert written.exists(), "another editor's unsaved work is kept"
    again = Session.open(path)
    again.restore_recovery()
    assert again.code("E2", "H3") == "II"
    assert again.code("E1", "H3") is None, "the recovery is B's matrix, from before A's save"
    with pytest.raises(ExternalChangeError):
        again.save()  # so saving it would undo A's save: asked first
    assert written.exists()
    again.save(force=True)
    assert not written.exists(), "the editor that restored it retires it"


def test_restored_work_saves_without_a_question_when_the_file_is_as_it_was(
    path: Path,
) -> None:
    b = Session.open(path)
    b.rate("E2", "H3", "II")
    b.write_recovery()
    again = Session.open(path)
    again.restore_recovery()
    again.save()
    assert store.load_data(path)["ratings"]["lead"]["E2"]["H3"] == "II"


def test_reload_takes_the_disk_version(path: Path) -> None:
    session = Session.open(path)
    session.rate("E2", "H1", "CC")
    path.write_text(path.read_text(encoding="utf-8").replace('"T"', '"Other"'), encoding="utf-8")
    session.reload()
    assert session.data["title"] == "Other"
    assert not session.dirty
    assert session.undo() is None, "nothing to undo"


def test_example_needs_a_path_and_recovers_to_the_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    session = Session.example()
    assert session.needs_path
    session.rate("E1", "H1", "II")
    with pytest.raises(NeedsPathError):
        session.save()
    written = session.write_recovery()
    assert written == tmp_path / "state" / "achbench" / "kazakhstan-2022.recover.toml"
    assert example_path().parent not in written.parents


def test_recovery_file_round_trip(path: Path) -> None:
    session = Session.open(path)
    assert session.write_recovery() is None, "nothing unsaved, nothing written"
    session.rate("E2", "H3", "II")
    written = session.write_recovery()
    assert written == recovery_path(path) == path.parent / ".m.recover.toml"
    assert written.stat().st_mode & 0o777 == 0o600
    again = Session.open(path)
    assert again.pending_recovery() == written
    again.restore_recovery()
    assert again.code("E2", "H3") == "II"
    assert again.dirty
    again.save()
    assert again.pending_recovery() is None


def test_new_matrix_is_not_saved_until_it_has_a_hypothesis(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    session = Session.new(target, "Question")
    assert session.dirty
    with pytest.raises(MatrixFileError, match="at least one hypothesis"):
        session.save()
    assert not target.exists()
    assert session.write_recovery() is not None, "even an invalid matrix is kept"
    session.add_hypothesis("H1", {"title": "First"})
    session.save()
    assert store.load_data(target)["hypotheses"] == {"H1": {"title": "First"}}


def test_the_fingerprint_is_of_the_bytes_written(path: Path) -> None:
    """A save takes the fingerprint of what it wrote (from ``write_atomic``): the file
    is its own again, and any later change to it is someone else's."""
    session = Session.open(path)
    session.rate("E2", "H1", "CC")
    session.save()
    assert session.document.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not session.disk_changed()
    path.write_bytes(path.read_bytes() + b"\n")
    assert session.disk_changed()

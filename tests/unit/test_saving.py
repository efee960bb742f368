"""Saving in the background (editing.saving, Session.start_save): the file holds the
matrix as it was when the save began, and what the child refuses comes back."""

from __future__ import annotations

from pathlib import Path

import pytest

from achbench.core.errors import MatrixFileError
from achbench.editing import saving
from achbench.editing.document import read_matrix
from achbench.editing.session import Session
from achbench.store import toml as store
from achbench.store.atomic import fingerprint
from tests.helpers import small_matrix


def test_a_background_save_writes_the_matrix_as_it_was_when_it_began(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    store.save(small_matrix(), path)
    data, _ = read_matrix(path)
    target = tmp_path / "out.toml"
    wait = saving.start_save(data, target)
    data["title"] = "Changed after the save began"
    written = wait()
    assert written.sha256 == fingerprint(target.read_bytes())
    assert read_matrix(target)[0]["title"] == small_matrix()["title"]


def test_a_background_save_brings_back_the_problems_of_an_invalid_matrix(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    store.save(small_matrix(), path)
    data, _ = read_matrix(path)
    data["format"] = "achbench/999"
    target = tmp_path / "out.toml"
    with pytest.raises(MatrixFileError) as caught:
        saving.start_save(data, target)()
    assert caught.value.problems, "the problems travel back, not just a message"
    assert not target.exists(), "nothing is written"


def test_session_start_save_keeps_edits_made_meanwhile_unsaved(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    store.save(small_matrix(), path)
    session = Session.open(path)
    hypothesis = next(iter(session.hypotheses))
    evidence = next(iter(session.evidence))
    session.rate(evidence, hypothesis, "CC")
    wait = session.start_save()
    session.rate(evidence, hypothesis, "II")
    record = wait()
    assert record() == path
    assert session.dirty, "the rating made during the save is not in the file"
    assert read_matrix(path)[0]["ratings"][session.analyst][evidence][hypothesis] == "CC"
    assert not session.disk_changed(), "the session knows the file it wrote"
    session.save()
    assert not session.dirty


def test_after_a_background_save_the_base_of_a_merge_is_the_file_written(tmp_path: Path) -> None:
    """The base comes back from the saving child as the text it wrote (no copy of the
    matrix on the editor's thread): a merge then takes another editor's change and
    keeps ours, with no conflict."""
    path = tmp_path / "m.toml"
    store.save(small_matrix(), path)
    ours = Session.open(path)
    hypotheses = list(ours.hypotheses)
    items = list(ours.evidence)
    ours.rate(items[0], hypotheses[0], "CC")
    record = ours.start_save()()
    assert record() == path
    assert ours.base == read_matrix(path)[0]
    assert ours.base is not ours.data
    theirs = Session.open(path)
    theirs.rate(items[-1], hypotheses[-1], "II")
    theirs.save()
    ours.rate(items[0], hypotheses[-1], "NA")
    _, conflicts = ours.merge_from_disk()
    assert conflicts == 0
    assert ours.code(items[0], hypotheses[0]) == "CC"
    assert ours.code(items[-1], hypotheses[-1]) == "II"
    assert ours.code(items[0], hypotheses[-1]) == "NA"


def test_work_computed_in_a_child_sees_the_data_as_it_was_and_reports_failure() -> None:
    from achbench.editing.snapshot import compute_in_child

    data = {"items": [3, 1, 2]}
    wait = compute_in_child(lambda: sorted(data["items"]))
    data["items"].append(0)  # after the fork: the child never sees it
    assert wait() == [1, 2, 3] or not saving.FORKS
    with pytest.raises((RuntimeError, ZeroDivisionError)):
        compute_in_child(lambda: 1 // 0)()

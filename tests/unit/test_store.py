"""Saving: the spec's layout, byte-stable, atomic, permission-keeping, lossless."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from achbench.core.errors import MatrixFileError, SaveError
from achbench.core.model import Matrix
from achbench.store.atomic import TEMP_SUFFIX
from achbench.store.toml import canonical, dumps, load_data, save
from tests.helpers import small_matrix
from tests.strategies import matrices

SPEC_EXAMPLE = """format = "achbench/1"
title = "Kazakhstan unrest, January 2022"
question = "What best explains the unrest in Kazakhstan in the first week of January 2022?"
analyst = "lead"

[hypotheses.H1]
title = "Spontaneous protest"
description = "A popular reaction to the fuel price rise that escalated on its own."

[hypotheses.H2]
title = "Elite power struggle"

[evidence.E1]
title = "LPG price roughly doubled on 1 January 2022"
source = "kazakhstan-2022.txt, 'Wrap-up of unrest'"
date = 2022-01-01
kind = "fact"
credibility = "high"
relevance = "high"

[ratings.lead.E1]
H1 = "CC"
H2 = "N"
"""


def test_the_spec_example_round_trips_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC_EXAMPLE, encoding="utf-8")
    save(load_data(path), path)
    assert path.read_text(encoding="utf-8") == SPEC_EXAMPLE


def test_keys_are_written_in_the_spec_order_whatever_the_input_order(tmp_path: Path) -> None:
    data = {
        "ratings": {"lead": {"E1": {"H2": "N", "H1": "CC"}}},
        "evidence": {
            "E1": {
                "relevance": "high",
                "title": "LPG price roughly doubled on 1 January 2022",
                "credibility": "high",
                "kind": "fact",
                "date": tomllib.loads("d = 2022-01-01")["d"],
                "source": "kazakhstan-2022.txt, 'Wrap-up of unrest'",
            }
        },
        "hypotheses": {
            "H1": {
                "description": "A popular reaction to the fuel price rise that escalated on its own.",
                "title": "Spontaneous protest",
            },
            "H2": {"title": "Elite power struggle"},
        },
        "analyst": "lead",
        "question": "What best explains the unrest in Kazakhstan in the first week of January 2022?",
        "title": "Kazakhstan unrest, January 2022",
        "format": "achbench/1",
    }
    path = save(data, tmp_path / "ordered.toml").path
    assert path.read_text(encoding="utf-8") == SPEC_EXAMPLE


def test_one_rating_changes_one_line(tmp_path: Path, example_path: Path) -> None:
    matrix = load_data(example_path)
    path = save(matrix, tmp_path / "a.toml").path
    before = path.read_text(encoding="utf-8").splitlines()
    matrix["ratings"]["lead"]["E3"]["H2"] = "II"
    save(matrix, path)
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [('H2 = "C"', 'H2 = "II"')]


def test_saving_twice_gives_identical_bytes(tmp_path: Path, example_path: Path) -> None:
    first = save(load_data(example_path), tmp_path / "one.toml").path.read_bytes()
    second = save(load_data(tmp_path / "one.toml"), tmp_path / "two.toml").path.read_bytes()
    assert first == second
    assert first == example_path.read_bytes(), "the bundled example is kept in canonical form"


def test_save_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    save(small_matrix(), path)
    os.chmod(path, 0o640)
    save(small_matrix(title="Changed"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_data(path)["title"] == "Changed"


def test_save_writes_a_temp_file_in_the_same_folder_then_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: Any) -> None:
        seen.append((str(src), str(dst)))
        assert Path(src).read_bytes() == dumps(small_matrix()).encode()
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    save(small_matrix(), tmp_path / "m.toml")
    [(src, dst)] = seen
    assert Path(src).parent == tmp_path
    assert src.endswith(TEMP_SUFFIX)
    assert dst == str(tmp_path / "m.toml")
    assert list(tmp_path.iterdir()) == [tmp_path / "m.toml"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save(small_matrix(), tmp_path / "m.toml").path
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(SaveError, match="No space left on device; the file is unchanged"):
        save(small_matrix(title="New"), path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_an_invalid_matrix_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    path = save(small_matrix(), tmp_path / "m.toml").path
    before = path.read_bytes()
    broken = small_matrix()
    broken["ratings"]["lead"]["E1"]["H9"] = "C"
    with pytest.raises(MatrixFileError, match="rates hypothesis 'H9'"):
        save(broken, path)
    assert path.read_bytes() == before


def test_stale_temp_files_of_dead_savers_are_cleaned_at_the_next_save(tmp_path: Path) -> None:
    path = save(small_matrix(), tmp_path / "m.toml").path
    stale = tmp_path / f".m.toml.999999999.abc{TEMP_SUFFIX}"
    stale.write_text("half a matrix", encoding="utf-8")
    save(small_matrix(title="Again"), path)
    assert not stale.exists()


def test_save_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    real = save(small_matrix(), tmp_path / "real.toml").path
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    save(small_matrix(title="Via link"), link)
    assert link.is_symlink()
    assert load_data(real)["title"] == "Via link"


def test_model_and_data_views_agree(example_path: Path) -> None:
    data = load_data(example_path)
    matrix = Matrix.model_validate(data)
    assert canonical(matrix.model_dump(exclude_unset=True, exclude_none=True)) == canonical(data)
    assert matrix.model_dump(exclude_unset=True, exclude_none=True) == data


def test_multiline_notes_are_written_as_multiline_strings(tmp_path: Path) -> None:
    data = small_matrix()
    data["evidence"]["E1"]["notes"] = "First line.\nSecond line."
    text = save(data, tmp_path / "m.toml").path.read_text(encoding="utf-8")
    assert 'notes = """\nFirst line.\nSecond line."""' in text


def _with_additions() -> dict[str, Any]:
    data = small_matrix()
    data["evidence"]["E1"].update(
        {"status": "pending", "assumes": ["A1"], "grade": "2", "cites": "S1", "notes": "N"}
    )
    data["resolution"] = {"notes": "Known", "hypothesis": "H2"}
    data["judgements"] = {"lead": {"H3": 0.1, "H1": 0.6, "H2": 0.3}}
    data["rationale"] = {"lead": {"E2": {"H1": "Two\nlines"}, "E1": {"H3": "Why", "H1": "Fits"}}}
    data["assumptions"] = {"A1": {"hypotheses": ["H2"], "title": "Rivals"}}
    data["sources"] = {"S1": {"reliability": "F", "title": "Commentary"}}
    return data


def test_the_additions_are_written_in_the_spec_order(tmp_path: Path) -> None:
    text = save(_with_additions(), tmp_path / "m.toml").path.read_text(encoding="utf-8")
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert headers == [
        *(f"[hypotheses.H{i}]" for i in (1, 2, 3)),
        *(f"[evidence.E{i}]" for i in (1, 2, 3)),
        "[sources.S1]",
        "[assumptions.A1]",
        *(f"[ratings.lead.E{i}]" for i in (1, 2, 3)),
        "[rationale.lead.E1]",
        "[rationale.lead.E2]",
        "[judgements.lead]",
        "[resolution]",
    ]
    evidence = text[text.index("[evidence.E1]") : text.index("[evidence.E2]")]
    assert evidence.split("\n")[1:-2] == [
        'title = "One"',
        'credibility = "high"',
        'relevance = "high"',
        'notes = "N"',
        'cites = "S1"',
        'grade = "2"',
        "assumes = [",
        '    "A1",',
        "]",
        'status = "pending"',
    ]
    assert '[sources.S1]\ntitle = "Commentary"\nreliability = "F"\n' in text
    assert "[judgements.lead]\nH1 = 0.6\nH2 = 0.3\nH3 = 0.1\n" in text
    assert '[resolution]\nhypothesis = "H2"\nnotes = "Known"\n' in text


def test_each_rationale_note_is_one_line_as_each_rating_is(tmp_path: Path) -> None:
    path = save(_with_additions(), tmp_path / "m.toml").path
    text = path.read_text(encoding="utf-8")
    assert '[rationale.lead.E1]\nH1 = "Fits"\nH3 = "Why"\n\n[rationale.lead.E2]\n' in text
    assert 'H1 = "Two\\nlines"\n' in text  # a line break is escaped, not a multi-line string
    assert load_data(path)["rationale"]["lead"]["E2"]["H1"] == "Two\nlines"
    data = load_data(path)
    data["rationale"]["lead"]["E1"]["H3"] = "Changed"
    changed = save(data, tmp_path / "n.toml").path.read_text(encoding="utf-8")
    assert [
        (a, b) for a, b in zip(text.splitlines(), changed.splitlines(), strict=True) if a != b
    ] == [('H3 = "Why"', 'H3 = "Changed"')]


def test_a_file_without_the_additions_is_written_as_before(example_path: Path) -> None:
    assert dumps(load_data(example_path)) == example_path.read_text(encoding="utf-8")


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_any_valid_matrix_survives_save_load_save(tmp_path_factory: Any, data: dict) -> None:
    folder = tmp_path_factory.mktemp("prop")
    path = save(data, folder / "m.toml").path
    first = path.read_bytes()
    loaded = load_data(path)
    assert loaded == canonical(data)
    save(load_data(path), path)
    assert path.read_bytes() == first


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_fast_schema_and_models_accept_the_same_valid_data(data: dict) -> None:
    from achbench.core.validate import validate_data

    assert validate_data(data) is data
    Matrix.model_validate(data)


def test_pooling_keeps_each_files_rationale_and_judgements_with_its_ratings(
    tmp_path: Path,
) -> None:
    from achbench.store.pool import load_pooled

    ann = small_matrix(
        rationale={"lead": {"E1": {"H1": "Ann's"}}}, judgements={"lead": {"H1": 1.0}}
    )
    bob = small_matrix(
        rationale={"lead": {"E1": {"H1": "Bob's"}}}, judgements={"lead": {"H2": 1.0}}
    )
    bob["ratings"]["lead"]["E1"]["H1"] = "N"
    save(ann, tmp_path / "ann.toml")
    save(bob, tmp_path / "bob.toml")
    pooled = load_pooled([tmp_path / "ann.toml", tmp_path / "bob.toml"])
    assert list(pooled["ratings"]) == ["lead", "lead@bob"]
    assert pooled["rationale"] == {
        "lead": {"E1": {"H1": "Ann's"}},
        "lead@bob": {"E1": {"H1": "Bob's"}},
    }
    assert pooled["judgements"] == {"lead": {"H1": 1.0}, "lead@bob": {"H2": 1.0}}


def test_parts_read_once_are_shared_by_later_versions_with_the_same_text(
    example_path: Path,
) -> None:
    """``parse(..., parts)`` (used by ``history``) gives what a plain parse gives, and
    reads the tables around the ratings once for versions that change only ratings."""
    from achbench.store.toml import parse

    text = example_path.read_text(encoding="utf-8")
    changed = text.replace('= "C"\n', '= "CC"\n', 1)
    assert changed != text
    parts: dict[str, dict[str, object]] = {}
    first = parse(text, "v1", parts)
    second = parse(changed, "v2", parts)
    assert first == parse(text)
    assert second == parse(changed)
    assert second["evidence"] is first["evidence"]
    assert first["ratings"] != second["ratings"]


def test_versions_of_one_matrix_share_their_tables_and_are_each_checked(
    tmp_path: Path, example_path: Path
) -> None:
    """``diff`` and ``merge`` read their files with one ``VersionReader``: tables with
    the same text are read once, and each version is still validated in full."""
    from achbench.store.versions import VersionReader

    text = example_path.read_text(encoding="utf-8")
    first, second, broken = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "c.toml"
    first.write_text(text, encoding="utf-8")
    second.write_text(text.replace('= "C"\n', '= "CC"\n', 1), encoding="utf-8")
    broken.write_text(text.replace('= "C"\n', '= "maybe"\n', 1), encoding="utf-8")
    reader = VersionReader()
    a, b = reader.load(first), reader.load(second)
    assert a == load_data(first)
    assert b == load_data(second)
    assert b["evidence"] is a["evidence"]
    assert a["ratings"] != b["ratings"]
    with pytest.raises(MatrixFileError, match="maybe"):
        reader.load(broken)

"""Issue 12, point 5: answers that help, where the first version's did not.

Each test failed on the code before the fix: a typo took for a file, a CSV file
read as broken TOML with no word of `import`, a missing file with no word of
`new`, a flag that silently did nothing, repeated labels, "1 evidence items",
float noise in CSV, an empty table, and README paths outside the repository.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from achbench.cli import main
from achbench.store.toml import save
from tests.helpers import EXAMPLE, ROOT, small_matrix


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(path: Path, data: dict[str, Any]) -> Path:
    save(data, path)
    return path


# --- a typo is not a file ------------------------------------------------------------


@pytest.mark.parametrize(("typed", "meant"), [("rnak", "rank"), ("chek", "check"), ("nwe", "new")])
def test_a_misspelt_command_is_named_not_opened(typed: str, meant: str) -> None:
    result = invoke(typed, str(EXAMPLE))
    assert result.exit_code == 2
    assert f"No such command '{typed}'. Did you mean '{meant}'?" in result.stderr
    assert "achbench edit" not in result.output


def test_a_word_that_is_a_file_is_still_opened_not_corrected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from achbench.cli.app import misspelt_command

    monkeypatch.chdir(tmp_path)
    assert misspelt_command("rnak") == "rank"
    (tmp_path / "rnak").write_text("", encoding="utf-8")
    assert misspelt_command("rnak") is None
    assert misspelt_command("rank") is None
    assert misspelt_command("new.toml") is None
    assert misspelt_command("zzzzzz") is None


# --- a file for `import` given to a reading command ---------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".achz"])
def test_a_file_to_import_given_to_rank_points_to_import(tmp_path: Path, suffix: str) -> None:
    grid = tmp_path / f"grid{suffix}"
    grid.write_text("hypothesis,E1\nH1,CC\n", encoding="utf-8")
    result = invoke("rank", str(grid))
    assert result.exit_code == 2
    assert f"convert it with `achbench import {grid}`" in result.stderr
    check = invoke("check", str(grid))
    assert check.exit_code == 2
    assert "achbench import" in check.stderr


def test_a_spreadsheet_given_to_rank_says_to_save_it_as_csv(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK\x03\x04 not a matrix")
    result = invoke("rank", str(book))
    assert result.exit_code == 2
    assert "save it as CSV" in result.stderr


def test_import_itself_gives_no_import_hint(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = invoke("import", str(broken))
    assert result.exit_code == 2
    assert "hint" not in result.stderr


# --- a missing file: `new` -----------------------------------------------------------------


def test_a_missing_file_suggests_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("new.toml")
    assert result.exit_code == 2
    assert "new.toml: no such file; to start a new matrix there, run `achbench new new.toml`" in (
        result.stderr
    )


# --- --hide-nondiagnostic does something, or says why not ---------------------------------


def _with_flat_item(tmp_path: Path) -> Path:
    data = small_matrix()
    data["ratings"]["lead"]["E2"] = {"H1": "N", "H2": "N", "H3": "N"}
    return write(tmp_path / "m.toml", data)


def test_hide_nondiagnostic_without_sort_lists_the_evidence_without_the_flat_items(
    tmp_path: Path,
) -> None:
    path = _with_flat_item(tmp_path)
    for fmt in ("table", "markdown"):
        shown = invoke("rank", str(path), "-f", fmt, "--hide-nondiagnostic")
        assert shown.exit_code == 0, shown.output
        assert "Evidence under heuer (file order)" in shown.stdout
        assert "One" in shown.stdout  # E1, diagnostic
        assert "Two" not in shown.stdout  # E2, rated alike for every hypothesis
    plain = invoke("rank", str(path))
    assert "Evidence under" not in plain.stdout


def test_hide_nondiagnostic_with_csv_is_refused(tmp_path: Path) -> None:
    result = invoke("rank", str(_with_flat_item(tmp_path)), "-f", "csv", "--hide-nondiagnostic")
    assert result.exit_code == 2
    assert "--hide-nondiagnostic hides the evidence, which the csv output does not hold" in (
        result.stderr
    )


# --- diff says each label once --------------------------------------------------------------


def test_diff_text_names_a_changed_matrix_field_once(tmp_path: Path) -> None:
    old = write(tmp_path / "old.toml", small_matrix(question="Why?"))
    long_question = "Why, really? " * 10
    new = write(tmp_path / "new.toml", small_matrix(title="Smaller", question=long_question))
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 1
    assert "Question question" not in result.stdout
    assert "Title retitled" not in result.stdout
    assert '\nTitle: "Small" -> "Smaller"\n' in result.stdout
    assert "\nQuestion:\n  - Why?\n" in result.stdout


# --- one evidence item, one hypothesis ----------------------------------------------------


def test_counts_of_one_are_singular(tmp_path: Path) -> None:
    data = small_matrix(
        hypotheses={"H1": {"title": "Only"}},
        evidence={"E1": {"title": "Sole"}},
        ratings={"lead": {"E1": {"H1": "C"}}},
    )
    path = write(tmp_path / "one.toml", data)
    checked = invoke("check", str(path))
    assert checked.stdout == f"{path}: ok (1 hypothesis, 1 evidence item, 1 analyst)\n"
    ranked = invoke("rank", str(path))
    assert "1 evidence item," in ranked.stdout
    assert "items" not in ranked.stdout
    out = tmp_path / "back.toml"
    exported = invoke("export", str(path), "--to", "json", "-o", str(tmp_path / "one.json"))
    assert exported.exit_code == 0
    imported = invoke("import", str(tmp_path / "one.json"), "-o", str(out))
    assert f"wrote {out} (1 hypothesis, 1 evidence item)" in imported.stderr


# --- CSV scores without float noise -------------------------------------------------------


def test_weighted_csv_scores_are_rounded(tmp_path: Path) -> None:
    evidence = {
        f"E{i}": {"title": f"T{i}", "credibility": "low", "relevance": "low"} for i in (1, 2)
    }
    data = small_matrix(
        hypotheses={"H1": {"title": "x"}, "H2": {"title": "y"}},
        evidence=evidence,
        ratings={"lead": {e: {"H1": "II", "H2": "C"} for e in evidence}},
    )
    path = write(tmp_path / "w.toml", data)
    table = invoke("rank", str(path), "-m", "weighted", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["score"] for r in rows] == ["0.0", "2.0"]  # 1.9999999999999996 before
    assert "99999" not in table
    exact = invoke("rank", str(path), "-m", "weighted", "-f", "json").stdout
    assert "1.9999999999999996" in exact  # JSON keeps every digit


# --- sensitivity never prints an empty table ---------------------------------------------


def test_sensitivity_says_why_the_leave_one_out_list_is_empty() -> None:
    result = invoke("sensitivity", str(EXAMPLE), "-m", "bayes")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    start = lines.index("Leave one out")
    # The official coup line's seven items are one origin, left out together.
    said = " ".join(lines[start + 1 : start + 4])
    assert said.startswith(
        "Of 31 items from 25 independent origins, "
        "0 change the leader when removed, 0 change only other ranks, 25 change nothing"
    )
    assert not re.search(r"Evidence +Title +Effect", result.stdout)
    listed = invoke("sensitivity", str(EXAMPLE), "-m", "bayes", "--all")
    assert re.search(r"Evidence +Title +Effect", listed.stdout)


# --- the README names only paths that are in the repository ---------------------------------


def test_the_readme_names_no_path_outside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "shared/" not in readme
    for path in re.findall(r"`((?:matrices|docs|tests|benchmarks|src)/[^`*\s]+)`", readme):
        assert (ROOT / path).exists(), path

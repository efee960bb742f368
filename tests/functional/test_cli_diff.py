"""`achbench diff`, `merge` and `check` on recorded conflicts, as users see them."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from achbench.cli import main
from achbench.cli.diff import want_color
from achbench.store.toml import load_data, save
from achbench.versioning.diff import apply_patch
from tests.helpers import DATA, small_matrix

ESC = "\x1b["


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["hypotheses"]["H2"]["title"] = "Second, renamed"
    new["evidence"]["E4"] = {"title": "Four", "source": "a report"}
    new["ratings"]["lead"]["E1"]["H2"] = "C"  # H2 becomes the sole leader
    new["evidence"]["E3"]["credibility"] = "high"
    return save(old, tmp_path / "old.ach.toml").path, save(new, tmp_path / "new.ach.toml").path


def test_text_report_names_every_change_and_the_new_leader(pair: tuple[Path, Path]) -> None:
    old, new = pair
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 1
    out = result.stdout
    assert ESC not in out  # not a terminal: plain
    assert '~ H2 retitled: "Second" -> "Second, renamed"' in out
    assert "+ E4  Four" in out
    assert "source: a report" in out
    assert '~ E3 (Three) credibility: "low" -> "high"' in out
    assert "H2 Second, renamed: I -> C" in out
    assert "The lead changes: H1 (First) and H2 (Second, renamed) -> H2 (Second, renamed)" in out
    assert "1 -> 2  H1" in out


def test_text_and_markdown_reports_name_the_additions(tmp_path: Path) -> None:
    old = small_matrix(
        sources={"S1": {"title": "Commentary"}},
        judgements={"lead": {"H1": 0.5, "H2": 0.5}},
        rationale={"lead": {"E1": {"H1": "Fits"}}},
    )
    new = copy.deepcopy(old)
    new["sources"]["S1"]["reliability"] = "F"
    new["assumptions"] = {"A1": {"title": "Rivals"}}
    new["evidence"]["E1"]["assumes"] = ["A1"]
    new["judgements"]["lead"] = {"H1": 0.2, "H2": 0.8}
    new["rationale"]["lead"]["E1"]["H1"] = "Fits well"
    new["rationale"]["bob"] = {"E2": {"H3": "Bob's"}}
    new["resolution"] = {"hypothesis": "H2"}
    old_path = save(old, tmp_path / "old.toml").path
    new_path = save(new, tmp_path / "new.toml").path
    text = invoke("diff", str(old_path), str(new_path)).stdout
    assert (
        "1 evidence item changed; 1 source changed; 1 assumption added; "
        "1 analyst's judgements changed; rationale analysts +1 -0; "
        "2 rationale notes changed; resolution changed"
    ) in text
    for line in (
        '  ~ E1 (One) assumes: (unset) -> ["A1"]',
        '  ~ S1 (Commentary) reliability: (unset) -> "F"',
        "  + A1  Rivals",
        "  ~ lead H1: 0.5 -> 0.2",
        "Rationale (2 notes changed)",
        "  + bob (1 note)",
        '      H1 First: "Fits" -> "Fits well"',
        '      H3 Third: (unset) -> "Bob\'s"',
        "Resolution",
        '  hypothesis: (unset) -> "H2"',
    ):
        assert line in text.splitlines(), line
    markdown = invoke("diff", str(old_path), str(new_path), "--format", "markdown").stdout
    assert '| lead | E1 One | H1 First | "Fits" | "Fits well" |' in markdown
    assert '- **hypothesis**: `(unset)` → `"H2"`' in markdown
    patch = json.loads(invoke("diff", str(old_path), str(new_path), "--format", "json").stdout)
    assert apply_patch(load_data(old_path), patch) == load_data(new_path)


def test_same_content_exits_0_and_says_so(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = pair
    copy_path = tmp_path / "copy.toml"
    copy_path.write_text(old.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    result = invoke("diff", str(old), str(copy_path))
    assert result.exit_code == 0
    assert "No differences: the two files hold the same matrix." in result.stdout


def test_a_file_against_itself_exits_0_and_says_so(pair: tuple[Path, Path]) -> None:
    old, _ = pair
    result = invoke("diff", str(old), str(old))
    assert result.exit_code == 0
    assert result.stdout == f"{old} and {old} are the same file: no differences.\n"
    assert invoke("diff", str(old), str(old), "--format", "json").exit_code == 0


@pytest.mark.parametrize("bad", ["not_toml.toml", "unknown_evidence_key.toml", "empty.toml"])
def test_a_file_that_does_not_load_gives_the_located_error_and_exit_2(
    pair: tuple[Path, Path], bad: str
) -> None:
    old, _ = pair
    path = DATA / "bad" / bad
    diffed = invoke("diff", str(old), str(path))
    checked = invoke("check", str(path))
    assert diffed.exit_code == 2
    assert diffed.stdout == ""
    assert diffed.stderr == checked.stderr
    assert diffed.stderr.startswith(str(path))
    assert "Traceback" not in diffed.output


def test_json_diff_applied_to_old_gives_new(pair: tuple[Path, Path]) -> None:
    old, new = pair
    result = invoke("diff", str(old), str(new), "--format", "json", "--method", "weighted")
    assert result.exit_code == 1
    patch = json.loads(result.stdout)
    assert patch["format"] == "achbench-diff/1"
    assert (patch["old"], patch["new"]) == (str(old), str(new))
    assert patch["conclusion"]["method"] == "weighted"
    assert apply_patch(load_data(old), patch) == load_data(new)


def test_markdown_report(pair: tuple[Path, Path]) -> None:
    old, new = pair
    result = invoke("diff", str(old), str(new), "--format", "markdown")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith(f"## achbench diff: `{old}` → `{new}`")
    assert "**The lead changes:" in out
    assert "| lead | E1 One | H2 Second, renamed | I | C |" in out
    assert '- **retitled** H2: `"Second"` → `"Second, renamed"`' in out
    assert "| H1 | First | 1 | 2 |" in out


def test_colour_only_when_asked_or_on_a_terminal_without_no_color(
    pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = pair
    assert ESC in invoke("diff", str(old), str(new), "--color", "always").stdout

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert want_color("auto", Terminal())
    assert not want_color("auto", io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not want_color("auto", Terminal())
    assert not want_color("never", Terminal())


# --- merge --------------------------------------------------------------------------------


def _three(tmp_path: Path, ours_cell: str, theirs_cell: str) -> tuple[Path, Path, Path]:
    base = small_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["ratings"]["lead"]["E2"]["H1"] = ours_cell
    theirs["ratings"]["lead"]["E2"]["H1"] = theirs_cell
    theirs["evidence"]["E4"] = {"title": "Theirs"}
    return (
        save(base, tmp_path / "base.ach.toml").path,
        save(ours, tmp_path / "ours.ach.toml").path,
        save(theirs, tmp_path / "theirs.ach.toml").path,
    )


def test_clean_merge_writes_over_ours_by_default(tmp_path: Path) -> None:
    base, ours, theirs = _three(tmp_path, "CC", "N")  # theirs left the cell as in base
    before = ours.read_bytes()
    result = invoke("merge", str(base), str(ours), str(theirs))
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "ours.ach.toml.orig").read_bytes() == before  # the way back
    merged = load_data(ours)
    assert merged["ratings"]["lead"]["E2"]["H1"] == "CC"
    assert "E4" in merged["evidence"]
    assert invoke("check", str(ours)).exit_code == 0


def test_conflicts_exit_1_listed_on_stderr_recorded_and_flagged_by_check(tmp_path: Path) -> None:
    base, ours, theirs = _three(tmp_path, "CC", "II")
    out = tmp_path / "merged.ach.toml"
    before = ours.read_bytes()
    result = invoke("merge", str(base), str(ours), str(theirs), "-o", str(out))
    assert result.exit_code == 1
    assert ours.read_bytes() == before  # -o: ours untouched
    assert (
        f"{out}: conflict: ratings.lead.E2.H1: base 'N', ours 'CC' (kept), theirs 'II'"
        in result.stderr
    )
    merged = load_data(out)  # a valid matrix the editor can open
    assert merged["ratings"]["lead"]["E2"]["H1"] == "CC"
    assert "E4" in merged["evidence"]  # the clean part of theirs is in
    checked = invoke("check", str(out))
    assert checked.exit_code == 2
    line = out.read_text(encoding="utf-8").splitlines().index("[conflicts.C1]") + 1
    assert checked.stderr.startswith(f"{out}:{line}:1: conflicts.C1: unresolved merge conflict")
    # Resolving: delete the record (keeping ours); check passes.
    data: dict[str, Any] = load_data(out)
    del data["conflicts"]
    save(data, out)
    assert invoke("check", str(out)).exit_code == 0


def test_merge_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    base, ours, _ = _three(tmp_path, "CC", "II")
    before = ours.read_bytes()
    bad = DATA / "bad" / "unknown_rating_code.toml"
    result = invoke("merge", str(base), str(ours), str(bad))
    assert result.exit_code == 2
    assert result.stderr == invoke("check", str(bad)).stderr
    assert ours.read_bytes() == before


def test_merge_with_an_empty_base_merges_two_additions(tmp_path: Path) -> None:
    _, ours, theirs = _three(tmp_path, "CC", "CC")
    empty = tmp_path / "empty"
    empty.write_text("", encoding="utf-8")
    result = invoke("merge", str(empty), str(ours), str(theirs), "-o", str(tmp_path / "m.toml"))
    assert result.exit_code == 0, result.output
    assert "E4" in load_data(tmp_path / "m.toml")["evidence"]


def test_check_reads_strictly_inside_conflict_records(tmp_path: Path) -> None:
    path = tmp_path / "m.ach.toml"
    text = save(small_matrix(), path).path.read_text(encoding="utf-8")
    path.write_text(text + '\n[conflicts.C1]\nkey = "title"\nours = [1]\nwho = "x"\n', "utf-8")
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert (
        "conflicts.C1.ours: expected a string, boolean, number, date, array of strings "
        "or a table of those, got an array holding something else" in result.stderr
    )
    assert "conflicts.C1.who: unknown key 'who'" in result.stderr


def test_a_clean_merge_says_when_older_conflict_records_remain(tmp_path: Path) -> None:
    base, ours, theirs = _three(tmp_path, "CC", "N")
    data = load_data(ours)
    data["conflicts"] = {"C1": {"key": "title", "base": "a", "ours": "b", "theirs": "c"}}
    save(data, ours)
    result = invoke("merge", str(base), str(ours), str(theirs))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{ours}: still holds 1 unresolved conflict record from an earlier merge "
        "(achbench check lists them)\n"
    )


def test_merge_refuses_another_matrix_before_writing_anything(
    tmp_path: Path, example_path: Path
) -> None:
    # Issue 12: THEIRS from another matrix rewrote OURS with 28 of 31 items gone.
    base = tmp_path / "base.toml"
    ours = tmp_path / "ours.toml"
    base.write_bytes(example_path.read_bytes())
    ours.write_bytes(example_path.read_bytes())
    theirs = save(small_matrix(), tmp_path / "theirs.toml").path
    before = ours.read_bytes()
    result = invoke("merge", str(base), str(ours), str(theirs))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{theirs}: not a version of the same matrix as {base}: ")
    assert "nothing was written" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert ours.read_bytes() == before
    assert not (tmp_path / "ours.toml.orig").exists()


def test_merge_takes_a_branch_that_adds_and_removes_some_items(tmp_path: Path) -> None:
    base_data = small_matrix()
    theirs_data = copy.deepcopy(base_data)
    del theirs_data["evidence"]["E3"], theirs_data["ratings"]["lead"]["E3"]
    theirs_data["evidence"]["E9"] = {"title": "New"}
    base = save(base_data, tmp_path / "base.toml").path
    ours = save(copy.deepcopy(base_data), tmp_path / "ours.toml").path
    theirs = save(theirs_data, tmp_path / "theirs.toml").path
    result = invoke("merge", str(base), str(ours), str(theirs), "-o", str(tmp_path / "out.toml"))
    assert result.exit_code == 0, result.output
    assert list(load_data(tmp_path / "out.toml")["evidence"]) == ["E1", "E2", "E9"]


def test_merge_refuses_a_read_only_output_without_force(tmp_path: Path) -> None:
    base, ours, theirs = _three(tmp_path, "CC", "N")
    out = tmp_path / "out.toml"
    out.write_bytes(ours.read_bytes())
    out.chmod(0o444)
    result = invoke("merge", str(base), str(ours), str(theirs), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{out}: is read-only (mode 0444); use --force to replace it; the file is unchanged\n"
    )
    result = invoke("merge", str(base), str(ours), str(theirs), "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o444
    assert "E4" in load_data(out)["evidence"]


@pytest.mark.parametrize(
    "command", [("rank",), ("sensitivity",), ("report", "--format", "markdown")]
)
def test_results_from_a_file_with_conflicts_warn_on_stderr(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    base, ours, theirs = _three(tmp_path, "CC", "II")
    out = tmp_path / "merged.ach.toml"
    assert invoke("merge", str(base), str(ours), str(theirs), "-o", str(out)).exit_code == 1
    extra = ("-o", str(tmp_path / "r.md")) if command[0] == "report" else ()
    result = invoke(*command, str(out), *extra)
    assert result.exit_code == 0, result.output
    warning = (
        f"{out}: warning: 1 unresolved merge conflict; "
        "resolve them in the editor (C) or edit the file\n"
    )
    assert warning in result.stderr
    assert "warning" not in result.stdout
    clean = invoke(*command, str(ours), *extra)
    assert clean.exit_code == 0
    assert "unresolved" not in clean.stderr

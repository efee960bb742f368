"""Real git in a temporary repository, with achbench's diff and merge drivers.

Git runs with a temporary HOME and global config, so nothing leaks in from the
user's configuration or out to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from achbench.store.toml import load_data, save
from tests.helpers import small_matrix

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ACHBENCH = Path(sys.executable).parent / "achbench"
MATRIX = "m.ach.toml"


class Repo:
    """A git repository in a temporary folder, and the environment to run git in."""

    def __init__(self, root: Path) -> None:
        self.path = root / "repo"
        home = root / "home"
        home.mkdir()
        self.env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PATH": f"{ACHBENCH.parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "LANG": "C.UTF-8",
            "GIT_PAGER": "cat",
            "NO_COLOR": "1",
        }
        self.run("git", "init", "-q", "-b", "main", str(self.path), cwd=root)
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")

    def run(
        self, *argv: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv,
            cwd=cwd or self.path,
            env=env or self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def git(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return self.run("git", *args, env=env)

    def achbench(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(ACHBENCH), *args)

    def edit(self, change: Callable[[dict[str, Any]], None], name: str = MATRIX) -> None:
        data = load_data(self.path / name)
        change(data)
        save(data, self.path / name)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        done = self.git("commit", "-q", "-m", message)
        assert done.returncode == 0, done.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    save(small_matrix(), repo.path / MATRIX)
    setup = repo.achbench("git-setup")
    assert setup.returncode == 0, setup.stderr
    repo.commit("base")
    return repo


def set_cell(evidence: str, hypothesis: str, code: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["ratings"]["lead"][evidence][hypothesis] = code

    return change


def add_evidence(
    evidence: str, title: str, row: dict[str, str]
) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["evidence"][evidence] = {"title": title}
        data["ratings"]["lead"][evidence] = row

    return change


def branch(repo: Repo, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    assert repo.git("checkout", "-q", "-b", name, "main").returncode == 0
    repo.edit(change)
    repo.commit(name)
    assert repo.git("checkout", "-q", "main").returncode == 0


def test_git_setup_twice_changes_nothing_more(repo: Repo) -> None:
    config = (repo.path / ".git" / "config").read_bytes()
    attributes = (repo.path / ".gitattributes").read_text(encoding="utf-8")
    assert attributes == "*.ach.toml diff=achbench merge=achbench\n"
    again = repo.achbench("git-setup")
    assert again.returncode == 0
    assert again.stdout == "git is already set up for achbench; nothing changed.\n"
    assert (repo.path / ".git" / "config").read_bytes() == config
    assert (repo.path / ".gitattributes").read_text(encoding="utf-8") == attributes


def test_git_setup_with_a_pattern_adds_only_that_line(repo: Repo) -> None:
    repo.achbench("git-setup", "--pattern", "matrices/*.toml")
    repo.achbench("git-setup", "--pattern", "matrices/*.toml")
    assert (repo.path / ".gitattributes").read_text(encoding="utf-8").splitlines() == [
        "*.ach.toml diff=achbench merge=achbench",
        "matrices/*.toml diff=achbench merge=achbench",
    ]


def test_git_diff_and_log_show_the_semantic_diff(repo: Repo) -> None:
    repo.edit(set_cell("E2", "H1", "II"))
    diff = repo.git("diff")
    assert diff.returncode == 0, diff.stderr
    assert f"achbench diff a/{MATRIX} b/{MATRIX}" in diff.stdout
    assert "E2  Two" in diff.stdout
    assert "H1 First: N -> II" in diff.stdout
    assert "Conclusion under heuer" in diff.stdout
    repo.commit("rate E2")
    log = repo.git("log", "-p", "-1")
    assert log.returncode == 0, log.stderr
    assert "-ratings.lead.E2.H1: N\n+ratings.lead.E2.H1: II\n" in log.stdout
    assert "ratings.lead.E2: Two" in log.stdout  # the row's title, as context or hunk header
    assert "+conclusion.heuer: rank 2: H1 First (score 3)" in log.stdout


def test_different_cells_on_two_branches_merge_cleanly(repo: Repo) -> None:
    branch(repo, "alice", set_cell("E1", "H2", "C"))
    branch(repo, "bob", set_cell("E1", "H3", "C"))
    assert repo.git("merge", "-q", "alice").returncode == 0
    merged = repo.git("merge", "-m", "merge bob", "bob")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    row = load_data(repo.path / MATRIX)["ratings"]["lead"]["E1"]
    assert row == {"H1": "CC", "H2": "C", "H3": "C"}
    assert repo.achbench("check", MATRIX).returncode == 0


def test_different_evidence_on_two_branches_merges_cleanly(repo: Repo) -> None:
    branch(repo, "alice", add_evidence("E4", "Alice's item", {"H1": "C"}))
    branch(repo, "bob", add_evidence("E5", "Bob's item", {"H2": "I"}))
    assert repo.git("merge", "-q", "alice").returncode == 0
    merged = repo.git("merge", "-m", "merge bob", "bob")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    data = load_data(repo.path / MATRIX)
    assert list(data["evidence"]) == ["E1", "E2", "E3", "E4", "E5"]
    assert data["ratings"]["lead"]["E5"] == {"H2": "I"}
    # Plain git, without the driver, stops here: both added lines at the same place.
    assert repo.git("reset", "-q", "--hard", "HEAD~1").returncode == 0
    info = repo.path / ".git" / "info"
    info.mkdir(exist_ok=True)
    (info / "attributes").write_text("*.ach.toml merge=text\n", encoding="utf-8")
    plain = repo.git("merge", "-m", "plain", "bob")
    assert plain.returncode == 1
    assert "<<<<<<<" in (repo.path / MATRIX).read_text(encoding="utf-8")


def test_the_same_cell_changed_differently_stops_with_an_explained_conflict(repo: Repo) -> None:
    branch(repo, "alice", set_cell("E3", "H2", "CC"))
    branch(repo, "bob", set_cell("E3", "H2", "II"))
    assert repo.git("merge", "-q", "alice").returncode == 0
    merged = repo.git("merge", "-m", "merge bob", "bob")
    assert merged.returncode == 1
    assert f"CONFLICT (content): Merge conflict in {MATRIX}" in merged.stdout
    explained = "conflict: ratings.lead.E3.H2: base 'N', ours 'CC' (kept), theirs 'II'"
    assert f"{MATRIX}: {explained}" in merged.stderr
    data = load_data(repo.path / MATRIX)  # the file in the work tree is a valid matrix
    assert data["conflicts"] == {
        "C1": {"key": "ratings.lead.E3.H2", "base": "N", "ours": "CC", "theirs": "II"}
    }
    checked = repo.achbench("check", MATRIX)
    assert checked.returncode == 2
    assert "unresolved merge conflict over ratings.lead.E3.H2" in checked.stderr


def test_a_missing_achbench_gives_a_message_that_says_how_to_fix_it(repo: Repo) -> None:
    setup = repo.achbench("git-setup", "--executable", "/nonexistent/bin/achbench")
    assert setup.returncode == 0
    repo.edit(set_cell("E2", "H1", "II"))
    without = {**repo.env, "PATH": f"/usr/bin{os.pathsep}/bin"}
    if shutil.which("achbench", path=without["PATH"]):
        pytest.skip("an achbench is installed system-wide")
    diff = repo.git("diff", env=without)
    assert diff.returncode != 0
    assert (
        "achbench git driver: cannot run achbench: /nonexistent/bin/achbench is missing and "
        "achbench is not on PATH. Install achbench or put it on PATH (or activate its "
        "virtual environment), then run: achbench git-setup"
    ) in diff.stderr
    repo.commit("rate")
    log = repo.git("log", "-p", "-1", env=without)
    assert "achbench is not on PATH" in log.stderr


def test_git_setup_global_writes_user_config_and_attributes(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    first = repo.achbench("git-setup", "--global")
    assert first.returncode == 0, first.stderr
    attributes = Path(repo.env["XDG_CONFIG_HOME"]) / "git" / "attributes"
    assert attributes.read_text(encoding="utf-8") == "*.ach.toml diff=achbench merge=achbench\n"
    config = Path(repo.env["GIT_CONFIG_GLOBAL"]).read_text(encoding="utf-8")
    assert '[merge "achbench"]' in config
    assert not (repo.path / ".gitattributes").exists()
    assert "nothing changed" in repo.achbench("git-setup", "--global").stdout


def test_git_setup_outside_a_repository_says_what_to_do(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = repo.run(str(ACHBENCH), "git-setup", cwd=outside)
    assert done.returncode == 2
    assert "not inside a git repository; run this in one, or use --global" in done.stderr


def test_git_diff_of_a_new_file_and_of_a_broken_one(repo: Repo) -> None:
    save(small_matrix(title="Second matrix"), repo.path / "two.ach.toml")
    repo.git("add", "two.ach.toml")
    added = repo.git("diff", "--cached")
    assert added.returncode == 0, added.stderr
    assert "new matrix file 'Second matrix': 3 hypotheses, 3 evidence items, 9 ratings" in (
        added.stdout
    )
    path = repo.path / MATRIX
    path.write_text(path.read_text(encoding="utf-8") + "\n[oops\n", encoding="utf-8")
    broken = repo.git("diff", MATRIX)
    assert broken.returncode == 0, broken.stderr
    assert f"# b/{MATRIX}:" in broken.stdout  # the located problem, named as git names it
    assert "not a valid matrix: showing a line diff instead" in broken.stdout
    assert "+[oops" in broken.stdout
    shown = repo.git("log", "-p", "-1")  # the textconv view of valid versions still works
    assert shown.returncode == 0


def test_files_matched_by_a_pattern_that_are_not_matrices_merge_by_lines(repo: Repo) -> None:
    repo.achbench("git-setup", "--pattern", "*.toml")
    (repo.path / "settings.toml").write_text("a = 1\nb = 2\nc = 3\nd = 4\n", encoding="utf-8")
    repo.commit("settings")

    def write(text: str) -> Callable[[dict[str, Any]], None]:
        def change(_: dict[str, Any]) -> None:
            (repo.path / "settings.toml").write_text(text, encoding="utf-8")

        return change

    branch(repo, "alice", write("a = 10\nb = 2\nc = 3\nd = 4\n"))
    branch(repo, "bob", write("a = 1\nb = 2\nc = 3\nd = 40\n"))
    assert repo.git("merge", "-q", "alice").returncode == 0
    merged = repo.git("merge", "-m", "merge bob", "bob")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "falling back to a line merge" in merged.stderr
    assert (repo.path / "settings.toml").read_text(encoding="utf-8") == (
        "a = 10\nb = 2\nc = 3\nd = 40\n"
    )


EXAMPLE = Path(__file__).resolve().parents[2] / "matrices" / "kazakhstan-2022.toml"


def test_git_setup_covers_the_matrices_a_user_has_whatever_their_names(tmp_path: Path) -> None:
    # Issue 12: only *.ach.toml was covered, not the bundled example nor `achbench new`'s files.
    repo = Repo(tmp_path)
    (repo.path / "matrices").mkdir()
    shutil.copyfile(EXAMPLE, repo.path / "matrices" / "kazakhstan-2022.toml")
    save(small_matrix(), repo.path / "my analysis.toml")  # what `achbench new` writes
    save(small_matrix(), repo.path / "m.ach.toml")  # the pattern covers it
    (repo.path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    repo.commit("files")
    done = repo.achbench("git-setup")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (repo.path / ".gitattributes").read_text(encoding="utf-8").splitlines() == [
        "*.ach.toml diff=achbench merge=achbench",
        "/matrices/kazakhstan-2022.toml diff=achbench merge=achbench",
        '"/my analysis.toml" diff=achbench merge=achbench',
    ]
    attrs = repo.git("check-attr", "diff", "--", "pyproject.toml", "matrices/kazakhstan-2022.toml")
    assert attrs.stdout.splitlines() == [
        "pyproject.toml: diff: unspecified",
        "matrices/kazakhstan-2022.toml: diff: achbench",
    ]
    repo.commit("setup")
    data = load_data(repo.path / "matrices" / "kazakhstan-2022.toml")
    data["title"] = "Retitled"
    save(data, repo.path / "matrices" / "kazakhstan-2022.toml")
    diff = repo.git("diff")
    assert diff.returncode == 0, diff.stderr
    assert diff.stdout.startswith("achbench diff a/matrices/kazakhstan-2022.toml")
    assert "nothing changed" in repo.achbench("git-setup").stdout


def test_git_setup_again_adds_a_new_matrix_and_warns_about_uncovered_ones(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    assert repo.achbench("git-setup").returncode == 0
    save(small_matrix(), repo.path / "later.toml")
    again = repo.achbench("git-setup")
    assert again.returncode == 0
    assert again.stdout == (
        f"added '/later.toml diff=achbench merge=achbench' to {repo.path / '.gitattributes'}\n"
        "Commit .gitattributes so that others' clones know which files are matrices.\n"
    )
    assert again.stderr == ""
    with (repo.path / ".gitattributes").open("a", encoding="utf-8") as handle:
        handle.write("*.toml -diff\n")  # a later line wins in git
    third = repo.achbench("git-setup")
    assert third.returncode == 0
    assert (
        third.stderr == "later.toml: warning: a matrix git will not diff or merge with achbench\n"
    )


def test_git_setup_global_warns_about_the_repository_matrices_it_misses(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    save(small_matrix(), repo.path / "plain.toml")
    done = repo.achbench("git-setup", "--global")
    assert done.returncode == 0
    assert done.stderr == "plain.toml: warning: a matrix git will not diff or merge with achbench\n"


def test_git_merge_of_another_matrix_keeps_ours_and_falls_back_to_lines(repo: Repo) -> None:
    # Issue 12: THEIRS from another matrix rewrote OURS with 28 of 31 evidence items gone.
    shutil.copyfile(EXAMPLE, repo.path / MATRIX)
    repo.commit("the example")

    def replace(data: dict[str, Any]) -> None:
        data.clear()
        data.update(small_matrix(title="Another matrix"))

    branch(repo, "other", replace)
    repo.edit(lambda data: data.update(title="Ours, retitled"))
    repo.commit("ours")
    merged = repo.git("merge", "-m", "merge other", "other")
    assert merged.returncode != 0
    assert "not a version of the same matrix as" in merged.stderr
    assert "falling back to a line merge" in merged.stderr
    text = (repo.path / MATRIX).read_text(encoding="utf-8")
    assert "<<<<<<<" in text  # git's conflict markers: nothing was taken silently
    assert not (repo.path / f"{MATRIX}.orig").exists()
    assert repo.git("merge", "--abort").returncode == 0
    assert load_data(repo.path / MATRIX)["title"] == "Ours, retitled"
    assert len(load_data(repo.path / MATRIX)["evidence"]) == 31

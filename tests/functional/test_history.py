"""``achbench history`` over a real git repository: 30 commits, a rename, a merge and
one broken revision."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.scoring.methods import Grid, score
from achbench.store.toml import dumps
from achbench.versioning.history import sparkline
from tests.helpers import small_matrix

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CODES = ["CC", "C", "N", "I", "II"]
START = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


class Repo:
    """A repository in a temporary folder; git runs with no user or system config."""

    def __init__(self, root: Path) -> None:
        self.path = root / "repo"
        home = root / "home"
        home.mkdir()
        self.env = {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "GIT_AUTHOR_NAME": "Ann Alyst",
            "GIT_AUTHOR_EMAIL": "ann@example.com",
            "GIT_COMMITTER_NAME": "Ann Alyst",
            "GIT_COMMITTER_EMAIL": "ann@example.com",
        }
        self.day = 0
        self.path.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = dict(self.env)
        when = (START + dt.timedelta(days=self.day)).isoformat()
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def commit(self, message: str) -> None:
        self.day += 1
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def version(k: int) -> dict[str, Any]:
    """The k-th version: E1's ratings cycle so that the scores move commit by commit
    (every 5), and E2's H2 every fifth commit, so no two versions in a row are the same."""
    data = small_matrix()
    data["ratings"] = copy.deepcopy(data["ratings"])
    data["ratings"]["lead"]["E1"] = {
        "H1": CODES[k % 5],
        "H2": CODES[(k * 2) % 5],
        "H3": CODES[(k * 3 + 1) % 5],
    }
    data["ratings"]["lead"]["E2"] = {**data["ratings"]["lead"]["E2"], "H2": CODES[(k // 5) % 5]}
    return data


def heuer_standings(data: dict[str, Any]) -> dict[str, tuple[float, int]]:
    ranking = score(Grid.from_data(data), "heuer")  # type: ignore[arg-type]
    return {h.id: (h.score, h.rank) for h in ranking.hypotheses}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[dict[str, Any] | None]]:
    """The repository, and the versions the first-parent line should show (None: broken).

    main: commits 1-20 to the matrix (renamed m.toml -> n.toml at commit 10, commit 15
    not TOML); branch feature: commits 21-25; main meanwhile: one commit to another
    file; then the merge (--no-ff) and commits 26-30 on main.  30 commits touch the
    matrix; the first-parent line shows 20 + the merge + 5 = 26 versions.
    """
    r = Repo(tmp_path_factory.mktemp("history"))
    expected: list[dict[str, Any] | None] = []
    name = "m.toml"
    for k in range(1, 21):
        if k == 10:
            r.git("mv", "m.toml", "n.toml")
            name = "n.toml"
        data = version(k)
        if k == 15:
            (r.path / name).write_text("this is [not a matrix\n", encoding="utf-8")
            expected.append(None)
        else:
            (r.path / name).write_text(dumps(data), encoding="utf-8")  # type: ignore[arg-type]
            expected.append(data)
        r.commit(f"version {k}")
    r.git("checkout", "-q", "-b", "feature")
    for k in range(21, 26):
        (r.path / name).write_text(dumps(version(k)), encoding="utf-8")  # type: ignore[arg-type]
        r.commit(f"version {k}")
    r.git("checkout", "-q", "main")
    (r.path / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    r.commit("notes")
    r.day += 1
    r.git("merge", "-q", "--no-ff", "feature", "-m", "Merge branch 'feature'")
    expected.append(version(25))
    for k in range(26, 31):
        (r.path / name).write_text(dumps(version(k)), encoding="utf-8")  # type: ignore[arg-type]
        r.commit(f"version {k}")
        expected.append(version(k))
    assert r.git("rev-list", "--count", "--all", "--", "m.toml", "n.toml").strip() == "30"
    return r, expected


def run(r: Repo, *args: str) -> Any:
    result = CliRunner().invoke(
        main, ["history", str(r.path / "n.toml"), *args], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    return result


def test_history_json_ranks_every_version(repo: tuple[Repo, list[Any]]) -> None:
    r, expected = repo
    payload = json.loads(run(r, "--format", "json").stdout)
    versions = payload["versions"]
    assert len(versions) == 26
    assert [v["message"] for v in versions][:3] == ["version 1", "version 2", "version 3"]
    for got, want in zip(versions, expected, strict=True):
        if want is None:
            assert got["error"]
            assert got["hypotheses"] == {}
            continue
        assert got["error"] is None
        standings = {h: (s["score"], s["rank"]) for h, s in got["hypotheses"].items()}
        assert standings == heuer_standings(want)
    assert versions[0]["path"] == "m.toml"
    assert versions[9]["renamed_from"] == "m.toml"
    assert versions[9]["path"] == "n.toml"
    assert versions[14]["error"].startswith(versions[14]["commit"][:10] + ":n.toml")
    merge = versions[20]
    assert merge["merged"] == "feature"
    assert len(merge["parents"]) == 2
    assert versions[-1]["author"] == "Ann Alyst"
    assert versions[-1]["date"].startswith("2026-02-")


def test_history_table_and_chart(repo: tuple[Repo, list[Any]]) -> None:
    r, expected = repo
    table = run(r).stdout
    assert "renamed from m.toml" in table
    assert "merge of feature" in table
    assert "not loaded:" in table
    assert "version 30" in table
    chart = run(r, "--format", "chart").stdout.splitlines()
    assert len(chart) == 3
    for line in chart:
        h = line.split()[0]
        scores = [None if d is None else heuer_standings(d)[h][0] for d in expected]
        spark = sparkline(scores)
        assert len(spark) == 26
        assert spark[14] == "·"
        first = heuer_standings(expected[0])[h][1]
        last = heuer_standings(expected[-1])[h][1]
        assert line.split(None, 1)[1] == f"{spark}  rank {first} -> {last}"


def test_history_csv_and_ranges(repo: tuple[Repo, list[Any]]) -> None:
    r, _ = repo
    rows = run(r, "--format", "csv").stdout.splitlines()
    assert rows[0] == "commit,date,author,message,path,note,hypothesis,score,rank"
    assert (
        len(rows) == 1 + 25 * 3 + 1
    )  # three hypotheses per loaded version, one row for the broken one
    last5 = json.loads(run(r, "HEAD~5..HEAD", "--format", "json").stdout)["versions"]
    assert [v["message"] for v in last5] == [f"version {k}" for k in range(26, 31)]
    # Day 1 is version 1; --since the morning of day 28 leaves the last commits only.
    since = json.loads(run(r, "--since", "2026-01-29T00:00:00Z", "--format", "json").stdout)
    assert [v["message"] for v in since["versions"]][-1] == "version 30"
    assert all(v["date"] >= "2026-01-29" for v in since["versions"])
    until = json.loads(run(r, "--until", "2026-01-05T13:00:00Z", "--format", "json").stdout)
    assert [v["message"] for v in until["versions"]] == [f"version {k}" for k in range(1, 5)]
    bayes = json.loads(run(r, "--method", "bayes", "--format", "json").stdout)
    assert bayes["method"] == "bayes"


def test_history_outside_git(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(dumps(small_matrix()), encoding="utf-8")  # type: ignore[arg-type]
    result = CliRunner().invoke(
        main, ["history", str(path)], env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    )
    assert result.exit_code == 2
    assert "git rev-parse" in result.output


def test_history_in_two_workers_matches_one(
    repo: tuple[Repo, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from achbench.versioning import history

    r, _ = repo
    alone = history.history(r.path / "n.toml").to_json()
    monkeypatch.setattr(history, "PARALLEL_FROM", 2)
    shared = history.history(r.path / "n.toml").to_json()
    assert shared == alone


def test_html_report_of_a_file_in_git_has_the_history_chart(repo: tuple[Repo, list[Any]]) -> None:
    r, _ = repo
    result = CliRunner().invoke(main, ["report", str(r.path / "n.toml"), "-f", "html"])
    assert result.exit_code == 0, result.output
    section = result.stdout.split('<section id="history">', 1)[1].split("</section>", 1)[0]
    assert "26 committed versions, 2026-01-02 to 2026-02-02 (1 version did not load)" in section
    # one line per hypothesis, broken at the version that did not load: two pieces each
    assert section.count("<polyline") == 6
    assert "rank 1 → 1" in section
    markdown = CliRunner().invoke(main, ["report", str(r.path / "n.toml")]).stdout
    assert "History" not in markdown

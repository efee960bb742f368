"""`achbench rank` and `check` as scripts and users see them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from achbench import __version__
from achbench.cli import main
from achbench.cli.app import COMMANDS
from achbench.store.toml import save
from tests.helpers import small_matrix


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_version_and_help() -> None:
    assert invoke("--version").stdout.strip() == f"achbench, version {__version__}"
    result = invoke("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_rank_json_follows_the_contract(example_path: Path) -> None:
    result = invoke("rank", str(example_path), "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["method"] == "heuer"
    hypotheses = payload["hypotheses"]
    assert [h["id"] for h in hypotheses] == ["H2", "H4", "H1", "H3"]
    assert [h["rank"] for h in hypotheses] == [1, 2, 3, 4]
    for item in hypotheses:
        assert {"id", "title", "rank", "score", "inconsistency"} <= set(item)
    evidence = payload["evidence"]
    assert len(evidence) >= 20
    assert evidence[0]["id"] == "E1"
    assert {"id", "title", "diagnosticity"} <= set(evidence[0])


@pytest.mark.parametrize(
    ("method", "figure"),
    [("weighted", "inconsistency"), ("opensynthesis", "consistency"), ("bayes", "posterior")],
)
def test_rank_json_carries_each_methods_figures(
    example_path: Path, method: str, figure: str
) -> None:
    payload = json.loads(invoke("rank", str(example_path), "-m", method, "-f", "json").stdout)
    assert payload["method"] == method
    assert all(figure in h for h in payload["hypotheses"])
    if method == "bayes":
        assert sum(h["posterior"] for h in payload["hypotheses"]) == pytest.approx(1.0)


def test_tied_hypotheses_share_a_rank(tmp_path: Path) -> None:
    path = save(small_matrix(), tmp_path / "m.toml").path
    payload = json.loads(invoke("rank", str(path), "-f", "json").stdout)
    assert [(h["id"], h["rank"]) for h in payload["hypotheses"]] == [
        ("H1", 1),
        ("H2", 1),
        ("H3", 3),
    ]


def test_rank_table_is_readable_at_80_columns(example_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "achbench", "rank", str(example_path)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "NO_COLOR": "1", "PATH": ""},
        check=True,
    )
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("Elite power struggle" in line and line.lstrip().startswith("1") for line in lines)
    assert "Inconsistency" in result.stdout


def test_rank_csv_and_markdown(example_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("rank", str(example_path), "-f", "csv").stdout)))
    assert rows[0]["id"] == "H2"
    assert rows[0]["rank"] == "1"
    assert float(rows[-1]["score"]) == 4.0
    markdown = invoke("rank", str(example_path), "-f", "markdown").stdout
    assert "| Rank | Id | Hypothesis | Inconsistency | Rated |" in markdown
    assert "| 1 | H2 | Elite power struggle | 0.00 | 25 |" in markdown  # 25 independent origins


def test_several_files_are_pooled(tmp_path: Path) -> None:
    lead = save(small_matrix(), tmp_path / "lead.toml").path
    bob_data = small_matrix(analyst="bob")
    bob_data["ratings"] = {"bob": {"E1": {"H1": "C", "H2": "II"}, "E2": {"H1": "I"}}}
    bob = save(bob_data, tmp_path / "bob.toml").path
    payload = json.loads(invoke("rank", str(lead), str(bob), "-f", "json").stdout)
    assert {h["id"]: h["score"] for h in payload["hypotheses"]} == {
        "H1": 1.5,
        "H2": 1.5,
        "H3": 3.0,
    }
    only_bob = json.loads(invoke("rank", str(lead), str(bob), "-a", "bob", "-f", "json").stdout)
    assert only_bob["hypotheses"][0]["id"] == "H3"


def test_same_analyst_in_two_files_is_kept_apart(tmp_path: Path) -> None:
    one = save(small_matrix(), tmp_path / "one.toml").path
    other = small_matrix()
    other["ratings"]["lead"]["E1"]["H1"] = "II"
    two = save(other, tmp_path / "two.toml").path
    payload = json.loads(invoke("rank", str(one), str(two), "-a", "lead@two", "-f", "json").stdout)
    assert {h["id"]: h["score"] for h in payload["hypotheses"]}["H1"] == 3.0


def test_files_of_different_matrices_are_refused(tmp_path: Path) -> None:
    one = save(small_matrix(), tmp_path / "one.toml").path
    other = small_matrix()
    other["hypotheses"]["H4"] = {"title": "Fourth"}
    two = save(other, tmp_path / "two.toml").path
    result = invoke("rank", str(one), str(two))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{two}: not the same matrix as {one}: hypotheses differ (only in {two}: H4)\n"
    )


def test_unknown_analyst_is_an_error(example_path: Path) -> None:
    result = invoke("rank", str(example_path), "--analyst", "zed")
    assert result.exit_code == 2
    assert result.stderr == "unknown analyst 'zed'; the matrix has: lead\n"


def test_bad_method_is_a_usage_error(example_path: Path) -> None:
    result = invoke("rank", str(example_path), "--method", "votes")
    assert result.exit_code == 2
    assert "Invalid value for '--method'" in result.stderr


def test_check_passes_on_the_example(example_path: Path) -> None:
    result = invoke("check", str(example_path))
    assert result.exit_code == 0
    assert result.stdout == f"{example_path}: ok (4 hypotheses, 31 evidence items, 1 analyst)\n"


def test_hide_nondiagnostic_drops_items_rated_alike(tmp_path: Path) -> None:
    data = small_matrix()
    data["evidence"]["E4"] = {"title": "Same for all"}
    data["ratings"]["lead"]["E4"] = {"H1": "C", "H2": "C", "H3": "C"}
    path = save(data, tmp_path / "m.toml").path
    payload = json.loads(invoke("rank", str(path), "--hide-nondiagnostic", "-f", "json").stdout)
    assert [e["id"] for e in payload["evidence"]] == ["E1", "E2", "E3"]

"""`achbench next`: the pending items by value, as a table, JSON, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.store.toml import dumps
from tests.functional.test_markdown_output import check_markdown, hostile
from tests.helpers import small_matrix


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def pending_matrix() -> dict[str, Any]:
    """The small matrix with two pending items and an open milestone.

    Collected, heuer has H1 at 1, H2 at 1, H3 at 3.5 (E3's low weight does not
    count under heuer): H1 and H2 share the lead.  P1 would clear it up for H1
    (II for H2); P2 is rated alike, worth nothing; the milestone refutes H3.
    """
    data = small_matrix()
    data["evidence"]["P1"] = {"title": "=Trial records", "credibility": "high", "status": "pending"}
    data["evidence"]["P2"] = {"title": "Weather report", "status": "pending"}
    data["ratings"]["lead"]["P1"] = {"H1": "CC", "H2": "II", "H3": "I"}
    data["ratings"]["lead"]["P2"] = {"H1": "N", "H2": "N", "H3": "N"}
    data["milestones"] = {
        "M1": {"hypothesis": "H3", "title": "Arrests abroad", "expect": "refutes", "status": "open"}
    }
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "m.toml") -> Path:
    path = tmp_path / name
    path.write_text(dumps(data), encoding="utf-8")
    return path


def test_the_table_lists_the_most_informative_item_first(tmp_path: Path) -> None:
    path = write(tmp_path, pending_matrix())
    result = invoke("next", str(path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "what to collect next, method: bayes" in out
    assert out.index("=Trial records") < out.index("Arrests abroad") < out.index("Weather report")
    assert "2 pending items, 1 open milestone." in out
    assert "M1 (H3)" in out


def test_json_holds_every_figure(tmp_path: Path) -> None:
    path = write(tmp_path, pending_matrix())
    result = invoke("next", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["method"] == "bayes"
    assert (payload["pending_items"], payload["open_milestones"]) == (2, 1)
    ids = [c["id"] for c in payload["candidates"]]
    assert ids == ["P1", "M1", "P2"]
    first = payload["candidates"][0]
    assert first["kind"] == "evidence"
    assert first["hypothesis"] is None
    for key in (
        "information_bits",
        "p_observed",
        "changes_leader",
        "leader_posterior_if_observed",
        "leader_posterior_if_not",
        "leaders_if_observed",
        "leaders_if_not",
    ):
        assert key in first
    assert payload["candidates"][2]["information_bits"] == 0.0
    heuer = json.loads(invoke("next", str(path), "-m", "heuer", "-f", "json").output)
    assert heuer["leaders"] == ["H1", "H2"]
    by_id = {c["id"]: c for c in heuer["candidates"]}
    assert by_id["P1"]["changes_leader"] == 1.0
    assert by_id["P1"]["leaders_if_observed"] == ["H1"]
    assert by_id["P2"]["ranks_changed"] == 0


def test_csv_has_a_row_per_candidate_and_quotes_formulas(tmp_path: Path) -> None:
    path = write(tmp_path, pending_matrix())
    result = invoke("next", str(path), "--format", "csv", "--method", "weighted")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:7] == [
        "rank",
        "id",
        "kind",
        "hypothesis",
        "title",
        "changes_leader",
        "leaders_if_observed",
    ]
    assert rows[0][7:] == ["ranks_changed", "diagnosticity"]
    assert len(rows) == 4
    titles = {r[1]: r[4] for r in rows[1:]}
    assert titles["P1"] == "'=Trial records"
    kept = invoke("next", str(path), "-f", "csv", "--csv-formulas", "keep").output
    assert ",=Trial records," in kept


def test_markdown_escapes_titles(tmp_path: Path) -> None:
    data = hostile()
    data["evidence"]["E1"]["status"] = "pending"
    path = write(tmp_path, data)
    for method in ("bayes", "heuer"):
        result = invoke("next", str(path), "--format", "markdown", "--method", method)
        assert result.exit_code == 0, result.output
        check_markdown(result.output)
        assert "what to collect next" in result.output


def test_nothing_pending_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, small_matrix())
    result = invoke("next", str(path))
    assert result.exit_code == 0
    assert "Nothing to weigh" in result.output
    payload = json.loads(invoke("next", str(path), "-f", "json").output)
    assert payload["candidates"] == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--csv-formulas", "keep"], "--csv-formulas applies to CSV output only"),
        (["--method", "votes"], "Invalid value for '--method'"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    path = write(tmp_path, pending_matrix())
    result = invoke("next", str(path), *args)
    assert result.exit_code == 2
    assert expected in result.output


def test_a_bad_file_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, pending_matrix())
    path.write_text(
        path.read_text(encoding="utf-8").replace('status = "pending"', 'status = "maybe"', 1),
        encoding="utf-8",
    )
    result = invoke("next", str(path))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0]
    assert "status" in lines[0]
    assert "Traceback" not in result.output
    missing = invoke("next", str(tmp_path / "none.toml"))
    assert missing.exit_code == 2
    assert "none.toml" in missing.output


def test_several_analysts_files_are_pooled(tmp_path: Path) -> None:
    """Two files of the same matrix: the pending item's likelihoods pooled as bayes
    pools them; --analyst keeps one analyst's ratings."""
    ann = pending_matrix()
    ann["analyst"] = "ann"
    ann["ratings"] = {"ann": ann["ratings"]["lead"]}
    bob = pending_matrix()
    bob["analyst"] = "bob"
    bob["ratings"] = {"bob": {**bob["ratings"]["lead"], "P1": {"H1": "II", "H2": "CC", "H3": "N"}}}
    a, b = write(tmp_path, ann, "ann.toml"), write(tmp_path, bob, "bob.toml")
    pooled = json.loads(invoke("next", str(a), str(b), "-f", "json").output)
    alone = json.loads(invoke("next", str(a), str(b), "-f", "json", "--analyst", "ann").output)
    by_id = {c["id"]: c for c in pooled["candidates"]}
    # ann and bob predict P1 the opposite way: pooled, it tells the leaders apart less.
    first = {c["id"]: c for c in alone["candidates"]}["P1"]
    assert by_id["P1"]["information_bits"] < first["information_bits"]

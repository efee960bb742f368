"""Key assumptions on the command line: rank and sensitivity warn when the leader rests
on an unsupported assumption, sensitivity lists every assumption, the report has its
Key assumptions section."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from achbench.cli import main
from achbench.store.toml import dumps
from tests.unit.test_assumptions import worked


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def written(tmp_path: Path) -> Path:
    path = tmp_path / "assumed.toml"
    path.write_text(dumps(worked()), encoding="utf-8")
    return path


def test_rank_warns_when_the_leader_rests_on_an_unsupported_assumption(tmp_path: Path) -> None:
    path = written(tmp_path)
    result = invoke("rank", str(path))
    assert result.exit_code == 0, result.output
    assert "Warning: The leading hypothesis H1 (First) loses its lead" in result.output
    assert "assumption A1, judged unsupported: First premise" in result.output
    payload = json.loads(invoke("rank", str(path), "--format", "json").output)
    assert [(w["kind"], w["assumption"], w["hypothesis"]) for w in payload["warnings"]] == [
        ("unsupported-assumption", "A1", "H1")
    ]
    csv = invoke("rank", str(path), "--format", "csv")
    assert "warning: The leading hypothesis H1" in csv.stderr
    assert "warning" not in csv.stdout
    markdown = invoke("rank", str(path), "--format", "markdown").output
    assert "> **Warning:** The leading hypothesis H1" in markdown


def test_rank_of_the_example_has_no_assumption_warning(example_path: Path) -> None:
    payload = json.loads(invoke("rank", str(example_path), "--format", "json").output)
    assert not [w for w in payload["warnings"] if w["kind"] == "unsupported-assumption"]


def test_sensitivity_lists_each_assumption_with_the_ranking_without_it(tmp_path: Path) -> None:
    path = written(tmp_path)
    table = invoke("sensitivity", str(path))
    assert table.exit_code == 0, table.output
    assert "Key assumptions: the ranking without the evidence resting on each" in table.output
    assert "Warning: The leading hypothesis H1 (First) loses its lead" in table.output
    assert "4 assumptions: 0 solid, 1 caveated, 3 unsupported." in table.output
    payload = json.loads(invoke("sensitivity", str(path), "--format", "json").output)
    found = {a["id"]: a for a in payload["assumptions"]}
    assert found["A1"]["without"]["leaders"] == ["H1", "H2"]
    assert found["A1"]["rests"] == ["H1"]
    assert found["A1"]["evidence"] == ["E1"]
    assert found["A2"]["without"]["order"] == ["H1", "H2", "H3"]
    assert found["A2"]["without"]["ranks_changed"] is True
    assert found["A3"]["without"] is None
    assert found["A3"]["at_risk"] == ["H1"]
    assert found["A4"]["at_risk"] == ["H3"]
    assert found["A4"]["rests"] == []
    assert [w["assumption"] for w in payload["warnings"]] == ["A1"]
    markdown = invoke("sensitivity", str(path), "--format", "markdown").output
    assert "| A1 | unsupported | First premise | without 1 item: H1 = H2 > H3 (leader changes)" in (
        markdown
    )


def test_sensitivity_of_the_example_names_hypotheses_at_risk(example_path: Path) -> None:
    markdown = invoke("sensitivity", str(example_path), "--format", "markdown").output
    assert "| A3 | caveated | Tokayev and Nazarbayev were rivals" in markdown
    assert "at risk: H2, H4; leader resting on it: H2" in markdown
    assert "H2 = H4 > H1 > H3 (leader changes)" in markdown


def test_report_has_a_key_assumptions_section(tmp_path: Path, example_path: Path) -> None:
    path = written(tmp_path)
    markdown = invoke("report", str(path)).output
    assert "> **Warning:** The leading hypothesis H1 (First) loses its lead" in markdown
    assert "## Key assumptions" in markdown
    assert "**Verdict: unsupported** (not supported; conclusions resting on it" in markdown
    html = invoke("report", str(path), "--format", "html").output
    assert '<section id="assumptions"><h2>Key assumptions</h2>' in html
    assert "The leader rests on it: H1" in html
    example = invoke("report", str(example_path)).output
    section = example.split("## Key assumptions", 1)[1].split("\n## ", 1)[0]
    assert section.count("\n### A") == 5
    assert "**Verdict: caveated**" in section
    assert "did so against Tokayev's wishes" in section


def test_a_matrix_without_assumptions_reports_none(tmp_path: Path) -> None:
    data = worked()
    del data["assumptions"]
    for item in data["evidence"].values():
        item.pop("assumes", None)
    path = tmp_path / "plain.toml"
    path.write_text(dumps(data), encoding="utf-8")
    assert "Key assumptions" not in invoke("report", str(path)).output
    assert "Key assumptions" not in invoke("sensitivity", str(path)).output
    assert "assumptions" in json.loads(invoke("sensitivity", str(path), "--format", "json").output)

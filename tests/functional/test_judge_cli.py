"""``achbench judge`` and ``achbench calibration`` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from achbench.cli import main
from achbench.store.toml import dumps
from tests.helpers import small_matrix


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(data), encoding="utf-8")  # type: ignore[arg-type]
    return path


def team(**extra: object) -> dict:
    return small_matrix(
        judgements={"lead": {"H1": 0.6, "H2": 0.3, "H3": 0.1}, "bob": {"H1": 0.2, "H2": 0.8}},
        **extra,
    )


def test_judge_every_format(tmp_path: Path) -> None:
    path = write(tmp_path / "m.toml", team(resolution={"hypothesis": "H1"}))
    runner = CliRunner()
    table = runner.invoke(main, ["judge", str(path)])
    assert table.exit_code == 0, table.output
    assert "pooled (linear)" in table.output
    assert "bob rates above what their ratings support: H2" in table.output
    payload = json.loads(runner.invoke(main, ["judge", str(path), "-f", "json"]).output)
    assert payload["resolution"] == "H1"
    lead = payload["analysts"][0]
    # (0.6 - 1)^2 + 0.3^2 + 0.1^2 = 0.26
    assert abs(lead["scores"]["brier"] - 0.26) < 1e-9
    assert abs(payload["pooled"]["linear"]["H2"] - 0.55) < 1e-9
    assert abs(payload["pooled_scores"]["linear"]["brier"] - 0.665) < 1e-9
    rows = list(
        csv.reader(io.StringIO(runner.invoke(main, ["judge", str(path), "-f", "csv"]).output))
    )
    assert rows[0] == ["analyst", "id", "hypothesis", "stated", "coherent", "bayes", "gap"]
    assert rows[6][:5] == ["bob", "H3", "Third", "", "0.0"]
    markdown = runner.invoke(main, ["judge", str(path), "-f", "markdown"]).output
    assert "| pooled (geometric) | H1 |" in markdown
    assert "| bob | 1.280 | -1.609 |" in markdown


def test_judge_without_judgements(tmp_path: Path) -> None:
    path = write(tmp_path / "m.toml", small_matrix())
    result = CliRunner().invoke(main, ["judge", str(path)])
    assert result.exit_code == 0
    assert "No analyst has entered judgements." in result.output


def test_calibration_over_a_folder(tmp_path: Path) -> None:
    write(tmp_path / "a" / "one.toml", team(resolution={"hypothesis": "H1"}))
    write(tmp_path / "a" / "b" / "two.toml", team(resolution={"hypothesis": "H2"}))
    write(tmp_path / "a" / "open.toml", team())
    runner = CliRunner()
    result = runner.invoke(main, ["calibration", str(tmp_path / "a"), "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["matrices"] == 2
    assert "open.toml: skipped: no [resolution]" in result.stderr
    by_name = {f["name"]: f for f in payload["forecasters"]}
    # lead: 0.26 (H1 true) and 0.36 + 0.49 + 0.01 = 0.86 (H2 true): mean 0.56
    assert abs(by_name["lead"]["mean_brier"] - 0.56) < 1e-9
    # bob: 1.28 (H1 true) and 0.04 + 0.04 + 0 = 0.08 (H2 true): mean 0.68
    assert abs(by_name["bob"]["mean_brier"] - 0.68) < 1e-9
    html = runner.invoke(main, ["calibration", str(tmp_path / "a"), "-f", "html"]).stdout
    assert html.count("<svg") == 3
    assert "<circle" in html
    table = runner.invoke(main, ["calibration", str(tmp_path / "a")]).stdout
    assert "Mean Brier" in table
    markdown = runner.invoke(main, ["calibration", str(tmp_path / "a"), "-f", "markdown"]).stdout
    assert "| lead | 2 | 0.560 |" in markdown

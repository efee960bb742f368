"""`achbench sensitivity`, `consensus`, `report`, and rank's analysis options, as users see them."""

from __future__ import annotations

import copy
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.store.toml import dumps, load_data
from tests.helpers import small_matrix

EVIL = "<script>alert(1)</script>"


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def write(tmp_path: Path, data: dict, name: str = "m.toml") -> Path:
    path = tmp_path / name
    path.write_text(dumps(data), encoding="utf-8")
    return path


def team(tmp_path: Path) -> tuple[Path, Path]:
    """The same 3x3 matrix rated by ann and by bob, in two files."""
    ann = small_matrix(analyst="ann", ratings={"ann": small_matrix()["ratings"]["lead"]})
    bob_ratings = copy.deepcopy(small_matrix()["ratings"]["lead"])
    bob_ratings["E1"]["H1"] = "II"
    bob_ratings["E2"]["H2"] = "I"
    bob = small_matrix(analyst="bob", ratings={"bob": bob_ratings})
    return write(tmp_path, ann, "ann.toml"), write(tmp_path, bob, "bob.toml")


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_table_names_the_critical_item(example_path: Path) -> None:
    result = invoke("sensitivity", str(example_path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Order: H2 > H4 > H1 > H3" in out
    assert "close race" in out
    assert "E27" in out
    assert "leader changes" in out
    assert "H2 = H4 > H1 > H3" in out  # without E27, H2 and H4 tie
    assert "E1 × H2: C → II (lead)" in out
    assert "Keeping only high-credibility evidence" in out


def test_sensitivity_json(example_path: Path) -> None:
    result = invoke("sensitivity", str(example_path), "--format", "json", "--method", "weighted")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["method"] == "weighted"
    assert payload["title"] == "Kazakhstan unrest, January 2022"
    assert payload["leaders"] == ["H2"]
    assert payload["steps"] == "any"
    assert len(payload["leave_one_out"]) == 25  # 24 items and the official line's origin
    e27 = next(r for r in payload["leave_one_out"] if r["evidence"] == "E27")
    assert e27["leader_changed"] is True
    assert e27["leaders"] == ["H2", "H4"]
    first = payload["rating_changes"][0]
    assert first["challenger"] == "H4"
    assert first["exact"] is True
    assert first["count"] == len(first["changes"]) == 1
    assert set(first["changes"][0]) == {"evidence", "hypothesis", "analyst", "old", "new", "gain"}
    assert payload["margin"]["close"] is True
    assert [c["name"] for c in payload["credibility"]] == ["high-only", "without-low"]
    assert payload["warnings"] == []


def test_sensitivity_markdown_labels_the_heuristic(example_path: Path) -> None:
    result = invoke(
        "sensitivity", str(example_path), "-f", "markdown", "-m", "opensynthesis", "--steps", "one"
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("# Sensitivity: Kazakhstan unrest, January 2022")
    assert "heuristic" in result.stdout
    assert "each rating may move one step on the scale" in result.stdout
    assert "| Challenger | Title | Changes | Cells |" in result.stdout


def test_sensitivity_all_lists_every_item(example_path: Path) -> None:
    result = invoke("sensitivity", str(example_path), "-f", "markdown", "--all")
    rows = [line for line in result.stdout.splitlines() if re.match(r"\| E\d+ \|", line)]
    assert len(rows) == 24
    origin = [line for line in result.stdout.splitlines() if line.startswith("| origin ")]
    assert [line.split(" | ")[0] for line in origin] == [
        "| origin official-coup-line: E2, E13, E19, E20, E28, E29, E30"
    ]  # every item listed: 24 alone, seven left out together


def test_sensitivity_pools_files_and_names_analysts(tmp_path: Path) -> None:
    ann, bob = team(tmp_path)
    result = invoke("sensitivity", str(ann), str(bob), "-f", "json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    analysts = {c["analyst"] for flip in payload["rating_changes"] for c in flip["changes"] or []}
    assert analysts <= {"ann", "bob"}
    assert analysts


def test_sensitivity_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 'achbench/1'\ntitle = \n", encoding="utf-8")
    result = invoke("sensitivity", str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{bad}:2" in result.stderr
    result = invoke("sensitivity", str(write(tmp_path, small_matrix())), "--analyst", "nobody")
    assert result.exit_code == 2
    assert "unknown analyst 'nobody'" in result.stderr


def test_sensitivity_shows_milestone_warning(tmp_path: Path) -> None:
    data = small_matrix(
        milestones={
            "M1": {"hypothesis": "H1", "title": "Seen", "expect": "refutes", "status": "observed"}
        }
    )
    result = invoke("sensitivity", str(write(tmp_path, data)))
    assert "Warning: Milestone M1 was observed" in result.stdout


# --------------------------------------------------------------------------- consensus


def test_consensus_of_two_files(tmp_path: Path) -> None:
    ann, bob = team(tmp_path)
    result = invoke("consensus", str(ann), str(bob))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Analysts: ann, bob" in out
    assert "Krippendorff's alpha (ordinal)" in out
    assert "Disputed cells" in out
    assert "ann CC, bob II" in out
    assert "extreme" in out


def test_consensus_json(tmp_path: Path) -> None:
    ann, bob = team(tmp_path)
    payload = json.loads(invoke("consensus", str(ann), str(bob), "-f", "json").stdout)
    assert payload["analysts"] == ["ann", "bob"]
    assert isinstance(payload["alpha"], float)
    cell = next(c for c in payload["cells"] if (c["evidence"], c["hypothesis"]) == ("E1", "H1"))
    assert cell["votes"] == {"ann": "CC", "bob": "II"}
    assert cell["category"] == "extreme"
    assert payload["counts"]["extreme"] == 1
    assert {a["analyst"] for a in payload["per_analyst"]} == {"ann", "bob"}


def test_consensus_markdown_and_one_analyst(example_path: Path) -> None:
    result = invoke("consensus", str(example_path), "-f", "markdown")
    assert result.exit_code == 0
    assert "Only one analyst rated this matrix" in result.stdout
    assert "No cell is disputed." in result.stdout


# --------------------------------------------------------------------------- rank additions


def test_rank_sort_by_diagnosticity(example_path: Path) -> None:
    result = invoke("rank", str(example_path), "--sort", "diagnosticity", "-f", "markdown")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("| E")]
    assert lines[0].startswith("| E16 |")
    assert lines[-1].endswith("| non-diagnostic |")
    values = [float(line.split("|")[3]) for line in lines]
    assert values == sorted(values, reverse=True)
    table = invoke("rank", str(example_path), "--sort", "diagnosticity").stdout
    assert "Evidence under heuer (most diagnostic first)" in table
    assert table.index("E16") < table.index("E12")


def test_rank_json_keeps_the_contract_and_adds_the_order(example_path: Path) -> None:
    payload = json.loads(
        invoke("rank", str(example_path), "-f", "json", "--sort", "diagnosticity").stdout
    )
    assert [e["id"] for e in payload["evidence"]][:3] == ["E1", "E2", "E3"]  # file order
    assert payload["evidence_by_diagnosticity"][0] == "E16"
    assert payload["warnings"] == []


def test_rank_sort_with_csv_lists_the_evidence(example_path: Path) -> None:
    result = invoke("rank", str(example_path), "-f", "csv", "--sort", "diagnosticity")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "id,title,diagnosticity,nondiagnostic,origin,flags"
    assert lines[1].startswith("E16,")


def test_rank_flags_refuting_milestone(tmp_path: Path) -> None:
    data = load_data(Path(__file__).resolve().parents[2] / "matrices" / "kazakhstan-2022.toml")
    data["milestones"]["M4"]["status"] = "observed"  # refutes H2, the leader
    path = write(tmp_path, data)
    table = invoke("rank", str(path))
    assert "Warning: Milestone M4 was observed and refutes the leading hypothesis H2" in " ".join(
        table.stdout.split()
    )
    markdown = invoke("rank", str(path), "-f", "markdown").stdout
    assert "> **Warning:** Milestone M4 was observed" in markdown
    payload = json.loads(invoke("rank", str(path), "-f", "json").stdout)
    assert payload["warnings"][0]["kind"] == "refuted"
    assert payload["warnings"][0]["milestone"] == "M4"
    assert {"id", "title", "rank", "score"} <= set(payload["hypotheses"][0])
    csv_run = invoke("rank", str(path), "-f", "csv")
    assert csv_run.stdout.startswith("rank,id,title,score")
    assert "warning: Milestone M4" in csv_run.stderr
    # Not flagged when the refuted hypothesis does not lead.
    quiet = invoke("rank", str(write(tmp_path, load_data(path) | {"milestones": {}}, "q.toml")))
    assert "Warning" not in quiet.stdout


# --------------------------------------------------------------------------- report


def test_report_markdown_to_stdout(example_path: Path) -> None:
    result = invoke("report", str(example_path))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Kazakhstan unrest, January 2022\n")
    assert "## Sensitivity (heuer)" in result.stdout


def test_report_html_to_file(tmp_path: Path, example_path: Path) -> None:
    out = tmp_path / "report.html"
    result = invoke("report", str(example_path), "-f", "html", "-o", str(out), "-m", "bayes")
    assert result.exit_code == 0
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Sensitivity (bayes)" in page
    assert not list(tmp_path.glob(".report.html.*"))


def test_report_escapes_a_hostile_title(tmp_path: Path) -> None:
    path = write(tmp_path, small_matrix(title=EVIL, question=EVIL))
    page = invoke("report", str(path), "-f", "html").stdout
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_unwritable_output_exits_2(tmp_path: Path, example_path: Path) -> None:
    target = tmp_path / "missing" / "r.md"
    result = invoke("report", str(example_path), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{target}: cannot write the report: No such file or directory; the file is unchanged\n"
    )


# --------------------------------------------------------------------------- hygiene


def test_sensitivity_json_imports_neither_textual_nor_rich_nor_pydantic(
    example_path: Path,
) -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from achbench.cli import main\n"
        f"sys.argv = ['achbench', 'sensitivity', {str(example_path)!r}, '--format', 'json']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(standalone_mode=False)\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "achbench.analysis.sensitivity" in loaded
    assert not {"textual", "rich", "pydantic", "numpy"} & loaded


# --------------------------------------------------------------------------- chromium


def png_facts(data: bytes) -> tuple[int, int, float]:
    """Width, height and the share of pixel rows that are not one flat colour.

    Decodes the PNG's scanlines with zlib only (no imaging library): a row is
    flat when every filtered byte after the filter type is the same.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, b""
    bits = colour = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, bits, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    stride = width * channels * bits // 8 + 1
    raw = zlib.decompress(idat)
    rows = [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]
    busy = sum(1 for row in rows if row.count(row[:1]) != len(row))
    return width, height, busy / height


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_html_report_renders_in_headless_chromium(tmp_path: Path, example_path: Path) -> None:
    data = load_data(example_path)
    data["title"] = EVIL
    data["hypotheses"]["H1"]["title"] = EVIL
    page = tmp_path / "report.html"
    assert (
        invoke("report", str(write(tmp_path, data)), "-f", "html", "-o", str(page)).exit_code == 0
    )
    shot = tmp_path / "out.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,2000",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    png = shot.read_bytes()
    width, height, busy = png_facts(png)
    assert (width, height) == (1200, 2000)
    assert len(png) > 50_000, "a blank page compresses to a few kilobytes"
    assert busy > 0.3, f"only {busy:.0%} of the rows show anything"


@pytest.mark.parametrize(
    "module",
    [
        "achbench.analysis.sensitivity",
        "achbench.analysis.consensus",
        "achbench.analysis.milestones",
        "achbench.analysis.wording",
        "achbench.report.content",
        "achbench.report.markdown",
        "achbench.report.html",
    ],
)
def test_analysis_core_imports_no_screen_library(module: str) -> None:
    probe = f"import {module}, sys; print('\\n'.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert module in loaded
    assert not {"textual", "rich", "click"} & loaded

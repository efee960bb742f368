"""``rank`` and ``sensitivity`` on a matrix whose items share origins and carry
Admiralty grades: the counts of independent origins, the caveats in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from achbench.cli import main
from achbench.store.toml import dumps


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _matrix(tmp_path: Path) -> Path:
    """Three official statements of one claim (origin ``gov``: E2 and E3 agree,
    E4 points the other way), an independent item, and a graded rumour."""
    data = {
        "format": "achbench/1",
        "title": "Origins",
        "hypotheses": {"H1": {"title": "coup"}, "H2": {"title": "protest"}},
        "evidence": {
            "E1": {"title": "independent report"},
            "E2": {"title": "kazakh statement", "origin": "gov"},
            "E3": {"title": "russian statement", "origin": "gov"},
            "E4": {"title": "chinese statement", "origin": "gov"},
            "E5": {"title": "rumour", "cites": "S", "grade": "5"},
        },
        "sources": {"S": {"title": "channel", "reliability": "E"}},
        "ratings": {
            "a": {
                "E1": {"H1": "I", "H2": "C"},
                "E2": {"H1": "C", "H2": "I"},
                "E3": {"H1": "C", "H2": "I"},
                "E4": {"H1": "I", "H2": "C"},
                "E5": {"H1": "C", "H2": "II"},
            }
        },
    }
    path = tmp_path / "origins.toml"
    path.write_text(dumps(data), encoding="utf-8")
    return path


def test_rank_counts_independent_origins(tmp_path: Path) -> None:
    path = _matrix(tmp_path)
    table = invoke("rank", str(path))
    assert table.exit_code == 0
    assert "5 evidence items from 3 independent origins" in " ".join(table.stdout.split())
    payload = json.loads(invoke("rank", str(path), "-f", "json").stdout)
    assert (payload["evidence_items"], payload["independent_origins"]) == (5, 3)
    # heuer: E1 1 on H1; gov pools E2 (E3 is rated alike: once) and E4: C and I
    # for H1 (0.5), I and C for H2 (0.5); E5 2 on H2.  H1 1.5, H2 2.5 (as five
    # independent items: H1 2, H2 4).
    scores = {h["id"]: h["score"] for h in payload["hypotheses"]}
    assert scores == {"H1": 1.5, "H2": 2.5}


def test_rank_sort_diagnosticity_shows_caveats_in_every_format(tmp_path: Path) -> None:
    path = _matrix(tmp_path)
    payload = json.loads(invoke("rank", str(path), "-f", "json", "--sort", "diagnosticity").stdout)
    assert payload["caveats"] == {
        "E2": {"flags": ["contested-origin"], "against": ["E4"]},
        "E3": {"flags": ["contested-origin"], "against": ["E4"]},
        "E4": {"flags": ["contested-origin"], "against": ["E2", "E3"]},
        "E5": {"flags": ["low-credibility"]},
    }
    markdown = invoke("rank", str(path), "-f", "markdown", "--sort", "diagnosticity").stdout
    assert "| E5 | rumour | 2.00 | low-credibility |" in markdown
    table = invoke("rank", str(path), "--sort", "diagnosticity").stdout
    assert "contested-origin" in table
    assert "low-credibility" in table
    rows = invoke("rank", str(path), "-f", "csv", "--sort", "diagnosticity").stdout.splitlines()
    assert "E5,rumour,2.0,0,,low-credibility" in rows
    # The origin pulls both ways at once: it tells nothing apart (0 for each item).
    assert "E4,chinese statement,0.0,0,gov,contested-origin" in rows


def test_sensitivity_leaves_an_origin_out_whole(tmp_path: Path) -> None:
    path = _matrix(tmp_path)
    payload = json.loads(invoke("sensitivity", str(path), "-f", "json").stdout)
    assert (payload["evidence_items"], payload["independent_origins"]) == (5, 3)
    removed = [(r["evidence"], r.get("items")) for r in payload["leave_one_out"]]
    assert removed == [("E1", None), ("gov", ["E2", "E3", "E4"]), ("E5", None)]
    table = invoke("sensitivity", str(path), "--all").stdout
    assert "from 3 independent origins" in " ".join(table.split())
    assert "origin gov: E2, E3, E4" in " ".join(table.split())

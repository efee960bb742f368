"""The bundled example checks out against the commentary it quotes.

The commentary (the seed text) is not in the repository: CI has it beside the
project, at ``../shared/seed``; these tests run ``check`` against that copy.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.store.toml import load_data
from tests.helpers import EXAMPLE, ROOT

SEED_DIR = Path("../shared/seed")
"""Where CI keeps the seed, relative to the project's top folder."""
SEED = ROOT / SEED_DIR / "kazakhstan-2022.txt"
OFFICIAL_LINE = {"E2", "E13", "E19", "E20", "E28", "E29", "E30"}
"""Items resting on the Kazakh, Russian and Chinese official statements of a
foreign-backed coup, which the commentary repeats."""

needs_seed = pytest.mark.skipif(
    not SEED.is_file(),
    reason=f"the seed commentary is not at {ROOT / SEED_DIR} (CI keeps it beside the project)",
)


@needs_seed
def test_every_quote_of_the_example_is_found_in_the_commentary() -> None:
    """As a user runs it from the project's top folder."""
    relative = EXAMPLE.relative_to(ROOT)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "achbench",
            "check",
            "--sources",
            "--sources-dir",
            str(SEED_DIR),
            str(relative),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == (
        f"{relative}: ok (4 hypotheses, 31 evidence items, 1 analyst; "
        "30 of 30 quotes found in 1 document)\n"
    )


@needs_seed
def test_the_recorded_sha256_is_the_seeds() -> None:
    source = load_data(EXAMPLE)["sources"]["commentary"]
    assert source.get("sha256") == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_without_the_commentary_at_hand_check_notes_it_and_passes(tmp_path: Path) -> None:
    copy = tmp_path / "example.toml"
    copy.write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["check", "--sources", str(copy)])
    assert result.exit_code == 0
    assert "note: source commentary's document kazakhstan-2022.txt is not at hand" in result.stderr
    assert "30 quotes not checked" in result.stderr


def test_items_from_the_commentary_cite_it_with_quote_and_locator() -> None:
    data = load_data(EXAMPLE)
    commentary = data["sources"]["commentary"]
    assert commentary.get("kind") == "commentary"
    assert commentary.get("reliability") == "F"  # anonymous: no record to judge by
    assert commentary.get("path") == "kazakhstan-2022.txt"
    for eid, item in data["evidence"].items():
        if item.get("cites") == "commentary":
            assert item.get("quote"), eid
            assert item.get("locator"), eid
            assert "grade" in item, eid
        else:
            assert item.get("cites") == "reporting", eid
            assert "quote" not in item, eid
    assert data["sources"]["reporting"].get("kind") == "general reporting"
    assert "path" not in data["sources"]["reporting"]


def test_the_official_line_is_one_origin() -> None:
    data = load_data(EXAMPLE)
    sharing = {eid for eid, item in data["evidence"].items() if item.get("origin")}
    assert sharing == OFFICIAL_LINE
    assert {data["evidence"][eid].get("origin") for eid in sharing} == {"official-coup-line"}


def test_the_commentary_is_not_in_the_repository() -> None:
    """Only short quotes: no copy of the seed among the project's files."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert not [name for name in listed if name.endswith("kazakhstan-2022.txt")]

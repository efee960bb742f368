"""Fixtures shared by the unit and functional tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "matrices" / "kazakhstan-2022.toml"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


def small_matrix(**overrides: Any) -> dict[str, Any]:
    """A valid 3x3 matrix as plain data; keyword arguments replace top-level keys."""
    data: dict[str, Any] = {
        "format": "achbench/1",
        "title": "Small",
        "analyst": "lead",
        "hypotheses": {
            "H1": {"title": "First"},
            "H2": {"title": "Second"},
            "H3": {"title": "Third"},
        },
        "evidence": {
            "E1": {"title": "One", "credibility": "high", "relevance": "high"},
            "E2": {"title": "Two"},
            "E3": {"title": "Three", "credibility": "low"},
        },
        "ratings": {
            "lead": {
                "E1": {"H1": "CC", "H2": "I", "H3": "II"},
                "E2": {"H1": "N", "H2": "C", "H3": "I"},
                "E3": {"H1": "I", "H2": "N", "H3": "NA"},
            }
        },
    }
    data.update(overrides)
    return data


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "m.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

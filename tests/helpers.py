"""Helpers the tests import: paths of the repository and a small valid matrix.

Import them with ``from tests.helpers import ...``.  Fixtures live in
``conftest.py``, which no test imports (pytest loads it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
"""The repository's top folder."""

EXAMPLE = ROOT / "matrices" / "kazakhstan-2022.toml"
"""The bundled example matrix (4 hypotheses, 31 evidence items)."""

DATA = Path(__file__).resolve().parent / "data"
"""Test files: ``bad/`` (one broken matrix per problem) and ``formats/``."""


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


def markdown_cells(line: str) -> list[str]:
    """A GFM table row's cells: split on pipes that no backslash escapes."""
    out: list[str] = []
    current = ""
    escaped = False
    for char in line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char == "|":
            out.append(current)
            current = ""
        else:
            current += char
    out.append(current)
    return out


def markdown_tables(text: str) -> list[list[str]]:
    """Each table's lines: runs of lines that start with a pipe."""
    found: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found

"""Fixtures shared by every test, and the one place Hypothesis is configured.

Helpers that tests import (``small_matrix``, ``EXAMPLE``, ``ROOT``, ``DATA``) live
in ``tests/helpers.py``: a conftest is loaded by pytest, never imported.

Hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE`` (default ``ci``):

* ``ci``: the same examples on every run (``derandomize``: each test's examples
  follow from a hash of the test), so two runs give the same result, on one
  worker or several;
* ``long``: twenty times the examples, drawn afresh on each run, to hunt for new
  failures: ``HYPOTHESIS_PROFILE=long pytest tests/fuzz``.  A failure prints the
  ``@reproduce_failure`` line that replays it.

Neither keeps an example database: a run after a failure draws the same examples
as the run before it (a failure found is fixed by a test, not remembered in
``.hypothesis/``).  A test's own ``@settings(max_examples=...)`` still wins for
what it sets, and inherits the rest from the profile.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import EXAMPLE

_SHARED = {
    "database": None,
    "deadline": None,  # shared, loaded machines: time limits would make runs flaky
    "suppress_health_check": [HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=200, derandomize=True, **_SHARED)
settings.register_profile("long", max_examples=4000, derandomize=False, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def example_path() -> Path:
    """The bundled example matrix (read it; never write to it)."""
    return EXAMPLE


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "m.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

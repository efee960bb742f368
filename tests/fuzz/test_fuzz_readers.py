"""Every command that reads a file: never a traceback, always exit 0 or 2, located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given

from achbench.cli import main
from tests.fuzz.mutations import any_file

pytestmark = pytest.mark.slow  # each fuzzer runs a few seconds: `pytest -m 'not slow'` skips them


def _run(tmp_path_factory: Any, content: bytes, *args: str) -> tuple[Any, Path]:
    path = tmp_path_factory.mktemp("fuzz") / "m.toml"
    path.write_bytes(content)
    return CliRunner().invoke(main, [args[0], str(path), *args[1:]]), path


def _assert_clean(result: Any, path: Path, content: bytes) -> None:
    assert result.exit_code in (0, 2), result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines
        for line in lines:
            assert line.startswith(f"{path}:"), line
            assert "\x1b" not in line, line
    assert "Traceback" not in result.output
    assert path.read_bytes() == content, "reading must never change the file"


NEWLINE_KEY = b'format = "achbench/1"\ntitle = "t"\n"a\\nb" = 1\n[hypotheses.H1]\ntitle = "h"\n'
"""Found by this fuzzer once: a key holding a newline split the error line in two."""

CONTROL_KEY = (
    b'format = "achbench/1"\ntitle = "t"\n[hypotheses.H1]\ntitle = "h"\n"x\\u001b]2;T\\u0007" = 1\n'
)
"""Its sibling: a key holding an escape sequence must not reach the terminal raw."""


@given(any_file)
@example(NEWLINE_KEY)
@example(CONTROL_KEY)
def test_check_survives_anything(tmp_path_factory: Any, content: bytes) -> None:
    result, path = _run(tmp_path_factory, content, "check")
    _assert_clean(result, path, content)


@given(any_file)
@example(NEWLINE_KEY)
@example(CONTROL_KEY)
def test_rank_survives_anything(tmp_path_factory: Any, content: bytes) -> None:
    for method in ("heuer", "opensynthesis", "bayes", "weighted"):
        result, path = _run(tmp_path_factory, content, "rank", "--method", method, "-f", "json")
        _assert_clean(result, path, content)

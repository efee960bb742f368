"""diff, merge and import on hostile files: exit 0, 1 or 2 with located messages, no traceback."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from achbench.cli import main
from achbench.store.toml import dumps
from tests.fuzz.mutations import any_file
from tests.helpers import small_matrix

pytestmark = pytest.mark.slow  # each fuzzer runs a few seconds: `pytest -m 'not slow'` skips them

VALID = dumps(small_matrix()).encode("utf-8")


def _clean(result: Any, allowed: tuple[int, ...], named: Path) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.strip()
        assert all(_located(line, named) for line in result.stderr.splitlines()), result.stderr


def _located(line: str, named: Path) -> bool:
    """The line names the bad file first; or, when merge finds a side that is not a
    version of BASE's matrix (a valid file may be the odd one out), names it at all."""
    if line.startswith(f"{named}"):
        return True
    return " not a version of the same matrix as " in line and str(named) in line


@given(any_file, st.booleans())
def test_diff_survives_anything(tmp_path_factory: Any, content: bytes, bad_first: bool) -> None:
    folder = tmp_path_factory.mktemp("diff")
    bad, good = folder / "bad.toml", folder / "good.toml"
    bad.write_bytes(content)
    good.write_bytes(VALID)
    args = [str(bad), str(good)] if bad_first else [str(good), str(bad)]
    result = CliRunner().invoke(main, ["diff", *args])
    _clean(result, (0, 1, 2), bad)
    assert bad.read_bytes() == content


@given(any_file, st.sampled_from([0, 1, 2]))
def test_merge_survives_anything(tmp_path_factory: Any, content: bytes, which: int) -> None:
    folder = tmp_path_factory.mktemp("merge")
    paths = [folder / "base.toml", folder / "ours.toml", folder / "theirs.toml"]
    for path in paths:
        path.write_bytes(VALID)
    paths[which].write_bytes(content)
    out = folder / "out.toml"
    result = CliRunner().invoke(main, ["merge", *map(str, paths), "-o", str(out)])
    _clean(result, (0, 1, 2), paths[which])
    if result.exit_code == 2:
        assert not out.exists(), "a failed merge writes nothing"
    assert paths[which].read_bytes() == content


@given(
    st.one_of(any_file, st.binary(max_size=300).map(gzip.compress)),
    st.sampled_from(["achz", "csv", "json"]),
)
def test_import_survives_anything(tmp_path_factory: Any, content: bytes, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("import")
    source = folder / f"in.{suffix}"
    source.write_bytes(content)
    out = folder / "out.toml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    _clean(result, (0, 2), source)
    if result.exit_code == 0:
        assert CliRunner().invoke(main, ["check", str(out)]).exit_code == 0
    else:
        assert not out.exists()

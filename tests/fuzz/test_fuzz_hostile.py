"""Every reading command against every class of hostile file issue 12 found.

The classes: special files (FIFO, directory, a link to ``/dev/zero``, a loop of
links), files over the size cap, nesting 500 deep (TOML arrays and inline
tables, JSON), undocumented codecs in an ``.achz``, numbers too long to read,
element bombs, keys holding control characters.  The commands: ``check``,
``rank``, ``diff`` (either side), ``merge`` (any side), ``report``,
``sensitivity``, ``consensus``, ``import`` of every format, and the git
textconv and diff drivers.  Each run must end with exit status 0, 1 or 2, every
line on stderr naming the file, no traceback, no raw control character, and the
input as it was.  A property test then throws random brackets, quotes and
digits at the readers.
"""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given
from hypothesis import strategies as st

from achbench.cli import main
from achbench.core.errors import MatrixFileError
from achbench.formats import Report
from achbench.formats.json_io import read_json
from achbench.store.toml import dumps, parse
from tests.helpers import small_matrix

VALID = dumps(small_matrix())  # type: ignore[arg-type]
CAPS = {"ACHBENCH_MAX_FILE_MB": "1", "ACHBENCH_MAX_ITEMS": "1000", "ACHBENCH_MAX_CELLS": "5000"}
"""Small caps, so that the bombs are refused in milliseconds."""

Builder = Callable[[Path, str], Path]


def _write(name: str, content: bytes) -> Builder:
    def build(folder: Path, suffix: str) -> Path:
        path = folder / f"{name}{suffix}"
        path.write_bytes(content)
        return path

    return build


def _fifo(folder: Path, suffix: str) -> Path:
    path = folder / f"fifo{suffix}"
    os.mkfifo(path)
    return path


def _directory(folder: Path, suffix: str) -> Path:
    path = folder / f"folder{suffix}"
    path.mkdir()
    return path


def _dev_zero(folder: Path, suffix: str) -> Path:
    path = folder / f"zero{suffix}"
    path.symlink_to("/dev/zero")
    return path


def _loop(folder: Path, suffix: str) -> Path:
    path = folder / f"loop{suffix}"
    other = folder / f"loop2{suffix}"
    path.symlink_to(other)
    other.symlink_to(path)
    return path


def _oversized(folder: Path, suffix: str) -> Path:
    path = folder / f"big{suffix}"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: over the 1 MiB cap of CAPS
    return path


def _achz(xml: str, encoding: str = "utf-8") -> bytes:
    return gzip.compress(xml.encode(encoding), mtime=0)


DEEP = 500
HOSTILE: dict[str, tuple[Builder, tuple[str, ...]]] = {
    "fifo": (_fifo, (".toml", ".achz", ".csv", ".json")),
    "directory": (_directory, (".toml", ".achz", ".csv", ".json")),
    "dev-zero": (_dev_zero, (".toml", ".achz", ".csv", ".json")),
    "link-loop": (_loop, (".toml", ".achz", ".csv", ".json")),
    "oversized": (_oversized, (".toml", ".achz", ".csv", ".json")),
    "toml-arrays-500-deep": (
        _write("deep", (VALID + "\n[x]\nv = " + "[" * DEEP + "]" * DEEP + "\n").encode()),
        (".toml",),
    ),
    "toml-inline-tables-500-deep": (
        _write("deep", (VALID + "\n[x]\nv = " + "{a = " * DEEP + "1" + "}" * DEEP).encode()),
        (".toml",),
    ),
    "toml-integer-5001-digits": (
        _write("long", VALID.replace('title = "First"', f"prior = {'7' * 5001}").encode()),
        (".toml",),
    ),
    "toml-key-with-controls": (
        _write(
            "keys",
            VALID.replace("[hypotheses.H1]", '[hypotheses."H1\\n\\u001b]0;x\\u0007"]').encode(),
        ),
        (".toml",),
    ),
    "json-500-deep": (
        _write("deep", ('{"title": ' + "[" * DEEP + "]" * DEEP + "}").encode()),
        (".json",),
    ),
    "json-prior-5001-digits": (
        _write(
            "long",
            (
                '{"format": "achbench/1", "title": "t", "hypotheses": {"H1": '
                f'{{"title": "a", "prior": {"1" * 5001}}}}}}}'
            ).encode(),
        ),
        (".json",),
    ),
    **{
        f"achz-codec-{codec}": (
            _write(
                codec,
                _achz(
                    f'<?xml version="1.0" encoding="{codec}"?><ACH><MATRIX><HYPOTHESIS><NAME>'
                    "\xe9</NAME></HYPOTHESIS></MATRIX></ACH>",
                    "latin-1",
                ),
            ),
            (".achz",),
        )
        for codec in ("idna", "punycode", "undefined")
    },
    "achz-element-bomb": (
        _write(
            "bomb",
            _achz("<ACH><MATRIX><HYPOTHESIS/>" + "<EVIDENCE/>" * 200_000 + "</MATRIX></ACH>"),
        ),
        (".achz",),
    ),
    "csv-comma-bomb": (_write("commas", b"," * 500_000), (".csv",)),
}
CASES = [
    pytest.param(build, suffix, id=f"{name}{suffix}")
    for name, (build, suffixes) in HOSTILE.items()
    for suffix in suffixes
]
TOML_CASES = [case for case in CASES if case.values[1] == ".toml"]


def _state(path: Path) -> tuple[int, bytes | None]:
    """What the input is, to check it is unchanged: its kind, and its bytes if a file."""
    info = path.lstat()
    if stat.S_ISREG(info.st_mode) and info.st_blocks * 512 >= info.st_size:
        return info.st_mode, path.read_bytes()
    return info.st_mode, None


def _clean(result: Result, allowed: tuple[int, ...], *names: str) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert all(line.startswith(names) for line in lines), result.stderr
    assert all(c == "\n" or (c >= " " and not "\x7f" <= c <= "\x9f") for c in result.stderr)
    if result.exit_code == 2:
        assert lines


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=CAPS)


@pytest.mark.parametrize(("build", "suffix"), TOML_CASES)
@pytest.mark.parametrize("command", ["check", "rank", "report", "sensitivity", "consensus"])
def test_reading_commands_refuse_hostile_matrices(
    tmp_path: Path, build: Builder, suffix: str, command: str
) -> None:
    path = build(tmp_path, suffix)
    before = _state(path)
    _clean(_run(command, path), (2,), str(path))
    assert _state(path) == before


@pytest.mark.parametrize(("build", "suffix"), TOML_CASES)
@pytest.mark.parametrize("bad_first", [True, False])
def test_diff_refuses_a_hostile_side(
    tmp_path: Path, build: Builder, suffix: str, bad_first: bool
) -> None:
    path = build(tmp_path, suffix)
    good = tmp_path / "good.toml"
    good.write_text(VALID, encoding="utf-8")
    before = _state(path)
    args = (path, good) if bad_first else (good, path)
    _clean(_run("diff", *args), (2,), str(path))
    assert _state(path) == before


@pytest.mark.parametrize(("build", "suffix"), TOML_CASES)
@pytest.mark.parametrize("which", [0, 1, 2])
def test_merge_refuses_a_hostile_side_and_writes_nothing(
    tmp_path: Path, build: Builder, suffix: str, which: int
) -> None:
    sides = [tmp_path / f"{name}.toml" for name in ("base", "ours", "theirs")]
    for side in sides:
        side.write_text(VALID, encoding="utf-8")
    sides[which].unlink()
    path = build(tmp_path, suffix)
    sides[which] = path
    before = _state(path)
    out = tmp_path / "out.toml"
    _clean(_run("merge", *sides, "-o", out), (2,), str(path))
    assert not out.exists()
    assert _state(path) == before


@pytest.mark.parametrize(("build", "suffix"), CASES)
def test_import_of_every_format_survives_hostile_files(
    tmp_path: Path, build: Builder, suffix: str
) -> None:
    path = build(tmp_path, suffix)
    before = _state(path)
    out = tmp_path / "out.toml"
    fmt = {".toml": "json"}.get(suffix, suffix[1:])  # a TOML file given as JSON: still refused
    result = _run("import", path, "--from", fmt, "-o", out)
    _clean(result, (0, 2), str(path), f"wrote {out} ")
    if result.exit_code == 0:
        assert _run("check", out).exit_code == 0
    else:
        assert not out.exists()
    assert _state(path) == before


@pytest.mark.parametrize(("build", "suffix"), TOML_CASES)
def test_git_drivers_show_hostile_files_without_dying(
    tmp_path: Path, build: Builder, suffix: str
) -> None:
    path = build(tmp_path, suffix)
    good = tmp_path / "good.toml"
    good.write_text(VALID, encoding="utf-8")
    before = _state(path)
    textconv = _run("git-textconv", path)
    assert textconv.exit_code == 0
    assert "Traceback" not in textconv.output
    assert textconv.stdout.startswith("# achbench: not a valid matrix: matrix")
    args = ("m.toml", good, "1" * 40, "100644", path, "2" * 40, "100644")
    driver = _run("git-diff-driver", *args)
    assert driver.exit_code == 0
    assert "Traceback" not in driver.output
    assert driver.stdout.startswith("achbench diff a/m.toml b/m.toml\n# b/m.toml")
    assert _state(path) == before


# --- random brackets, quotes and digits -----------------------------------------

_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        "[[",
        "]]",
        '"',
        "'",
        '"""',
        "'''",
        "\\",
        "#",
        "\n",
        ",",
        " ",
        "=",
        "a",
        "x = ",
        "1",
        "9" * 20,
        "[" * 70,
        "]" * 70,
        "{a=" * 70,
        "}" * 70,
        '"' + "[" * 70 + '"',
    ]
)
_NOISE = st.lists(_PIECES, max_size=40).map("".join)


@given(_NOISE, st.sampled_from(["rtoml", "tomllib"]))
@example("v = " + "[" * 70 + "]" * 70, "tomllib")
@example('v = "' + "]" * 70 + '"\nw = ' + "[" * 70 + "]" * 70, "rtoml")
@example("v = [" + "{a=[" * 40 + "1" + "]}" * 40 + "]", "tomllib")
def test_toml_readers_raise_only_located_errors(text: str, parser: str) -> None:
    os.environ["ACHBENCH_TOML_PARSER"] = parser
    try:
        parse(text, "noise.toml")
    except MatrixFileError as exc:
        lines = exc.lines()
    else:
        lines = []
    finally:
        del os.environ["ACHBENCH_TOML_PARSER"]
    assert all(line.startswith("noise.toml:") for line in lines)


@given(_NOISE)
@example('{"a": ' + "[" * 70 + "]" * 70 + "}")
@example('{"a": "' + "]" * 70 + '", "b": ' + "[" * 70 + "]" * 70 + "}")
def test_the_json_reader_raises_only_located_errors(text: str) -> None:
    try:
        read_json(text.encode(), "noise.json", Report("noise.json"))
    except MatrixFileError as exc:
        lines = exc.lines()
    else:
        lines = []
    assert all(line.startswith("noise.json") for line in lines)

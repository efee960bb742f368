"""One rule for untrusted files (issue 12, point 3), and the writes that must explain
themselves (point 4): each test here failed on the code before the rule.

Readers: only regular files, a size cap read with a bounded read, element caps,
nesting refused before a recursive parser sees it, every error one located line.
Writers: links followed, read-only files kept without force, owners kept.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from achbench.cli import main
from achbench.core.errors import MatrixFileError, Problem, SaveError
from achbench.core.limits import MAX_DEPTH, too_deep
from achbench.formats import Report, read_matrix
from achbench.formats.achz import read_achz
from achbench.store.atomic import write_atomic
from achbench.store.files import read_bytes
from achbench.store.toml import dumps, load_data, read_table, save
from tests.helpers import EXAMPLE, small_matrix

VALID = dumps(small_matrix())  # type: ignore[arg-type]


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def refused(path: Path | str, exc: pytest.ExceptionInfo[MatrixFileError]) -> str:
    """The one line of a refusal, checked to name the file first."""
    lines = exc.value.lines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:"), lines
    return lines[0]


# --- special files -----------------------------------------------------------


def test_a_fifo_is_refused_at_once_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "m.toml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = invoke("check", fifo)
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert result.stderr == (
        f"{fifo}: is a FIFO (named pipe), not a regular file; only regular files are read\n"
    )


def test_a_link_to_dev_zero_is_refused_before_reading(tmp_path: Path) -> None:
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    result = invoke("rank", link)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{link}: is a character device, not a regular file; only regular files are read\n"
    )


def test_a_loop_of_links_as_input_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    result = invoke("check", tmp_path / "a.toml")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'a.toml'}: a loop of symbolic links: the file cannot be reached\n"
    )


# --- the size cap --------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # sparse: 2 MiB on the size, nothing on disk
        handle.truncate(2 * 1024 * 1024)
    result = invoke("import", big, env={"ACHBENCH_MAX_FILE_MB": "1"})
    assert result.exit_code == 2
    assert result.stderr == (
        f"{big}: refused: 2.0 MiB, more than the 1 MiB an input file may have "
        "(the cap; raise it with ACHBENCH_MAX_FILE_MB)\n"
    )


def test_a_1_gib_one_line_csv_is_refused_at_the_default_cap_without_reading(
    tmp_path: Path,
) -> None:
    # Issue 12: a 1 GB one-line CSV peaked at 7.2 GB before it was refused.
    big = tmp_path / "one-line.csv"
    with big.open("wb") as handle:  # sparse: nothing on disk, 1 GiB on the size
        handle.truncate(1024**3)
    started = time.monotonic()
    result = invoke("import", big)
    assert time.monotonic() - started < 2
    assert result.exit_code == 2
    assert result.stderr == (
        f"{big}: refused: 1,024.0 MiB, more than the 64 MiB an input file may have "
        "(the cap; raise it with ACHBENCH_MAX_FILE_MB)\n"
    )


def test_the_size_cap_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.toml"
    path.write_text(VALID + "# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    monkeypatch.setenv("ACHBENCH_MAX_FILE_MB", "1")
    with pytest.raises(MatrixFileError):
        load_data(path)
    monkeypatch.setenv("ACHBENCH_MAX_FILE_MB", "2")
    assert load_data(path)["title"] == "Small"


def test_a_bad_cap_setting_is_a_located_line(tmp_path: Path) -> None:
    result = invoke("check", EXAMPLE, env={"ACHBENCH_MAX_ITEMS": "lots"})
    assert result.exit_code == 2
    assert result.stderr == (
        f"{EXAMPLE}: not read: ACHBENCH_MAX_ITEMS='lots': expected a whole number greater than 0\n"
    )


def test_the_read_is_bounded_even_when_the_size_lies() -> None:
    # /proc files say size 0 and read on; a growing file does the same.
    with pytest.raises(MatrixFileError) as caught:
        read_bytes("/proc/self/maps", limit=16)
    assert "more than the 0 MiB" in refused("/proc/self/maps", caught)


# --- element caps ----------------------------------------------------------------


def test_more_items_than_the_cap_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.toml"
    path.write_text(VALID, encoding="utf-8")
    monkeypatch.setenv("ACHBENCH_MAX_ITEMS", "2")
    with pytest.raises(MatrixFileError) as caught:
        load_data(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:5:1: hypotheses: more than 2 hypotheses: refused "
        "(the cap; raise it with ACHBENCH_MAX_ITEMS)",
        f"{path}:14:1: evidence: more than 2 evidence items: refused "
        "(the cap; raise it with ACHBENCH_MAX_ITEMS)",
    ]
    monkeypatch.setenv("ACHBENCH_MAX_ITEMS", "100")
    monkeypatch.setenv("ACHBENCH_MAX_CELLS", "8")
    with pytest.raises(MatrixFileError) as caught:
        load_data(path)
    assert "more than 8 rated cells: refused" in str(caught.value)


def _achz(xml: bytes) -> bytes:
    return gzip.compress(xml, mtime=0)


def test_a_million_empty_evidence_elements_are_refused_quickly(tmp_path: Path) -> None:
    # Issue 12: 21 KB took 38 s and 2.1 GB and printed a million warnings.
    path = tmp_path / "bomb.achz"
    body = b"<EVIDENCE/>" * 1_000_000
    path.write_bytes(
        _achz(b"<ACH><MATRIX><HYPOTHESIS><NAME>a</NAME></HYPOTHESIS>" + body + b"</MATRIX></ACH>")
    )
    assert path.stat().st_size < 30_000
    started = time.process_time()  # CPU time: other load on the machine does not count
    with pytest.raises(MatrixFileError) as caught:
        read_matrix(str(path), "achz", Report(str(path)))
    assert time.process_time() - started < 5  # 38 s before issue 12, about 1 s now
    assert refused(path, caught) == (
        f"{path}: more than 100,000 evidence items (EVIDENCE elements): refused "
        "(the cap; raise it with ACHBENCH_MAX_ITEMS)"
    )


def test_repeated_warnings_are_summed_up_after_20(tmp_path: Path) -> None:
    body = b"<EVIDENCE/>" * 5_000
    raw = _achz(
        b"<ACH><PROJECT-TITLE>t</PROJECT-TITLE><MATRIX><HYPOTHESIS><NAME>a</NAME>"
        b"</HYPOTHESIS>" + body + b"</MATRIX></ACH>"
    )
    report = Report("p.achz")
    data = read_achz(__import__("io").BytesIO(raw), "p.achz", report)
    assert len(data["evidence"]) == 5_000  # type: ignore[arg-type]
    lines = report.lines()
    assert len(lines) == 21
    assert lines[19] == "p.achz: MATRIX/EVIDENCE[20]: warning: no NAME; titled 'Evidence 20'"
    assert lines[20] == "p.achz: warning: ... and 4,980 more like this"


def test_repeats_are_counted_per_kind_and_in_place() -> None:
    report = Report("f.csv")
    for number in range(25):
        report.warn(f"cell {number} is odd")
    report.warn("something else")
    report.note("a note")
    assert report.lines() == [
        "f.csv: note: a note",
        *(f"f.csv: warning: cell {n} is odd" for n in range(20)),
        "f.csv: warning: ... and 5 more like this",
        "f.csv: warning: something else",
    ]


# --- codecs, numbers, nesting ------------------------------------------------------


@pytest.mark.parametrize("codec", ["idna", "punycode", "undefined"])
def test_an_achz_declaring_a_codec_that_is_no_charset_reads_as_utf8(
    tmp_path: Path, codec: str
) -> None:
    path = tmp_path / "p.achz"
    xml = f'<?xml version="1.0" encoding="{codec}"?><ACH><MATRIX><HYPOTHESIS><NAME>\xe9t\xe9'
    path.write_bytes(_achz((xml + "</NAME></HYPOTHESIS></MATRIX></ACH>").encode("latin-1")))
    result = invoke("import", path, "-o", tmp_path / "out.toml")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == (
        f"{path}: warning: declares encoding {codec!r}, which is not a character set for "
        "documents; read as UTF-8"
    )
    assert load_data(tmp_path / "out.toml")["hypotheses"]["H1"]["title"] == "\ufffdt\ufffd"


def test_a_json_prior_of_5001_digits_is_a_located_line(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        '{"format": "achbench/1", "title": "t",\n "hypotheses": {"H1": {"title": "a", '
        f'"prior": {"1" * 5001}}}}}}}\n',
        encoding="utf-8",
    )
    result = invoke("import", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:2:47: refused: a number of more than 4,300 digits, too long to read\n"
    )


@pytest.mark.parametrize("parser", ["rtoml", "tomllib"])
def test_a_toml_integer_of_5001_digits_is_a_located_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    monkeypatch.setenv("ACHBENCH_TOML_PARSER", parser)
    path = tmp_path / "m.toml"
    path.write_text(VALID.replace('title = "First"', f"prior = {'9' * 5001}"), encoding="utf-8")
    with pytest.raises(MatrixFileError) as caught:
        load_data(path)
    assert refused(path, caught).endswith(
        ": refused: a number of more than 4,300 digits, too long to read"
    )


def _nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


@pytest.mark.parametrize("parser", ["rtoml", "tomllib"])
@pytest.mark.parametrize(
    "value", [_nested(500), "{a = " * 500 + "1" + "}" * 500, "[{a = " * 250 + "1" + "}]" * 250]
)
def test_toml_nested_500_deep_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str, value: str
) -> None:
    monkeypatch.setenv("ACHBENCH_TOML_PARSER", parser)
    path = tmp_path / "m.toml"
    path.write_text(VALID + f"\n[extra]\nv = {value}\n", encoding="utf-8")
    with pytest.raises(MatrixFileError) as caught:
        load_data(path)
    line = refused(path, caught)
    assert line.endswith(
        f": refused: arrays or tables nested more than {MAX_DEPTH} levels deep here "
        "(no achbench file nests more than 5)"
    )


def test_json_nested_500_deep_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"title": ' + _nested(500) + "}", encoding="utf-8")
    result = invoke("import", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:1:{10 + MAX_DEPTH}: refused: arrays or tables nested more than {MAX_DEPTH} "
        "levels deep here (no achbench file nests more than 5)\n"
    )


def test_a_keymap_nested_500_deep_is_refused_by_the_public_reader(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(f"quit = {_nested(500)}\n", encoding="utf-8")
    with pytest.raises(MatrixFileError) as caught:
        read_table(path)
    assert "nested more than" in refused(path, caught)
    path.write_text('quit = "ctrl+q"\n', encoding="utf-8")
    assert read_table(path) == {"quit": "ctrl+q"}


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    deep = "[" * 200
    assert too_deep(f'a = "{deep}"\nb = \'{deep}\'\n# {deep}\nc = """\n{deep}\n"""\n') is None
    assert too_deep(f'{{"a": "{deep}", "b": "\\"{deep}"}}', json=True) is None
    assert too_deep("[a.b]\n" * 1000 + "x = [[1], [2, [3]]]\n") is None
    assert too_deep("x = [" + "[1]," * 1000 + "]") is None


def test_the_depth_scan_is_cheap_at_100_x_10000() -> None:
    # The text around the ratings of a 100 x 10,000 matrix: what rank has scanned.
    text = "".join(
        f'[evidence.E{n}]\ntitle = "Evidence {n} [draft]"\ncredibility = "high"\n\n'
        for n in range(10_000)
    )
    started = time.perf_counter()
    assert too_deep(text) is None
    assert time.perf_counter() - started < 0.25  # about 0.02 s on the dev machine


# --- messages are one line ----------------------------------------------------------


def test_a_key_with_a_newline_or_an_escape_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        VALID.replace("[hypotheses.H1]", '[hypotheses."H\\n1\\u001b[2J"]'), encoding="utf-8"
    )
    result = invoke("check", path)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith(f"{path}:") for line in lines)  # one problem, one line
    assert lines[0].startswith(
        f"{path}:5:1: hypotheses.\"H\\n1\\u001b[2J\": 'H\\n1\\x1b[2J' is not"
    )


def test_problem_lines_escape_control_characters_and_separators() -> None:
    problem = Problem("a\nb.toml", "bad \x9b31m \u2028 end", 1, 2, "k\r")
    assert str(problem) == "a\\nb.toml:1:2: k\\r: bad \\x9b31m \\u2028 end"


# --- CSV ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        (
            "hypothesis,E1,E2\nH1,C,I\nH1,I,C\nH2,N,N\n",
            ":3:1: cell A3: grid row label 'H1' repeats the one in cell A2: each row must be "
            "a different item, or one's ratings would replace the other's",
        ),
        (
            "hypothesis,Alpha,Alpha\nSpont,C,I\nElite,I,C\n",
            ":1:3: cell C1: grid column label 'Alpha' repeats the one in cell B1: each column "
            "must be a different item, or one's ratings would replace the other's",
        ),
    ],
)
def test_a_grid_repeating_a_label_is_refused_naming_both_cells(
    tmp_path: Path, grid: str, message: str
) -> None:
    path = tmp_path / "grid.csv"
    path.write_text(grid, encoding="utf-8")
    result = invoke("import", path, "-o", tmp_path / "out.toml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"{path}{message}"
    assert not (tmp_path / "out.toml").exists()


def test_a_200_kb_description_exports_to_csv_and_imports_back(tmp_path: Path) -> None:
    data = small_matrix()
    data["hypotheses"]["H1"]["description"] = "long, " * 40_000
    source = save(data, tmp_path / "m.toml").path
    assert invoke("export", source, "-o", tmp_path / "m.csv").exit_code == 0
    result = invoke("import", tmp_path / "m.csv", "-o", tmp_path / "back.toml")
    assert result.exit_code == 0, result.output
    back = load_data(tmp_path / "back.toml")
    assert back["hypotheses"]["H1"]["description"] == data["hypotheses"]["H1"]["description"]


def test_a_csv_with_more_cells_than_the_caps_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    path.write_bytes(b"," * 200_000)
    result = invoke("import", path, env={"ACHBENCH_MAX_CELLS": "1000", "ACHBENCH_MAX_ITEMS": "10"})
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}: more than 1,160 cells: refused "
        "(the cap; raise it with ACHBENCH_MAX_CELLS or ACHBENCH_MAX_ITEMS)\n"
    )


# --- writes ------------------------------------------------------------------------


def test_a_loop_of_links_as_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    result = invoke("export", EXAMPLE, "-o", tmp_path / "a.json", "--force")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'a.json'}: cannot save: a loop of symbolic links; the file is unchanged\n"
    )


def test_a_read_only_file_is_kept_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_bytes(b"old")
    path.chmod(0o444)
    with pytest.raises(SaveError) as caught:
        write_atomic(path, b"new")
    assert str(caught.value) == (
        f"{path}: is read-only (mode 0444); use --force to replace it; the file is unchanged"
    )
    assert path.read_bytes() == b"old"
    write_atomic(path, b"new", force=True)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize(
    "command",
    [
        ["export", str(EXAMPLE), "--to", "json", "--force", "-o"],
        ["report", str(EXAMPLE), "-o"],
        ["import", "IN", "--force", "-o"],
    ],
)
def test_every_writer_follows_a_link_and_keeps_a_read_only_file(
    tmp_path: Path, command: list[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps({"format": "achbench/1", "title": "t", "hypotheses": {"H1": {"title": "a"}}}),
        encoding="utf-8",
    )
    args = [str(source) if a == "IN" else a for a in command]
    real = tmp_path / "real.out"
    real.write_bytes(b"old")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    assert invoke(*args, link).exit_code == 0
    assert link.is_symlink()
    assert real.read_bytes() != b"old"
    real.chmod(0o444)
    before = real.read_bytes()
    if "--force" in args:  # export and import: --force replaces, and the mode is kept
        assert invoke(*args, link).exit_code == 0
        assert stat.S_IMODE(real.stat().st_mode) == 0o444
        return
    result = invoke(*args, link)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{real}: is read-only (mode 0444); use --force to replace it; the file is unchanged\n"
    )
    assert real.read_bytes() == before
    assert invoke(*args, link, "--force").exit_code == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_save_as_root_keeps_the_owner(tmp_path: Path) -> None:
    path = save(small_matrix(), tmp_path / "m.toml").path
    os.chown(path, 12345, 23456)
    data = load_data(path)
    data["title"] = "Changed"
    save(data, path)
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (12345, 23456)
    assert load_data(path)["title"] == "Changed"


def test_the_editor_refuses_a_keymap_nested_500_deep_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text("quit = " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    result = invoke("edit", "--keymap", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}:1:{7 + MAX_DEPTH + 1}: refused: arrays or tables nested more than "
        f"{MAX_DEPTH} levels deep here (no achbench file nests more than 5)\n"
    )

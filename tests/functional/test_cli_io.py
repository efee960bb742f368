"""``achbench import`` and ``achbench export`` as a user runs them."""

from __future__ import annotations

import gzip
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from achbench.cli import main
from achbench.store.toml import dumps, load_data

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "formats"
KAZAKHSTAN = ROOT / "matrices" / "kazakhstan-2022.toml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A PARC project as PARC writes it: UTF-16BE with BOM, gzipped."""
    text = (DATA / "achz" / "kazakh.xml").read_text(encoding="utf-8")
    path = tmp_path / "kazakh.achz"
    path.write_bytes(gzip.compress(b"\xfe\xff" + text.encode("utf-16-be")))
    return path


@pytest.fixture
def matrix(tmp_path: Path) -> Path:
    path = tmp_path / "m.toml"
    shutil.copy(DATA / "toml" / "everything.toml", path)
    return path


# --- import --------------------------------------------------------------------


def test_import_writes_next_to_the_input_through_the_store(project: Path) -> None:
    result = run("import", project)
    assert result.exit_code == 0, result.stderr
    target = project.with_suffix(".toml")
    assert result.stderr == f"wrote {target} (3 hypotheses, 2 evidence items)\n"
    assert result.stdout == ""
    data = load_data(target)
    assert data["title"] == "Қаңтар оқиғалары: Алматы, 2022"
    assert target.read_text(encoding="utf-8") == dumps(data)


def test_import_never_overwrites_without_force(project: Path) -> None:
    target = project.with_suffix(".toml")
    target.write_text("precious", encoding="utf-8")
    result = run("import", project)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{target}: already exists; use --force to overwrite it, or -o to write elsewhere\n"
    )
    assert target.read_text(encoding="utf-8") == "precious"
    assert run("import", project, "--force").exit_code == 0
    assert load_data(target)["analyst"] == "analyst"


def test_import_to_a_chosen_file_under_a_chosen_analyst(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub.toml"
    result = run("import", project, "-o", out, "--analyst", "alice")
    assert result.exit_code == 0, result.stderr
    assert list(load_data(out)["ratings"]) == ["alice"]


def test_import_to_stdout(project: Path) -> None:
    result = run("import", project, "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith('format = "achbench/1"\ntitle = "Қаңтар')
    assert not project.with_suffix(".toml").exists()


def test_import_prints_warnings_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "tokens.achz"
    path.write_bytes(gzip.compress((DATA / "achz" / "tokens.xml").read_bytes()))
    result = run("import", path)
    assert result.exit_code == 0
    assert f"{path}: MATRIX/EVIDENCE[4]/VALUES: warning: 2 rating tokens for 3" in result.stderr


def test_import_of_a_plain_grid_reports_its_assumptions(tmp_path: Path) -> None:
    grid = tmp_path / "grid.csv"
    shutil.copy(DATA / "csv" / "plain-titles.csv", grid)
    result = run("import", grid)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert f"{grid}: note: evidence: ids E1..E5 generated; grid labels used as titles" in lines
    assert lines[-1] == f"wrote {tmp_path / 'grid.toml'} (3 hypotheses, 5 evidence items)"


def _bomb(path: Path) -> Path:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with path.open("wb") as out:
        chunk = b"<" * (1 << 20)
        for _ in range(80):
            out.write(compressor.compress(chunk))
        out.write(compressor.flush())
    return path


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda d: _bomb(d / "bomb.achz"),
            "refused: decompresses to more than 64 MiB, far beyond any real ACH project "
            "(a gzip bomb?)",
        ),
        (
            lambda d: _gz(d / "laughs.achz", DATA / "achz" / "billion-laughs.xml"),
            "refused: the XML declares entity 'lol'",
        ),
        (
            lambda d: _gz(d / "xxe.achz", DATA / "achz" / "external-entity.xml"),
            "refused: the XML declares entity 'secret'",
        ),
        (
            lambda d: _cut(_gz(d / "cut.achz", DATA / "achz" / "kazakh.xml")),
            "truncated: the gzip data ends early",
        ),
        (lambda d: DATA / "achz" / "not-gzip.achz", "not a gzip file"),
        (lambda d: d / "missing.achz", "no such file"),
        (lambda d: _dir(d / "folder.achz"), "is a directory, not a matrix file"),
    ],
)
def test_untrusted_or_broken_files_exit_2_with_one_line_and_no_traceback(
    tmp_path: Path, build: Callable[[Path], Path], message: str
) -> None:
    path = build(tmp_path)
    result = run("import", path, "-o", tmp_path / "out.toml")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.toml").exists()


def _gz(path: Path, source: Path) -> Path:
    path.write_bytes(gzip.compress(source.read_bytes()))
    return path


def _cut(path: Path) -> Path:
    path.write_bytes(path.read_bytes()[:-20])
    return path


def _dir(path: Path) -> Path:
    path.mkdir()
    return path


def test_import_of_an_invalid_result_names_the_input_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    shutil.copy(DATA / "json" / "wrong-types.json", path)
    result = run("import", path)
    assert result.exit_code == 2
    assert f"{path}: title: expected a string, got an integer" in result.stderr
    assert not path.with_suffix(".toml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "x.txt"], "x.txt: cannot tell the format from the suffix; say --from"),
        (["import", "x.achz", "--transpose"], "--transpose applies to CSV and xlsx only"),
        (["import", "x.json", "--analyst", "bob"], "--analyst applies to achz, csv and xlsx"),
        (["import", "x.achz", "--analyst", "9lives"], "--analyst '9lives' is not a valid name"),
        (["export", "x.toml"], "say which format to write: --to achz|csv|json|xlsx"),
        (["export", "x.toml", "--to", "json", "--bom"], "--transpose and --bom apply to CSV"),
    ],
)
def test_usage_mistakes_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


# --- export --------------------------------------------------------------------


def test_export_achz_next_to_the_input_lists_what_parc_cannot_hold(matrix: Path) -> None:
    result = run("export", matrix, "--to", "achz")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == f"wrote {matrix.with_suffix('.achz')}"
    assert f"{matrix}: milestones: warning: PARC ACH has no milestones; left out 1 (M1)" in lines
    assert any("left out alice (choose with --analyst)" in line for line in lines)
    assert matrix.with_suffix(".achz").read_bytes()[:2] == b"\x1f\x8b"


def test_export_never_overwrites_without_force(matrix: Path) -> None:
    target = matrix.with_suffix(".json")
    target.write_text("precious", encoding="utf-8")
    assert run("export", matrix, "--to", "json").exit_code == 2
    assert target.read_text(encoding="utf-8") == "precious"
    assert run("export", matrix, "--to", "json", "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith('{\n  "format": "achbench/1"')


def test_export_format_follows_the_output_suffix(matrix: Path, tmp_path: Path) -> None:
    result = run("export", matrix, "-o", tmp_path / "grid.csv", "--transpose", "--bom")
    assert result.exit_code == 0, result.stderr
    raw = (tmp_path / "grid.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfevidence,title,alpha,beta\r\n")


@pytest.mark.parametrize("fmt", ["achz", "csv", "json", "xlsx"])
def test_export_to_stdout_then_import_gives_the_matrix_back(fmt: str, tmp_path: Path) -> None:
    result = run("export", KAZAKHSTAN, "--to", fmt, "-o", "-")
    assert result.exit_code == 0
    exported = tmp_path / f"k.{fmt}"
    exported.write_bytes(result.stdout_bytes)
    analyst = ["--analyst", "lead"] if fmt == "achz" else []
    back = run("import", exported, *analyst)
    assert back.exit_code == 0, back.stderr
    original = load_data(KAZAKHSTAN)
    imported = load_data(exported.with_suffix(".toml"))
    if fmt == "achz":  # PARC holds no question, descriptions, sources or milestones
        assert imported["ratings"] == original["ratings"]
        assert [h["title"] for h in imported["hypotheses"].values()] == [
            h["title"] for h in original["hypotheses"].values()
        ]
    else:
        assert imported == original


def test_export_of_a_bad_matrix_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "achbench/1"\ntitle = "x"\n', encoding="utf-8")
    result = run("export", bad, "--to", "csv")
    assert result.exit_code == 2
    assert "hypotheses: required key missing" in result.stderr
    assert not bad.with_suffix(".csv").exists()


@pytest.mark.parametrize("command", ["import", "export"])
def test_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"achbench {command} " in result.stdout


@pytest.mark.parametrize("command", ["import", "export"])
def test_an_output_folder_that_does_not_exist_is_a_clear_error(
    command: str, project: Path, matrix: Path, tmp_path: Path
) -> None:
    source = project if command == "import" else matrix
    target = tmp_path / "missing" / "out.json"
    args = ["--to", "json"] if command == "export" else []
    result = run(command, source, "-o", target, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"{target}: cannot save: No such file or directory; the file is unchanged"
    )

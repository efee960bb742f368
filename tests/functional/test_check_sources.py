"""``achbench check`` against source documents: quotes found, documents unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from achbench.cli import main
from achbench.store.toml import save
from tests.helpers import small_matrix

DOCUMENT = (
    "Officials called it a \u201cforeign-backed coup\u201d \u2014 the president\u2019s\n"
    "words,   repeated\tby Moscow and Beijing.\n\n"
    "Nobody\u2019s evidence was shown.\n"
)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def matrix(
    folder: Path,
    quotes: dict[str, str],
    *,
    source: dict[str, Any] | None = None,
    document: str | None = DOCUMENT,
    name: str = "doc.txt",
) -> Path:
    """A small matrix in ``folder`` whose items E1.. quote ``quotes`` from one source,
    with the document written beside it (unless ``document`` is None); a key
    ``source`` sets to None is left out."""
    if document is not None:
        (folder / name).write_text(document, encoding="utf-8")
    data = small_matrix()
    for eid, quote in quotes.items():
        data["evidence"][eid].update(cites="doc", quote=quote, locator="paragraph 1")
    described: dict[str, Any] = {"title": "A commentary", "kind": "commentary", "path": name}
    if document is not None:
        described["sha256"] = hashlib.sha256(document.encode()).hexdigest()
    described.update(source or {})
    data["sources"] = {"doc": {k: v for k, v in described.items() if v is not None}}
    path = folder / "m.toml"
    save(data, path)
    return path


def test_quotes_found_in_spite_of_typography_and_white_space(tmp_path: Path) -> None:
    path = matrix(
        tmp_path,
        {
            "E1": 'a "foreign-backed coup" - the president\'s words, repeated by Moscow',
            "E2": "Nobody\u2019s evidence was shown.",
        },
    )
    result = invoke("check", "--sources", path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        f"{path}: ok (3 hypotheses, 3 evidence items, 1 analyst; "
        "2 of 2 quotes found in 1 document)\n"
    )


def test_quote_not_found_is_a_warning_naming_file_item_and_source(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup", "E3": "the CIA organised it"})
    result = invoke("check", path)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:")
    assert lines[0].endswith(
        f"evidence.E3.quote: warning: quote not found in source doc ({tmp_path / 'doc.txt'})"
    )
    assert "1 of 2 quotes found in 1 document" in result.stdout


def test_strict_option_makes_a_quote_not_found_exit_1(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup", "E3": "the CIA organised it"})
    result = invoke("check", "--sources", path)
    assert result.exit_code == 1
    assert "evidence.E3.quote: quote not found in source doc" in result.stderr
    assert "warning" not in result.stderr


def test_changed_document_is_reported_and_strict_exits_1(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup"})
    (tmp_path / "doc.txt").write_text(DOCUMENT + "An added line.\n", encoding="utf-8")
    new = hashlib.sha256((DOCUMENT + "An added line.\n").encode()).hexdigest()
    relaxed = invoke("check", path)
    assert relaxed.exit_code == 0
    assert "sources.doc.sha256: warning: source doc's document" in relaxed.stderr
    assert f"has changed since it was cited: its sha256 is {new}" in relaxed.stderr
    strict = invoke("check", "--sources", path)
    assert strict.exit_code == 1
    assert "1 of 1 quote found" in strict.stdout  # the quote is still there


def test_missing_document_is_a_note_even_when_strict(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "anything at all", "E2": "and more"}, document=None)
    result = invoke("check", "--sources", path)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{path}:{_line(path, '[sources.doc]') + 3}:1: sources.doc.path: note: source doc's "
        f"document doc.txt is not at hand (looked in {tmp_path}); 2 quotes not checked"
    ]
    assert result.stdout == f"{path}: ok (3 hypotheses, 3 evidence items, 1 analyst)\n"
    quiet = invoke("check", "-q", "--sources", path)
    assert (quiet.exit_code, quiet.output) == (0, "")


def test_quotes_of_a_source_without_a_path_are_a_note(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup"}, source={"path": None})
    result = invoke("check", "--sources", path)
    assert result.exit_code == 0
    assert "sources.doc: note: 1 quote citing source doc not checked: it has no path" in (
        result.stderr
    )


def test_sources_dir_finds_documents_by_relative_path_or_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "matrix"
    folder.mkdir()
    path = matrix(folder, {"E1": "foreign-backed coup"}, name="doc.txt")
    (folder / "doc.txt").unlink()
    text = path.read_text(encoding="utf-8").replace('"doc.txt"', '"sources/doc.txt"')
    path.write_text(text, encoding="utf-8")
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
    by_name = invoke("check", "--sources", "--sources-dir", seed, path)
    assert by_name.exit_code == 0, by_name.output
    assert "1 of 1 quote found in 1 document" in by_name.stdout
    (seed / "sources").mkdir()
    (seed / "doc.txt").rename(seed / "sources" / "doc.txt")
    by_path = invoke("check", "--sources", "--sources-dir", seed, path)
    assert by_path.exit_code == 0
    assert "1 of 1 quote found in 1 document" in by_path.stdout
    nowhere = invoke("check", "--sources", path)
    assert "is not at hand" in nowhere.stderr


def test_sources_dir_must_be_a_folder(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup"})
    result = invoke("check", "--sources-dir", tmp_path / "doc.txt", path)
    assert result.exit_code == 2
    assert "--sources-dir" in result.stderr
    missing = invoke("check", "--sources-dir", tmp_path / "nowhere", path)
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


def test_document_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup"})
    (tmp_path / "doc.txt").write_bytes(b"caf\xe9 au lait\n")
    result = invoke("check", "--sources", path)
    assert result.exit_code == 1
    assert "sources.doc.path: source doc's document cannot be read:" in result.stderr
    assert "is not UTF-8 text (byte 0xe9 at offset 3)" in result.stderr


def test_document_that_is_a_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup"}, document=None)
    (tmp_path / "doc.txt").mkdir()
    result = invoke("check", "--sources", path)
    assert result.exit_code == 1
    assert "cannot be read" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_matrix_still_exits_2(tmp_path: Path) -> None:
    """A bad file (here a cites naming no source) is an error before any document is read."""
    path = matrix(tmp_path, {"E1": "foreign-backed coup"})
    text = path.read_text(encoding="utf-8").replace('cites = "doc"', 'cites = "nodoc"')
    path.write_text(text, encoding="utf-8")
    result = invoke("check", "--sources", path)
    assert result.exit_code == 2
    assert "evidence.E1.cites" in result.stderr
    assert "Traceback" not in result.output


def test_document_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "Officials called it"}, source={"sha256": None})
    (tmp_path / "doc.txt").write_bytes(b"\xef\xbb\xbf" + DOCUMENT.encode())
    result = invoke("check", "--sources", path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("strict", [False, True])
def test_files_without_sources_check_as_before(tmp_path: Path, strict: bool) -> None:
    path = tmp_path / "m.toml"
    save(small_matrix(), path)
    result = invoke("check", *(["--sources"] if strict else []), path)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"{path}: ok (3 hypotheses, 3 evidence items, 1 analyst)\n"


def _line(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_document_over_50_mib_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = matrix(tmp_path, {"E1": "foreign-backed coup"}, document=None)
    with (tmp_path / "doc.txt").open("wb") as big:
        big.truncate(51 * 1024 * 1024)  # sparse: no 51 MiB written
    result = invoke("check", "--sources", path)
    assert result.exit_code == 1
    assert "refused: 51.0 MiB, more than the 50 MiB a source document may have" in result.stderr

"""Reading source documents: found where the user keeps them, hashed, decoded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from achbench.core.errors import MatrixFileError
from achbench.store.documents import find_document, read_document


def test_a_document_is_found_under_the_folder_named_then_beside_the_matrix(tmp_path: Path) -> None:
    matrix_folder, documents = tmp_path / "m", tmp_path / "docs"
    (matrix_folder / "sources").mkdir(parents=True)
    documents.mkdir()
    beside = matrix_folder / "sources" / "a.txt"
    beside.write_text("beside", encoding="utf-8")
    assert find_document("sources/a.txt", matrix_folder) == beside
    assert find_document("sources/a.txt", matrix_folder, documents) == beside
    (documents / "a.txt").write_text("by name", encoding="utf-8")
    assert find_document("sources/a.txt", matrix_folder, documents) == documents / "a.txt"
    (documents / "sources").mkdir()
    (documents / "sources" / "a.txt").write_text("by path", encoding="utf-8")
    assert find_document("sources/a.txt", matrix_folder, documents) == documents / "sources/a.txt"
    assert find_document("b.txt", matrix_folder, documents) is None


def test_a_document_is_hashed_as_bytes_and_decoded_without_its_bom(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbfNobody\xe2\x80\x99s evidence\n"
    (tmp_path / "d.txt").write_bytes(raw)
    document = read_document(tmp_path / "d.txt")
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert document.text() == "Nobody\u2019s evidence\n"


def test_a_document_that_is_not_utf8_says_where(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_bytes(b"line one\ncaf\xe9\n")
    document = read_document(tmp_path / "d.txt")
    with pytest.raises(MatrixFileError, match=r"is not UTF-8 text \(byte 0xe9 at offset 12\)"):
        document.text()


def test_a_folder_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(MatrixFileError, match="is a folder, not a document"):
        read_document(tmp_path)

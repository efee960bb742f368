"""A cited document read for the editor (``editing.passages``): rows as Textual's
``TextArea`` counts them, the quote found as ``check`` finds it, a window of a
large document, a selection made a quote and locator, and every reason a source
cannot be shown."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.document._document import Document

from achbench.analysis.quotes import fold, locate_quote
from achbench.core.data import MatrixData
from achbench.editing.passages import (
    SourceDocument,
    SourceUnavailable,
    lines_locator,
    locator_rows,
    open_cited,
)

TEXT = (
    "The protests began over gas prices.\n"
    "Officials said \u201cforeign-backed terrorists\u201d attacked.\n"
    "\n"
    "Troops of the CSTO arrived\r\n"
    "within days.\n"
)

MATRIX: MatrixData = {
    "format": "achbench/1",
    "title": "t",
    "hypotheses": {"H1": {"title": "h"}},
    "evidence": {
        "E1": {"title": "quoted", "cites": "S1", "quote": 'said "foreign-backed terrorists"'},
        "E2": {"title": "no cites"},
        "E3": {"title": "pathless", "cites": "S2"},
    },
    "sources": {
        "S1": {"title": "Commentary", "path": "docs/commentary.txt"},
        "S2": {"title": "A broadcast"},
    },
}


def document(text: str = TEXT) -> SourceDocument:
    return SourceDocument("S1", {"title": "Commentary"}, Path("doc.txt"), text)


texts = st.text(alphabet=st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x85\u2028é"), max_size=60)


@given(texts)
def test_rows_are_the_rows_a_text_area_shows(text: str) -> None:
    shown = Document(text)
    doc = document(text)
    assert doc.rows == shown.line_count
    assert [doc.row_text(row) for row in range(doc.rows)] == shown.lines


@given(texts, st.data())
def test_offsets_and_locations_agree(text: str, data: st.DataObject) -> None:
    doc = document(text)
    row = data.draw(st.integers(0, doc.rows - 1))
    column = data.draw(st.integers(0, len(doc.row_text(row))))
    assert doc.location(doc.offset((row, column))) == (row, column)


def test_quote_is_found_by_the_rule_check_uses() -> None:
    doc = document()
    span = doc.find('said "foreign-backed terrorists"')
    assert span == ((1, 10), (1, 42))
    start, end = locate_quote(TEXT, 'said "foreign-backed terrorists"') or (0, 0)
    assert (doc.location(start), doc.location(end)) == span
    assert doc.find("over gas prices. Officials said") == ((0, 19), (1, 14))
    assert doc.find("not in it") is None


def test_a_selection_becomes_a_quote_and_a_locator() -> None:
    doc = document()
    assert doc.passage((0, 4), (0, 12)) == ("protests", "line 1")
    # Backwards, across a line break: one line of the quote, lines named from 1.
    assert doc.passage((1, 14), (0, 19)) == ("over gas prices. Officials said", "lines 1-2")
    # Down to the start of a line, blank lines at either end: not counted.
    assert doc.passage((1, 57), (4, 0)) == ("Troops of the CSTO arrived", "line 4")
    assert doc.passage((3, 0), (5, 0)) == ("Troops of the CSTO arrived within days.", "lines 4-5")
    assert doc.passage((2, 0), (2, 0)) is None
    quote, _ = doc.passage((0, 19), (1, 14)) or ("", "")
    assert locate_quote(TEXT, quote) is not None


def test_a_short_document_is_one_window() -> None:
    doc = document()
    assert doc.window(2) == (0, doc.rows)
    assert doc.shown(0, doc.rows) == Document(TEXT).text.replace("\r\n", "\n")


def test_a_large_document_is_shown_a_window_around_the_row() -> None:
    text = "".join(f"line {n} of a long document\n" for n in range(100_000))
    doc = document(text)
    first, last = doc.window(50_000, chars=10_000)
    assert first < 50_000 < last
    assert 9_000 < len(doc.shown(first, last)) < 11_000
    assert doc.shown(first, last).split("\n")[0] == f"line {first} of a long document"
    assert doc.window(0, chars=10_000)[0] == 0
    assert doc.window(doc.rows - 1, chars=10_000)[1] == doc.rows


def test_control_characters_are_shown_one_for_one() -> None:
    doc = document("a\x1b[2Jb\tc\x9b\n")
    assert doc.shown(0, doc.rows) == "a\ufffd[2Jb\tc\ufffd\n"


def _matrix_folder(tmp_path: Path, content: bytes | None) -> Path:
    if content is not None:
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / "commentary.txt").write_bytes(content)
    return tmp_path


def test_open_cited_reads_the_document_beside_the_matrix(tmp_path: Path) -> None:
    folder = _matrix_folder(tmp_path, "\ufeff".encode() + TEXT.encode())
    doc = open_cited(MATRIX, "E1", folder)
    assert (doc.source_id, doc.text) == ("S1", TEXT)  # the byte-order mark dropped


@pytest.mark.parametrize(
    ("evidence", "content", "message"),
    [
        ("E2", None, "E2 cites no source"),
        ("E3", None, "Source S2 has no path: add path"),
        ("E1", None, "commentary.txt: no such file"),
        ("E1", b"caf\xe9 au lait", "is not UTF-8 text (byte 4)"),
    ],
)
def test_why_a_source_cannot_be_shown(
    tmp_path: Path, evidence: str, content: bytes | None, message: str
) -> None:
    folder = _matrix_folder(tmp_path, content)
    with pytest.raises(SourceUnavailable, match=message.replace("(", r"\(").replace(")", r"\)")):
        open_cited(MATRIX, evidence, folder)


def test_a_folder_in_place_of_the_document_is_named(tmp_path: Path) -> None:
    (tmp_path / "docs" / "commentary.txt").mkdir(parents=True)
    with pytest.raises(SourceUnavailable, match="is a directory"):
        open_cited(copy.deepcopy(MATRIX), "E1", tmp_path)


def test_a_line_locator_is_looked_at_first_and_the_whole_document_otherwise() -> None:
    text = "".join(f"row {n}: said \u201cterrorists\u201d\n" for n in range(300))
    doc = document(text)
    quote = 'said "terrorists"'
    assert doc.find(quote) == ((0, 7), (0, 24))  # the first, as check finds it
    assert doc.find(quote, "line 200") == ((199, 9), (199, 26))
    assert doc.find(quote, "lines 120-121") == ((119, 9), (119, 26))
    assert doc.find(quote, "paragraph 3") == ((0, 7), (0, 24))
    assert doc.find(quote, "line 9999") == ((0, 7), (0, 24))
    # Not near the locator: found where it is, anywhere in the document.
    lonely = document("a\n" * 500 + "the only quote\n")
    assert lonely.find("the only quote", "line 3") == ((500, 0), (500, 14))
    assert lonely.find("not there", "line 3") is None


def test_locator_rows_reads_only_what_the_editor_writes() -> None:
    assert locator_rows("line 12") == (11, 11)
    assert locator_rows("lines 12-14") == (11, 13)
    assert locator_rows(lines_locator(4, 9)) == (4, 9)
    assert locator_rows("lines 14-12") is None
    assert locator_rows("line 0") is None
    assert locator_rows("p. 12") is None


pieces = st.sampled_from(
    [
        "said",
        "\u201cterrorists\u201d",
        '"terrorists"',
        "attacked",
        "the city",
        "  ",
        "\n",
        "\u2019s",
    ]
)


@given(st.lists(pieces, max_size=40), st.data())
def test_find_answers_as_locate_quote_does_wherever_it_looks_first(
    parts: list[str], data: st.DataObject
) -> None:
    text = " ".join(parts)
    doc = document(text)
    start = data.draw(st.integers(0, len(text)))
    quote = text[start : data.draw(st.integers(start, len(text)))]
    quote = data.draw(st.sampled_from([quote, quote.replace("\u201c", '"').replace("\u201d", '"')]))
    locator = data.draw(st.sampled_from([None, "line 1", "lines 2-3", "page 4"]))
    found = doc.find(quote, locator)
    assert (found is None) == (locate_quote(text, quote) is None)
    if found is not None:
        begin, end = doc.offset(found[0]), doc.offset(found[1])
        assert fold(text[begin:end]) == fold(quote)

"""Excel workbooks: achbench's own layout both ways, grids typed by hand, and
workbooks that hold what a matrix cannot (formulas, merged cells, hidden sheets)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from achbench.core.errors import MatrixFileError
from achbench.core.validate import validate_data
from achbench.core.vocabulary import CODES, METHODS
from achbench.formats import Report
from achbench.formats.xlsx import CODE_COLOURS, MAX_UNPACKED, read_xlsx, write_xlsx
from achbench.scoring.methods import Grid, score
from achbench.store.toml import load_data
from tests.helpers import EXAMPLE, small_matrix
from tests.unit.formats_strategies import matrices, same_matrix

TOML = Path(__file__).parents[1] / "data" / "formats" / "toml"

EXCEL_TEXT = (
    st.characters(
        exclude_categories=("Cs",),
        exclude_characters="\r\ufffe\uffff"
        + "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n"),
    ),
    [*"\t\n&<>\"';,[]", "=1+1", "=SUM(A1:A2)", "+C", "-", "_x0041_", "[evidence]", "🙂"],
)
"""Any text a workbook cell can hold: no control characters but tab and LF, no CR."""


def export(data: dict[str, Any], analyst: str | None = None) -> tuple[bytes, Report]:
    report = Report("m.toml")
    return write_xlsx(validate_data(data), report, analyst), report


def read(
    raw: bytes, name: str = "book.xlsx", transpose: bool | None = None
) -> tuple[dict[str, Any], Report]:
    report = Report(name)
    data = read_xlsx(raw, name, report, transpose=transpose)
    validate_data(data, name)
    return data, report


@functools.cache
def small_workbook() -> bytes:
    """The small matrix as a workbook, made once (its bytes carry the time it was made)."""
    return export(small_matrix())[0]


def book_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plain(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    """A workbook of one sheet typed by hand."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return book_bytes(book)


def refused(raw: bytes, name: str = "book.xlsx") -> list[str]:
    with pytest.raises(MatrixFileError) as caught:
        read(raw, name)
    return caught.value.lines()


# --- export --------------------------------------------------------------------


def test_the_workbook_has_a_sheet_for_each_part_of_the_matrix() -> None:
    raw, report = export(load_data(TOML / "everything.toml"), analyst="bob")
    book = load_workbook(io.BytesIO(raw))
    assert book.sheetnames == [
        "Grid", "Hypotheses", "Evidence", "Milestones", "Ranking", "Matrix",
    ]  # fmt: skip
    matrix = [list(r) for r in book["Matrix"].iter_rows(values_only=True)]
    assert matrix == [
        ["format", "title", "question", "analyst", "classification"],
        ["achbench/1", "Everything", "Which one?", "bob", "UNCLASSIFIED"],
    ]
    assert [str(w) for w in report.warnings] == [
        "m.toml: ratings: warning: the workbook's grid holds one analyst's ratings: "
        "exported 'bob', left out alice (choose with --analyst)"
    ]


def test_the_grid_has_evidence_down_with_its_levels_and_a_frozen_header() -> None:
    raw, _ = export(small_matrix())
    grid = load_workbook(io.BytesIO(raw))["Grid"]
    assert [list(r) for r in grid.iter_rows(values_only=True)] == [
        ["evidence", "title", "credibility", "relevance", "H1", "H2", "H3"],
        ["E1", "One", "high", "high", "CC", "I", "II"],
        ["E2", "Two", None, None, "N", "C", "I"],
        ["E3", "Three", "low", None, "I", "N", "NA"],
    ]
    assert grid.freeze_panes == "E2"
    assert grid["A1"].font.b


def test_codes_are_coloured_as_in_the_editor_and_chosen_from_a_list() -> None:
    raw, _ = export(small_matrix())
    grid = load_workbook(io.BytesIO(raw))["Grid"]
    rules = {
        rule.formula[0].strip('"'): rule
        for ranges in grid.conditional_formatting
        for rule in ranges.rules
        if str(ranges.sqref) == "E2:G4"
    }
    assert set(rules) == set(CODES)
    for code, (fill, colour, bold) in CODE_COLOURS.items():
        style = rules[code].dxf
        assert style.fill.fgColor.rgb.endswith(fill)
        assert style.font.color.rgb.endswith(colour)
        assert bool(style.font.b) is bold
    lists = {str(v.sqref): v.formula1 for v in grid.data_validations.dataValidation}
    assert lists == {"E2:G4": '"CC,C,N,I,II,NA"', "C2:D4": '"low,medium,high"'}


def test_the_ranking_sheet_gives_every_method_and_is_not_read_back() -> None:
    data = load_data(EXAMPLE)
    raw, _ = export(data)
    rows = list(load_workbook(io.BytesIO(raw))["Ranking"].iter_rows(values_only=True))
    assert rows[0][:4] == ("hypothesis", "title", "heuer rank", "heuer score")
    grid = Grid.from_data(data, [data["analyst"]])
    for i, method in enumerate(METHODS):
        ranks = {h.id: h.rank for h in score(grid, method).hypotheses}
        assert {row[0]: row[2 + 2 * i] for row in rows[1:5]} == ranks
    back, report = read(raw)
    assert same_matrix(back, data)
    assert report.lines() == []


def test_text_that_looks_like_a_formula_stays_text() -> None:
    data = small_matrix(title='=HYPERLINK("http://x")')
    data["hypotheses"]["H1"]["title"] = "=1+1"
    raw, _ = export(data)
    book = load_workbook(io.BytesIO(raw))
    assert book["Ranking"]["B2"].data_type == "s"
    assert book["Hypotheses"]["B2"].value == "=1+1"
    assert book["Hypotheses"]["B2"].data_type == "s"
    back, report = read(raw)
    assert back["title"] == data["title"]
    assert back["hypotheses"]["H1"]["title"] == "=1+1"
    assert report.lines() == []


def test_what_a_cell_cannot_hold_is_reported_and_cleaned() -> None:
    data = small_matrix()
    data["evidence"]["E2"]["notes"] = "bell\x07 and\r\nCRLF"
    raw, report = export(data)
    assert [str(w) for w in report.warnings] == [
        "m.toml: evidence.E2.notes: warning: control characters removed (a workbook "
        "cannot hold them)",
        "m.toml: evidence.E2.notes: warning: line ends written as LF (a workbook keeps no CR)",
    ]
    back, _ = read(raw)
    assert back["evidence"]["E2"]["notes"] == "bell and\nCRLF"


def test_dates_are_excel_dates_and_early_ones_text() -> None:
    data = small_matrix()
    data["evidence"]["E1"]["date"] = dt.date(2022, 1, 5)
    data["evidence"]["E2"]["date"] = dt.date(1066, 10, 14)
    raw, _ = export(data)
    sheet = load_workbook(io.BytesIO(raw))["Evidence"]
    assert sheet["D2"].value == dt.datetime(2022, 1, 5)
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["D3"].value == "1066-10-14"
    back, _ = read(raw)
    assert back["evidence"]["E1"]["date"] == dt.date(2022, 1, 5)
    assert back["evidence"]["E2"]["date"] == dt.date(1066, 10, 14)


# --- round trips -----------------------------------------------------------------


@pytest.mark.parametrize(
    "source", [EXAMPLE, TOML / "non-ascii.toml", TOML / "empty.toml", TOML / "everything.toml"]
)
def test_import_of_an_export_gives_the_same_matrix(source: Path) -> None:
    data = load_data(source)
    data.setdefault("analyst", "analyst")
    if len(data.get("ratings", {})) > 1:
        data["ratings"] = {data["analyst"]: data["ratings"][data["analyst"]]}
    raw, report = export(data)
    assert report.warnings == []
    back, read_report = read(raw)
    assert same_matrix(back, data)
    assert read_report.lines() == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=matrices(alphabet=EXCEL_TEXT, analysts=1, analyst_name="lead"))
def test_any_single_analyst_matrix_round_trips(data: dict[str, Any]) -> None:
    # Tables the workbook has no sheet for yet (each is warned about on export).
    for key in ("sources", "assumptions", "rationale", "judgements", "resolution", "conflicts"):
        data.pop(key, None)
    for item in data.get("evidence", {}).values():
        # What points into those tables goes with them, or the matrix is not valid.
        item.pop("cites", None)
        item.pop("assumes", None)
    raw, report = export(data)
    back, read_report = read(raw)
    assert report.warnings == []
    assert read_report.warnings == []
    assert same_matrix(back, data)


# --- grids typed by hand --------------------------------------------------------


def test_a_grid_of_titles_with_symbols_gets_ids_and_says_what_it_assumed() -> None:
    raw = plain(
        [
            [None, "Spontaneous protest", "Foreign coup"],
            ["Fuel price doubled", "++", "-"],
            ["Troops invited", 0, "--"],
            ["Internet cut", "+", "na"],
        ]
    )
    data, report = read(raw, "kz.xlsx")
    assert data["hypotheses"] == {
        "H1": {"title": "Spontaneous protest"},
        "H2": {"title": "Foreign coup"},
    }
    assert list(data["evidence"]) == ["E1", "E2", "E3"]
    assert data["ratings"] == {
        "analyst": {
            "E1": {"H1": "CC", "H2": "I"},
            "E2": {"H1": "N", "H2": "II"},
            "E3": {"H1": "C", "H2": "NA"},
        }
    }
    assert [str(n) for n in report.notes] == [
        "kz.xlsx: note: the grid is read from sheet 'Sheet1', the first one",
        "kz.xlsx: note: no [matrix] title; the title is taken from the file name: 'kz'",
        "kz.xlsx: note: orientation guessed: rows are evidence and columns hypotheses "
        "(Heuer's layout), as there are more rows; say --transpose or --no-transpose to choose",
        "kz.xlsx: note: evidence: ids E1..E3 generated; grid labels used as titles",
        "kz.xlsx: note: hypotheses: ids H1..H2 generated; grid labels used as titles",
        "kz.xlsx: note: read '++' as CC, '-' as I, '0' as N, '--' as II, '+' as C",
    ]


def test_hypotheses_down_is_read_as_the_corner_says_and_can_be_forced() -> None:
    rows: list[list[object]] = [
        ["hypotheses", "E1", "E2"],
        ["H1", "CC", "I"],
        ["H2", "C", None],
    ]
    data, _ = read(plain(rows))
    assert data["ratings"]["analyst"] == {"E1": {"H1": "CC", "H2": "C"}, "E2": {"H1": "I"}}
    rows[0][0] = None
    forced, _ = read(plain(rows), transpose=True)
    assert forced["ratings"]["analyst"] == {"H1": {"E1": "CC", "E2": "I"}, "H2": {"E1": "C"}}


def test_a_hand_typed_grid_may_carry_credibility_and_relevance() -> None:
    raw = plain(
        [
            ["evidence", "title", "Credibility", "relevance", "H1", "H2"],
            ["E1", "Fuel", "high", "low", "CC", "I"],
            ["E2", "Troops", None, "high", "N", "C"],
        ]
    )
    data, report = read(raw)
    assert data["evidence"] == {
        "E1": {"title": "Fuel", "credibility": "high", "relevance": "low"},
        "E2": {"title": "Troops", "relevance": "high"},
    }
    assert data["ratings"]["analyst"] == {
        "E1": {"H1": "CC", "H2": "I"},
        "E2": {"H1": "N", "H2": "C"},
    }
    assert report.warnings == []


def test_bad_cells_are_located_on_their_sheet() -> None:
    raw = plain(
        [
            ["evidence", "title", "credibility", "H1", "H2"],
            ["E1", "Fuel", "certain", "CC", "maybe"],
        ],
        title="My grid",
    )
    with pytest.raises(MatrixFileError) as caught:
        read(raw)
    assert caught.value.lines() == [
        "book.xlsx: My grid!C2: 'certain' is not low, medium or high",
    ]
    raw = plain([["evidence", "H1", "H2"], ["E1", "CC", "maybe"]], title="My grid")
    _, report = read(raw)
    assert [str(w) for w in report.warnings] == [
        "book.xlsx: My grid!C2: warning: 'maybe' is not a rating code (CC, C, N, I, II, NA, "
        "or ++ + 0 - --); left unrated"
    ]


def test_a_bad_id_in_a_section_sheet_is_located() -> None:
    raw, _ = export(small_matrix())
    book = load_workbook(io.BytesIO(raw))
    book["Hypotheses"]["A3"] = "2nd"
    assert refused(book_bytes(book)) == [
        "book.xlsx: Hypotheses!A3: [hypotheses] '2nd' is not a valid id"
    ]


# --- what a workbook may hold that a matrix cannot ------------------------------


def with_saved_formula(raw: bytes, sheet: str, cell: str, saved: str | None) -> bytes:
    """``raw`` with a formula in one cell and, if given, the value Excel saved for it."""
    book = load_workbook(io.BytesIO(raw))
    book[sheet][cell] = '="C"&"C"'
    raw = book_bytes(book)
    if saved is None:
        return raw
    index = book.sheetnames.index(sheet) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename == name:
                content = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?'.encode(),
                    rf'<c r="{cell}" t="str"><f>\2</f><v>{saved}</v>'.encode(),
                    content,
                )
            new.writestr(info, content)
    return out.getvalue()


def test_a_formula_is_read_as_the_value_excel_saved_and_noted() -> None:
    raw, _ = export(small_matrix())
    data, report = read(with_saved_formula(raw, "Grid", "F3", "CC"))
    assert data["ratings"]["lead"]["E2"]["H2"] == "CC"
    assert [str(n) for n in report.notes] == [
        "book.xlsx: Grid: note: formulas read as the values Excel saved for them (F3)"
    ]


def test_a_formula_without_a_saved_value_is_refused_with_its_cell() -> None:
    raw, _ = export(small_matrix())
    assert refused(with_saved_formula(raw, "Grid", "F3", None)) == [
        'book.xlsx: Grid!F3: a formula (="C"&"C") with no saved value: open the workbook '
        "in Excel and save it, or paste values"
    ]


def test_merged_cells_are_refused_with_their_range() -> None:
    raw, _ = export(small_matrix())
    book = load_workbook(io.BytesIO(raw))
    book["Grid"].merge_cells("E2:F2")
    assert refused(book_bytes(book)) == [
        "book.xlsx: Grid!E2:F2: merged cells: unmerge them (achbench reads one value a cell)"
    ]


def test_hidden_sheets_are_not_read_and_that_is_said() -> None:
    raw, _ = export(small_matrix())
    book = load_workbook(io.BytesIO(raw))
    book["Evidence"].sheet_state = "hidden"
    secret = book.create_sheet("Secret")
    secret["A1"] = "x"
    secret.sheet_state = "veryHidden"
    data, report = read(book_bytes(book))
    assert [str(w) for w in report.warnings] == [
        "book.xlsx: Evidence: warning: hidden sheet not read (unhide it in Excel to import it)",
        "book.xlsx: Secret: warning: hidden sheet not read (unhide it in Excel to import it)",
    ]
    assert data["evidence"]["E1"] == {"title": "One", "credibility": "high", "relevance": "high"}


def test_other_sheets_are_named_as_not_read() -> None:
    raw, _ = export(small_matrix())
    book = load_workbook(io.BytesIO(raw))
    book.create_sheet("Scratch")["B2"] = "my notes"
    book.create_sheet("Empty")
    _, report = read(book_bytes(book))
    assert [str(w) for w in report.warnings] == [
        "book.xlsx: Scratch: warning: sheet not read: it is not one achbench reads"
    ]


@pytest.mark.slow
def test_a_ten_thousand_row_grid_is_read() -> None:
    rows: list[list[object]] = [["evidence", "title", "H1", "H2", "H3"]]
    rows += [[f"E{i}", f"Item {i}", "CC", "N", "II"] for i in range(1, 10_001)]
    data, report = read(plain(rows))
    assert len(data["evidence"]) == 10_000
    assert data["ratings"]["analyst"]["E10000"] == {"H1": "CC", "H2": "N", "H3": "II"}
    assert report.warnings == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "book.xlsx: not an Excel workbook (.xlsx is a zip archive): File is not a zip file"),
        (
            b"hypothesis,E1\nH1,CC\n",
            "book.xlsx: not an Excel workbook (.xlsx is a zip archive): File is not a zip file",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "book.xlsx: an Excel 97-2003 workbook "
            "(.xls): save it as .xlsx from Excel and import that",
        ),
    ],
)
def test_files_that_are_not_workbooks_are_refused(raw: bytes, message: str) -> None:
    assert refused(raw) == [message]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    (line,) = refused(out.getvalue())
    assert line.startswith("book.xlsx: not a readable .xlsx workbook: ")


def test_a_workbook_that_unpacks_too_big_is_refused_before_parsing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (MAX_UNPACKED + 1))
    (line,) = refused(out.getvalue())
    assert line.startswith("book.xlsx: the workbook unpacks to 64 MiB; achbench reads workbooks ")


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_a_damaged_workbook_gives_a_located_error_never_a_crash(draw: st.DataObject) -> None:
    raw = small_workbook()
    at = draw.draw(st.integers(0, len(raw) - 1))
    damaged = raw[:at] + bytes([raw[at] ^ draw.draw(st.integers(1, 255))]) + raw[at + 1 :]
    lines: list[str] = []
    try:
        read(damaged)
    except MatrixFileError as exc:
        lines = exc.lines()
    assert all(line.startswith("book.xlsx:") for line in lines)

"""CSV: achbench's own layout both ways, and plain grids typed in a spreadsheet."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.core.errors import MatrixFileError
from achbench.core.validate import validate_data
from achbench.formats import Report
from achbench.formats.csv_grid import read_csv, write_csv
from achbench.store.toml import load_data
from tests.helpers import small_matrix
from tests.unit.formats_strategies import matrices, same_matrix

DATA = Path(__file__).parents[1] / "data" / "formats"
CSV = DATA / "csv"
TOML = DATA / "toml"
KAZAKHSTAN = Path(__file__).parents[2] / "matrices" / "kazakhstan-2022.toml"


def read(
    raw: bytes, name: str = "in.csv", transpose: bool | None = None, analyst: str | None = None
) -> tuple[dict[str, Any], Report]:
    report = Report(name)
    data = read_csv(raw, name, report, analyst=analyst, transpose=transpose)
    validate_data(data, name)
    return data, report


def read_fixture(name: str, **options: Any) -> tuple[dict[str, Any], Report]:
    return read((CSV / name).read_bytes(), name, **options)


def notes(report: Report) -> list[str]:
    return [str(n) for n in report.notes]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- export --------------------------------------------------------------------


def test_default_grid_has_a_row_per_hypothesis_and_a_column_per_evidence_item() -> None:
    text = write_csv(load_data(TOML / "non-ascii.toml"), Report("m.toml"))
    table = rows(text)
    assert table[:4] == [
        ["hypothesis", "title", "E1", "E2"],
        ["H1", "Стихийный протест", "CC", "N"],
        ["H2", "Элиталық күрес (ү, қ, ң, ө, ә, ғ, ұ, һ, і)", "C", "II"],
        ["H3", "外国支持的政变", "N", "C"],
    ]
    assert table[4] == []
    assert table[5] == ["[hypotheses]"]


def test_transpose_gives_heuers_orientation() -> None:
    table = rows(write_csv(load_data(TOML / "non-ascii.toml"), Report("m.toml"), transpose=True))
    assert table[:3] == [
        ["evidence", "title", "H1", "H2", "H3"],
        ["E1", "Цена на сжиженный газ выросла вдвое", "CC", "C", "N"],
        ["E2", "新闻：外国武装分子", "N", "II", "C"],
    ]


def test_the_evidence_sheet_and_the_other_sections_follow_the_grid() -> None:
    table = rows(write_csv(load_data(TOML / "everything.toml"), Report("m.toml")))
    sections = [row[0] for row in table if row and row[0].startswith("[")]
    assert sections == ["[hypotheses]", "[evidence]", "[milestones]", "[matrix]"]
    evidence = table.index(["[evidence]"])
    assert table[evidence + 1] == [
        "id", "title", "source", "date", "kind", "credibility", "relevance", "notes", "code",
        "link", "flag",
    ]  # fmt: skip
    assert table[evidence + 2] == [
        "fuel", "Fuel price doubled", "Reuters, 2 January", "2022-01-01", "fact", "high", "high",
        "Widely reported.", "F1", "https://example.org/fuel", "yes",
    ]  # fmt: skip
    assert table[-2:] == [
        ["format", "title", "question", "analyst", "classification"],
        ["achbench/1", "Everything", "Which one?", "bob", "UNCLASSIFIED"],
    ]


def test_export_holds_one_analyst_and_says_so() -> None:
    report = Report("m.toml")
    text = write_csv(load_data(TOML / "everything.toml"), report, analyst="alice")
    assert rows(text)[1] == ["alpha", "Alpha", "CC", ""]
    assert [str(w) for w in report.warnings] == [
        "m.toml: ratings: warning: the CSV grid holds one analyst's ratings: exported "
        "'alice', left out bob (choose with --analyst)"
    ]


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize(
    "source",
    [KAZAKHSTAN, TOML / "special-chars.toml", TOML / "non-ascii.toml", TOML / "empty.toml"],
)
def test_import_of_an_export_gives_the_same_matrix(source: Path, transpose: bool) -> None:
    data = load_data(source)
    data.setdefault("analyst", "analyst")
    text = write_csv(data, Report("m.toml"), transpose=transpose)
    back, report = read(text.encode("utf-8"), transpose=None)
    assert same_matrix(back, data)
    assert report.warnings == []
    assert report.notes == []


@settings(max_examples=100, deadline=None)
@given(data=matrices(analysts=1, analyst_name="lead"), transpose=...)
def test_any_single_analyst_matrix_round_trips(data: dict[str, Any], transpose: bool) -> None:
    report = Report("m.toml")
    text = write_csv(validate_data(data), report, transpose=transpose)
    back, read_report = read(text.encode("utf-8"))
    assert report.warnings == []
    assert read_report.warnings == []
    assert same_matrix(back, data)


def test_the_additions_get_sections_of_their_own_and_columns_only_when_set() -> None:
    data = small_matrix(
        sources={"S1": {"title": "Commentary", "reliability": "F"}},
        assumptions={"A1": {"title": "Rivals", "hypotheses": ["H1", "H2"]}},
        rationale={"lead": {"E1": {"H2": "Line one\nline two"}}},
        judgements={"lead": {"H1": 0.25, "H2": 0.75}},
        resolution={"hypothesis": "H2", "date": dt.date(2022, 3, 1)},
    )
    data["evidence"]["E1"].update({"cites": "S1", "assumes": ["A1"], "grade": "2"})
    text = write_csv(validate_data(data), Report("m.toml"))
    lines = text.split("\r\n")
    assert lines[lines.index("[evidence]") + 1] == (
        "id,title,source,date,kind,credibility,relevance,notes,cites,grade,assumes,code,link,flag"
    )
    assert lines[lines.index("[evidence]") + 2] == "E1,One,,,,high,high,,S1,2,A1,,,"
    tail = text[text.index("[sources]") : text.index("[matrix]")].split("\r\n")
    assert tail == [
        "[sources]",
        "id,title,kind,path,url,sha256,reliability,notes",
        "S1,Commentary,,,,,F,",
        "",
        "[assumptions]",
        "id,title,status,hypotheses,notes",
        "A1,Rivals,,H1 H2,",
        "",
        "[rationale]",
        "analyst,evidence,hypothesis,note",
        'lead,E1,H2,"Line one\nline two"',
        "",
        "[judgements]",
        "analyst,hypothesis,probability",
        "lead,H1,0.25",
        "lead,H2,0.75",
        "",
        "[resolution]",
        "hypothesis,date,notes",
        "H2,2022-03-01,",
        "",
        "",
    ]
    back, report = read(text.encode("utf-8"))
    assert same_matrix(back, data)
    assert report.warnings == []


def test_a_matrix_without_the_additions_exports_as_before() -> None:
    text = write_csv(small_matrix(), Report("m.toml"))
    assert "id,title,source,date,kind,credibility,relevance,notes,code,link,flag\r\n" in text
    for name in ("sources", "assumptions", "rationale", "judgements", "resolution"):
        assert f"[{name}]" not in text


def test_bad_rows_of_the_addition_sections_are_located() -> None:
    text = (
        "hypothesis,title\r\nH1,One\r\n\r\n[judgements]\r\nanalyst,hypothesis,probability\r\n"
        "lead,H1,most\r\n\r\n[rationale]\r\nanalyst,evidence\r\n"
    )
    with pytest.raises(MatrixFileError) as caught:
        read(text.encode("utf-8"), "m.csv")
    assert [str(p) for p in caught.value.problems] == [
        "m.csv:6:3: cell C6: probability 'most' is not a number",
        "m.csv:9: [rationale] must start with a header row naming analyst, evidence, "
        "hypothesis, note",
    ]


# --- our own layout, by hand ---------------------------------------------------


def test_a_hand_written_layout_with_every_section_is_read() -> None:
    data, report = read_fixture("layout.csv")
    assert data == {
        "format": "achbench/1",
        "title": "Қаңтар 2022",
        "question": "Что произошло?",
        "analyst": "lead",
        "classification": "UNCLASSIFIED",
        "hypotheses": {
            "H1": {
                "title": "Стихийный протест",
                "description": "Жаңаөзен: қ, ү, ң.\nTwo lines.",
                "prior": 0.4,
            },
            "H2": {"title": "外国支持的政变"},
        },
        "evidence": {
            "E1": {
                "title": "Цена на газ, выросла вдвое",
                "source": "Reuters",
                "kind": "fact",
                "notes": 'He said "no".',
                "code": "KZ-01",
                "link": "https://example.org/a?b=1&c=2",
                "date": dt.date(2022, 1, 2),
                "credibility": "high",
                "relevance": "high",
                "flag": True,
            },
            "E2": {"title": "新闻：外国武装分子", "kind": "claim", "credibility": "low"},
        },
        "ratings": {"lead": {"E1": {"H1": "CC", "H2": "C"}, "E2": {"H2": "II"}}},
        "milestones": {
            "M1": {
                "hypothesis": "H2",
                "title": "Foreign fighters named",
                "expect": "supports",
                "due": dt.date(2022, 3, 1),
                "status": "open",
            }
        },
    }
    assert report.lines() == []


def test_the_analyst_option_overrides_the_files_analyst() -> None:
    data, _ = read_fixture("layout.csv", analyst="zara")
    assert data["analyst"] == "zara"
    assert list(data["ratings"]) == ["zara"]


def test_every_bad_cell_is_reported_with_its_line_and_cell() -> None:
    with pytest.raises(MatrixFileError) as caught:
        read_fixture("layout-bad.csv")
    assert caught.value.lines() == [
        "layout-bad.csv:6:4: cell D6: prior 'lots' is not a number",
        "layout-bad.csv:7:1: cell A7: [hypotheses] '1bad' is not a valid id",
        "layout-bad.csv:11:4: cell D11: '2022-13-01' is not a date (YYYY-MM-DD)",
        "layout-bad.csv:11:6: cell F11: 'certain' is not low, medium or high",
        "layout-bad.csv:11:11: cell K11: flag 'perhaps' is not yes or no",
        "layout-bad.csv:12:1: cell A12: [evidence] id 'E1' appears twice",
    ]


def test_unknown_sections_and_columns_and_differing_titles_are_reported() -> None:
    data, report = read_fixture("extra-sections.csv")
    assert data["hypotheses"] == {"H1": {"title": "Sheet title"}}
    assert data["evidence"] == {"E1": {"title": "Known item"}, "E9": {"title": "E9"}}
    assert data["ratings"] == {"analyst": {"E1": {"H1": "C"}, "E9": {"H1": "N"}}}
    assert [str(w) for w in report.warnings] == [
        "extra-sections.csv:12: warning: [notes] is not a section achbench knows; its rows "
        "are ignored",
        "extra-sections.csv:9: cell C9: warning: [evidence] column 'colour' is not one achbench "
        "reads (id, title, source, date, kind, credibility, relevance, notes, cites, quote, "
        "locator, grade, origin, assumes, status, code, link, flag); "
        "ignored",
        "extra-sections.csv:2: cell B2: warning: grid title 'Grid title differs' differs from "
        "[hypotheses] title 'Sheet title'; the [hypotheses] one is kept",
    ]
    assert "evidence E9: in the grid only; added, titled by the grid" in "\n".join(notes(report))


# --- plain grids typed in a spreadsheet ----------------------------------------


def test_a_plain_grid_of_titles_gets_ids_and_a_guessed_orientation() -> None:
    data, report = read_fixture("plain-titles.csv")
    assert data["title"] == "plain-titles"
    assert data["hypotheses"] == {
        "H1": {"title": "Spontaneous protest"},
        "H2": {"title": "Elite power struggle"},
        "H3": {"title": "Foreign-backed coup"},
    }
    assert data["evidence"]["E4"] == {"title": 'Official "terrorist" framing'}
    assert data["ratings"]["analyst"] == {
        "E1": {"H1": "CC", "H2": "C", "H3": "N"},
        "E2": {"H1": "N", "H2": "C", "H3": "C"},
        "E3": {"H1": "II", "H2": "CC", "H3": "I"},
        "E4": {"H1": "C", "H2": "C", "H3": "C"},
        "E5": {"H1": "C", "H2": "C", "H3": "C"},
    }
    assert notes(report) == [
        "plain-titles.csv: note: no [matrix] title; the title is taken from the file name: "
        "'plain-titles'",
        "plain-titles.csv: note: orientation guessed: rows are evidence and columns hypotheses "
        "(Heuer's layout), as there are more rows; say --transpose or --no-transpose to choose",
        "plain-titles.csv: note: evidence: ids E1..E5 generated; grid labels used as titles",
        "plain-titles.csv: note: hypotheses: ids H1..H3 generated; grid labels used as titles",
        "plain-titles.csv: note: read '--' as II, '++' as CC, '-' as I, '+' as C",
    ]
    assert report.warnings == []


def test_the_orientation_can_be_forced() -> None:
    data, report = read_fixture("plain-titles.csv", transpose=False)
    assert len(data["hypotheses"]) == 5
    assert len(data["evidence"]) == 3
    assert not any("orientation" in n for n in notes(report))


def test_id_labels_are_kept_and_codes_read_in_any_case() -> None:
    data, report = read_fixture("plain-ids.csv")
    assert list(data["hypotheses"]) == ["H1", "H2"]
    assert data["hypotheses"]["H1"] == {"title": "H1"}
    assert list(data["evidence"]) == ["E1", "E2", "E3", "E4"]
    assert data["ratings"]["analyst"] == {
        "E1": {"H1": "CC", "H2": "C"},
        "E2": {"H1": "I", "H2": "II"},
        "E3": {"H2": "NA"},
        "E4": {"H1": "N", "H2": "N"},
    }
    assert "hypotheses: grid labels used as ids and as titles (H1, H2)" in "\n".join(notes(report))
    assert not any("orientation" in n for n in notes(report))


def test_the_top_left_cell_names_what_the_rows_are() -> None:
    data, report = read_fixture("plain-corner.csv")
    assert [h["title"] for h in data["hypotheses"].values()] == ["Protest", "Elite struggle"]
    assert data["ratings"]["analyst"]["E2"] == {"H1": "N", "H2": "CC"}
    assert "rows are evidence, as the top-left cell says" in "\n".join(notes(report))


def test_a_square_grid_is_read_with_hypotheses_as_rows_and_says_so() -> None:
    data, report = read_fixture("square.csv")
    assert list(data["hypotheses"]) == ["Up", "Down"]
    assert "rows are hypotheses and columns evidence" in "\n".join(notes(report))


def test_excel_semicolons_bom_and_non_ascii_labels() -> None:
    data, report = read_fixture("excel-semicolon.csv")
    assert [h["title"] for h in data["hypotheses"].values()] == [
        "Стихийный протест",
        "Элиталық күрес (ү, қ)",
    ]
    assert [e["title"] for e in data["evidence"].values()] == [
        "Цена газа выросла",
        "Жаңаөзен қаңтар",
        "外国武装分子",
    ]
    assert data["ratings"]["analyst"]["E3"] == {"H1": "I", "H2": "NA"}
    assert notes(report)[0] == "excel-semicolon.csv: note: cells are separated by ';'"


def test_utf16_tab_separated_unicode_text_from_excel() -> None:
    text = (CSV / "plain-ids.csv").read_text(encoding="utf-8").replace(",", "\t")
    data, report = read(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert data["ratings"]["analyst"]["E2"] == {"H1": "I", "H2": "II"}
    assert "cells are separated by tabs" in "\n".join(notes(report))


def test_an_unknown_code_is_left_unrated_with_its_cell_named() -> None:
    data, report = read_fixture("bad-code.csv")
    assert data["ratings"]["analyst"] == {"E1": {"H1": "CC", "H2": "C"}, "E2": {"H2": "I"}}
    assert [str(w) for w in report.warnings] == [
        "bad-code.csv:2:3: cell C2: warning: 'maybe' is not a rating code (CC, C, N, I, II, NA, "
        "or ++ + 0 - --); left unrated"
    ]


def test_symbols_words_and_spreadsheet_dashes_are_read_as_codes() -> None:
    grid = ",E1,E2,E3,E4,E5,E6\nH1,++,+,--,-,\u2013,very inconsistent\nH2, c c ,I I,n/a,Neutral,,\n"
    data, _ = read(grid.encode("utf-8"))
    assert data["ratings"]["analyst"] == {
        "E1": {"H1": "CC", "H2": "CC"},
        "E2": {"H1": "C", "H2": "II"},
        "E3": {"H1": "II", "H2": "NA"},
        "E4": {"H1": "I", "H2": "N"},
        "E5": {"H1": "II"},
        "E6": {"H1": "II"},
    }


def test_a_grid_with_no_evidence_is_an_empty_matrix() -> None:
    data, _ = read(b"hypothesis,title\nH1,Only one\n")
    assert data["hypotheses"] == {"H1": {"title": "Only one"}}
    assert data["evidence"] == {}
    assert "ratings" not in data


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "x,E1\nH1,C\nH2,\xe9\n".encode("latin-1"),
            "in.csv:3:4: not UTF-8 text: byte 0xe9 cannot be decoded; save it from the "
            "spreadsheet as 'CSV UTF-8'",
        ),
        (b"", "in.csv: no hypotheses: give a grid or a [hypotheses] section"),
        (
            b'x,E1\nH1,"unclosed\nH2,C\n',
            "in.csv:2: not valid CSV: unexpected end of data (a quoted cell is never closed?)",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_the_place(raw: bytes, message: str) -> None:
    with pytest.raises(MatrixFileError) as caught:
        read(raw)
    assert caught.value.lines() == [message]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=',;\t"\n\r[]HEhe1 +-CINAtitleid', max_size=200))
def test_any_text_gives_a_matrix_or_a_located_error_never_a_crash(text: str) -> None:
    assert all(line.startswith("in.csv") for line in problems(lambda: read(text.encode("utf-8"))))


def problems(action: Callable[[], object]) -> list[str]:
    """The error lines an action raises, or none: anything else propagates."""
    try:
        action()
    except MatrixFileError as exc:
        return exc.lines()
    return []

"""PARC ACH .achz: tolerant and safe reading, the likeliest real form on writing.

Fixtures are hand-written XML under tests/data/formats/achz/; each test encodes
and gzips them as the case needs, so every byte-level variant comes from text a
reviewer can read.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.core.errors import MatrixFileError
from achbench.core.validate import validate_data
from achbench.formats import Report
from achbench.formats.achz import MAX_XML_BYTES, read_achz, render_xml, write_achz
from achbench.store.toml import load_data
from tests.unit.formats_strategies import XML_SAFE, matrices, same_matrix

DATA = Path(__file__).parents[1] / "data" / "formats"
ACHZ = DATA / "achz"
TOML = DATA / "toml"


def xml(name: str) -> str:
    return (ACHZ / name).read_text(encoding="utf-8")


def achz(text: str, codec: str = "utf-16-be", bom: bool = True) -> bytes:
    """Encode and gzip XML text as PARC would (UTF-16BE with BOM by default)."""
    boms = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-16-le": codecs.BOM_UTF16_LE}
    prefix = boms.get(codec, codecs.BOM_UTF8 if codec == "utf-8" else b"") if bom else b""
    return gzip.compress(prefix + text.encode(codec))


def read(
    raw: bytes, name: str = "in.achz", analyst: str = "analyst"
) -> tuple[dict[str, Any], Report]:
    report = Report(name)
    data = read_achz(io.BytesIO(raw), name, report, analyst)
    validate_data(data, name)
    return data, report


def warnings(report: Report) -> str:
    return "\n".join(str(w) for w in report.warnings)


KAZAKH = {
    "format": "achbench/1",
    "title": "Қаңтар оқиғалары: Алматы, 2022",
    "analyst": "analyst",
    "classification": "UNCLASSIFIED",
    "hypotheses": {
        "H1": {"title": "Стихийный протест"},
        "H2": {"title": "Элиталық күрес (ү, қ, ң)"},
        "H3": {"title": "外国支持的政变"},
    },
    "evidence": {
        "E1": {
            "title": "Цена на сжиженный газ выросла вдвое",
            "notes": "Жаңаөзен, 2 қаңтар.\nВторая строка.",
            "link": "https://example.org/қаңтар?a=1&b=2",
            "kind": "OSINT",
            "date": dt.date(2022, 1, 2),
            "code": "KZ-01",
            "flag": True,
            "credibility": "high",
            "relevance": "high",
        },
        "E2": {"title": "新闻：外国武装分子", "kind": "ASSU", "credibility": "low"},
    },
    "ratings": {
        "analyst": {
            "E1": {"H1": "CC", "H2": "C", "H3": "N"},
            "E2": {"H1": "N", "H2": "II", "H3": "NA"},
        }
    },
}


# --- reading: encodings and declarations ---------------------------------------

DECLARATIONS = [
    "",
    '<?xml version="1.0"?>\n',
    '<?xml version="1.0" encoding="UTF-16"?>\n',
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    "<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?>\n",
]
ENCODINGS = [("utf-16-be", True), ("utf-16-le", True), ("utf-8", True), ("utf-8", False)]


@pytest.mark.parametrize("declaration", DECLARATIONS)
@pytest.mark.parametrize(("codec", "bom"), ENCODINGS)
def test_every_encoding_and_declaration_reads_the_same_matrix(
    declaration: str, codec: str, bom: bool
) -> None:
    data, report = read(achz(declaration + xml("kazakh.xml"), codec, bom))
    assert data == KAZAKH
    assert report.warnings == []


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le"])
def test_utf16_without_bom_is_recognised_and_noted(codec: str) -> None:
    data, report = read(achz(xml("kazakh.xml"), codec, bom=False))
    assert data == KAZAKH
    assert "no byte-order mark" in report.lines()[0]


def test_a_declared_legacy_encoding_is_used_when_the_bytes_are_not_utf8() -> None:
    text = '<?xml version="1.0" encoding="ISO-8859-1"?><ACH><PROJECT-TITLE>Café</PROJECT-TITLE>'
    text += "<MATRIX><HYPOTHESIS><NAME>Naïve</NAME></HYPOTHESIS></MATRIX></ACH>"
    data, _ = read(gzip.compress(text.encode("latin-1")))
    assert data["title"] == "Café"
    assert data["hypotheses"]["H1"]["title"] == "Naïve"


def test_undecodable_utf16_is_replaced_with_a_warning() -> None:
    raw = codecs.BOM_UTF16_BE + xml("renamed-tags.xml").encode("utf-16-be")
    raw = raw.replace("Only".encode("utf-16-be"), b"\xd8\x00\x00O" + "nly".encode("utf-16-be"))
    data, report = read(gzip.compress(raw))
    assert data["hypotheses"]["H1"]["title"] == "\ufffdOnly"
    assert "not valid UTF-16 (big-endian)" in warnings(report)


def test_hyphen_free_names_written_by_the_php_importer_are_read() -> None:
    data, report = read(achz(xml("renamed-tags.xml")))
    assert data["title"] == "Renamed by the PHP importer"
    assert report.warnings == []


def test_xml_special_characters_in_every_field_are_unescaped() -> None:
    data, _ = read(achz(xml("special-chars.xml")))
    assert data["title"] == "Tom & Jerry <draft> \"quoted\" 'single' ]]>"
    assert data["classification"] == "S&TS <NOFORN>"
    assert data["hypotheses"] == {
        "H1": {"title": "A < B && C > D"},
        "H2": {"title": "\"Quoted\" 'hypothesis'"},
    }
    assert data["evidence"]["E1"] == {
        "title": '<script>alert("x")</script>',
        "notes": "Line one & two\r\ncarriage return kept; ]]> end",
        "link": "http://example.org/?q=a&r=<b>",
        "kind": "HUMINT & SIGINT",
        "date": dt.date(2022, 1, 5),
        "code": "<E&1>",
        "flag": True,
        "relevance": "low",
    }
    assert data["ratings"] == {"analyst": {"E1": {"H1": "I", "H2": "CC"}}}


# --- reading: tokens, odd elements, empty matrix -------------------------------


def test_rating_tokens_in_every_spelling_and_row_lengths_reported() -> None:
    data, report = read(achz(xml("tokens.xml")))
    assert data["ratings"]["analyst"] == {
        "E1": {"H1": "CC", "H2": "II", "H3": "NA"},
        "E2": {"H1": "CC", "H2": "II", "H3": "NA"},
        "E3": {"H3": "C"},
        "E4": {"H1": "N", "H2": "N"},
        "E5": {"H1": "C", "H2": "C", "H3": "C"},
    }
    text = warnings(report)
    assert "MATRIX/EVIDENCE[3]/VALUES: warning: token 2 ('X', for H2) is not a PARC rating" in text
    assert "MATRIX/EVIDENCE[4]/VALUES: warning: 2 rating tokens for 3 hypotheses" in text
    assert "MATRIX/EVIDENCE[5]/VALUES: warning: 4 rating tokens for 3 hypotheses" in text
    assert "the extra ones ('I') are ignored" in text
    assert "empty rating tokens read as unrated: 1 (evidence/hypothesis E3/H1)" in text
    # An empty VALUES and a missing one are an unrated row, not a short one.
    assert "EVIDENCE[6]" not in text
    assert "EVIDENCE[7]" not in text


def test_odd_files_are_read_with_every_oddity_reported() -> None:
    data, report = read(achz(xml("oddities.xml")), name="dir/oddities.achz")
    assert data["title"] == "oddities"
    assert data["hypotheses"] == {
        "H1": {"title": "Hypothesis 1"},
        "H2": {"title": "Second", "description": "What the second one claims."},
    }
    assert data["evidence"] == {
        "E1": {
            "title": "First name",
            "date": dt.date(2022, 1, 5),
            "relevance": "high",
            "flag": True,
        },
        "E2": {"title": "Evidence 2"},
    }
    text = warnings(report)
    for expected in [
        "PROJECT: warning: element AUTHOR is not read",
        "PROJECT: warning: a second MATRIX is ignored",
        "no PROJECT-TITLE; the title is taken from the file name: 'oddities'",
        "MATRIX/HYPOTHESIS[1]: warning: no NAME; titled 'Hypothesis 1'",
        "MATRIX/EVIDENCE[1]: warning: a second NAME is ignored",
        "MATRIX/EVIDENCE[1]: warning: element SERIAL is not read",
        "MATRIX/EVIDENCE[1]/DATE: warning: 1641340800123 is 2022-01-05 00:00:00.123 UTC",
        "MATRIX/EVIDENCE[1]/CREDIBILITY: warning: 'VERY HIGH' is not HIGH, MEDIUM or LOW",
        "MATRIX/EVIDENCE[2]: warning: no NAME; titled 'Evidence 2'",
        "MATRIX/EVIDENCE[2]/DATE: warning: 'yesterday' is not a date in milliseconds",
        "MATRIX/EVIDENCE[2]/FLAG: warning: 'maybe' is not a flag",
    ]:
        assert expected in text


def test_an_empty_matrix_has_hypotheses_and_no_evidence() -> None:
    data, report = read(achz(xml("empty-matrix.xml")))
    assert data == {
        "format": "achbench/1",
        "title": "Nothing rated yet",
        "analyst": "analyst",
        "hypotheses": {"H1": {"title": "The only hypothesis"}},
        "evidence": {},
    }
    assert report.lines() == []


@pytest.mark.parametrize(
    ("ms", "expected", "warned"),
    [
        ("1641081600000", dt.date(2022, 1, 2), False),  # midnight UTC
        ("1641060000000", dt.date(2022, 1, 2), True),  # local midnight at UTC+6
        ("1641099600000", dt.date(2022, 1, 2), True),  # local midnight at UTC-5
        ("-86400000", dt.date(1969, 12, 31), False),
        ("0", None, False),
        ("", None, False),
        ("99999999999999999999", None, True),
    ],
)
def test_dates_are_java_milliseconds_read_as_the_nearest_day(
    ms: str, expected: dt.date | None, warned: bool
) -> None:
    text = xml("tokens.xml").replace(
        "<NAME>PARC spellings</NAME>", f"<NAME>PARC spellings</NAME><DATE>{ms}</DATE>"
    )
    data, report = read(achz(text))
    assert data["evidence"]["E1"].get("date") == expected
    assert ("EVIDENCE[1]/DATE" in warnings(report)) is warned


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "no-hypotheses.xml",
            "in.achz: MATRIX: no HYPOTHESIS element: a matrix needs at least one",
        ),
        ("no-matrix.xml", "in.achz: no MATRIX element under <ACH>: not a PARC ACH project"),
        ("not-well-formed.xml", "in.achz:5:5: not well-formed XML: mismatched tag"),
    ],
)
def test_files_that_are_not_projects_are_refused_with_the_place(fixture: str, message: str) -> None:
    with pytest.raises(MatrixFileError) as caught:
        read(achz(xml(fixture)))
    assert caught.value.lines() == [message]


# --- safety --------------------------------------------------------------------


def test_billion_laughs_is_refused_before_any_expansion() -> None:
    with pytest.raises(MatrixFileError) as caught:
        read(achz(xml("billion-laughs.xml")))
    assert "refused: the XML declares entity 'lol'" in str(caught.value)


def test_external_entity_is_refused_and_nothing_local_is_read() -> None:
    with pytest.raises(MatrixFileError) as caught:
        read(achz(xml("external-entity.xml")))
    assert "refused: the XML declares entity 'secret'" in str(caught.value)
    assert "root:" not in str(caught.value)


def test_an_external_dtd_is_never_fetched() -> None:
    # The DTD sits on a closed port: fetching it would fail; not fetching it reads fine.
    data, _ = read(achz(xml("external-dtd.xml")))
    assert data["title"] == "External DTD, never fetched"


def _bomb(size: int) -> bytes:
    """A gzip member of ``size`` zero bytes, compressed in chunks (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join([*parts, compressor.flush()])


def test_a_gzip_bomb_is_refused_at_the_limit() -> None:
    bomb = _bomb(MAX_XML_BYTES + (1 << 20))
    assert len(bomb) < MAX_XML_BYTES // 500
    with pytest.raises(MatrixFileError) as caught:
        read(bomb)
    assert "refused: decompresses to more than 64 MiB" in str(caught.value)
    assert "gzip bomb" in str(caught.value)


def test_the_limit_is_on_decompressed_bytes() -> None:
    text = xml("kazakh.xml")
    report = Report("in.achz")
    with pytest.raises(MatrixFileError, match="more than 0 MiB"):
        read_achz(io.BytesIO(achz(text)), "in.achz", report, limit=len(text))
    data = read_achz(io.BytesIO(achz(text)), "in.achz", report, limit=4 * len(text) + 2)
    assert data["title"] == KAZAKH["title"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "not a gzip file; a PARC ACH .achz file is gzip-compressed XML (the file is empty)"),
        (
            b"<ACH></ACH>",
            "not a gzip file; a PARC ACH .achz file is gzip-compressed XML "
            "(it looks like uncompressed XML: gzip it, or save it again from PARC ACH)",
        ),
        ((ACHZ / "not-gzip.achz").read_bytes(), "not a gzip file"),
        (gzip.compress(b"<ACH/>" * 100, mtime=0)[:30], "truncated: the gzip data ends early"),
        (gzip.compress(b"<ACH/>", mtime=0)[:10] + b"\xff" * 20, "corrupt gzip data"),
        (gzip.compress(b"<ACH/>", mtime=0) + b"trailing", "corrupt gzip data: Not a gzipped file"),
    ],
)
def test_broken_containers_get_a_clear_error(raw: bytes, message: str) -> None:
    with pytest.raises(MatrixFileError) as caught:
        read(raw)
    assert caught.value.lines()[0].startswith(f"in.achz: {message}")


def test_concatenated_gzip_members_are_read_as_one_document() -> None:
    text = xml("renamed-tags.xml").encode("utf-8")
    data, _ = read(gzip.compress(text[:40]) + gzip.compress(text[40:]))
    assert data["title"] == "Renamed by the PHP importer"


# --- writing -------------------------------------------------------------------


def test_export_is_utf16be_with_bom_one_gzip_member_and_byte_stable() -> None:
    data = load_data(TOML / "non-ascii.toml")
    first = write_achz(data, Report("m.toml"))
    assert first == write_achz(data, Report("m.toml"))
    assert first[:2] == b"\x1f\x8b"
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    payload = decompressor.decompress(first)
    assert decompressor.eof
    assert decompressor.unused_data == b""
    assert payload.startswith(codecs.BOM_UTF16_BE)
    text = payload[2:].decode("utf-16-be")
    assert text.startswith('<?xml version="1.0"?>\n<ACH>\n  <PROJECT-TITLE>')
    assert "encoding" not in text.split("\n", 1)[0]


def test_export_element_order_follows_the_writer_profile() -> None:
    text = render_xml(load_data(TOML / "special-chars.toml"), Report("m.toml"))
    root_order = ["<PROJECT-TITLE>", "<CLASSIFICATION>", "<LAST-INDEX>", "<COLOR-SCHEME>"]
    positions = [text.index(tag) for tag in [*root_order, "<MATRIX>"]]
    assert positions == sorted(positions)
    assert text.rindex("<HYPOTHESIS>") < text.index("<EVIDENCE>")
    evidence = text[text.index("<EVIDENCE>") : text.index("</EVIDENCE>")]
    tags = [
        "NAME", "NOTES", "LINK", "TYPE", "DATE", "CODE", "FLAG", "CREDIBILITY", "RELEVANCE",
        "VALUES",
    ]  # fmt: skip
    found = [evidence.index(f"<{tag}>") for tag in tags]
    assert found == sorted(found)
    assert "<DATE>1641340800000</DATE>" in evidence
    assert "<FLAG>1</FLAG>" in evidence
    assert "<CREDIBILITY>HIGH</CREDIBILITY>" in evidence
    assert "<RELEVANCE>LOW</RELEVANCE>" in evidence
    assert "<VALUES>I,C C</VALUES>" in evidence
    # E2 is rated NA for H2 only: the unrated H1 is an empty token.
    assert "<VALUES>,NA</VALUES>" in text
    assert "<DATE>0</DATE>" in text


def test_xml_special_characters_are_escaped_in_every_field_and_come_back() -> None:
    data = load_data(TOML / "special-chars.toml")
    report = Report("m.toml")
    text = render_xml(data, report)
    assert "Tom &amp; Jerry &lt;draft&gt;" in text
    assert "]]&gt;" in text
    assert "&#13;" in text  # a carriage return survives XML's line-end normalisation
    assert "&amp;amp; is not an entity here; &amp;#13; neither" in text
    back, _ = read(write_achz(data, report))
    assert same_matrix(back, data)
    assert report.warnings == []


def test_non_ascii_text_round_trips_and_non_bmp_characters_are_replaced_with_a_warning() -> None:
    data = load_data(TOML / "non-ascii.toml")
    report = Report("m.toml")
    back, _ = read(write_achz(data, report))
    assert back["title"] == "Қаңтар оқиғалары: Алматы, 2022"
    assert back["hypotheses"]["H2"]["title"] == "Элиталық күрес (ү, қ, ң, ө, ә, ғ, ұ, һ, і)"
    assert back["hypotheses"]["H3"]["title"] == "外国支持的政变"
    assert back["evidence"]["E1"]["code"] == "ҚЗ-01"
    assert back["evidence"]["E2"]["notes"] == "Emoji outside the BMP: \ufffd and \ufffd."
    text = warnings(report)
    assert (
        "evidence.E2.notes: warning: 2 character(s) PARC ACH cannot hold (U+1F642, U+1D11E"
    ) in text
    assert "question: warning: PARC ACH has no question" in text


def test_what_parc_cannot_hold_is_listed_never_dropped_silently() -> None:
    data = load_data(TOML / "everything.toml")
    report = Report("m.toml")
    back, _ = read(write_achz(data, report), analyst="bob")
    lines = warnings(report).splitlines()
    assert lines == [
        "m.toml: ratings: warning: PARC ACH holds one analyst's ratings: exported 'bob', "
        "left out alice (choose with --analyst)",
        "m.toml: question: warning: PARC ACH has no question; the question is left out",
        "m.toml: hypotheses: warning: PARC ACH has no hypothesis descriptions; left out for alpha",
        "m.toml: hypotheses: warning: PARC ACH has no hypothesis priors; left out for alpha, beta",
        "m.toml: evidence: warning: PARC ACH has no evidence source; written into the NOTES of "
        "fuel as 'Source: ...'",
        "m.toml: evidence: warning: PARC ACH writes 1970-01-01 as 'no date'; the date of "
        "troops will read back as unset",
        "m.toml: milestones: warning: PARC ACH has no milestones; left out 1 (M1)",
        "m.toml: hypotheses: warning: PARC ACH has no ids; an import numbers hypotheses H1.. "
        "and evidence E1.. in order",
        "m.toml: ratings: warning: PARC ACH does not name the analyst; import with --analyst "
        "bob to file the ratings under that name again",
    ]
    assert back["evidence"]["E1"] == {
        "title": "Fuel price doubled",
        "date": dt.date(2022, 1, 1),
        "kind": "fact",
        "credibility": "high",
        "relevance": "high",
        "notes": "Widely reported.\nSource: Reuters, 2 January",
        "code": "F1",
        "link": "https://example.org/fuel",
        "flag": True,
    }
    assert back["ratings"] == {"bob": {"E1": {"H1": "C"}, "E2": {"H2": "II"}}}


def test_another_analyst_can_be_chosen_and_an_unknown_one_is_an_error() -> None:
    data = load_data(TOML / "everything.toml")
    back, _ = read(write_achz(data, Report("m.toml"), analyst="alice"))
    assert back["ratings"] == {"analyst": {"E1": {"H1": "CC", "H2": "I"}}}
    unknown = r"no ratings by analyst 'carol' \(analysts: alice, bob\)"
    with pytest.raises(MatrixFileError, match=unknown):
        write_achz(data, Report("m.toml"), analyst="carol")


def test_export_names_every_key_of_the_additions_it_leaves_out() -> None:
    data = load_data(TOML / "empty.toml")
    data["hypotheses"] = {"H1": {"title": "One"}}
    data["evidence"] = {
        "E1": {"title": "Item", "cites": "S1", "quote": "Q", "status": "pending", "origin": "o"},
        "E2": {"title": "Other", "assumes": ["A1"], "status": "collected", "grade": "2"},
    }
    data["sources"] = {"S1": {"title": "Commentary", "sha256": "0" * 64}, "S2": {"title": "Unused"}}
    data["assumptions"] = {"A1": {"title": "Rivals"}}
    data["rationale"] = {"analyst": {"E1": {"H1": "Why"}}}
    data["judgements"] = {"analyst": {"H1": 1.0}}
    data["resolution"] = {"hypothesis": "H1"}
    report = Report("m.toml")
    write_achz(validate_data(data), report)
    assert warnings(report).splitlines() == [
        "m.toml: evidence: warning: PARC ACH has no sources or quotes; each item's cited "
        "source, quote and locator are written into the NOTES (and a source's url or path into "
        "an empty LINK) of E1, as text an import keeps in the notes",
        "m.toml: sources: warning: PARC ACH has no sources; left out S2, which no item cites",
        "m.toml: sources: warning: PARC ACH has no source sha256; left out for S1",
        "m.toml: evidence: warning: PARC ACH has no evidence grade; left out for E2",
        "m.toml: evidence: warning: PARC ACH has no evidence origin; left out for E1",
        "m.toml: evidence: warning: PARC ACH has no evidence assumes; left out for E2",
        "m.toml: evidence: warning: PARC ACH has no evidence status; left out for E1",
        "m.toml: assumptions: warning: PARC ACH has no assumptions; left out A1",
        "m.toml: rationale: warning: PARC ACH has no rationale per rating; the notes of "
        "analyst are appended to each evidence item's NOTES as 'H2 (analyst): note', where "
        "they can no longer be kept apart",
        "m.toml: judgements: warning: PARC ACH has no judgements; left out those of analyst",
        "m.toml: resolution: warning: PARC ACH has no resolution; the resolution is left out",
    ]


def test_an_empty_matrix_round_trips() -> None:
    data = load_data(TOML / "empty.toml")
    back, _ = read(write_achz(data, Report("m.toml")))
    assert same_matrix(back, {**data, "analyst": "analyst"})
    assert back["evidence"] == {}


@settings(max_examples=100, deadline=None)
@given(
    matrices(
        alphabet=XML_SAFE,
        positional_ids=True,
        analysts=1,
        analyst_name="analyst",
        rich=False,
        blank_ok=False,
    )
)
def test_import_of_an_export_gives_the_same_matrix(data: dict[str, Any]) -> None:
    report = Report("m.toml")
    back, _ = read(write_achz(validate_data(data), report))
    assert report.warnings == []
    assert same_matrix(back, data)


def test_a_declared_codec_that_is_not_a_text_encoding_falls_back_to_utf8() -> None:
    text = '<?xml version="1.0" encoding="hex"?><ACH><PROJECT-TITLE>Caf\xe9</PROJECT-TITLE>'
    text += "<MATRIX><HYPOTHESIS><NAME>H</NAME></HYPOTHESIS></MATRIX></ACH>"
    data, report = read(gzip.compress(text.encode("latin-1")))
    assert data["title"] == "Caf\ufffd"
    assert "declares encoding 'hex', which is not a text encoding" in warnings(report)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_any_bytes_give_a_matrix_or_a_located_error_never_a_crash(raw: bytes, zipped: bool) -> None:
    assert all(
        line.startswith("in.achz")
        for line in problems(lambda: read(gzip.compress(raw) if zipped else raw))
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/ACHMTRIXYPOESNVLU=\"'&;#!-[]1 ,\n", max_size=200))
def test_any_xml_like_text_gives_a_matrix_or_a_located_error(text: str) -> None:
    assert all(line.startswith("in.achz") for line in problems(lambda: read(achz(text))))


def problems(action: Callable[[], object]) -> list[str]:
    """The error lines an action raises, or none: anything else propagates."""
    try:
        action()
    except MatrixFileError as exc:
        return exc.lines()
    return []


def test_rationale_is_appended_to_the_evidence_notes() -> None:
    data = load_data(TOML / "empty.toml")
    data["hypotheses"] = {"H1": {"title": "One"}, "H2": {"title": "Two"}}
    data["evidence"] = {
        "E1": {"title": "Item", "notes": "About the item."},
        "E2": {"title": "Other"},
    }
    data["ratings"] = {"lead": {"E1": {"H1": "C"}}}
    data["rationale"] = {
        "lead": {"E1": {"H2": "two\nlines", "H1": "fits"}, "E2": {"H1": "unrated yet"}},
        "bob": {"E1": {"H1": "bob's"}},
    }
    back, _ = read(write_achz(validate_data(data), Report("m.toml"), analyst="lead"))
    assert back["evidence"]["E1"]["notes"] == (
        "About the item.\nH1 (lead): fits\nH1 (bob): bob's\nH2 (lead): two lines"
    )
    assert back["evidence"]["E2"]["notes"] == "H1 (lead): unrated yet"
    assert "rationale" not in back


def test_sources_and_quotes_are_written_into_notes_and_link() -> None:
    """What PARC can hold of a cited source and a quote: text in NOTES, the url in LINK."""
    data = load_data(TOML / "empty.toml")
    data["hypotheses"] = {"H1": {"title": "One"}}
    data["evidence"] = {
        "E1": {
            "title": "Coup claim",
            "notes": "Unsourced.",
            "cites": "S1",
            "quote": "a group of foreign insurgents came in",
            "locator": "paragraph 1",
        },
        "E2": {"title": "Own link", "link": "https://example.org/e2", "cites": "S1"},
        "E3": {"title": "Only where", "source": "Reuters", "locator": "p. 4"},
        "E4": {"title": "Path only", "cites": "S2"},
    }
    data["sources"] = {
        "S1": {
            "title": "Commentary",
            "kind": "commentary",
            "url": "https://example.org/c",
            "reliability": "F",
        },
        "S2": {"title": "Report", "path": "docs/report.txt"},
    }
    back, _ = read(write_achz(validate_data(data), Report("m.toml")))
    e1, e2, e3, e4 = (back["evidence"][e] for e in ("E1", "E2", "E3", "E4"))
    assert e1["notes"] == (
        "Unsourced.\nCites S1: Commentary (commentary; reliability F)\n"
        "Quote (paragraph 1): a group of foreign insurgents came in"
    )
    assert e1["link"] == "https://example.org/c"
    assert e2["notes"] == (
        "Cites S1: Commentary (commentary; reliability F; url https://example.org/c)"
    )
    assert e2["link"] == "https://example.org/e2"
    assert e3["notes"] == "Source: Reuters\nLocator: p. 4"
    assert "link" not in e3
    assert (e4["notes"], e4["link"]) == ("Cites S2: Report", "docs/report.txt")


def test_the_example_exports_with_a_warning_for_each_thing_not_kept(example_path: Path) -> None:
    report = Report("m.toml")
    back, _ = read(write_achz(load_data(example_path), report))
    lines = warnings(report).splitlines()
    assert any(
        "no sources or quotes; each item's cited source, quote and locator" in x for x in lines
    )
    assert (
        "m.toml: sources: warning: PARC ACH has no source sha256; left out for commentary" in lines
    )
    assert (
        "m.toml: sources: warning: PARC ACH has no source notes; left out for commentary, reporting"
        in lines
    )
    assert any("no evidence grade; left out for E1, E2" in x for x in lines)
    assert any("no evidence origin; left out for E2, E13" in x for x in lines)
    assert (
        "Quote ('Wrap-up of unrest', paragraph 1): The events were initiated"
        in back["evidence"]["E1"]["notes"]
    )

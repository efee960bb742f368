"""JSON: the whole matrix, its published schema, and located errors on import."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.core.errors import MatrixFileError
from achbench.core.schema import json_schema, json_schema_paths, render_schema
from achbench.core.validate import validate_data
from achbench.formats import Report
from achbench.formats.json_io import read_json, write_json
from achbench.store.toml import load_data
from tests.unit.formats_strategies import matrices, same_matrix

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "formats"
JSON = DATA / "json"
TOML = DATA / "toml"
KAZAKHSTAN = ROOT / "matrices" / "kazakhstan-2022.toml"
VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def read(raw: bytes, name: str = "in.json") -> dict[str, Any]:
    data = read_json(raw, name, Report(name))
    return validate_data(data, name)


# --- the published schema ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "src" / "achbench" / "data" / "matrix.schema.json",
        ROOT / "docs" / "matrix.schema.json",
    ],
)
def test_the_published_schema_is_up_to_date(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == render_schema(), (
        f"{path} is stale: run `python -m achbench.core.schema`"
    )


def test_the_generator_writes_both_copies_in_a_checkout() -> None:
    assert [p.relative_to(ROOT).as_posix() for p in json_schema_paths()] == [
        "src/achbench/data/matrix.schema.json",
        "docs/matrix.schema.json",
    ]


def test_the_schema_is_a_valid_draft_2020_12_schema_with_the_extensions() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    evidence = schema["$defs"]["Evidence"]["properties"]
    assert {"code", "link", "flag"} <= evidence.keys()
    assert "classification" in schema["properties"]
    assert evidence["link"]["description"].startswith("Extension:")


@pytest.mark.parametrize(
    "source", [KAZAKHSTAN, TOML / "everything.toml", TOML / "non-ascii.toml", TOML / "empty.toml"]
)
def test_exported_json_validates_against_the_schema_and_reads_back(source: Path) -> None:
    data = load_data(source)
    text = write_json(data, Report("m.toml"))
    VALIDATOR.validate(json.loads(text))
    assert read(text.encode("utf-8")) == data


def test_the_schema_refuses_what_the_reader_refuses() -> None:
    good = json.loads(write_json(load_data(TOML / "everything.toml"), Report("m.toml")))
    for broken in (
        {**good, "colour": "red"},
        {**good, "hypotheses": {"1bad": {"title": "x"}}},
        {**good, "ratings": {"bob": {"fuel": {"alpha": "CCC"}}}},
        {**good, "hypotheses": {}},
    ):
        assert not VALIDATOR.is_valid(broken)


def test_export_keeps_file_order_iso_dates_and_non_ascii_text() -> None:
    text = write_json(load_data(TOML / "non-ascii.toml"), Report("m.toml"))
    assert list(json.loads(text)) == [
        "format", "title", "question", "analyst", "classification", "hypotheses", "evidence",
        "ratings",
    ]  # fmt: skip
    assert '"date": "2022-01-02"' in text
    assert "Элиталық күрес (ү, қ, ң, ө, ә, ғ, ұ, һ, і)" in text
    assert "外国支持的政变" in text


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_any_matrix_round_trips(data: dict[str, Any]) -> None:
    text = write_json(validate_data(data), Report("m.toml"))
    VALIDATOR.validate(json.loads(text))
    assert same_matrix(read(text.encode("utf-8")), data)


# --- import --------------------------------------------------------------------


def test_a_hand_written_file_reads_with_dates_nulls_and_schema_key() -> None:
    data = read((JSON / "matrix.json").read_bytes())
    assert data["title"] == "Қаңтар 2022 — 哈萨克斯坦"
    assert "question" not in data
    assert data["hypotheses"]["H1"] == {"title": "Стихийный протест", "prior": 1}
    assert data["evidence"]["E1"] == {
        "title": "Цена на газ выросла вдвое",
        "date": dt.date(2022, 1, 2),
        "credibility": "high",
        "flag": True,
        "code": "KZ-01",
    }
    assert data["milestones"]["M1"]["due"] == dt.date(2022, 3, 1)
    assert data["ratings"] == {"lead": {"E1": {"H1": "CC", "H2": "C"}, "E2": {"H2": "II"}}}


def test_the_additions_read_with_the_resolution_date_and_id_arrays() -> None:
    text = json.dumps(
        {
            "format": "achbench/1",
            "title": "T",
            "hypotheses": {"H1": {"title": "One"}},
            "evidence": {"E1": {"title": "Item", "assumes": ["A1"], "grade": "2"}},
            "assumptions": {"A1": {"title": "Rivals", "hypotheses": ["H1"]}},
            "rationale": {"lead": {"E1": {"H1": "Why"}}},
            "judgements": {"lead": {"H1": 1}},
            "resolution": {"hypothesis": "H1", "date": "2022-03-01", "notes": None},
        }
    )
    data = read(text.encode("utf-8"))
    assert data["resolution"] == {"hypothesis": "H1", "date": dt.date(2022, 3, 1)}
    assert data["evidence"]["E1"]["assumes"] == ["A1"]
    bad = text.replace("2022-03-01", "1 March")
    with pytest.raises(MatrixFileError) as caught:
        read(bad.encode("utf-8"))
    assert [str(p) for p in caught.value.problems] == [
        "in.json: resolution.date: '1 March' is not a date (YYYY-MM-DD)"
    ]


def test_an_empty_matrix_reads() -> None:
    data = read((JSON / "empty-matrix.json").read_bytes())
    assert data["evidence"] == {}


@pytest.mark.parametrize(
    ("fixture", "lines"),
    [
        (
            "bad-date.json",
            [
                "in.json: evidence.E1.date: '2022-02-30' is not a date (YYYY-MM-DD)",
                "in.json: milestones.M1.due: '1 March 2022' is not a date (YYYY-MM-DD)",
            ],
        ),
        (
            "duplicate-id.json",
            ["in.json: not valid here: key 'H1' appears twice in one object; keys are unique"],
        ),
        (
            "not-json.json",
            ["in.json:4:1: not valid JSON: Expecting property name enclosed in double quotes"],
        ),
        ("array.json", ["in.json: expected a JSON object holding a matrix, got list"]),
    ],
)
def test_bad_files_are_refused_with_the_place(fixture: str, lines: list[str]) -> None:
    with pytest.raises(MatrixFileError) as caught:
        read((JSON / fixture).read_bytes())
    assert caught.value.lines() == lines


def test_wrong_values_are_reported_by_key_path() -> None:
    with pytest.raises(MatrixFileError) as caught:
        read((JSON / "wrong-types.json").read_bytes())
    assert sorted(caught.value.lines()) == [
        "in.json: evidence.E1.colour: unknown key 'colour' (this table takes: title, source, "
        "date, kind, credibility, relevance, notes, cites, quote, locator, grade, origin, assumes, status, code, link, flag)",
        "in.json: evidence.E1.credibility: 'certain' is not allowed here; use one of 'low', "
        "'medium' or 'high'",
        "in.json: hypotheses.H1.prior: expected a number, got a string",
        "in.json: ratings.lead.E1.H1: 'CCC' is not a rating code; use one of CC, C, N, I, II, NA",
        "in.json: ratings.lead.E1.H9: rates hypothesis 'H9', which is not in [hypotheses]",
        "in.json: title: expected a string, got an integer",
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "in.json: is empty; expected a JSON object holding a matrix"),
        (b'{"title": "\xff"}', "in.json: not UTF-8 text: byte 0xff cannot be decoded"),
    ],
)
def test_empty_and_undecodable_files_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(MatrixFileError) as caught:
        read(raw)
    assert caught.value.lines() == [message]


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "format",
                        "title",
                        "hypotheses",
                        "evidence",
                        "ratings",
                        "milestones",
                        "H1",
                        "E1",
                        "date",
                        "due",
                        "title",
                    ]
                ),
                c,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_value_gives_a_matrix_or_a_located_error_never_a_crash(value: Any) -> None:
    assert all(
        line.startswith("in.json")
        for line in problems(lambda: read(json.dumps(value).encode("utf-8")))
    )


def problems(action: Callable[[], object]) -> list[str]:
    """The error lines an action raises, or none: anything else propagates."""
    try:
        action()
    except MatrixFileError as exc:
        return exc.lines()
    return []

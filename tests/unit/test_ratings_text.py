"""The ratings section read and written directly: the same data and bytes as the TOML libraries.

``store.parse`` reads the ratings of a file in achbench's own layout without
``rtoml`` (half the memory at 100 x 10,000); ``store.dumps`` writes them without
``tomli_w`` (ten times quicker).  These tests hold both to the libraries: the
same data, key order and errors for any text, the same bytes for any matrix.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import rtoml
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from achbench.core.errors import MatrixFileError
from achbench.store import toml as store
from achbench.store.ratings_text import ratings_chunks, read_ratings
from tests.strategies import matrices

HEAD = textwrap.dedent(
    """\
    format = "achbench/1"
    title = "T"

    [hypotheses.H1]
    title = "One"

    [hypotheses.H2]
    title = "Two"

    [evidence.E1]
    title = "e1"
    notes = \"\"\"
    Two lines
    of notes.\"\"\"

    [evidence.E2]
    title = "e2"
    """
)
QUOTING = HEAD.replace("of notes.", '[ratings.lead.E9]\nH1 = "C"')
"""A note that quotes a ratings table: the section is not where it seems."""
RATINGS = textwrap.dedent(
    """\

    [ratings.lead.E1]
    H1 = "C"
    H2 = "II"

    [ratings.lead.E2]
    H2 = "NA"

    [ratings.bob.E1]
    H1 = "CC"
    """
)
TAIL = textwrap.dedent(
    """\

    [milestones.M1]
    hypothesis = "H1"
    title = "m"
    expect = "supports"
    """
)


def _outcome(reader: Any, text: str) -> tuple[str, Any, Any]:
    """("ok", data, key order) or ("error", None, None)."""
    try:
        data = reader(text)
    except (MatrixFileError, ValueError, rtoml.TomlParsingError):
        return ("error", None, None)
    return ("ok", data, _order(data))


def _order(value: Any) -> Any:
    if isinstance(value, dict):
        return [(k, _order(v)) for k, v in value.items()]
    return None


def _same_as_rtoml(text: str) -> None:
    assert _outcome(store.parse, text) == _outcome(rtoml.loads, text)


def test_a_file_in_our_layout_takes_the_direct_reader() -> None:
    text = HEAD + RATINGS + TAIL
    data = read_ratings(text, rtoml.loads)
    assert data is not None
    assert data == rtoml.loads(text)
    assert list(data) == ["format", "title", "hypotheses", "evidence", "ratings", "milestones"]
    assert data["ratings"]["lead"]["E1"] == {"H1": "C", "H2": "II"}
    assert data["evidence"]["E1"]["notes"] == "Two lines\nof notes."


def test_ids_are_shared_objects() -> None:
    data = read_ratings(HEAD + RATINGS, rtoml.loads)
    assert data is not None
    first, second = (list(row)[-1] for row in data["ratings"]["lead"].values())
    assert first is second, "one string object per id, however many rows name it"


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("comment", ('H2 = "NA"', 'H2 = "NA"  # sure')),
        ("spacing", ('H2 = "NA"', 'H2="NA"')),
        ("quoted key", ("[ratings.bob.E1]", '[ratings."bob".E1]')),
        ("literal string", ('H2 = "NA"', "H2 = 'NA'")),
        ("CRLF", ("\n", "\r\n")),
    ],
)
def test_other_layouts_go_to_the_toml_reader(where: str, change: tuple[str, str]) -> None:
    text = HEAD + RATINGS.replace(*change) + TAIL
    assert read_ratings(text, rtoml.loads) is None, where
    _same_as_rtoml(text)


@pytest.mark.parametrize(
    "text",
    [
        HEAD + RATINGS + '\n[ratings.lead.E1]\nH1 = "N"\n' + TAIL,  # a table twice
        HEAD + RATINGS.replace('H2 = "II"', 'H2 = "II"\nH2 = "C"') + TAIL,  # a key twice
        HEAD + RATINGS.replace('"NA"', '"XX"') + TAIL,  # not a code: the validator says so
        HEAD + RATINGS + TAIL + '\n[ratings.carol.E2]\nH1 = "I"\n',  # split in two
        HEAD + RATINGS + TAIL + '\n[evidence.E3]\ntitle = "e3"\n',  # evidence after
        HEAD + "\n[ratings]\n" + RATINGS + TAIL,  # the table named first
        HEAD + "ratings.lead.E3.H1 = 'C'\n" + RATINGS,  # dotted keys before
        QUOTING + RATINGS + TAIL,  # a note quoting a ratings table
        QUOTING.replace('"C"""', '"C"') + RATINGS,  # an unclosed string before
        HEAD + RATINGS + "[[ratings.lead.E5]]\n",  # an array of tables
        HEAD + RATINGS.rstrip("\n"),  # no newline at the end
        RATINGS,  # nothing before
    ],
)
def test_tricky_files_read_as_rtoml_reads_them(text: str) -> None:
    _same_as_rtoml(text)


def test_a_table_given_twice_is_worded_as_before() -> None:
    text = HEAD + RATINGS + '\n[ratings.lead.E1]\nH1 = "N"\n'
    with pytest.raises(MatrixFileError, match=r"\[ratings\.lead\.E1\] is declared twice"):
        store.parse(text, "m.toml")


_LINES = st.sampled_from(
    [
        "",
        "[ratings.lead.E1]",
        "[ratings.lead.E3]",
        "[ratings.x.E2]",
        '[ratings."a b".E1]',
        'H1 = "C"',
        'H2 = "II"',
        'H1 = "Q"',
        "H1 = 3",
        "[milestones.M2]",
        '"""',
        "ratings = 1",
        "# comment",
        "[[ratings.lead.E1]]",
    ]
)


@st.composite
def edited_files(draw: st.DrawFn) -> str:
    """A file in our layout with a few lines inserted, dropped or duplicated."""
    lines = (HEAD + RATINGS + TAIL).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["insert", "drop", "duplicate"]))
        if kind == "insert":
            lines.insert(at, draw(_LINES))
        elif kind == "drop" and len(lines) > 1:
            del lines[at]
        else:
            lines.insert(at, lines[at])
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_files())
def test_edited_files_read_as_rtoml_reads_them(text: str) -> None:
    _same_as_rtoml(text)


def _tomli_w(data: dict[str, Any]) -> str:
    """What ``store.dumps`` wrote before it wrote ratings itself: ``tomli_w``'s text,
    with the rationale (one note per line) in ``tomli_w``'s one-line strings."""
    ordered = store.canonical(data)
    for multiline in (True, False):
        if "rationale" in ordered:
            keys = list(ordered)
            at = keys.index("rationale")
            parts = [
                tomli_w.dumps({k: ordered[k] for k in keys[:at]}, multiline_strings=multiline),
                tomli_w.dumps({"rationale": ordered["rationale"]}, multiline_strings=False),
                tomli_w.dumps({k: ordered[k] for k in keys[at + 1 :]}, multiline_strings=multiline),
            ]
            text = "\n".join(part for part in parts if part)
        else:
            text = tomli_w.dumps(ordered, multiline_strings=multiline)
        if rtoml.loads(text) == ordered:
            return text
    raise AssertionError("does not read back")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_any_matrix_is_written_byte_for_byte_as_tomli_w_writes_it(data: dict[str, Any]) -> None:
    text = store.dumps(data)
    assert text == _tomli_w(data)
    assert store.parse(text) == rtoml.loads(text)
    if ratings_chunks(store.canonical(data).get("ratings") or {}) is not None:
        assert read_ratings(text, rtoml.loads) is not None, "our own files take the quick path"


def test_a_generated_matrix_takes_both_quick_paths() -> None:
    from benchmarks.generate import make_matrix

    data = make_matrix(7, 40, 3, seed=1)
    text = store.dumps(data)
    assert text == _tomli_w(data)
    assert read_ratings(text, rtoml.loads) == rtoml.loads(text) == store.canonical(data)


def test_ratings_that_need_quoting_are_left_to_tomli_w() -> None:
    assert ratings_chunks({"a b": {"E1": {"H1": "C"}}}) is None
    assert ratings_chunks({"lead": {"E1": {}}}) is None
    assert ratings_chunks({"lead": {"E1": {"H1": "XX"}}}) is None
    assert ratings_chunks({}) is None

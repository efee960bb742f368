"""``store.tables_text`` writes what ``tomli_w`` writes, byte for byte, only faster."""

from __future__ import annotations

import datetime as dt

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from achbench.store.tables_text import document_text, table_text
from achbench.store.toml import dumps, load_data
from tests.helpers import EXAMPLE

keys = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True),
    st.text(min_size=0, max_size=4),  # keys tomli_w must quote, the empty one too
)
values = st.one_of(
    st.text(max_size=12),  # quotes, backslashes, controls, line breaks, DEL
    st.from_regex(r"[ -~]{0,12}", fullmatch=True),  # printable ASCII: mostly plain
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.lists(st.text(max_size=3), max_size=3),
)
items = st.dictionaries(keys, values, max_size=5)
item_tables = st.dictionaries(keys, items, max_size=5)
other_tables = st.dictionaries(keys, values, max_size=3)
documents = st.dictionaries(
    keys,
    st.one_of(values, item_tables, other_tables, st.dictionaries(keys, item_tables, max_size=2)),
    max_size=6,
)


@given(documents, st.booleans())
def test_a_document_is_written_as_tomli_w_writes_it(document: dict[str, object], multiline: bool):
    assert document_text(document, multiline) == tomli_w.dumps(
        document, multiline_strings=multiline
    )


@given(keys, item_tables, st.booleans())
def test_an_item_table_is_written_as_tomli_w_writes_it(
    name: str, table: dict[str, object], multiline: bool
):
    assert table_text(name, table, multiline) == tomli_w.dumps(
        {name: table}, multiline_strings=multiline
    )


def test_the_example_saves_byte_for_byte_as_it_is_stored():
    """The bundled example was written by the writer before this one: same bytes."""
    assert dumps(load_data(EXAMPLE)) == EXAMPLE.read_text(encoding="utf-8")

"""``store.json_text.dumps`` writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` does."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.store.json_text import dumps

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and the infinities too
    st.text(),
)
keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.lists(st.text(), max_size=6),
        st.dictionaries(keys, inner, max_size=5),
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(value=values)
def test_same_text_as_the_standard_library(value: Any) -> None:
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_default_is_used_as_by_json() -> None:
    value = {"when": dt.date(2022, 1, 5), "items": [dt.date(2023, 2, 1)]}
    text = json.dumps(value, indent=2, ensure_ascii=False, default=dt.date.isoformat)
    assert dumps(value, default=dt.date.isoformat) == text


def test_what_json_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"a": {1, 2}})
    with pytest.raises(TypeError):
        dumps({(1, 2): "tuple key"})

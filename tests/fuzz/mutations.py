"""Files worth feeding to every command that reads a matrix: hostile, broken, mutated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import tomli_w
from hypothesis import strategies as st

from achbench.store.toml import dumps
from tests.strategies import matrices

toml_scalars = st.one_of(
    st.text(max_size=10),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.just(dt.datetime(2022, 1, 5, 10, 0)),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3),
    ),
    max_leaves=12,
)
random_toml = st.dictionaries(st.text(min_size=1, max_size=8), toml_values, max_size=6).map(
    tomli_w.dumps
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key)))
    return out


def _parent(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    for key in path[:-1]:
        data = data[key]
    return data


@st.composite
def mutated_matrices(draw: st.DrawFn) -> str:
    """A valid matrix with one thing broken: a key dropped, a type changed, an id renamed."""
    data = draw(matrices())
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    parent = _parent(data, path)
    key = path[-1]
    kind = draw(st.sampled_from(["drop", "retype", "rename"]))
    if kind == "drop":
        del parent[key]
    elif kind == "retype":
        parent[key] = draw(toml_values)
    else:
        parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(key)
    try:
        return dumps(data)
    except Exception:  # the writer refuses what it cannot write: write it raw
        return tomli_w.dumps(data)


@st.composite
def corrupted_files(draw: st.DrawFn) -> bytes:
    """The bytes of a valid matrix with a slice cut, doubled or overwritten."""
    text = dumps(draw(matrices())).encode("utf-8")
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    how = draw(st.sampled_from(["cut", "double", "garble"]))
    if how == "cut":
        return text[:start] + text[end:]
    if how == "double":
        return text[:end] + text[start:end] + text[end:]
    return text[:start] + draw(st.binary(max_size=8)) + text[end:]


any_file = st.one_of(
    st.binary(max_size=200),
    random_toml.map(lambda s: s.encode("utf-8")),
    mutated_matrices().map(lambda s: s.encode("utf-8")),
    corrupted_files(),
)

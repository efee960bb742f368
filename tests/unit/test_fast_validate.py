"""The quick proof of validity never passes what pydantic-core refuses.

``core.fast_validate`` lets valid files skip pydantic-core; it may fail to prove
a valid file (then pydantic-core decides), but whatever it proves must be valid.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic_core import SchemaValidator, ValidationError

from achbench.core._fast_schema import SCHEMA
from achbench.core.fast_validate import compile_check, proves_valid
from tests.fuzz.mutations import mutated_matrices
from tests.helpers import small_matrix
from tests.strategies import matrices

VALIDATOR = SchemaValidator(SCHEMA)


def accepted(data: object) -> bool:
    try:
        VALIDATOR.validate_python(data)
    except ValidationError:
        return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=matrices())
def test_valid_matrices_are_proved(data: dict[str, Any]) -> None:
    assert accepted(data)
    assert proves_valid(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_matrices())
def test_whatever_is_proved_is_accepted(text: str) -> None:
    data = tomllib.loads(text)
    if proves_valid(data):
        assert accepted(data)


def test_the_example_is_proved() -> None:
    assert proves_valid(small_matrix())


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "str", "strict": True, "pattern": "^[A-Z][0-9]$"}, "H1\n"),  # $ before \n
        ({"type": "str", "strict": True, "min_length": 1}, ""),
        ({"type": "int", "strict": True}, True),
        ({"type": "int", "strict": True}, 1.0),
        ({"type": "float", "strict": True}, True),
        ({"type": "float", "strict": True, "gt": 0, "le": 1}, float("nan")),
        ({"type": "float", "strict": True}, float("inf")),  # left to pydantic-core
        ({"type": "date", "strict": True}, dt.datetime(2022, 1, 1)),
        ({"type": "bool", "strict": True}, 1),
        ({"type": "literal", "expected": ["C"]}, "c"),
        (
            {
                "type": "dict",
                "strict": True,
                "values_schema": {"type": "literal", "expected": ["C"]},
            },
            {"a": ["C"]},
        ),
        ({"type": "str", "strict": True, "to_lower": True}, "a"),  # an option it does not know
        ({"type": "uuid"}, "a"),  # a node it does not know
    ],
)
def test_what_is_not_proved(schema: dict[str, Any], value: object) -> None:
    assert not compile_check(schema)(value)


def test_proved_strings_are_remembered_per_node() -> None:
    check = compile_check(
        {"type": "dict", "keys_schema": {"type": "str", "pattern": "^[A-Z][0-9]$"}}
    )
    assert check({"H1": 1, "H2": 2})
    assert check({"H1": 3})
    assert not check({"H1": 1, "h3": 2})


def test_tables_shared_with_a_proven_matrix_are_not_proved_again_but_the_rest_is() -> None:
    """``history`` validates versions that share their tables with the last one:
    only what differs is proved, and a new problem in the ratings is still found."""
    from achbench.core.errors import MatrixFileError
    from achbench.core.validate import validate_data
    from achbench.store.toml import load_data
    from tests.helpers import EXAMPLE

    first = load_data(EXAMPLE)
    evidence_id = next(iter(first["ratings"]["lead"]))
    ratings = {"lead": {**first["ratings"]["lead"], evidence_id: {"H9": "C"}}}
    second = {**first, "ratings": ratings}
    with pytest.raises(MatrixFileError, match="rates hypothesis 'H9'"):
        validate_data(second, "v2", None, first)
    third = {**first, "evidence": {**first["evidence"], "E99": {"title": 7}}}
    with pytest.raises(MatrixFileError, match="E99"):
        validate_data(third, "v3", None, first)
    assert validate_data({**first}, "v4", None, first) == first

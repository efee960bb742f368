"""``core.data`` (the matrix as TypedDicts) and ``core.model`` (pydantic) say the same.

The TypedDicts are what every layer passes around and what ``mypy`` checks; the
models are where the rules live.  A key added to one and not the other, or put
in another order (the writer's key order comes from ``data.TABLE_KEYS``), fails here.
"""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import BaseModel

from achbench.core import data, model, vocabulary

PAIRS: list[tuple[type, type[BaseModel]]] = [
    (data.MatrixData, model.Matrix),
    (data.HypothesisData, model.Hypothesis),
    (data.EvidenceData, model.Evidence),
    (data.MilestoneData, model.Milestone),
    (data.ConflictData, model.Conflict),
]


@pytest.mark.parametrize(("typed", "pydantic_model"), PAIRS, ids=lambda t: t.__name__)
def test_typed_dict_has_the_model_keys_in_the_model_order(
    typed: type, pydantic_model: type[BaseModel]
) -> None:
    assert list(typed.__annotations__) == list(pydantic_model.model_fields)


@pytest.mark.parametrize(("typed", "pydantic_model"), PAIRS, ids=lambda t: t.__name__)
def test_typed_dict_requires_what_the_model_requires(
    typed: type, pydantic_model: type[BaseModel]
) -> None:
    required = {name for name, field in pydantic_model.model_fields.items() if field.is_required()}
    assert typed.__required_keys__ == required  # type: ignore[attr-defined]


def test_table_keys_follow_the_models() -> None:
    from_models = {
        "": tuple(model.Matrix.model_fields),
        "hypotheses": tuple(model.Hypothesis.model_fields),
        "evidence": tuple(model.Evidence.model_fields),
        "milestones": tuple(model.Milestone.model_fields),
        "conflicts": tuple(model.Conflict.model_fields),
    }
    assert from_models == data.TABLE_KEYS
    assert data.MATRIX_FIELDS == ("format", "title", "question", "analyst", "classification")
    assert set(data.TABLES) | set(data.MATRIX_FIELDS) == set(model.Matrix.model_fields)


def test_the_format_type_and_the_format_string_agree() -> None:
    assert get_args(vocabulary.FormatName) == (vocabulary.FORMAT,)

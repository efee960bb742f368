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
    (data.SourceData, model.Source),
    (data.AssumptionData, model.Assumption),
    (data.MilestoneData, model.Milestone),
    (data.ResolutionData, model.Resolution),
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
        "sources": tuple(model.Source.model_fields),
        "assumptions": tuple(model.Assumption.model_fields),
        "milestones": tuple(model.Milestone.model_fields),
        "resolution": tuple(model.Resolution.model_fields),
        "conflicts": tuple(model.Conflict.model_fields),
    }
    assert from_models == data.TABLE_KEYS
    assert data.MATRIX_FIELDS == ("format", "title", "question", "analyst", "classification")
    assert set(data.TABLES) | set(data.MATRIX_FIELDS) == set(model.Matrix.model_fields)


def test_top_level_tables_follow_the_spec_order_of_the_additions() -> None:
    assert data.TABLES == (
        "hypotheses",
        "evidence",
        "sources",
        "assumptions",
        "ratings",
        "rationale",
        "judgements",
        "milestones",
        "resolution",
        "conflicts",
    )


def test_the_evidence_additions_come_right_after_notes() -> None:
    keys = data.TABLE_KEYS["evidence"]
    start = keys.index("notes") + 1
    assert keys[start : start + len(data.EVIDENCE_ADDITIONS)] == data.EVIDENCE_ADDITIONS


def test_every_closed_set_has_its_meanings() -> None:
    assert tuple(vocabulary.RELIABILITY_MEANING) == vocabulary.RELIABILITIES == tuple("ABCDEF")
    assert tuple(vocabulary.GRADE_MEANING) == vocabulary.GRADES == tuple("123456")
    assert tuple(vocabulary.EVIDENCE_STATUS_MEANING) == vocabulary.EVIDENCE_STATUSES
    assert tuple(vocabulary.ASSUMPTION_STATUS_MEANING) == vocabulary.ASSUMPTION_STATUSES
    assert vocabulary.EVIDENCE_STATUSES[0] == vocabulary.DEFAULT_EVIDENCE_STATUS
    assert vocabulary.DEFAULT_ASSUMPTION_STATUS in vocabulary.ASSUMPTION_STATUSES


def test_the_format_type_and_the_format_string_agree() -> None:
    assert get_args(vocabulary.FormatName) == (vocabulary.FORMAT,)

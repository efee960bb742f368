"""Form strings to spec fields: every field of the spec is checked, worded as `check` does."""

from __future__ import annotations

import datetime as dt

import pytest

from achbench.editing.fields import (
    FieldErrors,
    evidence_from_form,
    form_values,
    hypothesis_from_form,
    matrix_from_form,
    next_id,
)


def _errors(func: object, *args: object) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        func(*args)  # type: ignore[operator]
    return caught.value.errors


def test_a_good_hypothesis_keeps_only_set_fields() -> None:
    assert hypothesis_from_form(
        {"id": "H9", "title": "  Coup  ", "description": "a\n\nb  ", "prior": ""}, ["H1"]
    ) == ("H9", {"title": "Coup", "description": "a\n\nb"})


def test_hypothesis_errors_name_their_field() -> None:
    errors = _errors(hypothesis_from_form, {"id": "H1", "title": " ", "prior": "0"}, ["H1"])
    assert errors == {
        "id": "'H1' is already the id of another hypothesis",
        "title": "required",
        "prior": "0.0 is out of range: must be greater than 0 and at most 1",
    }
    assert (
        "not a number"
        in _errors(hypothesis_from_form, {"id": "H", "title": "t", "prior": "x"}, [])["prior"]
    )


def test_editing_may_keep_its_own_id() -> None:
    assert hypothesis_from_form({"id": "H1", "title": "t"}, ["H1"], current="H1")[0] == "H1"


def test_evidence_fields_are_typed_and_checked() -> None:
    evidence_id, fields = evidence_from_form(
        {
            "id": "E5",
            "title": "t",
            "source": "s",
            "date": "2022-01-05",
            "kind": "fact",
            "credibility": "high",
            "relevance": "low",
            "notes": "n",
        },
        [],
    )
    assert evidence_id == "E5"
    assert fields["date"] == dt.date(2022, 1, 5)
    errors = _errors(
        evidence_from_form,
        {"id": "5E", "title": "t", "date": "Jan 5", "credibility": "very"},
        [],
    )
    assert "not a valid id" in errors["id"]
    assert "not a date" in errors["date"]
    assert "'very' is not allowed here" in errors["credibility"]


def test_matrix_form() -> None:
    assert matrix_from_form({"title": "T", "question": "", "analyst": "lead"}) == {
        "title": "T",
        "analyst": "lead",
    }
    assert set(_errors(matrix_from_form, {"title": "", "analyst": "no one"})) == {
        "title",
        "analyst",
    }


def test_form_values_and_next_id() -> None:
    assert form_values({"date": dt.date(2022, 1, 2), "prior": 0.25, "title": "x"}) == {
        "date": "2022-01-02",
        "prior": "0.25",
        "title": "x",
    }
    assert next_id("E", ["E1", "E31", "Ex", "E7"]) == "E32"
    assert next_id("H", []) == "H1"

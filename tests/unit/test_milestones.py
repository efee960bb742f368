"""Milestones: listing per hypothesis, overdue marks, warnings against the leader."""

from __future__ import annotations

import datetime as dt

from achbench.analysis.milestones import by_hypothesis, milestones, warnings
from tests.helpers import small_matrix

TODAY = dt.date(2024, 6, 1)


def with_milestones(**milestone_tables: dict) -> dict:
    return small_matrix(milestones=milestone_tables)


def test_listed_per_hypothesis_in_file_order() -> None:
    data = with_milestones(
        M1={"hypothesis": "H2", "title": "Second's sign", "expect": "supports"},
        M2={"hypothesis": "H1", "title": "First's sign", "expect": "refutes"},
        M3={"hypothesis": "H2", "title": "Another", "expect": "refutes", "status": "observed"},
    )
    grouped = by_hypothesis(data, TODAY)
    assert list(grouped) == ["H1", "H2", "H3"]
    assert [m.id for m in grouped["H2"]] == ["M1", "M3"]
    assert grouped["H3"] == []
    assert grouped["H2"][0].status == "open"


def test_open_milestone_past_due_is_overdue() -> None:
    data = with_milestones(
        M1={"hypothesis": "H1", "title": "a", "expect": "supports", "due": dt.date(2024, 1, 1)},
        M2={"hypothesis": "H1", "title": "b", "expect": "supports", "due": dt.date(2025, 1, 1)},
        M3={
            "hypothesis": "H1",
            "title": "c",
            "expect": "supports",
            "due": dt.date(2024, 1, 1),
            "status": "observed",
        },
    )
    assert [m.overdue for m in milestones(data, TODAY)] == [True, False, False]


def test_observed_refutation_of_the_leader_is_flagged() -> None:
    data = with_milestones(
        M1={
            "hypothesis": "H1",
            "title": "Troops mutiny",
            "expect": "refutes",
            "status": "observed",
        },
        M2={"hypothesis": "H2", "title": "Other", "expect": "refutes", "status": "observed"},
        M3={"hypothesis": "H1", "title": "Open one", "expect": "refutes"},
    )
    found = warnings(data, ["H1"], TODAY)
    assert [(w.kind, w.milestone, w.hypothesis) for w in found] == [("refuted", "M1", "H1")]
    assert "Troops mutiny" in found[0].message
    assert "H1 (First)" in found[0].message
    # Tied leaders are all watched.
    assert [w.milestone for w in warnings(data, ["H1", "H2"], TODAY)] == ["M1", "M2"]


def test_support_not_observed_after_its_due_date_is_flagged() -> None:
    data = with_milestones(
        M1={
            "hypothesis": "H1",
            "title": "Past due",
            "expect": "supports",
            "status": "not-observed",
            "due": dt.date(2024, 1, 1),
        },
        M2={
            "hypothesis": "H1",
            "title": "Not yet due",
            "expect": "supports",
            "status": "not-observed",
            "due": dt.date(2024, 12, 1),
        },
        M3={"hypothesis": "H1", "title": "No date", "expect": "supports", "status": "not-observed"},
        M4={"hypothesis": "H1", "title": "Seen", "expect": "supports", "status": "observed"},
    )
    found = warnings(data, ["H1"], TODAY)
    assert [(w.kind, w.milestone) for w in found] == [("unsupported", "M1"), ("unsupported", "M3")]
    assert "by 2024-01-01" in found[0].message
    assert warnings(data, ["H2"], TODAY) == []

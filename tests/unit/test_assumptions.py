"""Key assumptions checked (``analysis.assumptions``): the ranking without the evidence
resting on each, who is at risk, which leaders rest on it, and the warnings.

The small matrix is worked by hand under heuer (I counts 1, II counts 2):

    E1 (assumes A1): H1 C, H2 I, H3 I
    E2 (assumes A2): H1 C, H2 C, H3 II
    E3:              H1 C, H2 C, H3 C

With every item: H1 0, H2 1, H3 3, so H1 leads.  Without E1: H1 0, H2 0, H3 2:
H2 draws level, so H1's lead disappears (H1 rests on A1).  Without E2: H1 0,
H2 1, H3 1: H1 still leads alone, only H2 and H3 tie (ranks change).
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from achbench.analysis.assumptions import check, leader_warnings, risk_text, summary, warnings
from achbench.core.data import MatrixData
from achbench.scoring.methods import Grid, score
from achbench.store.toml import load_data
from tests.helpers import EXAMPLE

TITLES = {"H1": "First", "H2": "Second", "H3": "Third"}


def worked(**assumptions: dict[str, Any]) -> MatrixData:
    data: dict[str, Any] = {
        "format": "achbench/1",
        "title": "Assumed",
        "hypotheses": {h: {"title": t} for h, t in TITLES.items()},
        "evidence": {
            "E1": {"title": "One", "assumes": ["A1"]},
            "E2": {"title": "Two", "assumes": ["A2"]},
            "E3": {"title": "Three"},
        },
        "assumptions": assumptions
        or {
            "A1": {"title": "First premise", "status": "unsupported"},
            "A2": {"title": "Second premise", "status": "unsupported"},
            "A3": {"title": "Third premise", "hypotheses": ["H1"]},
            "A4": {"title": "Fourth premise", "status": "unsupported", "hypotheses": ["H3"]},
        },
        "ratings": {
            "lead": {
                "E1": {"H1": "C", "H2": "I", "H3": "I"},
                "E2": {"H1": "C", "H2": "C", "H3": "II"},
                "E3": {"H1": "C", "H2": "C", "H3": "C"},
            }
        },
    }
    return data  # type: ignore[return-value]


def by_id(data: MatrixData, method: str = "heuer") -> dict[str, Any]:
    return {c.id: c for c in check(data, Grid.from_data(data), method)}


def test_the_ranking_without_each_assumption_is_worked_by_hand() -> None:
    found = by_id(worked())
    a1, a2 = found["A1"].without, found["A2"].without
    assert found["A1"].evidence == ("E1",)
    assert a1.leaders == ("H1", "H2")
    assert a1.leader_changed
    assert a1.ranks == {"H1": 1, "H2": 1, "H3": 3}
    assert a2.leaders == ("H1",)
    assert not a2.leader_changed
    assert a2.ranks_changed
    assert a2.ranks == {"H1": 1, "H2": 2, "H3": 2}
    assert found["A3"].without is None
    assert found["A3"].evidence == ()


def test_rests_on_means_linked_or_the_lead_disappears() -> None:
    found = by_id(worked())
    assert found["A1"].rests == ("H1",)  # H2 draws level without E1
    assert found["A2"].rests == ()  # H1 still leads alone without E2
    assert found["A3"].rests == ("H1",)  # linked by its hypotheses
    assert found["A4"].rests == ()  # linked to H3, which does not lead


def test_a_lead_that_only_grows_does_not_rest_on_the_assumption() -> None:
    data = worked()
    # E1 now tells against H1 alone: without it H1 leads further ahead.
    data["ratings"]["lead"]["E1"] = {"H1": "I", "H2": "C", "H3": "II"}
    data["ratings"]["lead"]["E2"]["H2"] = "II"
    found = by_id(data)
    assert next(h.id for h in score(Grid.from_data(data)).hypotheses) == "H1"
    assert found["A1"].without is not None
    assert found["A1"].without.leaders == ("H1",)
    assert found["A1"].rests == ()


def test_at_risk_names_the_hypotheses_of_caveated_and_unsupported_assumptions() -> None:
    data = worked()
    data["assumptions"]["A3"]["status"] = "solid"
    found = by_id(data)
    assert found["A3"].at_risk == ()
    assert found["A4"].at_risk == ("H3",)
    del data["assumptions"]["A3"]["status"]  # the default verdict is caveated
    assert by_id(data)["A3"].at_risk == ("H1",)
    assert "at risk: H1" in risk_text(by_id(data)["A3"])


def test_only_an_unsupported_assumption_the_leader_rests_on_warns() -> None:
    data = worked()
    found = warnings(check(data, Grid.from_data(data)), data)
    assert [(w.assumption, w.hypothesis) for w in found] == [("A1", "H1")]
    assert "H1 (First) loses its lead" in found[0].message
    assert found[0].to_json()["kind"] == "unsupported-assumption"
    assert leader_warnings(data, Grid.from_data(data), "heuer") == found
    data["assumptions"]["A3"]["status"] = "unsupported"
    linked = warnings(check(data, Grid.from_data(data)), data)
    assert [w.assumption for w in linked] == ["A1", "A3"]
    assert "stands or falls with assumption A3" in linked[1].message


def test_no_assumptions_no_work() -> None:
    data = worked()
    del data["assumptions"]
    for item in data["evidence"].values():
        item.pop("assumes", None)
    assert check(data, Grid.from_data(data)) == ()
    assert leader_warnings(data, Grid.from_data(data), "bayes") == []


@pytest.mark.parametrize("method", ["heuer", "weighted", "opensynthesis", "bayes"])
def test_without_matches_scoring_the_file_without_the_items(method: str) -> None:
    """On random matrices (one analyst, or two pooled) the ranking without an assumption
    is the ranking of the same matrix with its items deleted, scored from scratch."""
    rng = random.Random(15)
    codes = ["CC", "C", "N", "I", "II", "NA"]
    for _ in range(60):
        n_h, n_e = rng.randint(2, 5), rng.randint(1, 8)
        hypotheses = {f"H{j}": {"title": f"h{j}"} for j in range(n_h)}
        evidence: dict[str, Any] = {}
        for i in range(n_e):
            item: dict[str, Any] = {"title": f"e{i}"}
            item["credibility"] = rng.choice(["low", "medium", "high"])
            assumed = [a for a in ("A1", "A2") if rng.random() < 0.4]
            if assumed:
                item["assumes"] = assumed
            evidence[f"E{i}"] = item
        ratings = {
            e: {h: rng.choice(codes) for h in hypotheses if rng.random() < 0.9} for e in evidence
        }
        data: Any = {
            "format": "achbench/1",
            "title": "r",
            "hypotheses": hypotheses,
            "evidence": evidence,
            "assumptions": {"A1": {"title": "a"}, "A2": {"title": "b"}},
            "ratings": {
                "x": ratings,  # and a second analyst, pooled, on half of the matrices
                **(
                    {"y": {e: {h: rng.choice(codes) for h in hypotheses} for e in evidence}}
                    if rng.random() < 0.5
                    else {}
                ),
            },
        }
        for found in check(data, Grid.from_data(data), method):
            if found.without is None:
                assert not any(found.id in e.get("assumes", ()) for e in evidence.values())
                continue
            cut = copy.deepcopy(data)
            for e in found.evidence:
                del cut["evidence"][e]
                for table in cut["ratings"].values():
                    del table[e]
            again = score(Grid.from_data(cut), method)
            assert found.without.order == tuple(h.id for h in again.hypotheses)
            assert found.without.ranks == {h.id: h.rank for h in again.hypotheses}


def test_the_example_names_its_assumptions_and_what_rests_on_them() -> None:
    data = load_data(EXAMPLE)
    found = by_id(data)
    assert list(found) == ["A1", "A2", "A3", "A4", "A5"]
    assert all(c.notes for c in found.values()), "each verdict has its reason"
    assert found["A3"].hypotheses == ("H2", "H4")
    assert found["A3"].status == "caveated"
    # E27 is what separates H2 from H4: without it (A4), H4 draws level.
    assert "E27" in found["A4"].evidence
    assert found["A4"].without is not None
    assert found["A4"].without.leaders == ("H2", "H4")
    assert found["A4"].rests == ("H2",)
    assert summary(tuple(found.values())) == "5 assumptions: 2 solid, 3 caveated, 0 unsupported."
    assert leader_warnings(data, Grid.from_data(data), "heuer") == []


@pytest.mark.parametrize("method", ["heuer", "bayes"])
def test_items_sharing_an_origin_are_scored_again(method: str) -> None:
    """With an ``origin`` the items' rows are not their own shares of a score, so the
    ranking without an assumption is scored from scratch; it matches deleting them."""
    data = worked()
    data["evidence"]["E2"]["origin"] = "wire"
    data["evidence"]["E3"]["origin"] = "wire"
    found = by_id(data, method)
    cut: Any = copy.deepcopy(data)
    del cut["evidence"]["E1"]
    del cut["ratings"]["lead"]["E1"]
    again = score(Grid.from_data(cut), method)
    assert found["A1"].without is not None
    assert found["A1"].without.order == tuple(h.id for h in again.hypotheses)

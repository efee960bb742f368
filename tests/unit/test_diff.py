"""The semantic diff: matched by id, complete, and a patch that replays NEW from OLD."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from achbench.core.validate import validate_data
from achbench.store.toml import dumps
from achbench.versioning.diff import (
    PatchError,
    apply_patch,
    diff_matrices,
    dumps_json,
    kept_in_order,
    normal_form,
)
from tests.helpers import small_matrix
from tests.strategies import dates, ids, matrices, text, titles


def through_json(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Diff, write the patch as JSON text, read it back, apply it to OLD."""
    patch = json.loads(dumps_json(diff_matrices(old, new, None).to_json()))
    return apply_patch(old, patch)


# --- what the diff reports --------------------------------------------------------------


def test_identical_matrices_are_the_same_and_have_no_conclusion() -> None:
    result = diff_matrices(small_matrix(), small_matrix())
    assert result.same
    assert result.conclusion is None
    assert result.to_json()["same"] is True


def test_absent_and_empty_optional_tables_are_the_same() -> None:
    old = small_matrix()
    del old["ratings"]["lead"]["E2"]
    new = copy.deepcopy(old)
    new["milestones"] = {}
    new["ratings"]["lead"]["E2"] = {}  # an empty row: nothing rated, as in OLD
    assert diff_matrices(old, new).same


def test_retitle_and_other_field_changes_give_old_and_new_values() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["hypotheses"]["H2"]["title"] = "Second, renamed"
    new["evidence"]["E1"]["credibility"] = "low"
    new["evidence"]["E2"]["date"] = dt.date(2022, 1, 5)
    result = diff_matrices(old, new)
    assert result.tables["hypotheses"].retitled() == [("H2", "Second", "Second, renamed")]
    changed = {
        c.id: [(f.key, f.old, f.new) for f in c.fields] for c in result.tables["evidence"].changed
    }
    assert changed == {
        "E1": [("credibility", "high", "low")],
        "E2": [("date", None, dt.date(2022, 1, 5))],
    }


def test_a_move_is_one_move_not_a_shift_of_everything_else() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["evidence"] = {k: old["evidence"][k] for k in ("E2", "E3", "E1")}
    table = diff_matrices(old, new).tables["evidence"]
    assert [(m.id, m.old_position, m.new_position, m.after) for m in table.moved] == [
        ("E1", 1, 3, "E3")
    ]
    assert not table.added
    assert not table.removed
    assert not table.changed


def test_added_and_removed_items_are_matched_by_id_not_position() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    del new["hypotheses"]["H1"]
    for row in new["ratings"]["lead"].values():
        del row["H1"]
    new["hypotheses"]["H9"] = {"title": "First"}  # same title, new id: not a rename
    result = diff_matrices(old, new)
    table = result.tables["hypotheses"]
    assert [(a.id, a.position, a.after) for a in table.added] == [("H9", 3, "H3")]
    assert [(r.id, r.position) for r in table.removed] == [("H1", 1)]
    assert not table.moved
    # The removed hypothesis' cells go with it: not listed one by one.
    assert result.ratings == []


def test_rating_changes_per_analyst_with_titles() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["ratings"]["lead"]["E2"]["H3"] = "CC"
    del new["ratings"]["lead"]["E3"]["H1"]
    new["ratings"]["bob"] = {"E1": {"H1": "C"}}
    result = diff_matrices(old, new)
    assert [(a.id) for a in result.analysts.added] == ["bob"]
    cells = [(c.analyst, c.evidence, c.hypothesis, c.old, c.new) for c in result.ratings]
    assert cells == [
        ("lead", "E2", "H3", "I", "CC"),
        ("lead", "E3", "H1", "I", None),
        ("bob", "E1", "H1", None, "C"),
    ]
    first = result.to_json()["ratings"][0]
    assert (first["evidence_title"], first["hypothesis_title"]) == ("Two", "Third")


def test_removed_analyst_is_reported_once() -> None:
    old = small_matrix()
    old["ratings"]["bob"] = {"E1": {"H1": "C"}}
    new = small_matrix()
    result = diff_matrices(old, new)
    assert [r.id for r in result.analysts.removed] == ["bob"]
    assert result.ratings == []


def test_milestones_are_diffed_like_items() -> None:
    milestone = {"hypothesis": "H1", "title": "Watch", "expect": "supports"}
    old = small_matrix(milestones={"M1": milestone})
    new = small_matrix(milestones={"M1": {**milestone, "status": "observed"}, "M2": milestone})
    table = diff_matrices(old, new).tables["milestones"]
    assert [a.id for a in table.added] == ["M2"]
    assert [(f.key, f.old, f.new) for f in table.changed[0].fields] == [
        ("status", None, "observed")
    ]


def test_the_additions_are_diffed_by_id_and_field() -> None:
    old = small_matrix(
        sources={"S1": {"title": "Commentary"}},
        judgements={"lead": {"H1": 0.5, "H2": 0.5}},
        rationale={"lead": {"E1": {"H1": "Fits", "H2": "Old note"}}},
    )
    new = copy.deepcopy(old)
    new["sources"]["S1"]["reliability"] = "F"
    new["sources"]["S2"] = {"title": "Wire report"}
    new["assumptions"] = {"A1": {"title": "Rivals", "hypotheses": ["H2"]}}
    new["evidence"]["E1"].update({"cites": "S1", "assumes": ["A1"], "status": "pending"})
    new["judgements"]["lead"] = {"H1": 0.2, "H2": 0.8}
    new["rationale"]["lead"]["E1"]["H2"] = "New note"
    del new["rationale"]["lead"]["E1"]["H1"]
    new["rationale"]["bob"] = {"E2": {"H3": "Bob's"}}
    new["resolution"] = {"hypothesis": "H2", "date": dt.date(2022, 3, 1)}
    result = diff_matrices(old, new, None)
    assert [
        (c.id, [(f.key, f.old, f.new) for f in c.fields]) for c in result.tables["sources"].changed
    ] == [("S1", [("reliability", None, "F")])]
    assert [a.id for a in result.tables["sources"].added] == ["S2"]
    assert [a.id for a in result.tables["assumptions"].added] == ["A1"]
    assert [(f.key, f.old, f.new) for f in result.tables["evidence"].changed[0].fields] == [
        ("cites", None, "S1"),
        ("assumes", None, ["A1"]),
        ("status", None, "pending"),
    ]
    assert [(f.key, f.old, f.new) for f in result.tables["judgements"].changed[0].fields] == [
        ("H1", 0.5, 0.2),
        ("H2", 0.5, 0.8),
    ]
    assert [(n.analyst, n.evidence, n.hypothesis, n.old, n.new) for n in result.rationale] == [
        ("lead", "E1", "H1", "Fits", None),
        ("lead", "E1", "H2", "Old note", "New note"),
        ("bob", "E2", "H3", None, "Bob's"),
    ]
    assert [a.id for a in result.rationale_analysts.added] == ["bob"]
    assert [(f.key, f.old, f.new) for f in result.resolution] == [
        ("hypothesis", None, "H2"),
        ("date", None, dt.date(2022, 3, 1)),
    ]
    assert through_json(old, new) == new


def test_a_diff_without_the_additions_has_no_keys_for_them() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["ratings"]["lead"]["E1"]["H1"] = "N"
    patch = diff_matrices(old, new).to_json()
    assert list(patch) == [
        "format",
        "same",
        "fields",
        "hypotheses",
        "evidence",
        "milestones",
        "conflicts",
        "analysts",
        "ratings",
        "conclusion",
    ]


def test_conclusion_reports_ranks_and_a_headline_when_the_lead_changes() -> None:
    old = small_matrix()  # heuer: H1 1 (I), H2 1 (I), H3 3 (II + I) -> H1 and H2 tie
    new = copy.deepcopy(old)
    new["ratings"]["lead"]["E1"]["H2"] = "C"  # H2 now 0 inconsistencies: sole leader
    conclusion = diff_matrices(old, new).conclusion
    assert conclusion is not None
    assert conclusion.old_leaders == ["H1", "H2"]
    assert conclusion.new_leaders == ["H2"]
    assert conclusion.leader_changed
    by_id = {s.id: s for s in conclusion.hypotheses}
    assert (by_id["H2"].old_rank, by_id["H2"].new_rank) == (1, 1)
    assert (by_id["H1"].old_rank, by_id["H1"].new_rank) == (1, 2)
    assert (by_id["H2"].old_score, by_id["H2"].new_score) == (1.0, 0.0)
    headline = conclusion.headline({"H1": "First", "H2": "Second"})
    assert headline == "The lead changes: H1 (First) and H2 (Second) -> H2 (Second)"


def test_conclusion_uses_the_method_asked_for() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["ratings"]["lead"]["E2"]["H1"] = "II"
    conclusion = diff_matrices(old, new, "bayes").conclusion
    assert conclusion is not None
    assert conclusion.method == "bayes"
    assert abs(sum(s.new_score or 0 for s in conclusion.hypotheses) - 1) < 1e-9


def test_kept_in_order_finds_the_fewest_moves() -> None:
    assert kept_in_order(list("abcdef"), list("abcdef")) == set("abcdef")
    assert kept_in_order(list("abcdef"), list("bcdefa")) == set("bcdef")
    assert len(kept_in_order(list("abcdef"), list("fedcba"))) == 1


# --- the patch ------------------------------------------------------------------------------


def test_patch_replays_a_varied_change_including_dates_and_order() -> None:
    old = small_matrix(milestones={"M1": {"hypothesis": "H3", "title": "W", "expect": "refutes"}})
    new = copy.deepcopy(old)
    new["title"] = "Renamed"
    del new["analyst"]
    new["question"] = "Why?"
    new["evidence"] = {
        "E4": {"title": "New", "date": dt.date(2021, 12, 31)},
        "E3": old["evidence"]["E3"],
        "E1": {**old["evidence"]["E1"], "date": dt.date(2022, 1, 2)},
    }
    new["ratings"]["lead"] = {"E4": {"H2": "C"}, "E3": old["ratings"]["lead"]["E3"]}
    new["milestones"]["M1"]["due"] = dt.date(2022, 2, 1)
    back = through_json(old, new)
    assert back == new
    assert dumps(back) == dumps(new)
    assert list(back["evidence"]) == ["E4", "E3", "E1"]
    assert isinstance(back["evidence"]["E4"]["date"], dt.date)


def test_patch_does_not_change_its_input() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    new["ratings"]["lead"]["E1"]["H1"] = "II"
    snapshot = copy.deepcopy(old)
    through_json(old, new)
    assert old == snapshot


def test_patch_refuses_what_is_not_an_achbench_diff() -> None:
    with pytest.raises(PatchError, match="not an achbench diff"):
        apply_patch(small_matrix(), {"format": "something else"})


def test_patch_refuses_a_diff_made_for_another_matrix() -> None:
    old = small_matrix()
    new = copy.deepcopy(old)
    del new["evidence"]["E3"]
    del new["ratings"]["lead"]["E3"]
    patch = diff_matrices(old, new).to_json()
    with pytest.raises(PatchError, match="cannot remove 'E3'"):
        apply_patch(new, patch)


# --- property: apply(old, diff(old, new)) == new ----------------------------------------


@st.composite
def conflict_records(draw: st.DrawFn) -> dict[str, Any]:
    """Recorded conflicts as ``achbench merge`` writes them, dates included."""
    records = {}
    for conflict_id in draw(st.lists(ids, max_size=2, unique=True)):
        kind = draw(st.sampled_from(["cell", "date", "item", "resolved", "resolution", "ids"]))
        if kind == "cell":
            key, values = "ratings.lead.E1.H1", st.sampled_from(["C", "I", "II"])
        elif kind == "date":
            key, values = "evidence.E1.date", dates
        elif kind == "resolved":
            key, values = "resolution.date", dates
        elif kind == "resolution":
            key = "resolution"
            values = st.fixed_dictionaries({"hypothesis": ids}, optional={"date": dates})
        elif kind == "ids":
            key, values = "evidence.E1.assumes", st.lists(ids, max_size=2)
        else:
            key = "evidence.E1"
            values = st.fixed_dictionaries({"title": titles}, optional={"date": dates})
        record: dict[str, Any] = {"key": key}
        for side in ("base", "ours", "theirs"):
            if draw(st.booleans()):
                record[side] = draw(values)
        if draw(st.booleans()):
            record["note"] = draw(text)
        records[conflict_id] = record
    return records


@st.composite
def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two matrices drawn from a small pool of ids, so they share many items."""
    pool_h = ["H1", "H2", "H3", "H4"]
    pool_e = ["E1", "E2", "E3", "E4", "E5"]

    def one() -> dict[str, Any]:
        data = draw(matrices())
        hyps = draw(st.permutations(pool_h))[: draw(st.integers(1, 4))]
        evs = draw(st.permutations(pool_e))[: draw(st.integers(0, 5))]
        rename_h = dict(zip(data["hypotheses"], hyps, strict=False))
        rename_e = dict(zip(data.get("evidence") or {}, evs, strict=False))
        data["hypotheses"] = {
            rename_h[k]: v for k, v in data["hypotheses"].items() if k in rename_h
        }
        if "evidence" in data:
            data["evidence"] = {
                rename_e[k]: v for k, v in data["evidence"].items() if k in rename_e
            }
        if "ratings" in data:
            data["ratings"] = {
                analyst: {
                    rename_e[e]: {rename_h[h]: c for h, c in row.items() if h in rename_h}
                    for e, row in table.items()
                    if e in rename_e
                }
                for analyst, table in data["ratings"].items()
            }
        if "milestones" in data:
            for milestone in data["milestones"].values():
                milestone["hypothesis"] = draw(st.sampled_from(list(data["hypotheses"])))
        _rename_additions(data, rename_h, rename_e)
        if "resolution" in data:
            data["resolution"]["hypothesis"] = draw(st.sampled_from(list(data["hypotheses"])))
        conflicts = draw(conflict_records())
        if conflicts:
            data["conflicts"] = conflicts
        return validate_data(data)

    return one(), one()


def _rename_additions(
    data: dict[str, Any], rename_h: dict[str, str], rename_e: dict[str, str]
) -> None:
    """Carry the pool's renaming into the additions; sources and assumptions get pool
    ids too (S1, S2; A1, A2), so that two drawn matrices share them."""
    rename_s = dict(zip(data.get("sources") or {}, ["S1", "S2"], strict=False))
    rename_a = dict(zip(data.get("assumptions") or {}, ["A1", "A2"], strict=False))
    if "sources" in data:
        data["sources"] = {rename_s[k]: v for k, v in data["sources"].items()}
    if "assumptions" in data:
        data["assumptions"] = {rename_a[k]: v for k, v in data["assumptions"].items()}
        for assumption in data["assumptions"].values():
            if "hypotheses" in assumption:
                assumption["hypotheses"] = [
                    rename_h[h] for h in assumption["hypotheses"] if h in rename_h
                ]
    for item in (data.get("evidence") or {}).values():
        if "cites" in item:
            item["cites"] = rename_s[item["cites"]]
        if "assumes" in item:
            item["assumes"] = [rename_a[a] for a in item["assumes"]]
    if "rationale" in data:
        data["rationale"] = {
            analyst: {
                rename_e[e]: {rename_h[h]: note for h, note in row.items() if h in rename_h}
                for e, row in table.items()
                if e in rename_e
            }
            for analyst, table in data["rationale"].items()
        }
    if "judgements" in data:
        data["judgements"] = {
            analyst: {rename_h[h]: p for h, p in table.items() if h in rename_h}
            for analyst, table in data["judgements"].items()
        }


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_applying_the_json_diff_to_old_gives_new(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    old, new = pair
    back = through_json(old, new)
    assert back == normal_form(new)
    assert dumps(back) == dumps(normal_form(new))  # display order too
    validate_data(back)
    if new == normal_form(new):
        assert back == new


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs())
def test_diff_is_empty_exactly_when_the_matrices_mean_the_same(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    old, new = pair
    same = dumps(normal_form(old)) == dumps(normal_form(new))
    assert diff_matrices(old, new, None).same == same
    assert diff_matrices(new, new, None).same


def test_core_modules_import_neither_textual_nor_rich() -> None:
    probe = (
        "import achbench.versioning.diff, achbench.versioning.merge, achbench.versioning.conflicts, achbench.versioning.gitdriver, sys\n"
        "print(' '.join(sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "textual" not in loaded
    assert "rich" not in loaded

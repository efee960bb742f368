"""The 3-way merge: by id, one-sided changes taken, conflicts recorded, never lost."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from achbench.core.validate import validate_data
from achbench.store.toml import dumps, load_data, save
from achbench.versioning.conflicts import describe, problems
from achbench.versioning.diff import normal_form
from achbench.versioning.merge import EMPTY_BASE, merge
from tests.helpers import small_matrix


def base_matrix() -> dict[str, Any]:
    data = small_matrix()
    data["milestones"] = {"M1": {"hypothesis": "H1", "title": "Watch", "expect": "supports"}}
    return data


def keys(conflicts: list[dict[str, Any]]) -> list[str]:
    return [c["key"] for c in conflicts]


# --- one-sided and same changes ---------------------------------------------------------


def test_changes_to_different_cells_both_taken() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["ratings"]["lead"]["E1"]["H1"] = "II"
    theirs["ratings"]["lead"]["E1"]["H2"] = "CC"
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.data["ratings"]["lead"]["E1"] == {"H1": "II", "H2": "CC", "H3": "II"}
    assert "conflicts" not in result.data


def test_same_change_on_both_sides_is_taken_once() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for side in (ours, theirs):
        side["ratings"]["lead"]["E2"]["H1"] = "CC"
        side["evidence"]["E4"] = {"title": "Same new item"}
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.data["ratings"]["lead"]["E2"]["H1"] == "CC"
    assert list(result.data["evidence"]) == ["E1", "E2", "E3", "E4"]


def test_evidence_added_on_both_sides_is_all_kept_ours_first() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["evidence"]["E4"] = {"title": "Ours"}
    ours["ratings"]["lead"]["E4"] = {"H1": "C"}
    theirs["evidence"]["E5"] = {"title": "Theirs"}
    theirs["ratings"]["lead"]["E5"] = {"H2": "I"}
    result = merge(base, ours, theirs)
    assert result.clean
    assert list(result.data["evidence"]) == ["E1", "E2", "E3", "E4", "E5"]
    assert result.data["ratings"]["lead"]["E4"] == {"H1": "C"}
    assert result.data["ratings"]["lead"]["E5"] == {"H2": "I"}


def test_a_new_analyst_on_one_side_is_taken() -> None:
    base = base_matrix()
    theirs = copy.deepcopy(base)
    theirs["ratings"]["bob"] = {"E1": {"H1": "N"}}
    result = merge(base, copy.deepcopy(base), theirs)
    assert result.clean
    assert list(result.data["ratings"]) == ["lead", "bob"]


def test_a_move_on_one_side_is_replayed() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    theirs["hypotheses"] = {k: base["hypotheses"][k] for k in ("H3", "H1", "H2")}
    ours["hypotheses"]["H2"]["title"] = "Second, renamed"
    result = merge(base, ours, theirs)
    assert result.clean
    assert list(result.data["hypotheses"]) == ["H3", "H1", "H2"]
    assert result.data["hypotheses"]["H2"]["title"] == "Second, renamed"


def test_removal_on_one_side_of_an_untouched_item_is_taken_with_its_ratings() -> None:
    base = base_matrix()
    theirs = copy.deepcopy(base)
    del theirs["evidence"]["E2"]
    del theirs["ratings"]["lead"]["E2"]
    ours = copy.deepcopy(base)
    ours["ratings"]["lead"]["E1"]["H1"] = "N"
    result = merge(base, ours, theirs)
    assert result.clean
    assert "E2" not in result.data["evidence"]
    assert "E2" not in result.data["ratings"]["lead"]


# --- conflicts ---------------------------------------------------------------------------


def test_different_changes_to_a_cell_conflict_and_ours_is_kept() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["ratings"]["lead"]["E1"]["H1"] = "C"
    theirs["ratings"]["lead"]["E1"]["H1"] = "II"
    result = merge(base, ours, theirs)
    assert not result.clean
    assert result.data["ratings"]["lead"]["E1"]["H1"] == "C"
    assert result.data["conflicts"] == {
        "C1": {"key": "ratings.lead.E1.H1", "base": "CC", "ours": "C", "theirs": "II"}
    }
    assert describe(result.conflicts[0]) == (
        "ratings.lead.E1.H1: base 'CC', ours 'C' (kept), theirs 'II'"
    )


def test_different_changes_to_a_field_conflict() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["hypotheses"]["H1"]["title"] = "Ours"
    theirs["hypotheses"]["H1"]["title"] = "Theirs"
    ours["evidence"]["E2"]["credibility"] = "high"  # one-sided: no conflict
    result = merge(base, ours, theirs)
    assert keys(result.conflicts) == ["hypotheses.H1.title"]
    assert result.data["hypotheses"]["H1"]["title"] == "Ours"
    assert result.data["evidence"]["E2"]["credibility"] == "high"


def test_removed_in_ours_and_rerated_in_theirs_conflicts_and_keeps_theirs_values() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["evidence"]["E3"]
    del ours["ratings"]["lead"]["E3"]
    theirs["ratings"]["lead"]["E3"]["H2"] = "II"
    result = merge(base, ours, theirs)
    assert "E3" not in result.data["evidence"]  # ours kept: removed
    assert keys(result.conflicts) == ["evidence.E3", "ratings.lead.E3.H2"]
    item, cell = result.conflicts
    assert item["theirs"] == base["evidence"]["E3"]
    assert "ours" not in item
    assert (cell["base"], cell["theirs"]) == ("N", "II")
    validate_data(result.data)


def test_changed_in_ours_and_removed_in_theirs_keeps_the_item_and_its_ratings() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["evidence"]["E2"]["title"] = "Two, reworded"
    del theirs["evidence"]["E2"]
    del theirs["ratings"]["lead"]["E2"]
    result = merge(base, ours, theirs)
    assert keys(result.conflicts) == ["evidence.E2"]
    assert result.data["evidence"]["E2"]["title"] == "Two, reworded"
    assert result.data["ratings"]["lead"]["E2"] == base["ratings"]["lead"]["E2"]


def test_a_milestone_on_a_hypothesis_theirs_removed_keeps_the_hypothesis() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["milestones"]["M2"] = {"hypothesis": "H3", "title": "New", "expect": "refutes"}
    del theirs["hypotheses"]["H3"]
    for row in theirs["ratings"]["lead"].values():
        del row["H3"]
    result = merge(base, ours, theirs)
    assert keys(result.conflicts) == ["hypotheses.H3"]
    assert "H3" in result.data["hypotheses"]
    validate_data(result.data)


def test_a_milestone_theirs_added_on_a_hypothesis_ours_removed_is_recorded() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["hypotheses"]["H3"]
    for row in ours["ratings"]["lead"].values():
        del row["H3"]
    milestone = {"hypothesis": "H3", "title": "New", "expect": "refutes"}
    theirs["milestones"]["M2"] = milestone
    result = merge(base, ours, theirs)
    assert "H3" not in result.data["hypotheses"]
    assert "M2" not in result.data["milestones"]
    recorded = {c["key"]: c for c in result.conflicts}
    assert recorded["milestones.M2"]["theirs"] == milestone
    validate_data(result.data)


def test_both_moving_one_item_to_different_places_is_a_position_conflict() -> None:
    base = base_matrix()
    base["evidence"]["E4"] = {"title": "Four"}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["evidence"] = {k: base["evidence"][k] for k in ("E2", "E3", "E4", "E1")}
    theirs["evidence"] = {k: base["evidence"][k] for k in ("E2", "E3", "E1", "E4")}
    result = merge(base, ours, theirs)
    assert list(result.data["evidence"]) == ["E2", "E3", "E4", "E1"]
    assert result.conflicts == [
        {
            "key": "evidence.E1.position",
            "base": 1,
            "ours": 4,
            "theirs": 3,
            "note": "moved to different places on both sides; ours' place kept",
        }
    ]


def test_analyst_removed_in_theirs_but_rerated_in_ours_is_kept_and_recorded() -> None:
    base = base_matrix()
    base["ratings"]["bob"] = {"E1": {"H1": "C"}}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["ratings"]["bob"]["E1"]["H1"] = "I"
    del theirs["ratings"]["bob"]
    result = merge(base, ours, theirs)
    assert keys(result.conflicts) == ["ratings.bob"]
    assert result.data["ratings"]["bob"] == {"E1": {"H1": "I"}}


def test_no_common_ancestor_merges_equal_parts_and_records_the_rest() -> None:
    ours, theirs = base_matrix(), base_matrix()
    theirs["title"] = "Another title"
    theirs["evidence"]["E4"] = {"title": "Only theirs"}
    result = merge(EMPTY_BASE, ours, theirs)
    assert keys(result.conflicts) == ["title"]
    assert "E4" in result.data["evidence"]
    validate_data(result.data)


def test_new_conflict_ids_do_not_clash_with_recorded_ones() -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["conflicts"] = {"C1": {"key": "title", "ours": "x", "theirs": "y"}}
    ours["ratings"]["lead"]["E1"]["H1"] = "C"
    theirs["ratings"]["lead"]["E1"]["H1"] = "II"
    result = merge(base, ours, theirs)
    assert list(result.data["conflicts"]) == ["C1", "C2"]
    assert result.data["conflicts"]["C2"]["key"] == "ratings.lead.E1.H1"


def test_a_file_with_conflicts_saves_loads_and_reports_each_on_its_line(tmp_path) -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["evidence"]["E2"]["title"] = "Ours"
    del theirs["evidence"]["E2"]
    del theirs["ratings"]["lead"]["E2"]
    ours["ratings"]["lead"]["E1"]["H1"] = "C"
    theirs["ratings"]["lead"]["E1"]["H1"] = "II"
    result = merge(base, ours, theirs)
    path = save(result.data, tmp_path / "m.ach.toml").path
    text = path.read_text(encoding="utf-8")
    loaded = load_data(path)  # valid: the editor can open it
    assert loaded["conflicts"] == result.data["conflicts"]
    found = problems(loaded, str(path), text)
    assert [p.key for p in found] == ["conflicts.C1", "conflicts.C2"]
    lines = text.splitlines()
    assert lines[found[0].line - 1] == "[conflicts.C1]"
    assert "unresolved merge conflict over evidence.E2" in found[0].message


# --- the spec's "Additions" --------------------------------------------------------------


def test_rationale_merges_note_by_note_with_a_conflict_per_note() -> None:
    base = base_matrix()
    base["rationale"] = {"lead": {"E1": {"H1": "Base"}}}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["rationale"]["lead"]["E1"]["H1"] = "Ours"
    ours["rationale"]["lead"]["E2"] = {"H2": "Only ours"}
    theirs["rationale"]["lead"]["E1"]["H1"] = "Theirs"
    theirs["rationale"]["lead"]["E1"]["H3"] = "Only theirs"
    result = merge(base, ours, theirs)
    assert result.data["rationale"]["lead"] == {
        "E1": {"H1": "Ours", "H3": "Only theirs"},
        "E2": {"H2": "Only ours"},
    }
    assert result.conflicts == [
        {"key": "rationale.lead.E1.H1", "base": "Base", "ours": "Ours", "theirs": "Theirs"}
    ]


def test_sources_assumptions_judgements_and_resolution_merge_by_field() -> None:
    base = base_matrix()
    base["sources"] = {"S1": {"title": "Commentary"}}
    base["judgements"] = {"lead": {"H1": 0.5, "H2": 0.5}}
    base["resolution"] = {"hypothesis": "H1"}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["sources"]["S1"]["reliability"] = "F"
    theirs["sources"]["S1"]["kind"] = "commentary"
    ours["judgements"]["lead"]["H1"] = 0.4
    theirs["judgements"]["lead"]["H2"] = 0.6
    theirs["assumptions"] = {"A1": {"title": "Rivals", "hypotheses": ["H2"]}}
    ours["resolution"]["hypothesis"] = "H2"
    theirs["resolution"]["hypothesis"] = "H3"
    result = merge(base, ours, theirs)
    assert result.data["sources"] == {
        "S1": {"title": "Commentary", "reliability": "F", "kind": "commentary"}
    }
    assert result.data["judgements"] == {"lead": {"H1": 0.4, "H2": 0.6}}
    assert result.data["assumptions"] == theirs["assumptions"]
    assert result.data["resolution"] == {"hypothesis": "H2"}
    assert keys(result.conflicts) == ["resolution.hypothesis"]


def test_references_to_what_the_other_side_removed_are_left_out_and_recorded(
    tmp_path,
) -> None:
    base = base_matrix()
    base["sources"] = {"S1": {"title": "Commentary"}}
    base["assumptions"] = {"A1": {"title": "Rivals"}, "A2": {"title": "Unsourced"}}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["evidence"]["E2"].update({"cites": "S1", "assumes": ["A1", "A2"]})
    ours["judgements"] = {"lead": {"H3": 0.2}}
    ours["rationale"] = {"lead": {"E3": {"H1": "Why"}}}
    del theirs["sources"]["S1"]
    del theirs["assumptions"]["A1"]
    del theirs["hypotheses"]["H3"]
    del theirs["evidence"]["E3"]
    for table in theirs["ratings"].values():
        del table["E3"]
        for row in table.values():
            row.pop("H3", None)
    result = merge(base, ours, theirs)
    validate_data(result.data)
    assert result.data["evidence"]["E2"] == {"title": "Two", "assumes": ["A2"]}
    assert "judgements" not in result.data or not result.data["judgements"]["lead"]
    assert keys(result.conflicts) == [
        "evidence.E2.cites",
        "evidence.E2.assumes",
        "rationale.lead.E3.H1",
        "judgements.lead.H3",
    ]
    assert result.conflicts[1] == {
        "key": "evidence.E2.assumes",
        "ours": ["A1", "A2"],
        "note": "assumption A1 was removed, so it was left out here",
    }
    path = tmp_path / "m.toml"
    save(result.data, path)
    assert load_data(path)["conflicts"]["C2"]["ours"] == ["A1", "A2"]


# --- properties over random edits ---------------------------------------------------------

POOL_E = ("E4", "E5")
POOL_H = ("H4", "H5")
CODES = ("CC", "C", "N", "I", "II", "NA")


def _prune(data: dict[str, Any]) -> dict[str, Any]:
    hypotheses, evidence = data["hypotheses"], data.get("evidence", {})
    for table in data.get("ratings", {}).values():
        for evidence_id in list(table):
            if evidence_id not in evidence:
                del table[evidence_id]
                continue
            row = table[evidence_id]
            for hypothesis_id in list(row):
                if hypothesis_id not in hypotheses:
                    del row[hypothesis_id]
            if not row:
                del table[evidence_id]
    milestones = data.get("milestones", {})
    for milestone_id in list(milestones):
        if milestones[milestone_id]["hypothesis"] not in hypotheses:
            del milestones[milestone_id]
    _prune_additions(data)
    return normal_form(data)


def _prune_additions(data: dict[str, Any]) -> None:
    """Leave out what names a removed item, as an editor removing the item would."""
    hypotheses, evidence = data["hypotheses"], data.get("evidence", {})
    sources, assumptions = data.get("sources", {}), data.get("assumptions", {})
    for item in evidence.values():
        if item.get("cites") not in (None, *sources):
            del item["cites"]
        if "assumes" in item:
            item["assumes"] = [a for a in item["assumes"] if a in assumptions]
    for assumption in assumptions.values():
        if "hypotheses" in assumption:
            assumption["hypotheses"] = [h for h in assumption["hypotheses"] if h in hypotheses]
    for analyst, table in data.get("rationale", {}).items():
        data["rationale"][analyst] = {
            e: {h: note for h, note in row.items() if h in hypotheses}
            for e, row in table.items()
            if e in evidence
        }
    for analyst, table in data.get("judgements", {}).items():
        data["judgements"][analyst] = {h: p for h, p in table.items() if h in hypotheses}
    if data.get("resolution", {}).get("hypothesis") not in (None, *hypotheses):
        del data["resolution"]


def _edit_additions(draw: st.DrawFn, data: dict[str, Any], op: str) -> None:
    """One random edit of the tables of the spec's "Additions"."""
    hypotheses, evidence = list(data["hypotheses"]), list(data["evidence"])
    analyst = draw(st.sampled_from(["lead", "bob"]))
    if op == "note" and evidence:
        row = data.setdefault("rationale", {}).setdefault(analyst, {})
        cells = row.setdefault(draw(st.sampled_from(evidence)), {})
        hypothesis_id = draw(st.sampled_from(hypotheses))
        note = draw(st.sampled_from(["P", "Q", None]))
        if note is None:
            cells.pop(hypothesis_id, None)
        else:
            cells[hypothesis_id] = note
    elif op == "judge":
        table = data.setdefault("judgements", {}).setdefault(analyst, {})
        hypothesis_id = draw(st.sampled_from(hypotheses))
        probability = draw(st.sampled_from([0.2, 0.5, 1.0, None]))
        if probability is None:
            table.pop(hypothesis_id, None)
        else:
            table[hypothesis_id] = probability
    elif op == "source":
        sources = data.setdefault("sources", {})
        source_id = draw(st.sampled_from(["S1", "S2"]))
        if source_id in sources and draw(st.booleans()):
            del sources[source_id]
        else:
            sources.setdefault(source_id, {"title": "S"})["reliability"] = draw(
                st.sampled_from("ABF")
            )
    elif op == "assumption":
        assumptions = data.setdefault("assumptions", {})
        assumption_id = draw(st.sampled_from(["A1", "A2"]))
        if assumption_id in assumptions and draw(st.booleans()):
            del assumptions[assumption_id]
        else:
            assumptions[assumption_id] = {
                "title": draw(st.sampled_from("TU")),
                "hypotheses": draw(st.lists(st.sampled_from(hypotheses), unique=True)),
            }
    elif op == "cite" and evidence:
        item = data["evidence"][draw(st.sampled_from(evidence))]
        item["cites"] = draw(st.sampled_from([*data.get("sources", {}), None]))
        item["assumes"] = draw(st.lists(st.sampled_from(["A1", "A2"]), unique=True))
        item["status"] = draw(st.sampled_from(["collected", "pending"]))
        for key in ("cites", "assumes"):
            if not item[key]:
                del item[key]
    elif op == "resolve":
        if "resolution" in data and draw(st.booleans()):
            del data["resolution"]
        else:
            data["resolution"] = {"hypothesis": draw(st.sampled_from(hypotheses))}


@st.composite
def edits(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` after a few random edits of the kinds analysts make."""
    data = copy.deepcopy(base)
    data.setdefault("evidence", {})
    data.setdefault("ratings", {})
    data.setdefault("milestones", {})
    for _ in range(draw(st.integers(0, 5))):
        op = draw(
            st.sampled_from(
                [
                    "rate",
                    "rate",
                    "rate",
                    "retitle",
                    "field",
                    "add",
                    "remove",
                    "move",
                    "analyst",
                    "milestone",
                    "note",
                    "note",
                    "judge",
                    "source",
                    "assumption",
                    "cite",
                    "resolve",
                ]
            )
        )
        kind = draw(st.sampled_from(["hypotheses", "evidence"]))
        table = data[kind]
        if op == "rate" and data["evidence"]:
            analyst = draw(st.sampled_from(["lead", "bob"]))
            evidence_id = draw(st.sampled_from(list(data["evidence"])))
            hypothesis_id = draw(st.sampled_from(list(data["hypotheses"])))
            row = data["ratings"].setdefault(analyst, {}).setdefault(evidence_id, {})
            code = draw(st.sampled_from((*CODES, None)))
            if code is None:
                row.pop(hypothesis_id, None)
            else:
                row[hypothesis_id] = code
        elif op == "retitle" and table:
            table[draw(st.sampled_from(list(table)))]["title"] = draw(st.sampled_from("ABC"))
        elif op == "field" and data["evidence"]:
            item = data["evidence"][draw(st.sampled_from(list(data["evidence"])))]
            item["credibility"] = draw(st.sampled_from(("low", "medium", "high")))
        elif op == "add":
            new_id = draw(st.sampled_from(POOL_H if kind == "hypotheses" else POOL_E))
            table.setdefault(new_id, {"title": draw(st.sampled_from("XY"))})
        elif op == "remove" and table and (kind == "evidence" or len(table) > 1):
            del table[draw(st.sampled_from(list(table)))]
        elif op == "move" and len(table) > 1:
            order = list(table)
            moving = order.pop(draw(st.integers(0, len(order) - 1)))
            order.insert(draw(st.integers(0, len(order))), moving)
            data[kind] = {k: table[k] for k in order}
        elif op == "analyst" and data["ratings"]:
            del data["ratings"][draw(st.sampled_from(list(data["ratings"])))]
        elif op == "milestone":
            milestone_id = draw(st.sampled_from(["M1", "M2"]))
            if milestone_id in data["milestones"] and draw(st.booleans()):
                del data["milestones"][milestone_id]
            else:
                data["milestones"][milestone_id] = {
                    "hypothesis": draw(st.sampled_from(list(data["hypotheses"]))),
                    "title": draw(st.sampled_from("MN")),
                    "expect": "supports",
                }
        else:
            _edit_additions(draw, data, op)
    return validate_data(_prune(data))


@st.composite
def triples(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    base = draw(edits(base_matrix()))
    return base, draw(edits(base)), draw(edits(base))


def _cells(data: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    return {
        (a, e, h): code
        for a, table in (data.get("ratings") or {}).items()
        for e, row in table.items()
        for h, code in row.items()
    }


def _notes(data: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    return {
        (a, e, h): note
        for a, table in (data.get("rationale") or {}).items()
        for e, row in table.items()
        for h, note in row.items()
    }


def _covered(
    conflict_keys: set[str],
    analyst: str,
    evidence_id: str,
    hypothesis_id: str,
    table: str = "ratings",
) -> bool:
    related = {
        f"{table}.{analyst}.{evidence_id}.{hypothesis_id}",
        f"{table}.{analyst}",
        f"evidence.{evidence_id}",
        f"hypotheses.{hypothesis_id}",
    }
    return not related.isdisjoint(conflict_keys)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(triples())
def test_the_result_is_always_valid_and_no_change_is_lost_silently(
    triple: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, ours, theirs = triple
    result = merge(base, ours, theirs)
    validate_data(result.data)
    dumps(result.data)  # and it can be written
    recorded = set(keys(result.conflicts))
    b, o, t, r = (_cells(x) for x in (base, ours, theirs, result.data))
    for cell in set(b) | set(o) | set(t):
        bv, ov, tv, rv = b.get(cell), o.get(cell), t.get(cell), r.get(cell)
        wanted = tv if ov == bv else ov  # one-sided change, or ours where both agree
        if rv != wanted:
            assert _covered(recorded, *cell), (cell, bv, ov, tv, rv, recorded)
    b, o, t, r = (_notes(x) for x in (base, ours, theirs, result.data))
    for cell in set(b) | set(o) | set(t):
        bv, ov, tv, rv = b.get(cell), o.get(cell), t.get(cell), r.get(cell)
        if rv != (tv if ov == bv else ov):
            assert _covered(recorded, *cell, table="rationale"), (cell, bv, ov, tv, rv, recorded)
    bv, ov, tv = (x.get("resolution") for x in (base, ours, theirs))
    if result.data.get("resolution") != (tv if ov == bv else ov):
        assert any(k.startswith("resolution") for k in recorded), recorded
    for kind in ("hypotheses", "evidence", "sources", "assumptions", "judgements", "milestones"):
        bk, ok, tk = (x.get(kind) or {} for x in (base, ours, theirs))
        rk = result.data.get(kind) or {}
        for item_id in set(bk) | set(ok) | set(tk):
            covered = any(k.startswith(f"{kind}.{item_id}") for k in recorded)
            b_item, o_item, t_item = bk.get(item_id), ok.get(item_id), tk.get(item_id)
            if item_id not in rk:
                wanted = t_item if o_item == b_item else o_item
                assert wanted is None or covered, (kind, item_id, recorded)
                continue
            for field in set(b_item or {}) | set(o_item or {}) | set(t_item or {}):
                bf, of, tf = ((x or {}).get(field) for x in (b_item, o_item, t_item))
                if rk[item_id].get(field) != (tf if of == bf else of):
                    assert covered, (kind, item_id, field, recorded)


@SETTINGS
@given(triples())
def test_one_sided_edits_give_that_side_exactly(
    triple: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, ours, theirs = triple
    for side in (ours, theirs):
        for merged in (merge(base, side, base), merge(base, base, side), merge(base, side, side)):
            assert merged.clean
            assert merged.data == normal_form(side)
            assert dumps(merged.data) == dumps(side)  # display order too


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples())
def test_a_clean_merge_has_the_same_content_whichever_side_is_ours(
    triple: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, ours, theirs = triple
    one, other = merge(base, ours, theirs), merge(base, theirs, ours)
    if one.clean and other.clean:
        assert one.data == other.data  # dict equality: content, not order


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_merge_does_not_change_its_inputs(side: str) -> None:
    base = base_matrix()
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    (ours if side == "ours" else theirs)["ratings"]["lead"]["E1"]["H1"] = "N"
    snapshots = [copy.deepcopy(x) for x in (base, ours, theirs)]
    merge(base, ours, theirs)
    assert [base, ours, theirs] == snapshots

"""Every kind of broken matrix file gets one located, exact message and exit status 2.

The corpus lives in ``tests/data/bad/``, one file per problem, named for it.
``{path}`` in an expected line stands for the file's path as given.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.core.errors import MatrixFileError
from achbench.store.toml import load_data

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

EXPECTED: dict[str, list[str]] = {
    "a_directory": ["{path}: is a directory, not a matrix file"],
    "bad_analyst_name.toml": [
        "{path}:13:1: ratings.\"lead analyst\": 'lead analyst' is not a valid id: an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
    ],
    "bad_evidence_id.toml": [
        "{path}:10:1: evidence.1E: '1E' is not a valid id: an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
    ],
    "bad_hypothesis_id.toml": [
        "{path}:4:1: hypotheses.\"H 1\": 'H 1' is not a valid id: an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
    ],
    "credibility_out_of_range.toml": [
        "{path}:12:1: evidence.E1.credibility: 'very high' is not allowed here; use one of 'low', 'medium' or 'high'"
    ],
    "datetime_not_date.toml": [
        "{path}:12:1: evidence.E1.date: expected a date such as 2022-01-31, got a date and time"
    ],
    "duplicate_hypothesis_id.toml": [
        "{path}:10:15: not valid TOML: [hypotheses.H1] is declared twice; ids must be unique"
    ],
    "duplicate_rating_key.toml": [
        "{path}:16:10: not valid TOML: a key is set twice in the same table; ids and keys must be unique"
    ],
    "empty.toml": ["{path}: is empty; a matrix needs at least format, title and a hypothesis"],
    "empty_hypotheses.toml": ["{path}:4:1: hypotheses: at least one hypothesis is required"],
    "empty_title.toml": ["{path}:2:1: title: must not be empty"],
    "evidence_missing_title.toml": ["{path}:10:1: evidence.E1.title: required key 'title' missing"],
    "lowercase_rating_code.toml": [
        "{path}:14:1: ratings.lead.E1.H1: 'cc' is not a rating code; use one of CC, C, N, I, II, NA"
    ],
    "milestone_bad_expect.toml": [
        "{path}:13:1: milestones.M1.expect: 'maybe' is not allowed here; use one of 'supports' or 'refutes'"
    ],
    "milestone_missing_expect.toml": [
        "{path}:10:1: milestones.M1.expect: required key 'expect' missing"
    ],
    "milestone_unknown_hypothesis.toml": [
        "{path}:11:1: milestones.M1.hypothesis: names hypothesis 'H9', which is not in [hypotheses]"
    ],
    "missing_format.toml": ["{path}: format: required key missing"],
    "missing_title.toml": ["{path}: title: required key missing"],
    "no_hypotheses.toml": ["{path}: hypotheses: required key missing"],
    "non_utf8.toml": ["{path}:2:13: is not UTF-8 text: byte 0xe9 cannot be decoded"],
    "nested_500_deep.toml": [
        "{path}:9:72: refused: arrays or tables nested more than 64 levels deep here (no achbench file nests more than 5)"
    ],
    "inline_tables_500_deep.toml": [
        "{path}:9:392: refused: arrays or tables nested more than 64 levels deep here (no achbench file nests more than 5)"
    ],
    "integer_5001_digits.toml": [
        "{path}:6:9: refused: a number of more than 4,300 digits, too long to read"
    ],
    "key_with_control_characters.toml": [
        "{path}:4:1: hypotheses.\"H1\\n\\u001b]2;owned\\u0007\": 'H1\\n\\x1b]2;owned\\x07' is not a valid id: an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
    ],
    "not_toml.toml": ["{path}:1:6: not valid TOML: Expected '=' after a key in a key/value pair"],
    "prior_out_of_range.toml": [
        "{path}:6:1: hypotheses.H1.prior: 1.5 is out of range: must be greater than 0 and at most 1"
    ],
    "rating_unknown_evidence.toml": [
        "{path}:13:1: ratings.lead.E9: rates evidence 'E9', which is not in [evidence]"
    ],
    "rating_unknown_hypothesis.toml": [
        "{path}:15:1: ratings.lead.E1.H9: rates hypothesis 'H9', which is not in [hypotheses]"
    ],
    "ratings_not_a_table.toml": ["{path}:3:1: ratings: expected a table, got a string"],
    "relevance_out_of_range.toml": [
        "{path}:12:1: evidence.E1.relevance: 'High' is not allowed here; use one of 'low', 'medium' or 'high'"
    ],
    "several_problems.toml": [
        "{path}:15:1: ratings.lead.E1.H2: 'X' is not a rating code; use one of CC, C, N, I, II, NA",
        "{path}:16:1: ratings.lead.E1.H3: rates hypothesis 'H3', which is not in [hypotheses]",
        "{path}:19:1: evidence.E2.title: expected a string, got an integer",
    ],
    "unknown_evidence_key.toml": [
        "{path}:12:1: evidence.E1.url: unknown key 'url' (this table takes: title, source, date, kind, credibility, relevance, notes, cites, quote, locator, grade, origin, assumes, status, code, link, flag)"
    ],
    "unknown_hypothesis_key.toml": [
        "{path}:6:1: hypotheses.H1.weight: unknown key 'weight' (this table takes: title, description, prior)"
    ],
    "unknown_milestone_key.toml": [
        "{path}:14:1: milestones.M1.owner: unknown key 'owner' (this table takes: hypothesis, title, expect, due, status, notes)"
    ],
    "unknown_rating_code.toml": [
        "{path}:15:1: ratings.lead.E1.H2: 'X' is not a rating code; use one of CC, C, N, I, II, NA"
    ],
    "unknown_top_level_key.toml": [
        "{path}:3:1: author: unknown key 'author' (this table takes: format, title, question, analyst, classification, hypotheses, evidence, sources, assumptions, ratings, rationale, judgements, milestones, resolution, conflicts)"
    ],
    "utf8_bom.toml": [
        "{path}:1:1: starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM"
    ],
    "wrong_format.toml": [
        "{path}:1:1: format: 'achbench/2' is not a format this build reads; it reads 'achbench/1'"
    ],
    "wrong_type_date.toml": [
        "{path}:12:1: evidence.E1.date: expected a date such as 2022-01-31, got a string"
    ],
    "wrong_type_prior.toml": ["{path}:6:1: hypotheses.H1.prior: expected a number, got a string"],
    "wrong_type_title.toml": ["{path}:2:1: title: expected a string, got an integer"],
    # The format's additions (spec: "Additions"): sources, assumptions, rationale,
    # judgements, resolution and the new evidence keys.
    "evidence_cites_unknown_source.toml": [
        "{path}:12:1: evidence.E1.cites: cites source 'S9', which is not in [sources]"
    ],
    "evidence_assumes_unknown_assumption.toml": [
        "{path}:12:1: evidence.E1.assumes[1]: assumes 'A9', which is not in [assumptions]"
    ],
    "evidence_bad_origin.toml": [
        "{path}:12:1: evidence.E1.origin: 'state media' is not a valid id: an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
    ],
    "evidence_bad_assumes_id.toml": [
        "{path}:12:1: evidence.E1.assumes[1]: '2nd' is not a valid id: an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
    ],
    "evidence_grade_off_scale.toml": [
        '{path}:12:1: evidence.E1.grade: \'7\' is not an Admiralty grade: use "1" to "6"'
    ],
    "evidence_grade_a_number.toml": [
        '{path}:12:1: evidence.E1.grade: expected a string: write the grade as "2"'
    ],
    "evidence_bad_status.toml": [
        "{path}:12:1: evidence.E1.status: 'observed' is not allowed here; use one of 'collected' or 'pending'"
    ],
    "source_reliability_off_scale.toml": [
        '{path}:12:1: sources.S1.reliability: \'G\' is not an Admiralty reliability: use "A" to "F"'
    ],
    "source_bad_sha256.toml": [
        "{path}:12:1: sources.S1.sha256: '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08' is not a SHA-256 digest: expected 64 lower-case hex digits"
    ],
    "unknown_source_key.toml": [
        "{path}:12:1: sources.S1.author: unknown key 'author' (this table takes: title, kind, path, url, sha256, reliability, notes)"
    ],
    "rationale_unknown_evidence.toml": [
        "{path}:13:1: rationale.lead.E9: explains ratings of evidence 'E9', which is not in [evidence]"
    ],
    "rationale_unknown_hypothesis.toml": [
        "{path}:15:1: rationale.lead.E1.H9: explains a rating of hypothesis 'H9', which is not in [hypotheses]"
    ],
    "rationale_empty_note.toml": ["{path}:14:1: rationale.lead.E1.H1: must not be empty"],
    "judgement_unknown_hypothesis.toml": [
        "{path}:12:1: judgements.lead.H9: judges hypothesis 'H9', which is not in [hypotheses]"
    ],
    "judgement_out_of_range.toml": [
        "{path}:11:1: judgements.lead.H1: 1.2 is out of range: a probability is from 0 to 1",
        "{path}:12:1: judgements.lead.H2: -0.2 is out of range: a probability is from 0 to 1",
    ],
    "resolution_unknown_hypothesis.toml": [
        "{path}:11:1: resolution.hypothesis: names hypothesis 'H9', which is not in [hypotheses]"
    ],
    "assumption_unknown_hypothesis.toml": [
        "{path}:12:1: assumptions.A1.hypotheses[1]: names hypothesis 'H9', which is not in [hypotheses]"
    ],
    "assumption_bad_status.toml": [
        "{path}:12:1: assumptions.A1.status: 'doubtful' is not allowed here; use one of 'solid', 'caveated' or 'unsupported'"
    ],
}


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk == set(EXPECTED), "every bad file needs an expected message, and vice versa"
    assert len(on_disk) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_reports_located_problems(name: str) -> None:
    path = BAD / name
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(MatrixFileError) as caught:
        load_data(path)
    assert [str(p) for p in caught.value.problems] == [
        line.format(path=path) for line in EXPECTED[name]
    ]
    if before is not None:
        assert path.read_bytes() == before, "reading must never change the file"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_exits_2_with_the_messages_on_stderr(name: str) -> None:
    path = str(BAD / name)
    result = CliRunner().invoke(main, ["check", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line.format(path=path) for line in EXPECTED[name]]


WARN = BAD.parent / "warn"


def test_check_warns_but_passes_when_judgements_do_not_sum_to_one() -> None:
    path = WARN / "judgements_not_summing_to_one.toml"
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{path}: ok")
    assert result.stderr.splitlines() == [
        f"{path}:10:1: judgements.lead: warning: lead's judgements sum to 0.8, not 1; "
        "the hypotheses are meant to be exclusive and exhaustive"
    ]  # bob's sum to 0.995: within 0.01 of 1, no warning
    load_data(path)  # and it loads


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}: no such file\n"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which reads any file whatever its mode: simulate the refusal.
    path = tmp_path / "secret.toml"
    path.write_text('format = "achbench/1"\n', encoding="utf-8")

    real_open = os.open

    def refuse(name: str | Path, flags: int, *args: int, **kwargs: int) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = CliRunner().invoke(main, ["rank", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}: permission denied: the file cannot be read\n"


def test_rank_on_a_bad_file_exits_2_without_traceback() -> None:
    files = [str(p) for p in sorted(BAD.iterdir())]
    for path in files[:5]:
        result = subprocess.run(
            [sys.executable, "-m", "achbench", "rank", path], capture_output=True, text=True
        )
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(path)


def test_check_reports_every_file_and_fails_if_any_is_bad(example_path: Path) -> None:
    bad = BAD / "unknown_rating_code.toml"
    result = CliRunner().invoke(main, ["check", str(example_path), str(bad)])
    assert result.exit_code == 2
    assert f"{example_path}: ok (4 hypotheses" in result.stdout
    assert str(bad) in result.stderr

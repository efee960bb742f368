"""Headless rules behind the editor of issue 13: header wrapping, rank order, rated
counts, remembered settings, and settling recorded merge conflicts with undo."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, cast

import pytest

from achbench.core.data import MatrixData
from achbench.core.errors import UsageError
from achbench.editing.session import Session
from achbench.tui import settings
from achbench.tui.view import MIN_TITLE_SHOWN, GridView, wrap_title

DATA: dict[str, Any] = {
    "format": "achbench/1",
    "title": "T",
    "analyst": "lead",
    "hypotheses": {"H1": {"title": "a"}, "H2": {"title": "b"}, "H3": {"title": "c"}},
    "evidence": {
        "E1": {"title": "riots"},
        "E2": {"title": "troops", "credibility": "high"},
        "E3": {"title": "statement"},
    },
    "ratings": {"lead": {"E1": {"H1": "CC", "H2": "II", "H3": "C"}, "E2": {"H2": "I"}}},
}


def _session(extra: dict[str, Any] | None = None) -> Session:
    data = copy.deepcopy(DATA)
    data.update(extra or {})
    return Session(cast(MatrixData, data), None, analyst="lead")


@pytest.mark.parametrize("width", [6, 7, 9, 12, 20])
@pytest.mark.parametrize(
    "title",
    [
        "Unrest began as spontaneous local protests against a sharp fuel price rise",
        "Commentary claims foreign insurgents",
        "Supercalifragilisticexpialidocious words",
        "Short",
    ],
)
def test_wrap_title_shows_at_least_sixteen_characters(title: str, width: int) -> None:
    lines = wrap_title(title, width)
    assert 1 <= len(lines) <= 3
    assert all(len(line) <= width for line in lines)
    shown = "".join(line.rstrip("…") for line in lines).replace(" ", "")
    wanted = title.replace(" ", "")[: min(MIN_TITLE_SHOWN, len(title))].replace(" ", "")
    assert shown.startswith(wanted[: len(shown)])
    assert len(shown) >= min(len(wanted), MIN_TITLE_SHOWN - 2)
    assert ("…" in lines[-1]) == (len(" ".join(lines).replace("…", "")) < len(title))


def test_rank_rows_and_back() -> None:
    view = GridView(_session())
    assert view.hypothesis_ids == ["H1", "H2", "H3"]
    assert view.toggle_rank_rows()
    assert view.hypothesis_ids == [h.id for h in view.ranking.hypotheses]
    assert view.hypothesis_ids[-1] == "H2"  # II and I: most inconsistent
    assert not view.toggle_rank_rows()
    assert view.hypothesis_ids == ["H1", "H2", "H3"]


def test_rated_notes_and_the_thin_lead_warning() -> None:
    view = GridView(_session())
    assert view.rated_note("H2") is None or view.rated_note("H2") == "2 of 3 rated"
    assert view.rated_note("H1") == "1 of 3 rated"
    warning = view.rating_warning()
    assert warning is not None
    assert "H2 has 2" in warning


def test_widen_is_clamped() -> None:
    view = GridView(_session(), column_width=8)
    assert view.widen(-10) == settings.MIN_COLUMN_WIDTH
    assert view.widen(100) == settings.MAX_COLUMN_WIDTH


def test_settings_round_trip_and_refusals(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert settings.load(path) == settings.Settings()
    chosen = settings.Settings(transpose=True, column_width=14, method="bayes")
    settings.save(chosen, path)
    assert settings.load(path) == chosen
    for text, word in [
        ("transpose = 3\n", "transpose"),
        ("column_width = 2\n", "column_width"),
        ('method = "vote"\n', "method"),
        ("colour = 1\n", "colour"),
        ("not toml", "not TOML"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=word):
            settings.load(path)


def test_config_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.CONFIG_ENV, str(tmp_path))
    assert settings.config_path() == tmp_path / "config.toml"


CONFLICTED: dict[str, Any] = {
    "conflicts": {
        "C1": {"key": "evidence.E2.credibility", "base": "low", "ours": "high"},
        "C2": {"key": "evidence.E3", "base": {"title": "old"}, "theirs": {"title": "new"}},
        "C3": {"key": "hypotheses.H1.position", "ours": 1, "theirs": 3},
        "C4": {"key": "ratings.lead.E2.H2", "ours": "I"},
        "C5": {"key": "ratings.bob", "note": "removed in ours, changed in theirs"},
    }
}


@pytest.mark.parametrize(
    ("conflict_id", "side", "check"),
    [
        ("C1", "base", lambda d: d["evidence"]["E2"]["credibility"] == "low"),
        ("C1", "theirs", lambda d: "credibility" not in d["evidence"]["E2"]),
        ("C2", "theirs", lambda d: d["evidence"]["E3"] == {"title": "new"}),
        ("C2", "ours", lambda d: d["evidence"]["E3"] == {"title": "statement"}),
        ("C3", "theirs", lambda d: list(d["hypotheses"]) == ["H2", "H3", "H1"]),
        ("C4", "theirs", lambda d: "H2" not in d["ratings"]["lead"].get("E2", {})),
        ("C5", "ours", lambda d: True),
    ],
)
def test_settling_a_conflict_and_undoing_it(conflict_id: str, side: str, check: Any) -> None:
    session = _session(copy.deepcopy(CONFLICTED))
    before = copy.deepcopy(session.data)
    scores = session.live.ranking("heuer")
    session.resolve_conflict(conflict_id, side)
    assert check(session.data)
    assert conflict_id not in session.conflicts
    session.undo()
    assert session.data == before
    assert list(session.data) == list(before), "key order too"
    assert session.live.ranking("heuer") == scores


def test_a_note_only_conflict_keeps_ours_only() -> None:
    session = _session(copy.deepcopy(CONFLICTED))
    with pytest.raises(ValueError, match="C5"):
        session.resolve_conflict("C5", "theirs")


def test_the_last_conflict_settled_drops_the_table() -> None:
    session = _session({"conflicts": {"C1": {"key": "title", "base": "S", "ours": "T"}}})
    session.resolve_conflict("C1", "base")
    assert session.data["title"] == "S"
    assert "conflicts" not in session.data
    view = GridView(session)
    assert view.next_conflict(None) is None

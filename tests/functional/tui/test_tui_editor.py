"""The editor an analyst stays in (issue 13): forms that take typing at once, quick
add, readable headers, remembered view settings, the smaller frictions, and merge
conflicts settled in place.  Driven headless with Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea
from tui_helpers import SMALL, drive

from achbench.cli import main
from achbench.core.errors import UsageError
from achbench.store import toml as store
from achbench.tui import settings
from achbench.tui.app import make_app
from achbench.tui.screens.forms import ItemForm
from achbench.tui.screens.milestones import MilestonesScreen
from achbench.tui.widgets.grid import CONFLICT_MARK, HEADER_HEIGHT

CONFLICTS = """
[conflicts.C1]
key = "ratings.lead.E1.H2"
base = "N"
ours = "I"
theirs = "CC"

[conflicts.C2]
key = "evidence.E3.title"
base = "Troops arrive"
ours = "Troops arrive by air"
theirs = "Troops land at Almaty airport"

[conflicts.C3]
key = "title"
base = "Small matrix"
ours = "Small test matrix"
theirs = "A small matrix"
"""


@pytest.fixture
def conflicted(tmp_path: Path) -> Path:
    path = tmp_path / "conflicted.toml"
    path.write_text(SMALL + CONFLICTS, encoding="utf-8")
    return path


def _focused_field(pilot: Pilot[None]) -> str:
    focused = pilot.app.focused
    assert focused is not None
    return str(focused.id)


# -- forms ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["e", "E", "y", "Y", "i"])
def test_every_form_opens_on_its_title_and_takes_typing(small: Path, key: str) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press(key)
        assert isinstance(app.screen, ItemForm)
        assert _focused_field(pilot) == "field-title"
        field = app.screen.query_one("#field-title", Input)
        before = field.value
        await pilot.press("x", "y", "z")
        assert field.value == before + "xyz"

    drive(app, script)


def test_milestone_form_opens_on_its_title(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("M")
        assert isinstance(app.screen, MilestonesScreen)
        await pilot.press("a")
        assert isinstance(app.screen, ItemForm)
        assert _focused_field(pilot) == "field-title"
        await pilot.press(*"Curfew", "enter")
        assert isinstance(app.screen, MilestonesScreen)
        assert [m["title"] for m in app.session.milestones.values()] == ["Curfew"]

    drive(app, script)


def test_the_id_is_proposed_after_the_title_and_typing_there_adds(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("Y")
        form = app.screen
        assert isinstance(form, ItemForm)
        assert [f.name for f in form.fields][:2] == ["title", "id"]
        ident = form.query_one("#field-id", Input)
        assert ident.value == "H4"
        await pilot.press(*"Delta", "tab")
        assert _focused_field(pilot) == "field-id"
        assert ident.selection.is_empty, "Tab does not select the id"
        await pilot.press("b")
        assert ident.value == "H4b", "typing adds to the id, never silently replaces it"
        await pilot.press("ctrl+s")
        assert app.session.hypotheses["H4b"]["title"] == "Delta"

    drive(app, script)


def test_enter_applies_from_any_field_and_escape_cancels(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("e")  # E1
        form = app.screen
        assert isinstance(form, ItemForm)
        notes = form.query_one("#field-notes", TextArea)
        form.set_focus(notes)
        await pilot.press("end", "ctrl+j", *"More.", "enter")
        assert not isinstance(app.screen, ItemForm), "Enter in notes applies"
        assert app.session.evidence["E1"]["notes"] == "Seen by many.\nMore."
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ItemForm)
        form.set_focus(form.query_one("#field-credibility", Select))
        await pilot.press("enter")
        assert not isinstance(app.screen, ItemForm), "Enter on a choice applies"
        await pilot.press("e", *"zzz", "escape")
        assert not isinstance(app.screen, ItemForm)
        assert app.session.evidence["E1"]["title"] == "Riots in the capital"

    drive(app, script)


def test_quick_add_evidence_one_title_after_another(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("E", *"First", "enter", *"Second", "enter", *"Third", "enter")
        assert isinstance(app.screen, ItemForm), "the form stays for the next"
        assert "3 added" in str(app.screen.query_one("#form-hint").render())
        await pilot.press("enter")  # an empty Enter ends
        assert not isinstance(app.screen, ItemForm)
        ids = list(app.session.evidence)
        assert ids == ["E1", "E5", "E6", "E7", "E2", "E3", "E4"], "after the cursor's, in order"
        assert [app.session.evidence[e]["title"] for e in ids[1:4]] == [
            "First",
            "Second",
            "Third",
        ]
        await pilot.press("u")
        assert "E7" not in app.session.evidence, "each item is its own undo step"
        assert "E6" in app.session.evidence

    drive(app, script)


def test_quick_add_hypotheses_ends_with_escape(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("Y", *"Delta", "enter", *"Epsilon", "enter", *"half", "escape")
        assert not isinstance(app.screen, ItemForm)
        assert list(app.session.hypotheses) == ["H1", "H4", "H5", "H2", "H3"]
        assert app.session.hypotheses["H5"]["title"] == "Epsilon"

    drive(app, script)


def test_a_bad_quick_add_item_stays_in_the_form(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("E", "tab", "ctrl+u", *"E2", "enter")  # id taken, no title
        assert isinstance(app.screen, ItemForm)
        assert len(app.session.evidence) == 4

    drive(app, script)


# -- the grid ----------------------------------------------------------------------------


def test_headers_show_sixteen_characters_and_labelled_levels(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        grid = app.main.grid
        header = [grid.render_line(y).text[grid.label_width :] for y in range(HEADER_HEIGHT)]
        column = [line[: grid.column_width - 1].strip() for line in header]
        assert column[0] == "E1"
        title = " ".join(column[1:4])
        assert title.replace(" ", "").startswith("Riotsinthecapit"[:15])
        assert len(title.replace(" ", "")) >= 15
        assert column[4] in ("cH rH", "cred H rel H")
        line = str(app.main.query_one("#focus-line").render())
        assert "Riots in the capital" in line
        assert "credibility high" in line

    drive(app, script, size=(120, 30))


def test_column_width_keys_and_remembered_settings(small: Path, tmp_path: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        width = app.view.column_width
        await pilot.press("greater_than_sign", "greater_than_sign")
        assert app.view.column_width == width + 2
        assert app.main.grid.column_width == width + 2
        await pilot.press("less_than_sign")
        await pilot.press("t", "m")

    drive(app, script)
    kept = settings.load()
    assert kept == settings.Settings(transpose=True, column_width=11, method="weighted")
    assert settings.config_path().parent == tmp_path / "config"
    again = make_app(small)
    assert (again.view.transposed, again.view.column_width, again.view.method) == (
        True,
        11,
        "weighted",
    )
    told = make_app(small, transpose=False, method="bayes")
    assert (told.view.transposed, told.view.method) == (False, "bayes"), "the command line wins"


def test_a_bad_settings_file_is_refused_naming_it(small: Path) -> None:
    path = settings.config_path()
    path.parent.mkdir(parents=True)
    path.write_text("column_width = 'wide'\n", encoding="utf-8")
    with pytest.raises(UsageError, match="column_width"):
        make_app(small)
    result = CliRunner().invoke(main, ["edit", str(small)])
    assert result.exit_code == 2
    assert "config.toml" in result.output
    assert "column_width" in result.output


def test_edit_takes_transpose_and_method_options() -> None:
    result = CliRunner().invoke(main, ["edit", "--help"])
    assert "--transpose" in result.output
    assert "--method" in result.output


def test_a_keymap_with_an_unknown_id_or_key_is_refused(small: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keys.toml"
    keymap.write_text('rate_ccc = "z"\nundo = "ctl+z"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["edit", str(small), "--keymap", str(keymap)])
    assert result.exit_code == 2
    assert "rate_ccc: no such binding id" in result.output
    assert "undo: unknown key 'ctl+z'" in result.output


def test_escape_clears_a_kept_filter_and_the_term_shows(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"troops", "enter")
        assert app.view.evidence_ids == ["E3"]
        assert "filter 'troops'" in str(app.main.query_one("#focus-line").render())
        await pilot.press("escape")
        assert app.view.filter == ""
        assert len(app.view.evidence_ids) == 4

    drive(app, script)


def test_o_toggles_rank_order(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("5")  # H1/E1 II: H1 falls to last
        await pilot.press("o")
        assert app.view.hypothesis_ids[-1] == "H1"
        assert app.view.hypothesis_ids == [h.id for h in app.view.ranking.hypotheses]
        await pilot.press("o")
        assert app.view.hypothesis_ids == ["H1", "H2", "H3"]

    drive(app, script)


def test_r_and_shift_r_cycle_credibility_and_relevance_with_undo(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("r")  # E1: high -> low
        assert app.session.evidence["E1"]["credibility"] == "low"
        await pilot.press("R", "R")
        assert app.session.evidence["E1"]["relevance"] == "medium"
        await pilot.press("u", "u", "u")
        assert app.session.evidence["E1"]["credibility"] == "high"
        assert app.session.evidence["E1"]["relevance"] == "high"

    drive(app, script)


def test_unrated_hypotheses_are_flagged_and_a_thin_lead_warned(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        assert app.view.rated_note("H1") == "1 of 4 rated"
        await pilot.press("right", "2", "right", "3")  # H2 gets E2 C, H3 gets E3 N... advance
        ranking = app.main.query_one("#ranking")
        lines = "\n".join(ranking.render_line(y).text for y in range(ranking.size.height))
        assert "of 4 rated" in lines
        grid = app.main.grid
        assert "?" in grid.render_line(HEADER_HEIGHT).text, "the grid marks H1's score"

    drive(app, script, size=(120, 40))
    assert app.view.rating_warning() is None or "leads on" in (app.view.rating_warning() or "")


def test_rating_warning_when_the_leader_has_fewer_rated_cells(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        # H1: E1 C (1 rated); give H2 two consistent-enough ratings and one inconsistency.
        app.session.rate("E2", "H2", "I")
        app.session.rate("E3", "H2", "N")
        app.view.rescore()
        warning = app.view.rating_warning()
        assert warning is not None
        assert "H" in warning
        assert "leads on" in warning

    drive(app, script)


def test_footer_keeps_help_and_quit_at_80x24(small: Path) -> None:
    app = make_app(small)

    async def script(pilot: Pilot[None]) -> None:
        shot = app.export_screenshot()
        assert "Help" in shot
        assert "Quit" in shot

    drive(app, script, size=(80, 24))


def test_a_new_matrix_title_bar_reads_well(tmp_path: Path) -> None:
    app = make_app(tmp_path / "fresh.toml", new_title="Fresh")

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("escape")
        assert "analyst analyst" not in app.main.sub_title
        assert app.main.sub_title.startswith("as analyst")

    drive(app, script)


# -- merge conflicts ----------------------------------------------------------------------


def test_conflicts_show_a_banner_and_marks(conflicted: Path) -> None:
    app = make_app(conflicted)

    async def script(pilot: Pilot[None]) -> None:
        banner = app.main.query_one("#conflicts")
        assert banner.display
        assert "3 merge conflicts" in str(banner.render())
        grid = app.main.grid
        assert f"I{CONFLICT_MARK}" in grid.render_line(HEADER_HEIGHT + 1).text, "H2/E1 marked"
        assert f"E3{CONFLICT_MARK}" in grid.render_line(0).text, "E3's title in conflict"

    drive(app, script, size=(120, 30))


def test_c_walks_the_conflicts_settles_them_with_undo_and_save_drops_them(
    conflicted: Path,
) -> None:
    app = make_app(conflicted)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("C")
        assert str(app.screen.id).startswith("conflict-")
        assert app.view.current() == ("H2", "E1"), "the cursor goes to the cell"
        await pilot.press("t")  # theirs: CC
        assert app.session.code("E1", "H2") == "CC"
        assert "C1" not in app.session.conflicts
        await pilot.press("u")
        assert app.session.code("E1", "H2") == "I"
        assert list(app.session.conflicts) == ["C1", "C2", "C3"], "undo puts the record back"
        await pilot.press("C", "o")  # the next after C1: C2, kept as ours
        assert "C2" not in app.session.conflicts
        assert app.session.evidence["E3"]["title"] == "Troops arrive by air"
        await pilot.press("C", "b")  # C3: base title
        assert app.session.data["title"] == "Small matrix"
        await pilot.press("C", "t")  # C1: theirs
        assert app.session.conflicts == {}
        assert not app.main.query_one("#conflicts").display
        await pilot.press("ctrl+s")

    drive(app, script)
    data = store.load_data(conflicted)
    assert "conflicts" not in data, "saving with none left removes the records"
    assert data["ratings"]["lead"]["E1"]["H2"] == "CC"
    assert data["title"] == "Small matrix"


def test_settling_a_conflict_by_editing_opens_the_form(conflicted: Path) -> None:
    app = make_app(conflicted)

    async def script(pilot: Pilot[None]) -> None:
        await pilot.press("C", "n")  # skip C1, to C2
        assert str(app.screen.id).startswith("conflict-")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        assert app.screen.query_one("#field-title", Input).value == "Troops arrive by air"
        await pilot.press("ctrl+u", *"Troops flown in", "enter")
        assert app.session.evidence["E3"]["title"] == "Troops flown in"
        assert "C2" not in app.session.conflicts

    drive(app, script)

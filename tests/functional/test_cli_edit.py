"""The command line of the editor: routing, bad files, `new`, and no Textual for `rank`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from achbench.cli import main

GOOD = """\
format = "achbench/1"
title = "T"

[hypotheses.H1]
title = "One"
"""


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Capture the apps the commands would run, instead of running them."""
    apps: list[Any] = []
    monkeypatch.setattr("achbench.cli.edit._run", apps.append)
    return apps


def test_bare_achbench_opens_the_bundled_example(opened: list[Any]) -> None:
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert opened[0].session.name == "kazakhstan-2022.toml"
    assert opened[0].session.needs_path


@pytest.mark.parametrize("prefix", [[], ["edit"]])
def test_file_and_edit_file_open_the_editor(
    prefix: list[str], opened: list[Any], tmp_path: Path
) -> None:
    path = tmp_path / "m.toml"
    path.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, [*prefix, str(path), "--method", "bayes"])
    assert result.exit_code == 0, result.output
    assert opened[0].session.path == path
    assert opened[0].view.method == "bayes"


def test_a_bad_file_is_reported_like_check_and_exits_2(opened: list[Any], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace('title = "One"', 'title = ""'), encoding="utf-8")
    result = CliRunner().invoke(main, [str(path)])
    assert result.exit_code == 2
    assert f"{path}:5:1: hypotheses.H1.title: must not be empty" in result.output
    assert "Traceback" not in result.output
    assert not opened


def test_a_missing_file_exits_2(opened: list[Any], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_new_starts_an_empty_matrix_with_its_title(opened: list[Any], tmp_path: Path) -> None:
    target = tmp_path / "election.toml"
    result = CliRunner().invoke(main, ["new", str(target), "--title", "Who wins?"])
    assert result.exit_code == 0, result.output
    app = opened[0]
    assert app.session.data["title"] == "Who wins?"
    assert app.session.hypotheses == {}
    assert app.ask_first_hypothesis
    assert not target.exists(), "nothing is written before the first save"


def test_new_refuses_an_existing_file(opened: list[Any], tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(path), "--title", "x"])
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_keymap_file_remaps_keys(opened: list[Any], tmp_path: Path) -> None:
    keymap = tmp_path / "keys.toml"
    keymap.write_text('rate_cc = "z"\nundo = "ctrl+z"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--keymap", str(keymap)])
    assert result.exit_code == 0, result.output
    assert opened[0]._keymap == {"rate_cc": "z", "undo": "ctrl+z"}
    keymap.write_text("rate_cc = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["edit", "--keymap", str(keymap)])
    assert result.exit_code == 2
    assert "must be a string" in result.output


def test_help_lists_every_command_and_each_has_an_example() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for name in ("edit", "new", "rank", "check"):
        assert name in result.output
    for name in ("edit", "new"):
        assert "Example" in CliRunner().invoke(main, [name, "--help"]).output


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(GOOD, encoding="utf-8")
    code = (
        "import sys\n"
        "from achbench.cli import main\n"
        f"try:\n    main(['rank', {str(path)!r}, '-f', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)\n"
        "import achbench.editing.session, achbench.scoring.live, achbench.editing.fields\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_keys_typed_while_the_editor_starts_are_not_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Echo is off while the editor starts (keys typed then would stay on the shell's
    screen after it quits), and the terminal's settings are put back after."""
    import os
    import pty
    import termios

    from achbench.cli.edit import keys_unechoed

    leader, follower = pty.openpty()
    try:
        with os.fdopen(os.dup(follower), "r") as terminal:
            monkeypatch.setattr("sys.stdin", terminal)
            before = termios.tcgetattr(follower)
            assert before[3] & termios.ECHO
            with keys_unechoed():
                assert not termios.tcgetattr(follower)[3] & termios.ECHO
            assert termios.tcgetattr(follower) == before
            with pytest.raises(RuntimeError), keys_unechoed():
                raise RuntimeError("the editor failed")
            assert termios.tcgetattr(follower) == before
    finally:
        os.close(leader)
        os.close(follower)


def test_keys_unechoed_without_a_terminal_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from achbench.cli.edit import keys_unechoed

    with (tmp_path / "in.txt").open("w+") as not_a_terminal:
        monkeypatch.setattr("sys.stdin", not_a_terminal)
        with keys_unechoed():
            pass

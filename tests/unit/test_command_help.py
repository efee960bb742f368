"""``achbench --help`` lists every command from ``cli.app.COMMAND_HELP``, exactly as click
would list the commands themselves, without importing them."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

from achbench.cli.app import COMMAND_HELP, COMMANDS, SHORT_HELP_GIVEN, listed_command, main


def real_command(name: str) -> object:
    importlib.import_module(COMMANDS[name])
    return main.commands[name]


def test_every_command_has_a_line() -> None:
    assert sorted(COMMAND_HELP) == sorted(COMMANDS)
    assert COMMAND_HELP.keys() >= SHORT_HELP_GIVEN


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_line_is_the_commands_own(name: str) -> None:
    command = real_command(name)
    stand_in = listed_command(name)
    for limit in (20, 45, 59, 80, 200):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit)  # type: ignore[attr-defined]


@pytest.mark.parametrize("columns", ["50", "80", "120"])
def test_help_page_is_the_same_as_with_every_command_imported(columns: str) -> None:
    env = {**os.environ, "COLUMNS": columns}
    listed = subprocess.run(
        [sys.executable, "-m", "achbench", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib\n"
            "from achbench.cli.app import COMMANDS, run\n"
            "for module in set(COMMANDS.values()):\n"
            "    importlib.import_module(module)\n"
            "import sys\n"
            "sys.argv = ['achbench', '--help']\n"
            "run()\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert listed == imported

"""Shell completion: click's own protocol, as bash, zsh and fish call it (README)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from achbench.cli.app import COMMANDS
from achbench.core.vocabulary import METHODS
from achbench.formats import FORMATS


def complete(line: str, shell: str = "bash") -> list[str]:
    """What ``achbench`` offers for the last word of ``line`` (bash's COMP_WORDS protocol)."""
    words = line.split(" ")
    env = {
        **os.environ,
        "_ACHBENCH_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    run = subprocess.run(
        [sys.executable, "-m", "achbench"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [entry.split(",", 1)[1] for entry in run.stdout.splitlines()]


def test_a_command_is_completed() -> None:
    assert complete("achbench ra") == ["rank"]
    assert complete("achbench se") == ["sensitivity", "serve"]


def test_every_command_is_offered() -> None:
    assert complete("achbench ") == sorted(COMMANDS)


def test_options_methods_and_formats_are_completed() -> None:
    assert complete("achbench rank --me") == ["--method"]
    assert complete("achbench rank m.toml --method ") == list(METHODS)
    assert complete("achbench m.toml --method ") == list(METHODS)  # the editor, by default
    assert complete("achbench export m.toml --to ") == list(FORMATS)
    assert complete("achbench report m.toml --format ") == ["markdown", "html", "pdf"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_script(shell: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "achbench"],
        env={**os.environ, "_ACHBENCH_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "_ACHBENCH_COMPLETE" in run.stdout
    assert f"{shell}_complete" in run.stdout

"""The README's two set-up commands are what they say, and CI runs the second verbatim.

A newcomer's first minutes are these two lines: the first must install only what
the editor needs, the second everything the tests run, and CI must not drift from
them (``.ci/run``).
"""

from __future__ import annotations

import re
import tomllib

from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _set_up_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Set-up section has no ```sh block"
    return [
        line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")
    ]


def test_there_are_two_commands() -> None:
    assert len(_set_up_commands()) == 2


def test_the_first_installs_only_the_editor() -> None:
    editor = _set_up_commands()[0]
    assert ".venv/bin/pip install -q -e . " in editor
    assert "[" not in editor, "the editor needs no extra"
    assert editor.endswith(".venv/bin/achbench")


def test_the_second_installs_the_test_extra_and_runs_pytest() -> None:
    tests = _set_up_commands()[1]
    assert "pip install -q -e '.[test]'" in tests
    assert tests.endswith(".venv/bin/pytest")


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _set_up_commands()[1] in ci


def test_the_test_extra_holds_every_tool_the_suite_runs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {
        re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0]
        for requirement in project["optional-dependencies"]["test"]
    }
    assert {"pytest", "pytest-xdist", "hypothesis", "ruff", "mypy", "import-linter"} <= names
    assert "types-defusedxml" in names, "mypy --strict needs the defusedxml stubs"


def test_the_architecture_is_documented_and_linked() -> None:
    assert "(docs/architecture.md)" in README
    assert (ROOT / "docs" / "architecture.md").is_file()

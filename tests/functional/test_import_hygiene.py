"""Below the two doors nothing loads Textual, Rich or click, and `achbench rank` stays lean.

``[tool.importlinter]`` checks the import statements (``tests/unit/test_architecture.py``);
these tests check what really gets loaded, in a fresh interpreter each, since this
test process may already have imported Textual for the editor's tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

DOORS = ("achbench.cli", "achbench.tui", "achbench.__main__")
"""The command line and the editor: the only modules that may import the three below."""

FRONT_END = ("textual", "rich", "click")


def _modules() -> list[str]:
    package = ROOT / "src" / "achbench"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _headless_modules() -> list[str]:
    return [name for name in _modules() if not name.startswith(DOORS)]


def _first_to_load(modules: list[str], libraries: tuple[str, ...]) -> dict[str, str]:
    """Import ``modules`` in turn in a fresh interpreter; for each library loaded,
    the module whose import brought it in."""
    probe = (
        "import importlib, json, sys\n"
        "culprits = {}\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"    for lib in {libraries!r}:\n"
        "        if lib in sys.modules and lib not in culprits:\n"
        "            culprits[lib] = name\n"
        "print(json.dumps(culprits))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    culprits: dict[str, str] = json.loads(result.stdout)
    return culprits


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_headless_modules_load_no_front_end() -> None:
    """Import every module below the doors, one after another, in one interpreter,
    and name the first that brings in Textual, Rich or click."""
    culprits = _first_to_load(_headless_modules(), FRONT_END)
    assert culprits == {}, f"loaded by a headless module (library: first module): {culprits}"


def test_command_modules_load_no_textual() -> None:
    """The command line imports the editor only when ``edit`` or ``new`` runs."""
    commands = [name for name in _modules() if name.startswith("achbench.cli")]
    assert "achbench.cli.edit" in commands
    culprits = _first_to_load(commands, ("textual",))
    assert culprits == {}, f"loaded by a command module: {culprits}"


def test_the_headless_list_is_not_empty() -> None:
    names = _headless_modules()
    assert "achbench.core.vocabulary" in names
    assert "achbench.versioning.diff" in names
    assert not [n for n in names if n.startswith(("achbench.cli", "achbench.tui"))]


def test_rank_json_imports_neither_textual_nor_rich_nor_pydantic(example_path: Path) -> None:
    loaded = _modules_after(
        "import sys\n"
        "from achbench.cli import main\n"
        f"sys.argv = ['achbench', 'rank', {str(example_path)!r}, '--format', 'json']\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(standalone_mode=False)\n"
    )
    assert "achbench.scoring.methods" in loaded  # the command really ran
    assert "textual" not in loaded
    assert "rich" not in loaded
    assert "pydantic" not in loaded, "pydantic costs 0.2 s of start-up; rank uses pydantic-core"


def test_rank_table_does_not_import_textual(example_path: Path) -> None:
    loaded = _modules_after(
        "import sys\n"
        "from achbench.cli import main\n"
        f"sys.argv = ['achbench', 'rank', {str(example_path)!r}]\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(standalone_mode=False)\n"
    )
    assert "achbench.cli.table" in loaded  # the table really printed
    assert "rich" not in loaded, "the command line's tables are plain text (achbench.cli.table)"
    assert "textual" not in loaded


HEAVY = (
    "textual",
    "rich",
    "pydantic",
    "pydantic_core",
    "tomllib",
    "tempfile",
    "hashlib",
    "csv",
    "difflib",
)
"""What a headless command that reads a valid file and prints JSON or a line never needs:
the editor and tables (textual, rich), pydantic and pydantic-core (a valid file is
proved valid without them), tomllib (read only to word a syntax error), the
writer's modules (tempfile, hashlib), CSV output and the guess at a misspelt command
(difflib)."""

COMMAND_MODULES = tuple(
    f"achbench.cli.{name}"
    for name in (
        "check",
        "rank",
        "sensitivity",
        "report",
        "merge",
        "diff",
        "io",
        "edit",
        "gitsetup",
        "consensus",
        "next",
    )
)


def _after_command(*args: str) -> set[str]:
    return _modules_after(
        "import sys, contextlib, io\n"
        "from achbench.cli import main\n"
        f"sys.argv = ['achbench', *{list(args)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
    )


def test_headless_commands_on_a_valid_file_load_nothing_heavy(example_path: Path) -> None:
    """Each headless command's modules, listed after it ran in a fresh interpreter:
    one that gains a heavy import fails here, naming it."""
    cases = {
        "rank --format json": ("rank", str(example_path), "--format", "json"),
        "check": ("check", str(example_path)),
        "sensitivity --format json": ("sensitivity", str(example_path), "--format", "json"),
        "next --format json": ("next", str(example_path), "--format", "json"),
    }
    for name, args in cases.items():
        loaded = _after_command(*args)
        assert "achbench.scoring.methods" in loaded or name == "check"
        heavy = sorted(m for m in HEAVY if m in loaded)
        assert heavy == [], f"achbench {name} loaded {heavy}"


def test_help_imports_no_command_module() -> None:
    """``achbench --help`` lists the commands from ``cli.app.COMMAND_HELP``."""
    loaded = _after_command("--help")
    assert "click" in loaded
    imported = sorted(m for m in COMMAND_MODULES if m in loaded)
    assert imported == [], f"achbench --help imported {imported}"
    assert "pydantic_core" not in loaded

"""The core never imports Textual, and `achbench rank` stays lean.

Each check runs in a fresh interpreter, since this test process may already have
imported Textual for the editor's tests.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "achbench",
    "achbench.core.model",
    "achbench.core.schema",
    "achbench.core.validate",
    "achbench.core.locate",
    "achbench.core.errors",
    "achbench.store.toml",
    "achbench.scoring.methods",
    "achbench.store.pool",
    "achbench.formats",
    "achbench.formats.achz",
    "achbench.formats.csv_grid",
    "achbench.formats.json_io",
    "achbench.cli.io",
    "achbench.cli.edit",
    "achbench.editing.session",
    "achbench.scoring.live",
    "achbench.editing.fields",
]


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    loaded = _modules_after(f"import {module}")
    assert "textual" not in loaded


def test_rank_json_imports_neither_textual_nor_rich_nor_pydantic(example_path) -> None:
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


def test_rank_table_does_not_import_textual(example_path) -> None:
    loaded = _modules_after(
        "import sys\n"
        "from achbench.cli import main\n"
        f"sys.argv = ['achbench', 'rank', {str(example_path)!r}]\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(standalone_mode=False)\n"
    )
    assert "rich" in loaded
    assert "textual" not in loaded

"""``achbench --help`` without click prints what click would print, at every width."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from achbench.cli import _help_pages
from achbench.cli.start import render_pages


def test_the_pages_are_current() -> None:
    """Regenerate with ``python -m achbench.cli.start`` after changing a command's help."""
    pages, width_page = render_pages()
    assert pages == _help_pages.PAGES
    assert width_page == _help_pages.WIDTH_PAGE


def _help(columns: str, *, with_click: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": columns}
    code = (
        "import sys\nsys.argv = ['achbench', '-h']\n"
        + (
            "from achbench.cli.app import run\n"
            if with_click
            else "from achbench.cli.start import run\n"
        )
        + "run()\n"
        + "print('click' in sys.modules, file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )


@pytest.mark.parametrize("columns", ["20", "52", "80", "99", "100", "160", "none"])
def test_the_page_is_clicks_own(columns: str) -> None:
    fast = _help(columns, with_click=False)
    slow = _help(columns, with_click=True)
    assert fast.stdout == slow.stdout
    assert fast.stderr.strip() == "False"  # click was never loaded

"""``achbench report --format pdf``: the HTML report printed by headless Chromium.

The tests that print need Chromium (Debian package ``chromium``) and poppler's
``pdftoppm`` and ``pdftotext`` (``poppler-utils``); .ci/run installs both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.report.pdf import BROWSER_ENV, INSTALL_HINT, find_browser
from tests.helpers import EXAMPLE
from tests.png import read_png

needs_browser = pytest.mark.skipif(
    find_browser() is None,
    reason="no Chromium to print with (Debian: apt-get install chromium; .ci/run installs it)",
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="no pdftoppm/pdftotext to look at the PDF (Debian: apt-get install poppler-utils)",
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's report as PDF, printed once for the tests that look at it."""
    if find_browser() is None:
        pytest.skip("no Chromium to print with (Debian: apt-get install chromium)")
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
@needs_browser
@needs_poppler
def test_page_one_is_the_report_not_a_blank_page(printed: Path, tmp_path: Path) -> None:
    assert printed.read_bytes().startswith(b"%PDF-")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(printed), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    page = read_png(png.read_bytes())
    assert 380 <= page.width <= 440, "A4 at 50 dpi is 413 pixels wide"
    assert page.ink() > 0.03, "page 1 is (nearly) blank"
    assert page.ink(0, 0, page.width, page.height // 8) > 0.01, "no title at the top of page 1"


@pytest.mark.slow
@needs_browser
@needs_poppler
def test_page_breaks_fall_between_sections(printed: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    pages = text.split("\f")
    assert len(pages) >= 3

    def page_of(words: str) -> int:
        found = [i for i, page in enumerate(pages) if words in " ".join(page.split())]
        assert found, f"{words!r} is on no page"
        return found[0]

    # A section that fits on a page is never split: it starts and ends on one page.
    sections = [
        ("Hypotheses ranked under every method", "H4 Tokayev-engineered consolidation Tokayev,"),
        ("Most diagnostic evidence (heuer)", "rated alike for every hypothesis"),
        ("Sensitivity (heuer)", "Rating changes for each rival"),
        ("Agreement between analysts", "no disagreement to report"),
        ("Milestones", "Made with achbench."),
    ]
    for first, last in sections:
        assert page_of(first) == page_of(last), f"the section {first!r} is split"
    assert page_of("Kazakhstan unrest, January 2022") == 0
    # The matrix flows over pages, its header repeated and no row split.
    matrix_pages = [p for p in pages if re.search(r"Id\s+Evidence\s+Credibility", p)]
    assert len(matrix_pages) >= 2


@pytest.mark.slow
@needs_browser
def test_the_charts_stay_vector(printed: Path) -> None:
    pdf = printed.read_bytes()
    raster = re.search(rb"/Subtype\s*/Image", pdf)
    assert raster is None, "a raster image in the PDF: the charts were not kept as vectors"


def test_without_chromium_it_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "no-such-browser"))
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "-f", "pdf", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == INSTALL_HINT + "\n"
    assert "apt-get install chromium" in INSTALL_HINT
    assert not out.exists()


def test_the_pdf_choice_is_offered() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert "markdown|html|pdf" in result.output
    assert "--format pdf -o report.pdf" in result.output

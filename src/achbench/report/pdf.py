"""The report as PDF: the HTML report printed by headless Chromium.

Why a browser rather than a PDF library: the HTML report (``report.html``) is
already the designed document, with its print CSS (page size, breaks between
sections, colours kept); a browser prints it exactly as it shows it, and keeps
the inline SVG charts as vector drawings, so they stay crisp at any zoom.  A
second layout in a PDF library would drift from the HTML one.  Chromium is
found on ``PATH`` (or named by ``ACHBENCH_CHROMIUM``); it is never downloaded.

The page is printed from a private temporary folder with a fresh browser
profile and every background service off, and the HTML's own
Content-Security-Policy forbids scripts and any outside resource, so printing
fetches nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from achbench.core.errors import SaveError, UsageError

BROWSER_ENV = "ACHBENCH_CHROMIUM"
"""Environment variable naming the Chrome or Chromium program to print with."""

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""Program names tried on ``PATH``, in order."""

INSTALL_HINT = (
    "--format pdf prints the HTML report with headless Chromium, which was not found: "
    "install it (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install "
    f"--cask chromium) or set {BROWSER_ENV} to a Chrome or Chromium program"
)

TIMEOUT = 120.0
"""Seconds Chromium may take to print (a 5,000-item matrix takes about 10)."""

FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--no-pdf-header-footer",
)
"""A quiet, offline, one-shot browser: no first-run screens, updates, sync or
network of its own; no date and file name printed on each page."""


def find_browser() -> str | None:
    """The Chromium program to print with, or None if there is none."""
    named = os.environ.get(BROWSER_ENV)
    if named:
        return shutil.which(named)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, browser: str | None = None, timeout: float = TIMEOUT) -> bytes:
    """The PDF of an HTML page, printed by headless Chromium.

    Raises ``UsageError`` (one line, saying how to install it) when there is no
    browser, and ``SaveError`` when printing fails.
    """
    program = browser or find_browser()
    if program is None:
        raise UsageError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="achbench-pdf-") as folder:
        page = Path(folder, "report.html")
        page.write_text(html, encoding="utf-8")
        pdf = Path(folder, "report.pdf")
        argv = [
            program,
            *FLAGS,
            # Chromium refuses to start as root without this; the page runs no script.
            *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            f"--user-data-dir={Path(folder, 'profile')}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            run = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SaveError(f"Chromium did not print the report within {timeout:.0f} s") from None
        except OSError as exc:
            raise SaveError(f"cannot run {program}: {exc.strerror or exc}") from None
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF"):
            said = run.stderr.decode("utf-8", "replace").strip().splitlines()
            why = said[-1] if said else f"exit status {run.returncode}"
            raise SaveError(f"Chromium did not print the report: {why}")
        return data

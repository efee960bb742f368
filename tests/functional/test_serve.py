"""``achbench serve``: the editor in a real browser, and the token that keeps others out.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``; .ci/run
installs it) through Playwright, which is given that program and never
downloads a browser of its own.  They skip, saying so, only where there is
no Chromium.  Every server listens on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from achbench.cli import main
from achbench.report.pdf import find_browser
from achbench.store.toml import load_data, save
from tests.helpers import small_matrix

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Served:
    url: str
    file: Path
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return self.url.split("?", 1)[0]


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something true, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")


@contextmanager
def serving(file: Path, tmp_path: Path) -> Iterator[Served]:
    """``achbench serve FILE`` in a subprocess on a free loopback port."""
    out, log = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("wb") as stdout, log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "achbench", "serve", str(file), "--port", "0"],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
    try:
        line = wait_for(
            lambda: (
                next((x for x in out.read_text().splitlines() if x.startswith("open ")), None)
                or (process.poll() is not None and log.read_text() + "(exited)")
            ),
            30,
            "the server's address",
        )
        assert line.startswith("open http://127.0.0.1:"), line
        yield Served(line.removeprefix("open "), file, process, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def editors_on(file: Path) -> list[int]:
    """Process ids of the ``achbench edit`` processes on ``file`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"edit" in argv and str(file.resolve()).encode() in argv:
            found.append(int(entry.name))
    return found


def get(url: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


@pytest.fixture
def matrix(tmp_path: Path) -> Path:
    """A small matrix whose first cell (E1 x H1) is unrated."""
    data = small_matrix()
    del data["ratings"]["lead"]["E1"]["H1"]
    path = tmp_path / "small.toml"
    save(data, path)
    return path


# --- the token ------------------------------------------------------------------


def test_a_request_without_the_token_gets_nothing(matrix: Path, tmp_path: Path) -> None:
    with serving(matrix, tmp_path) as served:
        for path in ("/", "/?token=wrong", "/static/js/textual.js", "/download/x"):
            response = get(served.base.rstrip("/") + path)
            assert response.status == 403, path
        assert get(served.base + "ws", UPGRADE).status == 403
        assert get(served.base + "ws?token=wrong", UPGRADE).status == 403
        assert editors_on(matrix) == [], "a refused websocket started an editor"

        page = get(served.url)
        assert page.status == 200
        cookie = page.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert page.headers["Referrer-Policy"] == "no-referrer"
        token = served.url.split("token=", 1)[1]
        name = f"achbench-token-{urlsplit(served.url).port}"
        assert cookie.startswith(f"{name}={token};")
        # The cookie lets the page's own requests in; another origin's websocket is refused.
        assert (
            get(served.base + "static/js/textual.js", {"Cookie": f"{name}={token}"}).status == 200
        )
        foreign = {**UPGRADE, "Cookie": f"{name}={token}", "Origin": "http://localhost:9"}
        assert get(served.base + "ws", foreign).status == 403


def test_another_host_is_warned_about(monkeypatch: pytest.MonkeyPatch) -> None:
    from achbench.cli import webserver

    monkeypatch.setattr(webserver.EditorServer, "listen", lambda self, port: None)
    monkeypatch.setattr(webserver.EditorServer, "run", lambda self, sock: None)
    result = CliRunner().invoke(main, ["serve", "--host", "192.0.2.7", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: listening on 192.0.2.7, not only this machine")
    quiet = CliRunner().invoke(main, ["serve", "--host", "::1"])
    assert quiet.stderr == ""
    assert "open http://[::1]:" in quiet.stdout


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cannot listen on 127.0.0.1 port {port}: ")


def test_a_file_that_does_not_load_is_reported_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "achbench/1"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", str(bad)])
    assert result.exit_code == 2
    assert "title" in result.stderr


# --- in a real browser ------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium = find_browser()
    if chromium is None:
        pytest.skip("no Chromium to drive (Debian: apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS, timeout=60_000
        )
        try:
            yield launched
        finally:
            launched.close()


def open_editor(browser: Any, served: Served) -> Any:
    """A tab on the served editor, once the editor has drawn its screen."""
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    page.set_default_timeout(30_000)
    page.goto(served.url)
    page.wait_for_function("document.body.classList.contains('-first-byte')")
    page.click("#terminal")
    return page


def settled(page: Any) -> bytes:
    """A screenshot once the screen has stopped changing (the editor has drawn and focused)."""
    last = page.screenshot()
    for _ in range(40):
        time.sleep(0.5)
        shot = page.screenshot()
        if shot == last:
            return shot
        last = shot
    raise AssertionError("the editor's screen never settled")


def rating(file: Path, e: str = "E1", h: str = "H1") -> str | None:
    try:
        return load_data(file).get("ratings", {}).get("lead", {}).get(e, {}).get(h)
    except Exception:  # caught mid-write: try again
        return None


def test_a_browser_tab_rates_a_cell_and_saves_it(
    browser: Any, matrix: Path, tmp_path: Path
) -> None:
    assert rating(matrix) is None
    with serving(matrix, tmp_path) as served:
        page = open_editor(browser, served)
        settled(page)
        page.keyboard.press("2")
        page.keyboard.press("Control+s")
        wait_for(lambda: rating(matrix) == "C", 20, "E1 x H1 saved as C")
        page.screenshot(path=str(tmp_path / "served.png"))
        page.close()
        wait_for(lambda: not editors_on(matrix), 20, "the tab's editor to end")
    assert not (matrix.parent / ".small.recover.toml").exists(), "saved work left a recovery file"


def test_closing_a_tab_with_unsaved_work_leaves_a_recovery_file(
    browser: Any, matrix: Path, tmp_path: Path
) -> None:
    recovery = matrix.parent / ".small.recover.toml"
    with serving(matrix, tmp_path) as served:
        page = open_editor(browser, served)
        wait_for(lambda: editors_on(matrix), 20, "the tab's editor")
        before = settled(page)
        page.keyboard.press("6")
        wait_for(lambda: page.screenshot() != before, 15, "the editor to show the rating")
        page.screenshot(path=str(tmp_path / "unsaved.png"))
        page.close()
        wait_for(recovery.exists, 20, "the recovery file")
        wait_for(lambda: not editors_on(matrix), 20, "the tab's editor to end")
    assert rating(matrix) is None, "closing a tab saved the file"
    assert 'H1 = "NA"' in recovery.read_text(encoding="utf-8")


def test_a_browser_tab_and_another_editor_on_the_same_file(
    browser: Any, matrix: Path, tmp_path: Path
) -> None:
    with serving(matrix, tmp_path) as served:
        page = open_editor(browser, served)
        wait_for(lambda: editors_on(matrix), 20, "the tab's editor")
        before = settled(page)
        # Another editor (a terminal one, say) saves the file meanwhile.
        other = load_data(matrix)
        other["title"] = "Saved elsewhere"
        save(other, matrix)
        page.keyboard.press("2")
        wait_for(lambda: page.screenshot() != before, 15, "the rating on screen")
        # The tab's ctrl+s must not overwrite the other save without asking...
        rated = settled(page)
        page.keyboard.press("Control+s")
        wait_for(lambda: page.screenshot() != rated, 15, "the question on screen")
        settled(page)
        page.screenshot(path=str(tmp_path / "changed-on-disk.png"))
        assert load_data(matrix)["title"] == "Saved elsewhere"
        # ...and "o" (overwrite) in the question it asks writes the tab's matrix.
        page.keyboard.press("o")
        wait_for(lambda: rating(matrix) == "C", 20, "the tab's save after 'o'")
        assert load_data(matrix)["title"] == "Small"
        page.close()

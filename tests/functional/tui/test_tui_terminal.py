"""The real editor in a real terminal: stopped or killed, it loses no more than seconds.

One test drives a bare pseudo-terminal (SIGHUP: the terminal closes); the others
run the editor in tmux, typing as a person types (keys sent one after another
with no pause) and then stopping it: ctrl+c, SIGINT and SIGTERM must write the
recovery file and say where; SIGKILL, which nothing can catch, must find the
background copy written within the refresh interval (shortened here through
``ACHBENCH_RECOVERY_SECONDS``).
"""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from achbench.editing.recovery_files import REFRESH_ENV
from achbench.store import toml as store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")

ACHBENCH = Path(sys.executable).parent / "achbench"


def _read(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


@pytest.mark.slow
def test_sighup_in_a_terminal_keeps_work_and_prints_no_matrix(small: Path) -> None:
    exe = ACHBENCH
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    process = subprocess.Popen(
        [str(exe), str(small)], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    try:
        screen = b""
        deadline = time.monotonic() + 30
        while b"Small test matrix" not in screen and b"small.toml" not in screen:
            assert time.monotonic() < deadline, "the editor did not draw"
            screen += _read(leader, 0.5)
        os.write(leader, b"5")
        time.sleep(1.0)
        screen += _read(leader, 0.5)
        process.send_signal(signal.SIGHUP)
        process.wait(timeout=30)
        tail = _read(leader, 1.0)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    recovery = small.parent / ".small.recover.toml"
    assert recovery.exists()
    assert 'H1 = "II"' in recovery.read_text(encoding="utf-8")
    assert process.returncode == 128 + signal.SIGHUP
    assert b"[ratings" not in screen + tail, "the matrix is never printed"
    assert b".small.recover.toml" in tail, "the user is told where the work went"


# -- in tmux --------------------------------------------------------------------------------

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


WRAPPER = """\
import subprocess, sys
editor = subprocess.Popen(sys.argv[2:])
with open(sys.argv[1], "w") as pid_file:
    pid_file.write(str(editor.pid))
print(f"[exit {editor.wait()}]")
"""
"""Runs the editor in the terminal and says how it ended (tmux's own record of a dead
pane's status is not always there), minus N if signal N killed it."""


class Tmux:
    """A private tmux server (its own socket) running the editor in a 100 x 30 window.

    The window stays after the editor exits (``remain-on-exit``), so what it
    printed once the terminal was restored, and how it ended, can be read.
    """

    def __init__(self, folder: Path) -> None:
        self.socket = f"achbench-test-{uuid.uuid4().hex[:12]}"
        self.config = folder / "tmux.conf"
        self.config.write_text("set -g remain-on-exit on\n", encoding="utf-8")
        self.wrapper = folder / "run_editor.py"
        self.wrapper.write_text(WRAPPER, encoding="utf-8")
        self.pid_file = folder / "editor.pid"
        self.started = False
        self.socket_path: Path | None = None

    def tmux(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, "-f", str(self.config), *args]
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, f"{shlex.join(command)}: {done.stderr}"
        return done.stdout

    def start(self, matrix: Path, **env: str) -> None:
        """Run ``achbench MATRIX`` in the window (again in the same window if it ran before)."""
        settings = [f"{key}={value}" for key, value in env.items()]
        editor = [str(ACHBENCH), str(matrix)]
        wrapped = [sys.executable, str(self.wrapper), str(self.pid_file), *editor]
        command = shlex.join(["exec", "env", "TERM=xterm-256color", *settings, *wrapped])
        self.pid_file.unlink(missing_ok=True)
        if self.started:
            self.tmux("clear-history", "-t", "editor")
            self.tmux("respawn-pane", "-k", "-t", "editor", command)
        else:
            size = ["-x", "100", "-y", "30"]
            self.tmux("new-session", "-d", "-s", "editor", *size, command)
            self.started = True
            self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def send(self, *keys: str) -> None:
        """Type ``keys`` one after another, as fast as tmux takes them."""
        for key in keys:
            self.tmux("send-keys", "-t", "editor", key)

    def screen(self) -> str:
        """The window's text and what scrolled off it, wrapped lines joined."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "editor")

    @property
    def pid(self) -> int:
        """The editor's process id."""
        end = time.monotonic() + 30
        while not self.pid_file.exists() or not self.pid_file.read_text(encoding="utf-8"):
            assert time.monotonic() < end, "the editor did not start"
            time.sleep(0.1)
        return int(self.pid_file.read_text(encoding="utf-8"))

    def wait(self, check: Callable[[str], bool], seconds: float = 30.0) -> str:
        """The screen once ``check(screen)`` holds (fails after ``seconds``)."""
        end = time.monotonic() + seconds
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            assert time.monotonic() < end, f"timed out; the screen shows:\n{screen}"
            time.sleep(0.1)

    def settled(self) -> str:
        """The screen once it stops changing: every key typed has been handled."""
        previous = None
        while True:
            screen = self.wait(lambda text: "modified" in text)
            if screen == previous:
                return screen
            previous = screen
            time.sleep(0.5)

    def exit_status(self, seconds: float = 30.0) -> int:
        """Wait for the editor to end; its exit status (-N if signal N killed it)."""
        found = re.search(r"\[exit (-?\d+)\]", self.wait(lambda text: "[exit " in text, seconds))
        assert found is not None
        return int(found.group(1))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)  # tmux may leave it behind


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    terminal = Tmux(tmp_path)
    try:
        yield terminal
    finally:
        terminal.close()


TYPED = ("5", "3", "1", "6")
"""Ratings as typed from E1/H1 (the cursor advances along the row): II, N, CC, then NA on E2/H1."""
EXPECTED = {("E1", "H1"): "II", ("E1", "H2"): "N", ("E1", "H3"): "CC", ("E2", "H1"): "NA"}


def _kept(recovery: Path) -> dict[tuple[str, str], object]:
    """The lead analyst's ratings of the cells typed, as the recovery file holds them."""
    if not recovery.exists():
        return {}
    ratings = store.parse(recovery.read_text(encoding="utf-8")).get("ratings", {})
    assert isinstance(ratings, dict)
    lead = ratings.get("lead", {})
    return {cell: lead.get(cell[0], {}).get(cell[1]) for cell in EXPECTED}


def _drawn(screen: str) -> bool:
    return "small.toml" in screen and "Alpha" in screen


@pytest.mark.slow
@needs_tmux
def test_sigkill_loses_no_more_than_the_refresh_interval(small: Path, tmux: Tmux) -> None:
    interval = 0.5
    recovery = small.parent / ".small.recover.toml"
    tmux.start(small, **{REFRESH_ENV: str(interval)})
    tmux.wait(_drawn)
    tmux.send(*TYPED)
    time.sleep(3 * interval)
    end = time.monotonic() + 30  # a loaded machine handles the keys late
    while _kept(recovery) != EXPECTED:
        assert time.monotonic() < end, f"no background copy: {_kept(recovery)}"
        time.sleep(interval)
    os.kill(tmux.pid, signal.SIGKILL)
    assert tmux.exit_status() == -signal.SIGKILL
    assert _kept(recovery) == EXPECTED, "the copy survives the kill, whole"
    assert recovery.stat().st_mode & 0o077 == 0

    tmux.start(small)
    tmux.wait(lambda screen: "Recover unsaved changes?" in screen)
    tmux.send("r")
    tmux.settled()
    tmux.send("C-s")
    tmux.wait(lambda screen: "Saved" in screen)
    tmux.send("q")
    assert tmux.exit_status() == 0
    lead = store.load_data(small)["ratings"]["lead"]
    assert {cell: lead[cell[0]][cell[1]] for cell in EXPECTED} == EXPECTED
    assert not recovery.exists(), "the save retired it"


@pytest.mark.slow
@needs_tmux
@pytest.mark.parametrize("stop", ["ctrl+c", "SIGINT", "SIGTERM"])
def test_stopped_in_tmux_keeps_the_work_and_says_where(small: Path, tmux: Tmux, stop: str) -> None:
    recovery = small.parent / ".small.recover.toml"
    tmux.start(small, **{REFRESH_ENV: "3600"})  # no background copy: the stop writes it
    tmux.wait(_drawn)
    tmux.send(*TYPED)
    if stop == "ctrl+c":
        tmux.send("C-c")  # a terminal in raw mode sends it as a key, after the ratings
        number = signal.SIGINT
    else:
        tmux.settled()  # the ratings typed have been handled
        number = getattr(signal, stop)
        os.kill(tmux.pid, number)
    assert tmux.exit_status() == 128 + number
    assert _kept(recovery) == EXPECTED
    screen = tmux.screen()
    line = f"achbench: unsaved work kept in {recovery}; open {small} again to restore it"
    assert line in screen, screen
    assert "[ratings" not in screen, "the matrix is never printed"

"""Quick add in a real terminal: titles typed without a pause all arrive, in order.

The editor runs in tmux (a private server, ``tmux -L``) and every key goes in
one ``send-keys`` call, as fast as a person who never waits for the screen:
five hypothesis titles into the form a new matrix opens with, ``E`` and thirty
evidence titles, then Ctrl+S.  The saved file must hold every item, in the
order typed, with its title.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from achbench.store import toml as store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux"),
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal"),
]


class Tmux:
    """One editor in a detached tmux session on a private server."""

    def __init__(self, tmp_path: Path, size: tuple[int, int] = (120, 35)) -> None:
        self.server = f"achbench-test-{os.getpid()}-{time.monotonic_ns()}"
        self.session = "editor"
        self.size = size
        self.env = {
            **os.environ,
            "ACHBENCH_CONFIG_DIR": str(tmp_path / "config"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "TERM": "xterm-256color",
        }

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.server, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def start(self, command: list[str], cwd: Path) -> None:
        width, height = self.size
        line = " ".join(f"'{part}'" for part in command)
        self.run(
            "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
            "-c", str(cwd), f"{line}; echo achbench exited $?; sleep 60",
        )  # fmt: skip

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            assert time.monotonic() < deadline, f"{text!r} never showed:\n{shown}"
            time.sleep(0.1)

    def type(self, keys: str) -> None:
        """Send ``keys`` literally (``\\r`` is Enter, ``\\x13`` Ctrl+S) in one go."""
        self.run("send-keys", "-t", self.session, "-l", keys)

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.server, "kill-server"], env=self.env, check=False)


def test_thirty_items_and_five_hypotheses_typed_without_waits(tmp_path: Path) -> None:
    target = tmp_path / "fast.toml"
    exe = str(Path(sys.executable).parent / "achbench")
    tmux = Tmux(tmp_path)
    hypotheses = [f"Hypothesis {n} typed fast" for n in range(1, 6)]
    evidence = [f"Evidence item {n}: seen on day {n}" for n in range(1, 31)]
    try:
        tmux.start([exe, "new", str(target), "--title", "Typed fast"], tmp_path)
        tmux.wait_for("Quick add")
        keys = "".join(f"{title}\r" for title in hypotheses) + "\r"  # empty Enter ends
        keys += "E" + "".join(f"{title}\r" for title in evidence) + "\r"
        keys += "\x13"  # Ctrl+S
        tmux.type(keys)
        deadline = time.monotonic() + 60
        while not target.exists() or "E30" not in target.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, f"not saved:\n{tmux.screen()}"
            time.sleep(0.2)
        tmux.type("q")
    finally:
        tmux.stop()
    data = store.load_data(target)
    assert list(data["hypotheses"]) == [f"H{n}" for n in range(1, 6)]
    assert [h["title"] for h in data["hypotheses"].values()] == hypotheses
    assert list(data["evidence"]) == [f"E{n}" for n in range(1, 31)]
    assert [e["title"] for e in data["evidence"].values()] == evidence


def test_titles_typed_before_the_editor_has_drawn_reach_the_first_form(tmp_path: Path) -> None:
    """Keys sent at once after launch, before the first screen: the form for the
    first hypothesis is open before any key is read, and an Enter the terminal
    turned into a line feed (typed before raw mode) still adds the title."""
    target = tmp_path / "early.toml"
    exe = str(Path(sys.executable).parent / "achbench")
    tmux = Tmux(tmp_path)
    hypotheses = ["Alpha typed early", "Beta typed early"]
    try:
        tmux.start([exe, "new", str(target), "--title", "Typed early"], tmp_path)
        tmux.type("".join(f"{title}\r" for title in hypotheses) + "\r")  # no wait at all
        tmux.wait_for("H2 Beta typed")
        tmux.type("\x13")  # Ctrl+S once drawn: typed before raw mode it is flow control
        deadline = time.monotonic() + 60
        while not target.exists():
            assert time.monotonic() < deadline, f"not saved:\n{tmux.screen()}"
            time.sleep(0.2)
        time.sleep(0.5)  # the atomic write is complete once the file is there
        tmux.type("q")
    finally:
        tmux.stop()
    data = store.load_data(target)
    assert [h["title"] for h in data["hypotheses"].values()] == hypotheses

"""The real editor in a pseudo-terminal: killed with SIGHUP, it keeps the work quietly."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")


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
    exe = Path(sys.executable).parent / "achbench"
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

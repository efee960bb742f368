"""Unsaved work frozen at one instant and written out of the editor's way.

A ``Snapshot`` is taken on the editor's thread; it is written either by a forked
child process (``write_in_child``: the fork shares the matrix copy-on-write, so
nothing is copied by hand and the editor's thread never waits for the
interpreter lock) or, where forking is unsafe, by a thread on a copy
(``copy_matrix``).  ``editing.recovery`` says why and when.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, NoReturn, TypeVar, cast

from achbench.core.data import MatrixData
from achbench.core.errors import SaveError
from achbench.store import toml as store
from achbench.store.atomic import write_atomic

T = TypeVar("T")

CHILD_NICENESS: Final = 10
"""How much lower a forked child's scheduling priority is than the editor's: a
save or sort takes a whole core for seconds, and on a machine with few cores the
editor, which only reads keys and draws, must still get one when it needs it."""

OWNER_ONLY: Final = 0o600
"""A recovery file's permissions: the matrix may be confidential."""
FORKS: Final = hasattr(os, "fork") and sys.platform != "darwin"
"""True where background copies are written by a forked process (see above)."""


ITEM_TABLES: Final = ("hypotheses", "evidence", "milestones")
"""Tables of items whose fields are all single values (``core.data``)."""


def _copied(value: object) -> object:
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value  # str, numbers, dates: immutable, shared


def copy_matrix(data: MatrixData) -> MatrixData:
    """A copy of ``data`` that later edits do not reach, made quickly.

    Every dict is copied and the values in them shared: strings, numbers and
    dates cannot change.  The fields of hypotheses, evidence and milestones are
    all such single values, so each item is copied with one ``dict`` call, and
    the ratings, nearly all of a large matrix, row by row: at 100 x 10,000 this
    takes about 25 ms where ``copy.deepcopy`` takes 600 ms.  Anything else
    (conflicts, the matrix' own fields) is copied all the way down.
    """
    tables = (*ITEM_TABLES, "ratings")
    copy = {key: _copied(value) for key, value in data.items() if key not in tables}
    for key in ITEM_TABLES:
        items = data.get(key)
        if isinstance(items, dict):
            copy[key] = {item: dict(fields) for item, fields in items.items()}
    if "ratings" in data:
        copy["ratings"] = {
            analyst: {evidence: dict(row) for evidence, row in table.items()}
            for analyst, table in data["ratings"].items()
        }
    return cast(MatrixData, copy)


def _body(data: MatrixData) -> str:
    try:
        return store.dumps(data)
    except Exception:  # invalid data (no hypotheses yet): write it as it is
        import tomli_w

        return tomli_w.dumps(data, multiline_strings=True)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Unsaved work taken on the editor's thread, to be written elsewhere."""

    data: MatrixData
    """The matrix: copied for a thread; itself for a forked child or a write made at once."""
    header: str
    """The comment lines the file opens with."""
    places: tuple[Path, ...]
    """Where to write it, in order of preference."""
    serial: int
    """Snapshots are numbered: a write never replaces a newer one's."""
    epoch: int
    """The recovery's epoch when taken: a retire or discard since voids the snapshot."""

    def text(self) -> bytes:
        """The recovery file's bytes (the slow part: serialising the matrix)."""
        return (self.header + _body(self.data)).encode("utf-8")


def write_places(text: bytes, places: tuple[Path, ...]) -> Path:
    """Write ``text`` (owner only, atomically) to the first of ``places`` that takes
    it and return that place; ``SaveError`` naming every reason if none does."""
    reasons = []
    for place in places:
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(place, text, mode=OWNER_ONLY)
        except (SaveError, OSError) as exc:
            reasons.append(str(exc) if isinstance(exc, SaveError) else f"{place}: {exc}")
            continue
        return place
    raise SaveError("cannot keep unsaved work: " + "; ".join(reasons))


@dataclass(slots=True)
class Job:
    """A background copy being written by a forked child process."""

    pid: int
    """The child's process id."""
    report: int
    """The read end of the pipe the child reports through."""
    snapshot: Snapshot
    reaped: bool = field(default=False)
    """True once the child has ended and been waited for (its pid may be reused then)."""
    stopped: bool = field(default=False)
    """True if the editor stopped it (a newer write, a save or a discard came)."""
    status: int = field(default=0)
    """How the child ended, as ``os.waitpid`` says."""


OK_MARK: Final = "ok"
"""How a child's report begins when it wrote the file (then NUL and the path)."""


def child_begins(report: int) -> None:
    """In a forked child, first: close the parent's end of the pipe, and let a
    signal sent to the child neither reach the editor's event loop (through the
    wake-up descriptor the child shares) nor be ignored."""
    os.close(report)
    with contextlib.suppress(ValueError):  # ValueError: not forked from the main thread
        signal.set_wakeup_fd(-1)
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def child_reports(reply: int, message: bytes) -> None:
    """In a forked child: send the whole report down the pipe."""
    left = memoryview(message)
    while left:
        left = left[os.write(reply, left) :]


def write_in_child(snapshot: Snapshot, report: int, reply: int) -> NoReturn:
    """In the forked child: write the snapshot, report, and end without running any
    of the editor's exit handlers or flushing its buffers."""
    try:
        child_begins(report)
        try:
            message = f"{OK_MARK}\0{write_places(snapshot.text(), snapshot.places)}"
        except BaseException as exc:
            message = f"error\0{exc}" if isinstance(exc, SaveError) else f"error\0{exc!r}"
        child_reports(reply, message.encode("utf-8", "surrogateescape"))
    finally:
        os._exit(0)


def described_status(status: int) -> str:
    """A child's wait status in words."""
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def fork_with_pipe(child: Callable[[int, int], NoReturn]) -> tuple[int, int]:
    """Fork; in the child run ``child(report, reply)`` (it must end the process); in
    the parent return the child's pid and the pipe end its report arrives on.

    What a writing child needs (the TOML writers) is imported before the fork, so
    the child imports nothing: a lock another thread held at the instant of the
    fork would stay held in the child.
    """
    import rtoml  # noqa: F401
    import tomli_w  # noqa: F401

    report, reply = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12 warns of forking with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(report)
        os.close(reply)
        raise
    if pid == 0:
        with contextlib.suppress(OSError):  # the editor's keys first, then this work
            os.nice(CHILD_NICENESS)
        child(report, reply)
    os.close(reply)
    return pid, report


def compute_in_child(work: Callable[[], T]) -> Callable[[], T]:
    """Run ``work`` (reading the matrix, writing nothing) in a forked child, which
    sees the matrix as it is now at no cost; call what this returns in a worker
    thread: it waits for the child (blocked in ``os.read``, the interpreter lock
    free) and returns what ``work`` returned, or raises what it raised.

    Why not a thread: a long pure-Python computation in a thread takes the
    interpreter lock from the editor's every few milliseconds, and sorting
    10,000 items made each key wait 200-300 ms meanwhile.  Where fork is missing
    or refused, ``work`` itself is returned, for a thread to run.
    """
    if not FORKS:
        return work
    try:
        return start_in_child(work)
    except OSError:
        return work


def start_in_child(work: Callable[[], T]) -> Callable[[], T]:
    """``compute_in_child`` without a fallback: ``OSError`` if the fork is refused.
    The wait raises ``RuntimeError`` if the child ended without a result, or with
    ``work``'s exception (as its repr)."""
    import pickle

    def child(report: int, reply: int) -> NoReturn:
        try:
            child_begins(report)
            try:
                message = pickle.dumps(("ok", work()))
            except BaseException as exc:
                message = pickle.dumps(("error", repr(exc)))
            child_reports(reply, message)
        finally:
            os._exit(0)

    pid, report = fork_with_pipe(child)

    def wait() -> T:
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := os.read(report, 65536):
                chunks.append(chunk)
        os.close(report)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        try:
            kind, value = pickle.loads(b"".join(chunks))
        except Exception as exc:
            raise RuntimeError(f"the background work ended without a result ({exc!r})") from exc
        if kind != "ok":
            raise RuntimeError(f"the background work failed: {value}")
        return cast(T, value)

    return wait


class Version:
    """A version of the matrix kept for a later three-way merge (the session's base).

    Kept as the text of the file as it was loaded or written where there is one,
    and parsed only when a merge asks for it: taking a copy of a 100 x 10,000
    matrix costs a third of a second on the editor's thread at every open and
    save, while merges with the file on disk are rare.  Where there is no text (a
    save made at once, small matrices; a merge's result) it holds a copy.
    """

    __slots__ = ("_data", "_path", "_text")

    def __init__(
        self, *, data: MatrixData | None = None, text: str | bytes | None = None, path: str = ""
    ) -> None:
        if (data is None) == (text is None):
            raise ValueError("a version is kept as data or as text, not both")
        self._data = data
        self._text = text
        self._path = path or "<base>"

    def data(self) -> MatrixData:
        """The version as data, parsed and validated on first use (then kept)."""
        if self._data is None:
            assert self._text is not None
            text = self._text if isinstance(self._text, str) else self._text.decode("utf-8")
            self._data = store.load_text(text, self._path)
            self._text = None
        return self._data

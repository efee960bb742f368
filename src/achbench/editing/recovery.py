"""Recovery files: unsaved work kept when the editor is killed, for the next run to restore.

The editor never loses more than a few seconds of work.  Two writes see to it:

* **in the background**, while there are unsaved changes, the work is copied to
  the recovery file at most every ``REFRESH_SECONDS`` (a ``SIGKILL`` or a power
  loss, which nothing can catch, loses at most that much);
* **at the end**, when the editor is stopped by a signal (SIGINT, SIGTERM,
  SIGHUP) or crashes, the work as it is then.

A recovery file is ``.NAME.recover.toml`` beside the matrix.  When the matrix's
folder cannot be written (read-only, full), it goes to the user's state folder
(``platformdirs.user_state_dir("achbench")``, e.g. ``~/.local/state/achbench``)
as ``NAME-HASH.recover.toml``, the hash naming the matrix's absolute path so two
``notes.toml`` in different folders do not share one; the bundled example, which
has no folder of its own, always recovers there.  A recovery file that is not
this editor's (another editor's, or one put off with Later) is never replaced:
this editor's then goes to ``NAME-HASH-pPID.recover.toml`` in the state folder.
The next run looks in every place and offers the newest; the run after, the next.

A recovery file is readable by its owner only, written with the one atomic
writer, and opens with comment lines saying what it is; one of them names the
fingerprint of the file the work began from, so that saving restored work over a
file another editor saved meanwhile asks first.

The background copy must not hold up keys.  Serialising a 100 x 10,000 matrix
takes one to two seconds, and a thread would not help: it would hold the
interpreter lock for most of that time (in long C calls such as the TOML parser
that checks the text reads back), and the editor's thread, which needs the lock
back after every wait for input, would answer keys a second late.  So where the
system has ``fork`` (Linux and the BSDs) the copy is written by a **forked
child process**: the fork takes a few milliseconds and gives the child the
matrix as it is at that instant (the memory is shared copy-on-write, so nothing
is copied by hand); the child serialises, writes atomically, reports the path
through a pipe and exits, and a thread waits for it without holding the lock.
Elsewhere (Windows, and macOS, where forking a process that has threads is
unsafe) the matrix is copied (``copy_matrix``, about 25 ms) and a thread writes
the copy.

Writes are numbered.  A later write (the one made when a signal comes) and a
save or discard first stop a background child still under way, and a copy that
finishes after the work was saved, discarded or written anew is removed, never
left to be offered back.

Only the editor that wrote or restored a recovery file retires it when it
saves: one beside the matrix may hold another editor's unsaved work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final, NoReturn, cast

from achbench.core.data import MatrixData
from achbench.core.errors import SaveError
from achbench.core.validate import validate_data
from achbench.editing.document import EXAMPLE_NAME, Document, as_matrix
from achbench.store import toml as store
from achbench.store.atomic import glob_escape, write_atomic
from achbench.store.files import read_text

RECOVERY_SUFFIX: Final = ".recover.toml"
"""How a recovery file's name ends."""
BASE_MARK: Final = "# edited from the file whose SHA-256 is "
"""Header line of a recovery file naming the version of the file the work began from."""
OWNER_ONLY: Final = 0o600
"""A recovery file's permissions: the matrix may be confidential."""
REFRESH_SECONDS: Final = 10.0
"""How often, at most, unsaved work is copied to the recovery file in the background:
what a SIGKILL or a power loss can lose."""
REFRESH_ENV: Final = "ACHBENCH_RECOVERY_SECONDS"
"""Environment variable that shortens (or lengthens) ``REFRESH_SECONDS``, for tests."""
PATH_HASH_LENGTH: Final = 12
"""Hex digits of the matrix path's SHA-256 in a fallback recovery file's name."""
FORKS: Final = hasattr(os, "fork") and sys.platform != "darwin"
"""True where background copies are written by a forked process (see above)."""


def refresh_seconds() -> float:
    """The background refresh interval: ``REFRESH_ENV`` if it is a positive number."""
    text = os.environ.get(REFRESH_ENV, "")
    try:
        seconds = float(text)
    except ValueError:
        return REFRESH_SECONDS
    return seconds if 0 < seconds < float("inf") else REFRESH_SECONDS


def state_dir() -> Path:
    """The user's state folder for achbench, where recovery files go when they
    cannot go beside the matrix (``$XDG_STATE_HOME/achbench`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("achbench", appauthor=False))


def recovery_path(path: Path | None, name: str = EXAMPLE_NAME) -> Path:
    """The recovery file of a matrix: ``.NAME.recover.toml`` beside it.

    A matrix with no file (the example) recovers into the state folder.
    """
    if path is None:
        return state_dir() / f"{Path(name).stem}{RECOVERY_SUFFIX}"
    stem = path.name.removesuffix(".toml")
    return path.parent / f".{stem}{RECOVERY_SUFFIX}"


def state_stem(path: Path | None, name: str = EXAMPLE_NAME) -> str:
    """How a matrix's recovery files in the state folder are named: ``NAME-HASH``,
    HASH from the matrix's absolute path (``NAME`` alone for the example)."""
    if path is None:
        return Path(name).stem
    where = str(path.resolve())
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{path.name.removesuffix('.toml')}-{digest[:PATH_HASH_LENGTH]}"


def fallback_path(path: Path) -> Path:
    """Where a matrix's recovery file goes when its own folder cannot take it:
    ``NAME-HASH.recover.toml`` in the state folder."""
    return state_dir() / f"{state_stem(path)}{RECOVERY_SUFFIX}"


def spare_path(path: Path | None, name: str = EXAMPLE_NAME, pid: int | None = None) -> Path:
    """Where an editor's recovery file goes when the usual places hold another
    editor's (or one put off with Later): ``NAME-HASH-pPID.recover.toml`` in the
    state folder, PID the editor's process id."""
    return state_dir() / f"{state_stem(path, name)}-p{pid or os.getpid()}{RECOVERY_SUFFIX}"


def recovered_base(text: str) -> str | None:
    """The fingerprint a recovery file's header names, if any."""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        digest = line.removeprefix(BASE_MARK)
        if digest != line and len(digest) == 64:
            return digest
    return None


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


def _child(snapshot: Snapshot, report: int, reply: int) -> NoReturn:
    """In the forked child: write the snapshot, report, and end without running any
    of the editor's exit handlers or flushing its buffers."""
    try:
        os.close(report)
        # A signal sent to the child must neither reach the editor's event loop
        # (through the wake-up descriptor the child shares) nor be ignored.
        with contextlib.suppress(ValueError):  # ValueError: not forked from the main thread
            signal.set_wakeup_fd(-1)
            for name in ("SIGINT", "SIGTERM", "SIGHUP"):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        try:
            message = f"{OK_MARK}\0{write_places(snapshot.text(), snapshot.places)}"
        except BaseException as exc:
            message = f"error\0{exc}" if isinstance(exc, SaveError) else f"error\0{exc!r}"
        left = message.encode("utf-8", "surrogateescape")
        while left:
            left = left[os.write(reply, left) :]
    finally:
        os._exit(0)


def _ended(status: int) -> str:
    """A child's wait status in words."""
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


class Recovery:
    """The recovery file of one document, and whether this session wrote or restored it."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.own: Path | None = None
        """The recovery file this session wrote or restored: the only one its save retires."""
        self._lock = threading.RLock()
        self._serial = 0
        self._written = 0
        self._epoch = 0
        self._job: Job | None = None

    @property
    def path(self) -> Path:
        """Where the document's unsaved work goes (it moves with a save as)."""
        return recovery_path(self.document.path, self.document.name)

    @property
    def epoch(self) -> int:
        """Changes whenever the recovery file is retired or discarded."""
        return self._epoch

    @property
    def job(self) -> Job | None:
        """The forked background copy under way, if any."""
        return self._job

    def places(self) -> tuple[Path, ...]:
        """Where this session's next copy may go, first choice first: beside the
        matrix, then the state folder, then a name of this editor's own there.

        A place holding a recovery file that is not this session's (another
        editor's, or one put off with Later) is passed over: it is never replaced.
        The example has no place beside it: its first place is in the state folder.
        """
        path, name = self.document.path, self.document.name
        usual = [self.path] if path is None else [self.path, fallback_path(path)]
        free = [place for place in usual if place == self.own or not place.exists()]
        return (*free, spare_path(path, name))

    def candidates(self) -> list[Path]:
        """Every recovery file this document has: beside it and in the state folder."""
        path, name = self.document.path, self.document.name
        stem = state_stem(path, name)
        usual = [self.path] if path is None else [self.path, fallback_path(path)]
        spares = state_dir().glob(f"{glob_escape(stem)}-p*{RECOVERY_SUFFIX}")
        pattern = re.compile(rf"{re.escape(stem)}-p\d+{re.escape(RECOVERY_SUFFIX)}")
        found = [*usual, *sorted(place for place in spares if pattern.fullmatch(place.name))]
        return [place for place in found if place.is_file()]

    def pending(self) -> Path | None:
        """The recovery file a previous run left for this document, if any (the
        newest, if there are several: the next run offers the next)."""
        found = []
        for place in self.candidates():
            with contextlib.suppress(OSError):
                found.append((place.stat().st_mtime, place))
        return max(found)[1] if found else None

    # -- taking and writing snapshots ----------------------------------------------------

    def snapshot(self, data: MatrixData, *, copy: bool = True) -> Snapshot:
        """Take the work as it is now, on the editor's thread (``copy=False`` when
        nothing can change it before it is written)."""
        when = dt.datetime.now().isoformat(timespec="seconds")
        path = self.document.path
        matrix = str(path.absolute()) if path is not None else self.document.describe()
        header = (
            f"# achbench recovery file: unsaved changes to {matrix},\n"
            f"# written {when} by process {os.getpid()}.\n"
            "# The next `achbench FILE` offers to restore it; delete it to discard them.\n"
        )
        if self.document.fingerprint is not None:
            header += f"{BASE_MARK}{self.document.fingerprint}\n"
        with self._lock:
            self._serial += 1
            serial, epoch = self._serial, self._epoch
        kept = copy_matrix(data) if copy else data
        return Snapshot(kept, header, self.places(), serial, epoch)

    def write_snapshot(self, snapshot: Snapshot) -> Path | None:
        """Write a snapshot and return where it went; safe from any thread, prints nothing.

        Raises ``SaveError`` when no place can take it.  Returns None, writing
        nothing, if a newer snapshot was written meanwhile or the work was saved
        or discarded since this one was taken.
        """
        text = snapshot.text()
        with self._lock:
            if not self._current(snapshot):
                return None
            place = write_places(text, snapshot.places)
            self._adopt(place, snapshot.serial)
            return place

    def write(self, data: MatrixData) -> Path:
        """Write ``data`` to the recovery file at once (``SaveError`` if no place
        can take it); a background copy still under way is stopped first."""
        self.cancel()
        written = self.write_snapshot(self.snapshot(data, copy=False))
        assert written is not None, "the newest snapshot is always written"
        return written

    def in_background(self, data: MatrixData) -> Callable[[], Path | None]:
        """Start copying ``data`` to the recovery file without holding up the editor.

        Call on the editor's thread; run what it returns in a worker thread: it
        returns where the copy went (None if it was stopped or superseded) or
        raises ``SaveError``.  Forks a child process where ``FORKS``, else copies
        the matrix for the thread to write.
        """
        if FORKS:
            try:
                return partial(self.wait, self.fork(data))
            except OSError:  # no process to spare (EAGAIN, ENOMEM): a thread, then
                pass
        return partial(self.write_snapshot, self.snapshot(data))

    def fork(self, data: MatrixData) -> Job:
        """Fork a child process that writes ``data`` as it is now (see the module)."""
        # What the child needs is imported here, so that it imports nothing itself:
        # a lock another thread held at the instant of the fork stays held in the child.
        import rtoml  # noqa: F401
        import tomli_w  # noqa: F401

        self.cancel()
        snapshot = self.snapshot(data, copy=False)
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
            _child(snapshot, report, reply)
        os.close(reply)
        job = Job(pid, report, snapshot)
        with self._lock:
            self._job = job
        return job

    def wait(self, job: Job) -> Path | None:
        """Wait (in a worker thread) for a forked copy to end; where it went, None if
        it was stopped or superseded, ``SaveError`` if it could not be written."""
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := os.read(job.report, 65536):
                chunks.append(chunk)
        os.close(job.report)
        kind, _, detail = b"".join(chunks).decode("utf-8", "surrogateescape").partition("\0")
        with self._lock:
            self._reap(job)
            if self._job is job:
                self._job = None
            if kind == OK_MARK:
                place = Path(detail)
                if self._current(job.snapshot):
                    self._adopt(place, job.snapshot.serial)
                    return place
                if self.own != place:  # finished after a save, a discard or a newer copy
                    with contextlib.suppress(OSError):
                        place.unlink()
                return None
        if kind:
            raise SaveError(detail)
        if not job.stopped:  # it died (killed by someone else, out of memory)
            raise SaveError(f"the process writing the recovery file ended ({_ended(job.status)})")
        return None  # stopped before it reported

    def cancel(self) -> None:
        """Stop a background copy still under way (a newer write or a save follows)."""
        with self._lock:
            job = self._job
            if job is not None and not job.reaped:
                job.stopped = True
                with contextlib.suppress(ProcessLookupError):
                    os.kill(job.pid, signal.SIGKILL)
                self._reap(job)

    def _reap(self, job: Job) -> None:
        # Under the lock: once reaped, the pid may belong to another process.
        if not job.reaped:
            with contextlib.suppress(ChildProcessError):
                job.status = os.waitpid(job.pid, 0)[1]
            job.reaped = True

    def _current(self, snapshot: Snapshot) -> bool:
        return snapshot.epoch == self._epoch and snapshot.serial > self._written

    def _adopt(self, place: Path, serial: int) -> None:
        """``place`` now holds the newest copy: it is this session's own."""
        if self.own is not None and self.own != place:
            with contextlib.suppress(OSError):
                self.own.unlink()  # an older copy in the other place
        self.own = place
        self._written = serial

    # -- restoring, retiring, discarding -----------------------------------------------------

    def read(self) -> tuple[MatrixData, str | None]:
        """The recovered matrix (``MatrixFileError`` if it is bad), and the
        fingerprint of the file the work began from, if the header names it."""
        target = self.pending() or self.path
        text = read_text(target)
        parsed = store.parse(text, target)
        data = validate_data(parsed, str(target), text) if parsed.get("hypotheses") else parsed
        self.own = target
        return as_matrix(data), recovered_base(text)

    def retire(self) -> None:
        """The work was saved (or is being discarded): delete this session's own
        recovery file, if any; a background copy under way is stopped."""
        self.cancel()
        with self._lock:
            self._epoch += 1
            own, self.own = self.own, None
        if own is not None:
            with contextlib.suppress(OSError):
                own.unlink()

    def discard(self) -> None:
        """Delete the recovery file ``pending`` names (the one offered), whoever
        wrote it; a background copy under way is stopped."""
        self.cancel()
        target = self.pending()
        with self._lock:
            self._epoch += 1
            if self.own == target:
                self.own = None
        if target is not None:
            with contextlib.suppress(OSError):
                target.unlink()

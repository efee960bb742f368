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
import os
import re
import signal
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from achbench.core.data import MatrixData
from achbench.core.errors import SaveError
from achbench.core.validate import validate_data
from achbench.editing import snapshot as snapshots
from achbench.editing.document import Document, as_matrix
from achbench.editing.recovery_files import (
    BASE_MARK,
    RECOVERY_SUFFIX,
    fallback_path,
    recovered_base,
    recovery_path,
    spare_path,
    state_dir,
    state_stem,
)
from achbench.editing.snapshot import (
    FORKS,
    OK_MARK,
    Job,
    Snapshot,
    copy_matrix,
    described_status,
    fork_with_pipe,
    write_in_child,
)
from achbench.store import toml as store
from achbench.store.atomic import glob_escape
from achbench.store.files import read_text


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
            place = snapshots.write_places(text, snapshot.places)
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
        self.cancel()
        snapshot = self.snapshot(data, copy=False)
        pid, report = fork_with_pipe(partial(write_in_child, snapshot))
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
            ended = described_status(job.status)
            raise SaveError(f"the process writing the recovery file ended ({ended})")
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

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
has no folder of its own, always recovers there.  The next run looks in both
places.  The file is readable by its owner only, written with the one atomic
writer, and opens with comment lines saying what it is; one of them names the
fingerprint of the file the work began from, so that saving restored work over a
file another editor saved meanwhile asks first.

The background write must not block keys: serialising a 100 x 10,000 matrix
takes over a second, so the editor's thread only copies the data
(``Recovery.snapshot``, about 30 ms at that size: the containers are copied, the
strings and numbers in them are shared), and a worker thread serialises and
writes the copy (``Recovery.write_snapshot``).  Writes are numbered and made
under a lock, so an older copy finishing late never replaces a newer one, and a
copy that finishes after the work was saved or discarded is not written.

Only the editor that wrote or restored a recovery file retires it when it
saves: one beside the matrix may hold another editor's unsaved work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final, cast

from achbench.core.data import MatrixData
from achbench.core.errors import SaveError
from achbench.core.validate import validate_data
from achbench.editing.document import EXAMPLE_NAME, Document, as_matrix
from achbench.store import toml as store
from achbench.store.atomic import write_atomic
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


def fallback_path(path: Path) -> Path:
    """Where a matrix's recovery file goes when its own folder cannot take it:
    ``NAME-HASH.recover.toml`` in the state folder, HASH from its absolute path."""
    where = str(path.resolve())
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    stem = path.name.removesuffix(".toml")
    return state_dir() / f"{stem}-{digest[:PATH_HASH_LENGTH]}{RECOVERY_SUFFIX}"


def recovered_base(text: str) -> str | None:
    """The fingerprint a recovery file's header names, if any."""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        digest = line.removeprefix(BASE_MARK)
        if digest != line and len(digest) == 64:
            return digest
    return None


def _copied(value: object) -> object:
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value  # str, numbers, dates: immutable, shared


def copy_matrix(data: MatrixData) -> MatrixData:
    """A copy of ``data`` that later edits do not reach, made quickly.

    Every dict and list is copied and the immutable values in them shared; the
    ratings, nearly all of a large matrix, are copied row by row with ``dict``
    (a million cells in about 20 ms, where ``copy.deepcopy`` takes 600 ms).
    """
    copy = {key: _copied(value) for key, value in data.items() if key != "ratings"}
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
    """Unsaved work taken on the editor's thread, to be written from any thread."""

    data: MatrixData
    """The matrix, copied (or, for a write made at once, the matrix itself)."""
    header: str
    """The comment lines the file opens with."""
    places: tuple[Path, ...]
    """Where to write it, in order of preference."""
    serial: int
    """Snapshots are numbered: a write never replaces a newer one's."""
    epoch: int
    """The recovery's epoch when taken: a retire or discard since voids the snapshot."""


class Recovery:
    """The recovery file of one document, and whether this session wrote or restored it."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.own: Path | None = None
        """The recovery file this session wrote or restored: the only one its save retires."""
        self._lock = threading.Lock()
        self._serial = 0
        self._written = 0
        self._epoch = 0

    @property
    def path(self) -> Path:
        """Where the document's unsaved work goes (it moves with a save as)."""
        return recovery_path(self.document.path, self.document.name)

    @property
    def epoch(self) -> int:
        """Changes whenever the recovery file is retired or discarded."""
        return self._epoch

    def places(self) -> tuple[Path, ...]:
        """Where the work may go, first choice first: beside the matrix, then the
        state folder (the example has only the state folder)."""
        first = self.path
        if self.document.path is None:
            return (first,)
        return first, fallback_path(self.document.path)

    def pending(self) -> Path | None:
        """The recovery file a previous run left for this document, if any (the
        newest, if there is one in each place)."""
        found = []
        for place in self.places():
            with contextlib.suppress(OSError):
                if place.is_file():
                    found.append((place.stat().st_mtime, place))
        return max(found)[1] if found else None

    def snapshot(self, data: MatrixData, *, copy: bool = True) -> Snapshot:
        """Take the work as it is now, on the editor's thread (``copy=False`` for a
        write made at once, before anything can change it)."""
        when = dt.datetime.now().isoformat(timespec="seconds")
        header = (
            f"# achbench recovery file: unsaved changes to {self.document.describe()},\n"
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
        """Write a snapshot (owner only, atomically) and return where it went; safe
        from any thread, prints nothing.

        Tries each place in turn; raises ``SaveError`` naming every reason when
        none can take it.  Returns None, writing nothing, if a newer snapshot was
        written meanwhile or the work was saved or discarded since this one was taken.
        """
        text = (snapshot.header + _body(snapshot.data)).encode("utf-8")
        reasons = []
        with self._lock:
            if snapshot.epoch != self._epoch or snapshot.serial <= self._written:
                return None
            for place in snapshot.places:
                try:
                    place.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(place, text, mode=OWNER_ONLY)
                except (SaveError, OSError) as exc:
                    reasons.append(str(exc) if isinstance(exc, SaveError) else f"{place}: {exc}")
                    continue
                if self.own is not None and self.own != place:
                    with contextlib.suppress(OSError):
                        self.own.unlink()  # an older copy in the other place
                self.own = place
                self._written = snapshot.serial
                return place
        raise SaveError("cannot keep unsaved work: " + "; ".join(reasons))

    def write(self, data: MatrixData) -> Path:
        """Write ``data`` to the recovery file at once (``SaveError`` if no place
        can take it); prints nothing."""
        written = self.write_snapshot(self.snapshot(data, copy=False))
        assert written is not None, "the newest snapshot is always written"
        return written

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
        """The work was saved: delete this session's own recovery file, if any
        (a background write still under way is dropped)."""
        with self._lock:
            self._epoch += 1
            own, self.own = self.own, None
        if own is not None:
            with contextlib.suppress(OSError):
                own.unlink()

    def discard(self) -> None:
        """Delete the document's recovery files, whoever wrote them."""
        with self._lock:
            self._epoch += 1
            self.own = None
        for place in self.places():
            with contextlib.suppress(OSError):
                place.unlink()

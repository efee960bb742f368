"""Recovery files: unsaved work kept when the editor is killed, for the next run to restore.

When the editor is stopped by a signal or crashes with unsaved changes, it
writes the matrix to ``.NAME.recover.toml`` beside the file (the bundled
example, which has no folder of its own, recovers into the user's state
folder).  The file is readable by its owner only, written atomically, and opens
with comment lines saying what it is; one of them names the fingerprint of the
file the work began from, so that saving restored work over a file another
editor saved meanwhile asks first.

Only the editor that wrote or restored a recovery file retires it when it
saves: one beside the matrix may hold another editor's unsaved work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Final

from achbench.core.data import MatrixData
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


def state_dir() -> Path:
    """Where recovery files go for a matrix without a folder of its own."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "achbench"


def recovery_path(path: Path | None, name: str = EXAMPLE_NAME) -> Path:
    """The recovery file of a matrix: ``.NAME.recover.toml`` beside it.

    A matrix with no file (the example) recovers into the state folder.
    """
    if path is None:
        return state_dir() / f"{Path(name).stem}{RECOVERY_SUFFIX}"
    stem = path.name.removesuffix(".toml")
    return path.parent / f".{stem}{RECOVERY_SUFFIX}"


def recovered_base(text: str) -> str | None:
    """The fingerprint a recovery file's header names, if any."""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        digest = line.removeprefix(BASE_MARK)
        if digest != line and len(digest) == 64:
            return digest
    return None


def _body(data: MatrixData) -> str:
    try:
        return store.dumps(data)
    except Exception:  # invalid data (no hypotheses yet): write it as it is
        import tomli_w

        return tomli_w.dumps(data, multiline_strings=True)


class Recovery:
    """The recovery file of one document, and whether this session wrote or restored it."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.own: Path | None = None
        """The recovery file this session wrote or restored: the only one its save retires."""

    @property
    def path(self) -> Path:
        """Where the document's unsaved work goes (it moves with a save as)."""
        return recovery_path(self.document.path, self.document.name)

    def pending(self) -> Path | None:
        """The recovery file a previous run left for this document, if any."""
        target = self.path
        return target if target.is_file() else None

    def write(self, data: MatrixData) -> Path:
        """Write ``data`` to the recovery file (owner only, atomically); prints nothing."""
        target = self.path
        when = dt.datetime.now().isoformat(timespec="seconds")
        header = (
            f"# achbench recovery file: unsaved changes to {self.document.describe()},\n"
            f"# written {when} by process {os.getpid()}.\n"
            "# The next `achbench FILE` offers to restore it; delete it to discard them.\n"
        )
        if self.document.fingerprint is not None:
            header += f"{BASE_MARK}{self.document.fingerprint}\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, (header + _body(data)).encode("utf-8"), mode=OWNER_ONLY)
        self.own = target
        return target

    def read(self) -> tuple[MatrixData, str | None]:
        """The recovered matrix (``MatrixFileError`` if it is bad), and the
        fingerprint of the file the work began from, if the header names it."""
        target = self.path
        text = read_text(target)
        parsed = store.parse(text, target)
        data = validate_data(parsed, str(target), text) if parsed.get("hypotheses") else parsed
        self.own = target
        return as_matrix(data), recovered_base(text)

    def retire(self) -> None:
        """The work was saved: delete this session's own recovery file, if any."""
        if self.own is not None:
            with contextlib.suppress(OSError):
                self.own.unlink()
            self.own = None

    def discard(self) -> None:
        """Delete the document's recovery file, whoever wrote it."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.own = None

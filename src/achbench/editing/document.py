"""The file a matrix is edited from: loading it, saving it, and noticing another writer.

Another editor (or ``git pull``) may save the same file while this one has it
open.  To notice, the document keeps the *fingerprint* of the file, the SHA-256
of its bytes, as they were when loaded or last saved, and compares the file
with it before overwriting it:

* on loading, the fingerprint is of the very text that was parsed (hashing a
  second read would leave a gap, seconds for a large matrix, in which another
  editor's save would be taken for our own version);
* on saving, it is the one ``store.atomic.write_atomic`` returns for the bytes
  it wrote, so the file is never read back just to learn what it holds.

Only the bytes are compared, never the size or modification time: a filesystem
with coarse timestamps (one second on ext3 or HFS+) gives two quick saves the
same mtime, and changing one code (C to N) keeps the size, so those would hide
another editor's save.  Hashing costs about 30 ms at 100 x 10,000 cells.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final, cast

from achbench.core.data import MatrixData
from achbench.core.errors import AchbenchError
from achbench.store import toml as store
from achbench.store.atomic import Written, fingerprint
from achbench.store.files import read_text

EXAMPLE_NAME: Final = "kazakhstan-2022.toml"
"""The bundled example's file name: what the title bar shows until it is saved as."""


class ExternalChangeError(AchbenchError):
    """The file on disk changed since it was loaded or last saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path}: changed on disk since it was loaded")


class NeedsPathError(AchbenchError):
    """The matrix has no file of its own yet (the bundled example): save it as."""

    def __init__(self) -> None:
        super().__init__("this matrix has no file yet; save it as a new file")


def example_path() -> Path:
    """The bundled Kazakhstan example inside the installed package (read it, never write it)."""
    return Path(str(resources.files("achbench") / "data" / EXAMPLE_NAME))


def as_matrix(data: object) -> MatrixData:
    """Data that ``validate_data`` passed, typed as the matrix it now is known to be."""
    return cast(MatrixData, data)


def read_matrix(path: Path) -> tuple[MatrixData, str]:
    """Load and validate a matrix file; also the fingerprint of the text parsed."""
    data, digest, _ = read_matrix_text(path)
    return data, digest


def read_matrix_text(path: Path) -> tuple[MatrixData, str, str]:
    """``read_matrix``, also returning the text parsed (the base of a later merge)."""
    text = read_text(path)
    return as_matrix(store.load_text(text, path)), fingerprint(text.encode("utf-8")), text


class Document:
    """Where a matrix is saved, and what that file held when it was last read or written.

    ``path`` is None for the bundled example, which must be saved as a new file
    first; ``name`` is what the title bar shows.
    """

    def __init__(
        self, path: Path | None, name: str | None = None, fingerprint: str | None = None
    ) -> None:
        self.path = path
        self.name = name or (path.name if path else EXAMPLE_NAME)
        self.fingerprint = fingerprint
        """SHA-256 of ``path`` as loaded or last saved; None if it was never read or written."""

    @property
    def needs_path(self) -> bool:
        """True while there is no file to save to (the example): save as first."""
        return self.path is None

    def describe(self) -> str:
        """The document in words: its file, or that it is the example."""
        return str(self.path) if self.path else f"the example {self.name}"

    def disk_changed(self) -> bool:
        """True if the file was changed or removed by someone else since load or save."""
        if self.path is None or self.fingerprint is None:
            return False
        try:
            return fingerprint(self.path.read_bytes()) != self.fingerprint
        except OSError:
            return True

    def save(self, data: MatrixData, path: Path | None = None, *, force: bool = False) -> Path:
        """Write ``data`` atomically to ``path`` (default: the document's file) and return it.

        Raises ``NeedsPathError`` when there is no file yet, ``ExternalChangeError``
        when the document's own file changed on disk (unless ``force``), and
        ``MatrixFileError`` when the matrix is not valid (nothing is written).
        From then on the document is that file.
        """
        target = self.target(path, force=force)
        self.wrote(target, store.save(data, target))
        return target

    def target(self, path: Path | None = None, *, force: bool = False) -> Path:
        """Where a save goes, checked first as ``save`` checks it (before a save in
        the background, which writes it with ``wrote`` once it is done)."""
        target = path if path is not None else self.path
        if target is None:
            raise NeedsPathError()
        same = self.path is not None and target.resolve() == self.path.resolve()
        if same and not force and self.disk_changed():
            raise ExternalChangeError(target)
        return target

    def wrote(self, target: Path, written: Written) -> None:
        """A save to ``target`` wrote ``written``: from now on the document is that file."""
        self.path = target
        self.name = target.name
        self.fingerprint = written.sha256

    def began_from(self, digest: str) -> None:
        """The work in hand was begun from this version of the file (restored work):
        if another editor saved since, saving it asks first."""
        if self.path is not None:
            self.fingerprint = digest

    def reload(self) -> MatrixData:
        """The matrix as the file holds it now; the document takes its fingerprint."""
        if self.path is None:
            raise NeedsPathError()
        data, self.fingerprint = read_matrix(self.path)
        return data

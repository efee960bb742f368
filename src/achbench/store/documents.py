"""Reading the documents evidence cites: UTF-8 text or Markdown, up to 50 MiB.

A source's ``path`` is relative to the matrix file's folder; a user may keep the
documents elsewhere and name that folder (``check --sources-dir``). Reading goes
through ``store.files.read_bytes``, so a document meets the same rule as any
input file (regular files only, a bounded read), with its own cap.

HTML and PDF are out of scope: a document is read as text, markup and all. No
small, well-kept library turns a PDF into text faithfully enough to hold a
verbatim quote against (hyphenation, columns and ligatures differ from reader
to reader), and an HTML page's text depends on how it is rendered; save the
passage's text instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from achbench.core.errors import MatrixFileError
from achbench.store.files import file_error, read_bytes

DOCUMENT_LIMIT = 50 * 1024 * 1024
"""The largest document read, in bytes."""


@dataclass(frozen=True)
class Document:
    """A source document as read: its bytes and their sha256.

    The bytes are kept rather than text: quotes found as typed are found in the
    UTF-8 bytes without decoding them (``analysis.quotes.find_quotes``).
    """

    path: Path
    raw: bytes
    sha256: str

    def text(self) -> str:
        """The document as UTF-8 text (a byte-order mark dropped), or a located error."""
        try:
            text = self.raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise not_utf8(self.path, exc) from None
        return text[1:] if text.startswith("\ufeff") else text


def not_utf8(path: Path, exc: UnicodeDecodeError) -> MatrixFileError:
    """The error for a document that is not UTF-8 text, naming the first bad byte."""
    return file_error(
        path,
        f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
        "sources are read as UTF-8 text or Markdown",
    )


def find_document(path: str, matrix_folder: Path, documents: Path | None = None) -> Path | None:
    """Where the document a source's ``path`` names is, or None if nowhere.

    With ``documents`` (a folder the user named), the path is looked up there
    first, as given and then by its file name alone (so a matrix that says
    ``sources/report.txt`` finds ``DIR/report.txt``); then beside the matrix.
    """
    relative = Path(path)
    candidates = []
    if documents is not None:
        candidates += [documents / relative, documents / relative.name]
    candidates.append(matrix_folder / relative)
    return next((c for c in candidates if c.exists()), None)


def read_document(path: Path) -> Document:
    """The document's bytes and sha256, or a located error saying why it is not read."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_bytes says why
    if path.is_dir():
        raise file_error(path, "is a folder, not a document")
    if size > DOCUMENT_LIMIT:
        raise file_error(
            path,
            f"refused: {size / 2**20:,.1f} MiB, more than the 50 MiB a source document may have",
        )
    raw = read_bytes(path, DOCUMENT_LIMIT)
    import hashlib  # only once a document is read: check on a matrix without one never needs it

    return Document(path, raw, hashlib.sha256(raw).hexdigest())

"""Reading input files: the one place achbench opens a file a user names.

Every reader (matrix files, the formats it imports, the editor's recovery
files) goes through ``read_bytes`` or ``read_text``, so an unreadable file is
always refused the same way: a ``MatrixFileError`` naming the file and, where
it can, the line and column, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from achbench.core.errors import MatrixFileError, Problem

_BOM = b"\xef\xbb\xbf"


def file_error(
    path: Path | str, message: str, line: int | None = None, column: int | None = None
) -> MatrixFileError:
    """A located error about one file, as every reader reports it."""
    return MatrixFileError([Problem(str(path), message, line, column)])


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, or a located error saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise file_error(path, "no such file") from None
    except IsADirectoryError:
        raise file_error(path, "is a directory, not a matrix file") from None
    except PermissionError:
        raise file_error(path, "permission denied: the file cannot be read") from None
    except OSError as exc:
        raise file_error(path, f"cannot be read: {exc.strerror or exc}") from None


def read_text(path: Path | str) -> str:
    """The file's text, or a located error for anything that keeps it from being TOML."""
    raw = read_bytes(path)
    if raw.startswith(_BOM):
        raise file_error(
            path, "starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM", 1, 1
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise file_error(
            path, f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded", line, column
        ) from None
    if not text.strip():
        raise file_error(path, "is empty; a matrix needs at least format, title and a hypothesis")
    return text

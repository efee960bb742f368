"""Reading input files: the one place achbench opens a file a user names.

Every reader (matrix files, the formats it imports, the editor's recovery and
keymap files) goes through ``read_bytes`` or ``read_text``, so an untrusted file
is always met by one rule (``docs/limits.md``, "Untrusted files"):

* only a regular file is read: a directory, a FIFO, a device or a socket is
  refused at once (looked at with ``stat`` before it is opened, and opened
  non-blocking, so a FIFO with no writer cannot hang the command);
* at most ``core.limits.max_file_bytes()`` bytes are read (64 MiB unless
  ``ACHBENCH_MAX_FILE_MB`` says otherwise), with a bounded read, so ``/dev/zero``
  behind a symbolic link or a file that keeps growing cannot exhaust memory;
* anything wrong is a ``MatrixFileError`` naming the file and, where it can,
  the line and column, which the command line prints as ``file: message`` with
  exit status 2: never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING

from achbench.core.errors import MatrixFileError, Problem, UsageError
from achbench.core.limits import (
    FILE_MB_VARIABLE,
    depth_message,
    long_number,
    max_cells,
    max_file_bytes,
    max_items,
    too_deep,
)

if TYPE_CHECKING:
    from pathlib import Path

_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
"""Non-blocking, so that a FIFO swapped in after the check cannot hang the read."""

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_error(
    path: Path | str, message: str, line: int | None = None, column: int | None = None
) -> MatrixFileError:
    """A located error about one file, as every reader reports it."""
    return MatrixFileError([Problem(str(path), message, line, column)])


def _os_error(path: Path | str, exc: OSError) -> MatrixFileError:
    if exc.errno == errno.ENOENT:
        return file_error(path, "no such file")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return file_error(path, "permission denied: the file cannot be read")
    if exc.errno == errno.ELOOP:
        return file_error(path, "a loop of symbolic links: the file cannot be reached")
    if exc.errno == errno.ENOTDIR:
        return file_error(path, "no such file (a folder on its path is a file)")
    return file_error(path, f"cannot be read: {exc.strerror or exc}")


def _refuse_kind(path: Path | str, mode: int) -> None:
    """Refuse anything but a regular file, saying what it is."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise file_error(path, "is a directory, not a matrix file")
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise file_error(path, f"is {kind}, not a regular file; only regular files are read")


def _too_big(path: Path | str, size: str, limit: int) -> MatrixFileError:
    return file_error(
        path,
        f"refused: {size} than the {limit // (1024 * 1024)} MiB an input file may have "
        f"(the cap; raise it with {FILE_MB_VARIABLE})",
    )


def read_bytes(path: Path | str, limit: int | None = None) -> bytes:
    """The file's bytes, or a located error saying why they are not read.

    ``limit`` is the most bytes read (default ``core.limits.max_file_bytes()``).
    """
    try:
        settings = max_file_bytes(), max_items(), max_cells()  # a bad setting fails here
    except UsageError as exc:
        raise file_error(path, f"not read: {exc}") from None
    limit = settings[0] if limit is None else limit
    try:
        _refuse_kind(path, os.stat(path).st_mode)
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        info = os.fstat(fd)
        _refuse_kind(path, info.st_mode)  # replaced between stat and open
        if info.st_size > limit:
            raise _too_big(path, f"{info.st_size / (1024 * 1024):,.1f} MiB, more", limit)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise _too_big(path, "more", limit)
    except OSError as exc:
        raise _os_error(path, exc) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


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


def refuse_hostile(text: str, path: Path | str, json: bool = False) -> None:
    """Refuse text nested deeper than ``core.limits.MAX_DEPTH``, with a located error.

    Run it on TOML (or JSON, with ``json``) before ``tomllib``, ``rtoml`` or
    ``json`` sees it: they would otherwise end in a RecursionError traceback.
    """
    deep = too_deep(text, json=json)
    if deep is not None:
        raise file_error(path, depth_message(), *deep)


def number_too_long(text: str, path: Path | str) -> MatrixFileError:
    """The error for a parser's ``ValueError`` on an integer of more than 4,300
    digits (Python's limit on turning text into an integer), placed on the number."""
    return file_error(
        path,
        "refused: a number of more than 4,300 digits, too long to read",
        *(long_number(text) or (None, None)),
    )

"""The one atomic writer: every file achbench writes goes through ``write_atomic``.

Matrices, exports, reports, merge results and recovery files are all written
the same way, so a crash, a full disk or a kill at any moment leaves either the
old file or the new one, never a torn one:

1. the bytes go to a temporary file in the target's own folder (a rename is only
   atomic within one file system), named after the target and this process;
2. they are flushed to disk and read back, and must be the same bytes;
3. the temporary file gets the target's permissions (or the umask's, or the
   caller's ``mode``) and is renamed over the target; the folder is synced.

A symbolic link as the target is written through: the file it points to is
replaced and the link kept (``follow_links``).  The new file keeps the old
one's mode and, where possible, its owner; a read-only file is not replaced
unless the caller says ``force``.  The result says what was written (its SHA-256), so
a caller that must notice later changes to the file never reads back what it
just wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from achbench.core.errors import SaveError

TEMP_SUFFIX: Final = ".achbench-tmp"
"""Temporary files of an unfinished write end with this (see ``clean_stale_temps``)."""


@dataclass(frozen=True, slots=True)
class Written:
    """What ``write_atomic`` put on disk."""

    path: Path
    """The file written: the target, or what a symbolic link target points to."""
    sha256: str
    """Hex SHA-256 of the bytes written."""
    size: int
    """Number of bytes written."""


def fingerprint(data: bytes) -> str:
    """The hex SHA-256 by which a file's content is recognised."""
    return hashlib.sha256(data).hexdigest()


def write_atomic(
    path: Path | str, data: bytes, *, mode: int | None = None, force: bool = False
) -> Written:
    """Replace ``path`` with ``data`` atomically (see the module's docstring).

    ``mode`` sets the new file's permissions; by default an existing file keeps
    its own (and its owner and group where this process may set them: as root,
    a save does not take another user's file) and a new one gets ``0o666`` less
    the umask.  A file whose owner may not write it (mode 0444, say) is not
    replaced unless ``force``.  Raises ``SaveError`` (with the path and the
    reason, and the promise that the file is unchanged) for that, for a loop of
    symbolic links, and when the folder cannot be written or the disk is full.
    """
    target = follow_links(Path(path))
    try:
        current = target.stat()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise SaveError(
            f"{target}: cannot save: {exc.strerror or exc}; the file is unchanged"
        ) from None
    if current is not None and not force and not current.st_mode & stat.S_IWUSR:
        raise SaveError(
            f"{target}: is read-only (mode {stat.S_IMODE(current.st_mode):04o}); "
            "use --force to replace it; the file is unchanged"
        )
    clean_stale_temps(target)
    if mode is None:
        mode = stat.S_IMODE(current.st_mode) if current is not None else _new_file_mode()
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=target.parent
        )
    except OSError as exc:
        raise SaveError(
            f"{target}: cannot save: {exc.strerror or exc}; the file is unchanged"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        if current is not None:
            _keep_owner(temp_name, current)
        with open(temp_name, "rb") as check:
            if check.read() != data:
                raise OSError(f"{temp_name}: written bytes do not read back the same")
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise SaveError(f"{target}: cannot save: {reason}; the file is unchanged") from None
        raise
    _fsync_dir(target.parent)
    return Written(target, fingerprint(data), len(data))


def follow_links(path: Path) -> Path:
    """The file a save of ``path`` replaces: ``path`` itself, or what its chain of
    symbolic links leads to (which need not exist yet).  Every writer follows
    links the same way, so a link is never replaced by a file.  ``SaveError``
    for a loop of links."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop
        raise SaveError(
            f"{path}: cannot save: a loop of symbolic links; the file is unchanged"
        ) from None


def _keep_owner(temp_name: str, current: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where this process may
    (root may; others may only set a group they belong to).  Best effort."""
    if not hasattr(os, "chown"):  # Windows: no owners to keep
        return
    if (current.st_uid, current.st_gid) == (os.geteuid(), os.getegid()):
        return
    uid = current.st_uid if os.geteuid() == 0 else -1
    with contextlib.suppress(OSError):
        os.chown(temp_name, uid, current.st_gid)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temps(target: Path) -> list[Path]:
    """Remove temporary files that an interrupted write of ``target`` left behind.

    Their names carry the writing process' id, so a write still under way in
    another live process is left alone.
    """
    removed = []
    prefix = f".{target.name}."
    for candidate in target.parent.glob(f"{glob_escape(prefix)}*{TEMP_SUFFIX}"):
        middle = candidate.name[len(prefix) : -len(TEMP_SUFFIX)]
        pid_text = middle.split(".", 1)[0]
        if pid_text.isdigit() and _pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def glob_escape(text: str) -> str:
    """Escape glob metacharacters in a literal file name part."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


BACKUP_SUFFIX: Final = ".orig"
"""What ``keep_previous`` adds to a file's name, as git's mergetool does."""


def keep_previous(path: Path | str) -> Path:
    """Copy ``path`` to ``path.orig`` beside it (atomically, mode kept) before a
    command replaces it in place, so the previous version is one ``mv`` away.
    An earlier ``.orig`` is replaced.  Returns the copy's path."""
    from achbench.store.files import read_bytes

    source = follow_links(Path(path))
    copy = source.with_name(source.name + BACKUP_SUFFIX)
    write_atomic(copy, read_bytes(source), mode=stat.S_IMODE(source.stat().st_mode), force=True)
    return copy

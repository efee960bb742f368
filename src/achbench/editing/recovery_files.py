"""Where recovery files go and how they are named (see ``editing.recovery``).

Beside the matrix as ``.NAME.recover.toml``; when that folder cannot take it, in
the user's state folder as ``NAME-HASH.recover.toml`` (HASH from the matrix's
absolute path); when those hold another editor's work, as
``NAME-HASH-pPID.recover.toml``.  Also the interval of background copies.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

from achbench.editing.document import EXAMPLE_NAME

RECOVERY_SUFFIX: Final = ".recover.toml"
"""How a recovery file's name ends."""
BASE_MARK: Final = "# edited from the file whose SHA-256 is "
"""Header line of a recovery file naming the version of the file the work began from."""
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

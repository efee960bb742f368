"""Saving a matrix without holding up the editor: a forked child writes it.

Validating and writing out a 100x10,000 matrix takes seconds, most of it in long
C calls (pydantic_core, the TOML writer) that hold the GIL: in a worker thread
they would still hold up every key for as long.  A forked child instead gets
the matrix as it is at the fork (copy-on-write: a snapshot at no cost, however
the editor changes it meanwhile), saves it with ``store.toml.save`` and reports
through a pipe what it wrote or why it could not, and the text it wrote: the
editor keeps that text as the base of a later three-way merge, so it need not
copy the matrix on its own thread when the save begins (a third of a second at
100 x 10,000).  The editor waits for that report in a worker thread, which only
blocks in ``os.read``.  Where fork is missing (or refused) the save runs in that
worker thread instead, on a copy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import cast

from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, SaveError
from achbench.editing.snapshot import FORKS, copy_matrix, start_in_child
from achbench.store import toml as store
from achbench.store.atomic import Written

Outcome = tuple[str, object]
"""What the child reports: ("ok", (Written, text)), ("matrix", problems), ("save",
message) or ("os", (filename, strerror))."""


def start_save(data: MatrixData, target: Path) -> Callable[[], Written]:
    """Start saving ``data`` as it is now to ``target``; call what it returns in a
    worker thread: it returns what was written or raises as ``store.toml.save`` does
    (``MatrixFileError``, ``SaveError``, ``OSError``)."""
    wait = start_save_text(data, target)
    return lambda: wait()[0]


def start_save_text(data: MatrixData, target: Path) -> Callable[[], tuple[Written, bytes]]:
    """``start_save``, whose wait also returns the bytes written (the new base)."""
    if FORKS:
        with contextlib.suppress(OSError):  # no process to spare: a thread, then
            return _fork(data, target)
    snapshot = copy_matrix(data)
    return lambda: store.save_bytes(snapshot, target)


def _outcome(data: MatrixData, target: Path) -> Outcome:
    try:
        return ("ok", store.save_bytes(data, target))
    except MatrixFileError as exc:
        return ("matrix", exc.problems)
    except OSError as exc:
        return ("os", (exc.filename, exc.strerror))
    except BaseException as exc:
        return ("save", str(exc) if isinstance(exc, SaveError) else repr(exc))


def _fork(data: MatrixData, target: Path) -> Callable[[], tuple[Written, bytes]]:
    """The save in a forked child (``editing.snapshot.start_in_child``), its outcome
    turned back into what was written or the error ``store.toml.save`` raises."""
    wait = start_in_child(partial(_outcome, data, target))

    def result() -> tuple[Written, bytes]:
        try:
            outcome: object = wait()
        except RuntimeError as exc:
            raise SaveError(f"the save ended without a report ({exc})") from exc
        if not (isinstance(outcome, tuple) and len(outcome) == 2):
            raise SaveError(f"the save ended with a report it cannot read ({outcome!r})")
        kind, detail = cast("tuple[object, object]", outcome)
        if kind == "ok" and isinstance(detail, tuple) and isinstance(detail[0], Written):
            written, text = detail
            assert isinstance(text, bytes)
            return written, text
        if kind == "matrix" and isinstance(detail, list):
            raise MatrixFileError(detail)
        if kind == "os" and isinstance(detail, tuple):
            filename, strerror = detail
            raise OSError(0, strerror, filename)
        raise SaveError(str(detail))

    return result

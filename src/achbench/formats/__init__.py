"""Other file formats, in and out: PARC ACH ``.achz``, CSV grids and JSON.

Analysts hold work in PARC ACH 2 files and in spreadsheets; these modules bring
it in as matrix data and hand it back.  A conversion never loses anything the
user does not hear about: whatever the target cannot hold, and whatever a
reader had to guess, goes into a ``Report`` that the command line prints on
stderr.  Readers return plain data shaped like a matrix but not yet checked
(``dict[str, object]``): the caller validates it (``core.validate.validate_data``,
which gives ``core.data.MatrixData``) and saves it with ``achbench.store.toml``.
Writers take validated ``MatrixData``.

One module per format, each with ``read_*(raw, path, ...)`` and
``write_*(data, report, ...)``; this module picks one by name or file suffix.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, Problem

# Re-exported for ``achbench.cli.io``, which should import them from their homes:
# ``achbench.core.vocabulary.ID_RE`` and ``achbench.store.atomic.write_atomic``.
from achbench.core.vocabulary import ID_RE as ID_RE
from achbench.store.atomic import write_atomic as write_atomic
from achbench.store.files import read_bytes

FORMATS = ("achz", "csv", "json")
"""Names accepted by ``--to`` and ``--from``."""

SUFFIXES = {".achz": "achz", ".csv": "csv", ".tsv": "csv", ".json": "json"}
"""File suffixes that name a format."""

DEFAULT_ANALYST = "analyst"
"""Whose ratings an imported grid becomes when the file names nobody."""


@dataclass
class Report:
    """What a conversion noticed: losses (warnings) and guesses (notes).

    Both are ``Problem`` records so that they print like load errors:
    ``FILE:LINE:COL: KEY: warning: MESSAGE``.
    """

    path: str
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def warn(
        self,
        message: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record something that was dropped, replaced or read as unrated."""
        self.warnings.append(Problem(self.path, f"warning: {message}", line, column, key))

    def note(
        self,
        message: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record an assumption the reader made (ids generated, orientation...)."""
        self.notes.append(Problem(self.path, f"note: {message}", line, column, key))

    def lines(self) -> list[str]:
        """Every note then every warning, one per line, as printed on stderr."""
        return [str(p) for p in (*self.notes, *self.warnings)]


def fail(
    path: str,
    message: str,
    key: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> MatrixFileError:
    """An error naming the file and, where known, the line or element."""
    return MatrixFileError([Problem(path, message, line, column, key)])


def format_of(path: Path | str) -> str | None:
    """The format a file's suffix names, or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def id_list(ids: list[str], limit: int = 8) -> str:
    """A short list of ids for a message: ``H1, H2, H3 and 5 more``."""
    if len(ids) <= limit:
        return ", ".join(ids)
    return f"{', '.join(ids[:limit])} and {len(ids) - limit} more"


def pick_analyst(data: MatrixData, wanted: str | None, report: Report, target: str) -> str | None:
    """Choose the one analyst whose ratings a single-grid target holds.

    ``wanted`` (``--analyst``) wins; otherwise the matrix's default analyst if
    they rated anything, else the first analyst in the file.  The others are
    reported, never dropped silently.
    """
    ratings = data.get("ratings", {})
    names = list(ratings)
    if wanted is not None:
        if wanted not in ratings:
            known = ", ".join(names) if names else "none"
            raise fail(report.path, f"no ratings by analyst {wanted!r} (analysts: {known})")
        chosen: str | None = wanted
    elif not names:
        return None
    elif (default := data.get("analyst")) is not None and default in ratings:
        chosen = default
    else:
        chosen = names[0]
    others = [n for n in names if n != chosen]
    if others:
        report.warn(
            f"{target} holds one analyst's ratings: exported {chosen!r}, left out "
            f"{id_list(others)} (choose with --analyst)",
            key="ratings",
        )
    return chosen


def read_matrix(
    path: str,
    fmt: str,
    report: Report,
    analyst: str | None = None,
    transpose: bool | None = None,
) -> dict[str, object]:
    """Read a file of another format into matrix data, noting what it met in ``report``.

    The data is not yet validated: ``validate.validate_data`` does that, so
    that every format's output meets the same rules as a TOML file.
    """
    raw = read_bytes(path)
    if fmt == "achz":
        from achbench.formats.achz import read_achz

        return read_achz(io.BytesIO(raw), path, report, analyst or DEFAULT_ANALYST)
    if fmt == "csv":
        from achbench.formats.csv_grid import read_csv

        return read_csv(raw, path, report, analyst, transpose)
    from achbench.formats.json_io import read_json

    return read_json(raw, path, report)


def write_matrix(
    data: MatrixData,
    fmt: str,
    report: Report,
    analyst: str | None = None,
    transpose: bool = False,
) -> bytes:
    """The bytes of a matrix in another format; what it cannot hold goes in ``report``."""
    if fmt == "achz":
        from achbench.formats.achz import write_achz

        return write_achz(data, report, analyst)
    if fmt == "csv":
        from achbench.formats.csv_grid import write_csv

        return write_csv(data, report, analyst, transpose).encode("utf-8")
    from achbench.formats.json_io import write_json

    return write_json(data, report).encode("utf-8")

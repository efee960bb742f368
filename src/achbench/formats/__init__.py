"""Other file formats, in and out: PARC ACH ``.achz``, CSV grids, JSON and Excel ``.xlsx``.

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
What they share (``Report``, ``fail``...) is in ``achbench.formats.conversion``.
"""

from __future__ import annotations

import io
from pathlib import Path

# ``Report`` is part of this package's interface (``read_matrix`` and ``write_matrix``
# fill one).
from achbench.core.data import MatrixData
from achbench.formats.conversion import DEFAULT_ANALYST
from achbench.formats.conversion import Report as Report
from achbench.store.files import read_bytes

FORMATS = ("achz", "csv", "json", "xlsx")
"""Names accepted by ``--to`` and ``--from``."""

SUFFIXES = {".achz": "achz", ".csv": "csv", ".tsv": "csv", ".json": "json", ".xlsx": "xlsx"}
"""File suffixes that name a format."""


def format_of(path: Path | str) -> str | None:
    """The format a file's suffix names, or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


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
    if fmt == "xlsx":
        from achbench.formats.xlsx import read_xlsx

        return read_xlsx(raw, path, report, analyst, transpose)
    from achbench.formats.json_io import read_json

    return read_json(raw, path, report)


def write_matrix(
    data: MatrixData,
    fmt: str,
    report: Report,
    analyst: str | None = None,
    transpose: bool = False,
    quote_formulas: bool = True,
) -> bytes:
    """The bytes of a matrix in another format; what it cannot hold goes in ``report``."""
    if fmt == "achz":
        from achbench.formats.achz import write_achz

        return write_achz(data, report, analyst)
    if fmt == "csv":
        from achbench.formats.csv_grid import write_csv

        return write_csv(data, report, analyst, transpose, quote_formulas).encode("utf-8")
    if fmt == "xlsx":
        from achbench.formats.xlsx import write_xlsx

        return write_xlsx(data, report, analyst)
    from achbench.formats.json_io import write_json

    return write_json(data, report).encode("utf-8")

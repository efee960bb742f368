"""Read and write matrix files: located errors in, atomic byte-stable saves out.

Reading never changes the file.  Every problem becomes a ``Problem`` naming the
file and line (or key path); see ``achbench.core.errors``.

Parsing uses ``rtoml`` (a compiled reader, several times faster than the standard
library on large matrices) and falls back to ``tomllib``, the reference, to word
any syntax error, so messages are the standard library's whichever reader ran.
Set ``ACHBENCH_TOML_PARSER=tomllib`` to read with the reference alone.  The
ratings section of a file in achbench's own layout is read and written without
either library (``achbench.store.ratings_text``): the same data and bytes, in half
the memory and a fraction of the time at 100 x 10,000.

Saving writes the canonical layout of the spec (key order of ``achbench.core.model``,
ratings rows in hypothesis order) to a temporary file in the same folder, flushes
it to disk, parses it back and compares, then renames it over the target, keeping
the target's permissions.  A crash at any moment leaves the old file or the new.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from achbench.core.errors import MatrixFileError, Problem, SaveError
from achbench.core.validate import TABLE_KEYS, validate_data
from achbench.store.atomic import write_atomic
from achbench.store.ratings_text import ratings_chunks, read_ratings

if TYPE_CHECKING:
    from achbench.core.model import Matrix

_POSITION = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_DECLARED_TWICE = re.compile(r"^Cannot declare \((?P<key>.*)\) twice$")
_BOM = b"\xef\xbb\xbf"

_TOP_ORDER = TABLE_KEYS[""]
_HYPOTHESIS_ORDER = TABLE_KEYS["hypotheses"]
_EVIDENCE_ORDER = TABLE_KEYS["evidence"]
_MILESTONE_ORDER = TABLE_KEYS["milestones"]
_CONFLICT_ORDER = TABLE_KEYS["conflicts"]


def _problem(
    path: Path | str, message: str, line: int | None = None, column: int | None = None
) -> MatrixFileError:
    return MatrixFileError([Problem(str(path), message, line, column)])


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, or a located error saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _problem(path, "no such file") from None
    except IsADirectoryError:
        raise _problem(path, "is a directory, not a matrix file") from None
    except PermissionError:
        raise _problem(path, "permission denied: the file cannot be read") from None
    except OSError as exc:
        raise _problem(path, f"cannot be read: {exc.strerror or exc}") from None


def read_text(path: Path | str) -> str:
    """The file's text, or a located error for anything that keeps it from being TOML."""
    raw = read_bytes(path)
    if raw.startswith(_BOM):
        raise _problem(
            path, "starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM", 1, 1
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _problem(
            path, f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded", line, column
        ) from None
    if not text.strip():
        raise _problem(path, "is empty; a matrix needs at least format, title and a hypothesis")
    return text


def _syntax_error(path: Path | str, text: str, fallback: str) -> MatrixFileError:
    """Word a TOML syntax error as ``tomllib`` does, with its line and column."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
    else:  # the readers disagree; report the compiled reader's own words
        message = fallback
    match = _POSITION.match(message)
    line = column = None
    if match:
        message = match["message"]
        line, column = int(match["line"]), int(match["column"])
    twice = _DECLARED_TWICE.match(message)
    if twice:
        key = ".".join(part.strip(" '\"") for part in twice["key"].split(","))
        message = f"[{key}] is declared twice; ids must be unique"
    elif message == "Cannot overwrite a value":
        message = "a key is set twice in the same table; ids and keys must be unique"
    return _problem(path, f"not valid TOML: {message}", line, column)


def parse(text: str, path: Path | str = "<matrix>") -> dict[str, Any]:
    """Parse TOML text into data, raising a located ``MatrixFileError`` if it is not TOML."""
    if os.environ.get("ACHBENCH_TOML_PARSER") == "tomllib":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _syntax_error(path, text, str(exc)) from None
    import rtoml

    fast = read_ratings(text, rtoml.loads)
    if fast is not None:
        return fast
    try:
        data: dict[str, Any] = rtoml.loads(text)
    except Exception as exc:  # rtoml raises its own TomlParsingError, and ValueError
        raise _syntax_error(path, text, str(exc)) from None
    return data


def load_data(path: Path | str) -> dict[str, Any]:
    """Read and validate a matrix file, returning plain data (no pydantic import).

    This is the fast path for headless commands; ``load`` builds the models.
    """
    text = read_text(path)
    return validate_data(parse(text, path), str(path), text)


def load(path: Path | str) -> Matrix:
    """Read and validate a matrix file into the pydantic models."""
    from achbench.core.model import Matrix

    return Matrix.from_data(load_data(path))


def _ordered(table: Mapping[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {key: table[key] for key in order if key in table and table[key] is not None}


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """The data in the spec's key order, rows in hypothesis and evidence order."""
    hypotheses = data["hypotheses"]
    evidence = data.get("evidence", {})
    out = _ordered(data, _TOP_ORDER)
    out["hypotheses"] = {k: _ordered(v, _HYPOTHESIS_ORDER) for k, v in hypotheses.items()}
    if "evidence" in out:
        out["evidence"] = {k: _ordered(v, _EVIDENCE_ORDER) for k, v in evidence.items()}
    if "ratings" in out:
        ratings: dict[str, Any] = {}
        for analyst, table in data["ratings"].items():
            rows = {e: table[e] for e in evidence if e in table}
            ratings[analyst] = {
                e: {h: row[h] for h in hypotheses if h in row} for e, row in rows.items()
            }
        out["ratings"] = ratings
    if "milestones" in out:
        out["milestones"] = {
            k: _ordered(v, _MILESTONE_ORDER) for k, v in data["milestones"].items()
        }
    if "conflicts" in out:
        out["conflicts"] = {k: _ordered(v, _CONFLICT_ORDER) for k, v in data["conflicts"].items()}
    return out


def dumps(data: Mapping[str, Any]) -> str:
    """The file text for valid matrix data: canonical, byte-stable, checked to read back.

    Text with line breaks is written as multi-line strings, which diff well; a
    carriage return does not survive in one (TOML readers normalise line ends), so
    if the multi-line text does not read back the same, every string is written on
    one line with escapes instead.  Raises ``SaveError`` if neither reads back.
    """
    ordered = canonical(data)
    for multiline in (True, False):
        text = _write(ordered, multiline)
        if parse(text) == ordered:
            return text
    raise SaveError("internal error: the matrix does not read back the same; nothing was written")


def _write(ordered: Mapping[str, Any], multiline: bool) -> str:
    """``tomli_w.dumps(ordered)``, the ratings tables written directly when they can be.

    The result is byte for byte the same (``ratings_chunks`` says when it can
    write them); only the time differs: 0.2 s rather than 2 s at 100 x 10,000.
    """
    import tomli_w

    keys = list(ordered)
    at = keys.index("ratings") if "ratings" in keys else -1
    after = {k: ordered[k] for k in keys[at + 1 :]}
    fast = ratings_chunks(ordered["ratings"]) if at > 0 else None
    if fast is None or not all(isinstance(v, Mapping) for v in after.values()):
        return tomli_w.dumps(ordered, multiline_strings=multiline)
    # What comes before the ratings always writes something (format, title, the
    # hypotheses table), so tomli_w would put a blank line before each table.
    before = {k: ordered[k] for k in keys[:at]}
    text = tomli_w.dumps(before, multiline_strings=multiline) + "\n" + fast
    if after:
        text += "\n" + tomli_w.dumps(after, multiline_strings=multiline)
    return text


def _as_data(matrix: Matrix | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(matrix, Mapping):
        return dict(matrix)
    return matrix.to_data()


def save(matrix: Matrix | Mapping[str, Any], path: Path | str) -> Path:
    """Write a matrix atomically; return the path written.

    Validates first: a matrix that breaks the format is refused with
    ``MatrixFileError`` and the file on disk is left as it was.
    """
    data = _as_data(matrix)
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    text = dumps(validate_data(data, str(target)))
    return write_atomic(target, text.encode("utf-8")).path

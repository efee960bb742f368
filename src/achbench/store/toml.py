"""Read and write matrix files: located errors in, atomic byte-stable saves out.

Reading never changes the file.  Every problem becomes a ``Problem`` naming the
file and line (or key path); see ``achbench.core.errors``.  The file itself is
read by ``achbench.store.files``, as every input file is.  A loaded matrix is
plain data, ``achbench.core.data.MatrixData``: no pydantic on this path.

Parsing uses ``rtoml`` (a compiled reader, several times faster than the standard
library on large matrices) and falls back to ``tomllib``, the reference, to word
any syntax error, so messages are the standard library's whichever reader ran.
Set ``ACHBENCH_TOML_PARSER=tomllib`` to read with the reference alone.  The
ratings section of a file in achbench's own layout is read and written without
either library (``achbench.store.ratings_text``): the same data and bytes, in half
the memory and a fraction of the time at 100 x 10,000.

Saving writes the canonical layout of the spec (key order of ``achbench.core.model``,
ratings rows in hypothesis order, rationale notes one per line as ratings are),
checks that the text parses back to the same data, and hands the bytes to
``achbench.store.atomic.write_atomic``: a crash at any moment leaves the old file
or the new.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar, cast

from achbench.core.data import TABLE_KEYS, MatrixData
from achbench.core.errors import MatrixFileError, SaveError
from achbench.core.validate import validate_data
from achbench.store.files import (
    file_error,
    number_too_long,
    read_bytes,
    read_text,
    refuse_hostile,
)
from achbench.store.ratings_text import ratings_chunks, read_ratings

if TYPE_CHECKING:
    # Only for writing, and tomllib only to word errors: a command that reads
    # a valid file loads neither (``docs/performance.md``, start-up).
    from pathlib import Path

    from achbench.store.atomic import Written

_POSITION = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_BOM = b"\xef\xbb\xbf"
_DECLARED_TWICE = re.compile(r"^Cannot declare \((?P<key>.*)\) twice$")


def _syntax_error(path: Path | str, text: str, fallback: str) -> MatrixFileError:
    """Word a TOML syntax error as ``tomllib`` does, with its line and column."""
    import tomllib

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
    except ValueError:  # an integer too long for Python to read
        return number_too_long(text, path)
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
    return file_error(path, f"not valid TOML: {message}", line, column)


def parse(text: str, path: Path | str = "<matrix>") -> dict[str, object]:
    """Parse TOML text into data, raising a located ``MatrixFileError`` if it is not TOML.

    Text nested too deep, or holding a number too long to read, is refused
    before a parser sees it (``store.files.refuse_hostile``).  With the ratings
    section in achbench's own layout, only the text around it needs that check:
    the section itself is read line by line and cannot nest.
    """
    if os.environ.get("ACHBENCH_TOML_PARSER") == "tomllib":
        import tomllib

        refuse_hostile(text, path)
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _syntax_error(path, text, str(exc)) from None
        except ValueError:
            raise number_too_long(text, path) from None
    import rtoml

    def checked(part: str) -> dict[str, object]:
        refuse_hostile(part, path)  # located in the part: the whole text is checked below
        loaded: dict[str, object] = rtoml.loads(part)
        return loaded

    fast = read_ratings(text, checked)
    if fast is not None:
        return fast
    refuse_hostile(text, path)
    try:
        data: dict[str, object] = rtoml.loads(text)
    except Exception as exc:  # rtoml raises its own TomlParsingError, and ValueError
        raise _syntax_error(path, text, str(exc)) from None
    return data


def read_table(path: Path | str) -> dict[str, object]:
    """Any TOML file (a keymap, say) as a table, read by the rules every input file
    meets (``store.files``): regular files only, size capped, nesting checked,
    every problem a located ``MatrixFileError``."""
    raw = read_bytes(path)
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise file_error(path, f"is not UTF-8 text: cannot decode byte {exc.start}") from None
    refuse_hostile(text, path)
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, str(exc)) from None
    except ValueError:
        raise number_too_long(text, path) from None


def load_data(path: Path | str) -> MatrixData:
    """Read and validate a matrix file, returning plain data (no pydantic import).

    The collector is paused meanwhile: reading builds tens of thousands of
    tables and lists that all stay alive, so each pass it would make over
    them finds nothing (14% of the time of a large file).
    """
    text = read_text(path)
    paused = gc.isenabled()
    gc.disable()
    try:
        return validate_data(parse(text, path), str(path), text)
    finally:
        if paused:
            gc.enable()


def _ordered(table: Mapping[str, object], order: tuple[str, ...]) -> dict[str, object]:
    return {key: table[key] for key in order if key in table and table[key] is not None}


def canonical(data: MatrixData) -> MatrixData:
    """The data in the spec's key order, rows in hypothesis and evidence order."""
    hypotheses = data["hypotheses"]
    evidence = data.get("evidence", {})
    out = _ordered(data, TABLE_KEYS[""])
    out["hypotheses"] = {k: _ordered(v, TABLE_KEYS["hypotheses"]) for k, v in hypotheses.items()}
    if "evidence" in out:
        out["evidence"] = {k: _ordered(v, TABLE_KEYS["evidence"]) for k, v in evidence.items()}
    if "ratings" in out:
        out["ratings"] = _cells_in_order(data.get("ratings", {}), evidence, hypotheses)
    if "milestones" in out:
        out["milestones"] = {
            k: _ordered(v, TABLE_KEYS["milestones"]) for k, v in data.get("milestones", {}).items()
        }
    _canonical_additions(data, out)
    if "conflicts" in out:
        out["conflicts"] = {
            k: _ordered(v, TABLE_KEYS["conflicts"]) for k, v in data.get("conflicts", {}).items()
        }
    return cast(MatrixData, out)


_Cell = TypeVar("_Cell")


def _cells_in_order(
    tables: Mapping[str, Mapping[str, Mapping[str, _Cell]]],
    evidence: Mapping[str, object],
    hypotheses: Mapping[str, object],
) -> dict[str, dict[str, dict[str, _Cell]]]:
    """A per-cell table (ratings, rationale) in canonical order: each analyst's rows
    in evidence order, each row's cells in hypothesis order."""
    order = list(hypotheses)
    out: dict[str, dict[str, dict[str, _Cell]]] = {}
    for analyst, table in tables.items():
        rows: dict[str, dict[str, _Cell]] = {}
        for e in evidence:
            row = table.get(e)
            if row is None:
                continue
            keys = list(row)
            if keys == order:  # already in hypothesis order: copied in C
                order = keys  # the next row's keys are likely these very strings
                rows[e] = dict(row)
            else:
                rows[e] = {h: row[h] for h in hypotheses if h in row}
        out[analyst] = rows
    return out


def _canonical_additions(data: MatrixData, out: dict[str, object]) -> None:
    """The tables of the spec's "Additions" in canonical form, into ``out``: keys in
    the spec's order, rationale rows as ratings rows, judgements in hypothesis order."""
    hypotheses = data["hypotheses"]
    evidence = data.get("evidence", {})
    if "sources" in out:
        out["sources"] = {
            k: _ordered(v, TABLE_KEYS["sources"]) for k, v in data.get("sources", {}).items()
        }
    if "assumptions" in out:
        out["assumptions"] = {
            k: _ordered(v, TABLE_KEYS["assumptions"])
            for k, v in data.get("assumptions", {}).items()
        }
    if "rationale" in out:
        out["rationale"] = _cells_in_order(data.get("rationale", {}), evidence, hypotheses)
    if "judgements" in out:
        out["judgements"] = {
            analyst: {h: table[h] for h in hypotheses if h in table}
            for analyst, table in data.get("judgements", {}).items()
        }
    if "resolution" in data:
        out["resolution"] = _ordered(data["resolution"], TABLE_KEYS["resolution"])


def dumps(data: MatrixData) -> str:
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


def _write(ordered: Mapping[str, object], multiline: bool) -> str:
    """``tomli_w.dumps(ordered)``, the ratings tables written directly when they can be,
    and the rationale one note per line.

    Rationale notes are always written as one-line strings, newlines escaped, so
    that each cell is one line as each rating is (``_write_rationale``).  Without
    a rationale the text is ``_write_tables``'.
    """
    keys = list(ordered)
    at = keys.index("rationale") if "rationale" in keys else -1
    if at < 0 or not all(isinstance(ordered[k], Mapping) for k in keys[at:]):
        return _write_tables(ordered, multiline)
    import tomli_w

    chunks = [
        _write_tables({k: ordered[k] for k in keys[:at]}, multiline),
        tomli_w.dumps({"rationale": ordered["rationale"]}, multiline_strings=False),
        tomli_w.dumps({k: ordered[k] for k in keys[at + 1 :]}, multiline_strings=multiline),
    ]
    # tomli_w puts a blank line between tables; the chunks keep that rule.
    return "\n".join(chunk for chunk in chunks if chunk)


def _write_tables(ordered: Mapping[str, object], multiline: bool) -> str:
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


def save(data: Mapping[str, object], path: Path | str, force: bool = False) -> Written:
    """Write a matrix atomically; return what was written (path and SHA-256; the
    path is a link's target when ``path`` is a link).

    Validates first: data that breaks the format is refused with
    ``MatrixFileError`` and the file on disk is left as it was.  A read-only
    file is replaced only with ``force`` (``store.atomic.write_atomic``).
    """
    from achbench.store.atomic import write_atomic

    text = dumps(validate_data(dict(data), str(path)))
    return write_atomic(path, text.encode("utf-8"), force=force)

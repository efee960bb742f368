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

import contextlib
import gc
import os
import re
from collections.abc import Iterator, Mapping
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


def parse(
    text: str, path: Path | str = "<matrix>", parts: dict[str, dict[str, object]] | None = None
) -> dict[str, object]:
    """Parse TOML text into data, raising a located ``MatrixFileError`` if it is not TOML.

    Text nested too deep, or holding a number too long to read, is refused
    before a parser sees it (``store.files.refuse_hostile``).  With the ratings
    section in achbench's own layout, only the text around it needs that check:
    the section itself is read line by line and cannot nest.

    ``parts``, when given, remembers the tables read from the text around the
    ratings section, by that text: reading many versions of one matrix (``achbench
    history``), where mostly ratings change, reads the hypotheses and evidence once.
    The tables are then shared between the versions, so they must stay unchanged.
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
        if parts is not None and part in parts:
            return parts[part]
        refuse_hostile(part, path)  # located in the part: the whole text is checked below
        loaded: dict[str, object] = rtoml.loads(part)
        if parts is not None:
            parts[part] = loaded
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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off while a matrix is read: reading builds tens of
    thousands of tables and lists that all stay alive, so each pass it would make
    over them finds nothing (14% of the time of a large file)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def load_text(text: str, label: Path | str) -> MatrixData:
    """Parse and validate the text of a matrix file (``label`` names it in errors),
    with the collector paused."""
    with collector_paused():
        return validate_data(parse(text, label), str(label), text)


def load_data(path: Path | str) -> MatrixData:
    """Read and validate a matrix file, returning plain data (no pydantic import)."""
    return load_text(read_text(path), path)


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

    The ratings section, when ``ratings_chunks`` writes it, is left out of the
    check: it is made only of bare ids and rating codes, line by line, so it reads
    back by construction (and reading it back was half the cost of a save).
    """
    ordered = canonical(data)
    for multiline in (True, False):
        chunks = _chunks(ordered, multiline)
        checked = [text for text, trusted in chunks if not trusted]
        expected: Mapping[str, object] = ordered
        if len(checked) < len(chunks):
            expected = {k: v for k, v in ordered.items() if k != "ratings"}
        if parse("\n".join(checked)) == expected:
            return "\n".join(text for text, _ in chunks)
    raise SaveError("internal error: the matrix does not read back the same; nothing was written")


def _chunks(ordered: Mapping[str, object], multiline: bool) -> list[tuple[str, bool]]:
    """The file's text in parts, to be joined by blank lines: byte for byte
    ``tomli_w.dumps(ordered)``, but with the ratings written by ``ratings_chunks``
    where it can (True beside that part: it needs no reading back), the item tables
    by ``tables_text`` and the rationale one note per line (``multiline`` never
    applies to it: each cell is one line, as each rating is)."""
    from achbench.store.tables_text import document_text

    keys = list(ordered)
    chunks: list[tuple[str, bool]] = []
    start = 0
    for at, key in enumerate(keys):
        value = ordered[key]
        if key == "ratings" and at > 0:
            text = ratings_chunks(value)
            if text is None:
                continue
        elif key == "rationale" and at > 0 and isinstance(value, Mapping):
            text = document_text({key: value}, multiline=False)
        else:
            continue
        if not all(isinstance(ordered[k], Mapping) for k in keys[at:]):
            break  # a top-level value after a table: tomli_w hoists it, so let it
        if start < at:
            chunks.append(
                (document_text({k: ordered[k] for k in keys[start:at]}, multiline), False)
            )
        chunks.append((text, key == "ratings"))
        start = at + 1
    rest = {k: ordered[k] for k in keys[start:]}
    if rest or not chunks:
        chunks.append((document_text(rest, multiline), False))
    return [(text, trusted) for text, trusted in chunks if text]


def save(data: Mapping[str, object], path: Path | str, force: bool = False) -> Written:
    """Write a matrix atomically; return what was written (path and SHA-256; the
    path is a link's target when ``path`` is a link).

    Validates first: data that breaks the format is refused with
    ``MatrixFileError`` and the file on disk is left as it was.  A read-only
    file is replaced only with ``force`` (``store.atomic.write_atomic``).
    """
    return save_bytes(data, path, force)[0]


def save_bytes(
    data: Mapping[str, object], path: Path | str, force: bool = False
) -> tuple[Written, bytes]:
    """``save``, also returning the bytes it wrote (the editor keeps them as the base
    of a later three-way merge)."""
    from achbench.store.atomic import write_atomic

    text = dumps(validate_data(dict(data), str(path))).encode("utf-8")
    return write_atomic(path, text, force=force), text

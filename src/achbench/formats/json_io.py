"""JSON: the whole matrix as one object, described by a published JSON Schema.

The object has the keys, key order and nesting of the TOML file; dates are ISO
``YYYY-MM-DD`` strings, as JSON has no date type.  ``null`` means "not set" on
import (JSON writers often emit it), so the reader drops it.

The schema is ``Matrix.model_json_schema()``, generated from ``achbench.core.model``
by ``python -m achbench.core.schema`` into ``achbench/data/matrix.schema.json`` (shipped
in the package) and ``docs/matrix.schema.json``; a unit test fails while either
is stale.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import cast

from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, Problem
from achbench.formats.conversion import Report, fail
from achbench.store.files import number_too_long, refuse_hostile
from achbench.store.toml import canonical

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_KEYS = (("evidence", "date"), ("milestones", "due"))
"""Where the matrix holds dates in tables of items: ``evidence.<id>.date`` and
``milestones.<id>.due`` (and, outside them, ``resolution.date``)."""


def _table(value: object) -> dict[str, object] | None:
    """``value`` if it is a JSON object (as parsed, so its keys are strings)."""
    return cast("dict[str, object]", value) if isinstance(value, dict) else None


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in cast("Mapping[str, object]", value).items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_json(data: MatrixData, report: Report) -> str:
    """The matrix as JSON text, keys in file order.  JSON holds every field."""
    del report  # nothing is lost
    return json.dumps(_plain(canonical(data)), indent=2, ensure_ascii=False) + "\n"


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _drop_nulls(value: object) -> object:
    table = _table(value)
    if table is None:
        return value
    return {k: _drop_nulls(v) for k, v in table.items() if v is not None}


def _dates(data: dict[str, object]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Turn ISO date strings into dates in place; yield (key path, message) for bad ones."""
    for table_name, key in _DATE_KEYS:
        table = _table(data.get(table_name))
        if table is None:
            continue
        for item_id, value in table.items():
            item = _table(value)
            text = item.get(key) if item is not None else None
            if item is None or not isinstance(text, str):
                continue
            try:
                if not _ISO_DATE.match(text):
                    raise ValueError
                item[key] = dt.date.fromisoformat(text)
            except ValueError:
                yield (table_name, item_id, key), f"{text!r} is not a date (YYYY-MM-DD)"
    yield from _resolution_date(data)


def _resolution_date(data: dict[str, object]) -> Iterator[tuple[tuple[str, ...], str]]:
    """``resolution.date``: the one date outside a table of items."""
    resolution = _table(data.get("resolution"))
    text = resolution.get("date") if resolution is not None else None
    if resolution is None or not isinstance(text, str):
        return
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        resolution["date"] = dt.date.fromisoformat(text)
    except ValueError:
        yield ("resolution", "date"), f"{text!r} is not a date (YYYY-MM-DD)"


def read_json(raw: bytes, path: str, report: Report) -> dict[str, object]:
    """Parse JSON matrix data; dates converted, nulls dropped (validated by the caller)."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
        report.note("a UTF-8 byte-order mark was skipped")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(path, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded") from None
    if not text.strip():
        raise fail(path, "is empty; expected a JSON object holding a matrix")
    refuse_hostile(text, path, json=True)
    try:
        parsed: object = json.loads(text, object_pairs_hook=_unique)
    except _Duplicate as exc:
        raise fail(
            path, f"not valid here: key {exc.key!r} appears twice in one object; keys are unique"
        ) from None
    except json.JSONDecodeError as exc:
        raise fail(path, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except ValueError:  # an integer too long for Python to read
        raise number_too_long(text, path) from None
    top = _table(parsed)
    if top is None:
        raise fail(path, f"expected a JSON object holding a matrix, got {type(parsed).__name__}")
    top.pop("$schema", None)
    data = _table(_drop_nulls(top)) or {}
    bad = list(_dates(data))
    if bad:
        raise MatrixFileError([Problem(path, message, key=".".join(loc)) for loc, message in bad])
    return data

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
from typing import Any

from achbench.core.errors import MatrixFileError, Problem
from achbench.formats import Report, fail
from achbench.store.toml import canonical

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_KEYS = (("evidence", "date"), ("milestones", "due"))
"""Where the matrix holds dates: ``evidence.<id>.date`` and ``milestones.<id>.due``."""


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_json(data: Mapping[str, Any], report: Report) -> str:
    """The matrix as JSON text, keys in file order.  JSON holds every field."""
    del report  # nothing is lost
    return json.dumps(_plain(canonical(data)), indent=2, ensure_ascii=False) + "\n"


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


def _dates(data: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Turn ISO date strings into dates in place; yield (key path, message) for bad ones."""
    for table_name, key in _DATE_KEYS:
        table = data.get(table_name)
        if not isinstance(table, dict):
            continue
        for item_id, item in table.items():
            if not isinstance(item, dict) or not isinstance(item.get(key), str):
                continue
            text = item[key]
            try:
                if not _ISO_DATE.match(text):
                    raise ValueError
                item[key] = dt.date.fromisoformat(text)
            except ValueError:
                yield (table_name, item_id, key), f"{text!r} is not a date (YYYY-MM-DD)"


def read_json(raw: bytes, path: str, report: Report) -> dict[str, Any]:
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
    try:
        data = json.loads(text, object_pairs_hook=_unique)
    except _Duplicate as exc:
        raise fail(
            path, f"not valid here: key {exc.key!r} appears twice in one object; keys are unique"
        ) from None
    except json.JSONDecodeError as exc:
        raise fail(path, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict):
        raise fail(path, f"expected a JSON object holding a matrix, got {type(data).__name__}")
    data.pop("$schema", None)
    data = _drop_nulls(data)
    bad = list(_dates(data))
    if bad:
        raise MatrixFileError([Problem(path, message, key=".".join(loc)) for loc, message in bad])
    result: dict[str, Any] = data
    return result

"""Top-level TOML tables written as ``tomli_w`` writes them, the common ones directly.

A matrix file is mostly item tables: ``[evidence.E1]`` with a few keys of plain
one-line strings, five thousand of them at 50 x 5,000.  ``tomli_w`` formats each
value through a chain of generic calls (a quarter of ``achbench merge``'s time at
that size), although nearly every item is the same handful of ``key = "text"``
lines.  ``table_text`` writes such an item in one format call and hands anything
else (a string that needs escapes or spans lines, a float, a date, an array, a
key that must be quoted) to ``tomli_w`` itself, item by item, so the text is
byte for byte ``tomli_w``'s.  ``tests/unit/test_tables_text.py`` compares the two
on random tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_BARE = re.compile(r"[A-Za-z0-9_-]+")
"""A key ``tomli_w`` writes bare (its ``BARE_KEY_CHARS``, at least one)."""
_PLAIN = re.compile(r'[^"\\\x00-\x1f\x7f]*')
"""A string ``tomli_w`` writes as ``"text"``: nothing it escapes, no line break."""


def _item(name: str, key: str, item: Mapping[str, object]) -> str | None:
    """``[name.key]`` and its ``k = v`` lines, or None when ``tomli_w`` must write it."""
    if not _BARE.fullmatch(key):
        return None
    lines = [f"[{name}.{key}]\n"]
    for field, value in item.items():
        if not _BARE.fullmatch(field):
            return None
        kind = type(value)
        if isinstance(value, str) and kind is str and _PLAIN.fullmatch(value):
            lines.append(f'{field} = "{value}"\n')
        elif kind is bool:
            lines.append(f"{field} = {'true' if value else 'false'}\n")
        elif kind is int:
            lines.append(f"{field} = {value}\n")
        else:
            return None
    return "".join(lines)


def table_text(name: str, table: object, multiline: bool) -> str:
    """``tomli_w.dumps({name: table}, multiline_strings=multiline)``.

    A table of item tables (every value a table) is written item by item, the
    plain ones directly; any other table goes to ``tomli_w`` whole.
    """
    import tomli_w

    if (
        isinstance(table, Mapping)
        and table
        and _BARE.fullmatch(name)
        and all(isinstance(item, Mapping) for item in table.values())
    ):
        return "\n".join(
            _item(name, key, item)
            or tomli_w.dumps({name: {key: item}}, multiline_strings=multiline)
            for key, item in table.items()
        )
    return tomli_w.dumps({name: table}, multiline_strings=multiline)


def document_text(document: Mapping[str, object], multiline: bool) -> str:
    """``tomli_w.dumps(document, multiline_strings=multiline)``: the top-level values
    first, then each table in order (``table_text``), a blank line between."""
    import tomli_w

    if any(isinstance(v, list) and v and isinstance(v[0], Mapping) for v in document.values()):
        return tomli_w.dumps(document, multiline_strings=multiline)  # arrays of tables
    literals = {k: v for k, v in document.items() if not isinstance(v, Mapping)}
    chunks = [tomli_w.dumps(literals, multiline_strings=multiline)] if literals else []
    chunks += [
        table_text(name, table, multiline)
        for name, table in document.items()
        if isinstance(table, Mapping)
    ]
    return "\n".join(chunks)

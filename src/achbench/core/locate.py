"""Find where a key path sits in TOML source text.

Validation works on parsed data, which has no line numbers; users need them.  This
module maps a key path such as ``("ratings", "lead", "E3", "H2")`` back to the line
and column of its key, by a light scan of table headers and ``key =`` lines.  It
only runs when something is wrong, so it favours clarity over speed.

It understands what the matrix format uses (``[a.b.c]`` headers, bare and quoted
keys, dotted keys, multi-line strings) and degrades gracefully: when the exact key
is not found it returns the nearest enclosing table that is.
"""

from __future__ import annotations

import re

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$")
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_ASSIGN = re.compile(rf"^(\s*)({_DOTTED})\s*=")
_PART = re.compile(_KEY_PART)


def _split(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART.finditer(dotted):
        raw = match.group(0)
        if raw.startswith('"'):
            raw = raw[1:-1].encode("utf-8").decode("unicode_escape", errors="replace")
        elif raw.startswith("'"):
            raw = raw[1:-1]
        parts.append(raw)
    return tuple(parts)


def index_keys(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """Map every table header and assigned key path to its (line, column), 1-based."""
    found: dict[tuple[str, ...], tuple[int, int]] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line) or _ARRAY_HEADER.match(line)
        if header:
            table = _split(header.group(1))
            found.setdefault(table, (number, line.index("[") + 1))
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = table + _split(assign.group(2))
            found.setdefault(key, (number, len(assign.group(1)) + 1))
            rest = line[assign.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
                    break
    return found

"""The ratings section in achbench's own layout, read and written without a TOML library.

At 100 hypotheses x 10,000 evidence items a matrix file is a million lines of
``H1 = "C"``, nearly all of it under ``[ratings.ANALYST.EVIDENCE]`` headers.  A
general TOML reader (``rtoml``) first builds its own tree of the whole file and
then the Python one, so reading such a file peaks at twice the memory the data
needs (500 MiB), and ``tomli_w`` takes two seconds to write it.  Files that
achbench writes hold that section in one strict layout, which this module reads
and writes directly:

* ``read_ratings(text)`` splits the text into the part before the section, the
  section and the part after; if every line of the section is a header
  ``[ratings.A.E]`` or a line ``H = "CODE"`` of bare keys and rating codes (or
  blank), it builds the ratings from it line by line and leaves the other two
  parts to the TOML reader.  Anything else (comments, quoted keys, other
  spacing, a code that is not a rating code, a key or table given twice, the
  section split in two) returns None, and the caller parses the whole text as
  before, so a file is accepted, rejected and worded exactly as the TOML reader
  would.  The ids and codes it builds are shared string objects, which also
  halves the memory the ratings take.
* ``ratings_chunks(ratings)`` writes the section byte for byte as ``tomli_w``
  would, when every id is a bare key and every value a rating code (else None).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import cast

from achbench.core.data import Ratings, Row
from achbench.core.vocabulary import CODES, Code

_CODE: dict[str, Code] = {code: code for code in CODES}
_QUOTED_CODE: dict[str, Code] = {f'"{code}"': code for code in CODES}
_BARE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

_SECTION_START = re.compile(r"^\[ratings\.", re.MULTILINE)
_SECTION_END = re.compile(r"\n\[(?!ratings\.)")
"""A line after the section's start that opens another table (no ``^``: a literal
line break first lets the engine skip ahead to each ``[`` in C)."""
_HEADER = re.compile(r"^\[ratings\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\]\n", re.MULTILINE)
_ANY_CODE = "|".join(sorted(CODES, key=len, reverse=True))
"""The rating codes as a regular expression, longest first (``II`` before ``I``)."""
_KEY = re.compile(r'^([A-Za-z0-9_-]+) = "', re.MULTILINE)
_BODY = re.compile(rf'(?:[A-Za-z0-9_-]+ = "(?:{_ANY_CODE})"\n|\n)*')

Parser = Callable[[str], Mapping[str, object]]
"""A TOML reader: text to a table."""


def read_ratings(text: str, parse: Parser) -> dict[str, object] | None:
    """The whole file's data, with ``parse`` reading all but the ratings section.

    None when the section is not in achbench's strict layout (or absent): then
    parse the whole text instead.  ``parse`` may raise on its parts; the caller
    then parses the whole text, to word the error as for the whole file.
    """
    found = _SECTION_START.search(text)
    if found is None:
        return None
    start = found.start()
    finish = _SECTION_END.search(text, start)
    end = finish.start() + 1 if finish else len(text)
    ratings = _section_by_template(text, start, end)
    if ratings is None:
        section = text[start:end]
        if not section.endswith("\n"):
            section += "\n"
        ratings = _section(section)
    if ratings is None:
        return None
    try:
        head = parse(text[:start])
        tail = parse(text[end:])
    except Exception:
        return None
    if "ratings" in head or "ratings" in tail or head.keys() & tail.keys():
        return None
    return {**head, "ratings": ratings, **tail}


def _section_by_template(text: str, start: int, end: int) -> Ratings | None:
    """The ratings of ``text[start:end]`` when every table rates the same hypotheses
    in the same order, one line each, as achbench writes them; else None.

    The first table's keys make one regular expression for a whole table, codes
    captured, so that each of the thousands of tables is one match in C and the
    keys are the same string objects in every row.  Anything else (a table that
    differs, blank lines inside one, a missing final line break) is left to
    ``_section``, which reads each table on its own.
    """
    first = _HEADER.match(text, start, end)
    if first is None or text[end - 1] != "\n":
        return None
    next_table = text.find("\n[", first.end(), end)
    keys: list[str] = _KEY.findall(text, first.end(), end if next_table < 0 else next_table + 1)
    if not keys or len(set(keys)) != len(keys):
        return None
    table_text = re.compile(
        r"\[ratings\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\]\n"
        + "".join(f'{re.escape(key)} = "({_ANY_CODE})"\n' for key in keys)
        + r"\n*"
    )
    match = table_text.match
    code = _CODE.__getitem__
    ratings: Ratings = {}
    ids: dict[str, str] = {}
    intern = ids.setdefault
    position = start
    while position < end:
        found = match(text, position, end)
        if found is None:
            return None
        captured = found.groups()
        analyst, evidence = captured[0], captured[1]
        table = ratings.setdefault(intern(analyst, analyst), {})
        if evidence in table:
            return None  # [ratings.A.E] given twice
        table[intern(evidence, evidence)] = dict(zip(keys, map(code, captured[2:]), strict=True))
        position = found.end()
    return ratings


def _section(section: str) -> Ratings | None:
    """The ratings of a section in the strict layout, or None if it is not."""
    parts = _HEADER.split(section)
    if parts[0] != "":
        return None
    ratings: Ratings = {}
    ids: dict[str, str] = {}
    intern = ids.setdefault
    code = _QUOTED_CODE.__getitem__
    for i in range(1, len(parts), 3):
        analyst, evidence, body = parts[i], parts[i + 1], parts[i + 2]
        if _BODY.fullmatch(body) is None:
            return None
        table = ratings.setdefault(intern(analyst, analyst), {})
        if evidence in table:
            return None  # [ratings.A.E] given twice
        # The body is lines of ``KEY = "CODE"`` (checked just above): split on
        # white space, it is key, "=", quoted code, over and over.
        words = body.split()
        keys = words[0::3]
        row: Row = dict(zip(map(intern, keys, keys), map(code, words[2::3]), strict=True))
        if len(row) != len(keys):
            return None  # a key given twice in one table
        table[intern(evidence, evidence)] = row
    return ratings


def _bare(key: object) -> bool:
    return isinstance(key, str) and bool(key) and _BARE.issuperset(key)


def _table(value: object) -> Mapping[str, object] | None:
    """``value`` if it is a non-empty table (``tomli_w`` writes an empty one as a lone header)."""
    if isinstance(value, Mapping) and value:
        return cast("Mapping[str, object]", value)
    return None


class _NotWritable(Exception):
    """A rating ``ratings_chunks`` cannot write as ``tomli_w`` would: leave it to ``tomli_w``."""


class _Lines(dict[tuple[object, object], str]):
    """Each (hypothesis, code) pair's line, made once: ``H1 = "C"\\n``."""

    def __missing__(self, pair: tuple[object, object]) -> str:
        hypothesis, code = pair
        if not _bare(hypothesis) or not isinstance(code, str) or code not in CODES:
            raise _NotWritable
        line = self[pair] = f'{hypothesis} = "{code}"\n'
        return line


def ratings_chunks(ratings: object) -> str | None:
    """The ``[ratings.A.E]`` tables as ``tomli_w`` writes them, or None if it must.

    Only for bare-key ids and rating codes, with every analyst's table and row
    non-empty (``tomli_w`` writes an empty table as a lone header).  Each row is
    joined from lines made once per (hypothesis, code), looked up in C.
    """
    analysts = _table(ratings)
    if analysts is None:
        return None
    line = _Lines().__getitem__
    chunks: list[str] = []
    for analyst, value in analysts.items():
        table = _table(value)
        if not _bare(analyst) or table is None:
            return None
        for evidence, cells in table.items():
            row = _table(cells)
            if not _bare(evidence) or row is None:
                return None
            try:
                body = "".join(map(line, row.items()))
            except (_NotWritable, TypeError):  # TypeError: a value that is no code
                return None
            chunks.append(f"[ratings.{analyst}.{evidence}]\n{body}")
    return "\n".join(chunks)

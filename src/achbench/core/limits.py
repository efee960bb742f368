"""How much of an untrusted file achbench will read: the caps, each defined once.

A file from elsewhere may be hostile (a gzip bomb, a FIFO, ``/dev/zero``, a
million empty elements, arrays nested 500 deep).  Every reader applies these
caps before the expensive work, so time and memory stay bounded and the user
gets one located line instead of a hang, a traceback or an exhausted machine.
The defaults sit well above every size that is tested (``docs/limits.md``: the
largest documented matrix, 100 x 50,000, is a 58 MB file with 5,000,000 cells)
and each can be raised with an environment variable:

=====================  ==============  ==========================================
cap                    default         raise with
=====================  ==============  ==========================================
bytes in one file      64 MiB          ``ACHBENCH_MAX_FILE_MB`` (in MiB)
items of one kind      100,000         ``ACHBENCH_MAX_ITEMS`` (hypotheses, evidence
                                       items, milestones, analysts)
rated cells            5,000,000       ``ACHBENCH_MAX_CELLS`` (all analysts)
nesting depth          64              not raisable: a matrix nests 5 deep
=====================  ==============  ==========================================

Plain Python: the fast headless path reads these.
"""

from __future__ import annotations

import os
import re
from itertools import accumulate, islice
from typing import Final

from achbench.core.errors import UsageError

MAX_FILE_MB: Final = 64
"""Default cap on one input file, in MiB (also the cap on a decompressed ``.achz``)."""

MAX_ITEMS: Final = 100_000
"""Default cap on hypotheses, evidence items, milestones or analysts in one matrix."""

MAX_CELLS: Final = 5_000_000
"""Default cap on rated cells in one matrix, summed over its analysts."""

MAX_DEPTH: Final = 64
"""Deepest nesting of arrays and tables (inline or JSON) read.  A matrix nests at
most 5 deep; the compiled TOML reader stops at 80 and Python's recursive readers
at a few hundred, so every file deeper than this is refused here, first."""

FILE_MB_VARIABLE: Final = "ACHBENCH_MAX_FILE_MB"
ITEMS_VARIABLE: Final = "ACHBENCH_MAX_ITEMS"
CELLS_VARIABLE: Final = "ACHBENCH_MAX_CELLS"

REPEATS_SHOWN: Final = 20
"""Warnings of one kind printed before the rest are summed up in one line."""


def _setting(variable: str, default: int) -> int:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise UsageError(f"{variable}={text!r}: expected a whole number greater than 0")
    return value


def max_file_bytes() -> int:
    """The cap on the bytes of one input file (``ACHBENCH_MAX_FILE_MB``, default 64 MiB)."""
    return _setting(FILE_MB_VARIABLE, MAX_FILE_MB) * 1024 * 1024


def max_items() -> int:
    """The cap on items of one kind (``ACHBENCH_MAX_ITEMS``, default 100,000)."""
    return _setting(ITEMS_VARIABLE, MAX_ITEMS)


def max_cells() -> int:
    """The cap on rated cells, all analysts together (``ACHBENCH_MAX_CELLS``, default 5,000,000)."""
    return _setting(CELLS_VARIABLE, MAX_CELLS)


def refusal(cap: int, what: str, variable: str) -> str:
    """The message refusing more than ``cap`` of ``what``, saying how to raise it."""
    return f"more than {cap:,} {what}: refused (the cap; raise it with {variable})"


def over_items(count: int, what: str) -> str | None:
    """The refusal for ``count`` items of one kind, or None when within the cap."""
    cap = max_items()
    return None if count <= cap else refusal(cap, what, ITEMS_VARIABLE)


def over_cells(count: int) -> str | None:
    """The refusal for ``count`` rated cells, or None when within the cap."""
    cap = max_cells()
    return None if count <= cap else refusal(cap, "rated cells", CELLS_VARIABLE)


# --- nesting depth, found before any recursive parser sees the text ---------------

_TOML_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'  # multi-line basic string
    r"|'''[\s\S]*?(?:'''|\Z)"  # multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"?'  # basic string (unclosed: to the line end)
    r"|'[^'\n]*'?"  # literal string
    r"|#[^\n]*"  # comment
)
"""What can hold a bracket without nesting anything, in TOML."""

_JSON_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"?')
"""What can hold a bracket without nesting anything, in JSON: strings."""

_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET = re.compile(r"[\[\]{}]")
_BLANK_BRACKETS = str.maketrans("[]{}", "    ")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_CHUNK = 1 << 20


def _nesting(text: str, skip: re.Pattern[str], limit: int) -> int | None:
    """The offset in ``text`` where nesting first goes deeper than ``limit``, or None.

    A linear scan, cheap enough to run on every file: strings and comments are
    cut out and everything but brackets dropped (both by the regular expression
    engine, in C), then the depth after each bracket left is summed up in chunks
    (``itertools.accumulate``, also in C).  Table headers (``[a.b]``) open and
    close on one line, so they never add depth.  An unmatched closing bracket
    makes the count lower, never higher: a parser stops at it anyway.  The
    offset is looked for in the original text only when a file is refused.
    """
    openers = text.count("[") + text.count("{")
    if openers <= limit:
        return None
    if skip is _TOML_SKIP and _at_most_one_deeper(text, openers) < limit:
        return None
    brackets = _NOT_BRACKET.sub("", skip.sub("", text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return None
    depth = 0
    for start in range(0, len(brackets), _CHUNK):
        depths = list(
            accumulate(map(_STEP.__getitem__, brackets[start : start + _CHUNK]), initial=depth)
        )
        if max(depths) > limit:
            index = start + depths.index(limit + 1) - 1
            return _nth_bracket(skip.sub(_blank_brackets, text), index)
        depth = depths[-1]
    return None


_HEADER_LINE = re.compile(r"\n\[[A-Za-z0-9_.-]+\](?=\n)")
"""A table header of bare keys on a line of its own (a literal line break first,
so that the engine skips ahead to each candidate in C)."""


def _at_most_one_deeper(text: str, openers: int) -> int:
    """A bound on the TOML nesting depth of ``text``, less one, found in one quick scan.

    Of its ``openers`` brackets, those of header lines (``[evidence.E1]``) open and
    close on one line: wherever such a line sits, even inside a multi-line array,
    it adds one level for that line only.  So the depth never exceeds the other
    brackets plus one.  A file of thousands of tables thus needs no full scan.
    """
    headers = len(_HEADER_LINE.findall(text)) + bool(re.match(r"\[[A-Za-z0-9_.-]+\]\n", text))
    return openers - headers


def _blank_brackets(match: re.Match[str]) -> str:
    return match.group().translate(_BLANK_BRACKETS)


def _nth_bracket(text: str, index: int) -> int:
    """The offset of bracket number ``index`` (from 0) in ``text``."""
    for start in range(0, len(text), _CHUNK):
        chunk = text[start : start + _CHUNK]
        here = sum(chunk.count(bracket) for bracket in "[]{}")
        if index < here:
            return start + next(islice(_BRACKET.finditer(chunk), index, None)).start()
        index -= here
    return len(text)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def too_deep(text: str, json: bool = False, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """Where ``text`` (TOML, or JSON when ``json``) nests deeper than ``limit``, as
    (line, column), or None.  Run it before handing text to a recursive parser."""
    offset = _nesting(text, _JSON_SKIP if json else _TOML_SKIP, limit)
    return None if offset is None else _line_column(text, offset)


def depth_message(limit: int = MAX_DEPTH) -> str:
    """The refusal of a file nested too deep."""
    return (
        f"refused: arrays or tables nested more than {limit} levels deep here "
        "(no achbench file nests more than 5)"
    )


LONG_NUMBER: Final = re.compile(r"[0-9_]{4301,}")
"""A run of digits longer than Python turns into an integer (``sys.int_info``: 4,300)."""


def long_number(text: str) -> tuple[int, int] | None:
    """Where ``text`` holds a number too long to read, as (line, column), or None."""
    found = LONG_NUMBER.search(text)
    return None if found is None else _line_column(text, found.start())

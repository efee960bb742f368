"""The words of the matrix format, each defined once: every other module reads them here.

Rating codes and what they mean, the credibility and relevance levels, the
format string, the id rule, the scoring methods' names.  Tables that are derived
from these (key bindings, the CSV and ``.achz`` code maps, the fast schema's
literals) are built from them, so a new code or level is one edit here.

Plain Python with no third-party import: the fast headless path, the pydantic
models and the editor all import this module.
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

FORMAT: Final = "achbench/1"
"""The only ``format`` value this build reads and writes."""

FormatName = Literal["achbench/1"]
"""``FORMAT`` as a type, for the models (a ``Literal`` cannot be built from a variable)."""

Code = Literal["CC", "C", "N", "I", "II", "NA"]
"""Heuer's consistency scale, from very consistent to very inconsistent, and not applicable."""

CODES: Final[tuple[Code, ...]] = get_args(Code)
"""The rating codes in scale order: the order of the editor's keys 1-6."""

CODE_MEANING: Final[dict[Code, str]] = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "I": "inconsistent",
    "II": "very inconsistent",
    "NA": "not applicable",
}
"""Heuer's words for each code, for people."""

Level = Literal["low", "medium", "high"]
"""How far an item's source can be believed, or how much the item bears on the question."""

LEVELS: Final[tuple[Level, ...]] = get_args(Level)
"""Credibility and relevance levels, lowest first."""

DEFAULT_LEVEL: Final[Level] = "medium"
"""Credibility and relevance of an item that does not say."""

Expect = Literal["supports", "refutes"]
"""What seeing a milestone would mean for its hypothesis."""

Status = Literal["open", "observed", "not-observed"]
"""Whether a milestone has been seen."""

Method = Literal["heuer", "weighted", "opensynthesis", "bayes"]
"""A scoring method's name."""

METHODS: Final[tuple[Method, ...]] = get_args(Method)
"""Method names accepted by ``--method``, in the order the editor cycles them."""

ID_SHAPE: Final = r"[A-Za-z][A-Za-z0-9_-]{0,63}"
"""The id rule as an unanchored regular expression, for patterns that find ids in text."""

ID_PATTERN: Final = rf"^{ID_SHAPE}$"
"""Hypothesis ids, evidence ids, milestone ids and analyst names: TOML bare keys."""

ID_RE: Final = re.compile(ID_PATTERN)
"""``ID_PATTERN`` compiled, for code that checks an id without pydantic."""

ID_HELP: Final = "an id starts with a letter, then up to 63 letters, digits, '_' or '-'"
"""The id rule in words, for every message that refuses an id."""


def is_id(text: str) -> bool:
    """Whether ``text`` is a valid hypothesis, evidence or milestone id or analyst name."""
    return ID_RE.match(text) is not None

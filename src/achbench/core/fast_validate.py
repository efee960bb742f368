"""A quick proof that data meets the fast schema, so that valid files need no pydantic-core.

Importing ``pydantic_core`` costs more than the rest of ``achbench rank`` on a
small matrix (it loads its whole ``core_schema`` module), and validating a
million ratings with it builds a copy of them.  Nearly every file a command
reads is valid, so ``core.validate`` first asks this module to *prove* that
the data meets ``core._fast_schema.SCHEMA``; only when the proof fails does it
run the pydantic-core validator, which then finds and words the problems.

The proof is conservative: ``proves_valid(data)`` is True only for data that the
pydantic-core validator of the same schema accepts.  It reads the schema itself,
so it follows ``core.model`` as the schema does, and any schema node or option
it does not know makes the proof fail for data that reaches it (never pass): a
new kind of field costs speed until it is taught here, never correctness.
Strings that ids must match are remembered once proved, and a table of rating
codes is checked as a set, so a million ratings cost a few set operations per
row rather than a call per cell.  ``tests/unit/test_fast_validate.py`` checks the
verdicts against pydantic-core's on valid and mutated matrices.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Final, cast

Check = Callable[[object], bool]
"""True when the value is proved to meet one schema node."""

_CONSTRAINTS: Final = ("gt", "ge", "lt", "le")


def _never(value: object) -> bool:
    """The check of a schema node this module does not know: nothing is proved."""
    return False


def _always(value: object) -> bool:
    return True


def _node(schema: object) -> Mapping[str, object]:
    return cast("Mapping[str, object]", schema) if isinstance(schema, dict) else {}


def _only(node: Mapping[str, object], *allowed: str) -> bool:
    """Whether ``node`` has no key but ``type``, ``strict`` and ``allowed``."""
    return set(node) <= {"type", "strict", *allowed}


def _number(node: Mapping[str, object], kinds: tuple[type, ...]) -> Check:
    bounds = [(name, node[name]) for name in _CONSTRAINTS if name in node]
    if not all(type(limit) in (int, float) for _, limit in bounds):
        return _never

    def check(value: object) -> bool:
        if type(value) not in kinds:
            return False
        number = cast(float, value)
        if type(number) is float and not math.isfinite(number):
            return False  # pydantic-core's rules for inf and nan are left to it
        for name, limit in bounds:
            bound = cast(float, limit)
            if not (
                number > bound
                if name == "gt"
                else number >= bound
                if name == "ge"
                else number < bound
                if name == "lt"
                else number <= bound
            ):
                return False
        return True

    return check


def _str(node: Mapping[str, object]) -> Check:
    sizes = _sized(node)
    pattern = node.get("pattern")
    if sizes is None or (pattern is not None and not isinstance(pattern, str)):
        return _never
    low, most = sizes
    search = re.compile(pattern).search if pattern is not None else None

    def check(value: object) -> bool:
        if type(value) is not str:
            return False
        if len(value) < low or (most is not None and len(value) > most):
            return False
        # A line break is where Python's ``$`` and pydantic-core's differ.
        return search is None or ("\n" not in value and search(value) is not None)

    return check


def _literal(node: Mapping[str, object]) -> Check:
    expected = node.get("expected")
    if not isinstance(expected, list):
        return _never
    choices = cast("list[object]", expected)

    def check(value: object) -> bool:
        return any(type(value) is type(choice) and value == choice for choice in choices)

    return check


def string_choices(schema: object) -> frozenset[str] | None:
    """The strings a literal node of only strings allows (for a check by set), else None."""
    node = _node(schema)
    expected = node.get("expected")
    if node.get("type") != "literal" or not _only(node, "expected"):
        return None
    if not isinstance(expected, list) or not all(type(e) is str for e in expected):
        return None
    return frozenset(cast("list[str]", expected))


def _sized(node: Mapping[str, object]) -> tuple[int, int | None] | None:
    low = node.get("min_length", 0)
    high = node.get("max_length")
    if type(low) is not int or (high is not None and type(high) is not int):
        return None
    return low, high


def _dict(node: Mapping[str, object]) -> Check:
    sizes = _sized(node)
    if sizes is None or not _only(node, "keys_schema", "values_schema", "min_length", "max_length"):
        return _never
    low, high = sizes
    key_check = compile_check(node["keys_schema"]) if "keys_schema" in node else None
    codes = string_choices(node.get("values_schema"))
    value_check = compile_check(node["values_schema"]) if "values_schema" in node else None
    proved: set[str] = set()
    """Keys proved to meet ``keys_schema``: ids repeat in every row of ratings."""

    def keys_hold(table: dict[object, object]) -> bool:
        if key_check is None or proved.issuperset(table):
            return True
        for key in table:
            if key not in proved:
                if not key_check(key):
                    return False
                proved.add(cast(str, key))
        return True

    def check(value: object) -> bool:
        if type(value) is not dict:
            return False
        table = cast("dict[object, object]", value)
        if len(table) < low or (high is not None and len(table) > high):
            return False
        if not keys_hold(table):
            return False
        if codes is not None:
            try:
                return codes.issuperset(table.values())
            except TypeError:  # an unhashable value: not a code
                return False
        return value_check is None or all(map(value_check, table.values()))

    return check


class _Fields:
    """The check of a typed dict: its fields' checks, the required ones, and
    whether other keys are refused."""

    def __init__(self, checks: dict[str, Check], required: set[str], forbid: bool) -> None:
        self.checks = checks
        self.required = required
        self.names = frozenset(checks)
        self.forbid = forbid

    def check(self, value: object, proven: Mapping[str, object] | None = None) -> bool:
        """Whether ``value`` is proved to meet the typed dict; a field whose value is
        the very object ``proven`` (a table proved before) holds is taken as proved."""
        if type(value) is not dict:
            return False
        table = cast("dict[str, object]", value)
        if self.forbid and not self.names.issuperset(table):
            return False
        if not table.keys() >= self.required:
            return False
        checks = self.checks
        for name, item in table.items():
            field_check = checks.get(name)
            if field_check is None or (proven is not None and proven.get(name) is item):
                continue
            if not field_check(item):
                return False
        return True


def _fields(node: Mapping[str, object]) -> _Fields | None:
    fields = _node(node.get("fields"))
    extra = node.get("extra_behavior", "ignore")
    if not fields or extra not in ("ignore", "forbid", "allow"):
        return None
    if not _only(node, "fields", "extra_behavior"):
        return None
    checks: dict[str, Check] = {}
    required: set[str] = set()
    for name, field in fields.items():
        spec = _node(field)
        if spec.get("type") != "typed-dict-field" or not set(spec) <= {
            "type",
            "schema",
            "required",
        }:
            return None
        checks[name] = compile_check(spec.get("schema"))
        if spec.get("required", True):
            required.add(name)
    return _Fields(checks, required, extra == "forbid")


def _typed_dict(node: Mapping[str, object]) -> Check:
    fields = _fields(node)
    return _never if fields is None else fields.check


def _union(node: Mapping[str, object]) -> Check:
    raw = node.get("choices")
    if not isinstance(raw, list) or not _only(node, "choices"):
        return _never
    checks = []
    for choice in cast("list[object]", raw):
        if isinstance(choice, (list, tuple)):  # (schema, label)
            choice = cast("Sequence[object]", choice)[0]
        checks.append(compile_check(choice))

    def check(value: object) -> bool:
        return any(c(value) for c in checks)

    return check


def _list(node: Mapping[str, object]) -> Check:
    sizes = _sized(node)
    if sizes is None or not _only(node, "items_schema", "min_length", "max_length"):
        return _never
    low, high = sizes
    items = compile_check(node["items_schema"]) if "items_schema" in node else _always

    def check(value: object) -> bool:
        if type(value) is not list:
            return False
        seq = cast("list[object]", value)
        if len(seq) < low or (high is not None and len(seq) > high):
            return False
        return all(map(items, seq))

    return check


def compile_check(schema: object) -> Check:
    """The check of one schema node (``_never`` for anything it does not know)."""
    node = _node(schema)
    kind = node.get("type")
    if kind == "typed-dict":
        return _typed_dict(node)
    if kind == "dict":
        return _dict(node)
    if kind == "str" and _only(node, "min_length", "max_length", "pattern"):
        return _str(node)
    if kind == "literal" and _only(node, "expected"):
        return _literal(node)
    if kind == "int" and _only(node, *_CONSTRAINTS):
        return _number(node, (int,))
    if kind == "float" and _only(node, *_CONSTRAINTS):
        return _number(node, (float, int))
    if kind == "bool" and _only(node):
        return lambda value: type(value) is bool
    if kind == "date" and _only(node):
        return lambda value: type(value) is dt.date
    if kind == "union":
        return _union(node)
    if kind == "list":
        return _list(node)
    if kind == "nullable" and _only(node, "schema"):
        inner = compile_check(node["schema"])
        return lambda value: value is None or inner(value)
    if kind == "any" and _only(node):
        return _always
    return _never


@cache
def _matrix_fields() -> _Fields | None:
    from achbench.core._fast_schema import SCHEMA

    node = _node(SCHEMA)
    return _fields(node) if node.get("type") == "typed-dict" else None


def proves_valid(data: object, proven: Mapping[str, object] | None = None) -> bool:
    """True only if the fast schema's pydantic-core validator accepts ``data``.

    False means "not proved": the data may still be valid; ask the validator.
    ``proven`` is a matrix proved valid before: its top-level values that ``data``
    holds too, the very same objects, are not proved again (``achbench history``
    reads many versions that share their tables, ``store.toml.parse``).
    """
    fields = _matrix_fields()
    return fields is not None and fields.check(data, proven)

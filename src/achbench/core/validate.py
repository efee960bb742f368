"""Check parsed TOML against the matrix format and explain every problem found.

Two layers, both needed by every reader:

1. the field rules of ``achbench.core.model``, applied by a pydantic-core validator
   built from the generated ``_fast_schema`` (no pydantic import, so headless
   commands start fast);
2. the rules that span the matrix: ratings and milestones must name hypotheses and
   evidence that exist.

Messages are rewritten from pydantic's wording into the file's terms ("unknown
key", "not a rating code") and placed on a line by ``achbench.core.locate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, cast

from achbench.core.data import TABLE_KEYS, MatrixData
from achbench.core.errors import MatrixFileError, Problem
from achbench.core.fast_validate import proves_valid
from achbench.core.limits import over_cells, over_items
from achbench.core.vocabulary import (
    CODES,
    FORMAT,
    GRADES,
    ID_HELP,
    JUDGEMENT_SUM_TOLERANCE,
    RELIABILITIES,
    is_id,
)

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails, SchemaValidator


@cache
def _validator() -> SchemaValidator:
    """The pydantic-core validator, built (and pydantic-core imported) only for data
    that ``core.fast_validate`` could not prove valid: that is where problems are."""
    from pydantic_core import SchemaValidator

    from achbench.core._fast_schema import SCHEMA

    return SchemaValidator(SCHEMA)


def _fieldlocated(
    table: Mapping[str, object], proven: Mapping[str, object] | None = None
) -> list[tuple[tuple[str, ...], str]]:
    """The field rules' problems, worded; none when the quick proof holds."""
    if proves_valid(table, proven):
        return []
    from pydantic_core import ValidationError

    try:
        _validator().validate_python(table)
    except ValidationError as exc:
        return [describe_error(error) for error in _collapse_unions(exc.errors(include_url=False))]
    return []


_TYPE_NAMES = {
    "str": "a string",
    "string": "a string",
    "float": "a number",
    "int": "an integer",
    "bool": "true or false",
    "dict": "a table",
    "list": "an array",
    "date": "a date",
    "datetime": "a date and time",
    "time": "a time",
}


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    name = type(value).__name__
    article = "an" if name[:1] in "aeiou" else "a"
    return f"{article} {_TYPE_NAMES.get(name, name).removeprefix('a ').removeprefix('an ')}"


def _table_of(loc: Sequence[str]) -> str:
    """Which table's key list applies at ``loc`` (for 'unknown key' help)."""
    if len(loc) <= 1:
        return ""
    return loc[0] if loc[0] in TABLE_KEYS else ""


def describe_error(error: ErrorDetails) -> tuple[tuple[str, ...], str]:
    """Turn one pydantic-core error into (key path, message in the file's terms).

    Public because the editor's forms validate with the same models and must
    word their refusals as ``achbench check`` does.
    """
    loc = tuple(_part(part) for part in error["loc"])
    kind = error["type"]
    value: object = error.get("input")
    expected: object = error.get("ctx", {}).get("expected", "")
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        return loc, f"{str(loc[-1])!r} is not a valid id: {ID_HELP}"
    if kind == "missing":
        if len(loc) == 1:
            return loc, "required key missing"
        return loc, f"required key {loc[-1]!r} missing"
    if kind == "extra_forbidden":
        known = ", ".join(TABLE_KEYS[_table_of(loc)])
        return loc, f"unknown key {loc[-1]!r} (this table takes: {known})"
    if kind == "literal_error" or (kind == "string_type" and loc[-1:] == ("grade",)):
        scale = _admiralty(loc, value)
        if scale is not None:
            return loc, scale
    if kind == "literal_error":
        if loc == ("format",):
            return loc, f"{value!r} is not a format this build reads; it reads {FORMAT!r}"
        if loc[0] == "ratings":
            return loc, f"{value!r} is not a rating code; use one of {', '.join(CODES)}"
        return loc, f"{value!r} is not allowed here; use one of {expected}"
    if kind == "string_pattern_mismatch" and loc[-1:] == ("sha256",):
        return loc, f"{value!r} is not a SHA-256 digest: expected 64 lower-case hex digits"
    if kind == "string_pattern_mismatch":
        return loc, f"{value!r} is not a valid id: {ID_HELP}"
    if kind == "string_too_short":
        return loc, "must not be empty"
    if kind == "too_short" and loc == ("hypotheses",):
        return loc, "at least one hypothesis is required"
    if kind in ("greater_than", "less_than_equal", "greater_than_equal", "less_than"):
        if loc[:1] == ("judgements",):
            return loc, f"{value!r} is out of range: a probability is from 0 to 1"
        return loc, f"{value!r} is out of range: must be greater than 0 and at most 1"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "model_type":
        wanted = kind.removesuffix("_type").removesuffix("_parsing")
        if kind == "date_from_datetime_inexact" or wanted == "date":
            return loc, f"expected a date such as 2022-01-31, got {_describe(value)}"
        wanted_text = _TYPE_NAMES.get(wanted, "a table" if wanted == "dict" else wanted)
        return loc, f"expected {wanted_text}, got {_describe(value)}"
    return loc, error["msg"]


def _part(part: str | int) -> str:
    """A key path part: a key as it is, an array index as ``[n]`` (ids never look so)."""
    return f"[{part}]" if isinstance(part, int) else part


def _admiralty(loc: Sequence[str], value: object) -> str | None:
    """The message for a grade or reliability off the Admiralty scale (None elsewhere)."""
    if len(loc) == 3 and loc[0] == "evidence" and loc[2] == "grade":
        if isinstance(value, int) and not isinstance(value, bool):
            return f'expected a string: write the grade as "{value}"'
        return f'{value!r} is not an Admiralty grade: use "{GRADES[0]}" to "{GRADES[-1]}"'
    if len(loc) == 3 and loc[0] == "sources" and loc[2] == "reliability":
        first, last = RELIABILITIES[0], RELIABILITIES[-1]
        return f'{value!r} is not an Admiralty reliability: use "{first}" to "{last}"'
    return None


_RECORDED_SIDES = ("base", "ours", "theirs")


def _collapse_unions(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """A recorded conflict value fails once per type it may take; report it once.

    (``conflicts.C1.ours`` may be a string, number, date or table: a boolean
    there would otherwise give five messages, one per choice.)
    """
    out: list[ErrorDetails] = []
    seen: set[tuple[str, ...]] = set()
    for error in errors:
        loc = tuple(_part(part) for part in error["loc"])
        if len(loc) > 3 and loc[0] == "conflicts" and loc[2] in _RECORDED_SIDES:
            if loc[:3] in seen:
                continue
            seen.add(loc[:3])
            value: object = error.get("input")
            if isinstance(value, dict):
                described = "a table holding something else"
            elif isinstance(value, list):
                described = "an array holding something else"
            else:
                described = _describe(value)
            out.append(
                {
                    "loc": loc[:3],
                    "type": "recorded_value",
                    "msg": "expected a string, boolean, number, date, array of strings "
                    f"or a table of those, got {described}",
                    "input": value,
                }
            )
            continue
        out.append(error)
    return out


def _tables(value: object) -> Mapping[str, object]:
    """``value`` if it is a table, else an empty one (for data not yet validated)."""
    return cast("Mapping[str, object]", value) if isinstance(value, dict) else {}


def _cross_checks(
    data: Mapping[str, object], proven: Mapping[str, object] | None = None
) -> Iterator[tuple[tuple[str, ...], str]]:
    """References between tables; defensive, since it also runs on data that failed
    the field rules (so that one run reports every problem).  Where every table but
    the ratings is the very one of ``proven`` (a matrix proved valid before), only
    the ratings' references are checked again."""
    hypotheses = _tables(data.get("hypotheses"))
    evidence = _tables(data.get("evidence"))
    yield from _rating_checks(data, hypotheses, evidence)
    if (
        proven is not None
        and data.keys() == proven.keys()
        and all(proven[key] is value for key, value in data.items() if key != "ratings")
    ):
        return
    for milestone_id, milestone in _tables(data.get("milestones")).items():
        named = _tables(milestone).get("hypothesis")
        if isinstance(named, str) and named not in hypotheses:
            yield (
                ("milestones", milestone_id, "hypothesis"),
                f"names hypothesis {named!r}, which is not in [hypotheses]",
            )
    yield from _addition_checks(data, hypotheses, evidence)


def _rating_checks(
    data: Mapping[str, object], hypotheses: Mapping[str, object], evidence: Mapping[str, object]
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every rating names evidence and hypotheses that exist."""
    for analyst, table in _tables(data.get("ratings")).items():
        for evidence_id, row in _tables(table).items():
            cells = _tables(row)
            if evidence_id not in evidence:
                yield (
                    ("ratings", analyst, evidence_id),
                    f"rates evidence {evidence_id!r}, which is not in [evidence]",
                )
            if hypotheses.keys() >= cells.keys():
                continue
            unknown = cells.keys() - hypotheses.keys()
            for hypothesis_id in sorted(unknown):
                yield (
                    ("ratings", analyst, evidence_id, hypothesis_id),
                    f"rates hypothesis {hypothesis_id!r}, which is not in [hypotheses]",
                )


def _ids_in(value: object) -> list[tuple[str, str]]:
    """(key path part, id) of each valid id in an array (for data not yet validated;
    a string that breaks the id rule is reported by the field rules alone)."""
    items = cast("list[object]", value) if isinstance(value, list) else []
    return [
        (f"[{i}]", item) for i, item in enumerate(items) if isinstance(item, str) and is_id(item)
    ]


def _addition_checks(
    data: Mapping[str, object], hypotheses: Mapping[str, object], evidence: Mapping[str, object]
) -> Iterator[tuple[tuple[str, ...], str]]:
    """References of the spec's "Additions": sources, assumptions, rationale, judgements
    and the resolution must name what exists, as ratings and milestones must."""
    sources = _tables(data.get("sources"))
    assumptions = _tables(data.get("assumptions"))
    for evidence_id, item in evidence.items():
        fields = _tables(item)
        cited = fields.get("cites")
        if isinstance(cited, str) and is_id(cited) and cited not in sources:
            yield (
                ("evidence", evidence_id, "cites"),
                f"cites source {cited!r}, which is not in [sources]",
            )
        for index, assumed in _ids_in(fields.get("assumes")):
            if assumed not in assumptions:
                yield (
                    ("evidence", evidence_id, "assumes", index),
                    f"assumes {assumed!r}, which is not in [assumptions]",
                )
    for assumption_id, assumption in assumptions.items():
        for index, named in _ids_in(_tables(assumption).get("hypotheses")):
            if named not in hypotheses:
                yield (
                    ("assumptions", assumption_id, "hypotheses", index),
                    f"names hypothesis {named!r}, which is not in [hypotheses]",
                )
    for analyst, table in _tables(data.get("rationale")).items():
        for evidence_id, row in _tables(table).items():
            if evidence_id not in evidence:
                yield (
                    ("rationale", analyst, evidence_id),
                    f"explains ratings of evidence {evidence_id!r}, which is not in [evidence]",
                )
            for hypothesis_id in sorted(_tables(row).keys() - hypotheses.keys()):
                yield (
                    ("rationale", analyst, evidence_id, hypothesis_id),
                    f"explains a rating of hypothesis {hypothesis_id!r}, "
                    "which is not in [hypotheses]",
                )
    for analyst, table in _tables(data.get("judgements")).items():
        for hypothesis_id in sorted(_tables(table).keys() - hypotheses.keys()):
            yield (
                ("judgements", analyst, hypothesis_id),
                f"judges hypothesis {hypothesis_id!r}, which is not in [hypotheses]",
            )
    resolved = _tables(data.get("resolution")).get("hypothesis")
    if isinstance(resolved, str) and resolved not in hypotheses:
        yield (
            ("resolution", "hypothesis"),
            f"names hypothesis {resolved!r}, which is not in [hypotheses]",
        )


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


_INDEX = re.compile(r"^\[\d+\]$")


def key_path(loc: Sequence[str]) -> str:
    """A key path as TOML would write it: ``ratings."lead analyst".E1``; an array
    index as ``evidence.E1.assumes[0]``."""
    import json  # only to word a problem: reading a valid file never needs it

    out = ""
    for part in loc:
        if _INDEX.match(part):
            out += part
            continue
        out += ("." if out else "") + (part if _BARE_KEY.match(part) else json.dumps(part))
    return out


def _position(
    keys: Mapping[tuple[str, ...], tuple[int, int]], loc: tuple[str, ...]
) -> tuple[int, int] | None:
    """Where ``loc`` sits: the key itself, else the first key inside it, else its parent."""
    probe = loc
    while probe:
        if probe in keys:
            return keys[probe]
        inside = [pos for key, pos in keys.items() if key[: len(probe)] == probe]
        if inside:
            return min(inside)
        probe = probe[:-1]
    return None


def located(
    path: str,
    text: str | None,
    found: Sequence[tuple[tuple[str, ...], str]],
    *,
    ordered: bool = True,
) -> list[Problem]:
    """Each (key path, message) of ``found`` as a ``Problem`` at its line and column in
    ``text`` (``_position``); ``ordered``: sorted by where they are in the file."""
    from achbench.core.locate import index_keys  # only a file with problems pays for it

    keys = index_keys(text) if text is not None else {}
    problems: list[Problem] = []
    for loc, message in found:
        position = _position(keys, loc)
        line, column = position if position else (None, None)
        problems.append(Problem(path, message, line, column, key_path(loc) or None))
    if ordered:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


_COUNTED = (
    ("hypotheses", "hypotheses"),
    ("evidence", "evidence items"),
    ("milestones", "milestones"),
    ("ratings", "analysts"),
    ("conflicts", "conflict records"),
)
"""Tables whose entries count against ``core.limits.max_items()``, and their names."""


def over_caps(data: Mapping[str, object]) -> list[tuple[tuple[str, ...], str]]:
    """The element caps of ``core.limits`` that ``data`` breaks, as (key path, message).

    Checked before anything costs time in proportion to the data: validating a
    million items, or scoring five million cells.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    for key, what in _COUNTED:
        message = over_items(len(_tables(data.get(key))), what)
        if message is not None:
            found.append(((key,), message))
    cells = sum(
        len(_tables(row))
        for table in _tables(data.get("ratings")).values()
        for row in _tables(table).values()
    )
    message = over_cells(cells)
    if message is not None:
        found.append((("ratings",), message))
    return found


def validate_data(
    data: object,
    path: str = "<matrix>",
    text: str | None = None,
    proven: Mapping[str, object] | None = None,
) -> MatrixData:
    """Validate parsed data as a matrix; return it, or raise ``MatrixFileError``.

    ``text`` is the source the data was parsed from, used only to put problems on
    their lines.  The returned dict is the input itself, untouched: unset keys stay
    unset, so writing it back changes nothing.  ``proven`` is a matrix validated
    before whose tables ``data`` may share, the very objects (``store.toml.parse``
    with ``parts``): those are not proved again.
    """
    if not isinstance(data, dict):
        raise MatrixFileError([Problem(path, f"expected a table, got {_describe(data)}")])
    table = cast("Mapping[str, object]", data)
    too_many = over_caps(table)
    if too_many:
        raise MatrixFileError(located(path, text, too_many))
    found = _fieldlocated(table, proven)
    found.extend(_cross_checks(table, proven))
    if found:
        raise MatrixFileError(located(path, text, found))
    return cast(MatrixData, table)


def warnings(data: MatrixData, path: str = "<matrix>", text: str | None = None) -> list[Problem]:
    """What a valid matrix should not hold but may: each a located ``warning:`` problem.

    One analyst's judgements that do not sum to 1 (within
    ``JUDGEMENT_SUM_TOLERANCE``): the hypotheses are meant to be mutually
    exclusive and exhaustive, yet the spec lets such a file load.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    for analyst, table in (data.get("judgements") or {}).items():
        total = sum(table.values())
        if table and abs(total - 1) > JUDGEMENT_SUM_TOLERANCE:
            found.append(
                (
                    ("judgements", analyst),
                    f"warning: {analyst}'s judgements sum to {total:.4g}, not 1; the "
                    "hypotheses are meant to be exclusive and exhaustive",
                )
            )
    return located(path, text, found)

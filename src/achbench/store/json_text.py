"""JSON output, byte for byte as ``json.dumps(value, indent=2, ensure_ascii=False)``, faster.

With an indent, the standard library encodes in Python, through a generator per
container and a call per value: printing the leave-one-out orders of 5,000
items (a quarter of a million ids) took longer than computing them.  This
writer walks the same values with the C string encoder and joins a list of
plain strings (``str``, ``int``, ``float``, ``bool``, ``None``) in one call, so
long lists cost a few C passes.  It takes what ``achbench``'s commands print:
dicts, lists and tuples of those scalars, with string, number, boolean or None
keys; anything else goes to ``default`` as with ``json.dumps``, or is a
``TypeError`` without one.  Unlike
``json.dumps`` it does not look for cycles (none of the payloads can hold one).
``tests/unit/test_json_text.py`` compares the two on random values.
"""

from __future__ import annotations

from collections.abc import Callable

try:  # the C encoder ``json.encoder`` uses, without loading the json package
    from _json import encode_basestring as _c_string
except ImportError:  # pragma: no cover - an interpreter without the C module
    from json.encoder import py_encode_basestring as _c_string

_STRING: Callable[[str], str] = _c_string
_INDENT = "  "


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: object) -> str | None:
    """A scalar's JSON text, or None if ``value`` is a container (or not JSON)."""
    if isinstance(value, str):
        return _STRING(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: object) -> str:
    if isinstance(key, str):
        return _STRING(key)
    text = _scalar(key)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return _STRING(text)


Default = Callable[[object], object]
"""What to write instead of a value JSON has no form for (``json.dumps``' ``default``)."""


def _write(value: object, newline: str, out: list[str], default: Default | None) -> None:
    """Append ``value``'s text; ``newline`` is a line break and the current indent."""
    text = _scalar(value)
    if text is not None:
        out.append(text)
        return
    inner = newline + _INDENT
    if isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
        elif set(map(type, value)) == {str}:
            out.append("[" + inner + ("," + inner).join(map(_STRING, value)) + newline + "]")
        else:
            separator = "[" + inner
            for item in value:
                out.append(separator)
                _write(item, inner, out, default)
                separator = "," + inner
            out.append(newline + "]")
        return
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        separator = "{" + inner
        for key, item in value.items():
            text = _scalar(item)
            if text is not None:
                out.append(separator + _key(key) + ": " + text)
            else:
                out.append(separator + _key(key) + ": ")
                _write(item, inner, out, default)
            separator = "," + inner
        out.append(newline + "}")
        return
    if default is None:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    _write(default(value), newline, out, default)


def dumps(value: object, default: Default | None = None) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=default)`` for the
    values above."""
    out: list[str] = []
    _write(value, "\n", out, default)
    return "".join(out)

"""What every format shares: the ``Report`` of a conversion and a few helpers.

A module of its own so that the format modules and the package that picks
between them (``achbench.formats``) import it without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, Problem
from achbench.core.limits import REPEATS_SHOWN

DEFAULT_ANALYST = "analyst"
"""Whose ratings an imported grid becomes when the file names nobody."""


_VARIABLE_PART = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d[\d,.]*")
"""What differs between two messages of one kind: quoted text and numbers."""

ALL_KINDS_SHOWN = 1000
"""Messages kept in all, whatever their kinds; the rest are only counted."""


def kind_of(message: str) -> str:
    """The kind of a message: its words, with quoted text and numbers left out."""
    return _VARIABLE_PART.sub("#", message)


@dataclass
class _Repeats:
    """Messages of one kind past the first ``REPEATS_SHOWN``: how many, and after which."""

    after: Problem
    count: int = 0


@dataclass
class Report:
    """What a conversion noticed: losses (warnings) and guesses (notes).

    Both are ``Problem`` records so that they print like load errors:
    ``FILE:LINE:COL: KEY: warning: MESSAGE``.  A hostile file can make a reader
    say the same thing a million times, so only the first ``REPEATS_SHOWN``
    messages of each kind (``kind_of``) are kept; ``lines`` sums up the rest in
    one line, ``... and 999,980 more like this``, and memory stays bounded.
    """

    path: str
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    _seen: dict[str, int] = field(default_factory=dict, repr=False)
    _repeats: dict[str, _Repeats] = field(default_factory=dict, repr=False)
    _kept: int = field(default=0, repr=False)

    def _add(self, into: list[Problem], problem: Problem) -> None:
        kind = kind_of(problem.message)
        seen = self._seen.get(kind, 0)
        if seen < REPEATS_SHOWN and (seen or self._kept < ALL_KINDS_SHOWN):
            self._seen[kind] = seen + 1
            self._kept += 1
            into.append(problem)
            return
        if not seen:  # past ALL_KINDS_SHOWN: counted with the last message kept
            kind = "\0"
        if kind not in self._repeats:
            self._repeats[kind] = _Repeats(into[-1] if into else problem)
        self._repeats[kind].count += 1

    def warn(
        self,
        message: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record something that was dropped, replaced or read as unrated."""
        self._add(self.warnings, Problem(self.path, f"warning: {message}", line, column, key))

    def note(
        self,
        message: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record an assumption the reader made (ids generated, orientation...)."""
        self._add(self.notes, Problem(self.path, f"note: {message}", line, column, key))

    def lines(self) -> list[str]:
        """Every note then every warning, one per line, as printed on stderr; each
        kind past its first ``REPEATS_SHOWN`` summed up after the last one shown."""
        after: dict[int, list[str]] = {}
        for kind, repeats in self._repeats.items():
            label = repeats.after.message.split(":", 1)[0]
            like = "more like this" if kind != "\0" else "more notes and warnings"
            after.setdefault(id(repeats.after), []).append(
                f"{self.path}: {label}: ... and {repeats.count:,} {like}"
            )
        out: list[str] = []
        for problem in (*self.notes, *self.warnings):
            out.append(str(problem))
            out += after.pop(id(problem), [])
        for rest in after.values():  # summed up after a message of the other list
            out += rest
        return out


def fail(
    path: str,
    message: str,
    key: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> MatrixFileError:
    """An error naming the file and, where known, the line or element."""
    return MatrixFileError([Problem(path, message, line, column, key)])


def id_list(ids: list[str], limit: int = 8) -> str:
    """A short list of ids for a message: ``H1, H2, H3 and 5 more``."""
    if len(ids) <= limit:
        return ", ".join(ids)
    return f"{', '.join(ids[:limit])} and {len(ids) - limit} more"


def pick_analyst(data: MatrixData, wanted: str | None, report: Report, target: str) -> str | None:
    """Choose the one analyst whose ratings a single-grid target holds.

    ``wanted`` (``--analyst``) wins; otherwise the matrix's default analyst if
    they rated anything, else the first analyst in the file.  The others are
    reported, never dropped silently.
    """
    ratings = data.get("ratings", {})
    names = list(ratings)
    if wanted is not None:
        if wanted not in ratings:
            known = ", ".join(names) if names else "none"
            raise fail(report.path, f"no ratings by analyst {wanted!r} (analysts: {known})")
        chosen: str | None = wanted
    elif not names:
        return None
    elif (default := data.get("analyst")) is not None and default in ratings:
        chosen = default
    else:
        chosen = names[0]
    others = [n for n in names if n != chosen]
    if others:
        report.warn(
            f"{target} holds one analyst's ratings: exported {chosen!r}, left out "
            f"{id_list(others)} (choose with --analyst)",
            key="ratings",
        )
    return chosen

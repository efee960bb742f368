"""What every format shares: the ``Report`` of a conversion and a few helpers.

A module of its own so that the format modules and the package that picks
between them (``achbench.formats``) import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, Problem

DEFAULT_ANALYST = "analyst"
"""Whose ratings an imported grid becomes when the file names nobody."""


@dataclass
class Report:
    """What a conversion noticed: losses (warnings) and guesses (notes).

    Both are ``Problem`` records so that they print like load errors:
    ``FILE:LINE:COL: KEY: warning: MESSAGE``.
    """

    path: str
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def warn(
        self,
        message: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record something that was dropped, replaced or read as unrated."""
        self.warnings.append(Problem(self.path, f"warning: {message}", line, column, key))

    def note(
        self,
        message: str,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record an assumption the reader made (ids generated, orientation...)."""
        self.notes.append(Problem(self.path, f"note: {message}", line, column, key))

    def lines(self) -> list[str]:
        """Every note then every warning, one per line, as printed on stderr."""
        return [str(p) for p in (*self.notes, *self.warnings)]


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

"""Errors a user can act on: each one names the file and the line or key.

Every problem with an input file becomes a ``Problem``; a load that finds any
raises ``MatrixFileError`` holding them all, so one run of ``achbench check``
reports every problem, not just the first.  The command line prints
``str(problem)`` one per line and exits 2; nothing here formats tracebacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from achbench.core.text import one_line


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file.

    ``line`` and ``column`` are 1-based and set wherever the problem sits on a
    line; ``key`` is the dotted key path wherever the problem is about a key.
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.key}:" if self.key else ""
        return one_line(f"{where}:{key} {self.message}")


class AchbenchError(Exception):
    """Base of every error the command line reports as a message, exit status 2."""

    def lines(self) -> list[str]:
        """The message, one problem per line (control characters escaped, ``one_line``)."""
        return [one_line(str(self))]


class MatrixFileError(AchbenchError):
    """A file that could not be read as a valid matrix, with every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class UsageError(AchbenchError):
    """Inputs that are each valid but do not fit together (say, two different matrices)."""


class SaveError(AchbenchError):
    """A save that could not be completed; the file on disk is as it was before."""

"""Reading several versions of one matrix, which share most of their text.

``achbench history`` reads every committed version of a file, ``diff`` two and
``merge`` three: versions of one matrix, most often a few ratings apart.  Their
text around the ratings section is then the same, so ``VersionReader`` parses it
once and shares the tables (``store.toml.parse`` with ``parts``), and validation
proves again only what a version does not share with one read before
(``core.validate.validate_data`` with ``proven``).  At 50 x 5,000 that is a
third of reading each further version.

The tables are shared between the versions read, so nothing may change them in
place: the commands that use this only compare, score and merge into new tables.
"""

from __future__ import annotations

from pathlib import Path

from achbench.core.data import MatrixData
from achbench.core.validate import validate_data
from achbench.store.files import read_text
from achbench.store.toml import collector_paused, parse


class _Recent(dict[str, dict[str, object]]):
    """A dict that keeps only its ``KEEP`` newest entries: versions are read in
    order, so a part not seen in the last few versions rarely comes back, and a
    long history of a large matrix must not keep every version's tables."""

    KEEP = 4

    def __setitem__(self, key: str, value: dict[str, object]) -> None:
        super().__setitem__(key, value)
        if len(self) > self.KEEP:
            del self[next(iter(self))]


class VersionReader:
    """Reads versions of one matrix one after another, sharing what they share."""

    KEEP = 4
    """How many valid versions are remembered as proofs for the next."""

    def __init__(self) -> None:
        self.parts = _Recent()
        self.valid: list[MatrixData] = []

    def reset(self) -> None:
        """Forget every version read (the next ones are of another matrix)."""
        self.parts.clear()
        self.valid.clear()

    def _closest(self, data: dict[str, object]) -> MatrixData | None:
        """The version read before that shares the most tables with ``data``."""
        best, shared = None, 0
        for earlier in self.valid:
            count = sum(1 for key, value in data.items() if earlier.get(key) is value)
            if count > shared:
                best, shared = earlier, count
        return best

    def load_text(self, text: str, label: str) -> MatrixData:
        """A version's text as valid matrix data, or ``MatrixFileError`` as for a file."""
        parsed = parse(text, label, self.parts)
        data = validate_data(parsed, label, text, self._closest(parsed))
        self.valid = [data, *self.valid[: self.KEEP - 1]]
        return data

    def load(self, path: Path | str) -> MatrixData:
        """A matrix file, as ``store.toml.load_data`` reads it (the collector paused
        meanwhile), sharing what it can with the versions read before."""
        text = read_text(path)
        with collector_paused():
            return self.load_text(text, str(path))

"""What the grid shows of a session: orientation, order, filter, cursor, current scores.

Plain Python (no Textual import), so the editor's navigation rules are tested
headless.  Rows and columns are hypotheses and evidence items, or the other way
round when transposed (Heuer's own orientation: evidence down the side).  The
cursor is kept as a hypothesis index and an evidence index into the visible
lists, so transposing keeps it on the same cell.
"""

from __future__ import annotations

from typing import Literal

from achbench.scoring import METHODS, HypothesisScore, Ranking
from achbench.session import Session

Kind = Literal["hypothesis", "evidence"]


def _clamp(value: int, size: int) -> int:
    return max(0, min(value, size - 1)) if size else 0


class GridView:
    """The visible layout of a session's matrix and the cursor on it."""

    def __init__(self, session: Session, method: str = "heuer") -> None:
        self.session = session
        self.method = method
        self.transposed = False
        self.sorted = False
        self.filter = ""
        self.advance = True
        """Rating a cell moves the cursor to the next hypothesis for the same item."""
        self.hypothesis_ids: list[str] = []
        self.evidence_ids: list[str] = []
        self._sorted_order: list[str] = []
        self.h = 0
        self.e = 0
        self.ranking = Ranking(method, [], [])
        self.scores: dict[str, HypothesisScore] = {}
        self.sync()

    # -- keeping in step with the session ----------------------------------------------

    def sync(self) -> None:
        """Recompute the visible ids after a structural change, keeping the cursor's cell."""
        hypothesis, evidence = self.current()
        self.hypothesis_ids = list(self.session.hypotheses)
        ids = list(self.session.evidence)
        if self.sorted:
            known = set(ids)
            ordered = [e for e in self._sorted_order if e in known]
            seen = set(ordered)
            ids = ordered + [e for e in ids if e not in seen]
            self._sorted_order = ids
        if self.filter:
            ids = [e for e in ids if self._matches(e)]
        self.evidence_ids = ids
        self._place(hypothesis, evidence)
        self.rescore()

    def _place(self, hypothesis: str | None, evidence: str | None) -> None:
        if hypothesis in self.hypothesis_ids:
            self.h = self.hypothesis_ids.index(hypothesis)
        if evidence is not None and evidence in self.evidence_ids:
            self.e = self.evidence_ids.index(evidence)
        self.h = _clamp(self.h, len(self.hypothesis_ids))
        self.e = _clamp(self.e, len(self.evidence_ids))

    def rescore(self) -> set[str]:
        """Take the ranking under the current method from the live scores: O(hypotheses).

        Returns the hypotheses whose rank or score changed.
        """
        old = self.scores
        self.ranking = self.session.live.ranking(self.method)
        self.scores = {h.id: h for h in self.ranking.hypotheses}
        return {
            h
            for h, new in self.scores.items()
            if h not in old or (old[h].rank, old[h].score) != (new.rank, new.score)
        }

    def _matches(self, evidence_id: str) -> bool:
        needle = self.filter.casefold()
        if needle in evidence_id.casefold():
            return True
        item = self.session.evidence[evidence_id]
        return any(
            needle in str(item[key]).casefold()
            for key in ("title", "source", "kind", "notes", "date")
            if key in item
        )

    # -- rows and columns ----------------------------------------------------------------

    @property
    def row_kind(self) -> Kind:
        return "evidence" if self.transposed else "hypothesis"

    @property
    def col_kind(self) -> Kind:
        return "hypothesis" if self.transposed else "evidence"

    @property
    def rows(self) -> list[str]:
        return self.evidence_ids if self.transposed else self.hypothesis_ids

    @property
    def cols(self) -> list[str]:
        return self.hypothesis_ids if self.transposed else self.evidence_ids

    @property
    def cursor(self) -> tuple[int, int]:
        """(row, column) of the cursor in the visible grid."""
        return (self.e, self.h) if self.transposed else (self.h, self.e)

    def current(self) -> tuple[str | None, str | None]:
        """(hypothesis id, evidence id) under the cursor; None where the axis is empty."""
        hypothesis = self.hypothesis_ids[self.h] if self.hypothesis_ids else None
        evidence = self.evidence_ids[self.e] if self.evidence_ids else None
        return hypothesis, evidence

    def cell(self, row: int, col: int) -> tuple[str, str]:
        """(hypothesis id, evidence id) at a visible position."""
        if self.transposed:
            return self.hypothesis_ids[col], self.evidence_ids[row]
        return self.hypothesis_ids[row], self.evidence_ids[col]

    # -- moving ----------------------------------------------------------------------------

    def move(self, drow: int, dcol: int) -> bool:
        """Move the cursor by rows and columns, stopping at the edges; True if it moved."""
        row, col = self.cursor
        return self.move_to(row + drow, col + dcol)

    def move_to(self, row: int, col: int) -> bool:
        before = (self.h, self.e)
        row = _clamp(row, len(self.rows))
        col = _clamp(col, len(self.cols))
        if self.transposed:
            self.e, self.h = row, col
        else:
            self.h, self.e = row, col
        return (self.h, self.e) != before

    def advance_cursor(self) -> None:
        """After a rating: the next hypothesis for the same evidence item, then the next item.

        This is Heuer's advice: work across the hypotheses one item at a time.
        """
        if self.h + 1 < len(self.hypothesis_ids):
            self.h += 1
        elif self.e + 1 < len(self.evidence_ids):
            self.h = 0
            self.e += 1

    # -- view choices ----------------------------------------------------------------------

    def cycle_method(self) -> str:
        self.method = METHODS[(METHODS.index(self.method) + 1) % len(METHODS)]
        if self.sorted:
            self._resort()
        self.rescore()
        return self.method

    def toggle_transpose(self) -> None:
        self.transposed = not self.transposed

    def toggle_sort(self) -> None:
        """Sort evidence by diagnosticity under the current method, or back to file order."""
        self.sorted = not self.sorted
        if self.sorted:
            self._resort()
        self.sync()

    def _resort(self) -> None:
        live = self.session.live
        self._sorted_order = live.sorted_by_diagnosticity(self.method, self.session.evidence)
        if not self.sorted:
            return
        hypothesis, evidence = self.current()
        self.sorted = True
        self.evidence_ids = [e for e in self._sorted_order if not self.filter or self._matches(e)]
        self._place(hypothesis, evidence)

    def set_filter(self, text: str) -> None:
        """Show only evidence whose id, title, source, kind, date or notes hold ``text``."""
        self.filter = text.strip()
        self.sync()

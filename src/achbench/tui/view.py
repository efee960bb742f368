"""What the grid shows of a session: orientation, order, filter, cursor, current scores.

Plain Python (no Textual import), so the editor's navigation rules are tested
headless.  Rows and columns are hypotheses and evidence items, or the other way
round when transposed (Heuer's own orientation: evidence down the side).  The
cursor is kept as a hypothesis index and an evidence index into the visible
lists, so transposing keeps it on the same cell.

It also answers, cheaply enough for every keystroke, what the analysis adds to
the grid: whether an item is non-diagnostic (rated alike for every hypothesis,
``scoring.rated_alike``, one item at a time), each cell's consensus and dispute
category in the consensus view (``analysis.consensus``, one cell at a time,
memoised by its votes), and the milestone warnings on the leader
(``analysis.milestones.warnings``, kept until the leader or the milestones change).

Whoever changes the session hands the ``Change`` to ``apply`` at once, so the
view is current before anything reads it; ``apply`` says in a ``Redraw`` what
the screen must draw again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from achbench.core.vocabulary import METHODS, Code
from achbench.editing.session import Session
from achbench.editing.undo import Change
from achbench.scoring.methods import HypothesisScore, Ranking, consensus_code
from achbench.tui.settings import COLUMN_WIDTH, clamp_width

if TYPE_CHECKING:
    from achbench.analysis.assumptions import AssumptionWarning
    from achbench.analysis.milestones import MilestoneWarning

ASSUMPTION_CELLS_AT_ONCE = 100_000
"""Unsupported assumptions x hypotheses x evidence items up to which the assumption
warnings are checked again at every edit (a few milliseconds); above it, once typing
pauses (``GridView.assumptions_deferred``)."""

Kind = Literal["hypothesis", "evidence"]

Scope = Literal["title", "panes", "cell", "labels", "scores", "all"]
"""How much of the main screen a change touches, least first:

``title`` the title bar alone; ``panes`` the detail and ranking panes too;
``cell`` one cell of the grid (and the rows whose rank or score moved);
``labels`` the grid's labels and headers (titles, weights, milestone marks);
``scores`` the grid's scores and headers; ``all`` the whole grid, laid out again.
"""


@dataclass(frozen=True, slots=True)
class Redraw:
    """What the main screen must draw again after a change (the cursor aside)."""

    scope: Scope
    hypothesis: str | None = None
    """``cell``: the cell's hypothesis."""
    evidence: str | None = None
    """``cell``: the cell's evidence item."""
    rescored: frozenset[str] = frozenset()
    """``cell``: the hypotheses whose rank or score changed."""
    headers: bool = False
    """``cell``: an item became, or stopped being, non-diagnostic: redraw the headers."""


@dataclass(frozen=True, slots=True)
class CellVotes:
    """One cell in the consensus view: every analyst's vote, the consensus, the dispute."""

    votes: tuple[tuple[str, Code], ...]
    """(analyst, code) for each analyst who rated the cell, in file order."""
    consensus: Code | None
    disagreement: float | None
    category: str
    """``unrated``, ``consensus``, ``mild``, ``large`` or ``extreme`` (Open Synthesis)."""


def _clamp(value: int, size: int) -> int:
    return max(0, min(value, size - 1)) if size else 0


SEARCHED = ("title", "source", "kind", "notes", "date")
"""The fields of an evidence item the filter looks in (and its id)."""
HEADER_TITLE_LINES = 3
"""Lines a column header gives its title."""
MIN_TITLE_SHOWN = 16
"""Characters of a title a header always shows (or the whole title, if shorter)."""


def wrap_title(title: str, width: int, lines: int = HEADER_TITLE_LINES) -> list[str]:
    """A title over at most ``lines`` lines of ``width`` cells, cut with ``…`` if longer.

    Words are kept whole where that still shows at least ``MIN_TITLE_SHOWN``
    characters; otherwise the text is cut at the width, mid-word, which with a
    column of six cells or more always shows sixteen.
    """
    text = " ".join(title.split())
    if width <= 0:
        return []
    by_words = _wrap_words(text, width, lines)
    shown = sum(len(line) for line in by_words) + len(by_words) - 1
    if len(text) > shown and shown < MIN_TITLE_SHOWN:
        by_words = [text[i : i + width] for i in range(0, len(text), width)][:lines]
        shown = width * len(by_words)
    if len(text) > shown and by_words:
        last = by_words[-1]
        by_words[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return by_words


def _wrap_words(text: str, width: int, lines: int) -> list[str]:
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        while len(word) > width:  # a word longer than the column: cut it
            if current:
                out.append(current)
                current = ""
            out.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out[:lines]


class GridView:
    """The visible layout of a session's matrix and the cursor on it."""

    def __init__(
        self,
        session: Session,
        method: str = "heuer",
        *,
        transposed: bool = False,
        column_width: int = COLUMN_WIDTH,
    ) -> None:
        self.session = session
        self.method = method
        self.transposed = transposed
        self.column_width = clamp_width(column_width)
        """Width of a grid column in cells, the gap included (``<`` and ``>`` change it)."""
        self.sorted = False
        self.rank_rows = False
        """Hypotheses in rank order (taken when turned on, after a change of items or
        method, and when the cursor moves to another evidence item) or in file order."""
        self.filter = ""
        self.advance = True
        """Rating a cell moves the cursor to the next hypothesis for the same item."""
        self.hide_flat = False
        """Leave non-diagnostic items (rated alike for every hypothesis) out of the grid."""
        self.consensus = False
        """Show every analyst's consensus in the cells instead of the current analyst's codes."""
        self._flat: dict[str, bool] = {}
        self._flat_for: tuple[str, ...] = ()
        self._summaries: dict[tuple[Code, ...], tuple[Code | None, float | None, str]] = {}
        self._warnings: tuple[object, list[MilestoneWarning], set[str]] = ((), [], set())
        self.milestone_version = 0
        """Bumped when milestones (or the hypotheses they name) change."""
        self._assumption_warnings: list[AssumptionWarning] = []
        self.assumptions_stale = True
        """The assumption warnings may be out of date (an edit or a rescore since)."""
        self.hypothesis_ids: list[str] = []
        self.evidence_ids: list[str] = []
        self.conflicted_cells: set[tuple[str, str]] = set()
        """(hypothesis, evidence) of every rating a recorded merge conflict is about."""
        self.conflicted_items: set[str] = set()
        """Hypotheses and evidence items a recorded conflict is about (a field or the item)."""
        self._conflict_order: list[str] = []
        """Every conflict id seen, in file order: ``next_conflict`` walks on past settled ones."""
        self._sorted_order: list[str] = []
        self._search: dict[str, str] = {}
        """Each evidence item's text for the filter (``_search_text``)."""
        self.busy: set[str] = set()
        """What runs in the background ("saving", "sorting"), shown in the title."""
        self.h = 0
        self.e = 0
        self.ranking = Ranking(method, [], [])
        self.scores: dict[str, HypothesisScore] = {}
        self.sync()

    # -- keeping in step with the session ----------------------------------------------

    def sync(self) -> None:
        """Recompute the visible ids after a structural change, keeping the cursor's cell."""
        hypothesis, evidence = self.current()
        self.rescore()
        self._index_conflicts()
        self.hypothesis_ids = self._hypothesis_order()
        ids = list(self.session.evidence)
        if self.sorted:
            known = set(ids)
            ordered = [e for e in self._sorted_order if e in known]
            seen = set(ordered)
            ids = ordered + [e for e in ids if e not in seen]
            self._sorted_order = ids
        self._flat.clear()
        if self.filter:
            ids = [e for e in ids if self._matches(e)]
        if self.hide_flat:
            ids = [e for e in ids if not self.is_flat(e)]
        self.evidence_ids = ids
        self._place(hypothesis, evidence)

    def _hypothesis_order(self) -> list[str]:
        if not self.rank_rows:
            return list(self.session.hypotheses)
        return [h.id for h in self.ranking.hypotheses if h.id in self.session.hypotheses]

    def _index_conflicts(self) -> None:
        from achbench.editing.settling import conflict_parts, conflict_target

        self.conflicted_cells = set()
        self.conflicted_items = set()
        for record in self.session.conflicts.values():
            hypothesis, evidence = conflict_target(record["key"])
            if conflict_parts(record["key"])[0] == "ratings":
                if hypothesis and evidence:
                    self.conflicted_cells.add((hypothesis, evidence))
            elif hypothesis or evidence:
                self.conflicted_items.add(hypothesis or evidence or "")

    def conflicts_here(self) -> list[tuple[str, str]]:
        """(id, key) of the recorded conflicts about the cursor's cell, its two items,
        or the matrix' own fields."""
        from achbench.editing.settling import conflict_target

        hypothesis, evidence = self.current()
        found = []
        for conflict_id, record in self.session.conflicts.items():
            h, e = conflict_target(record["key"])
            cell = record["key"].startswith("ratings.")
            if (cell and (h, e) == (hypothesis, evidence)) or (
                not cell and ((h and h == hypothesis) or (e and e == evidence) or (not h and not e))
            ):
                found.append((conflict_id, record["key"]))
        return found

    def next_conflict(self, after: str | None) -> str | None:
        """The recorded conflict after ``after`` in file order (wrapping); None if none."""
        present = self.session.conflicts
        if not present:
            return None
        order = self._conflict_order
        order += [c for c in present if c not in order]
        start = order.index(after) + 1 if after in order else 0
        for conflict_id in order[start:] + order[:start]:
            if conflict_id in present:
                return conflict_id
        return None

    def toggle_rank_rows(self) -> bool:
        """Hypotheses in rank order, or back in file order; True if now by rank."""
        self.rank_rows = not self.rank_rows
        self.sync()
        return self.rank_rows

    def rerank(self) -> bool:
        """Take the rank order again (rank order only); True if the rows moved."""
        if not self.rank_rows:
            return False
        order = self._hypothesis_order()
        if order == self.hypothesis_ids:
            return False
        hypothesis, evidence = self.current()
        self.hypothesis_ids = order
        self._place(hypothesis, evidence)
        return True

    def widen(self, delta: int) -> int:
        """Make the grid's columns ``delta`` cells wider (narrower if negative); the new width."""
        self.column_width = clamp_width(self.column_width + delta)
        return self.column_width

    # -- how complete the ratings are ----------------------------------------------------

    def rated(self, hypothesis_id: str) -> int:
        """Evidence items rated for a hypothesis by the scored analysts: O(1)."""
        return self.session.live.rated(hypothesis_id)

    def rated_note(self, hypothesis_id: str) -> str | None:
        """``3 of 4 rated`` if some items are unrated for the hypothesis, else None.

        Counted in independent pieces of evidence, as ``rated`` counts them: an
        origin's items are one row (pending items, not rated yet, are none)."""
        total = self.session.live.independent()
        done = self.rated(hypothesis_id)
        return f"{done} of {total} rated" if done < total else None

    def rating_warning(self) -> str | None:
        """A leader scored on fewer rated cells than a rival: its lead may be an artefact."""
        leaders = [h.id for h in self.ranking.hypotheses if h.rank == 1]
        if not leaders or len(leaders) == len(self.ranking.hypotheses):
            return None
        most = max(self.ranking.hypotheses, key=lambda h: self.rated(h.id))
        for leader in leaders:
            if self.rated(leader) < self.rated(most.id):
                return (
                    f"{leader} leads on {self.rated(leader)} rated items, "
                    f"{most.id} has {self.rated(most.id)}: rate the rest before trusting the lead"
                )
        return None

    def _place(self, hypothesis: str | None, evidence: str | None) -> None:
        if hypothesis in self.hypothesis_ids:
            self.h = self.hypothesis_ids.index(hypothesis)
        if evidence is not None and evidence in self.evidence_ids:
            self.e = self.evidence_ids.index(evidence)
        self.h = _clamp(self.h, len(self.hypothesis_ids))
        self.e = _clamp(self.e, len(self.evidence_ids))

    def apply(self, change: Change) -> Redraw:
        """Take an edit of the session into the view; returns what to draw again.

        After a structural change the cursor goes to the item added, moved or renamed.
        """
        if change.kind in ("milestone", "hypothesis", "structure", "all"):
            self.milestones_changed()
        self.assumptions_stale = True  # any edit may move them: ratings, links, verdicts
        if change.kind == "evidence" and change.evidence is not None:
            self._search.pop(change.evidence, None)
        elif change.kind in ("structure", "all"):
            self._search.clear()
        if change.kind == "cell" and change.evidence is not None:
            rescored = frozenset(self.rescore())
            headers = self.cell_rated(change.evidence)
            return Redraw("cell", change.hypothesis, change.evidence, rescored, headers)
        if change.kind in ("hypothesis", "evidence"):
            self.rescore()
            return Redraw("labels")
        if change.kind == "milestone":
            return Redraw("labels")
        if change.kind == "meta":
            return Redraw("panes")
        self.sync()
        self.go_to(change.hypothesis, change.evidence)
        return Redraw("all")

    def rescore(self) -> set[str]:
        """Take the ranking under the current method from the live scores: O(hypotheses).

        Returns the hypotheses whose rank or score changed.
        """
        old = self.scores
        self.assumptions_stale = True
        self.ranking = self.session.live.ranking(self.method)
        self.scores = {h.id: h for h in self.ranking.hypotheses}
        return {
            h
            for h, new in self.scores.items()
            if h not in old or (old[h].rank, old[h].score) != (new.rank, new.score)
        }

    def _matches(self, evidence_id: str) -> bool:
        return self.filter.casefold() in self._search_text(evidence_id)

    def _search_text(self, evidence_id: str) -> str:
        """What the filter searches in an item, casefolded, fields apart (a NUL
        between them, which no filter holds): made once per item and kept until
        the item changes, so filtering 10,000 items as a user types is one
        substring test each (2 ms, where casefolding every field took 20-30)."""
        text = self._search.get(evidence_id)
        if text is None:
            item = self.session.evidence[evidence_id]
            fields = [str(item[key]) for key in SEARCHED if key in item]  # type: ignore[literal-required]
            text = self._search[evidence_id] = "\0".join([evidence_id, *fields]).casefold()
        return text

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

    def cycle_method(self, *, resort: bool = True) -> str:
        """The next scoring method; sorted by diagnosticity, the items are sorted
        again under it unless ``resort`` is False (the caller sorts in the background)."""
        self.method = METHODS[(METHODS.index(self.method) + 1) % len(METHODS)]
        if self.sorted and resort:
            self._resort()
        self.rescore()
        self.rerank()
        return self.method

    def toggle_advance(self) -> bool:
        """Rating a cell moves the cursor on, or leaves it there; True if it now moves on."""
        self.advance = not self.advance
        return self.advance

    def toggle_transpose(self) -> None:
        self.transposed = not self.transposed

    def toggle_sort(self) -> None:
        """Sort evidence by diagnosticity under the current method, or back to file order."""
        self.sorted = not self.sorted
        if self.sorted:
            self._resort()
        self.sync()

    def sort_snapshot(self) -> Callable[[], list[str]]:
        """The work of sorting by diagnosticity, to wait for in a worker thread:
        a forked child (``editing.snapshot.compute_in_child``) sorts the matrix as
        it is now, so the editor's thread is never held up; ratings changed
        meanwhile may leave the order a step behind, as they do when sorted
        (``d`` twice sorts again)."""
        from achbench.editing.snapshot import compute_in_child

        live = self.session.live
        method = self.method
        ids = list(self.session.evidence)
        return compute_in_child(lambda: live.sorted_by_diagnosticity(method, ids))

    def sort_by(self, order: list[str]) -> None:
        """Sort evidence in ``order`` (from ``sort_snapshot``), keeping the cursor's cell."""
        self.sorted = True
        self._sorted_order = order
        self.sync()

    def _resort(self) -> None:
        live = self.session.live
        self._sorted_order = live.sorted_by_diagnosticity(self.method, self.session.evidence)
        if not self.sorted:
            return
        hypothesis, evidence = self.current()
        self.sorted = True
        self.evidence_ids = [e for e in self._sorted_order if self._shown(e)]
        self._place(hypothesis, evidence)

    def set_filter(self, text: str) -> None:
        """Show only evidence whose id, title, source, kind, date or notes hold ``text``."""
        self.filter = text.strip()
        self.sync()

    def _shown(self, evidence_id: str) -> bool:
        if self.filter and not self._matches(evidence_id):
            return False
        return not (self.hide_flat and self.is_flat(evidence_id))

    def toggle_hide_flat(self) -> int:
        """Hide non-diagnostic items, or show them again; returns how many are hidden.

        The set hidden is taken now (and again after any change to the items): an
        item that becomes non-diagnostic while you rate stays in view, marked.
        """
        self.hide_flat = not self.hide_flat
        self.sync()
        if not self.hide_flat:
            return 0
        return sum(1 for e in self.session.evidence if self.is_flat(e))

    def reveal(self, evidence_id: str) -> list[str]:
        """Make an evidence item visible (clear the filter, show non-diagnostic items).

        Returns what was turned off, in words, for the editor to say.
        """
        undone: list[str] = []
        if evidence_id in self.evidence_ids or evidence_id not in self.session.evidence:
            return undone
        if self.filter and not self._matches(evidence_id):
            self.filter = ""
            undone.append("the filter")
        if self.hide_flat and self.is_flat(evidence_id):
            self.hide_flat = False
            undone.append("hiding non-diagnostic items")
        self.sync()
        return undone

    def go_to(self, hypothesis_id: str | None, evidence_id: str | None) -> bool:
        """Put the cursor on a hypothesis and/or evidence item that is visible; True if moved."""
        before = (self.h, self.e)
        if hypothesis_id in self.hypothesis_ids:
            self.h = self.hypothesis_ids.index(hypothesis_id)
        if evidence_id is not None and evidence_id in self.evidence_ids:
            self.e = self.evidence_ids.index(evidence_id)
        return (self.h, self.e) != before

    # -- diagnosticity ---------------------------------------------------------------------

    def is_flat(self, evidence_id: str) -> bool:
        """Is the item rated the same for every hypothesis by the scored analysts?

        ``scoring.rated_alike`` for one item: O(hypotheses x analysts), memoised
        until one of its cells, the items or the scored analysts change.
        """
        live = self.session.live
        if live.analysts != self._flat_for:
            self._flat.clear()
            self._flat_for = live.analysts
        flat = self._flat.get(evidence_id)
        if flat is None:
            flat = self._flat[evidence_id] = self._rated_alike(evidence_id)
        return flat

    def _rated_alike(self, evidence_id: str) -> bool:
        live = self.session.live
        first: list[Code] | None = None
        for hypothesis_id in self.hypothesis_ids:
            codes = sorted(live.codes(evidence_id, hypothesis_id))
            if not codes:
                return False
            if first is None:
                first = codes
            elif codes != first:
                return False
        return first is not None

    def cell_rated(self, evidence_id: str) -> bool:
        """A cell of ``evidence_id`` changed: True if the item became or stopped being flat."""
        before = self._flat.pop(evidence_id, None)
        return before is not None and before != self.is_flat(evidence_id)

    # -- several analysts --------------------------------------------------------------------

    def toggle_consensus(self) -> bool:
        """Show the consensus of every analyst in the cells, or the current analyst's codes."""
        self.consensus = not self.consensus
        return self.consensus

    def votes(self, evidence_id: str, hypothesis_id: str) -> CellVotes:
        """Every analyst's vote on a cell with their consensus and dispute category.

        The Open Synthesis rules of ``analysis.consensus``, computed for this cell
        alone (O(analysts)) and memoised by the votes, so the grid can show the
        consensus view at any size without a pass over the matrix.
        """
        ratings = self.session.data.get("ratings") or {}
        votes: list[tuple[str, Code]] = []
        for analyst, table in ratings.items():
            row = table.get(evidence_id)
            code = row.get(hypothesis_id) if row else None
            if code is not None:
                votes.append((analyst, code))
        codes = tuple(code for _, code in votes)
        summary = self._summaries.get(codes)
        if summary is None:
            from achbench.analysis.consensus import category, disagreement

            spread = disagreement(codes)
            summary = (consensus_code(codes), spread, category(spread))
            self._summaries[codes] = summary
        return CellVotes(tuple(votes), *summary)

    def consensus_code(self, evidence_id: str, hypothesis_id: str) -> tuple[Code | None, str]:
        """(consensus code, dispute category) of a cell: what the consensus view draws."""
        cell = self.votes(evidence_id, hypothesis_id)
        return cell.consensus, cell.category

    # -- milestones ----------------------------------------------------------------------------

    def milestones_changed(self) -> None:
        self.milestone_version += 1

    def milestone_warnings(self) -> list[MilestoneWarning]:
        """Milestones that tell against the current leader(s): refuted, or unsupported.

        Recomputed only when the leaders or the milestones changed.
        """
        if not self.session.milestones:
            return []
        leaders = tuple(h.id for h in self.ranking.hypotheses if h.rank == 1)
        key = (leaders, self.milestone_version)
        if self._warnings[0] != key:
            from achbench.analysis.milestones import warnings

            found = warnings(self.session.data, leaders)
            self._warnings = (key, found, {w.hypothesis for w in found})
        return self._warnings[1]

    def flagged(self) -> set[str]:
        """Hypotheses that lead although a milestone tells against them, or that rest on
        an unsupported assumption."""
        resting = {w.hypothesis for w in self.assumption_warnings()}
        if not self.session.milestones:
            return resting
        self.milestone_warnings()
        return self._warnings[2] | resting

    # -- key assumptions -----------------------------------------------------------------------

    def assumption_warnings(self) -> list[AssumptionWarning]:
        """Leaders resting on an unsupported assumption (``analysis.assumptions``), under
        the current method and analysts.

        Computed again after an edit or a rescore, at once while that costs little
        (``assumptions_deferred`` False); on a large matrix the last ones are returned
        until ``update_assumption_warnings`` runs (the ranking pane calls it once
        typing pauses).  Nothing is computed without an unsupported assumption."""
        if self.assumptions_stale and not self.assumptions_deferred():
            self.update_assumption_warnings()
        return self._assumption_warnings

    def assumptions_deferred(self) -> bool:
        """Whether checking the unsupported assumptions again costs too much to do on
        every key: one re-scoring of up to the whole grid per such assumption."""
        from achbench.analysis.assumptions import WARNED

        assumptions = self.session.data.get("assumptions", {})
        unsupported = sum(1 for a in assumptions.values() if a.get("status") == WARNED)
        cells = len(self.session.hypotheses) * len(self.session.evidence)
        return unsupported * cells > ASSUMPTION_CELLS_AT_ONCE

    def update_assumption_warnings(self) -> bool:
        """Check the unsupported assumptions again; True if the warnings changed."""
        from achbench.analysis.assumptions import WARNED, leader_warnings
        from achbench.scoring.methods import Grid

        data = self.session.data
        found: list[AssumptionWarning] = []
        if any(a.get("status") == WARNED for a in data.get("assumptions", {}).values()):
            grid = Grid.from_data(data, self.session.live.analysts)
            found = leader_warnings(data, grid, self.method, self.ranking)
        self.assumptions_stale = False
        changed = found != self._assumption_warnings
        self._assumption_warnings = found
        return changed

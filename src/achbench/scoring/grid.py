"""``Grid``: what scoring needs from a matrix, as every method and analysis reads it.

Kept apart from the methods so that ``scoring.origins`` (which merges a grid's
origins) and ``scoring.methods`` (which scores the merged grid) both build on it
without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from achbench.core.data import EvidenceData, MatrixData
from achbench.core.vocabulary import DEFAULT_LEVEL, Code, Level
from achbench.scoring.admiralty import credibility_of

Cell: TypeAlias = "Code | tuple[Code, ...]"
"""What the chosen analysts gave one cell: one code, or the codes of two or more."""


def cell_codes(cell: Cell) -> tuple[Code, ...]:
    """A cell's codes as a tuple, however many analysts rated it."""
    return (cell,) if isinstance(cell, str) else cell


@dataclass(frozen=True, slots=True)
class Grid:
    """What scoring needs from a matrix: ids in display order, weights, ratings.

    ``cells[i]`` maps hypothesis id to what the chosen analysts gave evidence
    ``evidence[i]``: the code when one analyst rated the cell (every cell of a
    one-analyst matrix), the codes in analyst order when several did
    (``cell_codes`` reads both); a hypothesis with no entry is unrated there.
    With one analyst, ``cells[i]`` *is* the matrix's own row (no copy: a million
    ratings are not held twice), so the data must not change while the grid is
    in use.
    """

    hypotheses: tuple[str, ...]
    hypothesis_titles: tuple[str, ...]
    priors: tuple[float | None, ...]
    evidence: tuple[str, ...]
    evidence_titles: tuple[str, ...]
    credibility: tuple[Level, ...]
    relevance: tuple[Level, ...]
    cells: tuple[Mapping[str, Cell], ...]
    analysts: tuple[str, ...] = ()
    origins: tuple[str | None, ...] = ()
    """Per row, the ``origin`` it shares with other items (None: none); empty when no
    item has one, which is every matrix written before origins (and the fast path)."""
    items: Grid | None = None
    """Set on a grid whose rows are origins (``scoring.origins.merge_origins``): the
    grid of single items it was merged from; None on a grid of items."""
    members: tuple[tuple[int, ...], ...] = ()
    """On a merged grid: per row, the indices in ``items`` of the items it stands for."""
    voters: tuple[tuple[int, ...], ...] = ()
    """On a merged grid: per row, the items (indices in ``items``) whose cells its cells
    pool, in order: one per set of items rated exactly alike."""

    @classmethod
    def from_data(
        cls, data: MatrixData, analysts: Sequence[str] | None = None, *, pending: bool = False
    ) -> Grid:
        """Build from validated matrix data (``store.load_data`` or ``Matrix.to_data``).

        ``analysts`` limits the ratings pooled; ``None`` pools every analyst.  The
        grid holds the collected items, the only ones any score counts; with
        ``pending`` it holds the pending ones instead (``analysis.collection``).
        """
        hypotheses = data["hypotheses"]
        evidence = items_with_status(data.get("evidence", {}), pending=pending)
        ratings = data.get("ratings", {})
        chosen = tuple(ratings) if analysts is None else tuple(analysts)
        evidence_ids = tuple(evidence)
        items = evidence.values()
        sources = data.get("sources", {})
        origins = tuple(e.get("origin") for e in items)
        return cls(
            hypotheses=tuple(hypotheses),
            hypothesis_titles=tuple(h["title"] for h in hypotheses.values()),
            priors=tuple(h.get("prior") for h in hypotheses.values()),
            evidence=evidence_ids,
            evidence_titles=tuple(e["title"] for e in evidence.values()),
            credibility=tuple(credibility_of(e, sources) for e in items),
            relevance=tuple(e.get("relevance", DEFAULT_LEVEL) for e in items),
            cells=_pooled_cells(ratings, chosen, evidence_ids),
            analysts=chosen,
            origins=origins if any(origins) else (),
        )


def is_pending(item: EvidenceData) -> bool:
    """Is the item pending: not yet observed, rated only for what each hypothesis predicts?"""
    return item.get("status") == "pending"


def items_with_status(
    evidence: Mapping[str, EvidenceData], *, pending: bool = False
) -> Mapping[str, EvidenceData]:
    """The collected items of ``evidence`` (with ``pending``, the pending ones), in order.

    Pending items count in no score (the format's rule), so every score reads
    evidence through this; a matrix with none pending is returned as it is.
    """
    if not pending and not any(map(is_pending, evidence.values())):
        return evidence
    return {k: v for k, v in evidence.items() if is_pending(v) == pending}


_NO_ROW: Final[Mapping[str, Cell]] = {}


def _pooled_cells(
    ratings: Mapping[str, Mapping[str, Mapping[str, Code]]],
    analysts: Sequence[str],
    evidence_ids: Sequence[str],
) -> tuple[Mapping[str, Cell], ...]:
    """``Grid.cells``: each item's row of the one analyst as it is, or the rows of
    several merged cell by cell, codes in analyst order."""
    tables = [ratings.get(analyst, {}) for analyst in analysts]
    if len(tables) == 1:
        get = tables[0].get
        return tuple(get(e) or _NO_ROW for e in evidence_ids)
    out: list[Mapping[str, Cell]] = []
    for evidence_id in evidence_ids:
        cell: dict[str, Cell] = {}
        for table in tables:
            for hypothesis_id, code in (table.get(evidence_id) or _NO_ROW).items():
                had = cell.get(hypothesis_id)
                cell[hypothesis_id] = code if had is None else (*cell_codes(had), *cell_codes(code))
        out.append(cell)
    return tuple(out)

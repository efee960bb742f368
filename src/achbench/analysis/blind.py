"""Blind rating: which cells are left, in what order to show the hypotheses, and, at
the end, how far one analyst's ratings stand from the others' consensus.

Anchoring is what blind rating guards against: an analyst who sees the others'
ratings, the live scores or which item is diagnostic drifts towards them.  Open
Synthesis hides earlier ratings and shuffles the hypotheses for this reason.
The editor (``tui.screens.blind``) shows one evidence item at a time; this
module holds the rules, headless (docs/analysis.md, "Blind rating"):

* **cells**: every collected evidence item (not ``status = "pending"``) times
  every hypothesis; those the analyst has no code for are *left*;
* **order**: per item, the hypotheses' file order shuffled by
  ``random.Random(f"{seed}:{evidence id}")``, so one item's order never depends
  on another's and a session is reproduced from its seed;
* **seed**: given (``--seed``), or by default from the analyst's name and the
  file's name (``default_seed``): the same on every machine;
* **distance**: per cell the analyst and at least one other rated, the others'
  consensus (Open Synthesis' rule, ``analysis.consensus``, over the others
  only), and how far the analyst's code stands from it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from achbench.analysis.consensus import COMPARISONS, compare
from achbench.core.data import MatrixData
from achbench.core.vocabulary import Code
from achbench.scoring.grid import items_with_status
from achbench.scoring.methods import OPENSYNTHESIS_VALUE, consensus_code


def default_seed(analyst: str, file_name: str) -> int:
    """The seed of ``analyst`` on a file called ``file_name`` (no folder): the first
    eight bytes, big-endian, of SHA-256 of ``analyst``, a newline and the name."""
    digest = hashlib.sha256(f"{analyst}\n{file_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def hypothesis_order(hypotheses: Sequence[str], seed: int, evidence_id: str) -> list[str]:
    """The hypotheses as shown for ``evidence_id``: file order, shuffled by the seed."""
    order = list(hypotheses)
    random.Random(f"{seed}:{evidence_id}").shuffle(order)
    return order


def collected(data: MatrixData) -> list[str]:
    """The evidence items to rate blind: every item not pending, file order."""
    return list(items_with_status(data.get("evidence", {})))


def unrated(data: MatrixData, analyst: str, evidence_id: str) -> list[str]:
    """The hypotheses ``analyst`` has not rated for ``evidence_id``, file order."""
    row = data.get("ratings", {}).get(analyst, {}).get(evidence_id) or {}
    return [h for h in data["hypotheses"] if h not in row]


def cells_left(data: MatrixData, analyst: str) -> int:
    """Collected cells ``analyst`` has not rated."""
    rows = data.get("ratings", {}).get(analyst, {})
    hypotheses = data["hypotheses"]
    total = 0
    for evidence_id in collected(data):
        row = rows.get(evidence_id) or {}
        total += len(hypotheses) - sum(1 for h in row if h in hypotheses)
    return total


@dataclass(frozen=True, slots=True)
class Distance:
    """One analyst's ratings against the consensus of the others."""

    analyst: str
    others: tuple[str, ...]
    """The other analysts with ratings, file order."""
    compared: int
    """Cells rated by the analyst and by at least one other."""
    comparisons: dict[str, int]
    """How many of them fall in each of ``consensus.COMPARISONS`` (agree ... extreme)."""
    mean_distance: float | None
    """Mean |v(mine) - v(consensus)| on the 1-5 scale (CC 5 .. II 1), NA either side left
    out; None when no cell is left."""
    largest: tuple[tuple[str, str, Code, Code], ...]
    """The cells furthest apart (evidence, hypothesis, mine, the others'), at most
    ``LARGEST`` of them, furthest first, file order among equals."""

    @property
    def agreement(self) -> float | None:
        """Share of the cells compared where the codes are the same."""
        return self.comparisons["agree"] / self.compared if self.compared else None


LARGEST = 5
"""Cells listed as the furthest from the others' consensus."""


def _pairs(
    data: MatrixData, analyst: str, others: Sequence[str]
) -> Iterator[tuple[str, str, Code, Code]]:
    """(evidence, hypothesis, mine, the others' consensus) per cell both rated."""
    ratings = data.get("ratings", {})
    mine = ratings.get(analyst, {})
    tables = [ratings[o] for o in others]
    for evidence_id in data.get("evidence", {}):
        row = mine.get(evidence_id)
        if not row:
            continue
        theirs_rows = [t.get(evidence_id) or {} for t in tables]
        for hypothesis_id, code in row.items():
            votes = [r[hypothesis_id] for r in theirs_rows if hypothesis_id in r]
            agreed = consensus_code(votes) if votes else None
            if agreed is not None:
                yield evidence_id, hypothesis_id, code, agreed


def distance(data: MatrixData, analyst: str) -> Distance:
    """How far ``analyst``'s ratings stand from the consensus of every other analyst."""
    others = tuple(a for a in data.get("ratings", {}) if a != analyst)
    tally = dict.fromkeys(COMPARISONS, 0)
    steps: list[int] = []
    apart: list[tuple[int, int, tuple[str, str, Code, Code]]] = []
    for n, (evidence_id, hypothesis_id, code, agreed) in enumerate(_pairs(data, analyst, others)):
        tally[compare(code, agreed)] += 1
        if code != "NA" and agreed != "NA":
            step = abs(OPENSYNTHESIS_VALUE[code] - OPENSYNTHESIS_VALUE[agreed])
            steps.append(step)
            if step:
                apart.append((-step, n, (evidence_id, hypothesis_id, code, agreed)))
    apart.sort()
    return Distance(
        analyst=analyst,
        others=others,
        compared=sum(tally.values()),
        comparisons=tally,
        mean_distance=sum(steps) / len(steps) if steps else None,
        largest=tuple(cell for _, _, cell in apart[:LARGEST]),
    )


def distance_text(found: Distance) -> list[str]:
    """The reveal in sentences: with whom, how many cells, agreement and distance."""
    if not found.others:
        return [
            f"{found.analyst} is the only analyst with ratings: there is no one else's "
            "consensus to compare with."
        ]
    if not found.compared:
        return [f"No cell rated by {found.analyst} has been rated by {', '.join(found.others)}."]
    share = found.agreement or 0.0
    lines = [
        f"Against the consensus of {', '.join(found.others)} over {found.compared} cells "
        f"rated by both: the same code in {share:.0%}.",
    ]
    if found.mean_distance is not None:
        lines.append(
            f"Mean distance {found.mean_distance:.2f} steps on the 1-5 scale "
            "(CC 5, C 4, N 3, I 2, II 1; NA left out)."
        )
    counts = ", ".join(f"{k} {v}" for k, v in found.comparisons.items())
    lines.append(f"Cells by comparison: {counts}.")
    if found.largest:
        cells = "; ".join(f"{e}/{h} yours {m}, theirs {t}" for e, h, m, t in found.largest)
        lines.append(f"Furthest apart: {cells}.")
    return lines

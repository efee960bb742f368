"""Evidence that only looks diagnostic: three caveats on an item's power to tell
hypotheses apart.

Studies of ACH in use (Dhami, Belton and Mandel 2019; Karvetski and Mandel 2020)
found analysts leaning on items that seem to separate the hypotheses but would
not survive a second look.  For each item that *looks* diagnostic under a method
(its own ratings tell at least two hypotheses apart on that method's scale), this
module says when that rests on something weak.  docs/analysis.md, "Evidence that
only looks diagnostic", holds the definitions; in short:

``low-credibility``
    its credibility, as scoring uses it (``credibility``, else its Admiralty
    grade and source reliability, ``scoring.admiralty``), is ``low``;
``contested-origin``
    it shares an ``origin`` with another item that points the other way: for some
    two hypotheses X and Y, one item favours X over Y and the other Y over X.  The
    one underlying report then says both things, and the origin, counted once,
    pools them (``scoring.origins``);
``one-analyst``
    two or more analysts are pooled and only one of them rates the item so that it
    tells hypotheses apart: the others rated it alike for every hypothesis, or not
    at all.

"Favours", "tells apart" and "rated alike" read the method's own scale
(``SUPPORT``): under heuer and weighted C and CC count as N does, so an item rated
CC against C is no more diagnostic there than Heuer's count says.

Headless and plain: ``achbench rank --sort diagnosticity`` prints the flags and
the editor's detail pane shows them for the item under the cursor
(``item_caveats``, O(hypotheses x analysts x items in its origin)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Final

from achbench.core.data import MatrixData
from achbench.core.vocabulary import Code
from achbench.scoring.admiralty import credibility_of
from achbench.scoring.grid import is_pending, items_with_status
from achbench.scoring.methods import BAYES_LIKELIHOOD, HEUER_VALUE, OPENSYNTHESIS_VALUE

LOW_CREDIBILITY: Final = "low-credibility"
CONTESTED_ORIGIN: Final = "contested-origin"
ONE_ANALYST: Final = "one-analyst"

FLAGS: Final = (LOW_CREDIBILITY, CONTESTED_ORIGIN, ONE_ANALYST)
"""The caveats, in the order they are listed."""

FLAG_MEANING: Final[dict[str, str]] = {
    LOW_CREDIBILITY: "its diagnosticity rests on low credibility",
    CONTESTED_ORIGIN: "its origin is shared with items that point the other way",
    ONE_ANALYST: "only one analyst's ratings make it diagnostic",
}
"""Each flag in words, for people."""

SUPPORT: Final[Mapping[str, Mapping[str, float]]] = {
    "heuer": {c: -v for c, v in HEUER_VALUE.items()},
    "weighted": {c: -v for c, v in HEUER_VALUE.items()},
    "opensynthesis": OPENSYNTHESIS_VALUE,
    "bayes": BAYES_LIKELIHOOD,
}
"""How far each code supports a hypothesis under each method, higher better: the
method's own values (minus Heuer's inconsistency count; Open Synthesis' 1-5 with
NA as 3; the Bayesian likelihood)."""


@dataclass(frozen=True, slots=True)
class Caveats:
    """What one item's diagnosticity rests on, when that is weak."""

    evidence: str
    flags: tuple[str, ...]
    """Some of ``FLAGS``, in that order; empty when nothing is wrong."""
    against: tuple[str, ...] = ()
    """``contested-origin``: the items of its origin that point the other way."""
    analyst: str | None = None
    """``one-analyst``: the analyst whose ratings alone make it diagnostic."""

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"flags": list(self.flags)}
        if self.against:
            out["against"] = list(self.against)
        if self.analyst is not None:
            out["analyst"] = self.analyst
        return out

    def describe(self) -> list[str]:
        """One sentence per flag, naming the items or the analyst."""
        out = []
        for flag in self.flags:
            text = FLAG_MEANING[flag]
            if flag == CONTESTED_ORIGIN and self.against:
                text += f" ({', '.join(self.against)})"
            if flag == ONE_ANALYST and self.analyst:
                text += f" ({self.analyst})"
            out.append(text)
        return out


def _values(
    data: MatrixData, evidence_id: str, analysts: Sequence[str], support: Mapping[str, float]
) -> dict[str, float]:
    """Per hypothesis rated by any of ``analysts``: the mean support of its codes."""
    ratings = data.get("ratings", {})
    sums: dict[str, list[float]] = {}
    for analyst in analysts:
        row: Mapping[str, Code] = ratings.get(analyst, {}).get(evidence_id) or {}
        for h, code in row.items():
            sums.setdefault(h, []).append(support[code])
    return {h: sum(v) / len(v) for h, v in sums.items()}


def _tells_apart(values: Mapping[str, float]) -> bool:
    return len(set(values.values())) > 1


def opposed(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether two items point opposite ways: for some hypotheses X and Y rated in
    both, one favours X over Y and the other Y over X.  O(H log H): in order of
    ``a``, a hypothesis whose ``b`` is below the highest ``b`` of those strictly
    lower in ``a`` makes such a pair."""
    common = [h for h in a if h in b]
    if len(common) < 2:
        return False
    highest = -math.inf
    for _, level in groupby(sorted(common, key=a.__getitem__), key=a.__getitem__):
        values = [b[h] for h in level]
        if min(values) < highest:
            return True
        highest = max(highest, *values)
    return False


def item_caveats(
    data: MatrixData,
    evidence_id: str,
    method: str = "heuer",
    analysts: Sequence[str] | None = None,
) -> Caveats:
    """The caveats on one item under ``method``, pooling ``analysts`` (None: all)."""
    chosen = tuple(data.get("ratings", {})) if analysts is None else tuple(analysts)
    item = data.get("evidence", {})[evidence_id]
    if is_pending(item):
        return Caveats(evidence_id, ())  # not observed: it has no diagnosticity yet
    origin = item.get("origin")
    members = _members(data, origin) if origin is not None else []
    return _Reader(data, method, chosen).caveats(evidence_id, members)


def caveats(
    data: MatrixData, method: str = "heuer", analysts: Sequence[str] | None = None
) -> dict[str, Caveats]:
    """Every collected item's caveats under ``method``, in file order: O(cells +
    pairs of items within each origin).  Pending items count in no score, and in
    no origin, so they are neither flagged nor compared."""
    chosen = tuple(data.get("ratings", {})) if analysts is None else tuple(analysts)
    evidence = items_with_status(data.get("evidence", {}))
    groups: dict[str, list[str]] = {}
    for e, item in evidence.items():
        origin = item.get("origin")
        if origin is not None:
            groups.setdefault(origin, []).append(e)
    reader = _Reader(data, method, chosen)
    return {
        e: reader.caveats(e, groups.get(item.get("origin") or "", []))
        for e, item in evidence.items()
    }


def _members(data: MatrixData, origin: str) -> list[str]:
    evidence = items_with_status(data.get("evidence", {}))
    return [e for e, item in evidence.items() if item.get("origin") == origin]


class _Reader:
    """Reads items' support values once each, for one method and set of analysts."""

    def __init__(self, data: MatrixData, method: str, analysts: tuple[str, ...]) -> None:
        self.data = data
        self.support = SUPPORT[method]
        self.analysts = analysts
        self._values: dict[str, dict[str, float]] = {}

    def values(self, evidence_id: str) -> dict[str, float]:
        found = self._values.get(evidence_id)
        if found is None:
            found = _values(self.data, evidence_id, self.analysts, self.support)
            self._values[evidence_id] = found
        return found

    def caveats(self, evidence_id: str, members: Sequence[str]) -> Caveats:
        """One item's caveats; ``members``: the items of its origin (itself included)."""
        values = self.values(evidence_id)
        if not _tells_apart(values):
            return Caveats(evidence_id, ())
        data = self.data
        item = data.get("evidence", {})[evidence_id]
        flags: list[str] = []
        if credibility_of(item, data.get("sources", {})) == "low":
            flags.append(LOW_CREDIBILITY)
        against = tuple(
            other
            for other in members
            if other != evidence_id and opposed(values, self.values(other))
        )
        if against:
            flags.append(CONTESTED_ORIGIN)
        alone: str | None = None
        if len(self.analysts) > 1:
            telling = [
                a
                for a in self.analysts
                if _tells_apart(_values(data, evidence_id, (a,), self.support))
            ]
            if len(telling) == 1:
                alone = telling[0]
                flags.append(ONE_ANALYST)
        return Caveats(evidence_id, tuple(flags), against, alone)

"""Scores that follow the ratings as they change, at O(hypotheses) per edited cell.

``achbench.scoring.methods`` ranks a whole grid in one pass: right for ``achbench rank``,
far too slow to run on every keystroke of the editor at 50 x 5,000 cells.  This
module keeps, per hypothesis, what every method sums over the evidence, and
updates it when one cell or one evidence item changes:

* cells rated by one analyst (the common case) are *counted* into 54 buckets per
  hypothesis (credibility x relevance x code); every method's sum is then a dot
  product of the counts with a coefficient vector, exact and free of drift;
* cells rated by several pooled analysts add their contribution to a few float
  sums per hypothesis, subtracted again before the cell changes.

An item that shares an ``origin`` is not summed alone: its origin's one row
(``scoring.origins``) is, taken out and put back whole when any of its items
changes (O(hypotheses x analysts x items in the origin)).

A ranking is then built from those sums in O(hypotheses log hypotheses), ties
settled by ``scoring.ties`` as ``achbench rank`` settles them.  The figures are
the ones ``achbench.scoring.methods`` gives on the same ratings (the unit tests
hold it to that).

Pending evidence items (``status = "pending"``) count in no score, as in
``scoring.methods``: their cells are left out of every sum, and their status is
read at each call, so an item marked pending or collected is taken out and put
back by ``remove_evidence`` and ``add_evidence`` like any other change to it.

The scores read the matrix they are given (its hypotheses, the evidence
items' levels, the ratings) and never write it.  Whoever edits it tells them
what is about to change, through an explicit call each:

* ``set_cell(analyst, evidence, hypothesis, code)`` before a rating changes;
* ``remove_evidence(evidence)`` before an item (or its weights, or its
  ratings) changes or goes, and ``add_evidence(evidence)`` once it is back;
* ``add_hypothesis(hypothesis)`` once a hypothesis (with its ratings) is in, and
  ``remove_hypothesis(hypothesis)`` when it goes;
* ``rebind(data)`` when the matrix dict is replaced around the same tables;
* ``rebuild(data, analysts)`` after anything else: hypotheses renamed, a new
  matrix, other analysts scored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from operator import mul

from achbench.core.data import EvidenceData, MatrixData, Row, SourceData
from achbench.core.vocabulary import CODES, DEFAULT_LEVEL, LEVELS, METHODS, Code, Level
from achbench.scoring.admiralty import credibility_of
from achbench.scoring.methods import (
    BAYES_GENUINE,
    BAYES_LIKELIHOOD,
    HEUER_VALUE,
    LEVEL_WEIGHT,
    NEUTRAL_LIKELIHOOD,
    OPENSYNTHESIS_VALUE,
    HypothesisScore,
    Ranking,
    consensus_code,
    is_pending,
    normalised_priors,
    population_stdev,
    rated_spread,
)
from achbench.scoring.origins import origin_levels
from achbench.scoring.ties import Key, rank_order

_CODE_INDEX = {code: i for i, code in enumerate(CODES)}
_LEVEL_INDEX = {level: i for i, level in enumerate(LEVELS)}
_N_BUCKETS = len(LEVELS) * len(LEVELS) * len(CODES)
_LOG_NEUTRAL = math.log(NEUTRAL_LIKELIHOOD)

# Positions of the float sums kept for cells with several votes.
_RATED, _HEUER, _WEIGHTED, _OS_INC, _OS_CON, _OS_NA, _BAYES = range(7)
_N_EXTRA = 7


def _bucket(credibility: Level, relevance: Level, code: Code) -> int:
    return (_LEVEL_INDEX[credibility] * len(LEVELS) + _LEVEL_INDEX[relevance]) * len(
        CODES
    ) + _CODE_INDEX[code]


def _tempered_log(code: Code, credibility: Level) -> float:
    genuine = BAYES_GENUINE[credibility]
    return math.log(genuine * BAYES_LIKELIHOOD[code] + (1 - genuine) * NEUTRAL_LIKELIHOOD)


def _coefficients() -> dict[str, list[float]]:
    """Per bucket, what one single-vote cell adds to each sum."""
    coef: dict[str, list[float]] = {
        name: [0.0] * _N_BUCKETS for name in ("heuer", "weighted", "inc", "con", "na", "bayes")
    }
    for credibility in LEVELS:
        for relevance in LEVELS:
            weight = LEVEL_WEIGHT[credibility] * LEVEL_WEIGHT[relevance]
            for code in CODES:
                b = _bucket(credibility, relevance, code)
                m = OPENSYNTHESIS_VALUE[code]
                coef["heuer"][b] = HEUER_VALUE[code]
                coef["weighted"][b] = HEUER_VALUE[code] * weight
                coef["inc"][b] = (3 - m) ** 2 if m < 3 else 0
                coef["con"][b] = (m - 3) ** 2 if m > 3 else 0
                coef["na"][b] = 1 if code == "NA" else 0
                coef["bayes"][b] = _tempered_log(code, credibility) - _LOG_NEUTRAL
    return coef


_COEF = _coefficients()
_INT_COEF = {name: [int(v) for v in _COEF[name]] for name in ("inc", "con", "na")}


def _levels(item: EvidenceData, sources: Mapping[str, SourceData]) -> tuple[Level, Level]:
    return credibility_of(item, sources), item.get("relevance", DEFAULT_LEVEL)


_Override = tuple[str, str, str, "Code | None"]
"""(analyst, evidence, hypothesis, code): one rating as it is about to be."""


class LiveScores:
    """Per-hypothesis sums of every scoring method, kept current cell by cell.

    ``data`` is the matrix scored, read and never written; ``analysts`` are the
    analysts whose ratings are pooled.
    """

    def __init__(self, data: MatrixData, analysts: Sequence[str]) -> None:
        self._data = data
        self.analysts: tuple[str, ...] = tuple(analysts)
        self._counts: dict[str, list[int]] = {}
        self._extra: dict[str, list[float]] = {}
        self._groups: dict[str, list[str]] | None = None
        self._merged_away: int | None = None
        """Items an origin's row stands for beyond its first: what ``independent``
        takes off the item count (kept with ``_groups``)."""
        self._stale = False
        """A hypothesis came or went in a matrix with origins: rebuild before reading."""
        self._pending = 0
        """How many items are pending: they count in no score, nor in the unrated shares."""
        self.rebuild(data, analysts)

    # -- reading the data ----------------------------------------------------------

    def codes(self, evidence_id: str, hypothesis_id: str) -> list[Code]:
        """The codes the pooled analysts gave one cell (empty: unrated)."""
        ratings = self._data.get("ratings", {})
        out = []
        for analyst in self.analysts:
            code = ratings.get(analyst, {}).get(evidence_id, {}).get(hypothesis_id)
            if code is not None:
                out.append(code)
        return out

    def _is_pending(self, evidence_id: str) -> bool:
        item = self._data.get("evidence", {}).get(evidence_id)
        return item is not None and is_pending(item)

    def _levels(self, evidence_id: str) -> tuple[Level, Level]:
        return _levels(self._data.get("evidence", {})[evidence_id], self._data.get("sources", {}))

    # -- origins: an origin's items count as one row (``scoring.origins``) ----------

    def _origin_of(self, evidence_id: str) -> str | None:
        return self._data.get("evidence", {})[evidence_id].get("origin")

    def groups(self) -> dict[str, list[str]]:
        """Each origin's collected items, in file order (kept until items are added,
        removed, or marked pending or collected)."""
        if self._groups is None:
            groups: dict[str, list[str]] = {}
            for evidence_id, item in self._data.get("evidence", {}).items():
                origin = item.get("origin")
                if origin is not None and not is_pending(item):
                    groups.setdefault(origin, []).append(evidence_id)
            self._groups = groups
            self._merged_away = None
        return self._groups

    def independent(self) -> int:
        """Independent pieces of evidence: collected items without an origin, plus one
        per origin."""
        groups = self.groups()
        if self._merged_away is None:
            self._merged_away = sum(len(members) - 1 for members in groups.values())
        return len(self._data.get("evidence", {})) - self._pending - self._merged_away

    def origin_row(
        self, origin: str, override: _Override | None = None, without: str | None = None
    ) -> tuple[Level, Level, dict[str, list[Code]]] | None:
        """An origin's one row as ``scoring.origins.merge_origins`` builds it: its
        levels and each hypothesis' pooled codes; ``override`` is one rating as it
        is about to be, ``without`` an item left out.  None if no item is left."""
        members = [e for e in self.groups().get(origin, ()) if e != without]
        if not members:
            return None
        hypothesis_ids = list(self._data["hypotheses"])
        distinct: dict[tuple[tuple[Code, ...], ...], None] = {}
        levels = [self._levels(e) for e in members]
        for evidence_id in members:
            profile = tuple(
                tuple(self._codes_with(evidence_id, h, override)) for h in hypothesis_ids
            )
            distinct.setdefault(profile, None)
        row = {
            h: [c for profile in distinct for c in profile[j]] for j, h in enumerate(hypothesis_ids)
        }
        return (*origin_levels(levels), row)

    def _codes_with(
        self, evidence_id: str, hypothesis_id: str, override: _Override | None
    ) -> list[Code]:
        if override is None or override[1:3] != (evidence_id, hypothesis_id):
            return self.codes(evidence_id, hypothesis_id)
        ratings = self._data.get("ratings", {})
        out: list[Code] = []
        for name in self.analysts:
            code = (
                override[3]
                if name == override[0]
                else (ratings.get(name, {}).get(evidence_id, {}).get(hypothesis_id))
            )
            if code is not None:
                out.append(code)
        return out

    def _add_origin(
        self, origin: str, sign: int, override: _Override | None = None, without: str | None = None
    ) -> None:
        found = self.origin_row(origin, override, without)
        if found is None:
            return
        credibility, relevance, row = found
        for hypothesis_id, codes in row.items():
            self._add(hypothesis_id, codes, credibility, relevance, sign)

    # -- keeping the sums ----------------------------------------------------------

    def rebuild(self, data: MatrixData, analysts: Sequence[str]) -> None:
        """Score ``data`` afresh, pooling ``analysts``: O(cells)."""
        self._data = data
        self.analysts = tuple(analysts)
        self._stale = False
        hypotheses = data["hypotheses"]
        evidence = data.get("evidence", {})
        ratings = data.get("ratings", {})
        sources = data.get("sources", {})
        self._counts = {h: [0] * _N_BUCKETS for h in hypotheses}
        self._extra = {h: [0.0] * _N_EXTRA for h in hypotheses}
        self._pending = sum(map(is_pending, evidence.values()))
        self._groups = None
        for origin in self.groups():
            self._add_origin(origin, 1)
        tables = [ratings[a] for a in self.analysts if ratings.get(a)]
        if len(tables) == 1:
            self._count_single(tables[0], evidence)
            return
        for evidence_id, item in evidence.items():
            if "origin" in item or is_pending(item):
                continue
            rows = [t[evidence_id] for t in tables if evidence_id in t]
            if not rows:
                continue
            credibility, relevance = _levels(item, sources)
            hypothesis_ids = rows[0].keys() if len(rows) == 1 else {h for r in rows for h in r}
            for hypothesis_id in hypothesis_ids:
                codes = [r[hypothesis_id] for r in rows if hypothesis_id in r]
                self._add(hypothesis_id, codes, credibility, relevance, 1)

    def _count_single(self, table: Mapping[str, Row], evidence: Mapping[str, EvidenceData]) -> None:
        """The fast path of ``rebuild`` for one analyst: every cell is one bucket."""
        counts = self._counts
        code_index = _CODE_INDEX
        sources = self._data.get("sources", {})
        for evidence_id, row in table.items():
            item = evidence[evidence_id]
            if self._pending and is_pending(item):
                continue
            if "origin" in item:
                continue  # counted with its origin
            credibility, relevance = _levels(item, sources)
            base = (_LEVEL_INDEX[credibility] * len(LEVELS) + _LEVEL_INDEX[relevance]) * len(CODES)
            for hypothesis_id, code in row.items():
                counts[hypothesis_id][base + code_index[code]] += 1

    def _add(
        self,
        hypothesis_id: str,
        codes: Sequence[Code],
        credibility: Level,
        relevance: Level,
        sign: int,
    ) -> None:
        if not codes:
            return
        if len(codes) == 1:
            self._counts[hypothesis_id][_bucket(credibility, relevance, codes[0])] += sign
            return
        extra = self._extra[hypothesis_id]
        n = len(codes)
        heuer = sum(HEUER_VALUE[c] for c in codes) / n
        m = sum(OPENSYNTHESIS_VALUE[c] for c in codes) / n
        extra[_RATED] += sign
        extra[_HEUER] += sign * heuer
        extra[_WEIGHTED] += sign * heuer * LEVEL_WEIGHT[credibility] * LEVEL_WEIGHT[relevance]
        if m < 3:
            extra[_OS_INC] += sign * (3 - m) ** 2
        elif m > 3:
            extra[_OS_CON] += sign * (m - 3) ** 2
        if consensus_code(codes) == "NA":
            extra[_OS_NA] += sign
        logs = [_tempered_log(c, credibility) for c in codes]
        extra[_BAYES] += sign * (sum(logs) / n - _LOG_NEUTRAL)

    def set_cell(
        self, analyst: str, evidence_id: str, hypothesis_id: str, code: Code | None
    ) -> None:
        """``analyst``'s code for a cell is about to become ``code`` (None: cleared).

        Call it before the ratings change: the cell's present codes are read from
        the data, and the new ones are those with ``analyst``'s replaced.  An
        analyst who is not pooled changes nothing.
        """
        if analyst not in self.analysts or self._is_pending(evidence_id):
            return
        origin = self._origin_of(evidence_id)
        if origin is not None:
            self._add_origin(origin, -1)
            self._add_origin(origin, 1, override=(analyst, evidence_id, hypothesis_id, code))
            return
        ratings = self._data.get("ratings", {})
        old: list[Code] = []
        new: list[Code] = []
        for name in self.analysts:
            present = ratings.get(name, {}).get(evidence_id, {}).get(hypothesis_id)
            if present is not None:
                old.append(present)
            value = code if name == analyst else present
            if value is not None:
                new.append(value)
        credibility, relevance = self._levels(evidence_id)
        self._add(hypothesis_id, old, credibility, relevance, -1)
        self._add(hypothesis_id, new, credibility, relevance, 1)

    def rebind(self, data: MatrixData) -> None:
        """Read ``data`` from now on: a new dict around the same tables (the matrix'
        own fields replaced), so nothing scored changed and nothing is recounted."""
        self._data = data

    def add_hypothesis(self, hypothesis_id: str) -> None:
        """Count a hypothesis' cells in, once it is in the data with its ratings:
        O(evidence x analysts), where ``rebuild`` is O(cells).  Every sum is kept
        per hypothesis, so no other hypothesis' figures change."""
        self._counts[hypothesis_id] = [0] * _N_BUCKETS
        self._extra[hypothesis_id] = [0.0] * _N_EXTRA
        ratings = self._data.get("ratings", {})
        tables = [ratings[a] for a in self.analysts if ratings.get(a)]
        if self.groups():
            # An origin's items pool once per distinct row, and a new column may tell
            # rows apart: every hypothesis' sums may move, so rebuild when next read.
            self._stale = True
            return
        h = hypothesis_id
        evidence = self._data.get("evidence", {})
        sources = self._data.get("sources", {})
        if len(tables) == 1:  # one analyst: one bucket per cell, as ``_count_single``
            counts = self._counts[h]
            for evidence_id, cells in tables[0].items():
                item = evidence[evidence_id]
                code = cells.get(h)
                if code is not None and "origin" not in item and not is_pending(item):
                    counts[_bucket(*_levels(item, sources), code)] += 1
            return
        for evidence_id, item in evidence.items():
            if "origin" in item or is_pending(item):
                continue
            rows = [row for t in tables if (row := t.get(evidence_id)) is not None and h in row]
            if rows:
                self._add(h, [row[h] for row in rows], *_levels(item, sources), 1)

    def remove_hypothesis(self, hypothesis_id: str) -> None:
        """Take a hypothesis out (it is gone, or about to go, from the data): O(1)."""
        self._counts.pop(hypothesis_id, None)
        self._extra.pop(hypothesis_id, None)
        if self.groups():
            self._stale = True  # rows an origin pooled as distinct may now be alike

    def remove_evidence(self, evidence_id: str) -> None:
        """Take an item's cells out: before it goes, or its weights or ratings change."""
        self._evidence(evidence_id, -1)

    def add_evidence(self, evidence_id: str) -> None:
        """Put an item's cells in: once it is in the data, with its weights and ratings."""
        self._evidence(evidence_id, 1)

    def _evidence(self, evidence_id: str, sign: int) -> None:
        if self._is_pending(evidence_id):
            self._pending += sign
            self._groups = None
            return
        origin = self._origin_of(evidence_id)
        if origin is not None:
            # The origin's row with the item, swapped for the row without it.
            self._groups = None
            self._add_origin(origin, -1, without=None if sign < 0 else evidence_id)
            self._add_origin(origin, 1, without=evidence_id if sign < 0 else None)
            self._groups = None
            return
        credibility, relevance = self._levels(evidence_id)
        for hypothesis_id in self._counts:
            codes = self.codes(evidence_id, hypothesis_id)
            self._add(hypothesis_id, codes, credibility, relevance, sign)

    # -- rankings ------------------------------------------------------------------

    def _settle(self) -> None:
        """Rebuild if a hypothesis came or went in a matrix with origins."""
        if self._stale:
            self.rebuild(self._data, self.analysts)

    def _sum(self, hypothesis_id: str, name: str) -> float:
        self._settle()
        total: float = sum(map(mul, self._counts[hypothesis_id], _COEF[name]))
        return total

    def _int_sum(self, hypothesis_id: str, name: str) -> int:
        self._settle()
        return sum(map(mul, self._counts[hypothesis_id], _INT_COEF[name]))

    @property
    def pending(self) -> int:
        """How many evidence items are pending (they count in no score): O(1)."""
        return self._pending

    def rated(self, hypothesis_id: str) -> int:
        """How many evidence items at least one pooled analyst rated for this hypothesis."""
        self._settle()
        return sum(self._counts[hypothesis_id]) + int(self._extra[hypothesis_id][_RATED])

    def ranking(self, method: str) -> Ranking:
        """The hypotheses in rank order under ``method``, as ``scoring.score`` gives them.

        ``Ranking.evidence`` is left empty: per-item diagnosticity is ``diagnosticity``.
        """
        self._settle()
        hypotheses = self._data["hypotheses"]
        ids = list(hypotheses)
        total = self.independent()
        figures: list[dict[str, float | int]] = []
        keys: list[Key] = []
        if not ids:
            return Ranking(method, [], [])
        if method in ("heuer", "weighted"):
            slot = _HEUER if method == "heuer" else _WEIGHTED
            scores = [self._sum(h, method) + self._extra[h][slot] for h in ids]
            for h, s in zip(ids, scores, strict=True):
                rated = self.rated(h)
                figures.append({"inconsistency": s, "rated": rated, "unrated": total - rated})
            keys = list(scores)
        elif method == "opensynthesis":
            scores = []
            for h in ids:
                extra = self._extra[h]
                inc = self._int_sum(h, "inc") + extra[_OS_INC]
                con = self._int_sum(h, "con") + extra[_OS_CON]
                na_count = self._int_sum(h, "na") + extra[_OS_NA]
                na = na_count / total if total else 0.0
                unrated = (total - self.rated(h)) / total if total else 0.0
                scores.append(float(inc))
                keys.append((inc, -con, na, unrated))
                figures.append(
                    {
                        "inconsistency": float(inc),
                        "consistency": float(con),
                        "proportion_na": na,
                        "proportion_unrated": unrated,
                    }
                )
        elif method == "bayes":
            priors = normalised_priors([h.get("prior") for h in hypotheses.values()])
            log_post = [
                math.log(p) + self._sum(h, "bayes") + self._extra[h][_BAYES]
                for p, h in zip(priors, ids, strict=True)
            ]
            peak = max(log_post)
            weights = [math.exp(v - peak) for v in log_post]
            norm = sum(weights)
            scores = [w / norm for w in weights]
            figures = [
                {"posterior": p, "log_odds": lp - peak}
                for p, lp in zip(scores, log_post, strict=True)
            ]
            keys = [-p for p in scores]
        else:
            raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
        ranked = [
            HypothesisScore(
                id=ids[index],
                title=hypotheses[ids[index]]["title"],
                rank=rank,
                score=scores[index],
                figures=figures[index],
            )
            for index, rank in rank_order(keys)
        ]
        return Ranking(method, ranked, [])

    def diagnosticity(self, method: str, evidence_id: str) -> float:
        """How well one item tells the hypotheses apart under ``method`` (O(hypotheses)).

        The same figure ``scoring.score(...).evidence`` gives for the item: for an
        item that shares an origin, its origin's.
        """
        self._settle()
        hypothesis_ids = list(self._data["hypotheses"])
        origin = self._origin_of(evidence_id)
        found = None if origin is None else self.origin_row(origin)
        if found is not None:
            credibility, relevance, pooled_row = found
            cells = [pooled_row[h] for h in hypothesis_ids]
        else:
            credibility, relevance = self._levels(evidence_id)
            cells = [self.codes(evidence_id, h) for h in hypothesis_ids]
        if method in ("heuer", "weighted"):
            values = [_mean_of(HEUER_VALUE, c) for c in cells]
            weight = 1.0
            if method == "weighted":
                weight = LEVEL_WEIGHT[credibility] * LEVEL_WEIGHT[relevance]
            return rated_spread(values) * weight
        if method == "opensynthesis":
            means = [_mean_of(OPENSYNTHESIS_VALUE, c) for c in cells]
            return population_stdev([m for m in means if m is not None])
        if method == "bayes":
            row = [
                sum(_tempered_log(code, credibility) for code in c) / len(c) if c else _LOG_NEUTRAL
                for c in cells
            ]
            return max(row) - min(row) if row else 0.0
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")

    def sorted_by_diagnosticity(self, method: str, evidence_ids: Iterable[str]) -> list[str]:
        """Evidence ids, most diagnostic first; tied ones (``scoring.ties``) keep their order."""
        self._settle()
        ids = list(evidence_ids)
        by_origin: dict[str, float] = {}  # an origin's row is built once, not once per item
        keys: list[Key] = []
        for e in ids:
            origin = self._origin_of(e)
            if origin is None:
                keys.append(-self.diagnosticity(method, e))
                continue
            if origin not in by_origin:
                by_origin[origin] = -self.diagnosticity(method, e)
            keys.append(by_origin[origin])
        return [ids[index] for index, _ in rank_order(keys)]


def _mean_of(table: Mapping[str, float], codes: Sequence[str]) -> float | None:
    if not codes:
        return None
    return sum(table[c] for c in codes) / len(codes)

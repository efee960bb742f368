"""Pool several files of one matrix, each rated by different analysts.

Analysts often rate their own copy of a matrix.  Given several files, the
hypotheses and evidence must be the same (same ids; titles may differ, the first
file's are used) and the ratings are combined per analyst.  When two files hold
ratings under the same analyst name, the later one is told apart by its file's
name (``lead@alice``) rather than silently merged or dropped.  Each analyst's
rationale and judgements are pooled the same way, under the name their ratings get.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from achbench.core.data import Judgements, MatrixData, Ratings, Rationale
from achbench.core.errors import UsageError
from achbench.store.toml import load_data


def _differ(kind: str, first: tuple[str, list[str]], other: tuple[str, list[str]]) -> None:
    """Refuse two files whose ``kind`` (hypotheses or evidence) have different ids."""
    (first_name, ours), (name, theirs) = first, other
    if set(ours) == set(theirs):
        return
    only_first = sorted(set(ours) - set(theirs))
    only_this = sorted(set(theirs) - set(ours))
    detail = "; ".join(
        part
        for part in (
            f"only in {first_name}: {', '.join(only_first)}" if only_first else "",
            f"only in {name}: {', '.join(only_this)}" if only_this else "",
        )
        if part
    )
    raise UsageError(f"{name}: not the same matrix as {first_name}: {kind} differ ({detail})")


def pool(files: Sequence[tuple[str, MatrixData]]) -> MatrixData:
    """Combine (name, data) pairs of the same matrix into one, ratings pooled."""
    first_name, first = files[0]
    merged = first.copy()
    ratings: Ratings = dict(first.get("ratings", {}))
    rationale: Rationale = dict(first.get("rationale", {}))
    judgements: Judgements = dict(first.get("judgements", {}))
    for name, data in files[1:]:
        _differ(
            "hypotheses", (first_name, list(first["hypotheses"])), (name, list(data["hypotheses"]))
        )
        _differ(
            "evidence",
            (first_name, list(first.get("evidence", {}))),
            (name, list(data.get("evidence", {}))),
        )
        renamed: dict[str, str] = {}
        for analyst, table in data.get("ratings", {}).items():
            key = analyst
            if key in ratings and ratings[key] != table:
                key = f"{analyst}@{Path(name).stem}"
                renamed[analyst] = key
            ratings[key] = table
        _pool_additions(data, name, renamed, rationale, judgements)
    merged["ratings"] = ratings
    if rationale:
        merged["rationale"] = rationale
    if judgements:
        merged["judgements"] = judgements
    return merged


def _pool_additions(
    data: MatrixData,
    name: str,
    renamed: dict[str, str],
    rationale: Rationale,
    judgements: Judgements,
) -> None:
    """Add one file's rationale and judgements: under the name its analyst's ratings got,
    and told apart by the file's name where another file holds different ones."""
    for analyst, notes in data.get("rationale", {}).items():
        key = renamed.get(analyst, analyst)
        if key in rationale and rationale[key] != notes:
            key = f"{analyst}@{Path(name).stem}"
        rationale[key] = notes
    for analyst, probabilities in data.get("judgements", {}).items():
        key = renamed.get(analyst, analyst)
        if key in judgements and judgements[key] != probabilities:
            key = f"{analyst}@{Path(name).stem}"
        judgements[key] = probabilities


def load_pooled(paths: Sequence[str | Path]) -> MatrixData:
    """Load one or more files of the same matrix, ratings pooled (see ``pool``)."""
    return pool([(str(p), load_data(p)) for p in paths])


def select_analysts(data: MatrixData, names: Sequence[str]) -> list[str] | None:
    """Check ``--analyst`` names against the data; None means every analyst."""
    if not names:
        return None
    known = list(data.get("ratings", {}))
    unknown = [n for n in names if n not in known]
    if unknown:
        have = ", ".join(known) if known else "no ratings at all"
        raise UsageError(f"unknown analyst {', '.join(map(repr, unknown))}; the matrix has: {have}")
    return list(dict.fromkeys(names))

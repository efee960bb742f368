"""Pool several files of one matrix, each rated by different analysts.

Analysts often rate their own copy of a matrix.  Given several files, the
hypotheses and evidence must be the same (same ids; titles may differ, the first
file's are used) and the ratings are combined per analyst.  When two files hold
ratings under the same analyst name, the later one is told apart by its file's
name (``lead@alice``) rather than silently merged or dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from achbench.core.data import MatrixData, Ratings
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
    for name, data in files[1:]:
        _differ(
            "hypotheses", (first_name, list(first["hypotheses"])), (name, list(data["hypotheses"]))
        )
        _differ(
            "evidence",
            (first_name, list(first.get("evidence", {}))),
            (name, list(data.get("evidence", {}))),
        )
        for analyst, table in data.get("ratings", {}).items():
            key = analyst
            if key in ratings and ratings[key] != table:
                key = f"{analyst}@{Path(name).stem}"
            ratings[key] = table
    merged["ratings"] = ratings
    return merged


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

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
from typing import TYPE_CHECKING

from achbench.core.data import Judgements, MatrixData, Ratings, Rationale
from achbench.core.errors import UsageError
from achbench.store.toml import load_data

if TYPE_CHECKING:
    from pathlib import Path


def _detail(first_name: str, only_first: list[str], name: str, only_this: list[str]) -> str:
    return "; ".join(
        part
        for part in (
            f"only in {first_name}: {', '.join(only_first)}" if only_first else "",
            f"only in {name}: {', '.join(only_this)}" if only_this else "",
        )
        if part
    )


def _ids(data: MatrixData, kind: str) -> list[str]:
    return list(data["hypotheses"] if kind == "hypotheses" else data.get("evidence", {}))


_KINDS = ("hypotheses", "evidence")


def _few(ids: list[str], limit: int = 8) -> list[str]:
    return ids if len(ids) <= limit else [*ids[:limit], f"and {len(ids) - limit} more"]


def _differ(kind: str, first: tuple[str, list[str]], other: tuple[str, list[str]]) -> None:
    """Refuse two files whose ``kind`` (hypotheses or evidence) have different ids."""
    (first_name, ours), (name, theirs) = first, other
    if set(ours) == set(theirs):
        return
    only_first = sorted(set(ours) - set(theirs))
    only_this = sorted(set(theirs) - set(ours))
    detail = _detail(first_name, only_first, name, only_this)
    raise UsageError(f"{name}: not the same matrix as {first_name}: {kind} differ ({detail})")


def same_matrix(first: tuple[str, MatrixData], other: tuple[str, MatrixData]) -> None:
    """Refuse two files that are not the same matrix: the rule of ``rank``, ``consensus``
    and every command that pools files: the same hypothesis and evidence ids."""
    for kind in _KINDS:
        _differ(kind, (first[0], _ids(first[1], kind)), (other[0], _ids(other[1], kind)))


def version_of(base: tuple[str, MatrixData], side: tuple[str, MatrixData]) -> None:
    """Refuse a side of a merge that is not a version of its base: ``same_matrix``
    loosened by what a branch may do, add and remove items, so far as it keeps at
    least half of the base's hypotheses and half of its evidence items.

    A branch of one matrix keeps most of it; a file of another matrix keeps
    little or none of it, and merging it would take its removals as edits (the
    base's evidence gone).  A base with no hypotheses (git's, when both
    branches added the file) has nothing to keep.
    """
    (base_name, base_data), (name, data) = base, side
    for kind in _KINDS:
        before, after = _ids(base_data, kind), set(_ids(data, kind))
        kept = sum(1 for item in before if item in after)
        if kept * 2 >= len(before):
            continue
        only_base = sorted(set(before) - after)
        only_this = sorted(after - set(before))
        detail = _detail(base_name, _few(only_base), name, _few(only_this))
        raise UsageError(
            f"{name}: not a version of the same matrix as {base_name}: it keeps {kept} of "
            f"the {len(before)} {kind} there ({detail}); nothing was written"
        )


def pool(files: Sequence[tuple[str, MatrixData]]) -> MatrixData:
    """Combine (name, data) pairs of the same matrix into one, ratings pooled."""
    first_name, first = files[0]
    merged = first.copy()
    ratings: Ratings = dict(first.get("ratings", {}))
    rationale: Rationale = dict(first.get("rationale", {}))
    judgements: Judgements = dict(first.get("judgements", {}))
    for name, data in files[1:]:
        same_matrix((first_name, first), (name, data))
        renamed: dict[str, str] = {}
        for analyst, table in data.get("ratings", {}).items():
            key = analyst
            if key in ratings and ratings[key] != table:
                from pathlib import Path

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

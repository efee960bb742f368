"""Evidence that shares an ``origin`` counted once: the origin becomes one row.

Items with the same ``origin`` rest on the same underlying reporting (three
governments repeating one claim), so they are not independent and must not
weigh three times.  ``merge_origins`` turns a grid of items into a grid whose
rows are *independent pieces of evidence*: each item without an origin as it
is, and each origin as one row standing for all its items.  Every method and
every sensitivity finding then runs on that grid unchanged, so "counted once"
holds under all of them by construction.

An origin's row (docs/analysis.md, "Origins"):

* its cell for a hypothesis pools the codes its items got there, as the codes of
  several analysts are pooled (mean value, Open Synthesis' consensus vote,
  geometric mean of the likelihoods), but items rated *exactly alike* (the same
  codes in every cell) give their codes once.  Copying an item into its origin
  therefore changes nothing, to the bit; three items rated alike weigh as one;
* its credibility is the lowest of its items' (a report is no more believable
  for being repeated, and a doubt on one copy is a doubt on the report), its
  relevance the highest (the report bears on the question as much as its most
  relevant copy does).  Both are set functions: copies cannot move them either.

An origin with a single item scores exactly as that item would without an
origin; a grid without origins is returned as it is (no cost on the fast path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from achbench.core.vocabulary import LEVELS, Code, Level
from achbench.scoring.grid import Cell, Grid, cell_codes


def merge_origins(grid: Grid) -> Grid:
    """The grid with each origin's items merged into one row (see the module docstring).

    Rows keep the order of each origin's first item; an origin's row takes the
    origin as its id and its first item's title.  A grid without origins, or one
    merged already, is returned as it is.
    """
    if not grid.origins or grid.items is not None:
        return grid
    groups: dict[str, list[int]] = {}
    order: list[tuple[str | None, int]] = []
    for i, origin in enumerate(grid.origins):
        if origin is None:
            order.append((None, i))
            continue
        members = groups.get(origin)
        if members is None:
            members = groups[origin] = []
            order.append((origin, i))
        members.append(i)
    evidence: list[str] = []
    titles: list[str] = []
    credibility: list[Level] = []
    relevance: list[Level] = []
    cells: list[Mapping[str, Cell]] = []
    origins: list[str | None] = []
    members_of: list[tuple[int, ...]] = []
    voters_of: list[tuple[int, ...]] = []
    for origin, first in order:
        if origin is None:
            evidence.append(grid.evidence[first])
            titles.append(grid.evidence_titles[first])
            credibility.append(grid.credibility[first])
            relevance.append(grid.relevance[first])
            cells.append(grid.cells[first])
            members_of.append((first,))
            voters_of.append((first,))
        else:
            members = groups[origin]
            voters = distinct_items(grid, members)
            evidence.append(origin)
            titles.append(grid.evidence_titles[first])
            levels = origin_levels([(grid.credibility[i], grid.relevance[i]) for i in members])
            credibility.append(levels[0])
            relevance.append(levels[1])
            cells.append(grid.cells[first] if len(voters) == 1 else pooled_row(grid, voters))
            members_of.append(tuple(members))
            voters_of.append(voters)
        origins.append(origin)
    return Grid(
        hypotheses=grid.hypotheses,
        hypothesis_titles=grid.hypothesis_titles,
        priors=grid.priors,
        evidence=tuple(evidence),
        evidence_titles=tuple(titles),
        credibility=tuple(credibility),
        relevance=tuple(relevance),
        cells=tuple(cells),
        analysts=grid.analysts,
        origins=tuple(origins),
        items=grid,
        members=tuple(members_of),
        voters=tuple(voters_of),
    )


def origin_levels(levels: Sequence[tuple[Level, Level]]) -> tuple[Level, Level]:
    """An origin's (credibility, relevance) from its items': the lowest credibility
    and the highest relevance (see the module docstring).  The editor's live
    scores use it too, so an origin scores alike there and in ``rank``."""
    credibility = min((c for c, _ in levels), key=LEVELS.index)
    relevance = max((r for _, r in levels), key=LEVELS.index)
    return credibility, relevance


def distinct_items(grid: Grid, members: Sequence[int]) -> tuple[int, ...]:
    """The first of each set of ``members`` rated exactly alike (same codes in every
    cell, unrated cells included), in file order."""
    seen: dict[tuple[Cell | None, ...], int] = {}
    hypotheses = grid.hypotheses
    for i in members:
        row = grid.cells[i]
        seen.setdefault(tuple(map(row.get, hypotheses)), i)
    return tuple(seen.values())


def pooled_row(grid: Grid, voters: Sequence[int]) -> dict[str, Cell]:
    """One row whose every cell holds the codes the ``voters`` items got there, in order."""
    row: dict[str, Cell] = {}
    for h in grid.hypotheses:
        codes: list[Code] = []
        for i in voters:
            cell = grid.cells[i].get(h)
            if cell is not None:
                codes.extend(cell_codes(cell))
        if codes:
            row[h] = codes[0] if len(codes) == 1 else tuple(codes)
    return row


def vote_source(grid: Grid, row: int, hypothesis: str, vote: int) -> tuple[int, int]:
    """Which item of a merged grid's ``row`` gave its cell's ``vote``-th code, as
    (index in ``grid.items``, the code's place in that item's cell); on a grid of
    items, (row, vote)."""
    if grid.items is None:
        return row, vote
    items = grid.items
    for i in grid.voters[row]:
        cell = items.cells[i].get(hypothesis)
        if cell is None:
            continue
        k = len(cell_codes(cell))
        if vote < k:
            return i, vote
        vote -= k
    raise IndexError(f"no vote {vote} in row {row}, hypothesis {hypothesis}")


def independent_count(grid: Grid) -> int:
    """How many independent pieces of evidence the grid's items are: items without
    an origin, plus one per origin."""
    if not grid.origins:
        return len(grid.evidence)
    return grid.origins.count(None) + len(set(grid.origins) - {None})  # merge_origins' rows

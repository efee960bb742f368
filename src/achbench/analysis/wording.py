"""Sensitivity findings in plain sentences, for the terminal, the report and the editor.

Sentences name hypotheses and evidence by id and title; they are plain text
(callers escape them for HTML or Markdown).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from achbench.analysis.sensitivity import Findings, Flip, RatingChange, Standing

LISTED = 5
"""Items or changes named in one sentence before 'and N more'."""

STEP_WORDS = {
    "any": "each rating may move to any code",
    "one": "each rating may move one step on the scale",
}


def number(value: float) -> str:
    """A score for reading: whole numbers bare, others to two decimals."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.2f}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 evidence item', '2 evidence items', '0 hypotheses': the count and its noun.

    ``many`` defaults to ``one`` plus ``s``; give it where English does otherwise.
    """
    return f"{count} {one if count == 1 else (many or one + 's')}"


def join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _listed(items: Sequence[str]) -> str:
    if len(items) > LISTED:
        return join([*items[:LISTED], f"{len(items) - LISTED} more"])
    return join(items)


def change_text(change: RatingChange) -> str:
    """'E12 × H2: I → II (lead)': evidence × hypothesis: old → new (analyst)."""
    who = f" ({change.analyst})" if change.analyst else ""
    return f"{change.evidence} × {change.hypothesis}: {change.old} → {change.new}{who}"


def order_text(standing: Standing) -> str:
    """'H2 = H4 > H1 > H3': rank order, tied hypotheses joined by '='."""
    parts: list[str] = []
    previous = None
    for h in standing.order:
        rank = standing.ranks[h]
        if parts:
            parts.append(" = " if rank == previous else " > ")
        parts.append(h)
        previous = rank
    return "".join(parts)


def _name(findings: Findings, hypothesis: str) -> str:
    return f"{hypothesis} ({findings.hypothesis_titles[hypothesis]})"


def _flip_sentence(findings: Findings, flip: Flip) -> str:
    name = _name(findings, flip.challenger)
    if flip.changes is None:
        return f"No set of rating changes ({STEP_WORDS[findings.steps]}) can make {name} lead."
    count = len(flip.changes)
    how = "" if flip.exact else "at most "
    changes = _listed([change_text(c) for c in flip.changes])
    return f"{name} would lead after {how}{plural(count, 'rating change')}: {changes}."


def sentences(findings: Findings) -> list[str]:
    """Leader and margin, critical items, rating changes, weights, credibility."""
    out: list[str] = []
    method = findings.method
    leaders = findings.leaders
    if len(leaders) > 1:
        out.append(f"Under {method}, {join([_name(findings, h) for h in leaders])} share the lead.")
    else:
        out.append(f"Under {method}, {_name(findings, leaders[0])} leads.")
    m = findings.margin
    if m.runner_up is not None and m.margin is not None and len(leaders) == 1:
        if method == "bayes":
            odds = "" if m.odds is None else f", odds {m.odds:.2f} to 1"
            text = (
                f"The runner-up, {_name(findings, m.runner_up)}, trails by "
                f"{m.margin:.1%} of posterior probability{odds}"
            )
            limit = f"odds below {number(m.threshold)} to 1"
        else:
            text = (
                f"The runner-up, {_name(findings, m.runner_up)}, trails by "
                f"{number(m.margin)} ({m.measure})"
            )
            limit = f"a margin below {number(m.threshold)}"
        out.append(text + (f": a close race ({limit})." if m.close else "."))
    elif len(leaders) > 1:
        out.append("A tie at the top is the closest race there is.")

    critical = findings.critical
    reordering = [r for r in findings.removals if r.ranks_changed and not r.leader_changed]
    if not findings.removals:
        out.append("There is no evidence to leave out.")
    elif not critical:
        text = "Removing any single evidence item leaves the leader unchanged"
        if reordering:
            text += f"; removing {_listed([r.evidence for r in reordering])} reorders the others"
        out.append(text + ".")
    else:
        for removal in critical[:LISTED]:
            assert removal.standing is not None
            new = removal.standing.leaders
            verb = "would share the lead" if len(new) > 1 else "would lead instead"
            out.append(
                f"Without {removal.evidence} ({removal.title}), "
                f"{join([_name(findings, h) for h in new])} {verb}."
            )
        if len(critical) > LISTED:
            out.append(f"{len(critical) - LISTED} more items change the leader when removed.")

    if findings.flips:
        exact = findings.flips[0].exact
        label = (
            "the fewest possible"
            if exact
            else "a heuristic: enough, perhaps not the fewest, under opensynthesis"
        )
        out.append(
            f"Rating changes for another hypothesis to lead ({label}; "
            f"{STEP_WORDS[findings.steps]}):"
        )
        out.extend(_flip_sentence(findings, f) for f in findings.flips)

    if findings.weight_shifts:
        for shift in findings.weight_shifts[:LISTED]:
            out.append(
                f"Under weighted, moving the {shift.attribute} of {shift.evidence} "
                f"({shift.title}) from {shift.old} to {shift.new} would make "
                f"{join([_name(findings, h) for h in shift.leaders])} lead."
            )
        if len(findings.weight_shifts) > LISTED:
            out.append(
                f"{len(findings.weight_shifts) - LISTED} more credibility or relevance "
                "shifts change the leader under weighted."
            )
    else:
        out.append(
            "Under weighted, no single item's credibility or relevance moved one level "
            "changes the leader."
        )

    for check in findings.credibility:
        what = (
            "Keeping only high-credibility evidence"
            if check.name == "high-only"
            else "Dropping low-credibility evidence"
        )
        total = check.kept + check.dropped
        if check.name == "high-only" and check.kept == 0:
            out.append("No evidence item has high credibility.")
            continue
        if check.name == "without-low" and check.dropped == 0:
            out.append("No evidence item has low credibility.")
            continue
        who = join([_name(findings, h) for h in check.leaders])
        verb = "lead" if len(check.leaders) > 1 else "leads"
        if check.changed:
            out.append(f"{what} ({check.kept} of {total} items), {who} {verb} instead.")
        else:
            out.append(f"{what} ({check.kept} of {total} items), {who} still {verb}.")
    return out


def removal_summary(findings: Findings) -> str:
    """Leave-one-out in one sentence, for the command and the editor alike: how many
    items (or, with origins, independent origins) change the leader, only other
    ranks, or nothing when left out; no final full stop."""
    total = len(findings.removals)
    if not total:
        return "There is no evidence to leave out"
    leader = sum(1 for r in findings.removals if r.leader_changed)
    ranks = sum(1 for r in findings.removals if r.ranks_changed) - leader
    rest = total - leader - ranks

    def changes(count: int) -> str:
        return f"{count} {'changes' if count == 1 else 'change'}"

    what = plural(total, "item")
    if findings.origins != findings.items:
        what = f"{plural(findings.items, 'item')} from {plural(total, 'independent origin')}"
    return (
        f"Of {what}, {changes(leader)} the leader when removed, "
        f"{changes(ranks)} only other ranks, {changes(rest)} nothing"
    )

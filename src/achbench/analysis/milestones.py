"""Heuer's step 8: milestones, and warnings when one tells against the leader.

A milestone is an indicator the analyst expects to see if a hypothesis is
right (``expect = "supports"``) or wrong (``expect = "refutes"``).  Two states
undercut the leading hypothesis and are flagged wherever a ranking is shown:

* **refuted**: a milestone that refutes the leader has been observed;
* **unsupported**: a milestone that would support the leader was marked
  not-observed, and its due date (if it has one) has passed.  A not-observed
  mark before the due date is only "not yet", so it is not flagged.

An open milestone past its due date is listed as overdue: its status needs
updating, but it says nothing yet about the hypothesis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from achbench.core.data import MatrixData
from achbench.core.vocabulary import Expect, Status


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """One milestone as listed, with whether it is overdue."""

    id: str
    hypothesis: str
    title: str
    expect: Expect
    due: dt.date | None
    status: Status
    notes: str | None
    overdue: bool
    """Still open after its due date."""

    def to_json(self) -> dict[str, str | bool | None]:
        return {
            "id": self.id,
            "hypothesis": self.hypothesis,
            "title": self.title,
            "expect": self.expect,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "notes": self.notes,
            "overdue": self.overdue,
        }


@dataclass(frozen=True, slots=True)
class MilestoneWarning:
    """A milestone that tells against a leading hypothesis."""

    kind: Literal["refuted", "unsupported"]
    """What the milestone says against the leader."""
    milestone: str
    hypothesis: str
    title: str
    """The milestone's title."""
    message: str
    """One sentence saying what happened, for any output."""

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "milestone": self.milestone,
            "hypothesis": self.hypothesis,
            "title": self.title,
            "message": self.message,
        }


def milestones(data: MatrixData, today: dt.date | None = None) -> list[MilestoneView]:
    """Every milestone in file order."""
    today = today or dt.date.today()
    out = []
    for milestone_id, m in data.get("milestones", {}).items():
        status: Status = m.get("status", "open")
        due = m.get("due")
        out.append(
            MilestoneView(
                id=milestone_id,
                hypothesis=m["hypothesis"],
                title=m["title"],
                expect=m["expect"],
                due=due,
                status=status,
                notes=m.get("notes"),
                overdue=status == "open" and due is not None and due < today,
            )
        )
    return out


def by_hypothesis(data: MatrixData, today: dt.date | None = None) -> dict[str, list[MilestoneView]]:
    """Milestones grouped by hypothesis, every hypothesis present, both in file order."""
    out: dict[str, list[MilestoneView]] = {h: [] for h in data["hypotheses"]}
    for view in milestones(data, today):
        out[view.hypothesis].append(view)
    return out


def warnings(
    data: MatrixData, leaders: Sequence[str], today: dt.date | None = None
) -> list[MilestoneWarning]:
    """Milestones that tell against any of ``leaders`` (see the module docstring)."""
    today = today or dt.date.today()
    titles = {h: v["title"] for h, v in data["hypotheses"].items()}
    out = []
    for view in milestones(data, today):
        if view.hypothesis not in leaders:
            continue
        leader = f"{view.hypothesis} ({titles[view.hypothesis]})"
        if view.expect == "refutes" and view.status == "observed":
            out.append(
                MilestoneWarning(
                    "refuted",
                    view.id,
                    view.hypothesis,
                    view.title,
                    f"Milestone {view.id} was observed and refutes the leading hypothesis "
                    f"{leader}: {view.title}",
                )
            )
        elif (
            view.expect == "supports"
            and view.status == "not-observed"
            and (view.due is None or view.due < today)
        ):
            by = f" by {view.due.isoformat()}" if view.due else ""
            out.append(
                MilestoneWarning(
                    "unsupported",
                    view.id,
                    view.hypothesis,
                    view.title,
                    f"Milestone {view.id}, expected{by} in support of the leading hypothesis "
                    f"{leader}, was not observed: {view.title}",
                )
            )
    return out

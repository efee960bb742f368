"""The milestones screen: Heuer's step 8, listed per hypothesis, added, edited, set.

Every hypothesis in file order with its rank under the current method, and
under it its milestones: id, status, what seeing it would mean, due date (an
open milestone past it is *overdue*), title.  Warnings about the leader
(``analysis.milestones.warnings``) head the list, as in the ranking pane.

Every change goes through the session (``add_milestone``, ``update_milestone``,
``set_milestone_status``, ``delete_milestone``): it is undone and redone like
any other edit (``u``, ``ctrl+r``, here or in the grid), marks the matrix
modified and is saved with it.  The screen takes each change into the view
(``GridView.apply``) and posts ``Changed`` for the main screen below to show
it.  The form checks a milestone with the pydantic ``Milestone`` model
(``fields.milestone_from_form``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, get_args

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from achbench.core.data import MilestoneData
from achbench.core.text import one_line
from achbench.core.vocabulary import Status
from achbench.editing import fields as rules
from achbench.editing.session import Session
from achbench.tui.screens.listing import ListingScreen, priority_key
from achbench.tui.view import GridView

STATUSES: tuple[Status, ...] = get_args(Status)
STATUS_CYCLE: dict[Status, Status] = dict(zip(STATUSES, STATUSES[1:] + STATUSES[:1], strict=True))
"""``s`` moves a milestone's status along this cycle: open, observed, not-observed, open."""


def status_text(milestone: MilestoneData, overdue: bool) -> Text:
    """A milestone's status as the list shows it, coloured by what it means."""
    status = milestone.get("status", "open")
    expect = milestone["expect"]
    if status == "observed":
        style = "bold red" if expect == "refutes" else "bold green"
        return Text("observed", style=style)
    if status == "not-observed":
        return Text("not observed", style="yellow" if expect == "supports" else "dim")
    if overdue:
        return Text("open, overdue", style="yellow")
    return Text("open")


class MilestonesScreen(ListingScreen):
    """Milestones per hypothesis, opened on ``hypothesis``; every change posts ``Changed``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        priority_key(
            "escape,M,q", "close", "Close", "milestones_close", "Close the milestones screen"
        ),
        priority_key(
            "a", "add", "Add", "milestone_add", "Add a milestone to the hypothesis highlighted"
        ),
        priority_key("e", "edit", "Edit", "milestone_edit", "Edit the milestone highlighted"),
        priority_key(
            "s",
            "status",
            "Status",
            "milestone_status",
            "Next status of the milestone: open, observed, not-observed",
        ),
        priority_key(
            "x", "delete", "Delete", "milestone_delete", "Delete the milestone (u undoes)"
        ),
        priority_key("u", "undo", "Undo", "milestone_undo", "Undo the last change"),
        priority_key("ctrl+r", "redo", "Redo", "milestone_redo", "Redo the last change undone"),
        priority_key("ctrl+s", "app.save", "Save", "milestone_save", "Save the matrix"),
    ]

    def __init__(self, view: GridView, hypothesis: str | None) -> None:
        super().__init__(id="milestones")
        self.view = view
        self.rows: list[tuple[str, str]] = []
        """Per line: ("hypothesis" or "milestone" or "warning", id)."""
        self._start = hypothesis

    @property
    def session(self) -> Session:
        return self.view.session

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog findings"):
            yield Label("Milestones", classes="dialog-title")
            yield OptionList(id="milestone-list", classes="findings-list")
            yield Static(
                Text(
                    "a add · e/Enter edit · s status · x delete · u undo · ^s save · Esc",
                    style="dim",
                ),
                classes="findings-keys",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.rebuild(("hypothesis", self._start or ""))

    # -- the list ------------------------------------------------------------------------

    def rebuild(self, keep: tuple[str, str] | None = None) -> None:
        """Redraw the list from the session, keeping the highlight on ``keep`` (or its line)."""
        from achbench.analysis.milestones import by_hypothesis

        options = self.query_one(OptionList)
        old_index = options.highlighted or 0
        if keep is None and self.rows:
            keep = self.rows[min(old_index, len(self.rows) - 1)]
        data = self.session.data
        view = self.view
        prompts: list[RenderableType] = []
        rows: list[tuple[str, str]] = []
        for warning in view.milestone_warnings():
            prompts.append(Text(f"! {warning.message}", style="bold red"))
            rows.append(("warning", warning.milestone))
        grouped = by_hypothesis(data)
        leaders = {h.id for h in view.ranking.hypotheses if h.rank == 1}
        for hypothesis_id, listed in grouped.items():
            score = view.scores.get(hypothesis_id)
            text = Text().append(hypothesis_id, style="bold cyan")
            text.append(f"  {one_line(data['hypotheses'][hypothesis_id]['title'])}", style="bold")
            if score is not None:
                text.append(f"  rank {score.rank} under {view.method}", style="dim")
            if hypothesis_id in leaders:
                text.append(" · leads", style="bold")
            if not listed:
                text.append("  no milestones: a adds one", style="dim italic")
            prompts.append(text)
            rows.append(("hypothesis", hypothesis_id))
            for item in listed:
                milestone = self.session.milestones[item.id]
                line = Text("   ")
                line.append(item.id, style="bold")
                line.append("  ")
                line.append(status_text(milestone, item.overdue))
                line.append(f" · {item.expect}", style="red" if item.expect == "refutes" else "")
                if item.due is not None:
                    line.append(f" · due {item.due.isoformat()}", style="dim")
                prompts.append(Group(line, Padding(Text(one_line(item.title)), (0, 0, 0, 7))))
                rows.append(("milestone", item.id))
        if not rows:
            prompts.append(Text("No hypotheses yet: add one in the grid (Y).", style="italic"))
            rows.append(("none", ""))
        self.rows = rows
        options.clear_options()
        options.add_options(Option(p, id=str(i)) for i, p in enumerate(prompts))
        index = rows.index(keep) if keep in rows else min(old_index, len(rows) - 1)
        options.highlighted = index
        if rows[index][0] != "milestone" and index <= len(view.milestone_warnings()):
            options.scroll_home(animate=False)

    def _highlighted(self) -> tuple[str, str] | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.rows:
            return None
        return self.rows[index]

    def _hypothesis_here(self) -> str | None:
        row = self._highlighted()
        if row is None:
            return self.view.current()[0]
        kind, item = row
        if kind == "hypothesis":
            return item
        if kind == "none":
            return None
        milestone = self.session.milestones.get(item)
        return milestone["hypothesis"] if milestone else self.view.current()[0]

    def _milestone_here(self) -> str | None:
        row = self._highlighted()
        if row is None or row[0] in ("hypothesis", "none"):
            return None
        return row[1] if row[1] in self.session.milestones else None

    # -- editing -------------------------------------------------------------------------

    async def _form(
        self,
        title: str,
        values: dict[str, str],
        current: str | None,
        then: Callable[[tuple[str, MilestoneData]], None],
    ) -> None:
        from achbench.tui.screens.forms import ItemForm, milestone_form, open_form

        session = self.session
        hypotheses = {h: one_line(v["title"]) for h, v in session.hypotheses.items()}
        taken = list(session.milestones)

        def check(v: dict[str, str]) -> tuple[str, MilestoneData]:
            return rules.milestone_from_form(v, taken, hypotheses, current)

        def apply(result: tuple[str, MilestoneData]) -> None:
            then(result)

        await open_form(self.app, ItemForm(title, milestone_form(hypotheses), values, check, apply))

    async def action_add(self) -> None:
        hypothesis = self._hypothesis_here()
        if hypothesis is None:
            self.notify("Add a hypothesis first (Y in the grid).")
            return
        values = {
            "id": rules.next_id("M", list(self.session.milestones)),
            "hypothesis": hypothesis,
            "expect": "supports",
            "status": "open",
        }

        def done(result: tuple[str, MilestoneData]) -> None:
            change = self.session.add_milestone(result[0], result[1])
            self._after(change, ("milestone", result[0]))

        await self._form(f"New milestone for {hypothesis}", values, None, done)

    async def action_edit(self) -> None:
        milestone_id = self._milestone_here()
        if milestone_id is None:
            await self.action_add()
            return
        values = {"id": milestone_id, **rules.form_values(self.session.milestones[milestone_id])}

        def done(result: tuple[str, MilestoneData]) -> None:
            change = self.session.update_milestone(milestone_id, result[0], result[1])
            self._after(change, ("milestone", result[0]))

        await self._form(f"Milestone {milestone_id}", values, milestone_id, done)

    def action_status(self) -> None:
        milestone_id = self._milestone_here()
        if milestone_id is None:
            self.notify("Highlight a milestone to set its status.")
            return
        status = STATUS_CYCLE[self.session.milestones[milestone_id].get("status", "open")]
        change = self.session.set_milestone_status(milestone_id, status)
        self.notify(f"{milestone_id}: {status}")
        self._after(change, ("milestone", milestone_id))

    def action_delete(self) -> None:
        milestone_id = self._milestone_here()
        if milestone_id is None:
            self.notify("Highlight a milestone to delete it.")
            return
        hypothesis = self.session.milestones[milestone_id]["hypothesis"]
        change = self.session.delete_milestone(milestone_id)
        self.notify(f"Deleted milestone {milestone_id}; u brings it back.")
        self._after(change, ("hypothesis", hypothesis))

"""The assumptions screen: the Key Assumptions Check, listed, added, judged and linked.

Every assumption in file order with its verdict (solid green, caveated yellow,
unsupported red), its title, the hypotheses that stand or fall with it, the
evidence resting on it, and what the ranking becomes under the current method
with that evidence left out (``analysis.assumptions.check``).  Warnings about
the leader (a leader resting on an unsupported assumption) head the list, as in
the ranking pane.  The screen opens on the evidence item under the grid's
cursor: ``l`` links it to the highlighted assumption (it rests on it) or
unlinks it, and assumptions it rests on are marked ``*``.

Every change goes through ``editing.assumption_edits.AssumptionEdits`` and is
undone and redone like any other edit (``u``, ``ctrl+r``, here or in the grid);
the screen takes each change into the view (``GridView.apply``) and posts
``Changed`` for the main screen below to show it.  The form opens with the
title focused; Enter saves, Escape cancels.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from achbench.core.text import one_line
from achbench.core.vocabulary import (
    ASSUMPTION_STATUS_MEANING,
    ASSUMPTION_STATUSES,
    DEFAULT_ASSUMPTION_STATUS,
)
from achbench.editing import fields as rules
from achbench.editing.assumption_edits import (
    AssumptionEdits,
    Checked,
    assumption_from_form,
    form_values,
    resting_on,
)
from achbench.editing.undo import Change
from achbench.tui.screens.forms import ID_PLACEHOLDER, Field
from achbench.tui.screens.listing import ListingScreen, priority_key
from achbench.tui.view import GridView

STATUS_CYCLE = dict(
    zip(ASSUMPTION_STATUSES, ASSUMPTION_STATUSES[1:] + ASSUMPTION_STATUSES[:1], strict=True)
)
"""``s`` moves a verdict along this cycle: solid, caveated, unsupported, solid."""
STATUS_STYLE = {"solid": "bold green", "caveated": "bold yellow", "unsupported": "bold red"}

ASSUMPTION_FORM = (
    Field("title", "Assumption", placeholder="stated so that it could be false"),
    Field("id", "Id", placeholder=ID_PLACEHOLDER),
    Field(
        "status",
        "Verdict",
        "choice",
        ASSUMPTION_STATUSES,
        labels=tuple(f"{s}: {ASSUMPTION_STATUS_MEANING[s]}" for s in ASSUMPTION_STATUSES),
    ),
    Field("hypotheses", "Stands or falls with", placeholder="hypothesis ids: H1 H3"),
    Field("notes", "Why the verdict", "text"),
    Field("evidence", "Evidence resting on it", placeholder="evidence ids: E2 E7"),
)


class AssumptionsScreen(ListingScreen):
    """The key assumptions, opened with ``evidence`` (the grid's item) to link."""

    BINDINGS: ClassVar[list[BindingType]] = [
        priority_key(
            "escape,K,q", "close", "Close", "assumptions_close", "Close the assumptions screen"
        ),
        priority_key("a", "add", "Add", "assumption_add", "Add a key assumption"),
        priority_key("e", "edit", "Edit", "assumption_edit", "Edit the assumption highlighted"),
        priority_key(
            "s",
            "status",
            "Verdict",
            "assumption_status",
            "Next verdict of the assumption: solid, caveated, unsupported",
        ),
        priority_key(
            "l",
            "link",
            "Link",
            "assumption_link",
            "Link the grid's evidence item to the assumption (it rests on it), or unlink it",
        ),
        priority_key(
            "x", "delete", "Delete", "assumption_delete", "Delete the assumption (u undoes)"
        ),
        priority_key("u", "undo", "Undo", "assumption_undo", "Undo the last change"),
        priority_key("ctrl+r", "redo", "Redo", "assumption_redo", "Redo the last change undone"),
        priority_key("ctrl+s", "app.save", "Save", "assumption_save", "Save the matrix"),
    ]

    def __init__(self, view: GridView, evidence: str | None) -> None:
        super().__init__(id="assumptions")
        self.view = view
        self.edits = AssumptionEdits(view.session)
        self.evidence = evidence
        """The evidence item ``l`` links (the grid's, when the screen opened)."""
        self.rows: list[tuple[str, str]] = []
        """Per line: ("warning" or "assumption" or "none", id)."""
        self.texts: list[str] = []
        """Per line: its text, plain."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog findings"):
            yield Label(self._title(), classes="dialog-title")
            yield OptionList(id="assumption-list", classes="findings-list")
            yield Static(
                Text(
                    "a add · e/Enter edit · s verdict · l link item · x delete · u undo · Esc",
                    style="dim",
                ),
                classes="findings-keys",
            )

    def _title(self) -> str:
        if self.evidence is None:
            return "Key assumptions"
        return f"Key assumptions · l links {self.evidence} (* it rests on it)"

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.rebuild()

    # -- the list ------------------------------------------------------------------------

    def rebuild(self, keep: tuple[str, str] | None = None) -> None:
        """Redraw the list from the session, keeping the highlight on ``keep`` (or its line)."""
        from achbench.analysis.assumptions import check, risk_text, warnings, without_text
        from achbench.scoring.methods import Grid

        options = self.query_one(OptionList)
        old_index = options.highlighted or 0
        if keep is None and self.rows:
            keep = self.rows[min(old_index, len(self.rows) - 1)]
        view = self.view
        data = view.session.data
        grid = Grid.from_data(data, view.session.live.analysts)
        checks = check(data, grid, view.method, view.ranking)
        prompts: list[RenderableType] = []
        rows: list[tuple[str, str]] = []
        texts: list[str] = []
        for warning in warnings(checks, data):
            prompts.append(Text(f"! {one_line(warning.message)}", style="bold red"))
            rows.append(("warning", warning.assumption))
            texts.append(f"! {warning.message}")
        item = data.get("evidence", {}).get(self.evidence or "")
        rested = set(item.get("assumes", [])) if item else set()
        for found in checks:
            line = Text("* " if found.id in rested else "  ", style="bold")
            line.append(found.id, style="bold cyan")
            line.append("  ")
            line.append(found.status, style=STATUS_STYLE[found.status])
            line.append(f"  {one_line(found.title)}")
            links = []
            if found.hypotheses:
                links.append(f"with {' '.join(found.hypotheses)}")
            links.append(without_text(found) + f" under {view.method}")
            risk = risk_text(found)
            if risk != "-":
                links.append(risk)
            detail = Text(" · ".join(links), style="dim")
            prompts.append(Group(line, Padding(detail, (0, 0, 0, 4))))
            rows.append(("assumption", found.id))
            texts.append(f"{line.plain}\n    {detail.plain}")
        if not checks:
            empty = (
                "No key assumptions yet: a adds one. Write down what the analysis takes "
                "for granted, so that it could be false."
            )
            prompts.append(Text(empty, style="italic"))
            rows.append(("none", ""))
            texts.append(empty)
        self.rows, self.texts = rows, texts
        options.clear_options()
        options.add_options(Option(p, id=str(i)) for i, p in enumerate(prompts))
        index = rows.index(keep) if keep in rows else min(old_index, len(rows) - 1)
        if keep is None or keep not in rows:
            index = next((i for i, r in enumerate(rows) if r[0] == "assumption"), index)
        options.highlighted = index

    def _assumption_here(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.rows:
            return None
        kind, item = self.rows[index]
        return (
            item if kind in ("assumption", "warning") and item in self.edits.assumptions else None
        )

    # -- editing -------------------------------------------------------------------------

    async def _form(self, title: str, values: dict[str, str], current: str | None) -> None:
        from achbench.tui.screens.forms import ItemForm, open_form

        hypotheses = list(self.view.session.hypotheses)
        evidence = list(self.view.session.evidence)
        taken = list(self.edits.assumptions)

        def check(v: dict[str, str]) -> Checked:
            return assumption_from_form(v, taken, hypotheses, current, evidence)

        def apply(result: Checked) -> None:
            new_id, fields, resting = result
            if current is None:
                change: Change | None = self.edits.add(new_id, fields, resting)
            else:
                change = self.edits.update(current, new_id, fields, resting)
            self._after(change, ("assumption", new_id))

        await open_form(self.app, ItemForm(title, ASSUMPTION_FORM, values, check, apply))

    async def action_add(self) -> None:
        values = {
            "id": rules.next_id("A", list(self.edits.assumptions)),
            "status": DEFAULT_ASSUMPTION_STATUS,
        }
        await self._form("New key assumption", values, None)

    async def action_edit(self) -> None:
        assumption_id = self._assumption_here()
        if assumption_id is None:
            await self.action_add()
            return
        fields = self.edits.assumptions[assumption_id]
        values = form_values(
            assumption_id, fields, resting_on(self.view.session.data, assumption_id)
        )
        await self._form(f"Assumption {assumption_id}", values, assumption_id)

    def action_status(self) -> None:
        assumption_id = self._assumption_here()
        if assumption_id is None:
            self.notify("Highlight an assumption to set its verdict.")
            return
        old = self.edits.assumptions[assumption_id].get("status", DEFAULT_ASSUMPTION_STATUS)
        status = STATUS_CYCLE[old]
        change = self.edits.set_status(assumption_id, status)
        self.notify(f"{assumption_id}: {status}")
        self._after(change, ("assumption", assumption_id))

    def action_link(self) -> None:
        assumption_id = self._assumption_here()
        if assumption_id is None or self.evidence is None:
            what = "an assumption" if self.evidence else "an evidence item in the grid first"
            self.notify(f"Highlight {what} to link.")
            return
        change, linked = self.edits.toggle_link(assumption_id, self.evidence)
        verb = "rests on" if linked else "no longer rests on"
        self.notify(f"{self.evidence} {verb} {assumption_id}.")
        self._after(change, ("assumption", assumption_id))

    def action_delete(self) -> None:
        assumption_id = self._assumption_here()
        if assumption_id is None:
            self.notify("Highlight an assumption to delete it.")
            return
        change = self.edits.delete(assumption_id)
        self.notify(f"Deleted assumption {assumption_id}; u brings it back.")
        self._after(change)

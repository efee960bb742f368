"""The sensitivity screen: Heuer's step 6 for the method and analysts being scored.

It shows ``analysis.sensitivity.analyse`` for the editor's current method and
the ratings it scores (the current analyst's, or every analyst's pooled): the
leader and the margin (with the close-race warning), milestone warnings, the
evidence items whose removal changes the leader or the ranks, the fewest rating
changes that would make each other hypothesis lead (cells named), the items
whose credibility or relevance moved one level changes the leader under
``weighted``, and the credibility checks.

The findings are computed once, when the screen opens (or when ``o`` switches
the step rule), never on a keystroke in the grid.  A large matrix is analysed
in a thread, the screen saying so meanwhile, so the editor never freezes.

Every line is a row of an ``OptionList``: the arrows and page keys scroll
through it, and Enter on a line that names an evidence item, a hypothesis or a
cell closes the screen with the grid's cursor put there.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from achbench.analysis.wording import removal_summary
from achbench.core.text import one_line

if TYPE_CHECKING:
    from achbench.analysis.milestones import MilestoneWarning
    from achbench.analysis.sensitivity import CredibilityCheck, Findings, Standing
    from achbench.editing.session import Session

Target = tuple[str | None, str | None]
"""(hypothesis, evidence) to put the grid's cursor on; None keeps that axis."""

SYNC_CELLS = 60_000
"""Hypotheses x evidence x analysts up to which the findings are computed at once
(well under a tenth of a second); above, in a thread while the screen waits."""
ITEMS_SHOWN = 40
"""Leave-one-out items listed before '… N more' (``achbench sensitivity --all`` lists all)."""
CHANGES_SHOWN = 12
"""Rating changes listed per challenger before '… N more'."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the screen, and where Enter on it goes."""

    text: Text
    target: Target | None = None
    heading: bool = False
    label: str = ""
    detail: Text | None = None
    """Set for an evidence item: ``label`` (its id) in a column of its own, and beside
    it the rest of ``text`` (its title) with ``detail`` under it."""

    @property
    def plain(self) -> str:
        """The line's words, for tests and searching."""
        return self.text.plain + (f"\n{self.detail.plain}" if self.detail else "")

    def prompt(self) -> RenderableType:
        if self.detail is None:
            return self.text
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold cyan")
        grid.add_column(ratio=1)
        title = self.text[len(self.label) :].plain.strip()
        grid.add_row(self.label, Text(title).append("\n").append_text(self.detail))
        return grid


def _plain(text: str, style: str = "", target: Target | None = None) -> Line:
    return Line(Text(text, style=style), target)


def _heading(text: str) -> Line:
    return Line(Text(f"── {text} ──", style="bold"), heading=True)


def _item(evidence: str, title: str, rest: str, width: int) -> Line:
    """An evidence item: its id (padded to ``width``), beside it its title and what it does."""
    label = evidence.ljust(width)
    text = Text().append(label, style="bold cyan")
    text.append(f"  {one_line(title)}")
    return Line(text, (None, evidence), label=label, detail=Text(rest, style="dim"))


ORDER_SHOWN = 12
"""Places of a new order shown after leaving an item out (the rest as '…')."""
MOVES_SHOWN = 6
"""Rank moves named per item whose removal reorders only the runners-up."""


def short_order(standing: Standing, limit: int = ORDER_SHOWN) -> str:
    """'H2 = H4 > H1 > …': the first ``limit`` places of an order."""
    from achbench.analysis.wording import order_text

    text = order_text(standing)
    if len(standing.order) <= limit:
        return text
    tokens = text.split(" ")
    return " ".join(tokens[: 2 * limit - 1]) + " > …"


def rank_moves(before: Standing, after: Standing, limit: int = MOVES_SHOWN) -> str:
    """'H3 3→2, H1 2→3': the hypotheses whose rank changed, best new rank first."""
    moved = [h for h in after.order if after.ranks[h] != before.ranks[h]]
    parts = [f"{h} {before.ranks[h]}→{after.ranks[h]}" for h in moved[:limit]]
    if len(moved) > limit:
        parts.append(f"{len(moved) - limit} more")
    return ", ".join(parts)


def _name(findings: Findings, hypothesis: str) -> str:
    return f"{hypothesis} ({one_line(findings.hypothesis_titles[hypothesis])})"


def leader_text(findings: Findings) -> str:
    """'Under heuer, H1 (Alpha) leads.', or who share the lead."""
    from achbench.analysis.wording import join

    names = join([_name(findings, h) for h in findings.leaders])
    if len(findings.leaders) > 1:
        return f"Under {findings.method}, {names} share the lead."
    return f"Under {findings.method}, {names} leads."


def margin_text(findings: Findings) -> str | None:
    """How far the runner-up trails, and whether that is a close race; None with one
    hypothesis alone."""
    from achbench.analysis.wording import number

    m = findings.margin
    if len(findings.leaders) > 1:
        return "A tie at the top is the closest race there is."
    if m.runner_up is None or m.margin is None:
        return None
    runner_up = _name(findings, m.runner_up)
    if findings.method == "bayes":
        odds = "" if m.odds is None else f", odds {m.odds:.2f} to 1"
        text = (
            f"The runner-up, {runner_up}, trails by {m.margin:.1%} of posterior probability{odds}"
        )
        limit = f"odds below {number(m.threshold)} to 1"
    else:
        text = f"The runner-up, {runner_up}, trails by {number(m.margin)} ({m.measure})"
        limit = f"a margin below {number(m.threshold)}"
    return text + (f": a close race ({limit})." if m.close else ".")


def credibility_line(findings: Findings, check: CredibilityCheck) -> Line:
    """Who leads on the high-credibility evidence alone, or without the low; in
    yellow when that is not the leader on all the evidence."""
    from achbench.analysis.wording import join

    if check.name == "high-only" and check.kept == 0:
        return _plain("No evidence item has high credibility.")
    if check.name == "without-low" and check.dropped == 0:
        return _plain("No evidence item has low credibility.")
    what = (
        "Keeping only high-credibility evidence"
        if check.name == "high-only"
        else "Dropping low-credibility evidence"
    )
    who = join([_name(findings, h) for h in check.leaders])
    verb = "lead" if len(check.leaders) > 1 else "leads"
    counted = f"{what} ({check.kept} of {check.kept + check.dropped} items), {who}"
    if check.changed:
        return _plain(f"{counted} {verb} instead.", "bold yellow")
    return _plain(f"{counted} still {verb}.")


def finding_lines(findings: Findings, warnings: list[MilestoneWarning]) -> list[Line]:
    """The screen's lines for ``findings``, most important first (pure: tested headless)."""
    from achbench.analysis.wording import STEP_WORDS, change_text, join, order_text

    leaders = findings.leaders
    margin = findings.margin
    close = len(leaders) > 1 or margin.close
    lines = [_plain(leader_text(findings), "bold", (leaders[0], None))]
    race = margin_text(findings)
    if race is not None:
        lines.append(_plain(race, "bold yellow" if close else "", (margin.runner_up, None)))
    for warning in warnings:
        lines.append(_plain(f"! {warning.message}", "bold red", (warning.hypothesis, None)))
    lines.append(_plain(f"Order: {order_text(findings.standing)}"))

    width = max((len(e) for e in findings.evidence_titles), default=2)
    lines.append(_heading("Leave one out"))
    removals = findings.removals
    moved = [r for r in removals if r.leader_changed] + [
        r for r in removals if r.ranks_changed and not r.leader_changed
    ]
    if not removals:
        lines.append(_plain("There is no evidence to leave out."))
    else:
        lines.append(_plain(removal_summary(findings) + "."))
    for removal in moved[:ITEMS_SHOWN]:
        assert removal.standing is not None
        if removal.leader_changed:
            effect = f"without it, leader changes: {short_order(removal.standing)}"
        else:
            effect = f"without it, ranks move: {rank_moves(findings.standing, removal.standing)}"
        if removal.items:  # an origin, left out whole: go to its first item
            effect = f"origin of {join(list(removal.items))}; {effect}"
        line = _item(removal.evidence, removal.title, effect, width)
        if removal.items:
            line = dataclasses.replace(line, target=(None, removal.items[0]))
        lines.append(line)
    if len(moved) > ITEMS_SHOWN:
        lines.append(
            _plain(f"… {len(moved) - ITEMS_SHOWN} more (achbench sensitivity --all)", "dim")
        )

    lines.append(_heading("Fewest rating changes for another hypothesis to lead"))
    if findings.flips:
        exact = findings.flips[0].exact
        kind = (
            "the fewest possible"
            if exact
            else "a heuristic under opensynthesis: enough, perhaps not the fewest"
        )
        lines.append(_plain(f"{kind}; {STEP_WORDS[findings.steps]} (o switches)", "dim"))
    else:
        lines.append(_plain("Only one hypothesis: there is no challenger."))
    for flip in findings.flips:
        text = Text().append(flip.challenger, style="bold cyan")
        text.append(f"  {one_line(flip.title)}: ")
        if flip.changes is None:
            text.append("no set of allowed changes makes it lead", style="dim")
        else:
            count = len(flip.changes)
            how = "" if flip.exact else "at most "
            text.append(f"{how}{count} change{'s' if count != 1 else ''}", style="bold")
        lines.append(Line(text, (flip.challenger, None)))
        for change in (flip.changes or ())[:CHANGES_SHOWN]:
            target = (change.hypothesis, change.evidence)
            lines.append(_plain(f"    {change_text(change)}", "", target))
        if flip.changes and len(flip.changes) > CHANGES_SHOWN:
            lines.append(_plain(f"    … {len(flip.changes) - CHANGES_SHOWN} more", "dim"))

    lines.append(_heading("Credibility or relevance moved one level (under weighted)"))
    if not findings.weight_shifts:
        lines.append(_plain("No single shift of one level changes the leader."))
    for shift in findings.weight_shifts[:ITEMS_SHOWN]:
        lead = "lead" if len(shift.leaders) > 1 else "leads"
        lines.append(
            _item(
                shift.evidence,
                shift.title,
                f"{shift.attribute} {shift.old} → {shift.new}: {join(list(shift.leaders))} {lead}",
                width,
            )
        )
    if len(findings.weight_shifts) > ITEMS_SHOWN:
        lines.append(_plain(f"… {len(findings.weight_shifts) - ITEMS_SHOWN} more", "dim"))

    lines.append(_heading("Credibility"))
    lines.extend(credibility_line(findings, check) for check in findings.credibility)
    return lines


class SensitivityScreen(ModalScreen[Target | None]):
    """The sensitivity findings; dismissed with a cell to go to, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,s,q",
            "close",
            "Close",
            id="sensitivity_close",
            tooltip="Close the sensitivity screen",
        ),
        Binding(
            "o",
            "steps",
            "Steps",
            id="sensitivity_steps",
            tooltip="Rating changes: to any code, or one step on the scale",
        ),
    ]

    def __init__(self, session: Session, method: str, steps: str = "any") -> None:
        super().__init__(id="sensitivity")
        self.session = session
        self.method = method
        self.steps = steps
        self.lines: list[Line] = []
        self.findings: Findings | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog findings"):
            yield Label(self._title(), id="sensitivity-title", classes="dialog-title")
            yield OptionList(id="findings", classes="findings-list")
            yield Static(
                Text(
                    "↑↓ PgUp PgDn scroll · Enter goes to the item or cell · o steps · Esc closes",
                    style="dim",
                ),
                classes="findings-keys",
            )

    def _title(self) -> str:
        analysts = self.session.live.analysts
        if self.session.pooled:
            who = f"{len(analysts)} analysts pooled"
        else:
            who = f"analyst {self.session.analyst}"
        return f"Sensitivity · {self.method} · {who}"

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.compute()

    # -- computing -------------------------------------------------------------------

    def compute(self) -> None:
        """Analyse the matrix as it is now: at once if small, else in a thread."""
        from achbench.analysis.sensitivity import analyse_data

        data = self.session.data
        if not data.get("hypotheses"):
            self._show_message("No hypotheses yet: nothing to analyse. Press Y to add one.")
            return
        analysts = list(self.session.live.analysts)
        method, steps = self.method, self.steps
        hypotheses, evidence = len(data["hypotheses"]), len(data.get("evidence") or {})
        if hypotheses * max(1, evidence) * max(1, len(analysts)) <= SYNC_CELLS:
            self.show(analyse_data(data, method, steps, analysts))
            return
        self._show_message(f"Analysing {hypotheses} hypotheses x {evidence} items… (Escape closes)")
        # The thread only reads the matrix, and nothing edits it while this screen
        # is open (it binds no editing key).  If the screen is closed first, the
        # worker is cancelled and whatever it ends with, result or error, is dropped.
        self.run_worker(
            lambda: analyse_data(data, method, steps, analysts),
            name="sensitivity",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from achbench.analysis.sensitivity import Findings

        if event.worker.name != "sensitivity":
            return
        result: object = event.worker.result
        if event.state == WorkerState.SUCCESS and isinstance(result, Findings):
            self.show(result)
        elif event.state == WorkerState.ERROR:
            self._show_message(f"The analysis failed: {event.worker.error}")

    def _show_message(self, message: str) -> None:
        self.lines = [_plain(message, "italic")]
        self._fill()

    def show(self, findings: Findings) -> None:
        """Put the findings on screen."""
        from achbench.analysis.milestones import warnings

        self.findings = findings
        self.lines = finding_lines(findings, warnings(self.session.data, findings.leaders))
        self._fill()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(line.prompt(), id=str(i), disabled=line.heading)
            for i, line in enumerate(self.lines)
        )
        options.highlighted = 0
        options.scroll_home(animate=False)

    # -- keys ------------------------------------------------------------------------

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        target = self.lines[int(event.option.id)].target
        if target is None:
            self.notify("This line names no item or cell to go to.")
            return
        self.dismiss(target)

    def action_steps(self) -> None:
        self.steps = "one" if self.steps == "any" else "any"
        self.notify(
            "Rating changes: one step on the scale each"
            if self.steps == "one"
            else "Rating changes: to any code"
        )
        self.compute()

    def action_close(self) -> None:
        self.dismiss(None)

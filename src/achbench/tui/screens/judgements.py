"""The judgements form: this analyst's probability for each hypothesis.

Why: ACH's ratings say which hypothesis the evidence favours; the analyst's own
probabilities are what can be pooled and, once the truth is known, scored
(``achbench judge``).  One field per hypothesis, the sum shown as it is typed, and
Ctrl+N to normalise them so they sum to 1.  Enter or Ctrl+S applies (undo takes it
back); Escape cancels.  An empty field means no judgement for that hypothesis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

SUM_TOLERANCE = 0.01
"""As ``check``: judgements that sum to 1 within this are coherent."""


def parse_probability(text: str) -> float | None:
    """A probability typed as 0.3, .3 or 30%; None for an empty field; ValueError else."""
    text = text.strip()
    if not text:
        return None
    value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if not 0 <= value <= 1:
        raise ValueError("not between 0 and 1")
    return value


class JudgementsForm(ModalScreen[dict[str, float] | None]):
    """One probability per hypothesis; dismissed with them (None: cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("ctrl+s,enter", "submit", "Apply", priority=True),
        Binding("ctrl+n", "normalise", "Normalise", priority=True),
    ]

    def __init__(self, analyst: str, hypotheses: Mapping[str, str], values: Mapping[str, float]):
        super().__init__()
        self.analyst = analyst
        self.hypotheses = dict(hypotheses)
        self.values = dict(values)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(f"Judgements of {self.analyst}", classes="dialog-title")
            yield Static(
                "Probability that each hypothesis is the true one (0.3 or 30%). "
                "Enter applies, Ctrl+N normalises to sum to 1, Escape cancels.",
                classes="form-hint",
            )
            for h, title in self.hypotheses.items():
                yield Label(f"{h}  {title}", markup=False)
                value = self.values.get(h)
                yield Input("" if value is None else f"{value:g}", id=f"p-{h}", name=h)
            yield Static("", id="judgement-sum")

    def on_mount(self) -> None:
        self.show_sum()
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def read(self) -> tuple[dict[str, float], list[str]]:
        """The probabilities typed, and the hypotheses whose field does not read as one."""
        values: dict[str, float] = {}
        bad: list[str] = []
        for field in self.query(Input):
            name = field.name or ""
            try:
                value = parse_probability(field.value)
            except ValueError:
                bad.append(name)
                continue
            if value is not None:
                values[name] = value
        return values, bad

    def show_sum(self) -> None:
        values, bad = self.read()
        total = sum(values.values())
        text = f"Sum: {total:.3f}"
        if bad:
            text += f"  (not a probability: {', '.join(bad)})"
        elif values and abs(total - 1) > SUM_TOLERANCE:
            text += "  (not 1: Ctrl+N normalises)"
        self.query_one("#judgement-sum", Static).update(text)

    @on(Input.Changed)
    def typed(self) -> None:
        self.show_sum()

    def action_normalise(self) -> None:
        values, bad = self.read()
        total = sum(values.values())
        if bad or total <= 0:
            self.notify("Nothing to normalise: enter probabilities first.", severity="warning")
            return
        for field in self.query(Input):
            if field.name in values:
                field.value = f"{values[field.name] / total:.4g}"
        self.show_sum()

    def action_submit(self) -> None:
        values, bad = self.read()
        if bad:
            self.notify(f"Not a probability: {', '.join(bad)}", severity="error")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

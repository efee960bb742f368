"""The edit form: every field of a hypothesis, an evidence item or the matrix.

A form shows one input per field and hands the typed strings to a check
function from ``achbench.editing.fields``; if it raises ``FieldErrors`` each message is
shown under its field and the form stays open, else the form is dismissed with
the checked result.  Enter in a one-line field or Ctrl+S applies; Escape
cancels; Tab moves between fields (multi-line fields take Enter as a newline).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, TypeVar, get_args

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from achbench.core.vocabulary import DEFAULT_LEVEL, LEVELS, Expect, Status
from achbench.editing.fields import FieldErrors

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a form."""

    name: str
    label: str
    kind: Literal["line", "text", "choice"] = "line"
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    labels: tuple[str, ...] = ()
    """What each choice shows, if not the choice itself."""


HYPOTHESIS_FORM = (
    Field("id", "Id", placeholder="H5"),
    Field("title", "Title", placeholder="short name shown in the grid"),
    Field("description", "Description", "text"),
    Field("prior", "Prior", placeholder="in (0, 1]; empty: equal priors"),
)
EVIDENCE_FORM = (
    Field("id", "Id", placeholder="E32"),
    Field("title", "Title", placeholder="one line stating the item"),
    Field("source", "Source", placeholder="where it comes from"),
    Field("date", "Date", placeholder="2022-01-31"),
    Field("kind", "Kind", placeholder="fact, report, claim, assumption, absence of evidence"),
    Field("credibility", "Credibility", "choice", LEVELS),
    Field("relevance", "Relevance", "choice", LEVELS),
    Field("notes", "Notes", "text"),
)
MATRIX_FORM = (
    Field("title", "Title"),
    Field("question", "Question", "text"),
    Field("analyst", "Default analyst", placeholder="whose ratings an editor writes first"),
)


MILESTONE_STATUSES: tuple[Status, ...] = get_args(Status)
EXPECTATIONS: tuple[Expect, ...] = get_args(Expect)


def milestone_form(hypotheses: Mapping[str, str]) -> tuple[Field, ...]:
    """The fields of a milestone; its hypothesis is chosen among ``hypotheses`` (id: title)."""
    labels = tuple(f"{h}  {title}" for h, title in hypotheses.items())
    return (
        Field("id", "Id", placeholder="M7"),
        Field("hypothesis", "Hypothesis", "choice", tuple(hypotheses), labels=labels),
        Field("title", "Title", placeholder="the observable event or indicator"),
        Field("expect", "Seeing it", "choice", EXPECTATIONS),
        Field("due", "Due", placeholder="2022-06-30; empty: no due date"),
        Field("status", "Status", "choice", MILESTONE_STATUSES),
        Field("notes", "Notes", "text"),
    )


def _default(field: Field) -> str:
    return DEFAULT_LEVEL if DEFAULT_LEVEL in field.choices else field.choices[0]


class ItemForm(ModalScreen[T | None]):
    """Edit the fields of one item; dismissed with ``check(values)`` or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form_cancel", tooltip="Close without changes"),
        Binding("ctrl+s", "submit", "Apply", id="form_apply", tooltip="Check and apply the form"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        values: Mapping[str, str],
        check: Callable[[dict[str, str]], T],
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.values = dict(values)
        self.check = check

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(self.title_text, classes="dialog-title")
            for field in self.fields:
                value = self.values.get(field.name, "")
                yield Label(field.label, classes="form-label")
                widget: Widget
                if field.kind == "text":
                    widget = TextArea(value, soft_wrap=True, id=f"field-{field.name}")
                elif field.kind == "choice":
                    widget = Select(
                        list(zip(field.labels or field.choices, field.choices, strict=True)),
                        value=value if value in field.choices else _default(field),
                        allow_blank=False,
                        id=f"field-{field.name}",
                    )
                else:
                    widget = Input(value, placeholder=field.placeholder, id=f"field-{field.name}")
                yield widget
                yield Static("", id=f"error-{field.name}", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (ctrl+s)", id="apply", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def read(self) -> dict[str, str]:
        """The form's current strings, by field name."""
        out: dict[str, str] = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, TextArea):
                out[field.name] = widget.text
            elif isinstance(widget, Select):
                out[field.name] = str(widget.value)
            elif isinstance(widget, Input):
                out[field.name] = widget.value
        return out

    def show_errors(self, errors: Mapping[str, str]) -> None:
        first = None
        for field in self.fields:
            message = errors.get(field.name, "")
            label = self.query_one(f"#error-{field.name}", Static)
            label.update(message)
            label.set_class(bool(message), "-shown")
            if message and first is None:
                first = field.name
        if first is not None:
            self.query_one(f"#field-{first}").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def action_submit(self) -> None:
        try:
            result = self.check(self.read())
        except FieldErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

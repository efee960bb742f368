"""The edit form: every field of a hypothesis, an evidence item, a milestone or the matrix.

A form opens with its first field, the title, focused: typing goes there at
once.  The id comes after it, proposed (the next free one) and not selected
when Tab reaches it, so text typed there is added, never silently replacing
it.  Enter applies the form from any field (in a multi-line field Ctrl+J, or
Shift+Enter where the terminal sends it, starts a new line); Ctrl+S applies
too; Escape cancels.

A form hands the typed strings to a check function from
``achbench.editing.fields``; if it raises ``FieldErrors`` each message is shown
under its field and the form stays open, else ``apply`` takes the checked
result and the form closes.

**Quick add.**  With ``repeat``, an add form stays open after Enter: the item
is added at once (``apply`` adds it and returns the values of the next, blank
form), the fields are cleared, and the title takes the next one.  An Enter on
a form left as it opened, or Escape, ends it.  So ``E`` then
``title Enter title Enter ... Enter`` adds items with no other key per item.

**Keys typed fast are kept, in order.**  The fields apply text, Backspace,
Enter and Tab as the app reads each key, and Escape and Ctrl+S are priority
bindings (also run as the key is read), so an Enter is done before the key
after it is looked at.  The screens that open a form wait until it is mounted
and its title focused (``open_form``), so nothing typed meanwhile is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar, get_args

from textual import events, on
from textual.app import App, ComposeResult
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


ID_PLACEHOLDER = "proposed; change it only if you want another"

HYPOTHESIS_FORM = (
    Field("title", "Title", placeholder="short name shown in the grid"),
    Field("id", "Id", placeholder=ID_PLACEHOLDER),
    Field("description", "Description", "text"),
    Field("prior", "Prior", placeholder="in (0, 1]; empty: equal priors"),
)
EVIDENCE_FORM = (
    Field("title", "Title", placeholder="one line stating the item"),
    Field("id", "Id", placeholder=ID_PLACEHOLDER),
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
NOTE_FORM = (Field("note", "Why this rating (empty: no note)", "text"),)
"""The rationale of one rating cell: a single field, focused as the form opens."""


MILESTONE_STATUSES: tuple[Status, ...] = get_args(Status)
EXPECTATIONS: tuple[Expect, ...] = get_args(Expect)


def milestone_form(hypotheses: Mapping[str, str]) -> tuple[Field, ...]:
    """The fields of a milestone; its hypothesis is chosen among ``hypotheses`` (id: title)."""
    labels = tuple(f"{h}  {title}" for h, title in hypotheses.items())
    return (
        Field("title", "Title", placeholder="the observable event or indicator"),
        Field("id", "Id", placeholder=ID_PLACEHOLDER),
        Field("hypothesis", "Hypothesis", "choice", tuple(hypotheses), labels=labels),
        Field("expect", "Seeing it", "choice", EXPECTATIONS),
        Field("due", "Due", placeholder="2022-06-30; empty: no due date"),
        Field("status", "Status", "choice", MILESTONE_STATUSES),
        Field("notes", "Notes", "text"),
    )


def _default(field: Field) -> str:
    return DEFAULT_LEVEL if DEFAULT_LEVEL in field.choices else field.choices[0]


FormKey = Literal["submit", "next", "previous"]
"""What a form field does itself with Enter, Tab and Shift+Tab."""
FIELD_KEYS: dict[str, FormKey] = {"enter": "submit", "tab": "next", "shift+tab": "previous"}


def _form_of(widget: Widget) -> ItemForm[Any] | None:
    screen = widget.screen
    return screen if isinstance(screen, ItemForm) else None


def _field_key(widget: Widget, event: events.Event) -> bool:
    """Enter, Tab or Shift+Tab for the form, handled at once; True if ``event`` was one."""
    if not isinstance(event, events.Key) or event.key not in FIELD_KEYS:
        return False
    form = _form_of(widget)
    if form is None:
        return False
    form.field_key(FIELD_KEYS[event.key])
    return True


# The fields below take the keys the app hands them (``_forward_event``, called in
# the app's own task as it reads each key) and apply the common ones there and
# then: text, Backspace, Enter, Tab.  Delivered the usual way, through the field's
# message queue, a key would be handled after the app had already read (and sent
# on) the keys typed after it, so a fast typist's Enter would close the form with
# the next title's first letters still on their way to the field that closed.


class FormInput(Input):
    """A one-line field of a form; a line feed (Ctrl+J) applies it as Enter does.

    Enter typed before the editor put the terminal in raw mode (as it starts,
    right after ``achbench new``) reaches it as a line feed: the terminal's
    line discipline turned the carriage return into one when it was typed."""

    def _forward_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.key == "ctrl+j":
            form = _form_of(self)
            if form is not None:
                form.field_key("submit")
                return
        if _field_key(self, event):
            return
        if isinstance(event, events.Key):
            if event.is_printable and event.character is not None:
                selection = self.selection
                if selection.is_empty:
                    self.insert_text_at_cursor(event.character)
                else:
                    self.replace(event.character, *selection)
                return
            if event.key == "backspace":
                self.action_delete_left()
                return
        super()._forward_event(event)


class FormTextArea(TextArea):
    """A multi-line field: Enter applies the form, Ctrl+J (or Shift+Enter) starts a line."""

    def _forward_event(self, event: events.Event) -> None:
        if _field_key(self, event):
            return
        if isinstance(event, events.Key):
            if event.key in ("ctrl+j", "shift+enter"):
                self.insert("\n")
                return
            if event.is_printable and event.character is not None:
                self.insert(event.character)
                return
            if event.key == "backspace":
                self.action_delete_left()
                return
        super()._forward_event(event)


class FormSelect(Select[str]):
    """A choice: Enter applies the form; Space or the arrows open the list."""

    def _forward_event(self, event: events.Event) -> None:
        # An open list has focus itself and takes Enter and Escape.
        if self.expanded or not _field_key(self, event):
            super()._forward_event(event)


Apply = Callable[[T], Mapping[str, str] | None]
"""Apply a checked form; a quick-add form's returns the values of the next, blank form."""


class ItemForm(ModalScreen[T | None]):
    """Edit the fields of one item: ``apply(check(values))`` on Enter, then close.

    ``apply`` runs before the form closes, in the same step as the Enter that
    applied it, so a key typed right after sees the change.  The form is
    dismissed with the checked result (None if cancelled).  With ``repeat`` it
    is a quick-add form: see the module's docstring.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="form_cancel",
            tooltip="Close without changes",
            priority=True,
        ),
        Binding(
            "ctrl+s",
            "submit",
            "Apply",
            id="form_apply",
            tooltip="Check and apply the form",
            priority=True,
        ),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        values: Mapping[str, str],
        check: Callable[[dict[str, str]], T],
        apply: Apply[T],
        *,
        repeat: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.values = dict(values)
        self.check = check
        self.apply = apply
        self.repeat = repeat
        self.added = 0
        """Items added so far in quick-add mode."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(self.title_text, classes="dialog-title", id="form-title")
            yield Static(self._hint(), id="form-hint", classes="form-hint")
            for field in self.fields:
                value = self.values.get(field.name, "")
                yield Label(field.label, classes="form-label")
                widget: Widget
                if field.kind == "text":
                    widget = FormTextArea(value, soft_wrap=True, id=f"field-{field.name}")
                elif field.kind == "choice":
                    widget = FormSelect(
                        list(zip(field.labels or field.choices, field.choices, strict=True)),
                        value=value if value in field.choices else _default(field),
                        allow_blank=False,
                        id=f"field-{field.name}",
                    )
                else:
                    widget = FormInput(
                        value,
                        placeholder=field.placeholder,
                        select_on_focus=False,
                        id=f"field-{field.name}",
                    )
                yield widget
                yield Static("", id=f"error-{field.name}", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (enter)", id="apply", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        # Focus now, not through ``Widget.focus`` (which waits for the app's
        # queue): the keys typed while the form opened go to the title.  The
        # title is near the top: no scrolling, so the form's own title shows.
        self.set_focus(self.query_one(f"#field-{self.fields[0].name}"), scroll_visible=False)

    def _hint(self) -> str:
        if not self.repeat:
            return "Enter applies · Tab next field · Ctrl+J new line in notes · Esc cancels"
        done = f"{self.added} added. " if self.added else ""
        return (
            f"Quick add: {done}Type a title, Enter adds it and opens the next; "
            "Enter on an empty form or Esc ends."
        )

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

    def fill(self, values: Mapping[str, str]) -> None:
        """Put ``values`` in the fields (the others empty or at their default)."""
        self.values = dict(values)
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            value = self.values.get(field.name, "")
            if isinstance(widget, TextArea):
                widget.text = value
            elif isinstance(widget, Select):
                widget.value = value if value in field.choices else _default(field)
            elif isinstance(widget, Input):
                widget.value = value
                widget.cursor_position = len(value)

    def untouched(self) -> bool:
        """True if every field still holds what the form opened with."""
        opened = {f.name: self.values.get(f.name, "") for f in self.fields}
        for field in self.fields:
            if field.kind == "choice" and not opened[field.name]:
                opened[field.name] = _default(field)
        return self.read() == opened

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
            self.set_focus(self.query_one(f"#field-{first}"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape closes an open choice list first, not the form."""
        return not (action == "cancel" and any(s.expanded for s in self.query(FormSelect)))

    def field_key(self, what: FormKey) -> None:
        """Enter, Tab or Shift+Tab in a field, handled in typing order."""
        if what == "submit":
            self.submit(keep_open=self.repeat)
        elif what == "next":
            self.focus_next()
        else:
            self.focus_previous()

    def submit(self, *, keep_open: bool = False) -> None:
        """Check the form; apply it (quick add: and clear it for the next) or show errors."""
        if self.repeat and self.untouched():
            self.dismiss(None)  # an empty Enter ends quick add
            return
        try:
            result = self.check(self.read())
        except FieldErrors as exc:
            self.show_errors(exc.errors)
            return
        following = self.apply(result)
        self.added += 1
        if not keep_open or following is None:
            self.dismiss(result)
            return
        self.show_errors({})
        self.fill(following)
        self.query_one("#form-hint", Static).update(self._hint())
        self.set_focus(self.query_one(f"#field-{self.fields[0].name}"), scroll_visible=False)
        self.query_one(VerticalScroll).scroll_home(animate=False)

    @on(Button.Pressed, "#apply")
    def action_submit(self) -> None:
        self.submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


async def open_form(app: App[object], form: ItemForm[Any]) -> None:
    """Push ``form`` and return once it is mounted with its title focused.

    Awaited from a key's action (which the app runs before it reads the next
    key), so every key typed after the one that opened the form reaches it.
    """
    await app.push_screen(form)

"""The editor application: one session, its main screen, saving, quitting, recovery.

``make_app`` is the one way to build it, for the command line and the tests.
The app itself holds only what spans screens: the save flow (save-as, the
external-change question), the quit question (asked from any screen), and the
guard that keeps unsaved work in a recovery file (``editing.recovery``): copied
in the background at most every ``REFRESH_SECONDS`` while there are unsaved
changes (by a forked process a thread worker waits for, so keys are never held
up), and written at once on SIGINT (or ctrl+c), SIGTERM, SIGHUP or an unexpected
error, without printing the matrix to the terminal; ``exit_message`` is the one
line the command prints once the terminal is restored.

The app tells the main screen what it changed (a save, a reload) with a
``Changed`` message, and passes on those other screens post; it never calls
the screen's methods, and the screens never import the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from achbench.core.errors import MatrixFileError, SaveError
from achbench.core.vocabulary import METHODS
from achbench.editing.document import ExternalChangeError, NeedsPathError, example_path
from achbench.editing.recovery_files import refresh_seconds
from achbench.editing.session import Session
from achbench.editing.undo import Change
from achbench.tui.heap import HeapKeeper
from achbench.tui.messages import Changed
from achbench.tui.screens.main import MainScreen
from achbench.tui.settings import Settings
from achbench.tui.settings import load as load_settings
from achbench.tui.view import GridView, Redraw

ASSUMPTION_BINDINGS: list[BindingType] = [
    Binding(
        "K",
        "assumptions",
        "Assumptions",
        id="assumptions",
        tooltip="Key assumptions: add, edit, judge, link evidence (Key Assumptions Check)",
        priority=True,
        show=False,
    ),
    Binding(
        "B",
        "blind",
        "Blind",
        id="blind_rating",
        tooltip="Blind rating: rate every cell item by item, hypotheses shuffled, "
        "nothing else shown until you are done",
        priority=True,
        show=False,
    ),
]
"""Keys of the grid handled here (the main screen's are in ``screens.main``): priority
bindings, so they run as the key is read, on while the main screen is on top."""

SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""Signals that stop the editor after keeping unsaved work (SIGKILL cannot be caught:
the background copy is what survives it)."""
RECOVERY_GROUP = "recovery"
"""The worker group of background writes of the recovery file."""
SAVE_GROUP = "save"
"""The worker group of saves that run in the background."""
MAIN_SCREEN_ACTIONS = frozenset(
    {"view_source", "toggle_pending", "next_pane", "assumptions", "blind"}
)
"""Actions of app-wide keys that act on the main screen's grid, and only there."""

BACKGROUND_CELLS = 50_000
"""Ratings (hypotheses x evidence x analysts) from which a save runs in the
background: below it a save takes well under 100 ms and is done at once.  From
it too, the collector is kept out of the way of keys (``tui.heap``)."""
HEAP_TICK = 0.5
"""Seconds between checks whether keys paused, for ``HeapKeeper``."""
OPEN_IN_BACKGROUND_BYTES = 1_000_000
"""Files from this size (about 100,000 ratings) are read after the editor's first
screen is drawn, in a thread (``Opening``): the terminal answers at once, where
reading first would leave it blank for a second or more.  Smaller files are read
before the editor starts, in a fraction of the time Textual takes to start."""
OPEN_GROUP = "open"
"""The worker group of the thread that reads a large file."""
PASS_WHILE_OPENING = frozenset({"ctrl+c", "ctrl+q"})
"""Keys that act while a large file is read (both stop the editor: nothing to save
yet); every other key is held and played to the matrix once it is shown."""


@dataclass(frozen=True, slots=True)
class Opening:
    """A matrix file to read once the editor is on screen (``make_app``)."""

    path: Path
    size: int
    analyst: str | None


class AchbenchApp(App[None]):
    """The ACH matrix editor on one ``Session``."""

    CSS_PATH = "achbench.tcss"
    TITLE = "achbench"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "request_quit",
            "Quit",
            id="quit_app",
            tooltip="Quit from any screen (asks first if unsaved)",
            priority=True,
            show=False,
        ),
        Binding(
            "ctrl+c",
            "interrupt",
            "Interrupt",
            id="interrupt",
            tooltip="Stop at once as SIGINT would: unsaved work goes to the recovery file",
            show=False,
        ),
        # Reading a source beside the matrix (issue 14): the main screen's evidence item.
        Binding(
            "v",
            "view_source",
            "Source",
            id="view_source",
            tooltip="Read the source the evidence item cites, at its quote (select, E: new item)",
            priority=True,
            show=False,
        ),
        # Pending evidence and what to collect next (issue 15): handlers below. Priority
        # bindings, as the main screen's: run as the key is read, before the next key.
        Binding(
            "P",
            "toggle_pending",
            "Pending",
            id="toggle_pending",
            priority=True,
            show=False,
            tooltip="Mark the evidence item pending (not yet observed: counts in no score) "
            "or collected (u undoes)",
        ),
        Binding(
            "N",
            "next_pane",
            "Next",
            id="next_pane",
            priority=True,
            show=False,
            tooltip="Show or hide the pending items and open milestones, most worth "
            "collecting first (as achbench next)",
        ),
        *ASSUMPTION_BINDINGS,
    ]

    def __init__(
        self,
        session: Session | None,
        *,
        opening: Opening | None = None,
        method: str = "heuer",
        ask_first_hypothesis: bool = False,
        keymap: dict[str, str] | None = None,
        settings: Settings | None = None,
        recovery_seconds: float | None = None,
        blind: bool = False,
        blind_seed: int | None = None,
    ) -> None:
        super().__init__()
        if (session is None) == (opening is None):
            raise ValueError("give a session or a file to open, not both")
        self.opening = opening
        """The file still to read, until it is read (then None)."""
        self.open_error: Exception | None = None
        """Why the file being opened could not be read: raised again once the
        terminal is restored (``cli.edit``), so it is reported as any bad file is."""
        self._held: deque[events.Key] | None = deque() if opening is not None else None
        """Keys typed while the file is read, to play once the matrix is shown."""
        self.blind = blind
        """Open blind rating (``screens.blind``) at once (``--blind``)."""
        self.blind_seed = blind_seed
        """The seed of the shuffled orders; None: from the analyst and the file's name."""
        self.shown = settings or Settings(method=method)
        """The view asked for: method, orientation, column width."""
        if session is not None:
            self._take_session(session)
        self.ask_first_hypothesis = ask_first_hypothesis
        self.recovery_seconds = recovery_seconds or refresh_seconds()
        """How often, at most, unsaved work is copied to the recovery file meanwhile."""
        self.recovered_to: Path | None = None
        """Where unsaved work went when the editor was stopped by a signal or an error."""
        self.recovery_error: str | None = None
        """Why unsaved work could not be kept, when it could not."""
        self.stopped_by: str | None = None
        self._quitting = False
        self._refreshing = False
        self._saving = False
        self.heap = HeapKeeper()
        """Keeps the collector's passes over a large matrix out of the way of keys."""
        if keymap:
            self.set_keymap(keymap)

    def _take_session(self, session: Session) -> None:
        self.session = session
        shown = self.shown
        self.view = GridView(
            session, shown.method, transposed=shown.transpose, column_width=shown.column_width
        )

    @property
    def main(self) -> MainScreen:
        screen = self.get_screen("main") if self.is_screen_installed("main") else None
        assert isinstance(screen, MainScreen)
        return screen

    def on_load(self) -> None:
        if self.opening is not None or self.session.cells >= BACKGROUND_CELLS:
            self.heap.pause()  # until the first screen is drawn (``tui.heap``)

    async def on_mount(self) -> None:
        self._install_signal_handlers()
        if self.opening is not None:
            from achbench.tui.screens.opening import OpeningScreen

            await self.push_screen(OpeningScreen(self.opening.path, self.opening.size))
            self.call_after_refresh(self._read_in_background)
            return
        await self._show()

    def _read_in_background(self) -> None:
        """Read the file in a thread, now that the opening screen is drawn."""
        assert self.opening is not None
        self.run_worker(
            partial(Session.open, self.opening.path, self.opening.analyst),
            name=f"read {self.opening.path}",
            group=OPEN_GROUP,
            thread=True,
            exit_on_error=False,
        )

    async def _opened(self, worker: Worker[Session]) -> None:
        """The file is read: show the matrix and play the keys typed meanwhile, in
        order (keys arriving while they play wait in the app's queue behind them);
        or, if it could not be read, stop with the reason."""
        if worker.state != WorkerState.SUCCESS or worker.result is None:
            self.open_error = worker.error if isinstance(worker.error, Exception) else None
            self.exit(return_code=2)
            return
        self._take_session(worker.result)
        self.opening = None
        await self._show(replacing=True)
        held, self._held = self._held, None
        for key in held or ():
            self.heap.input()
            await super().on_event(key)

    async def _show(self, replacing: bool = False) -> None:
        """The matrix on screen (``replacing`` the opening screen), and everything
        that needs it started."""
        pending = self.session.pending_recovery() is not None
        first = self.ask_first_hypothesis and not pending
        main = MainScreen(self.view)
        self.install_screen(main, "main")
        self.watch(main, "title", self._title_changed)
        await (self.switch_screen("main") if replacing else self.push_screen("main"))
        if first:
            # Open the first hypothesis' form now, before the app reads a key:
            # what is typed while the editor starts goes into the form, not to
            # the grid as commands (keys wait in the app's queue meanwhile).
            await main.action_add_hypothesis()
        self.set_interval(self.recovery_seconds, self.refresh_recovery, name="recovery")
        if pending:
            self.call_after_refresh(self._offer_recovery)
        elif self.blind:
            self.start_blind()
        if self.session.cells >= BACKGROUND_CELLS:
            self.call_after_refresh(self.heap.start)
            self.set_interval(HEAP_TICK, self.heap.tick, name="heap")
        else:
            self.heap.stop()  # a large file of few ratings: collect as usual

    async def on_event(self, event: events.Event) -> None:
        if self._held is not None and isinstance(event, events.Key) and not event.is_forwarded:
            if event.key in PASS_WHILE_OPENING:
                self.exit()
            else:
                self._held.append(event)  # played once the matrix is shown
            return
        if isinstance(event, (events.Key, events.MouseDown)):
            self.heap.input()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.heap.stop()
        if self.opening is None:
            self.session.close()
        with contextlib.suppress(Exception):
            loop = asyncio.get_running_loop()
            for name in SIGNALS:
                loop.remove_signal_handler(getattr(signal, name))

    def _title_changed(self, title: str | None) -> None:
        """The main screen's title (the file, modified or not) names the terminal window."""
        if title:
            self.title = title

    # -- telling the main screen ------------------------------------------------------------

    def on_changed(self, message: Changed) -> None:
        """Another screen changed the session: pass it on to the main screen."""
        self.main.post_message(Changed(message.redraw))

    def _replaced(self) -> None:
        """The session's matrix was replaced (reloaded, restored): show it all again."""
        self.main.post_message(Changed(self.view.apply(Change("all"))))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys of ``MAIN_SCREEN_ACTIONS`` act on the main screen's grid only: not
        on another screen (which uses the same keys for its own work), nor in the
        filter box, where they are letters typed."""
        if action in MAIN_SCREEN_ACTIONS:
            from textual.widgets import Input

            screen = self.screen_stack[-1] if self.screen_stack else None
            return isinstance(screen, MainScreen) and not isinstance(screen.focused, Input)
        return True

    # -- reading a source ---------------------------------------------------------------

    def action_view_source(self) -> None:
        from achbench.tui.screens.source import open_source_of_cursor

        open_source_of_cursor(self, self.view)

    # -- pending evidence, what to collect next (issue 15) ----------------------------------

    def action_toggle_pending(self) -> None:
        """Mark the evidence item under the cursor pending, or collected again."""
        _, evidence = self.view.current()
        if evidence is None:
            self.notify("No evidence item here: add one with E.")
            return
        fields = self.session.evidence[evidence].copy()
        pending = fields.pop("status", None) != "pending"
        if pending:
            fields["status"] = "pending"
        change = self.session.update_evidence(evidence, evidence, fields)
        if change is not None:
            self.main.post_message(Changed(self.view.apply(change)))
        what = "pending: counts in no score until collected" if pending else "collected"
        self.notify(f"{evidence}: {what} (u undoes)")

    def action_next_pane(self) -> None:
        """Show the "next" pane under the ranking (mounted the first time), or hide it."""
        from achbench.tui.widgets.next_pane import NextPane

        found = self.main.query(NextPane)
        if found:
            found.first().toggle()
        else:
            self.main.query_one("#ranking-scroll").mount(NextPane(self.view, id="next"))

    # -- key assumptions and blind rating ------------------------------------------------------

    def action_assumptions(self) -> None:
        from achbench.tui.screens.assumptions import AssumptionsScreen

        self.push_screen(AssumptionsScreen(self.view, self.view.current()[1]))

    def action_blind(self) -> None:
        self.start_blind()

    def start_blind(self) -> None:
        """Blind rating (``tui.screens.blind``) until every collected cell is rated."""
        from achbench.tui.screens.blind import BlindScreen

        screen = BlindScreen(self.view, self.blind_seed)
        if not screen.left:
            self.notify("Blind rating: you have rated every collected cell already.")
            return
        self.push_screen(screen, self._blind_ended)

    def _blind_ended(self, revealed: bool | None) -> None:
        """Blind rating is over: show everything again and, if every cell was rated, how
        far this analyst stands from the others."""
        self.main.post_message(Changed(self.view.apply(Change("all"))))
        if revealed:
            from achbench.tui.screens.blind import reveal_message
            from achbench.tui.screens.dialogs import ChoiceDialog

            message = reveal_message(self.view.session)
            self.push_screen(
                ChoiceDialog("Blind rating done", message, [("c", "Close")], id="reveal")
            )

    # -- saving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        self.save()

    def action_save_as(self) -> None:
        self.save(save_as=True)

    def save(self, then: Callable[[], object] | None = None, *, save_as: bool = False) -> None:
        """Save (asking where if needed or asked), then run ``then`` if it worked."""
        if save_as or self.session.needs_path:
            self._ask_path(then)
        else:
            self._save_to(None, then)

    def _ask_path(self, then: Callable[[], object] | None) -> None:
        session = self.session
        suggestion = str(session.path) if session.path else str(Path.cwd() / session.name)
        from achbench.tui.screens.dialogs import PathDialog

        forbidden = [example_path().parent, example_path().resolve()]
        dialog = PathDialog("Save the matrix as", suggestion, forbidden)

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._save_to(path, then)

        self.push_screen(dialog, chosen)

    def _save_to(
        self, path: Path | None, then: Callable[[], object] | None, force: bool = False
    ) -> None:
        if self._saving:
            self.notify("Still saving: try again once it is saved.")
            return
        background = self.session.cells >= BACKGROUND_CELLS
        try:
            if background:
                wait = self.session.start_save(path, force=force)
            else:
                written = self.session.save(path, force=force)
        except NeedsPathError:
            self._ask_path(then)
            return
        except ExternalChangeError as exc:
            self._external_change(exc.path, path, then)
            return
        except Exception as exc:
            self._not_saved(exc)
            return
        if not background:
            self._saved(written, then)
            return
        self._saving = True
        self.view.busy.add("saving")
        self.main.post_message(Changed(Redraw("title")))
        self.run_worker(
            partial(self._wait_for_save, wait, then),
            name="save",
            group=SAVE_GROUP,
            thread=True,
            exit_on_error=False,
        )

    def _wait_for_save(
        self, wait: Callable[[], Callable[[], Path]], then: Callable[[], object] | None
    ) -> None:
        """In a worker thread: wait for a background save, then report on the editor's."""
        try:
            record = wait()
        except Exception as exc:
            self.call_from_thread(self._save_ended, exc, then)
            return
        self.call_from_thread(self._save_ended, record, then)

    def _save_ended(
        self, outcome: Callable[[], Path] | Exception, then: Callable[[], object] | None
    ) -> None:
        self._saving = False
        self.view.busy.discard("saving")
        if isinstance(outcome, Exception):
            self.main.post_message(Changed(Redraw("title")))
            self._not_saved(outcome)
            return
        self._saved(outcome(), then)

    @property
    def saving(self) -> bool:
        """A save is under way in the background (the title says "saving...")."""
        return self._saving

    def _saved(self, written: Path, then: Callable[[], object] | None) -> None:
        self.notify(f"Saved {written}")
        self.main.post_message(Changed(Redraw("title")))
        if then is not None:
            then()

    def _not_saved(self, error: Exception) -> None:
        from achbench.tui.screens.dialogs import ProblemsDialog

        try:
            raise error
        except MatrixFileError as exc:
            self.push_screen(ProblemsDialog("Not saved: the matrix is not valid", exc.lines()))
            return
        except SaveError as exc:  # a full disk, a read-only folder: the file is unchanged
            self.push_screen(ProblemsDialog("Not saved", exc.lines()))
            return
        except OSError as exc:
            self.push_screen(ProblemsDialog("Not saved", [f"{exc.filename or ''}: {exc.strerror}"]))

    def _external_change(
        self, target: Path, path: Path | None, then: Callable[[], object] | None
    ) -> None:
        from achbench.tui.screens.dialogs import ChoiceDialog, ProblemsDialog

        message = (
            f"{target} was changed on disk since it was loaded.\n\n"
            "Overwrite it with your version, reload it (losing your unsaved changes), "
            "or save your version as another file?"
        )

        def answered(key: str | None) -> None:
            if key == "o":
                self._save_to(path, then, force=True)
            elif key == "r":
                try:
                    self.session.reload()
                except MatrixFileError as exc:
                    self.push_screen(ProblemsDialog("Cannot reload", exc.lines()))
                    return
                self._replaced()
                self.notify(f"Reloaded {target}")
            elif key == "a":
                self._ask_path(then)
            elif key == "m":
                self._merge_from_disk(target)

        choices = [("o", "Overwrite"), ("r", "Reload"), ("a", "Save as"), ("c", "Cancel")]
        if path is None and self.session.has_base:
            choices.insert(2, ("m", "Merge"))
            message += (
                "\n\nOr merge: their changes and yours together (three-way, from the "
                "version you loaded), conflicts marked for you to settle (C); then save."
            )
        self.push_screen(
            ChoiceDialog("The file changed on disk", message, choices, id="external-change"),
            answered,
        )

    def _merge_from_disk(self, target: Path) -> None:
        """Merge the disk's version into the editor's (one undoable step), show the
        conflicts it recorded; the user saves when they have looked."""
        from achbench.tui.screens.dialogs import ProblemsDialog

        try:
            _, count = self.session.merge_from_disk()
        except MatrixFileError as exc:
            self.push_screen(ProblemsDialog("Cannot merge", exc.lines()))
            return
        self._replaced()
        if count:
            conflicts = "conflict" if count == 1 else "conflicts"
            self.notify(
                f"Merged {target}: {count} {conflicts} (C settles them, u undoes the merge). "
                "Save when done.",
                severity="warning",
            )
        else:
            self.notify(f"Merged {target} cleanly (u undoes it). Save when done.")

    # -- quitting --------------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.action_request_quit()

    def action_request_quit(self) -> None:
        """Quit, asking Save / Discard / Cancel first if there are unsaved changes."""
        if not self.session.dirty:
            self.exit()
            return
        if self._quitting:
            return
        self._quitting = True
        from achbench.tui.screens.dialogs import ChoiceDialog

        def answered(key: str | None) -> None:
            self._quitting = False
            if key == "s":
                self.save(then=self.exit)
            elif key == "d":
                self.session.discard_unsaved()
                self.exit()

        message = f"{self.session.name} has unsaved changes."
        choices = [("s", "Save"), ("d", "Discard"), ("c", "Cancel")]
        self.push_screen(ChoiceDialog("Quit achbench?", message, choices, id="quit"), answered)

    # -- recovery --------------------------------------------------------------------------

    def _offer_recovery(self) -> None:
        found = self.session.pending_recovery()
        if found is None:
            return
        from achbench.tui.screens.dialogs import ChoiceDialog, ProblemsDialog

        message = (
            f"The editor stopped with unsaved changes to {self.session.name}; "
            f"they were kept in {found}.\n\n"
            "Restore them (you still have to save), discard them, or decide later?"
        )

        def answered(key: str | None) -> None:
            if key == "r":
                try:
                    self.session.restore_recovery()
                except MatrixFileError as exc:
                    self.push_screen(ProblemsDialog("Cannot restore", exc.lines()))
                    return
                self._replaced()
                self.notify("Restored unsaved changes; save to keep them.")
            elif key == "d":
                self.session.discard_recovery()
            if self.blind:  # --blind: rate blind once the question is settled
                self.start_blind()

        choices = [("r", "Restore"), ("d", "Discard"), ("l", "Later")]
        self.push_screen(
            ChoiceDialog("Recover unsaved changes?", message, choices, id="recover"), answered
        )

    def _install_signal_handlers(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            for name in SIGNALS:
                loop.add_signal_handler(getattr(signal, name), self.stop_for_signal, name)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, Windows
            pass

    def refresh_recovery(self) -> None:
        """Copy unsaved work changed since the last copy to the recovery file (the
        timer calls this every ``recovery_seconds``).

        Here, on the thread that reads keys, a child process is forked (or, without
        fork, the matrix copied); serialising and writing, seconds at 100 x 10,000,
        happen elsewhere, and a thread worker waits for them.
        """
        if self._refreshing:
            return
        write = self.session.background_recovery()
        if write is None:
            return
        self._refreshing = True
        self.run_worker(
            write,
            name="keep unsaved work",
            group=RECOVERY_GROUP,
            thread=True,
            exit_on_error=False,
        )

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A large file was read (``_opened``), or a background write of the recovery
        file ended: say so if it failed."""
        if event.worker.group == OPEN_GROUP and event.worker.is_finished:
            await self._opened(event.worker)
            return
        if event.worker.group != RECOVERY_GROUP or not event.worker.is_finished:
            return
        self._refreshing = False
        error = event.worker.error if event.state == WorkerState.ERROR else None
        if error is None:
            return
        message = str(error) if isinstance(error, SaveError) else f"{type(error).__name__}: {error}"
        if message != self.recovery_error:  # say it once, not every few seconds
            self.recovery_error = message
            self.notify(f"Unsaved work is not being kept: {message}", severity="error")

    def keep_unsaved_work(self) -> Path | None:
        """Write unsaved work to the recovery file; never raises, never prints."""
        if self.opening is not None:
            return None  # the file is still being read: no work yet
        try:
            self.recovered_to = self.session.write_recovery()
        except Exception as exc:
            self.recovered_to = None
            self.recovery_error = str(exc) if isinstance(exc, SaveError) else repr(exc)
        return self.recovered_to

    def stop_for_signal(self, name: str) -> None:
        """SIGINT, SIGTERM or SIGHUP: keep unsaved work, restore the terminal, exit."""
        self.stopped_by = name
        self.keep_unsaved_work()
        self.exit(return_code=128 + int(getattr(signal, name)))

    def action_interrupt(self) -> None:
        """ctrl+c, which a terminal in the editor's raw mode sends as a key rather
        than SIGINT: stop as SIGINT would (a focused field with a selection copies
        it instead)."""
        self.stop_for_signal("SIGINT")

    def exit_message(self) -> str | None:
        """The line to print once the terminal is restored: where unsaved work went,
        or why it could not be kept; None if there was nothing to say."""
        if self.opening is not None:
            return None  # stopped before the file was read: nothing of it to keep
        document = self.session.document
        again = f"open {document.path} again" if document.path else "run achbench again"
        if self.recovered_to is not None:
            return f"achbench: unsaved work kept in {self.recovered_to}; {again} to restore it"
        if self.stopped_by is None and self.return_code in (None, 0):
            return None
        if self.recovery_error is None:
            return None
        earlier = self.session.recovery.own
        if earlier is not None and earlier.exists():
            return (
                f"achbench: unsaved work could not be kept ({self.recovery_error}); "
                f"a copy from {_age(earlier)} is in {earlier}; {again} to restore it"
            )
        return f"achbench: unsaved work lost: {self.recovery_error}"

    def _handle_exception(self, error: Exception) -> None:
        # Textual's hook for an unhandled exception: keep the work first.
        self.keep_unsaved_work()
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # Textual prints the traceback with local variables, which would put the
        # matrix on the terminal; print it without them.
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self.panic(traceback)


def make_app(
    path: Path | str | None = None,
    *,
    new_title: str | None = None,
    analyst: str | None = None,
    method: str | None = None,
    keymap: dict[str, str] | None = None,
    transpose: bool | None = None,
    recovery_seconds: float | None = None,
    blind: bool = False,
    seed: int | None = None,
    open_in_background_from: int | None = None,
) -> AchbenchApp:
    """Build the editor on a file, on the bundled example (``path=None``), or on a new matrix.

    ``new_title`` starts an empty matrix to be saved at ``path`` and asks for its
    first hypothesis.  ``method`` and ``transpose`` (None: as remembered in the
    user's settings, ``tui.settings``) choose the view.  ``recovery_seconds``
    overrides how often unsaved work is copied to the recovery file
    (``editing.recovery_files.REFRESH_SECONDS``).  ``blind`` opens blind rating at
    once, its hypotheses shuffled by ``seed`` (None: from the analyst and the file's
    name, ``analysis.blind.default_seed``).  Raises ``MatrixFileError`` if the
    file does not load, ``UsageError`` if the settings file is bad.

    A file of ``open_in_background_from`` bytes or more (None:
    ``OPEN_IN_BACKGROUND_BYTES``) is read once the editor is on screen
    (``Opening``); then a file that does not load stops the editor with
    ``AchbenchApp.open_error`` set.
    """
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    shown = load_settings().overridden(transpose=transpose, method=method)
    first = new_title is not None
    session: Session | None = None
    opening: Opening | None = None
    if new_title is not None:
        assert path is not None
        session = Session.new(path, new_title, analyst)
    elif path is None:
        session = Session.example(analyst)
    else:
        size = _size(Path(path))
        limit = (
            OPEN_IN_BACKGROUND_BYTES if open_in_background_from is None else open_in_background_from
        )
        if size is not None and size >= limit:
            opening = Opening(Path(path), size, analyst)
        else:
            session = Session.open(path, analyst)
    return AchbenchApp(
        session,
        opening=opening,
        ask_first_hypothesis=first,
        keymap=keymap,
        settings=shown,
        recovery_seconds=recovery_seconds,
        blind=blind,
        blind_seed=seed,
    )


def _size(path: Path) -> int | None:
    """The size of a regular file; None for anything else (read as before, for its error)."""
    try:
        found = path.stat()
    except OSError:
        return None
    import stat

    return found.st_size if stat.S_ISREG(found.st_mode) else None


def _age(path: Path) -> str:
    """When a file was last written, as the clock shows it (HH:MM:SS)."""
    import datetime as dt

    return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S")

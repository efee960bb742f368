"""An open matrix being edited: its edits and undo, its file, its recovery file.

This is the editor's model with no screen attached: the Textual app is a view
onto a ``Session`` and every change goes through one of its methods, so the
rules hold the same in tests as at the keyboard.  A session is

* the ``Edits`` of its matrix (``editing.edits``): every change a command that
  undo takes back, made as the current analyst, the live scores told;
* its ``document`` (``editing.document``): the file it saves to, and the check
  that no one else saved that file meanwhile;
* its ``recovery`` file (``editing.recovery``), where unsaved work goes when the
  editor is killed, and is copied in the background meanwhile.

``dirty`` says whether the matrix differs from what was last saved or loaded;
undoing back to that point makes it clean again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from achbench.core.data import MatrixData
from achbench.core.vocabulary import FORMAT, Code
from achbench.editing import operations as op
from achbench.editing import saving
from achbench.editing.document import Document, as_matrix, example_path, read_matrix_text
from achbench.editing.edits import Edits
from achbench.editing.recovery import Recovery
from achbench.editing.snapshot import Version
from achbench.editing.undo import Change
from achbench.scoring.live import LiveScores
from achbench.store import toml as store


class Session(Edits):
    """One matrix open for editing, from ``document`` (None: the bundled example).

    ``pooled`` scores every analyst's ratings together rather than the current
    analyst's alone; ``saved`` is False for work that is in no file yet.
    """

    def __init__(
        self,
        data: MatrixData,
        document: Document | None = None,
        *,
        analyst: str | None = None,
        pooled: bool = False,
        saved: bool = True,
        base: Version | None = None,
    ) -> None:
        self.pooled = pooled
        analyst = analyst or default_analyst(data)
        super().__init__(data, analyst, LiveScores(data, scored_analysts(data, analyst, pooled)))
        self.document = document or Document(None)
        self.recovery = Recovery(self.document)
        self._kept: tuple[int, int] | None = None
        """(history state, recovery epoch) of the last background copy."""
        on_disk = saved and document is not None and document.path is not None
        if base is None and on_disk:
            base = Version(data=op.snapshot(data))
        self._base: Version | None = base if on_disk else None
        """The matrix as the file held it when last loaded or saved: the base of a
        three-way merge with the file on disk (None: no such version, e.g. restored work)."""
        if not saved:
            self.history.mark_unsaved()

    @classmethod
    def open(cls, path: Path | str, analyst: str | None = None) -> Session:
        """Load a matrix file (``MatrixFileError`` with located problems if it is bad).

        The text read is kept as the base of a later merge (``Version``), parsed
        again only if one is asked for: no copy of the matrix is taken."""
        data, digest, text = read_matrix_text(Path(path))
        document = Document(Path(path), fingerprint=digest)
        return cls(data, document, analyst=analyst, base=Version(text=text, path=str(path)))

    @classmethod
    def example(cls, analyst: str | None = None) -> Session:
        """The bundled example, with no file of its own: the first save asks where."""
        return cls(as_matrix(store.load_data(example_path())), Document(None), analyst=analyst)

    @classmethod
    def new(cls, path: Path | str, title: str, analyst: str | None = None) -> Session:
        """An empty matrix (no hypotheses yet) to be saved at ``path``."""
        data = MatrixData(format=FORMAT, title=title, hypotheses={}, evidence={})
        if analyst:
            data["analyst"] = analyst
        return cls(data, Document(Path(path)), analyst=analyst, saved=False)

    # -- what is shown -------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """Where saves go; None until the example is saved as a file."""
        return self.document.path

    @property
    def name(self) -> str:
        """What the title bar shows: the file's name."""
        return self.document.name

    @property
    def needs_path(self) -> bool:
        return self.document.needs_path

    @property
    def dirty(self) -> bool:
        """True if the matrix differs from the file as last loaded or saved."""
        return self.history.dirty

    def default_analyst(self) -> str:
        """The analyst an editor writes as when none is chosen (the spec's ``analyst``)."""
        return default_analyst(self.data)

    def analysts(self) -> list[str]:
        """Every analyst with ratings, the default and the current one included."""
        names = list(self.data.get("ratings", {}))
        for extra in (self.data.get("analyst"), self.analyst):
            if extra and extra not in names:
                names.append(extra)
        return names

    @property
    def cells(self) -> int:
        """How many ratings the matrix holds when full: what a save's cost grows with."""
        return len(self.hypotheses) * len(self.evidence) * max(1, len(self.analysts()))

    def others(self, evidence_id: str, hypothesis_id: str) -> list[tuple[str, Code]]:
        """Other analysts' codes for a cell, as (analyst, code)."""
        out = []
        for analyst in self.data.get("ratings", {}):
            code = self.code(evidence_id, hypothesis_id, analyst)
            if analyst != self.analyst and code:
                out.append((analyst, code))
        return out

    def deletion_cost(self, kind: str, item_id: str) -> tuple[int, int]:
        """(ratings, milestones) that deleting a hypothesis or evidence item takes with it."""
        return op.deletion_cost(self.data, kind, item_id)

    # -- choosing whose ratings are edited and scored -----------------------------------

    def set_analyst(self, name: str) -> None:
        """Edit as ``name`` from now on (a view choice, not an undoable change)."""
        self.analyst = name
        self._rescore_if_other_analysts()

    def set_pooled(self, pooled: bool) -> None:
        """Score every analyst's ratings pooled, or the current analyst's alone."""
        self.pooled = pooled
        self._rescore_if_other_analysts()

    def _rescore_if_other_analysts(self) -> None:
        """Score again only if whose ratings are scored changed: with one analyst,
        pooling changes nothing, and re-counting 100 x 10,000 cells takes 0.1-0.2 s."""
        analysts = scored_analysts(self.data, self.analyst, self.pooled)
        if tuple(analysts) != self.live.analysts:
            self.live.rebuild(self.data, analysts)

    def _rescore(self) -> None:
        self.live.rebuild(self.data, scored_analysts(self.data, self.analyst, self.pooled))

    # -- the file on disk and the recovery file ----------------------------------------

    @property
    def base(self) -> MatrixData | None:
        """The matrix as the file held it when last loaded or saved (parsed from the
        text kept, on first use); None when there is no such version."""
        return self._base.data() if self._base is not None else None

    @base.setter
    def base(self, data: MatrixData | None) -> None:
        self._base = Version(data=data) if data is not None else None

    @property
    def has_base(self) -> bool:
        """A version to merge from is kept (``base`` would not be None), asked cheaply."""
        return self._base is not None

    def disk_changed(self) -> bool:
        """True if the file was changed or removed by someone else since load or save."""
        return self.document.disk_changed()

    def save(self, path: Path | str | None = None, *, force: bool = False) -> Path:
        """Save atomically to ``path`` (default: the session's file) and return it.

        See ``Document.save`` for what it refuses.  A save retires this session's
        own recovery file.
        """
        base = op.snapshot(self.data)
        target = self.document.save(self.data, None if path is None else Path(path), force=force)
        self.base = base
        self.history.mark_saved()
        self.recovery.retire()
        return target

    def start_save(
        self, path: Path | str | None = None, *, force: bool = False
    ) -> Callable[[], Callable[[], Path]]:
        """Start saving the matrix as it is now without holding up the editor.

        Call on the editor's thread: it raises at once what ``save`` refuses
        before writing (``NeedsPathError``, ``ExternalChangeError``).  Run what it
        returns in a worker thread: it waits for the write (``editing.saving``),
        raising what ``save`` raises, and returns a function to call back on the
        editor's thread, which records the save and returns the path.  Edits made
        meanwhile stay unsaved.
        """
        target = self.document.target(None if path is None else Path(path), force=force)
        state = self.history.state
        wait = saving.start_save_text(self.data, target)

        def written() -> Callable[[], Path]:
            done, text = wait()
            base = Version(text=text, path=str(target))  # what Merge compares against

            def record() -> Path:
                self.document.wrote(target, done)
                self._base = base
                self.history.mark_saved(state)
                self.recovery.retire()
                return target

            return record

        return written

    def reload(self) -> None:
        """Replace the matrix with the file on disk; unsaved changes and history are lost."""
        self._replace_all(self.document.reload())
        self.base = op.snapshot(self.data)
        self.history.mark_saved()

    def merge_from_disk(self) -> tuple[Change, int]:
        """Merge the file on disk (theirs, saved by another editor) into the matrix
        (ours) since the version last loaded or saved (the base): one undoable step.

        Returns the change and how many conflicts the merge recorded (in
        ``conflicts``, ours kept meanwhile, as ``achbench merge`` records them).
        From then on the disk's version is the base and the file is taken as seen,
        so a save writes the merged matrix without asking; undo puts back ours,
        and the base and fingerprint it had, so a save asks again.  Raises
        ``ValueError`` when there is no base, ``MatrixFileError`` if the disk's
        version is not a valid matrix.
        """
        from achbench.editing.document import read_matrix
        from achbench.versioning.merge import merge

        if self.base is None or self.document.path is None:
            raise ValueError("no version of the file to merge from")
        theirs, digest = read_matrix(self.document.path)
        before = len(self.conflicts)
        result = merge(self.base, op.snapshot(self.data), theirs)
        states = (
            (self.data, self._base, self.document.fingerprint),
            (result.data, Version(data=op.snapshot(theirs)), digest),
        )
        change = Change("all")

        def to(which: int) -> Change:
            self.data, self._base, self.document.fingerprint = states[which]
            self._rescore()
            return change

        self.history.do("merge with the file on disk", lambda: to(1), lambda: to(0))
        return change, len(result.data.get("conflicts", {})) - before

    def _replace_all(self, data: MatrixData) -> None:
        self.data = data
        self.history.forget()
        self._rescore()

    def recovery_path(self) -> Path:
        """Where this session's unsaved work goes if the editor is killed."""
        return self.recovery.path

    def write_recovery(self) -> Path | None:
        """Write unsaved work to the recovery file now; None if there was nothing unsaved.

        Raises ``SaveError`` if neither the matrix's folder nor the state folder
        can take it.
        """
        return self.recovery.write(self.data) if self.dirty else None

    def background_recovery(self) -> Callable[[], Path | None] | None:
        """Start copying unsaved work changed since the last copy to the recovery
        file; None if there is nothing new to keep.

        Call on the editor's thread and run what it returns in a worker thread
        (see ``Recovery.in_background``); if that fails with ``SaveError``, the
        next call tries again.  Work undone back to what the file holds is no
        longer unsaved: its recovery file is retired.
        """
        if not self.dirty:
            if self.recovery.own is not None:
                self.recovery.retire()
            return None
        key = (self.history.state, self.recovery.epoch)
        if key == self._kept:
            return None
        self._kept = key
        write = self.recovery.in_background(self.data)

        def written() -> Path | None:
            try:
                return write()
            except BaseException:
                self._kept = None
                raise

        return written

    def pending_recovery(self) -> Path | None:
        """The recovery file a previous run left for this matrix, if any."""
        return self.recovery.pending()

    def restore_recovery(self) -> None:
        """Take the recovered work as the matrix (unsaved); ``MatrixFileError`` if it is bad."""
        data, base = self.recovery.read()
        if base != self.document.fingerprint:
            self.base = None  # begun from a version this session never read
        self._replace_all(data)
        self.history.mark_unsaved()
        if base is not None:
            self.document.began_from(base)

    def discard_recovery(self) -> None:
        """Delete the recovery files, if any, whoever wrote them (the user chose to)."""
        self.recovery.discard()

    def close(self) -> None:
        """The editor is closing: stop a background copy still under way; with
        nothing unsaved, leave no recovery file of this session's behind."""
        if self.dirty:
            self.recovery.cancel()
        else:
            self.recovery.retire()

    def discard_unsaved(self) -> None:
        """The user quits without saving: delete this session's own recovery file
        (another editor's beside the same matrix is kept)."""
        self.recovery.retire()


def default_analyst(data: MatrixData) -> str:
    """The analyst an editor writes as when none is chosen: the spec's ``analyst``,
    else the first with ratings."""
    return data.get("analyst") or next(iter(data.get("ratings", {})), "analyst")


def scored_analysts(data: MatrixData, analyst: str, pooled: bool) -> list[str]:
    """Whose ratings are scored: ``analyst`` alone, or (pooled) every analyst and them."""
    if not pooled:
        return [analyst]
    names = list(data.get("ratings", {}))
    return names if analyst in names else [*names, analyst]

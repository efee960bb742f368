"""A matrix file's history from git: every committed version, ranked.

Why git itself and not a library: the two subprocesses below are fast, need no new
dependency and follow renames exactly as ``git log --follow`` does for the user
(dulwich has no rename following of its own; pygit2 is a compiled dependency).  It
never starts a process per commit: one ``git log`` lists the commits that touched
the file (following renames, on the first-parent line so a merge shows as one step
with the merged branch noted), and one ``git cat-file --batch`` reads every version's
bytes in a single stream.  A version that does not load is kept, with its error.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, Problem, UsageError
from achbench.scoring.methods import Grid, score
from achbench.store.versions import VersionReader

RECORD = "\x1e"
UNIT = "\x1f"
LOG_FORMAT = f"{RECORD}%H{UNIT}%P{UNIT}%an{UNIT}%aI{UNIT}%ct{UNIT}%s"
MERGED = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'")


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit that touched the file, as ``git log`` lists it."""

    sha: str
    parents: tuple[str, ...]
    author: str
    date: str
    message: str
    path: str
    """The file's path in this commit (it may have been renamed since)."""
    status: str
    """git's change letter: A added, M modified, R renamed (with a score), D deleted."""
    renamed_from: str | None = None
    time: int = 0
    """Committer time (seconds since the epoch): what --since and --until compare."""

    @property
    def merged(self) -> str | None:
        """For a merge: the branch merged (from the message) or its head's short sha."""
        if len(self.parents) < 2:
            return None
        found = MERGED.match(self.message)
        return found.group(1) if found else self.parents[1][:10]


@dataclass(frozen=True, slots=True)
class Standing:
    """One hypothesis in one version: its score and rank under the method."""

    score: float
    rank: int


@dataclass(frozen=True, slots=True)
class Version:
    """One committed version: the commit, and its ranking or why it could not be ranked."""

    commit: Commit
    standings: dict[str, Standing] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        c = self.commit
        return {
            "commit": c.sha,
            "parents": list(c.parents),
            "author": c.author,
            "date": c.date,
            "message": c.message,
            "path": c.path,
            "renamed_from": c.renamed_from,
            "merged": c.merged,
            "error": self.error,
            "hypotheses": {
                h: {"score": s.score, "rank": s.rank} for h, s in self.standings.items()
            },
        }


@dataclass(frozen=True, slots=True)
class History:
    """Every version of the file, oldest first, ranked under ``method``."""

    path: str
    method: str
    versions: list[Version]

    @property
    def hypotheses(self) -> list[str]:
        """Every hypothesis any version holds: the newest version's order, then the rest."""
        order: dict[str, None] = {}
        for version in reversed(self.versions):
            order.update(dict.fromkeys(version.standings))
        return list(order)

    def title(self, hypothesis: str) -> str:
        for version in reversed(self.versions):
            if hypothesis in version.titles:
                return version.titles[hypothesis]
        return ""

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "method": self.method,
            "hypotheses": [{"id": h, "title": self.title(h)} for h in self.hypotheses],
            "versions": [v.to_json() for v in self.versions],
        }


def _run(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def parse_log(output: str) -> list[Commit]:
    """Commits from ``git log -z --name-status --format=LOG_FORMAT``, newest first."""
    commits = []
    for record in output.split(RECORD)[1:]:
        header, _, rest = record.partition("\0")
        sha, parents, author, date, stamp, message = header.split(UNIT, 5)
        tokens = [t for t in rest.lstrip("\n").split("\0") if t]
        status, path, old = "M", "", None
        if tokens:
            status = tokens[0]
            if status[:1] in "RC" and len(tokens) >= 3:
                old, path = tokens[1], tokens[2]
            elif len(tokens) >= 2:
                path = tokens[1]
        commits.append(
            Commit(
                sha=sha,
                parents=tuple(parents.split()),
                author=author,
                date=date,
                message=message,
                path=path,
                status=status[:1],
                renamed_from=old if status[:1] == "R" else None,
                time=int(stamp),
            )
        )
    # A commit listed without a change (a merge that took the file as it was) has the
    # path of the commit before it in time, i.e. the next one in this list.
    filled: list[Commit] = []
    for index, commit in enumerate(commits):
        if not commit.path:
            later = next((c.path for c in commits[index + 1 :] if c.path), "")
            commit = Commit(
                commit.sha, commit.parents, commit.author, commit.date, commit.message,
                later, commit.status, commit.renamed_from, commit.time,
            )  # fmt: skip
        filled.append(commit)
    return filled


def read_blobs(cwd: Path, specs: Sequence[str]) -> list[bytes | None]:
    """The bytes of each ``rev:path`` in one ``git cat-file --batch`` (None: missing)."""
    if not specs:
        return []
    out = _run(["cat-file", "--batch"], cwd, "".join(f"{s}\n" for s in specs).encode())
    blobs: list[bytes | None] = []
    at = 0
    for _ in specs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":
            blobs.append(None)
            continue
        size = int(header[2])
        blobs.append(out[at : at + size])
        at += size + 1
    return blobs


def load_version(reader: VersionReader, raw: bytes, label: str) -> MatrixData:
    """A committed version as matrix data, or ``MatrixFileError`` as for a file on disk."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(label, f"is not UTF-8 text: cannot decode byte {exc.start}")
        raise MatrixFileError([problem]) from None
    return reader.load_text(text, label)


_READER = VersionReader()
"""This process's reader (each forked worker of ``rank_all`` has its own copy)."""


def commits(
    path: Path,
    revisions: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> tuple[Path, list[Commit]]:
    """The repository's top folder and the commits that touched ``path``, newest first."""
    for revision in revisions:
        if revision.startswith("-"):
            raise UsageError(f"{revision!r} is no revision (it starts with '-')")
    folder = path.resolve().parent
    top = Path(_run(["rev-parse", "--show-toplevel"], folder).decode().strip())
    args = ["-c", "core.quotePath=false", "log", "--first-parent", "--diff-merges=first-parent"]
    args += ["--follow", "--name-status"]
    args += ["-z", f"--format={LOG_FORMAT}"]
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    args += [*revisions, "--", relative]
    output = _run(args, top).decode("utf-8", "replace")
    listed = parse_log(output)
    if since or until:
        newest, oldest = date_limits(top, since, until)
        listed = [
            c
            for c in listed
            if (oldest is None or c.time >= oldest) and (newest is None or c.time <= newest)
        ]
    return top, listed


def date_limits(top: Path, since: str | None, until: str | None) -> tuple[int | None, int | None]:
    """(until, since) as times, read by git's own date parser (``git rev-parse
    --since``): applied after the walk, because ``git log --follow`` cut short by a
    date would not see a rename outside it and lose the file's older name."""
    args = ["rev-parse"]
    if since:
        args.append(f"--since={since}")
    if until:
        args.append(f"--until={until}")
    newest = oldest = None
    for word in _run(args, top).decode().split():
        key, _, value = word.partition("=")
        if key == "--max-age" and value.lstrip("-").isdigit():
            oldest = int(value)
        elif key == "--min-age" and value.lstrip("-").isdigit():
            newest = int(value)
    return newest, oldest


def history(
    path: Path | str,
    method: str = "heuer",
    revisions: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> History:
    """Every committed version of ``path`` ranked under ``method``, oldest first."""
    top, listed = commits(Path(path), revisions, since, until)
    listed.reverse()
    present = [c for c in listed if c.status != "D"]
    blobs = dict(
        zip(
            (c.sha for c in present),
            read_blobs(top, [f"{c.sha}:{c.path}" for c in present]),
            strict=True,
        )
    )
    jobs = [(commit, blobs.get(commit.sha), method) for commit in listed]
    try:
        return History(str(path), method, rank_all(jobs))
    finally:
        _READER.reset()


PARALLEL_FROM = 40
"""Versions from which ranking is shared between two worker processes (where fork exists)."""


def rank_all(jobs: list[tuple[Commit, bytes | None, str]]) -> list[Version]:
    """Every version ranked, in order.  Each version is independent of the others, so
    with many of them two forked workers share the work (two processes in all, however
    many commits); a machine without fork, or one core, ranks them here."""
    import multiprocessing
    import os

    if (
        len(jobs) < PARALLEL_FROM
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [rank_version(job) for job in jobs]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return pool.map(rank_version, jobs, chunksize=max(1, len(jobs) // 8))


def rank_version(job: tuple[Commit, bytes | None, str]) -> Version:
    """One committed version ranked under the method, or why it could not be."""
    commit, raw, method = job
    label = f"{commit.sha[:10]}:{commit.path}"
    if commit.status == "D" or raw is None:
        return Version(commit, error="file deleted in this commit")
    try:
        data = load_version(_READER, raw, label)
    except MatrixFileError as exc:
        return Version(commit, error="; ".join(exc.lines()))
    ranking = score(Grid.from_data(data), method)
    return Version(
        commit,
        standings={h.id: Standing(h.score, h.rank) for h in ranking.hypotheses},
        titles={h.id: h.title for h in ranking.hypotheses},
    )


BLOCKS = "▁▂▃▄▅▆▇█"
"""The eight heights of a sparkline, lowest first."""
GAP_MARK = "·"
"""A version in which the hypothesis has no score (the version did not load, or lacked it)."""


def sparkline(values: Sequence[float | None]) -> str:
    """One block per value, scaled from the lowest to the highest; None as ``GAP_MARK``."""
    known = [v for v in values if v is not None]
    if not known:
        return GAP_MARK * len(values)
    low, high = min(known), max(known)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(GAP_MARK)
        elif span == 0:
            out.append(BLOCKS[len(BLOCKS) // 2])
        else:
            out.append(BLOCKS[min(len(BLOCKS) - 1, int((v - low) / span * len(BLOCKS)))])
    return "".join(out)

"""Let git diff and merge matrix files by meaning: drivers, attributes, textconv.

``achbench git-setup`` writes three things (docs/diff.md, "Git"):

* a diff driver ``achbench``: ``command`` runs the semantic diff for ``git diff``;
  ``textconv`` turns a matrix into one line per fact (key path first), so that
  ``git log -p`` and ``git show``, which do not run external diff commands,
  still show a diff by id with titles, and the ranking before and after;
* a merge driver ``achbench``: ``achbench merge %O %A %B -o %A``;
* attributes lines in the repository's ``.gitattributes`` (or the global
  attributes file): ``*.ach.toml diff=achbench merge=achbench`` by default, and
  in a repository one more line per matrix it holds that the patterns miss
  (``/matrices/kazakhstan-2022.toml diff=achbench merge=achbench``): a matrix is
  any ``*.toml`` whose first line is ``format = "achbench/1"``, as every file
  ``achbench`` writes begins.  ``uncovered`` lists those git would still treat
  as text; ``achbench git-setup`` warns about them.

Git runs drivers through ``sh``.  Each command is a small shell function that
runs achbench by the absolute path it had at setup, else from ``PATH``, else
prints how to fix it: git's own message would only say ``not found``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

from achbench.core.data import MatrixData
from achbench.core.errors import UsageError
from achbench.core.vocabulary import FORMAT, ID_SHAPE
from achbench.store.atomic import write_atomic

DRIVER = "achbench"
"""Name of the diff and merge drivers in git's configuration and attributes."""

DEFAULT_PATTERNS = ("*.ach.toml",)
"""Files that count as matrices unless ``--pattern`` says otherwise."""

_SHORT = 40
_ID = ID_SHAPE
FUNCNAME = f"^(((hypotheses|evidence|milestones)\\.{_ID}\\.title|ratings\\.{_ID}\\.{_ID}): .*)$"
"""Hunk headers of the textconv view: the item or rating row a change sits in."""


def current_executable() -> str:
    """The absolute path of the ``achbench`` being run, or ``achbench`` (PATH)."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "achbench" and argv0.is_file():
        return str(argv0.absolute())
    beside = Path(sys.executable).parent / "achbench"
    if beside.is_file():
        return str(beside)
    found = shutil.which("achbench")
    return str(Path(found).absolute()) if found else "achbench"


def driver_command(executable: str, arguments: str) -> str:
    """A shell command that runs ``achbench ARGUMENTS``, or says how to get achbench.

    Git appends ``"$@"`` (the files) to diff commands and textconv, and puts
    the files in place of ``%O %A %B`` in merge drivers; both reach the function.
    """
    candidates = " ".join(dict.fromkeys([shlex.quote(executable), "achbench"]))
    shown = "".join(c for c in executable if c not in "\"'`$\\")
    where = "" if executable == "achbench" else f"{shown} is missing and "
    return (
        "achbench_driver() { "
        f"for a in {candidates}; do "
        'if command -v "$a" >/dev/null 2>&1; then exec "$a" "$@"; fi; '
        "done; "
        f'echo "achbench git driver: cannot run achbench: {where}achbench is not on PATH. '
        "Install achbench or put it on PATH (or activate its virtual environment), "
        'then run: achbench git-setup" >&2; '
        "exit 127; }; "
        f"achbench_driver {arguments}"
    )


def settings(executable: str) -> list[tuple[str, str]]:
    """The git configuration entries, in the order they are written."""
    return [
        (f"diff.{DRIVER}.command", driver_command(executable, "git-diff-driver")),
        (f"diff.{DRIVER}.textconv", driver_command(executable, "git-textconv")),
        (f"diff.{DRIVER}.xfuncname", FUNCNAME),
        (f"merge.{DRIVER}.name", "achbench: 3-way merge of ACH matrices by id"),
        (
            f"merge.{DRIVER}.driver",
            driver_command(executable, "merge --git-driver --label %P %O %A %B -o %A"),
        ),
    ]


def attribute_line(pattern: str) -> str:
    return f"{pattern} diff={DRIVER} merge={DRIVER}"


def _git(args: Sequence[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH") from None


def _toplevel(cwd: Path) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], cwd)
    if done.returncode != 0:
        raise UsageError(f"{cwd}: not inside a git repository; run this in one, or use --global")
    return Path(done.stdout.strip())


def toplevel_or_none(cwd: Path) -> Path | None:
    """The top of the repository ``cwd`` is in, or None outside one."""
    try:
        return _toplevel(cwd)
    except UsageError:
        return None


def _global_attributes() -> Path:
    done = _git(["config", "--global", "--get", "core.attributesFile"])
    if done.returncode == 0 and done.stdout.strip():
        return Path(done.stdout.strip()).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "git" / "attributes"


def setup(
    global_: bool = False,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    executable: str | None = None,
    cwd: Path | None = None,
) -> list[str]:
    """Configure the drivers and the attributes; return what was changed, if anything.

    In a repository, the attributes are the ``patterns`` and then one line per
    matrix in the work tree that they do not cover (``matrix_files``): the
    bundled example, files made by ``achbench new``, any ``*.toml`` whose first
    line is ``format = "achbench/1"``.  Idempotent: settings already in place
    and attribute lines already present are left alone, so a second run changes
    nothing, unless a matrix was added since (it then gets its line).
    """
    cwd = cwd or Path.cwd()
    executable = executable or current_executable()
    scope = ["--global"] if global_ else ["--local"]
    top = None if global_ else _toplevel(cwd)
    changes = []
    for key, value in settings(executable):
        current = _git(["config", *scope, "--get", key], top)
        if current.returncode == 0 and current.stdout.rstrip("\n") == value:
            continue
        done = _git(["config", *scope, key, value], top)
        if done.returncode != 0:
            raise UsageError(f"git config {key} failed: {done.stderr.strip()}")
        changes.append(f"set {key} ({'global' if global_ else 'this repository'})")
    attributes = _global_attributes() if global_ else (top or cwd) / ".gitattributes"
    changes += _add_lines(attributes, [attribute_line(p) for p in patterns])
    if top is not None:
        lines = [attribute_line(path_pattern(path)) for path in uncovered(top)]
        changes += _add_lines(attributes, lines)
    return changes


def _add_lines(attributes: Path, lines: Sequence[str]) -> list[str]:
    """Append the attribute lines not yet in the file; say what was added."""
    existing = attributes.read_bytes() if attributes.exists() else b""
    have = {line.strip() for line in existing.decode("utf-8", errors="replace").splitlines()}
    wanted = [line for line in dict.fromkeys(lines) if line not in have]
    if not wanted:
        return []
    attributes.parent.mkdir(parents=True, exist_ok=True)
    prefix = "" if not existing or existing.endswith((b"\n", b"\r")) else "\n"
    added = prefix + "".join(line + "\n" for line in wanted)
    write_atomic(attributes, existing + added.encode("utf-8"))
    return [f"added '{line}' to {attributes}" for line in wanted]


MATRIX_FIRST_LINE = re.compile(rf"""^format\s*=\s*(["']){re.escape(FORMAT)}\1\s*(?:#.*)?$""")
"""The first line of a matrix file, as ``achbench`` writes it (spacing and quotes may vary)."""


def is_matrix_file(path: Path) -> bool:
    """Whether ``path`` is a regular file whose first line says it is a matrix.

    Reads at most one short line, so a large or special file costs nothing."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            head = handle.readline(len(FORMAT) + 64)
    except OSError:
        return False
    return MATRIX_FIRST_LINE.match(head.decode("utf-8", errors="replace").strip()) is not None


def matrix_files(top: Path) -> list[str]:
    """The matrices in the repository at ``top``, tracked or not yet added (but not
    ignored): the ``*.toml`` files whose first line is ``format = "achbench/1"``.
    Paths are relative to ``top``, with ``/``."""
    done = _git(
        ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.toml"], top
    )
    if done.returncode != 0:
        return []
    paths = dict.fromkeys(p for p in done.stdout.split("\0") if p)
    return [p for p in paths if is_matrix_file(top / p)]


def uncovered(top: Path) -> list[str]:
    """The matrices of the repository at ``top`` that git would not diff and merge
    with achbench, by the attributes in force now (``git check-attr``)."""
    files = matrix_files(top)
    if not files:
        return []
    done = _git(["check-attr", "-z", "diff", "merge", "--", *files], top)
    if done.returncode != 0:
        return files
    fields = done.stdout.split("\0")
    covered: dict[str, int] = {}
    for at in range(0, len(fields) - 2, 3):
        path, _attribute, value = fields[at : at + 3]
        if value == DRIVER:
            covered[path] = covered.get(path, 0) + 1
    return [path for path in files if covered.get(path, 0) < 2]


_GLOB_SPECIAL = re.compile(r"([*?\[\\])")


def path_pattern(path: str) -> str:
    """A gitattributes pattern matching exactly the file at ``path`` (from the top):
    anchored with ``/``, glob characters escaped, C-quoted if it holds a space."""
    pattern = "/" + _GLOB_SPECIAL.sub(r"\\\1", path)
    if not any(c.isspace() or c == '"' for c in pattern) and pattern.isprintable():
        return pattern
    quoted = "".join(
        {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n"}.get(c, c) for c in pattern
    )
    return f'"{quoted}"'


# --- textconv: one line per fact -------------------------------------------------------


def _short(value: object, limit: int = _SHORT) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _value_lines(path: str, value: object) -> list[str]:
    if isinstance(value, str) and "\n" in value:
        return [f"{path}| {line}" for line in value.split("\n")]
    if isinstance(value, Mapping):
        out: list[str] = []
        for key, inner in cast("Mapping[str, object]", value).items():
            out += _value_lines(f"{path}.{key}", inner)
        return out
    return [f"{path}: {value}"]


def textconv(data: MatrixData, method: str = "heuer") -> str:
    """The matrix as one line per fact, each starting with its key path.

    A line diff of two of these is a diff by id: a changed rating is one ``-``
    and one ``+`` line naming the analyst, evidence and hypothesis; the hunk
    header (``FUNCNAME``) gives the evidence item's title; the ranking at the
    end shows how the conclusion moved.  Titles are not repeated on each cell,
    so retitling a hypothesis changes one line, not one per evidence item.
    """
    from achbench.scoring.methods import Grid, score
    from achbench.versioning.conflicts import describe

    lines = ["# achbench matrix, one line per fact (achbench diff shows the full report)"]
    for key in ("title", "question", "analyst"):
        if key in data:
            lines += _value_lines(key, data.get(key))
    evidence = data.get("evidence", {})
    tables: tuple[tuple[str, Mapping[str, Mapping[str, object]]], ...] = (
        ("hypotheses", data["hypotheses"]),
        ("evidence", evidence),
        ("milestones", data.get("milestones", {})),
    )
    for kind, items in tables:
        for item_id, item in items.items():
            for field, value in item.items():
                lines += _value_lines(f"{kind}.{item_id}.{field}", value)
    for analyst, table in (data.get("ratings") or {}).items():
        for evidence_id, row in table.items():
            rated = evidence.get(evidence_id)
            title = rated["title"] if rated is not None else ""
            lines.append(f"ratings.{analyst}.{evidence_id}: {_short(title, 100)}")
            lines += [f"ratings.{analyst}.{evidence_id}.{h}: {code}" for h, code in row.items()]
    for conflict_id, conflict in (data.get("conflicts") or {}).items():
        lines.append(f"conflicts.{conflict_id}: unresolved: {describe(conflict)}")
    ranking = score(Grid.from_data(data), method)
    for h in ranking.hypotheses:
        lines.append(f"conclusion.{method}: rank {h.rank}: {h.id} {h.title} (score {h.score:.4g})")
    return "\n".join(lines) + "\n"

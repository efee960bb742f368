"""``achbench merge``: a 3-way merge of matrices by id, for people and for git."""

from __future__ import annotations

import subprocess
import sys

import click

from achbench.analysis.wording import plural
from achbench.cli.app import EXIT_ERROR, main, reports_errors
from achbench.cli.terminal import say
from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError, UsageError
from achbench.store.atomic import keep_previous
from achbench.store.files import read_text
from achbench.store.pool import version_of
from achbench.store.versions import VersionReader

EXIT_CONFLICTS = 1
"""Exit status when conflicts were recorded (git's merge drivers use the same rule)."""


def _load_base(path: str, reader: VersionReader) -> MatrixData:
    """The base, or an empty matrix when the file is empty (git passes an empty base
    when both branches added the file)."""
    from achbench.versioning.merge import EMPTY_BASE

    try:
        text = read_text(path)
    except MatrixFileError as exc:
        if any("is empty" in p.message for p in exc.problems):
            return EMPTY_BASE.copy()
        raise
    return reader.load_text(text, path)


def _text_merge(base: str, ours: str, theirs: str, out: str, label: str) -> int:
    """Fall back to git's line merge, for files that are not matrices."""
    from pathlib import Path

    from achbench.store.atomic import write_atomic

    if out != ours:
        write_atomic(out, Path(ours).read_bytes())
    labels = ["-L", f"{label} (ours)", "-L", f"{label} (base)", "-L", f"{label} (theirs)"]
    try:
        done = subprocess.run(["git", "merge-file", *labels, out, base, theirs], check=False)
    except OSError as exc:
        say(f"{label}: cannot run git merge-file: {exc}", err=True)
        return EXIT_ERROR
    return 0 if done.returncode == 0 else EXIT_CONFLICTS


@main.command(short_help="3-way merge of matrices by id; conflicts recorded in the file.")
@click.argument("base")  # read by store.files, which refuses what is no file
@click.argument("ours")  # read by store.files, which refuses what is no file
@click.argument("theirs")  # read by store.files, which refuses what is no file
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the merged matrix here. Default: over OURS, keeping the previous OURS "
    "as OURS.orig beside it.",
)
@click.option("--force", is_flag=True, help="Replace the output even if it is read-only.")
@click.option("--label", metavar="NAME", help="Name to show in messages (default: OURS).")
@click.option(
    "--git-driver",
    is_flag=True,
    hidden=True,
    help="Called by git: fall back to a line merge when an input is not a matrix.",
)
@reports_errors
def merge(
    base: str,
    ours: str,
    theirs: str,
    output: str | None,
    force: bool,
    label: str | None,
    git_driver: bool,
) -> None:
    """Merge THEIRS into OURS, given their common ancestor BASE, by id.

    A change made on one side is taken; the same change on both sides is taken
    once; different changes to the same field or rating cell are conflicts. The
    result is always a valid matrix: ours is kept in place and each conflict is
    recorded in the file as a [conflicts.<id>] table (docs/format.md), listed on
    stderr, and reported by `achbench check` until resolved.

    Exit status: 0 merged cleanly, 1 conflicts recorded, 2 an input is not a
    valid matrix, or OURS or THEIRS is not a version of BASE's matrix (it keeps
    fewer than half of BASE's hypotheses or of its evidence items): nothing is
    written. An empty BASE means the two sides share no ancestor.

    Without -o the merge is written over OURS and the previous OURS is kept
    as OURS.orig beside it (git's merge driver gives -o, and git keeps the
    previous version itself).

    \b
    Examples:
      achbench merge base.ach.toml mine.ach.toml alice.ach.toml -o merged.ach.toml
      achbench git-setup      # let git merge matrices this way
    """
    from achbench.store.toml import save
    from achbench.versioning.conflicts import describe
    from achbench.versioning.merge import merge as merge_data

    target = output or ours
    name = label or target
    try:
        reader = VersionReader()  # three versions of one matrix: what they share is read once
        base_data = _load_base(base, reader)
        ours_data = reader.load(ours)
        theirs_data = reader.load(theirs)
        version_of((base, base_data), (ours, ours_data))
        version_of((base, base_data), (theirs, theirs_data))
    except (MatrixFileError, UsageError) as exc:
        if not git_driver:
            raise
        for line in exc.lines():
            say(line, err=True)
        say(f"{name}: not merged as a matrix; falling back to a line merge", err=True)
        sys.exit(_text_merge(base, ours, theirs, target, name))
    result = merge_data(base_data, ours_data, theirs_data)
    if output is None:
        keep_previous(ours)
    save(result.data, target, force=force)
    earlier = len(result.data.get("conflicts", {})) - len(result.conflicts)
    if earlier:
        say(
            f"{name}: still holds {plural(earlier, 'unresolved conflict record')} "
            "from an earlier merge (achbench check lists them)",
            err=True,
        )
    if result.clean:
        return
    for conflict in result.conflicts:
        say(f"{name}: conflict: {describe(conflict)}", err=True)
    count = len(result.conflicts)
    say(
        f"{name}: {plural(count, 'conflict')} recorded in the file "
        "(ours kept in place); settle each, delete its [conflicts.<id>] table, and "
        "`achbench check` will pass",
        err=True,
    )
    sys.exit(EXIT_CONFLICTS)

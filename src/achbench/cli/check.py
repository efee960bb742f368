"""``achbench check``: validate matrix files, report every problem, exit 2 on any."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from achbench.analysis.wording import plural
from achbench.cli.app import EXIT_ERROR, import_hints, main
from achbench.cli.options import matrix_files
from achbench.cli.terminal import say
from achbench.core.errors import MatrixFileError
from achbench.core.validate import warnings
from achbench.store.files import read_text
from achbench.store.toml import load_data

if TYPE_CHECKING:
    from achbench.analysis.sources import SourceFinding, SourcesReport
    from achbench.core.data import MatrixData

EXIT_SOURCES = 1
"""``--sources``: a quote not found or a source changed (the files themselves are valid)."""


@main.command()
@matrix_files
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when a file is valid.")
@click.option(
    "--sources",
    "strict_sources",
    is_flag=True,
    help="Strict: exit 1 when a quote is not found in its source or a source's "
    "document has changed since it was cited (for CI).",
)
@click.option(
    "--sources-dir",
    "sources_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Look for source documents in DIR first (by their path, then by file name), "
    "then beside the matrix.",
)
def check(
    files: tuple[str, ...], quiet: bool, strict_sources: bool, sources_dir: Path | None
) -> None:
    """Check that each FILE is a valid matrix.

    Every problem is printed on stderr as FILE:LINE:COLUMN: KEY: MESSAGE (or
    FILE: KEY: MESSAGE where no line applies). A merge conflict that `achbench
    merge` recorded in the file counts as a problem until it is resolved and its
    [conflicts.<id>] table deleted. Exit status 0 when every file is valid, 2
    otherwise.

    Each cited source with a path (relative to the matrix file's folder) is read
    as UTF-8 text or Markdown (up to 50 MiB; not HTML or PDF), and every quote
    citing it is looked for (runs of white space, and typographic quotes, apostrophes
    and dashes against their ASCII forms, do not count); a document whose sha256
    differs from the recorded one is reported. A document not at hand is a note. A
    quote not found or a changed document is a warning, or with --sources an error:
    exit status 1.

    \b
    Examples:
      achbench check matrices/*.toml
      achbench check --sources --sources-dir ~/documents matrices/kazakhstan-2022.toml
    """
    failed = False
    source_problems = False
    for name in files:
        try:
            data = load_data(name)
        except MatrixFileError as exc:
            failed = True
            for line in exc.lines() + import_hints(exc):
                say(line, err=True)
            continue
        if data.get("conflicts"):
            from achbench.versioning.conflicts import problems as conflict_problems

            failed = True
            for problem in conflict_problems(data, name, read_text(name)):
                say(str(problem), err=True)
            continue
        for warning in warnings(data, name, read_text(name) if data.get("judgements") else None):
            click.echo(str(warning), err=True)
        report = _sources(data, name, sources_dir, quiet=quiet, strict=strict_sources)
        source_problems = source_problems or bool(report and report.problems)
        if not quiet:
            counts = ", ".join(
                [
                    plural(len(data["hypotheses"]), "hypothesis", "hypotheses"),
                    plural(len(data.get("evidence", {})), "evidence item"),
                    plural(len(data.get("ratings", {})), "analyst"),
                ]
            )
            summary = report.summary() if report else ""
            say(f"{name}: ok ({counts}{'; ' + summary if summary else ''})")
    if failed:
        sys.exit(EXIT_ERROR)
    if strict_sources and source_problems:
        sys.exit(EXIT_SOURCES)


def _sources(
    data: MatrixData, name: str, folder: Path | None, *, quiet: bool, strict: bool
) -> SourcesReport | None:
    """Check the quotes of a valid matrix against its documents; print each finding.

    Nothing is imported or read for a matrix that cites no source."""
    if not data.get("sources"):
        return None
    from achbench.analysis.sources import check_sources

    report = check_sources(data, name, folder)
    shown = [f for f in report.findings if f.severity == "problem" or not quiet]
    if shown:
        for line in _lines(shown, name, strict):
            say(line, err=True)
    return report


def _lines(findings: list[SourceFinding], name: str, strict: bool) -> list[str]:
    """Each finding as FILE:LINE:COLUMN: KEY: MESSAGE; a problem is a warning unless strict."""
    from achbench.core.validate import located

    def worded(finding: SourceFinding) -> str:
        prefix = "warning: " if finding.severity == "problem" and not strict else ""
        return prefix + finding.message

    found = [(finding.loc, worded(finding)) for finding in findings]
    return [str(problem) for problem in located(name, read_text(name), found, ordered=False)]

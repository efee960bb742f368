"""``achbench import`` and ``achbench export``: matrices in and out of other formats.

Both commands are thin: the formats live in ``achbench.formats``.  What a
conversion cannot carry, or had to assume, is printed on stderr as warnings and
notes; stdout carries only an exported file sent there with ``-o -``.  Neither
command overwrites an existing file unless ``--force`` is given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from achbench.analysis.wording import plural
from achbench.cli.app import main, reports_errors
from achbench.cli.options import csv_formulas, csv_formulas_option
from achbench.cli.terminal import say
from achbench.core.errors import UsageError
from achbench.core.text import visible
from achbench.core.vocabulary import ID_HELP, is_id
from achbench.formats import FORMATS, Report, format_of, read_matrix, write_matrix
from achbench.store.atomic import write_atomic

F = TypeVar("F", bound=Callable[..., Any])

transpose_option = click.option(
    "--transpose/--no-transpose",
    default=None,
    help="CSV only: the grid's rows are evidence and its columns hypotheses (Heuer's "
    "orientation). Export default: rows are hypotheses. Import default: guessed.",
)
force_option = click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")


def output_option(default: str) -> Callable[[F], F]:
    """``-o/--output`` with the default named in its help."""
    return click.option(
        "--output",
        "-o",
        metavar="OUT",
        help=f"File to write; '-' writes to stdout. Default: {default}.",
    )


def _print_report(report: Report) -> None:
    for line in report.lines():
        say(line, err=True)


def _target(source: str, output: str | None, suffix: str, force: bool) -> Path | None:
    """The output path (None for stdout), refusing to overwrite without --force."""
    if output == "-":
        return None
    target = Path(output) if output else Path(source).with_suffix(suffix)
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; give a file name with -o")
    if target.exists() and not force:
        raise UsageError(
            f"{target}: already exists; use --force to overwrite it, or -o to write elsewhere"
        )
    return target


def _to_stdout(payload: bytes) -> None:
    """Write a converted file to stdout: as it is into a pipe or a file, with control
    characters shown as escapes (``visible``) on a terminal, which would act on them."""
    if sys.stdout.isatty():
        payload = visible(payload.decode("utf-8", errors="replace")).encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()


def _check_analyst(analyst: str | None) -> None:
    if analyst is not None and not is_id(analyst):
        raise UsageError(f"--analyst {analyst!r} is not a valid name: {ID_HELP}")


@main.command("import")
@click.argument("file", type=click.Path(path_type=str))
@output_option("FILE with the suffix .toml")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(FORMATS),
    help="Format of FILE. Default: from its suffix (.achz, .csv, .tsv, .json, .xlsx).",
)
@click.option(
    "--analyst",
    "-a",
    metavar="NAME",
    help="File the imported ratings under NAME. Default: the name the file gives, "
    "else 'analyst'. PARC ACH, CSV and Excel grids only.",
)
@transpose_option
@force_option
@reports_errors
def import_(
    file: str,
    output: str | None,
    source_format: str | None,
    analyst: str | None,
    transpose: bool | None,
    force: bool,
) -> None:
    """Import FILE (PARC ACH .achz, CSV, JSON or an Excel .xlsx workbook) as a matrix.

    Writes FILE with a .toml suffix, or OUT, and never overwrites an existing
    file without --force. Notes (what was assumed) and warnings (what could not
    be carried over) are printed on stderr; any error exits with status 2 and
    nothing is written.

    A CSV file or workbook may be achbench's own export or a plain grid typed
    in a spreadsheet: labels in the first row and column, codes in the cells
    (CC C N I II NA in any case, or ++ + 0 - --).

    \b
    Examples:
      achbench import project.achz
      achbench import grid.csv -o matrices/grid.toml --transpose
      achbench import book.xlsx
      achbench import project.achz --analyst alice -o alice.toml
    """
    from achbench.core.validate import validate_data
    from achbench.store.toml import dumps, save

    fmt = source_format or format_of(file)
    if fmt is None:
        raise UsageError(
            f"{file}: cannot tell the format from the suffix; say --from {'|'.join(FORMATS)}"
        )
    _check_analyst(analyst)
    if fmt == "json" and analyst is not None:
        raise UsageError(
            "--analyst applies to achz, csv and xlsx; a JSON matrix names its analysts"
        )
    if fmt not in ("csv", "xlsx") and transpose is not None:
        raise UsageError("--transpose applies to CSV and xlsx only")
    target = _target(file, output, ".toml", force)
    report = Report(file)
    try:
        data = validate_data(read_matrix(file, fmt, report, analyst, transpose), file)
    finally:
        _print_report(report)
    if target is None:
        _to_stdout(dumps(data).encode("utf-8"))
        return
    save(data, target, force=force)
    counts = [
        plural(len(data["hypotheses"]), "hypothesis", "hypotheses"),
        plural(len(data.get("evidence", {})), "evidence item"),
    ]
    say(f"wrote {target} ({', '.join(counts)})", err=True)


@main.command("export")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--to",
    "target_format",
    type=click.Choice(FORMATS),
    help="Format to write. Default: from the suffix of OUT.",
)
@output_option("FILE with the new format's suffix")
@click.option(
    "--analyst",
    "-a",
    metavar="NAME",
    help="Whose ratings to write (achz, csv and xlsx hold one analyst). Default: the matrix's "
    "default analyst, else the first.",
)
@transpose_option
@click.option(
    "--bom",
    is_flag=True,
    help="CSV only: start with a UTF-8 byte-order mark, which Excel needs to read UTF-8.",
)
@csv_formulas_option
@force_option
@reports_errors
def export(
    file: str,
    target_format: str | None,
    output: str | None,
    analyst: str | None,
    transpose: bool | None,
    bom: bool,
    csv_formulas_choice: str | None,
    force: bool,
) -> None:
    """Export the matrix FILE as PARC ACH (.achz), CSV, JSON or an Excel workbook (.xlsx).

    Writes FILE with the new suffix, or OUT ('-' for stdout), and never
    overwrites an existing file without --force. Whatever the target format
    cannot hold (a second analyst, hypothesis descriptions, milestones in PARC
    ACH...) is listed as a warning on stderr.

    \b
    Examples:
      achbench export matrices/kazakhstan-2022.toml --to achz
      achbench export m.toml --to csv --transpose -o - > grid.csv
      achbench export m.toml -o m.json
      achbench export m.toml -o m.xlsx
    """
    from achbench.store.toml import load_data

    fmt = target_format or (format_of(output) if output and output != "-" else None)
    if fmt is None:
        raise UsageError(f"say which format to write: --to {'|'.join(FORMATS)}")
    _check_analyst(analyst)
    if fmt == "json" and analyst is not None:
        raise UsageError("--analyst applies to achz, csv and xlsx; JSON holds every analyst")
    if fmt != "csv" and (transpose is not None or bom):
        raise UsageError("--transpose and --bom apply to CSV only")
    quote_formulas = csv_formulas(csv_formulas_choice, fmt)
    target = _target(file, output, f".{fmt}", force)
    if target is None and fmt in ("achz", "xlsx") and sys.stdout.isatty():
        raise UsageError(f"an .{fmt} file is binary: give -o FILE rather than a terminal")
    data = load_data(file)
    report = Report(file)
    try:
        payload = write_matrix(data, fmt, report, analyst, bool(transpose), quote_formulas)
    finally:
        _print_report(report)
    if fmt == "csv" and bom:
        payload = b"\xef\xbb\xbf" + payload
    if target is None:
        _to_stdout(payload)
        return
    write_atomic(target, payload, force=force)
    say(f"wrote {target}", err=True)

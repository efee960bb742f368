"""``achbench report``: Heuer's step 7, the whole analysis as Markdown, HTML or PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from achbench.cli.app import main, reports_errors
from achbench.cli.options import (
    analyst_option,
    format_option,
    load_matrix,
    matrix_files,
    method_option,
)
from achbench.core.errors import SaveError, UsageError


def write_report(path: Path, text: str | bytes, force: bool = False) -> None:
    """Write the report through the one atomic writer: a failed write never leaves
    half a report, a link is followed as a save follows it, a read-only file is
    replaced only with --force, and the message says it was the report that could
    not be written."""
    from achbench.store.atomic import write_atomic

    try:
        write_atomic(path, text.encode("utf-8") if isinstance(text, str) else text, force=force)
    except SaveError as exc:
        raise SaveError(
            str(exc).replace(": cannot save: ", ": cannot write the report: ", 1)
        ) from None


@main.command()
@matrix_files
@method_option
@analyst_option
@format_option("markdown", "html", "pdf", default="markdown")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT even if it is read-only.")
@click.option(
    "--steps",
    type=click.Choice(["any", "one"]),
    default="any",
    show_default=True,
    help="How far one rating change may go in the sensitivity findings.",
)
@reports_errors
def report(
    files: tuple[str, ...],
    method: str,
    analysts: tuple[str, ...],
    output_format: str,
    output: Path | None,
    force: bool,
    steps: str,
) -> None:
    """Write a report on FILE: the question, every hypothesis ranked under every
    method, the matrix, the most diagnostic evidence, the sensitivity findings,
    disagreement between analysts, and the milestones.

    --method chooses the order and the sensitivity findings; all four methods
    are shown side by side. The HTML is one self-contained file (inline CSS and
    SVG charts, no script, nothing fetched). PDF is that page printed by
    headless Chromium (which must be installed), a section never split
    across pages where it fits on one, the charts kept as vector drawings.

    \b
    Examples:
      achbench report matrices/kazakhstan-2022.toml > report.md
      achbench report matrices/kazakhstan-2022.toml --format html -o report.html
      achbench report alice.toml bob.toml --method bayes --format html -o team.html
      achbench report matrices/kazakhstan-2022.toml --format pdf -o report.pdf
    """
    from achbench.report.content import build, with_history

    if output_format == "pdf":
        from achbench.report.pdf import INSTALL_HINT, find_browser

        if find_browser() is None:
            raise UsageError(INSTALL_HINT)
        if output is None and sys.stdout.isatty():
            raise UsageError("a PDF is binary: give -o FILE rather than a terminal")
    data, chosen = load_matrix(files, analysts, warn_conflicts=True)
    content = build(data, method, chosen, steps)
    if output_format != "markdown" and len(files) == 1:
        content = with_history(content, files[0])
    if output_format == "pdf":
        from achbench.report.html import render as render_html
        from achbench.report.pdf import html_to_pdf

        pdf = html_to_pdf(render_html(content))
        if output is None:
            sys.stdout.buffer.write(pdf)
            sys.stdout.buffer.flush()
        else:
            write_report(output, pdf, force)
        return
    if output_format == "html":
        from achbench.report.html import render
    else:
        from achbench.report.markdown import render
    text = render(content)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_report(output, text, force)

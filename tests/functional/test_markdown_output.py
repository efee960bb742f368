"""Every command that prints Markdown escapes user text the same way (report.markdown_text).

A title like ``a <b>bold</b> | pipe`` once came out of ``achbench rank -f markdown``
as raw HTML and an extra table cell.  Each command here prints a matrix whose
titles hold HTML, pipes, line breaks and Markdown's formatting characters; the
output must hold no raw tag, every table row must have as many cells as its
header, and a CommonMark renderer with tables must show the titles as typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from achbench.cli import main
from achbench.store.toml import dumps
from tests.helpers import markdown_cells as cells
from tests.helpers import markdown_tables as tables
from tests.helpers import small_matrix

BOLD = "a <b>bold</b> | pipe"
"""The title of the bug report."""

MIXED = "two\r\nlines | back\\slash `tick` *star* _under_ [link](x) ~strike~ & <i>it</i>\nend"
"""Every character the escaper handles, with a carriage return and line feeds."""

RAW_TAGS = ("<b>", "</b>", "<i>", "</i>")

DELIMITER_ROW = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")


def hostile(analyst: str = "ann", *, retitled: bool = False) -> dict:
    """The small matrix with hostile titles everywhere, and a milestone that refutes the leader."""
    return small_matrix(
        title=f"Matrix {BOLD}",
        question=MIXED,
        analyst=analyst,
        hypotheses={
            "H1": {"title": BOLD + (" again" if retitled else ""), "description": MIXED},
            "H2": {"title": MIXED},
            "H3": {"title": "Third"},
        },
        evidence={
            "E1": {"title": BOLD, "credibility": "high", "relevance": "high", "notes": MIXED},
            "E2": {"title": MIXED},
            "E3": {"title": "Three | 3", "credibility": "low"},
        },
        ratings={
            analyst: {
                "E1": {"H1": "C", "H2": "I", "H3": "II"},
                "E2": {"H1": "N", "H2": "C" if retitled else "I", "H3": "I"},
                "E3": {"H1": "I", "H2": "N", "H3": "NA"},
            }
        },
        milestones={
            "M1": {
                "hypothesis": "H1",
                "title": MIXED,
                "expect": "refutes",
                "status": "observed",
            }
        },
    )


def write(tmp_path: Path, data: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_text(dumps(data), encoding="utf-8")
    return path


def check_markdown(text: str) -> None:
    # A code span (diff's old and new values) shows its text literally: no HTML there.
    outside_code = re.sub(r"`[^`\n]*`", "", text)
    for tag in RAW_TAGS:
        assert tag not in outside_code, f"raw {tag} in the Markdown"
    found = tables(text)
    assert found, "no table in the output"
    for lines in found:
        header, delimiter, *rows = lines
        assert DELIMITER_ROW.match(delimiter), delimiter
        width = len(cells(header))
        assert len(cells(delimiter)) == width, (header, delimiter)
        for line in rows:
            assert len(cells(line)) == width, f"{len(cells(line))} cells, not {width}: {line}"
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    for tag in RAW_TAGS:
        assert tag not in html, f"{tag} renders as HTML"
    assert "a &lt;b&gt;bold&lt;/b&gt; | pipe" in html, "the title does not read as typed"
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        assert row.count("<td") + row.count("<th") == row.count("</t"), row


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["rank", "-f", "markdown", "--sort", "file"],
        ["rank", "-f", "markdown", "--method", "opensynthesis", "--sort", "diagnosticity"],
        ["sensitivity", "-f", "markdown", "--all"],
        ["sensitivity", "-f", "markdown", "--method", "weighted"],
        ["report", "--format", "markdown"],
    ],
    ids=lambda command: " ".join(command),
)
def test_one_matrix_commands_escape_titles(tmp_path: Path, command: list[str]) -> None:
    path = write(tmp_path, hostile(), "m.toml")
    check_markdown(run(command[0], str(path), *command[1:]))


@pytest.mark.parametrize("command", ["consensus", "report"])
def test_several_analysts_escape_titles(tmp_path: Path, command: str) -> None:
    ann = write(tmp_path, hostile("ann"), "ann.toml")
    data = hostile("bob")
    data["ratings"]["bob"]["E1"]["H1"] = "II"
    bob = write(tmp_path, data, "bob.toml")
    extra = ["--all"] if command == "consensus" else []
    text = run(command, str(ann), str(bob), "-f", "markdown", *extra)
    if command == "consensus":
        # The consensus tables hold ids and codes only; the title is in the heading.
        for tag in RAW_TAGS:
            assert tag not in text
        assert text.startswith("# Consensus: Matrix a &lt;b&gt;bold&lt;/b&gt; \\| pipe")
        for lines in tables(text):
            width = len(cells(lines[0]))
            assert all(len(cells(line)) == width for line in lines)
    else:
        check_markdown(text)


def test_diff_escapes_titles(tmp_path: Path) -> None:
    old = write(tmp_path, hostile(), "old.toml")
    new = write(tmp_path, hostile(retitled=True), "new.toml")
    check_markdown(run("diff", str(old), str(new), "--format", "markdown"))

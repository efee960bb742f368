"""Issue 12, point 2: one rule for untrusted text, on every output (``achbench.core.text``).

Hypothesis writes arbitrary Unicode, mixed with the pieces an attacker would use
(ESC and C1 sequences, Rich markup, Markdown and HTML, carriage returns, formula
prefixes), into every title-like field of a matrix and into its file name, then
runs every command that prints and checks each output by its own rule:

* nothing: no raw control character but a line feed or a tab, on stdout or stderr;
* terminal tables: the markup in a title prints literally (``[bold red]``, ``[/x]``,
  ``[link=...]``, ``:smile:``), and the command does not fail;
* Markdown: every table row keeps its header's cell count, no raw tag survives;
* HTML: the title appears as ``html.escape(visible(title))``, no raw tag survives;
* JSON: titles decode to exactly what the file holds;
* CSV: no text cell starts with a formula prefix, unless ``--csv-formulas keep``;
  an export imports back to the same matrix.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import escape as html_escape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from achbench.cli import main
from achbench.core.text import (
    FORMULA_PREFIXES,
    formula_restored,
    formula_safe,
    has_raw_controls,
    json_safe,
    one_line,
    visible,
)
from achbench.report.markdown_text import escape as markdown_escape
from achbench.store.toml import dumps, load_data
from tests.helpers import markdown_cells, markdown_tables, small_matrix

MARKUP = ("[/x] closing", "[bold red]loud[/]", "[link=https://e.vil]click[/link]", ":smile:")
"""Rich markup and emoji codes: each must print as typed."""

ATTACKS = (
    *MARKUP,
    "\x1b]0;pwned\x07",  # OSC: retitle the terminal
    "\x1b]8;;https://e.vil\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x1b[31m",
    "\u009b31m",  # C1 CSI
    "\u009d0;pwned\u009c",  # C1 OSC ... ST
    "\x07\x08\x7f\x00",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![i](https://e.vil/x.png)",
    "[a](javascript:alert(1))",
    "| a | b |",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "=1+1",
    "+1",
    "-1.5",
    "@SUM(A1)",
    "\t=x",
    "\r=x",
    "'=x",
    "**b** _i_ `c` ~s~",
    "\\",
    "&amp;",
)

piece = st.sampled_from(ATTACKS) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=5)
hostile = st.lists(piece, min_size=1, max_size=4).map("".join).filter(lambda s: s.strip() != "")
"""A title-like text: never blank (titles may not be), anything else goes."""

FILE_NAMES = (
    "m.toml",
    "m\x1b]0;pwned\x07.toml",
    "[bold red]m :smile: \u009b31m.toml",
    "m\r\nx.toml",
    "=m.toml",
)

RAW_TAGS = ("<script", "<img", "<b>", "</b>")

LINK = re.compile(r"(?<!\\)\]\((?:javascript|https://e\.vil)")
"""A Markdown link or image of ours: ``](`` that no backslash escapes."""


@st.composite
def matrices(draw: st.DrawFn) -> dict[str, Any]:
    """The small matrix with hostile text in every title-like field, two analysts who
    disagree, and a milestone that refutes the leader (so warnings print too)."""
    text = hostile
    data = small_matrix(
        title=draw(text),
        question=draw(text),
        classification=draw(text),
        hypotheses={
            "H1": {"title": draw(text), "description": draw(text)},
            "H2": {"title": draw(text)},
            "H3": {"title": draw(text)},
        },
        evidence={
            "E1": {
                "title": draw(text),
                "source": draw(text),
                "notes": draw(text),
                "credibility": "high",
            },
            "E2": {"title": draw(text), "kind": draw(text), "link": draw(text)},
            "E3": {"title": draw(text), "code": draw(text)},
        },
        milestones={
            "M1": {
                "hypothesis": "H1",
                "title": draw(text),
                "expect": "refutes",
                "status": "observed",
                "notes": draw(text),
            }
        },
    )
    data["ratings"]["bob"] = {"E1": {"H1": "II", "H2": "C"}, "E2": {"H1": "C", "H3": "CC"}}
    return data


OUR_STYLES = re.compile(r"\x1b\[[0-9;]*m")
"""The only escape sequences achbench writes itself: colours, with --color always."""


def run(*args: str) -> Result:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    for stream in (result.stdout, result.stderr):
        shown = OUR_STYLES.sub("", stream) if "always" in args else stream
        assert not has_raw_controls(shown), f"raw control character in {args}: {stream!r}"
    return result


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def check_markdown(text: str) -> None:
    # A code span (diff's old and new values) shows its text literally: no HTML there.
    outside_code = re.sub(r"`[^`\n]*`", "", text)
    for tag in RAW_TAGS:
        assert tag not in outside_code, f"raw {tag} in the Markdown"
    assert not LINK.search(outside_code), "a link survived"
    for lines in markdown_tables(text):
        width = len(markdown_cells(lines[0]))
        for line in lines:
            assert len(markdown_cells(line)) == width, f"not {width} cells: {line!r}"


def check_table(text: str, *titles: str) -> None:
    for title in titles:
        for snippet in MARKUP:
            if snippet in title:
                assert snippet in text, f"{snippet!r} did not print as typed"
    assert "😄" not in text


def check_no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(FORMULA_PREFIXES), f"formula cell {cell!r}"


def _save(folder: Path, name: str, data: dict[str, Any]) -> str:
    path = folder / name
    path.write_text(dumps(data), encoding="utf-8")
    return str(path)


SETTINGS = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=matrices(), name=st.sampled_from(FILE_NAMES))
@example(
    data=small_matrix(
        title="[/x] closing \x1b]0;pwned\x07 [bold red]loud[/] :smile:",
        hypotheses={
            "H1": {"title": "[link=https://e.vil]click[/link]\r=1+1"},
            "H2": {"title": "\u009b31m| a | b |\r\n<script>alert(1)</script>"},
            "H3": {"title": "-1.5"},
        },
    ),
    name="m\x1b]0;pwned\x07.toml",
)
def test_every_reading_command_keeps_user_text_inert(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any], name: str
) -> None:
    folder = tmp_path_factory.mktemp("untrusted")
    path = _save(folder, name, data)
    title = data["title"]
    hypothesis_titles = [h["title"] for h in data["hypotheses"].values()]

    # rank: table, Markdown, JSON, CSV (quoted and kept)
    check_table(run("rank", path, "--sort", "diagnosticity").stdout, title, *hypothesis_titles)
    check_markdown(run("rank", path, "-f", "markdown", "--sort", "file").stdout)
    ranked = json.loads(run("rank", path, "-f", "json").stdout)
    by_id = {h["id"]: h["title"] for h in ranked["hypotheses"]}
    assert by_id == {h: v["title"] for h, v in data["hypotheses"].items()}
    quoted = [row[2] for row in csv_rows(run("rank", path, "-f", "csv").stdout)[1:]]
    check_no_formula(quoted)
    assert set(quoted) == {formula_safe(visible(t)) for t in hypothesis_titles}
    kept = csv_rows(run("rank", path, "-f", "csv", "--csv-formulas", "keep").stdout)
    assert {row[2] for row in kept[1:]} == {visible(t) for t in hypothesis_titles}

    # sensitivity and consensus: table, Markdown, JSON
    for command, extra in (("sensitivity", ["--all"]), ("consensus", ["--all"])):
        check_table(run(command, path, *extra).stdout, title)
        check_markdown(run(command, path, "-f", "markdown", *extra).stdout)
        assert json.loads(run(command, path, "-f", "json").stdout)["title"] == title

    # the report, to stdout
    markdown = run("report", path).stdout
    check_markdown(markdown)
    assert markdown_escape(title) in markdown
    page = run("report", path, "-f", "html").stdout
    assert html_escape(visible(title), quote=True) in page
    assert "<script" not in page
    assert "<img" not in page

    # diff, text and Markdown, and git's drivers
    changed = json.loads(json.dumps(data))
    for item in (*changed["hypotheses"].values(), *changed["evidence"].values()):
        item["title"] = item["title"][::-1] + " (new)"
    changed["question"] = title
    other = _save(folder, "other.toml", changed)
    text = run("diff", path, other).stdout
    assert text.startswith(one_line(f"achbench diff {path} {other}") + "\n")
    run("diff", path, other, "--color", "always")
    check_markdown(run("diff", path, other, "-f", "markdown").stdout)
    assert json.loads(run("diff", path, other, "-f", "json").stdout)["new"] == other
    run("git-textconv", path)
    run("git-diff-driver", name, path, "0" * 7, "100644", other, "1" * 7, "100644")

    # check, and errors that quote file names
    checked = run("check", path)
    assert checked.stdout.startswith(one_line(path) + ": ok (3 hypotheses, 3 evidence items, ")
    assert checked.stdout.count("\n") == 1
    stranger = _save(folder, "stranger\x1b[2J.toml", small_matrix(hypotheses={"X": {"title": "x"}}))
    refused = run("rank", path, stranger)
    assert refused.exit_code == 2
    assert len(refused.stderr.splitlines()) == 1


@SETTINGS
@given(data=matrices())
def test_csv_export_quotes_formulas_and_imports_back(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("csv")
    del data["ratings"]["bob"]
    path = _save(folder, "m.toml", data)
    exported = folder / "m.csv"
    assert run("export", path, "-o", str(exported)).exit_code == 0
    rows = csv_rows(exported.read_bytes().decode("utf-8"))
    check_no_formula([cell for row in rows for cell in row])
    back = folder / "back.toml"
    assert run("import", str(exported), "-o", str(back)).exit_code == 0
    assert load_data(back) == load_data(path)

    raw = folder / "raw.csv"
    assert run("export", path, "-o", str(raw), "--csv-formulas", "keep").exit_code == 0
    rows = csv_rows(raw.read_bytes().decode("utf-8"))
    matrix_row = rows[rows.index(["[matrix]"]) + 2]
    assert matrix_row[1] == data["title"]


# --- the rule itself, by example ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\x1b]0;x\x07b", "a\\x1b]0;x\\x07b"),
        ("csi \u009b31m", "csi \\x9b31m"),
        ("del \x7f nul \x00", "del \\x7f nul \\x00"),
        ("two\nlines\tand tab", "two\nlines\tand tab"),
        ("crlf\r\nline", "crlf\nline"),
        ("over\rwrite", "over\\rwrite"),
    ],
)
def test_visible_shows_control_characters_as_escapes(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert not has_raw_controls(shown)


def test_one_line_also_shows_line_breaks() -> None:
    assert one_line("a\nb\r\nc\td") == "a\\nb\\r\\nc\td"
    assert not has_raw_controls(one_line("a\nb"), lines=False)


def test_json_safe_escapes_del_and_c1_without_changing_the_data() -> None:
    text = json.dumps({"t": "x\u009by\x7f"}, ensure_ascii=False)
    safe = json_safe(text)
    assert "\u009b" not in safe
    assert "\x7f" not in safe
    assert json.loads(safe) == {"t": "x\u009by\x7f"}


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("'=x", "''=x"),
        ("''-", "'''-"),
        ("'quoted", "'quoted"),
        ("plain = fine", "plain = fine"),
        ("", ""),
    ],
)
def test_formula_prefixes_are_quoted_and_the_quote_comes_off(cell: str, written: str) -> None:
    assert formula_safe(cell) == written
    assert formula_restored(written) == cell

"""The command line's plain-text table (achbench.cli.table): layout, folding, colour, untrusted text."""

from __future__ import annotations

from achbench.cli.table import RULE, Column, Table, cell_width, styled


def _table() -> Table:
    table = Table(
        [Column("Rank", justify="right"), Column("Title", flex=1, min_width=5), Column("Id")],
        title="A title",
        caption="A caption",
    )
    table.add_row("1", "a long title that has to fold onto more lines", "H1")
    table.add_row("10", "short", "H22", style="bold")
    return table


def test_the_table_fits_the_width_and_folds_the_flexible_column() -> None:
    lines = _table().render(30).splitlines()
    assert lines[0] == "A title"
    assert lines[1] == ""
    assert lines[2].split() == ["Rank", "Title", "Id"]
    assert set(lines[3].strip()) == {RULE}
    assert max(cell_width(line) for line in lines) <= 30
    body = lines[4:-2]
    assert body[0].split()[0] == "1"
    assert body[0].rstrip().endswith("H1")
    assert len(body) > 2  # the long title took continuation lines
    words = " ".join(body).split()
    assert all(word in words for word in ["long", "title", "fold", "onto", "more", "lines"])
    assert lines[-1] == "A caption"


def test_right_justified_cells_line_up() -> None:
    lines = _table().render(200).splitlines()
    ones = next(line for line in lines if "H1" in line)
    tens = next(line for line in lines if "H22" in line)
    assert ones.index("1") == tens.index("10") + 1


def test_styles_only_with_colour_and_cells_shown_as_visible() -> None:
    table = Table([Column("Title")])
    table.add_row("\x1b]0;pwned\x07 [bold]x[/]", style="bold red")
    plain = table.render(80)
    assert "\x1b" not in plain
    assert "\\x1b]0;pwned\\x07 [bold]x[/]" in plain
    assert "\x1b[" in table.render(80, colour=True)
    assert styled("x", "yellow", False) == "x"


def test_wide_characters_count_two_cells() -> None:
    assert cell_width("日本") == 4
    table = Table([Column("T", flex=1, min_width=4)])
    table.add_row("日本語のタイトル")
    assert all(cell_width(line) <= 12 for line in table.render(12).splitlines())

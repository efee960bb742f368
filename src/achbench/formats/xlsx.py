"""Excel workbooks (``.xlsx``): the matrix as sheets an analyst can sort, filter and print.

Many analysts keep ACH matrices in Excel.  ``write_xlsx`` gives them a workbook
that reads like the editor; ``read_xlsx`` takes that workbook back, and also a
plain grid typed by hand.  Sheets written (``docs/formats.md`` has the detail):

    Grid         a row per evidence item (Heuer's orientation): id, title,
                 credibility, relevance, then a code under each hypothesis;
                 codes coloured as in the editor (conditional formats, so a code
                 typed in Excel takes its colour too) with a drop-down of codes;
                 header row and the four item columns frozen
    Hypotheses   id, title, description, prior
    Evidence     id and every evidence field
    Sources      when the matrix has sources (a later format version)
    Assumptions  when it has key assumptions (arrays of ids as ``A1 A2``, as in CSV)
    Milestones   when it has milestones
    Rationale    when it has rationale (a later format version)
    Ranking      each hypothesis's rank and score under every method (derived:
                 never read back)
    Matrix       format, title, question, analyst, classification

The Grid holds one analyst's ratings, like the CSV grid; the others are reported.

Reading turns each sheet into rows of cell text and hands them to the CSV
reader's rules (``csv_grid.read_sections``): the same orientation guess, code
spellings (``CC``..``NA`` in any case, ``++ + 0 - --``), generated ids and
notes.  Problems are located as ``BOOK.xlsx: Sheet!B7: ...``.  What a workbook
may hold that a matrix cannot is refused or reported, never a traceback:
merged cells are refused (one value a cell), hidden sheets are skipped with a
warning, a formula is read as the value Excel saved for it, and a workbook that
unpacks to more than ``MAX_UNPACKED`` bytes is refused before it is parsed.
openpyxl parses the XML through defusedxml, which achbench depends on.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, cast

from achbench.core.data import TABLE_KEYS, MatrixData
from achbench.core.errors import MatrixFileError, Problem
from achbench.core.vocabulary import CODES, FORMAT, ID_RE, LEVELS, METHODS, Code
from achbench.formats.conversion import Report, fail, pick_analyst
from achbench.formats.csv_grid import (
    ASSUMPTION_COLUMNS,
    EVIDENCE_COLUMNS,
    HYPOTHESIS_COLUMNS,
    MATRIX_COLUMNS,
    MILESTONE_COLUMNS,
    Record,
    Sections,
    read_sections,
    with_id_lists,
)
from achbench.scoring.methods import Grid, score

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

MAX_UNPACKED = 64 * 1024 * 1024
"""The most a workbook may unpack to (64 MiB: about 50 hypotheses by 25,000 items).

openpyxl holds every cell in memory; this keeps a hostile or accidental giant
from taking the machine, and is checked before any XML is parsed."""

CODE_COLOURS: dict[Code, tuple[str, str, bool]] = dict(
    zip(
        CODES,
        (
            ("2E7D32", "FFFFFF", True),
            ("A5D6A7", "1D1D1D", False),
            ("EEEEEE", "1D1D1D", False),
            ("FFAB91", "1D1D1D", False),
            ("C62828", "FFFFFF", True),
            ("FFFFFF", "888888", False),
        ),
        strict=True,
    )
)
"""Fill, text colour and boldness of each code, in scale order: the editor's scheme (consistent
green, inconsistent red, the strong codes bold on a dark fill, NA dim), in the
light fills the HTML report uses, which print and read well on white."""

SHEETS = (
    "Grid",
    "Hypotheses",
    "Evidence",
    "Sources",
    "Assumptions",
    "Milestones",
    "Rationale",
    "Ranking",
)
"""The sheets in the order written; ``Matrix`` comes last."""

_SECTION_SHEETS = (
    "hypotheses",
    "evidence",
    "sources",
    "assumptions",
    "milestones",
    "rationale",
    "matrix",
)
"""Sheets read as the CSV layout's sections of the same name."""
_DERIVED = ("ranking",)
"""Sheets written for people and never read back."""
_LEVEL_COLUMNS = ("credibility", "relevance")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters an .xlsx cell cannot hold (XML 1.0 forbids them)."""
_EXCEL_MAX_TEXT = 32767
_FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
"""Excel's serial dates are wrong before this day (its 1900 leap-year bug): earlier
dates are written as text."""
_HEADER_FILL = "F0F0EB"


# --- writing -----------------------------------------------------------------


def write_xlsx(data: MatrixData, report: Report, analyst: str | None = None) -> bytes:
    """The workbook's bytes; what it cannot hold goes in ``report``."""
    from openpyxl import Workbook

    chosen = pick_analyst(data, analyst, report, "the workbook's grid")
    book = Workbook(write_only=True)
    writer = _Writer(book, report)
    writer.grid(data, chosen)
    writer.table("Hypotheses", HYPOTHESIS_COLUMNS, data["hypotheses"], "hypotheses")
    evidence = with_id_lists(data.get("evidence", {}))
    writer.table("Evidence", EVIDENCE_COLUMNS, evidence, "evidence")
    tables: Mapping[str, object] = data
    if isinstance(sources := tables.get("sources"), Mapping) and sources:
        writer.table("Sources", _columns("sources", sources), sources, "sources")
    if assumptions := data.get("assumptions"):
        listed = with_id_lists(assumptions)
        writer.table("Assumptions", ASSUMPTION_COLUMNS, listed, "assumptions")
    if milestones := data.get("milestones"):
        writer.table("Milestones", MILESTONE_COLUMNS, milestones, "milestones")
    if isinstance(rationale := tables.get("rationale"), Mapping) and rationale:
        writer.rationale(rationale)
    writer.ranking(data, chosen)
    held = {"hypotheses", "evidence", "ratings", "sources", "assumptions", "milestones"}
    held.add("rationale")
    for key, value in tables.items():
        if key not in held and key not in MATRIX_COLUMNS and value:
            report.warn(f"the workbook has no sheet for {key} yet; left out", key=key)
    meta: Mapping[str, object] = {
        **data,
        "analyst": chosen or data.get("analyst"),
        "format": FORMAT,
    }
    writer.table("Matrix", MATRIX_COLUMNS, {"": meta}, "", with_id=False)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _columns(name: str, table: Mapping[str, object]) -> tuple[str, ...]:
    """``id`` and a table's keys: the format's order where it has one, else as met."""
    known = TABLE_KEYS.get(name)
    if known is not None:
        return ("id", *known)
    seen: dict[str, None] = {}
    for item in table.values():
        if isinstance(item, Mapping):
            seen.update(dict.fromkeys(str(k) for k in item))
    return ("id", *seen)


def _letter(index: int) -> str:
    """Column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class _Writer:
    """Adds sheets to a write-only workbook, cleaning text a cell cannot hold."""

    def __init__(self, book: Workbook, report: Report) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.book = book
        self.report = report
        self.header_font = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
        self.centre = Alignment(horizontal="center")

    def sheet(self, title: str, widths: Sequence[float], freeze: str) -> WriteOnlyWorksheet:
        sheet = cast("WriteOnlyWorksheet", self.book.create_sheet(title))
        from openpyxl.worksheet.dimensions import DimensionHolder

        columns = vars(sheet)["column_dimensions"]  # set up by ``_setup``; not in the stubs
        assert isinstance(columns, DimensionHolder)
        for index, width in enumerate(widths):
            columns[_letter(index)].width = width
        sheet.freeze_panes = freeze
        return sheet

    def header(self, sheet: WriteOnlyWorksheet, labels: Iterable[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for label in labels:
            cell = WriteOnlyCell(sheet, value=self.text(label, "header"))
            cell.font = self.header_font
            cell.fill = self.header_fill
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)

    def text(self, value: str, key: str) -> str:
        """Text a cell can hold: control characters dropped, line ends as LF, each reported."""
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
            self.report.warn("control characters removed (a workbook cannot hold them)", key=key)
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            self.report.warn("line ends written as LF (a workbook keeps no CR)", key=key)
        if len(value) > _EXCEL_MAX_TEXT:
            self.report.warn(
                f"{len(value)} characters: Excel shows at most {_EXCEL_MAX_TEXT} a cell "
                "(achbench reads them all back)",
                key=key,
            )
        return value

    def value(self, sheet: WriteOnlyWorksheet, value: object, key: str) -> object:
        """A cell for one field: text stays text (never a formula), dates are dates."""
        from openpyxl.cell import WriteOnlyCell

        if value is None:
            return None
        if isinstance(value, bool):
            return "yes" if value else ""
        if isinstance(value, int | float):
            if float(f"{value:.15g}") == value:
                return value
            return repr(value)  # Excel keeps 15 digits: as text, nothing is lost
        if isinstance(value, dt.date):
            if value < _FIRST_EXCEL_DATE:
                return value.isoformat()
            cell = WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
            cell.number_format = "yyyy-mm-dd"
            return cell
        text = self.text(str(value), key)
        if text.startswith("="):  # text, not a formula: "=x" stays "=x"
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            return cell
        return text

    def grid(self, data: MatrixData, analyst: str | None) -> None:
        from openpyxl.formatting.formatting import ConditionalFormattingList
        from openpyxl.formatting.rule import Rule
        from openpyxl.styles import Font, PatternFill
        from openpyxl.styles.differential import DifferentialStyle
        from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList

        hypotheses = list(data["hypotheses"])
        evidence = data.get("evidence", {})
        ratings = data.get("ratings", {}).get(analyst, {}) if analyst else {}
        sheet = self.sheet("Grid", [12, 48, 11, 11, *(7 for _ in hypotheses)], "E2")
        self.header(sheet, ["evidence", "title", *_LEVEL_COLUMNS, *hypotheses])
        for e, item in evidence.items():
            row = ratings.get(e, {})
            sheet.append(
                [
                    e,
                    self.value(sheet, item["title"], f"evidence.{e}.title"),
                    item.get("credibility"),
                    item.get("relevance"),
                    *(row.get(h) for h in hypotheses),
                ]
            )
        if not hypotheses or not evidence:
            return
        codes = f"E2:{_letter(3 + len(hypotheses))}{len(evidence) + 1}"
        # A write-only sheet has these lists (``Worksheet._setup``), its stubs do not.
        formatting = vars(sheet)["conditional_formatting"]
        validations = vars(sheet)["data_validations"]
        assert isinstance(formatting, ConditionalFormattingList)
        assert isinstance(validations, DataValidationList)
        for code, (fill, colour, bold) in CODE_COLOURS.items():
            style = DifferentialStyle(
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(color=colour, bold=bold),
            )
            rule = Rule(type="cellIs", operator="equal", formula=[f'"{code}"'], dxf=style)
            formatting.add(codes, rule)
        choices = DataValidation(type="list", formula1=f'"{",".join(CODES)}"', allow_blank=True)
        choices.add(codes)
        levels = DataValidation(type="list", formula1=f'"{",".join(LEVELS)}"', allow_blank=True)
        levels.add(f"C2:D{len(evidence) + 1}")
        validations.append(choices)
        validations.append(levels)

    def table(
        self,
        title: str,
        columns: Sequence[str],
        table: Mapping[str, object],
        key: str,
        *,
        with_id: bool = True,
    ) -> None:
        widths = [
            12 if c == "id" else 40 if c in ("title", "description", "notes") else 14
            for c in columns
        ]
        sheet = self.sheet(title, widths, "B2" if with_id else "A2")
        self.header(sheet, columns)
        for item_id, item in table.items():
            fields = item if isinstance(item, Mapping) else {}
            where = f"{key}.{item_id}." if key else ""
            cells: list[object] = [item_id] if with_id else []
            cells += [
                self.value(sheet, fields.get(c), f"{where}{c}") for c in columns[len(cells) :]
            ]
            sheet.append(cells)

    def rationale(self, rationale: Mapping[str, object]) -> None:
        sheet = self.sheet("Rationale", [12, 12, 12, 60], "A2")
        self.header(sheet, ["analyst", "evidence", "hypothesis", "note"])
        for name, by_item in rationale.items():
            for e, by_hypothesis in (by_item if isinstance(by_item, Mapping) else {}).items():
                for h, why in (by_hypothesis if isinstance(by_hypothesis, Mapping) else {}).items():
                    key = f"rationale.{name}.{e}.{h}"
                    sheet.append([name, e, h, self.value(sheet, why, key)])

    def ranking(self, data: MatrixData, analyst: str | None) -> None:
        from openpyxl.cell import WriteOnlyCell

        grid = Grid.from_data(data, [analyst] if analyst else [])
        rankings = {m: {h.id: h for h in score(grid, m).hypotheses} for m in METHODS}
        widths = [12, 40, *(9 for _ in METHODS for _ in (0, 1))]
        sheet = self.sheet("Ranking", widths, "C2")
        self.header(
            sheet,
            [
                "hypothesis",
                "title",
                *(f"{m} {part}" for m in METHODS for part in ("rank", "score")),
            ],
        )
        for h, item in data["hypotheses"].items():
            cells: list[object] = [h, self.value(sheet, item["title"], f"hypotheses.{h}.title")]
            for m in METHODS:
                place = rankings[m][h]
                value = WriteOnlyCell(sheet, value=round(place.score, 6))
                value.number_format = "0.0%" if m == "bayes" else "0.00"
                cells += [place.rank, value]
            sheet.append(cells)
        sheet.append([])
        whose = f"{analyst}'s ratings (the Grid)" if analyst else "no ratings yet"
        sheet.append(
            [
                f"Worked out from {whose}. Rank 1 leads. Scores: inconsistency for heuer, "
                "weighted and opensynthesis (lower is better); posterior probability for bayes "
                "(higher is better). This sheet is not read back."
            ]
        )


# --- reading -----------------------------------------------------------------


def read_xlsx(
    raw: bytes,
    path: str,
    report: Report,
    analyst: str | None = None,
    transpose: bool | None = None,
) -> dict[str, object]:
    """Read our workbook or a hand-typed grid into matrix data (not yet validated)."""
    from openpyxl.worksheet.worksheet import Worksheet

    book = _open(raw, path)
    visible: dict[str, Worksheet] = {}
    for sheet in book.worksheets:
        if not isinstance(sheet, Worksheet):  # a chart sheet: no cells
            report.warn("chart sheet not read", key=sheet.title)
        elif sheet.sheet_state != "visible":
            report.warn("hidden sheet not read (unhide it in Excel to import it)", key=sheet.title)
        else:
            visible.setdefault(sheet.title.strip().lower(), sheet)
    if not visible:
        raise fail(path, "no visible sheet to read")
    ours = "grid" in visible or any(name in visible for name in _SECTION_SHEETS)
    if ours:
        grid_sheet = visible.get("grid")
    else:
        grid_sheet = next(iter(visible.values()))
        report.note(f"the grid is read from sheet {grid_sheet.title!r}, the first one")
    reader = _SheetReader(path, raw, report)
    sections = Sections()
    for name, shown in visible.items():
        if shown is grid_sheet:
            sections.grid = reader.grid(shown, "evidence" not in visible)
            if "evidence" not in visible and reader.evidence:
                sections.named["evidence"] = reader.evidence
        elif ours and name in _SECTION_SHEETS:
            sections.named[name] = reader.records(shown)
        elif ours and name in _DERIVED:
            continue
        elif reader.records(shown, check=False):
            why = "it is not one achbench reads" if ours else "only the first sheet is read"
            report.warn(f"sheet not read: {why}", key=shown.title)
    reader.raise_problems()
    return read_sections(sections, path, report, analyst, transpose)


def _open(raw: bytes, path: str) -> Workbook:
    """The workbook, after checking it is one and is not too big to unpack."""
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(
            path, "an Excel 97-2003 workbook (.xls): save it as .xlsx from Excel and import that"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise fail(path, f"not an Excel workbook (.xlsx is a zip archive): {exc}") from None
    if unpacked > MAX_UNPACKED:
        raise fail(
            path,
            f"the workbook unpacks to {unpacked / 2**20:.0f} MiB; achbench reads workbooks "
            f"of at most {MAX_UNPACKED // 2**20} MiB unpacked (about 1.5 million cells)",
        )
    return _load(raw, path, data_only=False)


def _load(raw: bytes, path: str, *, data_only: bool) -> Workbook:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation
            # extensions, slicers...): none of them is matrix data.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), data_only=data_only, rich_text=False)
    except Exception as exc:  # openpyxl raises many types on a broken archive
        raise fail(path, f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}") from None


def cell_text(value: object) -> str:
    """A cell's value as the text the CSV rules read: dates ISO, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class _SheetReader:
    """Turns sheets into ``Record`` rows, gathering every refusal before failing."""

    def __init__(self, path: str, raw: bytes, report: Report) -> None:
        self.path = path
        self.raw = raw
        self.report = report
        self.problems: list[Problem] = []
        self.evidence: list[Record] = []
        """The grid's item columns as an [evidence] section, when the book has no Evidence sheet."""
        self._values: Workbook | None = None

    def raise_problems(self) -> None:
        if self.problems:
            raise MatrixFileError(self.problems)

    def saved_values(self) -> Workbook:
        """The workbook as Excel last computed it (formulas as their results), loaded once."""
        if self._values is None:
            self._values = _load(self.raw, self.path, data_only=True)
        return self._values

    def records(self, sheet: Worksheet, check: bool = True) -> list[Record]:
        """The sheet's non-blank rows as text; merged cells and formulas dealt with."""
        title = sheet.title
        if check:
            for merged in list(sheet.merged_cells.ranges)[:5]:
                self.problems.append(
                    Problem(
                        self.path,
                        "merged cells: unmerge them (achbench reads one value a cell)",
                        key=f"{title}!{merged.coord}",
                    )
                )
        out: list[Record] = []
        formulas: list[str] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [
                self.text(cell, title, formulas) if check else cell_text(cell.value) for cell in row
            ]
            while cells and not cells[-1]:
                cells.pop()
            if cells and any(c.strip() for c in cells):
                out.append(Record(cells, None, number, title))
        if formulas:
            more = f" and {len(formulas) - 1} more" if len(formulas) > 1 else ""
            self.report.note(
                f"formulas read as the values Excel saved for them ({formulas[0]}{more})", key=title
            )
        return out

    def text(self, cell: object, sheet: str, formulas: list[str]) -> str:
        value = getattr(cell, "value", None)
        if getattr(cell, "data_type", None) != "f":
            return cell_text(value)
        coordinate = str(getattr(cell, "coordinate", "?"))
        saved = self.saved_values()[sheet][coordinate].value
        if saved is None:
            self.problems.append(
                Problem(
                    self.path,
                    f"a formula ({str(value)[:40]}) with no saved value: open the workbook in "
                    "Excel and save it, or paste values",
                    key=f"{sheet}!{coordinate}",
                )
            )
            return ""
        formulas.append(coordinate)
        return cell_text(saved)

    def grid(self, sheet: Worksheet, keep_levels: bool) -> list[Record]:
        """The grid's rows, its credibility and relevance columns blanked.

        In our layout those columns repeat the Evidence sheet.  Without one (a
        grid typed by hand as ``id, title, credibility, relevance, H1...``),
        they become the evidence section, so the items keep their levels.
        Blanking rather than removing keeps every cell's reference right.
        """
        rows = self.records(sheet)
        if not rows:
            return rows
        header = [c.strip().lower() for c in rows[0].cells]
        levels = {i for i, name in enumerate(header) if name in _LEVEL_COLUMNS and i > 1}
        if not levels:
            return rows
        if keep_levels:
            ours = header[1] == "title" and levels in ({2}, {2, 3})
            labels = [row.get(0) for row in rows[1:] if row.get(0)]
            if ours and all(ID_RE.match(label) for label in labels):
                width = max(levels) + 1
                names = ["id", "title", *header[2:width]]
                self.evidence = [Record(names, None, rows[0].number, rows[0].sheet)]
                self.evidence += [
                    Record(row.cells[:width], None, row.number, row.sheet)
                    for row in rows[1:]
                    if row.get(0)
                ]
            else:
                self.report.warn(
                    "the grid's credibility and relevance are read only beside ids and "
                    "titles (id, title, credibility, relevance, ...) or from an Evidence "
                    "sheet; left out",
                    key=sheet.title,
                )
        return [
            Record(
                ["" if i in levels else c for i, c in enumerate(row.cells)],
                None,
                row.number,
                row.sheet,
            )
            for row in rows
        ]

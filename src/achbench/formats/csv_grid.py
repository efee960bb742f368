"""CSV: the matrix as a spreadsheet grid, plus sheets for everything else.

One file, read top to bottom in a spreadsheet (layout documented in
``docs/formats.md``)::

    hypothesis,title,E1,E2          <- the grid: a row per hypothesis (default),
    H1,Spontaneous protest,CC,I        or a row per evidence item (--transpose)
    H2,Elite power struggle,C,
                                    <- blank rows separate sections
    [hypotheses]                    <- a marker row names each later section
    id,title,description,prior
    ...
    [evidence]                      <- the evidence sheet
    id,title,source,date,kind,credibility,relevance,notes,code,link,flag
    ...
    [milestones]                    <- only when there are milestones
    [sources] [assumptions]         <- the spec's "Additions", each only when set:
    [rationale] [judgements]           a row per source, assumption, note
    [resolution]                       (analyst,evidence,hypothesis,note) and
                                       judgement (analyst,hypothesis,probability)
    [matrix]
    format,title,question,analyst,classification

Keeping it one file means it can go to stdout, travel as one attachment and open
as one sheet.  The grid holds one analyst's ratings (the ``analyst`` of the
``[matrix]`` section); the others are reported on export.

Reading also takes a **plain grid typed in a spreadsheet**: labels in the first
row and column (ids or titles), codes in the cells in any case, ``++``/``+``/``0``/
``-``/``--`` for CC/C/N/I/II.  Whatever the reader assumes (ids generated, titles
used, orientation, delimiter) is reported as a note.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypedDict, TypeVar, cast

from achbench.core.data import (
    EVIDENCE_ADDITIONS,
    MATRIX_FIELDS,
    TABLE_KEYS,
    EvidenceData,
    HypothesisData,
    MatrixData,
    Row,
)
from achbench.core.errors import MatrixFileError, Problem
from achbench.core.limits import (
    CELLS_VARIABLE,
    ITEMS_VARIABLE,
    max_cells,
    max_file_bytes,
    max_items,
    refusal,
)
from achbench.core.text import FormulaQuoted, formula_restored
from achbench.core.vocabulary import CODE_MEANING, CODES, FORMAT, ID_RE, LEVELS, Code, Level
from achbench.formats.achz import ELEMENTS_PER_ITEM, TOKEN_OF_CODE
from achbench.formats.conversion import DEFAULT_ANALYST, Report, fail, id_list, pick_analyst

_ID = ID_RE

HYPOTHESIS_COLUMNS = ("id", *TABLE_KEYS["hypotheses"])
EVIDENCE_COLUMNS = ("id", *TABLE_KEYS["evidence"])
MILESTONE_COLUMNS = ("id", *TABLE_KEYS["milestones"])
MATRIX_COLUMNS = MATRIX_FIELDS
SOURCE_COLUMNS = ("id", *TABLE_KEYS["sources"])
ASSUMPTION_COLUMNS = ("id", *TABLE_KEYS["assumptions"])
RATIONALE_COLUMNS = ("analyst", "evidence", "hypothesis", "note")
JUDGEMENT_COLUMNS = ("analyst", "hypothesis", "probability")
RESOLUTION_COLUMNS = TABLE_KEYS["resolution"]
_SECTIONS: dict[str, tuple[str, ...]] = {
    "hypotheses": HYPOTHESIS_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "milestones": MILESTONE_COLUMNS,
    "sources": SOURCE_COLUMNS,
    "assumptions": ASSUMPTION_COLUMNS,
    "rationale": RATIONALE_COLUMNS,
    "judgements": JUDGEMENT_COLUMNS,
    "resolution": RESOLUTION_COLUMNS,
    "matrix": MATRIX_COLUMNS,
}
_MARKER = re.compile(r"^\[\s*([A-Za-z]+)\s*\]$")

SYMBOLS: dict[Code, str] = {"CC": "++", "C": "+", "N": "0", "I": "-", "II": "--"}
"""The spreadsheet shorthand for the five codes that have one (NA has none)."""

CODE_SPELLINGS: dict[str, Code] = {
    **{code: code for code in CODES},
    **{token: code for code, token in TOKEN_OF_CODE.items()},
    "N/A": "NA",
    **{symbol: code for code, symbol in SYMBOLS.items()},
    "\u2013": "II",  # en dash: what a spreadsheet's autocorrect makes of "--"
    "\u2014": "II",  # em dash, likewise
    **{meaning.upper(): code for code, meaning in CODE_MEANING.items()},
}
"""Cell spellings accepted on import, after trimming, collapsing spaces and upper-casing:
the codes, PARC ACH's spelling of them (``C C``), ``N/A``, the shorthand, dashes
and Heuer's words."""
_EXACT: dict[str, Code] = {code: code for code in CODES}
_LEVEL_OF: dict[str, Level] = {level: level for level in LEVELS}
_FLAG_TRUE = {"yes", "y", "true", "1", "x"}
_FLAG_FALSE = {"", "no", "n", "false", "0"}


class _RowWriter(Protocol):
    """What ``csv.writer`` gives: a sink for rows."""

    def writerow(self, row: Iterable[object], /) -> object: ...


# --- writing -----------------------------------------------------------------


def write_csv(
    data: MatrixData,
    report: Report,
    analyst: str | None = None,
    transpose: bool = False,
    quote_formulas: bool = True,
) -> str:
    """The CSV text: grid, then the hypotheses, evidence, milestones and matrix sections.

    With ``quote_formulas`` (the default) a text cell a spreadsheet would run as a
    formula gets a leading ``'`` (``core.text.formula_safe``; the reader takes it off).
    """
    chosen = pick_analyst(data, analyst, report, "the CSV grid")
    hypotheses = data["hypotheses"]
    evidence = data.get("evidence", {})
    ratings = data.get("ratings", {}).get(chosen, {}) if chosen else {}
    buffer = io.StringIO()
    out: _RowWriter = csv.writer(buffer, lineterminator="\r\n")
    if quote_formulas:
        out = FormulaQuoted(out)
    if transpose:
        out.writerow(["evidence", "title", *hypotheses])
        for e, evidence_item in evidence.items():
            row = ratings.get(e, {})
            out.writerow([e, evidence_item["title"], *(row.get(h, "") for h in hypotheses)])
    else:
        out.writerow(["hypothesis", "title", *evidence])
        for h, item in hypotheses.items():
            out.writerow([h, item["title"], *(ratings.get(e, {}).get(h, "") for e in evidence)])
    _section(out, "hypotheses", HYPOTHESIS_COLUMNS, hypotheses)
    _section(out, "evidence", evidence_columns(evidence), with_id_lists(evidence))
    if milestones := data.get("milestones"):
        _section(out, "milestones", MILESTONE_COLUMNS, milestones)
    _addition_sections(out, data)
    out.writerow([])
    out.writerow(["[matrix]"])
    out.writerow(MATRIX_COLUMNS)
    meta: Mapping[str, object] = {
        **data,
        "analyst": chosen or data.get("analyst"),
        "format": FORMAT,
    }
    out.writerow([_cell(meta.get(key)) for key in MATRIX_COLUMNS])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _section(
    out: _RowWriter, name: str, columns: tuple[str, ...], table: Mapping[str, Mapping[str, object]]
) -> None:
    out.writerow([])
    out.writerow([f"[{name}]"])
    out.writerow(columns)
    for item_id, item in table.items():
        out.writerow([item_id, *(_cell(item.get(c)) for c in columns[1:])])


def evidence_columns(evidence: Mapping[str, EvidenceData]) -> tuple[str, ...]:
    """The evidence sheet's columns: every key, but those of the spec's "Additions" only
    where some item sets one (so files without them export as they always did)."""
    used = {key for item in evidence.values() for key in item}
    return tuple(c for c in EVIDENCE_COLUMNS if c not in EVIDENCE_ADDITIONS or c in used)


_ID_LISTS = ("assumes", "hypotheses")
"""Keys holding arrays of ids; a cell holds them separated by spaces."""


def with_id_lists(table: Mapping[str, Mapping[str, object]]) -> dict[str, dict[str, object]]:
    """The items with each array of ids as one cell's text: ``A1 A2``."""
    out: dict[str, dict[str, object]] = {}
    for item_id, item in table.items():
        out[item_id] = dict(item)
        for key in _ID_LISTS:
            value = item.get(key)
            if isinstance(value, list):
                out[item_id][key] = " ".join(str(v) for v in cast("list[object]", value))
    return out


def _addition_sections(out: _RowWriter, data: MatrixData) -> None:
    """The sections of the spec's "Additions", each written only when the matrix has it."""
    if sources := data.get("sources"):
        _section(out, "sources", SOURCE_COLUMNS, sources)
    if assumptions := data.get("assumptions"):
        _section(out, "assumptions", ASSUMPTION_COLUMNS, with_id_lists(assumptions))
    notes = [
        (analyst, e, h, note)
        for analyst, table in (data.get("rationale") or {}).items()
        for e, row in table.items()
        for h, note in row.items()
    ]
    if notes:
        _rows(out, "rationale", RATIONALE_COLUMNS, notes)
    judged = [
        (analyst, h, p)
        for analyst, table in (data.get("judgements") or {}).items()
        for h, p in table.items()
    ]
    if judged:
        _rows(out, "judgements", JUDGEMENT_COLUMNS, judged)
    if resolution := data.get("resolution"):
        values: Mapping[str, object] = resolution
        _rows(out, "resolution", RESOLUTION_COLUMNS, [[values.get(c) for c in RESOLUTION_COLUMNS]])


def _rows(
    out: _RowWriter, name: str, columns: tuple[str, ...], rows: Iterable[Sequence[object]]
) -> None:
    """A section whose rows are not keyed by an id (a rationale note, a judgement...)."""
    out.writerow([])
    out.writerow([f"[{name}]"])
    out.writerow(columns)
    for row in rows:
        out.writerow([_cell(value) for value in row])


# --- reading -----------------------------------------------------------------


class Where(TypedDict):
    """Where a problem sits, as ``Report.warn`` and ``Problem`` take it."""

    line: int | None
    column: int | None
    key: str | None


_NOWHERE: Where = {"line": None, "column": None, "key": None}


@dataclass
class Record:
    """One row of cells: a CSV record, or a row of a workbook's sheet.

    ``number`` is the 1-based row number a spreadsheet shows.  A CSV record
    also has the ``line`` it starts on; a sheet's row has its ``sheet`` name
    instead, and problems in it are located as ``Sheet!C4``.
    """

    cells: list[str]
    line: int | None
    number: int
    sheet: str | None = None

    def raw(self, index: int) -> str:
        """The cell as written (text fields keep their spaces), a formula's quote off.

        Only CSV text carries the quote ``formula_safe`` adds; a workbook's cell
        holds its text as typed (a workbook knows text from formulas itself).
        """
        if index >= len(self.cells):
            return ""
        cell = self.cells[index]
        return formula_restored(cell) if self.sheet is None else cell

    def get(self, index: int) -> str:
        """The cell trimmed (labels, ids, codes, dates and the like)."""
        return self.raw(index).strip()

    def blank(self, start: int = 0, stop: int | None = None) -> bool:
        return not any(c.strip() for c in self.cells[start:stop])

    def where(self, column: int | None = None, *, numbered: bool = False) -> Where:
        """The place of this row, or of one of its cells.

        A CSV cell is its line and ``cell C4`` (and its column number if
        ``numbered``); a sheet's cell is ``Sheet!C4``, a sheet's row ``Sheet!A4``.
        """
        if self.sheet is not None:
            return {"line": None, "column": None, "key": f"{self.sheet}!{self.ref(column or 0)}"}
        if column is None:
            return {"line": self.line, "column": None, "key": None}
        return {
            "line": self.line,
            "column": column + 1 if numbered else None,
            "key": f"cell {self.ref(column)}",
        }

    def ref(self, column: int) -> str:
        """Spreadsheet name of a cell: column letters then the row number (C4)."""
        letters = ""
        n = column + 1
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(65 + rest) + letters
        return f"{letters}{self.number}"


@dataclass
class Sections:
    """A file split into its parts: the grid's rows and each named section's rows."""

    grid: list[Record] = field(default_factory=list)
    named: dict[str, list[Record]] = field(default_factory=dict)


def decode(raw: bytes, path: str) -> str:
    """CSV text from UTF-8 (with or without a BOM) or UTF-16 with a BOM."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise fail(path, f"not valid UTF-16 text at byte {exc.start}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise fail(
            path,
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded; "
            "save it from the spreadsheet as 'CSV UTF-8'",
            line=line,
            column=column,
        ) from None


def _delimiter(text: str, path: str, report: Report) -> str:
    if Path(path).suffix.lower() == ".tsv":
        return "\t"
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0 or counts[","] == counts[best]:
        return ","
    report.note(f"cells are separated by {'tabs' if best == chr(9) else repr(best)}")
    return best


def _records(text: str, delimiter: str, path: str) -> Iterator[Record]:
    """The CSV records, under the caps of ``core.limits``.

    A cell may be as long as the file may be (Python's default cap, 128 KiB,
    would refuse a long description that achbench itself exported), and the
    cells are counted before any is read, so a file of commas cannot build a
    list of millions.
    """
    count = text.count(delimiter) + text.count("\n") + 1
    most = max_cells() + ELEMENTS_PER_ITEM * max_items()
    if count > most:
        raise fail(path, refusal(most, "cells", f"{CELLS_VARIABLE} or {ITEMS_VARIABLE}"))
    csv.field_size_limit(max(csv.field_size_limit(), max_file_bytes()))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last_line = 0
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            hint = " (a quoted cell is never closed?)" if "end of data" in str(exc) else ""
            raise fail(path, f"not valid CSV: {exc}{hint}", line=last_line + 1) from None
        number += 1
        yield Record(cells, last_line + 1, number)
        last_line = reader.line_num


def _split(rows: Iterator[Record], report: Report) -> Sections:
    """Unmarked rows up to the first ``[name]`` marker are the grid; blank rows are skipped."""
    sections = Sections()
    current: list[Record] | None = sections.grid
    for row in rows:
        if row.blank():
            continue
        marker = _MARKER.match(row.get(0)) if row.blank(1) else None
        if marker:
            name = marker.group(1).lower()
            if name in _SECTIONS and name not in sections.named:
                current = sections.named[name] = []
            else:
                why = (
                    "appears twice" if name in sections.named else "is not a section achbench knows"
                )
                report.warn(f"[{name}] {why}; its rows are ignored", **row.where())
                current = None
            continue
        if current is not None:
            current.append(row)
    return sections


class _Values(dict[str, tuple[str, int]]):
    """One section row: column name to (text, column index)."""

    def get(self, name: str, default: str = "") -> str:  # type: ignore[override]
        """The cell as written: text fields keep their spaces."""
        return self[name][0] if name in self else default

    def word(self, name: str) -> str:
        """The cell trimmed: ids, codes, dates, levels, flags, numbers."""
        return self.get(name).strip()

    def at(self, name: str) -> int:
        return self[name][1] if name in self else 0


class _Reader:
    """Builds matrix data from the sections, gathering every problem before failing."""

    def __init__(self, path: str, report: Report) -> None:
        self.path = path
        self.report = report
        self.problems: list[tuple[str, Record | None, int | None]] = []

    def problem(self, message: str, row: Record | None = None, column: int | None = None) -> None:
        self.problems.append((message, row, column))

    def raise_problems(self) -> None:
        if self.problems:
            raise MatrixFileError(
                [
                    Problem(
                        self.path,
                        message,
                        **(row.where(column, numbered=True) if row else _NOWHERE),
                    )
                    for message, row, column in sorted(
                        self.problems,
                        key=lambda p: (
                            p[1].line or 0 if p[1] else 0,
                            p[2] if p[2] is not None else -1,
                        ),
                    )
                ]
            )

    # sections ------------------------------------------------------------

    def table(self, name: str, rows: list[Record]) -> dict[str, tuple[Record, _Values]]:
        """A section's rows by id: {id: (row, {column: (text, index)})}, header checked."""
        columns = _SECTIONS[name]
        if not rows:
            return {}
        header = [c.strip().lower() for c in rows[0].cells]
        while header and not header[-1]:
            header.pop()
        for index, column in enumerate(header):
            if column not in columns:
                self.report.warn(
                    f"[{name}] column {column!r} is not one achbench reads "
                    f"({', '.join(columns)}); ignored",
                    **rows[0].where(index),
                )
        if name != "matrix" and (not header or header[0] != "id"):
            self.problem(f"[{name}] must start with a header row whose first cell is 'id'", rows[0])
            return {}
        out: dict[str, tuple[Record, _Values]] = {}
        for number, row in enumerate(rows[1:], start=1):
            values = _Values({c: (row.raw(i), i) for i, c in enumerate(header) if c in columns})
            item_id = values.word("id") if name != "matrix" else str(number)
            if name != "matrix" and not _ID.match(item_id):
                self.problem(f"[{name}] {item_id!r} is not a valid id", row, 0)
                continue
            if item_id in out:
                self.problem(f"[{name}] id {item_id!r} appears twice", row, 0)
                continue
            out[item_id] = (row, values)
        return out

    def records(self, name: str, rows: list[Record]) -> list[tuple[Record, _Values]]:
        """A section's rows that no id keys (a rationale note, a judgement), header checked."""
        columns = _SECTIONS[name]
        if not rows:
            return []
        header = [c.strip().lower() for c in rows[0].cells]
        missing = [c for c in columns if c not in header and c not in ("date", "notes")]
        if missing:
            self.problem(
                f"[{name}] must start with a header row naming {', '.join(columns)}", rows[0]
            )
            return []
        for index, column in enumerate(header):
            if column and column not in columns:
                self.report.warn(
                    f"[{name}] column {column!r} is not one achbench reads "
                    f"({', '.join(columns)}); ignored",
                    **rows[0].where(index),
                )
        return [
            (row, _Values({c: (row.raw(i), i) for i, c in enumerate(header) if c in columns}))
            for row in rows[1:]
        ]

    def date(self, text: str, row: Record, column: int) -> dt.date | None:
        if not text:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problem(f"{text!r} is not a date (YYYY-MM-DD)", row, column)
            return None

    def level(self, text: str, row: Record, column: int) -> Level | None:
        if not text:
            return None
        level = _LEVEL_OF.get(text.lower())
        if level is None:
            words = f"{', '.join(LEVELS[:-1])} or {LEVELS[-1]}"
            self.problem(f"{text!r} is not {words}", row, column)
        return level


def read_csv(
    raw: bytes,
    path: str,
    report: Report,
    analyst: str | None = None,
    transpose: bool | None = None,
) -> dict[str, object]:
    """Read our CSV layout or a plain grid into matrix data (not yet validated)."""
    text = decode(raw, path)
    sections = _split(_records(text, _delimiter(text, path, report), path), report)
    return read_sections(sections, path, report, analyst, transpose)


def read_sections(
    sections: Sections,
    path: str,
    report: Report,
    analyst: str | None = None,
    transpose: bool | None = None,
) -> dict[str, object]:
    """Matrix data (not yet validated) from a grid and named sections of rows.

    The CSV reader splits one file into these; the workbook reader
    (``achbench.formats.xlsx``) makes them from its sheets, so both read grids,
    codes and sections by the same rules and report the same notes.
    """
    reader = _Reader(path, report)
    hyp_sheet = reader.table("hypotheses", sections.named.get("hypotheses", []))
    ev_sheet = reader.table("evidence", sections.named.get("evidence", []))
    ms_sheet = reader.table("milestones", sections.named.get("milestones", []))
    meta_rows = reader.table("matrix", sections.named.get("matrix", []))
    meta = next(iter(meta_rows.values()))[1] if meta_rows else _Values()
    if len(meta_rows) > 1:
        report.warn("[matrix] has more than one row; the first is used")

    data: dict[str, object] = {"format": FORMAT}
    title = meta.get("title")
    if not title:
        title = Path(path).stem or "Imported matrix"
        report.note(f"no [matrix] title; the title is taken from the file name: {title!r}")
    data["title"] = title
    if meta.get("question"):
        data["question"] = meta.get("question")
    if meta.word("format") not in ("", FORMAT):
        reader.problem(f"[matrix] format {meta.word('format')!r} is not one this build reads")
    name = analyst or meta.word("analyst") or DEFAULT_ANALYST
    if not _ID.match(name):
        reader.problem(f"[matrix] analyst {name!r} is not a valid id")
        name = DEFAULT_ANALYST
    data["analyst"] = name
    if meta.get("classification"):
        data["classification"] = meta.get("classification")

    hypotheses = _hypotheses(hyp_sheet, reader)
    evidence = _evidence(ev_sheet, reader)
    ratings = _grid(sections.grid, hypotheses, evidence, reader, transpose)
    if not hypotheses and not reader.problems:
        reader.problem("no hypotheses: give a grid or a [hypotheses] section")
    milestones = _milestones(ms_sheet, reader)
    additions = _additions(sections, reader)
    reader.raise_problems()
    data["hypotheses"] = hypotheses
    data["evidence"] = evidence
    if ratings:
        data["ratings"] = {name: ratings}
    if milestones:
        data["milestones"] = milestones
    data.update(additions)
    return data


def _hypotheses(
    sheet: Mapping[str, tuple[Record, _Values]], reader: _Reader
) -> dict[str, HypothesisData]:
    out: dict[str, HypothesisData] = {}
    for item_id, (row, values) in sheet.items():
        item: HypothesisData = {"title": values.get("title")}
        if not item["title"]:
            reader.problem(f"[hypotheses] {item_id} has no title", row)
        if values.get("description"):
            item["description"] = values.get("description")
        if values.word("prior"):
            try:
                item["prior"] = float(values.word("prior"))
                if not math.isfinite(item["prior"]):
                    raise ValueError
            except ValueError:
                reader.problem(
                    f"prior {values.word('prior')!r} is not a number", row, values.at("prior")
                )
        out[item_id] = item
    return out


def _evidence(
    sheet: Mapping[str, tuple[Record, _Values]], reader: _Reader
) -> dict[str, EvidenceData]:
    out: dict[str, EvidenceData] = {}
    for item_id, (row, values) in sheet.items():
        item: EvidenceData = {"title": values.get("title")}
        if not item["title"]:
            reader.problem(f"[evidence] {item_id} has no title", row)
        for key in ("source", "kind", "notes", "code", "link"):
            if values.get(key):
                item[key] = values.get(key)
        date = reader.date(values.word("date"), row, values.at("date"))
        if date is not None:
            item["date"] = date
        credibility = reader.level(values.word("credibility"), row, values.at("credibility"))
        if credibility is not None:
            item["credibility"] = credibility
        relevance = reader.level(values.word("relevance"), row, values.at("relevance"))
        if relevance is not None:
            item["relevance"] = relevance
        _evidence_additions(item, values)
        flag = values.word("flag").lower()
        if flag in _FLAG_TRUE:
            item["flag"] = True
        elif flag not in _FLAG_FALSE:
            reader.problem(f"flag {flag!r} is not yes or no", row, values.at("flag"))
        out[item_id] = item
    return out


def _milestones(
    sheet: Mapping[str, tuple[Record, _Values]], reader: _Reader
) -> dict[str, dict[str, object]]:
    """The milestones as written (``expect`` and ``status`` are checked by validation)."""
    out: dict[str, dict[str, object]] = {}
    for item_id, (row, values) in sheet.items():
        item: dict[str, object] = {
            key: values.word(key) for key in ("hypothesis", "expect") if key in values
        }
        item["title"] = values.get("title")
        due = reader.date(values.word("due"), row, values.at("due"))
        if due is not None:
            item["due"] = due
        if values.word("status"):
            item["status"] = values.word("status")
        if values.get("notes"):
            item["notes"] = values.get("notes")
        out[item_id] = item
    return out


# --- the spec's "Additions" ----------------------------------------------------


def _id_list(text: str) -> list[str]:
    """The ids of a cell, separated by spaces, commas or semicolons."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def _evidence_additions(item: EvidenceData, values: _Values) -> None:
    """The evidence keys of the spec's "Additions" (their values are checked by validation,
    which names the key: ``evidence.E1.grade``)."""
    extra: dict[str, object] = {}
    for key in ("cites", "grade", "origin", "status"):
        if values.word(key):
            extra[key] = values.word(key)
    for key in ("quote", "locator"):
        if values.get(key):
            extra[key] = values.get(key)
    if values.word("assumes"):
        extra["assumes"] = _id_list(values.word("assumes"))
    item.update(cast(EvidenceData, extra))


def _additions(sections: Sections, reader: _Reader) -> dict[str, object]:
    """The tables of the spec's "Additions" from their sections (absent when not given);
    what they name is checked by validation, as for ratings."""
    out: dict[str, object] = {}
    sources: dict[str, dict[str, object]] = {}
    for item_id, (_, values) in reader.table("sources", sections.named.get("sources", [])).items():
        source: dict[str, object] = {"title": values.get("title")}
        for key in ("kind", "path", "url", "notes"):
            if values.get(key):
                source[key] = values.get(key)
        for key in ("sha256", "reliability"):
            if values.word(key):
                source[key] = values.word(key)
        sources[item_id] = source
    if sources:
        out["sources"] = sources
    assumptions: dict[str, dict[str, object]] = {}
    sheet = reader.table("assumptions", sections.named.get("assumptions", []))
    for item_id, (_, values) in sheet.items():
        assumption: dict[str, object] = {"title": values.get("title")}
        if values.word("status"):
            assumption["status"] = values.word("status")
        if values.word("hypotheses"):
            assumption["hypotheses"] = _id_list(values.word("hypotheses"))
        if values.get("notes"):
            assumption["notes"] = values.get("notes")
        assumptions[item_id] = assumption
    if assumptions:
        out["assumptions"] = assumptions
    notes: dict[str, dict[str, dict[str, str]]] = {}
    for row, values in reader.records("rationale", sections.named.get("rationale", [])):
        analyst, e, h = (values.word(c) for c in RATIONALE_COLUMNS[:3])
        cells = notes.setdefault(analyst, {}).setdefault(e, {})
        if h in cells:
            reader.problem(f"[rationale] a second note for {analyst} on {e}, {h}", row)
        cells[h] = values.get("note")
    if notes:
        out["rationale"] = notes
    judgements: dict[str, dict[str, float]] = {}
    for row, values in reader.records("judgements", sections.named.get("judgements", [])):
        analyst, h = values.word("analyst"), values.word("hypothesis")
        text = values.word("probability")
        try:
            probability = float(text)
            if not math.isfinite(probability):
                raise ValueError
        except ValueError:
            reader.problem(f"probability {text!r} is not a number", row, values.at("probability"))
            continue
        table = judgements.setdefault(analyst, {})
        if h in table:
            reader.problem(f"[judgements] a second judgement by {analyst} of {h}", row)
        table[h] = probability
    if judgements:
        out["judgements"] = judgements
    resolved = reader.records("resolution", sections.named.get("resolution", []))
    if len(resolved) > 1:
        reader.report.warn("[resolution] has more than one row; the first is used")
    if resolved:
        row, values = resolved[0]
        resolution: dict[str, object] = {"hypothesis": values.word("hypothesis")}
        date = reader.date(values.word("date"), row, values.at("date"))
        if date is not None:
            resolution["date"] = date
        if values.get("notes"):
            resolution["notes"] = values.get("notes")
        out["resolution"] = resolution
    return out


# --- the grid ----------------------------------------------------------------


@dataclass
class _Axis:
    """One side of the grid: labels in order, with where each sits."""

    kind: str  # "hypotheses" or "evidence"
    labels: list[str]
    titles: list[str]
    places: list[tuple[Record, int]]


def _grid(
    rows: list[Record],
    hypotheses: dict[str, HypothesisData],
    evidence: dict[str, EvidenceData],
    reader: _Reader,
    transpose: bool | None,
) -> dict[str, Row]:
    """Read the grid into ratings, adding the hypotheses and evidence it names."""
    report = reader.report
    if not rows:
        return {}
    header = rows[0]
    corner = header.get(0).lower()
    has_titles = header.get(1).lower() == "title"
    first = 2 if has_titles else 1
    width = len(header.cells)
    while width > first and not header.get(width - 1):
        width -= 1
    columns = _Axis("", [], [], [])
    for index in range(first, width):
        columns.labels.append(header.get(index))
        columns.titles.append("")
        columns.places.append((header, index))
    lines = _Axis("", [], [], [])
    body: list[Record] = []
    for row in rows[1:]:
        label = row.get(0)
        if not label:
            if not row.blank(first, width):
                report.warn("a grid row without a label is ignored", **row.where())
            continue
        lines.labels.append(label)
        lines.titles.append(row.raw(1) if has_titles else "")
        lines.places.append((row, 0))
        body.append(row)
        for index in range(width, len(row.cells)):
            if row.get(index):
                report.warn(
                    "a cell beyond the last labelled column is ignored",
                    **row.where(index),
                )
    for index, label in enumerate(columns.labels):
        if not label and any(row.get(first + index) for row in body):
            report.warn(
                "a grid column without a label is ignored",
                key=header.where(first + index)["key"],
            )
    if _repeated(lines, "row", reader) | _repeated(columns, "column", reader):
        return {}
    rows_are_evidence = _orientation(
        corner, lines, columns, hypotheses, evidence, transpose, report
    )
    lines.kind, columns.kind = (
        ("evidence", "hypotheses") if rows_are_evidence else ("hypotheses", "evidence")
    )
    ids = {
        axis.kind: (
            _ids(axis, hypotheses, reader)
            if axis.kind == "hypotheses"
            else _ids(axis, evidence, reader)
        )
        for axis in (lines, columns)
    }
    ratings: dict[str, Row] = {}
    spelled: dict[str, str] = {}
    column_ids = list(enumerate(ids[columns.kind], start=first))
    for row, line_id in zip(body, ids[lines.kind], strict=True):
        if line_id is None:
            continue
        cells = row.cells
        for index, column_id in column_ids:
            if index >= len(cells):
                break
            code = _EXACT.get(cells[index])  # the common case, without normalising
            if code is None:
                cell = cells[index].strip()
                if column_id is None or not cell:
                    continue
                key = " ".join(cell.split()).upper()
                code = CODE_SPELLINGS.get(key)
                if code is None:
                    report.warn(
                        f"{cell!r} is not a rating code ({', '.join(CODES)}, or "
                        f"{' '.join(SYMBOLS.values())}); "
                        "left unrated",
                        **row.where(index, numbered=True),
                    )
                    continue
                if key not in _EXACT:
                    spelled.setdefault(cell, code)
            elif column_id is None:
                continue
            h, e = (column_id, line_id) if rows_are_evidence else (line_id, column_id)
            ratings.setdefault(e, {})[h] = code
    if spelled:
        shown = ", ".join(f"{k!r} as {v}" for k, v in spelled.items())
        report.note(f"read {shown}")
    order = list(evidence)
    return {e: ratings[e] for e in order if e in ratings}


def _repeated(axis: _Axis, kind: str, reader: _Reader) -> bool:
    """Refuse a grid that labels two rows (or columns) alike: one would silently
    take the other's ratings.  Each repeat is a problem naming both cells."""
    first: dict[str, tuple[Record, int]] = {}
    found = False
    for label, (row, column) in zip(axis.labels, axis.places, strict=True):
        if not label:
            continue
        if label in first:
            earlier_row, earlier_column = first[label]
            reader.problem(
                f"grid {kind} label {label!r} repeats the one in cell "
                f"{earlier_row.ref(earlier_column)}: each {kind} must be a different "
                "item, or one's ratings would replace the other's",
                row,
                column,
            )
            found = True
        else:
            first[label] = (row, column)
    return found


def _orientation(
    corner: str,
    lines: _Axis,
    columns: _Axis,
    hypotheses: Mapping[str, HypothesisData],
    evidence: Mapping[str, EvidenceData],
    transpose: bool | None,
    report: Report,
) -> bool:
    """Whether the grid's rows are evidence (Heuer's orientation), and why it seems so."""
    if transpose is not None:
        return transpose
    words = [(corner.find(w), w) for w in ("hypothes", "evidence") if w in corner]
    if words:
        rows_are_evidence = min(words)[1] == "evidence"
        if corner not in ("hypothesis", "evidence"):
            kind = "evidence" if rows_are_evidence else "hypotheses"
            report.note(f"rows are {kind}, as the top-left cell says")
        return rows_are_evidence
    if hypotheses or evidence:
        score = sum(label in hypotheses for label in lines.labels) + sum(
            label in evidence for label in columns.labels
        )
        flipped = sum(label in evidence for label in lines.labels) + sum(
            label in hypotheses for label in columns.labels
        )
        if score != flipped:
            return flipped > score
    if _prefixed(lines.labels, "H") and _prefixed(columns.labels, "E"):
        return False
    if _prefixed(lines.labels, "E") and _prefixed(columns.labels, "H"):
        return True
    rows_are_evidence = len(lines.labels) > len(columns.labels)
    if rows_are_evidence:
        why = "rows are evidence and columns hypotheses (Heuer's layout), as there are more rows"
    else:
        why = "rows are hypotheses and columns evidence, as there are no more rows than columns"
    report.note(f"orientation guessed: {why}; say --transpose or --no-transpose to choose")
    return rows_are_evidence


def _prefixed(labels: Sequence[str], letter: str) -> bool:
    return bool(labels) and all(re.fullmatch(rf"{letter}\d+", label) for label in labels)


_Item = TypeVar("_Item", HypothesisData, EvidenceData)


def _ids(axis: _Axis, table: dict[str, _Item], reader: _Reader) -> list[str | None]:
    """Ids for the labels of one axis, adding the items the sections do not hold.

    A label that a section knows is that item.  The others are ids when each is
    a valid, distinct id; otherwise they are titles, and ids are numbered H1..
    or E1.. in order, skipping ids already taken.
    """
    report = reader.report
    prefix = "H" if axis.kind == "hypotheses" else "E"
    new = [label for label in axis.labels if label and label not in table]
    as_ids = len(set(new)) == len(new) and all(_ID.match(label) for label in new)
    had_items = bool(table)
    out: list[str | None] = []
    counter = 0
    made: list[str] = []
    for label, title, (row, column) in zip(axis.labels, axis.titles, axis.places, strict=True):
        if not label:
            out.append(None)
            continue
        if label in table:
            known = table[label]["title"]
            if title and title != known:
                report.warn(
                    f"grid title {title!r} differs from [{axis.kind}] title {known!r}; "
                    f"the [{axis.kind}] one is kept",
                    **row.where(column + 1),
                )
            out.append(label)
            continue
        if as_ids:
            item_id = label
        else:
            counter += 1
            while f"{prefix}{counter}" in table:
                counter += 1
            item_id = f"{prefix}{counter}"
        table[item_id] = {"title": title or label}
        made.append(item_id)
        out.append(item_id)
    if not made:
        return out
    if had_items:
        report.note(f"{axis.kind} {id_list(made)}: in the grid only; added, titled by the grid")
    elif as_ids:
        titles = "" if any(axis.titles) else " and as titles"
        report.note(f"{axis.kind}: grid labels used as ids{titles} ({id_list(made)})")
    else:
        report.note(f"{axis.kind}: ids {made[0]}..{made[-1]} generated; grid labels used as titles")
    return out

"""PARC ACH 2 project files (``.achz``): gzip-compressed XML, read tolerantly and safely.

PARC never published the format; ``shared/spec/parc-achz.md`` collects what is
known (from the Open Source ACH importer) and what is guessed.  This module
follows it:

* **Reading is tolerant.**  The bytes are decoded here, never by the XML parser:
  UTF-16 of either byte order with a BOM (PARC's likeliest form), UTF-8 with or
  without a BOM, and any declared encoding as a last resort.  Rating tokens are
  read in PARC's spelling (``C C``, ``I I``) and in ours; an empty or unknown
  token is read as unrated, with a warning; a row of the wrong length is reported.
* **Reading is safe.**  A file from elsewhere is untrusted: decompression stops
  at ``MAX_XML_BYTES`` (a gzip bomb is refused), and ``defusedxml`` refuses
  entity declarations and external references (billion laughs, XXE).
* **Writing takes the likeliest real form** (spec section 8): UTF-16 big-endian
  with a BOM, an XML declaration without an encoding, one gzip member.  An item's
  source, cited source, quote and locator are written into its NOTES (and the
  source's url or path into an empty LINK).  What PARC cannot hold (a second
  analyst, hypothesis descriptions, priors, milestones, the question, grades,
  origins, characters outside the BMP...) goes into the report as a warning,
  one line per thing left out.

PARC has no ids: cells are tied to hypotheses and evidence by position, so an
import numbers them ``H1``..``Hn`` and ``E1``..``Em``.  Export then import gives
the same matrix wherever the matrix already uses those ids (property-tested).
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import re
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal
from xml.sax.saxutils import escape

from achbench.core.data import (
    EVIDENCE_ADDITIONS,
    EvidenceData,
    HypothesisData,
    MatrixData,
    Rationale,
    Row,
    SourceData,
)
from achbench.core.limits import (
    FILE_MB_VARIABLE,
    ITEMS_VARIABLE,
    MAX_FILE_MB,
    max_file_bytes,
    max_items,
    refusal,
)
from achbench.core.vocabulary import (
    CODES,
    DEFAULT_EVIDENCE_STATUS,
    DEFAULT_LEVEL,
    FORMAT,
    LEVELS,
    Code,
    Level,
)
from achbench.formats.conversion import DEFAULT_ANALYST, Report, fail, id_list, pick_analyst

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element, TreeBuilder

    from _typeshed import WriteableBuffer

MAX_XML_BYTES = MAX_FILE_MB * 1024 * 1024
"""Largest decompressed document read by default: the cap on an input file
(``core.limits``).  Real projects are far smaller (Open Source ACH capped
uploads at 3 MB compressed); past this it is a gzip bomb."""

ELEMENTS_PER_ITEM = 16
"""XML elements allowed per item of the item cap: an EVIDENCE element and its ten
fields fit with room to spare."""
_FEED = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_DAY_MS = 86_400_000
_EPOCH = dt.date(1970, 1, 1)
_MIN_MS = (dt.date.min - _EPOCH).days * _DAY_MS
_MAX_MS = (dt.date.max - _EPOCH).days * _DAY_MS

TOKEN_OF_CODE: dict[Code, str] = {
    code: " ".join(code) if len(code) == 2 and code[0] == code[1] else code for code in CODES
}
"""How PARC spells each code in ``VALUES`` (spec section 5): a doubled letter spaced
(``C C``, ``I I``), the others as achbench does."""
_CODE_OF_TOKEN: dict[str, Code] = {
    **{token: code for code, token in TOKEN_OF_CODE.items()},
    **{code: code for code in CODES},
    "N/A": "NA",
}
_LEVEL_OF_WORD: dict[str, Level] = {level.upper(): level for level in reversed(LEVELS)}
"""PARC's credibility and relevance words (``HIGH``...) to achbench's levels."""
_FLAG_TRUE = {"1", "true", "yes", "y"}
_FLAG_FALSE = {"", "0", "false", "no", "n"}

_TITLE_TAGS = ("PROJECT-TITLE", "PROJECTTITLE")
_IGNORED_ROOT_TAGS = {"LAST-INDEX", "LASTINDEX", "COLOR-SCHEME", "COLORSCHEME"}
"""View state PARC keeps (spec section 6); it means nothing to the matrix."""
_EVIDENCE_TAGS = (
    "NAME",
    "NOTES",
    "LINK",
    "TYPE",
    "DATE",
    "CODE",
    "FLAG",
    "CREDIBILITY",
    "RELEVANCE",
    "VALUES",
)
_HYPOTHESIS_TAGS = ("NAME", "NOTES")
_TEXT_FIELDS: tuple[tuple[str, Literal["kind", "notes", "code", "link"]], ...] = (
    ("TYPE", "kind"),
    ("NOTES", "notes"),
    ("CODE", "code"),
    ("LINK", "link"),
)
"""EVIDENCE elements read as free text, and the evidence fields they become."""

_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_NOT_DOCUMENT_CODECS = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "unicode_escape"}
)
"""Codecs Python has that no XML document is written in: they fail, or read escapes."""
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd]")
"""Characters XML 1.0 cannot carry, and (past U+FFFD) those outside the BMP,
which PARC's UTF-16 text and the PHP importer cannot take (spec section 1)."""


# --- reading -----------------------------------------------------------------


def gunzip(stream: IO[bytes], path: str, limit: int | None = None) -> bytes:
    """Decompress an ``.achz`` stream, refusing more than ``limit`` bytes of output.

    ``gzip.GzipFile.read(n)`` never inflates more than ``n`` bytes, so a bomb
    costs at most ``limit`` bytes of memory before it is refused.  The default
    is the cap on an input file, ``core.limits.max_file_bytes()`` (64 MiB).
    """
    limit = max_file_bytes() if limit is None else limit
    head = stream.read(2)
    if head != _GZIP_MAGIC:
        rest = head + stream.read(510)
        hint = ""
        if rest.lstrip().startswith(b"<") or rest[:2] in (b"\xfe\xff", b"\xff\xfe"):
            hint = " (it looks like uncompressed XML: gzip it, or save it again from PARC ACH)"
        elif not rest:
            hint = " (the file is empty)"
        raise fail(path, f"not a gzip file; a PARC ACH .achz file is gzip-compressed XML{hint}")
    whole = io.BufferedReader(_Prefixed(head, stream))
    try:
        with gzip.GzipFile(fileobj=whole, mode="rb") as inflated:
            raw = inflated.read(limit + 1)
    except EOFError:
        raise fail(path, "truncated: the gzip data ends early (an incomplete copy?)") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise fail(path, f"corrupt gzip data: {exc}") from None
    if len(raw) > limit:
        raise fail(
            path,
            f"refused: decompresses to more than {limit // (1024 * 1024)} MiB, far beyond any "
            f"real ACH project (a gzip bomb?); the cap, raise it with {FILE_MB_VARIABLE}",
        )
    return raw


class _Prefixed(io.RawIOBase):
    """A stream with bytes already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._rest.read(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)


def decode(raw: bytes, report: Report) -> str:
    """The document's text, decoded by its BOM, else UTF-8, else its declared encoding.

    The XML parser is never left to guess: real files are UTF-16 with a BOM
    while declaring no encoding or the wrong one (spec section 1).
    """
    if raw.startswith(codecs.BOM_UTF16_BE):
        return _decode(raw[2:], "utf-16-be", "UTF-16 (big-endian)", report)
    if raw.startswith(codecs.BOM_UTF16_LE):
        return _decode(raw[2:], "utf-16-le", "UTF-16 (little-endian)", report)
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[3:], "utf-8", "UTF-8", report)
    if raw[:2] == b"\x00<":
        report.note("no byte-order mark; read as UTF-16 big-endian")
        return _decode(raw, "utf-16-be", "UTF-16 (big-endian)", report)
    if raw[:2] == b"<\x00":
        report.note("no byte-order mark; read as UTF-16 little-endian")
        return _decode(raw, "utf-16-le", "UTF-16 (little-endian)", report)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_ENCODING.match(raw)
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            report.warn(f"declares encoding {name!r}, which is unknown here; read as UTF-8")
        else:
            if codec in _NOT_DOCUMENT_CODECS:
                report.warn(
                    f"declares encoding {name!r}, which is not a character set for "
                    "documents; read as UTF-8"
                )
            else:
                return _decode(raw, name, name, report)
    return _decode(raw, "utf-8", "UTF-8", report)


def _decode(raw: bytes, codec: str, label: str, report: Report) -> str:
    try:
        return raw.decode(codec)
    except LookupError:  # a declared codec that is not a text encoding ("hex", "zlib")
        report.warn(f"declares encoding {label!r}, which is not a text encoding; read as UTF-8")
        return _decode(raw, "utf-8", "UTF-8", report)
    except (UnicodeError, ValueError) as exc:
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        report.warn(f"not valid {label}{where}: undecodable bytes replaced with U+FFFD")
        try:
            return raw.decode(codec, errors="replace")
        except (LookupError, UnicodeError, ValueError):  # a codec that cannot replace
            return raw.decode("utf-8", errors="replace")


class _TooMany(Exception):
    """Raised from inside the XML parser when a cap is passed (see ``_CountingBuilder``)."""


def _counting_builder() -> TreeBuilder:
    """A tree builder that refuses, while the XML is being parsed, more elements than
    the caps allow: a million empty elements fit in a 21 KB file."""
    from xml.etree.ElementTree import TreeBuilder as Builder

    items = max_items()
    caps = {"HYPOTHESIS": (items, "hypotheses"), "EVIDENCE": (items, "evidence items")}
    every = items * ELEMENTS_PER_ITEM

    class CountingBuilder(Builder):
        def __init__(self) -> None:
            super().__init__()
            self.counts: dict[str, int] = {}

        def start(self, tag: str, attrs: dict[str, str], /) -> Element:
            counts = self.counts
            counts[""] = total = counts.get("", 0) + 1
            if total > every:
                raise _TooMany(refusal(every, "XML elements", ITEMS_VARIABLE))
            cap = caps.get(tag)
            if cap is not None:
                counts[tag] = count = counts.get(tag, 0) + 1
                if count > cap[0]:
                    raise _TooMany(refusal(cap[0], f"{cap[1]} ({tag} elements)", ITEMS_VARIABLE))
            return super().start(tag, attrs)

    return CountingBuilder()


def parse_xml(text: str, path: str) -> Element:
    """Parse with entity declarations and external references refused, and the
    element caps of ``core.limits`` applied while parsing (``_counting_builder``)."""
    from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(
        target=_counting_builder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    try:
        for start in range(0, len(text), _FEED):
            parser.feed(text[start : start + _FEED])
        root: Element = parser.close()
    except _TooMany as exc:
        raise fail(path, str(exc)) from None
    except EntitiesForbidden as exc:
        raise fail(
            path,
            f"refused: the XML declares entity {exc.name!r}; entities are not accepted in a "
            "file from elsewhere (they can expand without bound or read local files)",
        ) from None
    except ExternalReferenceForbidden as exc:
        raise fail(
            path,
            f"refused: the XML refers to an external resource ({exc.sysid!r}); "
            "nothing outside the file is read",
        ) from None
    except ParseError as exc:
        line, column = exc.position
        message = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise fail(path, f"not well-formed XML: {message}", line=line, column=column + 1) from None
    return root


def _text(element: Element) -> str:
    return "".join(element.itertext())


def _leaves(parent: Element, where: str, known: tuple[str, ...], report: Report) -> dict[str, str]:
    """The text of the first child of each known name; the rest reported."""
    found: dict[str, str] = {}
    for child in parent:
        tag = child.tag
        if tag in known:
            if tag in found:
                if _text(child) != found[tag]:
                    report.warn(f"a second {tag} is ignored; the first is used", key=where)
                continue
            found[tag] = _text(child)
        elif _text(child).strip():
            report.warn(f"element {tag} is not read: achbench has no place for it", key=where)
    return found


def _parse_date(text: str, where: str, report: Report) -> dt.date | None:
    """Java milliseconds since 1970 UTC to a date; 0 or empty means no date.

    PARC stores a date picked in local time as that day's local midnight, which
    in UTC falls within 12 hours either side of the day's start: the nearest
    UTC midnight gives back the day the analyst picked.
    """
    text = text.strip()
    if text in ("", "0"):
        return None
    try:
        ms = int(text)
    except ValueError:
        report.warn(f"{text!r} is not a date in milliseconds; no date read", key=where)
        return None
    if not _MIN_MS <= ms <= _MAX_MS:
        report.warn(f"{text} is out of the range of dates; no date read", key=where)
        return None
    days = (ms + _DAY_MS // 2) // _DAY_MS
    day = _EPOCH + dt.timedelta(days=days)
    if ms % _DAY_MS:
        moment = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)
        report.warn(
            f"{text} is {moment.isoformat(' ', 'milliseconds')} UTC, not a midnight; "
            "read as the nearest "
            f"date, {day.isoformat()} (achbench holds dates, not times)",
            key=where,
        )
    return day


def _parse_level(text: str, where: str, report: Report) -> Level | None:
    value = text.strip()
    if not value:
        return None
    level = _LEVEL_OF_WORD.get(value.upper())
    if level is None:
        words = list(_LEVEL_OF_WORD)
        report.warn(
            f"{value!r} is not {', '.join(words[:-1])} or {words[-1]}; read as {DEFAULT_LEVEL}",
            key=where,
        )
    return level


def _parse_flag(text: str, where: str, report: Report) -> bool | None:
    value = text.strip().lower()
    if value in _FLAG_TRUE:
        return True
    if value not in _FLAG_FALSE:
        report.warn(f"{text.strip()!r} is not a flag (1 or 0); read as not flagged", key=where)
    return None


def _parse_values(
    text: str | None,
    where: str,
    hypothesis_ids: list[str],
    report: Report,
) -> tuple[Row, list[str]]:
    """One evidence row's ratings from its comma-separated tokens, by position,
    and the hypotheses whose token was empty."""
    empty: list[str] = []
    if text is None or not text.strip():
        return {}, empty
    tokens = text.split(",")
    if len(tokens) != len(hypothesis_ids):
        if len(tokens) < len(hypothesis_ids):
            rest = "the missing ones are read as unrated"
        else:
            extra = tokens[len(hypothesis_ids) :]
            rest = f"the extra ones ({', '.join(map(repr, extra))}) are ignored"
        report.warn(
            f"{len(tokens)} rating tokens for {len(hypothesis_ids)} hypotheses; {rest}",
            key=where,
        )
    row: Row = {}
    for position, (token, hypothesis_id) in enumerate(
        zip(tokens, hypothesis_ids, strict=False), start=1
    ):
        spelled = " ".join(token.split()).upper()
        if not spelled:
            empty.append(hypothesis_id)
            continue
        code = _CODE_OF_TOKEN.get(spelled)
        if code is None:
            report.warn(
                f"token {position} ({token!r}, for {hypothesis_id}) is not a PARC rating "
                f"({', '.join(TOKEN_OF_CODE.values())}); read as unrated",
                key=where,
            )
            continue
        row[hypothesis_id] = code
    return row, empty


def read_achz(
    stream: IO[bytes],
    path: str,
    report: Report,
    analyst: str = DEFAULT_ANALYST,
    limit: int | None = None,
) -> dict[str, object]:
    """Read a PARC ACH project into matrix data (not yet validated)."""
    root = parse_xml(decode(gunzip(stream, path, limit), report), path)
    title = ""
    classification = ""
    matrix: Element | None = None
    for child in root:
        if child.tag in _TITLE_TAGS:
            title = title or _text(child)
        elif child.tag == "CLASSIFICATION":
            classification = classification or _text(child)
        elif child.tag == "MATRIX":
            if matrix is None:
                matrix = child
            else:
                report.warn("a second MATRIX is ignored; PARC reads only the first", key=root.tag)
        elif child.tag not in _IGNORED_ROOT_TAGS and _text(child).strip():
            report.warn(
                f"element {child.tag} is not read: achbench has no place for it", key=root.tag
            )
    if matrix is None:
        raise fail(path, f"no MATRIX element under <{root.tag}>: not a PARC ACH project")
    data: dict[str, object] = {"format": FORMAT}
    if not title.strip():
        title = Path(path).stem or "Imported matrix"
        report.warn(f"no PROJECT-TITLE; the title is taken from the file name: {title!r}")
    data["title"] = title
    data["analyst"] = analyst
    if classification.strip():
        data["classification"] = classification

    hypotheses: dict[str, HypothesisData] = {}
    evidence: dict[str, EvidenceData] = {}
    rows: dict[str, Row] = {}
    empty_cells: list[str] = []
    items = [c for c in matrix if c.tag in ("HYPOTHESIS", "EVIDENCE")]
    for child in matrix:
        if child.tag not in ("HYPOTHESIS", "EVIDENCE") and _text(child).strip():
            report.warn(f"element {child.tag} is not read", key="MATRIX")
    for number, element in enumerate((c for c in items if c.tag == "HYPOTHESIS"), start=1):
        where = f"MATRIX/HYPOTHESIS[{number}]"
        leaves = _leaves(element, where, _HYPOTHESIS_TAGS, report)
        item: HypothesisData = {"title": leaves.get("NAME", "")}
        if not item["title"].strip():
            item["title"] = f"Hypothesis {number}"
            report.warn(f"no NAME; titled {item['title']!r}", key=where)
        if leaves.get("NOTES", "").strip():
            item["description"] = leaves["NOTES"]
        hypotheses[f"H{number}"] = item
    if not hypotheses:
        raise fail(path, "no HYPOTHESIS element: a matrix needs at least one", key="MATRIX")
    hypothesis_ids = list(hypotheses)
    for number, element in enumerate((c for c in items if c.tag == "EVIDENCE"), start=1):
        where = f"MATRIX/EVIDENCE[{number}]"
        evidence_id = f"E{number}"
        evidence[evidence_id], row, empty = _read_evidence(
            element, where, number, hypothesis_ids, report
        )
        empty_cells += [f"{evidence_id}/{h}" for h in empty]
        if row:
            rows[evidence_id] = row
    if empty_cells:
        report.warn(
            f"empty rating tokens read as unrated: {len(empty_cells)} "
            f"(evidence/hypothesis {id_list(empty_cells)})"
        )
    data["hypotheses"] = hypotheses
    data["evidence"] = evidence
    if rows:
        data["ratings"] = {analyst: rows}
    return data


def _read_evidence(
    element: Element,
    where: str,
    number: int,
    hypothesis_ids: list[str],
    report: Report,
) -> tuple[EvidenceData, Row, list[str]]:
    """One EVIDENCE element: the item, its ratings row, and the hypotheses left empty."""
    leaves = _leaves(element, where, _EVIDENCE_TAGS, report)
    item: EvidenceData = {"title": leaves.get("NAME", "")}
    if not item["title"].strip():
        item["title"] = f"Evidence {number}"
        report.warn(f"no NAME; titled {item['title']!r}", key=where)
    date = _parse_date(leaves.get("DATE", ""), f"{where}/DATE", report)
    if date is not None:
        item["date"] = date
    for tag, key in _TEXT_FIELDS:
        if leaves.get(tag, "").strip():
            item[key] = leaves[tag]
    credibility = _parse_level(leaves.get("CREDIBILITY", ""), f"{where}/CREDIBILITY", report)
    if credibility is not None and credibility != DEFAULT_LEVEL:
        item["credibility"] = credibility
    relevance = _parse_level(leaves.get("RELEVANCE", ""), f"{where}/RELEVANCE", report)
    if relevance is not None and relevance != DEFAULT_LEVEL:
        item["relevance"] = relevance
    if _parse_flag(leaves.get("FLAG", ""), f"{where}/FLAG", report):
        item["flag"] = True
    row, empty = _parse_values(leaves.get("VALUES"), f"{where}/VALUES", hypothesis_ids, report)
    return item, row, empty


# --- writing -----------------------------------------------------------------


def _clean(value: str, key: str, report: Report) -> str:
    """Text PARC can hold: XML 1.0 characters of the BMP; others replaced and reported."""
    bad = _NOT_XML_CHAR.findall(value)
    if bad:
        shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
        report.warn(
            f"{len(bad)} character(s) PARC ACH cannot hold ({shown}: outside the Basic "
            "Multilingual Plane or not allowed in XML) replaced with U+FFFD",
            key=key,
        )
        value = _NOT_XML_CHAR.sub("\ufffd", value)
    return value


def _leaf(tag: str, value: str, key: str, report: Report) -> str:
    text = escape(_clean(value, key, report), {"\r": "&#13;"})
    return f"<{tag}>{text}</{tag}>"


def _date_ms(value: dt.date | None) -> str:
    if value is None:
        return "0"
    return str((value - _EPOCH).days * _DAY_MS)


def _warn_losses(data: MatrixData, report: Report, analyst: str | None) -> None:
    """Report everything in the matrix that a PARC project has no place for."""
    hypotheses = data["hypotheses"]
    evidence = data.get("evidence", {})
    if data.get("question"):
        report.warn("PARC ACH has no question; the question is left out", key="question")
    for key, label in (("description", "descriptions"), ("prior", "priors")):
        having = [h for h, item in hypotheses.items() if item.get(key) is not None]
        if having:
            report.warn(
                f"PARC ACH has no hypothesis {label}; left out for {id_list(having)}",
                key="hypotheses",
            )
    sourced = [e for e, item in evidence.items() if item.get(_KEPT_IN_NOTES[0])]
    if sourced:
        report.warn(
            f"PARC ACH has no evidence source; written into the NOTES of {id_list(sourced)} "
            "as 'Source: ...'",
            key="evidence",
        )
    epoch = [e for e, item in evidence.items() if item.get("date") == _EPOCH]
    if epoch:
        report.warn(
            f"PARC ACH writes 1970-01-01 as 'no date'; the date of {id_list(epoch)} will "
            "read back as unset",
            key="evidence",
        )
    milestones = list(data.get("milestones", {}))
    if milestones:
        report.warn(
            f"PARC ACH has no milestones; left out {len(milestones)} ({id_list(milestones)})",
            key="milestones",
        )
    positional = list(hypotheses) == [f"H{i}" for i in range(1, len(hypotheses) + 1)] and list(
        evidence
    ) == [f"E{i}" for i in range(1, len(evidence) + 1)]
    if not positional:
        report.warn(
            "PARC ACH has no ids; an import numbers hypotheses H1.. and evidence E1.. in order",
            key="hypotheses",
        )
    if analyst is not None and analyst != DEFAULT_ANALYST:
        report.warn(
            f"PARC ACH does not name the analyst; import with --analyst {analyst} "
            "to file the ratings under that name again",
            key="ratings",
        )
    _warn_addition_losses(data, report)


def _warn_addition_losses(data: MatrixData, report: Report) -> None:
    """Name each key of the spec's "Additions" that the matrix sets and PARC cannot hold."""
    evidence = data.get("evidence", {})
    _warn_sources(data, report)
    for key in EVIDENCE_ADDITIONS:
        if key in _KEPT_IN_NOTES:
            continue
        # ``status = "collected"`` is the default: a PARC import means the same.
        having = [
            e
            for e, item in evidence.items()
            if item.get(key) not in (None, DEFAULT_EVIDENCE_STATUS if key == "status" else None)
        ]
        if having:
            report.warn(
                f"PARC ACH has no evidence {key}; left out for {id_list(having)}", key="evidence"
            )
    for table, ids, words in (
        ("assumptions", list(data.get("assumptions") or {}), "no assumptions; left out {}"),
        (
            "rationale",
            list(data.get("rationale") or {}),
            "no rationale per rating; the notes of {} are appended to each evidence item's "
            "NOTES as 'H2 (analyst): note', where they can no longer be kept apart",
        ),
        ("judgements", list(data.get("judgements") or {}), "no judgements; left out those of {}"),
    ):
        if ids:
            report.warn("PARC ACH has " + words.format(id_list(ids)), key=table)
    if "resolution" in data:
        report.warn("PARC ACH has no resolution; the resolution is left out", key="resolution")


_KEPT_IN_NOTES = ("source", "cites", "quote", "locator")
"""Evidence keys written as text into NOTES (and a source's url or path into LINK):
PARC ACH has no place for them, but a reader of the exported project still sees
where each item comes from."""


def _warn_sources(data: MatrixData, report: Report) -> None:
    """Say where sources and quotes went, and name each part of them left out."""
    evidence = data.get("evidence", {})
    sources = data.get("sources") or {}
    quoting = [e for e, item in evidence.items() if any(k in item for k in _KEPT_IN_NOTES[1:])]
    if quoting:
        report.warn(
            "PARC ACH has no sources or quotes; each item's cited source, quote and locator "
            f"are written into the NOTES (and a source's url or path into an empty LINK) of "
            f"{id_list(quoting)}, as text an import keeps in the notes",
            key="evidence",
        )
    cited = {item.get("cites") for item in evidence.values()}
    uncited = [s for s in sources if s not in cited]
    if uncited:
        report.warn(
            f"PARC ACH has no sources; left out {id_list(uncited)}, which no item cites",
            key="sources",
        )
    for key in ("sha256", "notes"):
        having = [s for s, source in sources.items() if s in cited and key in source]
        if having:
            report.warn(
                f"PARC ACH has no source {key}; left out for {id_list(having)}", key="sources"
            )


def with_sources(item: EvidenceData, sources: Mapping[str, SourceData]) -> EvidenceData:
    """``item`` with its free-text source, cited source, quote and locator appended to
    its notes, one line each, and the cited source's url (or path) as its link when
    it has none: what PARC ACH can hold of them."""
    lines = []
    if item.get("source"):
        lines.append(f"Source: {item['source']}")
    link = item.get("link")
    cited_id = item.get("cites")
    if cited_id is not None and cited_id in sources:
        cited = sources[cited_id]
        if not link:
            link = cited.get("url") or cited.get("path")
        shown = {
            "": cited.get("kind"),
            "reliability ": cited.get("reliability"),
            "url ": cited.get("url"),
            "path ": cited.get("path"),
        }
        details = [f"{label}{value}" for label, value in shown.items() if value and value != link]
        more = f" ({'; '.join(details)})" if details else ""
        lines.append(f"Cites {cited_id}: {cited['title']}{more}")
    where = f" ({item['locator']})" if item.get("locator") else ""
    if "quote" in item:
        lines.append(f"Quote{where}: {item['quote']}")
    elif where:
        lines.append(f"Locator: {item['locator']}")
    if not lines and link == item.get("link"):
        return item
    noted = item.copy()
    noted["notes"] = "\n".join([item["notes"], *lines] if item.get("notes") else lines)
    if link:
        noted["link"] = link
    return noted


def render_xml(data: MatrixData, report: Report, analyst: str | None = None) -> str:
    """The project document as text, in the element order of spec section 8."""
    chosen = pick_analyst(data, analyst, report, "PARC ACH")
    _warn_losses(data, report, chosen)
    hypotheses = data["hypotheses"]
    evidence = data.get("evidence", {})
    ratings = data.get("ratings", {}).get(chosen, {}) if chosen else {}
    lines = [
        '<?xml version="1.0"?>',
        "<ACH>",
        "  " + _leaf("PROJECT-TITLE", data["title"], "title", report),
        "  " + _leaf("CLASSIFICATION", data.get("classification", ""), "classification", report),
        f"  <LAST-INDEX>{len(hypotheses) + len(evidence)}</LAST-INDEX>",
        "  <COLOR-SCHEME>0</COLOR-SCHEME>",
        "  <MATRIX>",
    ]
    for hypothesis_id, item in hypotheses.items():
        name = _leaf("NAME", item["title"], f"hypotheses.{hypothesis_id}.title", report)
        lines += ["    <HYPOTHESIS>", f"      {name}", "    </HYPOTHESIS>"]
    rationale = data.get("rationale", {})
    for evidence_id, evidence_item in evidence.items():
        lines.append("    <EVIDENCE>")
        sourced = with_sources(evidence_item, data.get("sources") or {})
        noted = with_rationale(evidence_id, sourced, hypotheses, rationale)
        lines += _evidence_lines(evidence_id, noted, report, hypotheses, ratings)
        lines.append("    </EVIDENCE>")
    lines += ["  </MATRIX>", "</ACH>", ""]
    return "\n".join(lines)


def with_rationale(
    evidence_id: str,
    item: EvidenceData,
    hypotheses: Mapping[str, HypothesisData],
    rationale: Rationale,
) -> EvidenceData:
    """``item`` with every analyst's rationale for its cells appended to its notes, one
    line each (``H2 (lead): note``, hypotheses in file order): PARC ACH keeps one NOTES
    per item, so this is the only place the reasons survive an export."""
    lines = [
        f"{h} ({analyst}): {' '.join(text.split())}"
        for h in hypotheses
        for analyst, table in rationale.items()
        if (text := table.get(evidence_id, {}).get(h))
    ]
    if not lines:
        return item
    noted = item.copy()
    noted["notes"] = "\n".join([item["notes"], *lines] if item.get("notes") else lines)
    return noted


def _evidence_lines(
    evidence_id: str,
    item: EvidenceData,
    report: Report,
    hypotheses: Mapping[str, HypothesisData],
    ratings: Mapping[str, Row],
) -> Iterator[str]:
    key = f"evidence.{evidence_id}"
    row = ratings.get(evidence_id, {})
    values = ",".join(TOKEN_OF_CODE[row[h]] if h in row else "" for h in hypotheses)
    for tag, field in (("NAME", "title"), ("NOTES", "notes"), ("LINK", "link"), ("TYPE", "kind")):
        text: object = item.get(field)
        yield "      " + _leaf(tag, text if isinstance(text, str) else "", f"{key}.{field}", report)
    yield f"      <DATE>{_date_ms(item.get('date'))}</DATE>"
    yield "      " + _leaf("CODE", item.get("code") or "", f"{key}.code", report)
    yield f"      <FLAG>{1 if item.get('flag') else 0}</FLAG>"
    yield f"      <CREDIBILITY>{item.get('credibility', DEFAULT_LEVEL).upper()}</CREDIBILITY>"
    yield f"      <RELEVANCE>{item.get('relevance', DEFAULT_LEVEL).upper()}</RELEVANCE>"
    yield f"      <VALUES>{values}</VALUES>"


def write_achz(data: MatrixData, report: Report, analyst: str | None = None) -> bytes:
    """The ``.achz`` bytes: UTF-16BE with BOM, gzip, byte-stable (no timestamp)."""
    text = render_xml(data, report, analyst)
    return gzip.compress(codecs.BOM_UTF16_BE + text.encode("utf-16-be"), mtime=0)

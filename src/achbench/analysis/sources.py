"""Checking a matrix against its source documents: quotes found, documents unchanged.

For each source that evidence cites and that has a ``path``, the document is
read once (``store.documents``), its bytes hashed and compared with the recorded
``sha256``, and every quote citing it looked for by ``analysis.quotes``' rule.
What is found is a list of ``SourceFinding``: a *problem* (a quote not in its
document, a document changed since it was cited or that cannot be read) or a
*note* (a document not at hand, quotes whose source has no path): a matrix may
travel without its documents, so their absence is never a problem.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from achbench.analysis.quotes import find_quotes
from achbench.analysis.wording import plural
from achbench.core.data import MatrixData
from achbench.core.errors import MatrixFileError
from achbench.store.documents import find_document, not_utf8, read_document


@dataclass(frozen=True)
class SourceFinding:
    """One thing ``check`` says about a matrix's sources."""

    severity: Literal["problem", "note"]
    loc: tuple[str, ...]
    """The key it is about: ``("evidence", id, "quote")`` or ``("sources", id, key)``."""
    message: str
    source: str
    evidence: str | None = None
    document: str | None = None
    """The document's path as looked for or read, where there is one."""


@dataclass
class SourcesReport:
    """Every finding, and how many quotes were checked and found."""

    findings: list[SourceFinding] = field(default_factory=list)
    quotes: int = 0
    """Quotes checked against a document that was read."""
    found: int = 0
    documents: int = 0
    """Documents read."""

    @property
    def problems(self) -> list[SourceFinding]:
        return [f for f in self.findings if f.severity == "problem"]

    @property
    def notes(self) -> list[SourceFinding]:
        return [f for f in self.findings if f.severity == "note"]

    def summary(self) -> str:
        """'12 of 12 quotes found in 2 documents', or '' when no quote was checked."""
        if not self.documents:
            return ""
        return (
            f"{self.found} of {plural(self.quotes, 'quote')} found in "
            f"{plural(self.documents, 'document')}"
        )


def check_sources(
    data: MatrixData, matrix_path: Path | str, documents: Path | None = None
) -> SourcesReport:
    """Read each cited source with a ``path`` and check its quotes and its sha256.

    ``documents`` is a folder to look in first (see ``store.documents.find_document``).
    """
    report = SourcesReport()
    sources = data.get("sources") or {}
    quoting: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for eid, item in data.get("evidence", {}).items():
        cited = item.get("cites")
        if cited is not None and cited in sources and "quote" in item:
            quoting[cited].append((eid, item["quote"]))
    cited_ids = {item.get("cites") for item in data.get("evidence", {}).values()}
    folder = Path(matrix_path).parent
    for sid, source in sources.items():
        if sid not in cited_ids:
            continue
        quotes = quoting.get(sid, [])
        if "path" not in source:
            if quotes:
                report.findings.append(
                    SourceFinding(
                        "note",
                        ("sources", sid),
                        f"note: {plural(len(quotes), 'quote')} citing source {sid} not "
                        "checked: it has no path",
                        sid,
                    )
                )
            continue
        _check_document(
            report, sid, source["path"], source.get("sha256"), quotes, folder, documents
        )
    return report


def _check_document(
    report: SourcesReport,
    sid: str,
    path: str,
    recorded: str | None,
    quotes: list[tuple[str, str]],
    folder: Path,
    documents: Path | None,
) -> None:
    where = find_document(path, folder, documents)
    if where is None:
        looked = f"{documents} or {folder}" if documents is not None else str(folder)
        unchecked = f"; {plural(len(quotes), 'quote')} not checked" if quotes else ""
        report.findings.append(
            SourceFinding(
                "note",
                ("sources", sid, "path"),
                f"note: source {sid}'s document {path} is not at hand (looked in {looked})"
                f"{unchecked}",
                sid,
                document=path,
            )
        )
        return
    try:
        document = read_document(where)
    except MatrixFileError as exc:
        report.findings.append(_unreadable(sid, where, exc.problems[0]))
        return
    report.documents += 1
    if recorded is not None and document.sha256 != recorded:
        report.findings.append(
            SourceFinding(
                "problem",
                ("sources", sid, "sha256"),
                f"source {sid}'s document {where} has changed since it was cited: its "
                f"sha256 is {document.sha256}, the matrix records {recorded}",
                sid,
                document=str(where),
            )
        )
    try:
        found = find_quotes(document.raw, [quote for _, quote in quotes])
    except UnicodeDecodeError as exc:
        report.findings.append(_unreadable(sid, where, not_utf8(where, exc).problems[0]))
        return
    report.quotes += len(quotes)
    report.found += sum(found)
    for (eid, _), hit in zip(quotes, found, strict=True):
        if not hit:
            report.findings.append(
                SourceFinding(
                    "problem",
                    ("evidence", eid, "quote"),
                    f"quote not found in source {sid} ({where})",
                    sid,
                    evidence=eid,
                    document=str(where),
                )
            )


def _unreadable(sid: str, where: Path, problem: object) -> SourceFinding:
    """The finding for a cited document that exists but cannot be read as text."""
    return SourceFinding(
        "problem",
        ("sources", sid, "path"),
        f"source {sid}'s document cannot be read: {problem}",
        sid,
        document=str(where),
    )

"""Benchmark ``check --sources``: every quote verified against its source document.

Target (issue 14): on the 50x5,000 benchmark matrix, with every evidence item
quoting one of 50 sources of 1 MB each (every source with its sha256),
``achbench check --sources`` takes at most 2x the CPU time of ``achbench check``
without sources: the same file, with its documents not at hand (so nothing is
read but the matrix), medians, measured in turn in the same run. A third row
sets the same figure against ``check`` on ``generate.py``'s plain 50x5,000,
which has no quotes to parse at all (shown, no target).

The documents are generated text (sentences of made-up words, with typographic
apostrophes, dashes and line breaks as a real article has them), and each quote
is a 100 to 300 character passage copied from its document, as an analyst
pastes it; a second row measures the same matrix when one quote in each
document was retyped with straight quotes and its line breaks as spaces, so
that no document can be checked on its bytes alone (``analysis.quotes``): that
row has its own, looser target.

    python benchmarks/sources_bench.py            # 50x5,000, 50 sources of 1 MB
    python benchmarks/sources_bench.py --quick    # 12x300, 6 sources of 1 MB (CI)
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, Result, bench_main, ratio_result, run_process
from generate import make_matrix

SCRIPT = Path(PYTHON).with_name("achbench")
ACHBENCH = [str(SCRIPT)] if SCRIPT.is_file() else [PYTHON, "-m", "achbench"]
DOCUMENT_BYTES = 1_000_000
LIMIT = 2.0
FOLDED_LIMIT = 3.0
"""The retyped row's target: a quote that does not match as typed is looked for
in a folded window around a word it shares with its document (a few kB folded,
not the megabyte), after the document is decoded."""

_SYLLABLES = ("ka", "za", "kh", "st", "an", "to", "ya", "ev", "mi", "ro", "ul", "ne", "sa", "ti")


def _sentence(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))
        for _ in range(rng.randint(8, 24))
    ]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] += "\u2019s"
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), "\u2014")
    return " ".join(words).capitalize() + "."


def _document(rng: random.Random, pool: Sequence[str]) -> str:
    """About ``DOCUMENT_BYTES`` of paragraphs, lines wrapped at about 80 characters."""
    lines: list[str] = []
    size = 0
    while size < DOCUMENT_BYTES:
        paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 8)))
        while paragraph:
            cut = paragraph.find(" ", 78)
            if cut < 0:
                cut = len(paragraph)
            line, paragraph = paragraph[:cut], paragraph[cut + 1 :]
            lines.append(line)
            size += len(line.encode()) + 1
        lines.append("")
    return "\n".join(lines)


def _quote(rng: random.Random, text: str) -> str:
    """A 100-300 character passage of ``text``, starting and ending on a word."""
    length = rng.randint(100, 300)
    start = text.find(" ", rng.randrange(len(text) - 2 * length)) + 1
    end = text.rfind(" ", start, start + length)
    return text[start:end]


def _retyped(quote: str) -> str:
    return quote.replace("\u2019", "'").replace("\u2014", "-").replace("\n", " ")


def build(folder: Path, n_hyp: int, n_ev: int, n_sources: int) -> tuple[Path, Path, Path, Path]:
    """The plain matrix, the same matrix quoting ``n_sources`` documents, that matrix
    with one quote per document retyped (the documents written beside them), and a
    copy of the quoting matrix in a folder without its documents."""
    from achbench.store.toml import dumps

    rng = random.Random(14)
    pool = [_sentence(rng) for _ in range(4000)]
    plain = make_matrix(n_hyp, n_ev)
    (folder / "plain.toml").write_text(dumps(plain), encoding="utf-8")
    documents = []
    sources: dict[str, dict[str, Any]] = {}
    for index in range(n_sources):
        text = _document(rng, pool)
        name = f"source{index + 1}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        documents.append(text)
        sources[f"S{index + 1}"] = {
            "title": f"Generated document {index + 1}",
            "kind": "report",
            "path": name,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "reliability": "C",
        }
    quoted = make_matrix(n_hyp, n_ev)
    retyped = make_matrix(n_hyp, n_ev)
    for number, eid in enumerate(quoted["evidence"]):
        index = number % n_sources
        quote = _quote(rng, documents[index])
        cited = {"cites": f"S{index + 1}", "quote": quote, "locator": f"passage {number}"}
        for data in (quoted, retyped):
            data["evidence"][eid].update(cited)
        if number < n_sources:  # the first quote of each document
            retyped["evidence"][eid]["quote"] = _retyped(quote)
    for data, name in ((quoted, "quoted.toml"), (retyped, "retyped.toml")):
        data["sources"] = sources
        (folder / name).write_text(dumps(data), encoding="utf-8")
    (folder / "bare").mkdir()
    bare = folder / "bare" / "quoted.toml"
    bare.write_text(dumps(quoted), encoding="utf-8")
    return folder / "plain.toml", folder / "quoted.toml", folder / "retyped.toml", bare


def _rounds(commands: Sequence[Sequence[str]], runs: int) -> list[float]:
    """Median CPU seconds of each command, interleaved round after round."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for spent, argv in zip(times, commands, strict=True):
            spent.append(run_process(argv).cpu)
    return [statistics.median(spent) for spent in times]


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    """Measure ``check --sources`` against ``check``; one result per row."""
    n_hyp, n_ev, n_sources = (12, 300, 6) if quick else (50, 5000, 50)
    with tempfile.TemporaryDirectory() as name:
        plain, quoted, retyped, bare = build(Path(name), n_hyp, n_ev, n_sources)
        for path in (quoted, retyped):  # every quote found, or the figures mean nothing
            out = run_process([*ACHBENCH, "check", "--sources", str(path)]).stdout
            if f"{n_ev} of {n_ev} quotes found in {n_sources} documents" not in out:
                raise RuntimeError(f"check --sources did not find every quote: {out}")
        base, plain_base, checked, folded = _rounds(
            [
                [*ACHBENCH, "check", "-q", str(bare)],
                [*ACHBENCH, "check", str(plain)],
                [*ACHBENCH, "check", "--sources", str(quoted)],
                [*ACHBENCH, "check", "--sources", str(retyped)],
            ],
            runs,
        )
    size = f"{n_hyp}x{n_ev}, {n_sources} sources of 1 MB"
    unread = "check, documents not at hand"
    return [
        ratio_result("check --sources", size, checked, base, unread, LIMIT),
        ratio_result(
            "check --sources, 1 quote per source retyped", size, folded, base, unread, FOLDED_LIMIT
        ),
        Result(
            "check --sources",
            size,
            checked,
            plain_base,
            "check, plain matrix (no quotes)",
            "-",
            True,
        ),
    ]


def main() -> int:
    return bench_main(run, __doc__ or "", "12x300 with 6 sources (for CI)")


if __name__ == "__main__":
    raise SystemExit(main())

"""Generate large, valid ACH matrices for benchmarks.

Shared by every benchmark under ``benchmarks/`` so that their figures are
measured on the same kind of data: every cell of the first analyst is rated
with a random code, and further analysts rate about four cells in five.

    python benchmarks/generate.py 50 5000 -o /tmp/big.toml
    python benchmarks/generate.py 12 300 --analysts 3 -o /tmp/three.toml
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

CODES = ("CC", "C", "N", "I", "II", "NA")
LEVELS = ("low", "medium", "high")
KINDS = ("fact", "report", "claim", "assumption", "absence of evidence")
_WORD_TEXT = (
    "protest fuel price elite security service foreign troops airport looting curfew "
    "internet shutdown president decree arrest statement riots capital region militants "
    "negotiation parliament resignation police army border pipeline"
)
WORDS = _WORD_TEXT.split()


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def make_matrix(n_hyp: int, n_ev: int, n_analysts: int = 1, seed: int = 0) -> dict[str, Any]:
    """A valid matrix as plain data: ``n_hyp`` hypotheses, ``n_ev`` evidence items.

    The first analyst rates every cell; each further analyst rates about 80 % of
    them.  The same arguments always give the same matrix.
    """
    rng = random.Random(seed)
    analysts = [f"analyst{i + 1}" for i in range(n_analysts)]
    hypotheses = {
        f"H{i + 1}": {"title": _sentence(rng, 2, 4), "description": _sentence(rng, 8, 20)}
        for i in range(n_hyp)
    }
    start = dt.date(2022, 1, 1)
    evidence: dict[str, Any] = {}
    for i in range(n_ev):
        item: dict[str, Any] = {
            "title": _sentence(rng, 4, 10),
            "source": f"report {rng.randint(1, 400)}, page {rng.randint(1, 60)}",
            "date": start + dt.timedelta(days=rng.randint(0, 60)),
            "kind": rng.choice(KINDS),
            "credibility": rng.choice(LEVELS),
            "relevance": rng.choice(LEVELS),
        }
        if rng.random() < 0.3:
            item["notes"] = _sentence(rng, 10, 30)
        evidence[f"E{i + 1}"] = item
    ratings: dict[str, Any] = {}
    for index, analyst in enumerate(analysts):
        share = 1.0 if index == 0 else 0.8
        table: dict[str, dict[str, str]] = {}
        for evidence_id in evidence:
            row = {h: rng.choice(CODES) for h in hypotheses if rng.random() < share}
            if row:
                table[evidence_id] = row
        ratings[analyst] = table
    data: dict[str, Any] = {
        "format": "achbench/1",
        "title": f"Generated matrix {n_hyp}x{n_ev}",
        "question": "Which generated hypothesis best explains the generated evidence?",
    }
    if analysts:
        data["analyst"] = analysts[0]
    data["hypotheses"] = hypotheses
    data["evidence"] = evidence
    if ratings:
        data["ratings"] = ratings
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a generated matrix file.")
    parser.add_argument("hypotheses", type=int, help="number of hypotheses")
    parser.add_argument("evidence", type=int, help="number of evidence items")
    parser.add_argument("--analysts", type=int, default=1, help="number of analysts (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", required=True, help="file to write")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from achbench.store import save

    save(make_matrix(args.hypotheses, args.evidence, args.analysts, args.seed), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

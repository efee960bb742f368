"""Generate large, valid matrices for benchmarks and tests.

``make_matrix(n_hyp, n_ev, n_analysts=1, seed=0)`` returns plain matrix data (as
``achbench.store.load_data`` would) that passes validation; the same arguments
always give the same matrix.  Every cell is rated by every analyst, and the
evidence carries the optional fields in a realistic mix, so parse and scoring
costs resemble a real, finished matrix.

Command line::

    python benchmarks/generate.py 50 5000 --analysts 2 -o big.toml
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

CODES = ("CC", "C", "N", "I", "II", "NA")
_CODE_WEIGHTS = (1, 4, 6, 3, 1, 1)
LEVELS = ("low", "medium", "high")
KINDS = ("fact", "report", "claim", "assumption", "absence of evidence")


def make_matrix(n_hyp: int, n_ev: int, n_analysts: int = 1, seed: int = 0) -> dict[str, Any]:
    """A valid matrix of ``n_hyp`` hypotheses, ``n_ev`` evidence items, fully rated."""
    rng = random.Random(seed)
    hypotheses = {
        f"H{i}": {"title": f"Hypothesis {i}", "description": f"What hypothesis {i} claims."}
        for i in range(1, n_hyp + 1)
    }
    start = dt.date(2022, 1, 1)
    evidence: dict[str, dict[str, Any]] = {}
    for i in range(1, n_ev + 1):
        item: dict[str, Any] = {"title": f"Evidence item {i}", "source": f"report {i % 97}"}
        if i % 3 == 0:
            item["date"] = start + dt.timedelta(days=i % 365)
        item["kind"] = KINDS[i % len(KINDS)]
        item["credibility"] = rng.choice(LEVELS)
        item["relevance"] = rng.choice(LEVELS)
        evidence[f"E{i}"] = item
    hypothesis_ids = list(hypotheses)
    ratings: dict[str, dict[str, dict[str, str]]] = {}
    for a in range(1, n_analysts + 1):
        analyst = "lead" if a == 1 else f"analyst{a}"
        ratings[analyst] = {
            e: dict(
                zip(
                    hypothesis_ids,
                    rng.choices(CODES, weights=_CODE_WEIGHTS, k=n_hyp),
                    strict=True,
                )
            )
            for e in evidence
        }
    return {
        "format": "achbench/1",
        "title": f"Generated matrix, {n_hyp} x {n_ev}",
        "question": "Which hypothesis does the generated evidence favour?",
        "analyst": "lead",
        "hypotheses": hypotheses,
        "evidence": evidence,
        "ratings": ratings,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a generated matrix file.")
    parser.add_argument("n_hyp", type=int, metavar="H", help="number of hypotheses")
    parser.add_argument("n_ev", type=int, metavar="E", help="number of evidence items")
    parser.add_argument("--analysts", type=int, default=1, help="number of analysts (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    args = parser.parse_args(argv)
    from achbench.store import save

    save(make_matrix(args.n_hyp, args.n_ev, args.analysts, args.seed), args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

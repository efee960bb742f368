"""Generate valid matrices of any size for benchmarks and scale tests.

    python benchmarks/generate.py 50 5000 -o /tmp/big.toml
    python benchmarks/generate.py 20 1000 --analysts 5 -o /tmp/team.toml

Ratings are random but reproducible (``seed``); every cell is rated by every
analyst, as a finished matrix would be.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

CODES = ("CC", "C", "N", "I", "II", "NA")
WEIGHTS = (1, 3, 4, 3, 1, 1)
LEVELS = ("low", "medium", "high")


def make_matrix(n_hyp: int, n_ev: int, n_analysts: int = 1, seed: int = 0) -> dict[str, Any]:
    """A valid matrix of ``n_hyp`` hypotheses and ``n_ev`` evidence items as plain data."""
    rng = random.Random(seed)
    hyps = [f"H{i + 1}" for i in range(n_hyp)]
    evs = [f"E{i + 1}" for i in range(n_ev)]
    analysts = ["lead"] + [f"analyst{i + 1}" for i in range(1, n_analysts)]
    return {
        "format": "achbench/1",
        "title": f"Generated matrix {n_hyp}x{n_ev}",
        "question": "Which generated hypothesis does the generated evidence support?",
        "analyst": analysts[0],
        "hypotheses": {
            h: {"title": f"Hypothesis {h}", "description": f"Generated hypothesis {h}."}
            for h in hyps
        },
        "evidence": {
            e: {
                "title": f"Evidence item {e}",
                "source": "generated",
                "kind": rng.choice(("fact", "report", "assumption")),
                "credibility": rng.choice(LEVELS),
                "relevance": rng.choice(LEVELS),
            }
            for e in evs
        },
        "ratings": {
            a: {e: {h: rng.choices(CODES, WEIGHTS)[0] for h in hyps} for e in evs} for a in analysts
        },
    }


def write_matrix(path: Path, n_hyp: int, n_ev: int, n_analysts: int = 1, seed: int = 0) -> Path:
    """Generate and save a matrix with achbench's own writer."""
    from achbench.store.toml import dumps

    path.write_text(dumps(make_matrix(n_hyp, n_ev, n_analysts, seed)), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hypotheses", type=int)
    parser.add_argument("evidence", type=int)
    parser.add_argument("--analysts", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    write_matrix(args.output, args.hypotheses, args.evidence, args.analysts, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

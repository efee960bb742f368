"""Benchmark ``achbench rank --format json`` against parsing the file with tomllib alone.

Targets (issue 3): rank at 50x5,000 costs at most 1.0x the parse-only baseline
(``python -c`` loading the same file with ``tomllib``), and at 4x30 at most
0.25 s of wall time.  Both are whole processes, timed in the same run; the table
gives medians.

    python benchmarks/rank_bench.py            # all sizes, 7 runs each
    python benchmarks/rank_bench.py --quick    # small sizes, exits 1 on a missed target
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ACHBENCH,
    PYTHON,
    Result,
    bench_main,
    ratio_result,
    time_process,
)
from generate import write_matrix

SIZES = [(4, 30, 1), (12, 300, 1), (50, 5000, 1), (20, 1000, 5)]
QUICK_SIZES = [(4, 30, 1), (12, 300, 1)]
METHODS = ("heuer", "weighted", "opensynthesis", "bayes")


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    """Measure every size and method; return one result each."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for n_hyp, n_ev, n_analysts in QUICK_SIZES if quick else SIZES:
            path = write_matrix(Path(folder) / f"m{n_hyp}x{n_ev}.toml", n_hyp, n_ev, n_analysts)
            size = f"{n_hyp}x{n_ev}" + (f", {n_analysts} analysts" if n_analysts > 1 else "")
            parse = [PYTHON, "-c", f"import tomllib; tomllib.load(open({str(path)!r}, 'rb'))"]
            baseline = time_process(parse, runs)
            for method in METHODS:
                argv = [*ACHBENCH, "rank", str(path), "--method", method, "--format", "json"]
                median = time_process(argv, runs)
                operation = f"rank --method {method}"
                if (n_hyp, n_ev) == (4, 30):
                    results.append(
                        Result(
                            operation,
                            size,
                            median,
                            baseline,
                            "tomllib parse",
                            "<= 0.25 s",
                            median <= 0.25,
                        )
                    )
                elif (n_hyp, n_ev) == (50, 5000):
                    results.append(
                        ratio_result(operation, size, median, baseline, "tomllib parse", 1.0)
                    )
                else:
                    results.append(
                        Result(operation, size, median, baseline, "tomllib parse", "-", True)
                    )
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "small sizes only (for CI)")


if __name__ == "__main__":
    raise SystemExit(main())

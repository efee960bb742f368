"""Benchmark ``achbench sensitivity`` against ``achbench rank`` on the same file.

Targets (issue 6): the full sensitivity analysis at 12x300 costs at most 3x
``rank`` with the same method and output format, and at 50x5,000 at most 10x.
Both are whole processes, timed in the same run; the table gives medians.  JSON
output is measured for every method, the default table output for heuer.

    python benchmarks/analysis_bench.py            # both sizes, 7 runs each
    python benchmarks/analysis_bench.py --quick    # 12x300 only, exits 1 on a missed target
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ACHBENCH, Result, bench_main, ratio_result, time_process
from generate import write_matrix

LIMITS = {(12, 300): 3.0, (50, 5000): 10.0}
"""Largest allowed ratio of sensitivity to rank, by size."""
SIZES = [(12, 300), (50, 5000)]
QUICK_SIZES = [(12, 300)]
CASES = [
    ("heuer", "json"),
    ("weighted", "json"),
    ("opensynthesis", "json"),
    ("bayes", "json"),
    ("heuer", "table"),
]


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    """Measure every size and case; return one result each."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for n_hyp, n_ev in QUICK_SIZES if quick else SIZES:
            path = write_matrix(Path(folder) / f"m{n_hyp}x{n_ev}.toml", n_hyp, n_ev)
            size = f"{n_hyp}x{n_ev}"
            for method, output in CASES:
                options = ["--method", method, "--format", output]
                baseline = time_process([*ACHBENCH, "rank", str(path), *options], runs)
                median = time_process([*ACHBENCH, "sensitivity", str(path), *options], runs)
                results.append(
                    ratio_result(
                        f"sensitivity --method {method} --format {output}",
                        size,
                        median,
                        baseline,
                        "rank, same options",
                        LIMITS[n_hyp, n_ev],
                    )
                )
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "12x300 only (for CI)")


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark in one go, print one table, and write it to docs/performance.md.

    python benchmarks/run.py            # every size (several minutes)
    python benchmarks/run.py --quick    # small sizes only, under a minute; exit 1 on a miss

Each benchmark module under ``benchmarks/`` offers ``run(quick, runs) -> list[Result]``;
the baseline of every ratio is measured in the same invocation as the operation.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, Result, markdown_table

SUITES = ["rank_bench", "diff_bench", "analysis_bench", "tui_bench"]
"""Benchmark modules, in the order of the issues that set their targets."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (CI)")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement")
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "performance.md",
        help="where to write the Markdown table (default: docs/performance.md)",
    )
    parser.add_argument("--only", action="append", choices=SUITES, help="run only these suites")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    results: list[Result] = []
    started = time.perf_counter()
    for name in args.only or SUITES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        print(f"running {name} ...", file=sys.stderr)
        results.extend(module.run(quick=args.quick, runs=runs))
    table = markdown_table(results)
    print(table)
    elapsed = time.perf_counter() - started
    mode = "quick (small sizes)" if args.quick else "full"
    args.output.write_text(
        "# Performance\n\n"
        "Written by `python benchmarks/run.py`"
        f"{' --quick' if args.quick else ''}: {mode} run, medians of {runs} runs, on "
        f"{platform.machine()} with Python {platform.python_version()}, "
        f"{elapsed:.0f} s in all. Every ratio's baseline was measured in the same run.\n\n"
        f"{table}\n",
        encoding="utf-8",
    )
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(f"missed target: {r.operation} at {r.size}: {r.target}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

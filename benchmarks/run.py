"""Run every benchmark in one go, print one table, and write it to docs/performance.md.

    python benchmarks/run.py            # every size (several minutes); exit 1 on any miss
    python benchmarks/run.py --quick    # small sizes only, under a minute (CI)

``--quick`` fails (exit 1) when a ratio target is missed; absolute targets (a wall
time, a memory ceiling) are shown but, on the shared machines CI runs on, not
enforced at small sizes.  A suite that misses a ratio target is measured once more
before it counts as a miss, since one busy moment on a shared machine can double a
small median; both measurements are printed.  The table goes to
docs/performance.md after a full run, and to ``--output`` when given.

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

SUITES = [
    "rank_bench",
    "diff_bench",
    "analysis_bench",
    "scale_bench",
    "terminal_bench",
    "judge_bench",
    "wide_bench",
    "sources_bench",
    "source_view_bench",
    "next_bench",
    "assumptions_bench",
    "headless_bench",
]
"""Benchmark modules, in the order of the issues that set their targets.

``tui_bench`` (Pilot: keys and a headless launch at 4x30 to 50x5,000) is no
longer run here: ``terminal_bench`` measures keys and launch as a person sees
them; run it by hand for the in-process figures."""

WHICH_MEASURES_WHAT = """\
Which benchmark measures what: `terminal_bench` (the `term:` rows) measures what a
person sees: the editor in a real terminal (tmux at 200x50), keys sent and the pane
polled until the change shows, against a bare Textual app with one Static widget in
the same tmux server; rating and arrow keys at 4x30 and 100x10,000, how long the
screen stays unresponsive while a long operation (sort, rank order, save, filter)
runs, and launch to first paint against `achbench rank`.  `scale_bench` drives the
editor in process with Pilot and stays for what a terminal cannot see: the editor's
own work per key (the "own work" rows and the 99th percentile over hundreds of
keys), the whole duration of a save, and the editor's peak memory; its "to repaint
(Pilot)" rows mostly measure Pilot's own waits (about 66 ms for any key) and are not
a user's latency.  `tui_bench` (Pilot keys and a headless launch) is no longer part
of the run: the terminal figures replace it.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (CI)")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the Markdown table (default: docs/performance.md after a full run)",
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
        measured = module.run(quick=args.quick, runs=runs)
        if args.quick and _missed(measured, ratio_only=True):
            print(markdown_table(measured), file=sys.stderr)
            print(f"{name} missed a ratio target; measuring it once more", file=sys.stderr)
            measured = module.run(quick=args.quick, runs=runs)
        results.extend(measured)
    table = markdown_table(results)
    print(table)
    elapsed = time.perf_counter() - started
    mode = "quick (small sizes)" if args.quick else "full"
    output = args.output or (None if args.quick else ROOT / "docs" / "performance.md")
    if output is None:
        return _verdict(results, ratio_only=True)
    output.write_text(
        "# Performance\n\n"
        "Written by `python benchmarks/run.py`"
        f"{' --quick' if args.quick else ''}: {mode} run, medians of {runs} runs, on "
        f"{platform.machine()} with Python {platform.python_version()}, "
        f"{elapsed:.0f} s in all. Every ratio's baseline was measured in the same run.\n\n"
        f"{WHICH_MEASURES_WHAT}\n"
        f"{table}\n",
        encoding="utf-8",
    )
    return _verdict(results, ratio_only=args.quick)


def _missed(results: list[Result], ratio_only: bool) -> list[Result]:
    return [r for r in results if not r.passed and (r.ratio_target or not ratio_only)]


def _verdict(results: list[Result], ratio_only: bool) -> int:
    failed = _missed(results, ratio_only)
    for r in failed:
        print(f"missed target: {r.operation} at {r.size}: {r.target}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

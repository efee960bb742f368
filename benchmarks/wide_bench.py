"""Benchmark every command at 50,000 hypotheses and at 50,000 evidence items.

Target (issue 12, "scale without surprise"): at either size every command's
output format finishes within 3x the same command's ``--format json``, and the
``rank`` table within 2x.  Commands without JSON are held to ``rank --format
json`` on the same file (``check``), and ``report`` to ``sensitivity --format
json``: the report's dearest part is the sensitivity analysis it contains, so
that is the JSON it should be compared with.  Every figure is the median CPU
time (user + system) of whole processes, measured in the same run; tables are
printed to a file, so they are laid out for 80 columns as on a pipe.

    python benchmarks/wide_bench.py            # both sizes, 3 runs each (several minutes)
    python benchmarks/wide_bench.py --quick    # nothing: too slow for CI

Only the full run (``benchmarks/run.py`` without ``--quick``) measures it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ACHBENCH, Result, bench_main, cpu_process, ratio_result
from generate import write_matrix

SIZES = [(50_000, 3), (4, 50_000)]
"""(hypotheses, evidence items): wide in hypotheses, then long in evidence."""
RANK_TABLE_LIMIT = 2.0
INFORMATION = 0.0
"""No target: a row shown for what it tells (sensitivity's own JSON against rank's;
the issue holds each command to its own JSON, and issue 17 takes on the analysis)."""
LIMIT = 3.0

CASES: list[tuple[str, list[str], list[str], str, float]] = [
    # (operation, argv after the file, baseline argv after the file, baseline name, limit)
    ("rank (table)", ["rank"], ["rank", "-f", "json"], "rank json", RANK_TABLE_LIMIT),
    ("rank -f csv", ["rank", "-f", "csv"], ["rank", "-f", "json"], "rank json", LIMIT),
    ("rank -f markdown", ["rank", "-f", "markdown"], ["rank", "-f", "json"], "rank json", LIMIT),
    (
        "rank --sort diagnosticity (evidence table)",
        ["rank", "--sort", "diagnosticity"],
        ["rank", "-f", "json"],
        "rank json",
        LIMIT,
    ),
    (
        "sensitivity -f json",
        ["sensitivity", "-f", "json"],
        ["rank", "-f", "json"],
        "rank json",
        INFORMATION,
    ),
    (
        "sensitivity (table)",
        ["sensitivity"],
        ["sensitivity", "-f", "json"],
        "sensitivity json",
        LIMIT,
    ),
    (
        "sensitivity -f markdown",
        ["sensitivity", "-f", "markdown"],
        ["sensitivity", "-f", "json"],
        "sensitivity json",
        LIMIT,
    ),
    ("consensus (table)", ["consensus"], ["consensus", "-f", "json"], "consensus json", LIMIT),
    (
        "consensus -f markdown",
        ["consensus", "-f", "markdown"],
        ["consensus", "-f", "json"],
        "consensus json",
        LIMIT,
    ),
    ("report (markdown)", ["report"], ["sensitivity", "-f", "json"], "sensitivity json", LIMIT),
    (
        "report -f html",
        ["report", "-f", "html"],
        ["sensitivity", "-f", "json"],
        "sensitivity json",
        LIMIT,
    ),
    ("check", ["check"], ["rank", "-f", "json"], "rank json", LIMIT),
]
"""Each command and format against its baseline; ``diff`` is measured apart (two files)."""


def run(quick: bool = False, runs: int = 3) -> list[Result]:
    """Measure both sizes (nothing when ``quick``: these take minutes, not CI seconds)."""
    if quick:
        return []
    results = []
    baselines: dict[tuple[str, ...], float] = {}

    def cpu(argv: list[str]) -> float:
        return cpu_process([*ACHBENCH, *argv], runs)

    def baseline(argv: list[str]) -> float:
        # The file is in argv, so one size's baseline is never another's.
        key = tuple(argv)
        if key not in baselines:
            baselines[key] = cpu(argv)
        return baselines[key]

    with tempfile.TemporaryDirectory() as folder:
        for n_hyp, n_ev in SIZES:
            path = write_matrix(Path(folder) / f"w{n_hyp}x{n_ev}.toml", n_hyp, n_ev)
            other = Path(folder) / f"w{n_hyp}x{n_ev}-copy.toml"
            shutil.copyfile(path, other)
            size = f"{n_hyp}x{n_ev}"
            for operation, argv, base_argv, base_name, limit in CASES:
                command, *options = argv
                base_command, *base_options = base_argv
                median = cpu([command, str(path), *options])
                base = baseline([base_command, str(path), *base_options])
                if limit == INFORMATION:
                    results.append(Result(operation, size, median, base, base_name, "-", True))
                else:
                    results.append(ratio_result(operation, size, median, base, base_name, limit))
            diff_json = cpu(["diff", str(path), str(other), "-f", "json"])
            for output in ("text", "markdown"):
                median = cpu(["diff", str(path), str(other), "-f", output])
                results.append(
                    ratio_result(f"diff -f {output}", size, median, diff_json, "diff json", LIMIT)
                )
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "nothing (the sizes take minutes)", full_runs=3)


if __name__ == "__main__":
    raise SystemExit(main())

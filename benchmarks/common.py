"""Helpers shared by the benchmark scripts: timing, result rows, the table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ACHBENCH = [PYTHON, "-m", "achbench"]


@dataclass(frozen=True)
class Result:
    """One measured operation against its baseline and target."""

    operation: str
    size: str
    median: float
    """Seconds."""
    baseline: float | None
    """Seconds, for the baseline run in the same invocation; None for an absolute target."""
    baseline_name: str
    target: str
    passed: bool
    unit: str = "s"
    """What ``median`` and ``baseline`` count: seconds, or "MiB" for a memory figure."""

    @property
    def ratio(self) -> float | None:
        return None if self.baseline is None else self.median / self.baseline

    @property
    def ratio_target(self) -> bool:
        """Whether the target is a ratio to a baseline (``<= 2x``), not an absolute figure."""
        return self.target.startswith("<=") and self.target.endswith("x")

    def cells(self) -> list[str]:
        ratio = self.ratio
        shown = _mib if self.unit == "MiB" else _ms
        return [
            self.operation,
            self.size,
            shown(self.median),
            f"{shown(self.baseline)} ({self.baseline_name})" if self.baseline is not None else "-",
            f"{ratio:.2f}x" if ratio is not None else "-",
            self.target,
            "pass" if self.passed else "FAIL",
        ]


HEADERS = ["operation", "size", "median", "baseline", "ratio", "target", "result"]


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MiB"


def ratio_result(
    operation: str, size: str, median: float, baseline: float, baseline_name: str, limit: float
) -> Result:
    """A result whose target is ``median <= limit x baseline``."""
    return Result(
        operation,
        size,
        median,
        baseline,
        baseline_name,
        f"<= {limit:g}x",
        median <= limit * baseline,
    )


def time_process(argv: Sequence[str], runs: int) -> float:
    """Median wall time in seconds of running ``argv`` to completion ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass(frozen=True)
class ProcessRun:
    """What one finished child process cost."""

    wall: float
    """Seconds from start to exit."""
    cpu: float
    """User plus system CPU seconds of the child: steadier than wall time on a shared machine."""
    peak_rss: float
    """The child's peak resident memory in MiB."""
    stdout: str


def run_process(argv: Sequence[str]) -> ProcessRun:
    """Run ``argv`` to completion and measure it; raise with its stderr if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        errors = err.read().decode(errors="replace")
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{errors}")
        out.seek(0)
        text = out.read().decode()
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return ProcessRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * scale / 2**20, text)


def cpu_process(argv: Sequence[str], runs: int) -> float:
    """Median CPU seconds (user + system) of running ``argv`` ``runs`` times."""
    return statistics.median(run_process(argv).cpu for _ in range(runs))


def cpu_rounds(commands: Sequence[Sequence[str]], runs: int) -> list[float]:
    """Median CPU seconds of each command, run one after another ``runs`` times over
    (baseline and operations interleaved, not one batch after another)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for spent, argv in zip(times, commands, strict=True):
            spent.append(run_process(argv).cpu)
    return [statistics.median(spent) for spent in times]


def time_call(func: Callable[[], object], runs: int) -> float:
    """Median wall time in seconds of calling ``func`` ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def markdown_table(results: Sequence[Result]) -> str:
    """The results as a Markdown table."""
    rows = [r.cells() for r in results]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(HEADERS)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)


def bench_main(
    run: Callable[[bool, int], Sequence[Result]], doc: str, quick_help: str, full_runs: int = 7
) -> int:
    """The command line of a benchmark script: ``--quick``, ``--runs``; print the table.

    Exit status 1 when a target is missed.
    """
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement")
    args = parser.parse_args()
    results = run(args.quick, args.runs or (3 if args.quick else full_runs))
    print(markdown_table(results))
    return 0 if all(r.passed for r in results) else 1

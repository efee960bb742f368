"""Benchmark the headless commands against the floor: start-up, parsing, and each other.

Targets (issue 17), every one a ratio of CPU time (user + system, medians) of
whole processes measured in the same run, since CPU time holds steady on a
shared machine where wall time swings:

* ``rank --format json``, every method, at 50x5,000 and 100x10,000: at most 1.5x
  a process that only parses the same file with ``rtoml``;
* at 4x30, ``rank --format json`` and ``check``: at most 6x ``python -c pass``,
  and ``achbench --help`` at most 4x;
* ``sensitivity --format json``, every method, at 50x5,000: at most 3x ``rank``
  with the same method; ``report --format html`` at most 2x ``sensitivity``;
* ``merge -o`` at most 1.2x parsing its three files with ``rtoml``, ``diff
  --format json`` at most 1.2x parsing its two (50x5,000, 1% of cells changed);
* peak RSS of ``rank`` at 100x50,000 at most 600 MiB, with the figures at two
  smaller sizes to show it grows linearly in cells.

    python benchmarks/headless_bench.py            # every size
    python benchmarks/headless_bench.py --quick    # 4x30 and 12x300 only

Two things keep the ratios steady on a shared machine: the package is compiled
to bytecode first (with ``PYTHONDONTWRITEBYTECODE`` set, as it is on some
machines, every process would otherwise compile achbench's sources again and
measure the compiler, not the command), and each operation is run in turn with
its baseline, round after round, so that a busy minute weighs on both alike.
The commands are run as users run them, through the installed ``achbench`` script.
"""

from __future__ import annotations

import compileall
import importlib.util
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    ACHBENCH as MODULE_ACHBENCH,
)
from common import (
    PYTHON,
    Result,
    bench_main,
    cpu_rounds,
    ratio_result,
    run_process,
)
from generate import CODES

HERE = Path(__file__).resolve().parent
SCRIPT = Path(PYTHON).with_name("achbench")
ACHBENCH = [str(SCRIPT)] if SCRIPT.is_file() else MODULE_ACHBENCH
"""The ``achbench`` script the package installs, as the targets name the commands
(``python -m achbench`` where there is none)."""
METHODS = ("heuer", "weighted", "opensynthesis", "bayes")
STARTUP_ROUNDS = 21
"""Rounds of the 4x30 start-up rows at least: one process there varies by a fifth."""
RSS_LIMIT_MIB = 600.0


def _compiled() -> None:
    """Write the package's bytecode, as an installed package has it."""
    spec = importlib.util.find_spec("achbench")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def _generate(path: Path, n_hyp: int, n_ev: int) -> Path:
    """Write a matrix from another process, so this one stays small."""
    subprocess.run(
        [PYTHON, str(HERE / "generate.py"), str(n_hyp), str(n_ev), "-o", str(path)], check=True
    )
    return path


def _parse(*paths: Path) -> list[str]:
    """A process that only parses ``paths`` with rtoml: the floor of any reading command."""
    names = ", ".join(repr(str(p)) for p in paths)
    return [PYTHON, "-c", f"import rtoml\nfor p in ({names},): rtoml.load(open(p))"]


def _changed_copy(source: Path, target: Path, share: float, seed: int) -> Path:
    """``source`` with ``share`` of its rating lines given another code."""
    rng = random.Random(seed)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line[:1] == "H" and ' = "' in line and rng.random() < share:
            key, _, _ = line.partition(" = ")
            lines[index] = f'{key} = "{rng.choice(CODES)}"\n'
    target.write_text("".join(lines), encoding="utf-8")
    return target


def _startup(folder: Path, runs: int) -> list[Result]:
    path = _generate(folder / "m4x30.toml", 4, 30)
    cases = [
        ("achbench rank --format json", [*ACHBENCH, "rank", str(path), "--format", "json"], 6.0),
        ("achbench check", [*ACHBENCH, "check", str(path)], 6.0),
        ("achbench --help", [*ACHBENCH, "--help"], 4.0),
    ]
    # Processes of a few dozen ms: many rounds cost seconds, and steady the medians.
    rounds = max(runs, STARTUP_ROUNDS)
    floor, *measured = cpu_rounds([[PYTHON, "-c", "pass"], *(argv for _, argv, _ in cases)], rounds)
    return [
        ratio_result(name, "4x30", spent, floor, "python -c pass", limit)
        for (name, _, limit), spent in zip(cases, measured, strict=True)
    ]


def _rank(folder: Path, n_hyp: int, n_ev: int, runs: int) -> list[Result]:
    path = _generate(folder / f"m{n_hyp}x{n_ev}.toml", n_hyp, n_ev)
    ranks = [[*ACHBENCH, "rank", str(path), "--method", m, "--format", "json"] for m in METHODS]
    floor, *measured = cpu_rounds([_parse(path), *ranks], runs)
    return [
        ratio_result(
            f"rank --method {method} --format json",
            f"{n_hyp}x{n_ev}",
            spent,
            floor,
            "rtoml parse",
            1.5,
        )
        for method, spent in zip(METHODS, measured, strict=True)
    ]


def _analyses(folder: Path, n_hyp: int, n_ev: int, runs: int) -> list[Result]:
    path = _generate(folder / f"a{n_hyp}x{n_ev}.toml", n_hyp, n_ev)
    size = f"{n_hyp}x{n_ev}"
    results = []
    for method in METHODS:
        options = ["--method", method, "--format", "json"]
        rank, sensitivity = cpu_rounds(
            [
                [*ACHBENCH, "rank", str(path), *options],
                [*ACHBENCH, "sensitivity", str(path), *options],
            ],
            runs,
        )
        results.append(
            ratio_result(
                f"sensitivity --method {method} --format json",
                size,
                sensitivity,
                rank,
                "rank, same options",
                3.0,
            )
        )
    sensitivity_heuer, report = cpu_rounds(
        [
            [*ACHBENCH, "sensitivity", str(path), "--method", "heuer", "--format", "json"],
            [*ACHBENCH, "report", str(path), "--format", "html"],
        ],
        runs,
    )
    results.append(
        ratio_result(
            "report --format html", size, report, sensitivity_heuer, "sensitivity (heuer)", 2.0
        )
    )
    return results


def _versions(folder: Path, n_hyp: int, n_ev: int, runs: int) -> list[Result]:
    base = _generate(folder / "base.toml", n_hyp, n_ev)
    ours = _changed_copy(base, folder / "ours.toml", 0.005, 1)
    theirs = _changed_copy(base, folder / "theirs.toml", 0.005, 2)
    size = f"{n_hyp}x{n_ev}, 1% cells changed"
    out = folder / "merged.toml"
    diff = [*ACHBENCH, "diff", str(base), str(ours), "--format", "json"]
    merge = [*ACHBENCH, "merge", str(base), str(ours), str(theirs), "-o", str(out)]
    two, three, diffed, merged = cpu_rounds(
        [_parse(base, ours), _parse(base, ours, theirs), diff, merge], runs
    )
    return [
        ratio_result("achbench diff --format json", size, diffed, two, "rtoml, 2 files", 1.2),
        ratio_result("achbench merge -o", size, merged, three, "rtoml, 3 files", 1.2),
    ]


def _memory(folder: Path, quick: bool) -> list[Result]:
    sizes = [(4, 30), (12, 300)] if quick else [(100, 10000), (100, 25000), (100, 50000)]
    results = []
    for n_hyp, n_ev in sizes:
        path = _generate(folder / f"r{n_hyp}x{n_ev}.toml", n_hyp, n_ev)
        peak = run_process([*ACHBENCH, "rank", str(path), "--format", "json"]).peak_rss
        last = (n_hyp, n_ev) == sizes[-1] and not quick
        results.append(
            Result(
                "achbench rank: peak RSS",
                f"{n_hyp}x{n_ev}",
                peak,
                None,
                "",
                f"<= {RSS_LIMIT_MIB:.0f} MiB" if last else "-",
                peak <= RSS_LIMIT_MIB or not last,
                unit="MiB",
            )
        )
        path.unlink()
    return results


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    """Measure every target; return one result each."""
    _compiled()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        results = _startup(folder, runs)
        if quick:
            return results + _memory(folder, quick)
        for n_hyp, n_ev in [(50, 5000), (100, 10000)]:
            results += _rank(folder, n_hyp, n_ev, runs)
        results += _analyses(folder, 50, 5000, runs)
        results += _versions(folder, 50, 5000, runs)
        results += _memory(folder, quick)
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "start-up at 4x30 only (for CI)", full_runs=9)


if __name__ == "__main__":
    raise SystemExit(main())

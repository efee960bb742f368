"""Benchmark ``achbench diff`` and ``achbench merge`` against parsing with tomllib alone.

Targets (issue 5): a diff of two 50x5,000 matrices that differ in 1% of cells,
and a 3-way merge of three such (each side changes its own 1% of cells), each
at most 2.5x the time to parse the same files with ``tomllib``, measured in the
same run.  Two comparisons, medians of several runs:

* in-process: the core functions (``diff_matrices`` with the conclusion under
  heuer, plus the text report; ``merge``, and ``merge`` plus writing the result
  with ``store.dumps``) against ``tomllib.loads`` of the same texts;
* whole process: the commands (``achbench diff --format json``, ``achbench merge
  -o``), which also read, validate and write, against ``python -c`` parsing the
  same files with ``tomllib``.

    python benchmarks/diff_bench.py            # 50x5,000, 5 runs each
    python benchmarks/diff_bench.py --quick    # 12x300, 3 runs; exits 1 on a missed target
                                               # (in-process rows only: start-up dominates)
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from achbench.cli.diffview import render_text
from achbench.diff import diff_matrices
from achbench.merge import merge
from achbench.store import dumps, load_data
from common import ACHBENCH, PYTHON, print_table, time_call
from generate import make_matrix

TARGET = 2.5
CODES = ("CC", "C", "N", "I", "II", "NA")


def changed(
    data: dict[str, Any], cells: Sequence[tuple[str, str]], rng: random.Random
) -> dict[str, Any]:
    """A copy of ``data`` with each of ``cells`` (evidence, hypothesis) given another code."""
    out = copy.deepcopy(data)
    rows = out["ratings"]["lead"]
    for evidence_id, hypothesis_id in cells:
        old = rows[evidence_id][hypothesis_id]
        rows[evidence_id][hypothesis_id] = rng.choice([c for c in CODES if c != old])
    return out


def time_command(argv: Sequence[str], runs: int) -> float:
    """Median wall time of a whole process; exit 0 or 1 (diff: 'different') both count."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed with status {done.returncode}")
    return statistics.median(times)


def parse_process(paths: Sequence[Path]) -> list[str]:
    names = ", ".join(repr(str(p)) for p in paths)
    return [PYTHON, "-c", f"import tomllib\nfor p in ({names},): tomllib.load(open(p, 'rb'))"]


def run(quick: bool, runs: int) -> tuple[str, bool]:
    n_hyp, n_ev = (12, 300) if quick else (50, 5000)
    rng = random.Random(1)
    base = make_matrix(n_hyp, n_ev, 1, seed=0)
    every = [(e, h) for e in base["evidence"] for h in base["hypotheses"]]
    share = max(1, len(every) // 100)
    picked = rng.sample(every, 2 * share)
    ours = changed(base, picked[:share], rng)
    theirs = changed(base, picked[share:], rng)
    rows: list[list[str]] = []
    ok = True

    def row(operation: str, how: str, median: float, baseline: float) -> None:
        nonlocal ok
        ratio = median / baseline
        # At --quick sizes a process is mostly start-up: no target there.
        judged = not (quick and how == "process")
        passed = ratio <= TARGET or not judged
        ok &= passed
        rows.append(
            [
                operation,
                how,
                f"{n_hyp}x{n_ev}",
                f"{median * 1000:.0f} ms",
                f"{baseline * 1000:.0f} ms",
                f"{ratio:.2f}x",
                f"<= {TARGET}x" if judged else "-",
                ("pass" if passed else "FAIL") if judged else "-",
            ]
        )

    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name, data in (("base", base), ("ours", ours), ("theirs", theirs)):
            paths[name] = Path(folder) / f"{name}.ach.toml"
            paths[name].write_text(dumps(data), encoding="utf-8")
        texts = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
        loaded = {name: load_data(path) for name, path in paths.items()}

        # In-process: the core functions against tomllib.loads of the same texts.
        parse_two = time_call(lambda: [tomllib.loads(texts[n]) for n in ("base", "ours")], runs)
        parse_three = time_call(lambda: [tomllib.loads(t) for t in texts.values()], runs)

        def diff_core() -> None:
            result = diff_matrices(loaded["base"], loaded["ours"], "heuer")
            assert len(result.ratings) == share
            render_text(result, "old", "new")

        row("diff (diff_matrices + report)", "in-process", time_call(diff_core, runs), parse_two)

        def merge_core() -> None:
            assert merge(loaded["base"], loaded["ours"], loaded["theirs"]).clean

        row("merge (merge)", "in-process", time_call(merge_core, runs), parse_three)

        def merge_and_dump() -> None:
            dumps(merge(loaded["base"], loaded["ours"], loaded["theirs"]).data)

        row("merge + dumps", "in-process", time_call(merge_and_dump, runs), parse_three)

        # Whole processes: the commands against python -c parsing the same files.
        base_p, ours_p, theirs_p = paths["base"], paths["ours"], paths["theirs"]
        parse_two_p = time_command(parse_process([base_p, ours_p]), runs)
        parse_three_p = time_command(parse_process([base_p, ours_p, theirs_p]), runs)
        diff_argv = [*ACHBENCH, "diff", str(base_p), str(ours_p), "--format", "json"]
        row("achbench diff --format json", "process", time_command(diff_argv, runs), parse_two_p)
        text_argv = [*ACHBENCH, "diff", str(base_p), str(ours_p)]
        row("achbench diff (text)", "process", time_command(text_argv, runs), parse_two_p)
        out = Path(folder) / "merged.ach.toml"
        merge_argv = [*ACHBENCH, "merge", str(base_p), str(ours_p), str(theirs_p), "-o", str(out)]
        row("achbench merge -o", "process", time_command(merge_argv, runs), parse_three_p)

    headers = [
        "operation",
        "how",
        "size",
        "median",
        "tomllib parse",
        "ratio",
        "target",
        "result",
    ]
    print(f"1% of cells changed: {share} per side; medians of {runs} runs")
    return print_table(headers, rows), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (for CI)")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement")
    args = parser.parse_args()
    _, ok = run(args.quick, args.runs or (3 if args.quick else 5))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

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
from achbench.store.toml import dumps, load_data
from achbench.versioning.diff import diff_matrices
from achbench.versioning.merge import merge
from common import ACHBENCH, PYTHON, Result, bench_main, ratio_result, time_call
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


def run(quick: bool = False, runs: int = 5) -> list[Result]:
    """Measure diff and merge, in-process and as commands; return one result each."""
    n_hyp, n_ev = (12, 300) if quick else (50, 5000)
    rng = random.Random(1)
    base = make_matrix(n_hyp, n_ev, 1, seed=0)
    every = [(e, h) for e in base["evidence"] for h in base["hypotheses"]]
    share = max(1, len(every) // 100)
    picked = rng.sample(every, 2 * share)
    ours = changed(base, picked[:share], rng)
    theirs = changed(base, picked[share:], rng)
    size = f"{n_hyp}x{n_ev}, 1% cells changed"
    results: list[Result] = []

    def add(operation: str, median: float, baseline: float, baseline_name: str) -> None:
        if quick and "process" in baseline_name:
            # At --quick sizes a process is mostly start-up: no target there.
            results.append(Result(operation, size, median, baseline, baseline_name, "-", True))
        else:
            results.append(ratio_result(operation, size, median, baseline, baseline_name, TARGET))

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

        def merge_core() -> None:
            assert merge(loaded["base"], loaded["ours"], loaded["theirs"]).clean

        def merge_and_dump() -> None:
            dumps(merge(loaded["base"], loaded["ours"], loaded["theirs"]).data)

        two, three = "tomllib.loads, 2 texts", "tomllib.loads, 3 texts"
        add("diff_matrices + text report (in-process)", time_call(diff_core, runs), parse_two, two)
        add("merge (in-process)", time_call(merge_core, runs), parse_three, three)
        add("merge + store.dumps (in-process)", time_call(merge_and_dump, runs), parse_three, three)

        # Whole processes: the commands against python -c parsing the same files.
        base_p, ours_p, theirs_p = paths["base"], paths["ours"], paths["theirs"]
        parse_two_p = time_command(parse_process([base_p, ours_p]), runs)
        parse_three_p = time_command(parse_process([base_p, ours_p, theirs_p]), runs)
        two_p, three_p = "tomllib process, 2 files", "tomllib process, 3 files"
        diff_argv = [*ACHBENCH, "diff", str(base_p), str(ours_p), "--format", "json"]
        add("achbench diff --format json", time_command(diff_argv, runs), parse_two_p, two_p)
        text_argv = [*ACHBENCH, "diff", str(base_p), str(ours_p)]
        add("achbench diff (text)", time_command(text_argv, runs), parse_two_p, two_p)
        out = Path(folder) / "merged.ach.toml"
        merge_argv = [*ACHBENCH, "merge", str(base_p), str(ours_p), str(theirs_p), "-o", str(out)]
        add("achbench merge -o", time_command(merge_argv, runs), parse_three_p, three_p)
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "small sizes only (for CI)", full_runs=5)


if __name__ == "__main__":
    raise SystemExit(main())

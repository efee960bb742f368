"""Benchmark ``achbench next`` against ``achbench rank`` on the same file (issue 15).

Targets: ``next`` on 12x300 with 30 pending items within 1.5x ``rank`` under the
same method, and on 50x5,000 with 200 pending items within 3x.  Both are whole
processes (start-up, load, score, print JSON), measured in the same run,
alternately, by CPU time (user + system: steadier than wall time on a shared
machine); the table gives medians.

In the editor, at the same sizes (Pilot, a 200x50 terminal, in process): a
rating key's own work to its repaint with the "next" pane shown, against the
same keys with it hidden (target: at most 2x, the editor's target per key), and
the pane's own work (CPU time) when it catches up once the keys pause, the
candidates read afresh as after a pending item's rating (target: at most 100 ms,
a pause a user would not notice).

    python benchmarks/next_bench.py            # both sizes, 7 runs each
    python benchmarks/next_bench.py --quick    # 12x300 only; exits 1 on a missed target
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ACHBENCH, Result, bench_main, ratio_result, run_process
from generate import make_matrix

SIZES = [(12, 300, 30, 1.5), (50, 5000, 200, 3.0)]
"""(hypotheses, evidence items, of which pending, limit as a multiple of rank)."""
QUICK_SIZES = SIZES[:1]
METHODS = ("bayes", "heuer")


def write_pending_matrix(path: Path, n_hyp: int, n_ev: int, n_pending: int) -> Path:
    """A generated matrix with ``n_pending`` of its items, chosen at random, pending."""
    from achbench.store.toml import dumps

    data = make_matrix(n_hyp, n_ev)
    for evidence_id in random.Random(15).sample(sorted(data["evidence"]), n_pending):
        data["evidence"][evidence_id]["status"] = "pending"
    path.write_text(dumps(data), encoding="utf-8")  # type: ignore[arg-type]
    return path


def paired_cpu(first: list[str], second: list[str], runs: int) -> tuple[float, float]:
    """Median CPU seconds of ``first`` and of ``second``, run alternately ``runs`` times
    each, so a busy moment of the machine weighs on both alike."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(run_process(first).cpu)
        b.append(run_process(second).cpu)
    return statistics.median(a), statistics.median(b)


PANE_LIMIT = 0.1
"""Seconds: the pane's work once keys pause, at most a pause a user would not notice."""
KEYS = 40
"""Rating keys measured with the pane hidden, and as many with it shown."""


async def _editor(path: Path, runs: int) -> tuple[float, float, float]:
    """Median own work of a rating key with the pane hidden and shown, and of the
    pane's catching up, on one editor."""
    import asyncio

    from achbench.tui.app import make_app
    from achbench.tui.widgets.next_pane import NextPane
    from tui_bench import _settle

    app = make_app(path, method="bayes")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("a")  # advance off: every key rates the same cell
        await pilot.pause()

        async def keys() -> float:
            times = []
            for i in range(KEYS):
                times.append(await _settle(app, pilot, "5" if i % 2 else "1"))
            return statistics.median(times)

        hidden = await keys()
        await pilot.press("N")
        await pilot.pause()
        shown = await keys()
        pane = app.main.query_one(NextPane)
        await asyncio.sleep(0)

        def cold() -> None:  # as after a pending item's rating: the candidates read again
            pane._found = None
            pane.recompute()

        catching_up = cpu_call(cold, runs)
    return hidden, shown, catching_up


def cpu_call(func: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of this process over ``runs`` calls of ``func``."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    import asyncio

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for n_hyp, n_ev, n_pending, limit in QUICK_SIZES if quick else SIZES:
            name = f"m{n_hyp}x{n_ev}.toml"
            path = write_pending_matrix(Path(folder) / name, n_hyp, n_ev, n_pending)
            size = f"{n_hyp}x{n_ev}, {n_pending} pending"
            for method in METHODS:
                rank = [*ACHBENCH, "rank", str(path), "--method", method, "--format", "json"]
                nxt = [*ACHBENCH, "next", str(path), "--method", method, "--format", "json"]
                next_cpu, rank_cpu = paired_cpu(nxt, rank, runs)
                operation = f"next --method {method} (CPU)"
                results.append(ratio_result(operation, size, next_cpu, rank_cpu, "rank", limit))
            hidden, shown, pane = asyncio.run(_editor(path, runs))
            results.append(
                ratio_result(
                    "editor: rating key, next pane shown, own work",
                    size,
                    shown,
                    hidden,
                    "pane hidden",
                    2.0,
                )
            )
            limit_text = f"<= {PANE_LIMIT * 1000:.0f} ms"
            results.append(
                Result(
                    "editor: next pane catching up (bayes, CPU)",
                    size,
                    pane,
                    None,
                    "",
                    limit_text,
                    pane <= PANE_LIMIT,
                )
            )
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "12x300 only (for CI)")


if __name__ == "__main__":
    raise SystemExit(main())

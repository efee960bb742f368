"""Benchmark key assumptions (issue 15, point 3): what checking them adds.

``rank`` on a matrix whose items rest on three unsupported assumptions (each under
a third of the items) against ``rank`` of the same matrix without them: each such
assumption is one more scoring of the grid without its items, so within 1.5x.  In
the editor (in process, no terminal), a rating key on that matrix against the same
key without assumptions: above ``GridView``'s threshold the check waits for a pause
in typing, so a key stays within one frame (16 ms); the check itself, run once
typing pauses, is reported (within 1 s).

    python benchmarks/assumptions_bench.py            # 50x5,000
    python benchmarks/assumptions_bench.py --quick    # 12x300; exits 1 on a miss
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ACHBENCH, Result, bench_main, cpu_rounds, ratio_result, time_call
from generate import make_matrix

RANK_LIMIT = 1.5
KEY_SECONDS = 0.016
CHECK_SECONDS = 1.0
ASSUMPTIONS = 3


def with_assumptions(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with three unsupported assumptions, item i resting on assumption i mod 3."""
    out = dict(data)
    out["assumptions"] = {
        f"A{k}": {"title": f"premise {k}", "status": "unsupported"} for k in range(ASSUMPTIONS)
    }
    out["evidence"] = {
        e: {**item, "assumes": [f"A{i % ASSUMPTIONS}"]}
        for i, (e, item) in enumerate(data["evidence"].items())
    }
    return out


def _key_time(path: Path, runs: int) -> tuple[float, float]:
    """(median seconds of one rating key's work, seconds of the deferred check)."""
    from achbench.editing.session import Session
    from achbench.tui.view import GridView

    session = Session.open(path)
    view = GridView(session)
    evidence, hypothesis = next(iter(session.evidence)), next(iter(session.hypotheses))
    codes = iter(["CC", "II"] * (runs * 10))

    def key() -> None:
        change = session.rate(evidence, hypothesis, next(codes))  # type: ignore[arg-type]
        assert change is not None
        view.apply(change)
        view.flagged()  # what the grid and the ranking pane ask after a key

    median = time_call(key, runs * 5)
    check = time_call(view.update_assumption_warnings, runs)
    return median, check


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    from achbench.store.toml import dumps

    n_hyp, n_ev = (12, 300) if quick else (50, 5000)
    size = f"{n_hyp}x{n_ev}, {ASSUMPTIONS} unsupported"
    results = []
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain.toml"
        assumed = Path(folder) / "assumed.toml"
        data = make_matrix(n_hyp, n_ev)
        plain.write_text(dumps(data), encoding="utf-8")  # type: ignore[arg-type]
        assumed.write_text(dumps(with_assumptions(data)), encoding="utf-8")  # type: ignore[arg-type]
        # CPU time, each run of one in turn with the other: steady on a shared machine
        baseline, median = cpu_rounds(
            [[*ACHBENCH, "rank", str(plain)], [*ACHBENCH, "rank", str(assumed)]], runs
        )
        results.append(
            ratio_result(
                "rank (warnings)", size, median, baseline, "rank, no assumptions", RANK_LIMIT
            )
        )
        key_plain, _ = _key_time(plain, runs)
        key_assumed, check = _key_time(assumed, runs)
        results.append(
            Result(
                "editor rating key (view)",
                size,
                key_assumed,
                key_plain,
                "the key, no assumptions",
                f"<= {KEY_SECONDS * 1000:.0f} ms",
                key_assumed <= KEY_SECONDS,
            )
        )
        results.append(
            Result(
                "editor check after a pause",
                size,
                check,
                None,
                "",
                f"<= {CHECK_SECONDS:g} s",
                check <= CHECK_SECONDS,
            )
        )
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "12x300 only")


if __name__ == "__main__":
    sys.exit(main())

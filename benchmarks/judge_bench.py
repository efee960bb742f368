"""Benchmark ``achbench history`` and ``achbench calibration`` (issue 16).

CPU time (user + system, the forked workers included), medians, each command run
in turn with its baseline, round after round.

Targets: ``history`` over 200 commits of a 12x300 matrix in at most 10x a single
``rank`` of that file (it reads git in two processes, never one per commit);
``calibration`` over 500 resolved 4x30 matrices within 3x ``check`` of the same
files (each one process: ``calibration FOLDER`` against ``check FILE...``).

    python benchmarks/judge_bench.py            # 200 commits, 500 matrices
    python benchmarks/judge_bench.py --quick    # 50 commits, 100 matrices; exits 1 on a miss
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ACHBENCH, Result, bench_main, cpu_rounds, ratio_result
from generate import CODES, make_matrix

HISTORY_LIMIT = 10.0
CALIBRATION_LIMIT = 3.0


def git_repository(folder: Path, commits: int, n_hyp: int = 12, n_ev: int = 300) -> Path:
    """A repository whose one matrix has ``commits`` versions, each a few cells apart;
    written by one ``git fast-import``."""
    from achbench.store.toml import dumps

    rng = random.Random(16)
    data: dict[str, Any] = make_matrix(n_hyp, n_ev)
    hyps = list(data["hypotheses"])
    evs = list(data["evidence"])
    stream = bytearray()
    for k in range(commits):
        for _ in range(5):
            data["ratings"]["lead"][rng.choice(evs)][rng.choice(hyps)] = rng.choice(CODES)
        blob = dumps(data).encode()  # type: ignore[arg-type]
        message = f"version {k + 1}".encode()
        stream += b"blob\nmark :%d\ndata %d\n" % (k + 1, len(blob)) + blob + b"\n"
        stream += b"commit refs/heads/main\n"
        stream += b"committer Bench <bench@example.com> %d +0000\n" % (1_700_000_000 + k * 3600)
        stream += b"data %d\n" % len(message) + message + b"\n"
        stream += b"M 100644 :%d m.toml\n\n" % (k + 1)
    repo = folder / "repo"
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input=bytes(stream), check=True, env=env
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True, env=env)
    return repo / "m.toml"


def resolved_matrices(folder: Path, count: int) -> list[str]:
    """``count`` resolved 4x30 matrices with three analysts' judgements."""
    from achbench.store.toml import dumps

    rng = random.Random(5)
    paths = []
    for k in range(count):
        data: dict[str, Any] = make_matrix(4, 30, n_analysts=3, seed=k)
        hyps = list(data["hypotheses"])
        judgements = {}
        for analyst in data["ratings"]:
            weights = [rng.random() for _ in hyps]
            total = sum(weights)
            judgements[analyst] = {
                h: round(w / total, 3) for h, w in zip(hyps, weights, strict=True)
            }
        data["judgements"] = judgements
        data["resolution"] = {"hypothesis": rng.choice(hyps)}
        path = folder / f"m{k:04d}.toml"
        path.write_text(dumps(data), encoding="utf-8")  # type: ignore[arg-type]
        paths.append(str(path))
    return paths


def run(quick: bool = False, runs: int = 7) -> list[Result]:
    commits = 50 if quick else 200
    count = 100 if quick else 500
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = git_repository(Path(folder), commits)
        baseline, median = cpu_rounds(
            [
                [*ACHBENCH, "rank", str(path), "--format", "json"],
                [*ACHBENCH, "history", str(path), "--format", "json"],
            ],
            runs,
        )
        results.append(
            ratio_result(
                "history --format json",
                f"12x300, {commits} commits",
                median,
                baseline,
                "one rank of the file",
                HISTORY_LIMIT,
            )
        )
        matrices = Path(folder) / "resolved"
        matrices.mkdir()
        paths = resolved_matrices(matrices, count)
        baseline, median = cpu_rounds(
            [
                [*ACHBENCH, "check", "--quiet", *paths],
                [*ACHBENCH, "calibration", str(matrices), "--format", "json"],
            ],
            runs,
        )
        results.append(
            ratio_result(
                "calibration FOLDER --format json",
                f"{count} x 4x30",
                median,
                baseline,
                "check of the same files",
                CALIBRATION_LIMIT,
            )
        )
    return results


def main() -> int:
    return bench_main(run, __doc__ or "", "50 commits and 100 matrices only")


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the editor's source screen: open a 5 MB source and jump to a quote.

Target (issue 14, point 6): opening the source an evidence item cites and
jumping to its quote takes under 200 ms with a 5 MB document.

What is measured, in process, on the editor at 80x24 (Textual's headless
driver): from the moment ``v`` runs (``open_source_of_cursor``: the file read
and decoded, its rows indexed, the quote found by ``analysis.quotes.locate_quote``,
the window around it cut) through the screen's mount, layout, the text area's
wrapping and the scroll that centres the quote, to the moment the quote's
first row is inside the text area's visible region and the screen has been
laid out, polled after every turn of the event loop.  Pilot's own key waits
are left out (``v`` is run as its action is, not pressed), and so is the final
write to a terminal, which the headless driver does not make.  The "headless"
rows time the reading and finding alone (``open_cited`` and ``find``), in CPU time.

Three cases, the quote halfway through the document: one it holds as typed
(``str.find`` finds it); one typed with straight quotes where the document has
curly ones, with the ``line N`` locator the editor writes for items made from a
passage (``SourceDocument.find`` folds the rows it names first); and the same
without a locator (the rows around the quote's longest word are folded first).
A quote the document does not hold makes ``locate_quote`` fold all of it, some
0.1-0.2 s for 5 MB: not measured here, as there is no quote to jump to.  The
baseline is the same opening of a 2 KB source in the same run: the fixed cost
of a screen, shown for scale.

The 200 ms target is held on the process's CPU time over that span (user and
system, the event loop's idle waits excluded): the work the editor does, which
with a core free is what a user waits for, give or take a frame.  Wall time is shown
beside it with the load average: on the shared 2-core machines this runs on,
at a load of 10-16, it is mostly the wait for a core (the 2 KB source then
takes 60-150 ms of wall time for about 35 ms of CPU).

    python benchmarks/source_view_bench.py            # 7 runs each
    python benchmarks/source_view_bench.py --quick    # 3 runs each (CI)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Result, bench_main

TARGET = 0.200
"""Seconds from ``v`` to the quote on screen, with a 5 MB source."""
SIZE = 5_000_000
QUOTE = 'officials said "foreign-backed terrorists" attacked the city'
"""As the matrix types it: straight quotes."""
PARAGRAPH = (
    "Paragraph {n}: the protests began over the price of liquefied gas in Zhanaozen "
    "and spread to Almaty, where crowds stormed the mayor's office and set it alight; "
    "the internet was cut across the country for days."
)


def document(size: int, curly: bool) -> str:
    """About ``size`` characters of prose, one paragraph a line, the quote halfway."""
    lines: list[str] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        line = PARAGRAPH.format(n=n)
        lines.append(line)
        total += len(line) + 1
    said = QUOTE.replace('"', "\u201c", 1).replace('"', "\u201d", 1) if curly else QUOTE
    lines[len(lines) // 2] = f"Paragraph {len(lines) // 2 + 1}: {said}, they said."
    return "\n".join(lines) + "\n"


MATRIX = """\
format = "achbench/1"
title = "Source view benchmark"
analyst = "lead"

[hypotheses.H1]
title = "Alpha"

[evidence.E1]
title = "Officials blame foreigners"
cites = "S1"
quote = '{quote}'
{locator}
[sources.S1]
title = "Commentary"
path = "doc.txt"
"""


def write_case(folder: Path, size: int, curly: bool, locator: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = document(size, curly)
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index(QUOTE[:9])) + 1
    target = folder / "matrix.toml"
    where = f'locator = "line {line}"\n' if locator else ""
    target.write_text(MATRIX.format(quote=QUOTE, locator=where), encoding="utf-8")
    return target


def time_open(matrix: Path, runs: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) of each of ``runs`` openings, ``v`` to quote on screen."""
    from achbench.tui.app import make_app
    from achbench.tui.screens.source import SourceScreen, SourceText, open_source_of_cursor

    walls: list[float] = []
    cpus: list[float] = []

    def on_screen(app: object) -> bool:
        screen = getattr(app, "screen", None)
        if not isinstance(screen, SourceScreen) or not screen.is_mounted:
            return False
        text = screen.query_one(SourceText)
        if text.quote is None or text.size.height == 0:
            return False
        row = text.quote[0][0] - text.first
        y = text.wrapped_document.location_to_offset((row, text.quote[0][1])).y
        visible = text.scrollable_content_region.height
        return text.scroll_y <= y < text.scroll_y + visible and (y < visible or text.scroll_y > 0)

    async def main() -> None:
        app = make_app(matrix)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(runs + 1):  # the first opening imports the screen: not counted
                cpu = time.process_time()
                wall = time.perf_counter()
                open_source_of_cursor(app, app.view)
                while not on_screen(app):
                    await asyncio.sleep(0)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                app.pop_screen()
                await pilot.pause()
        walls.pop(0)
        cpus.pop(0)

    asyncio.run(main())
    return walls, cpus


def time_headless(matrix: Path, runs: int) -> float:
    """Median CPU seconds to read the cited document and find the quote (no screen)."""
    from achbench.editing.passages import open_cited
    from achbench.store.toml import load_data

    data = load_data(matrix)
    times = []
    for _ in range(runs):
        start = time.process_time()
        doc = open_cited(data, "E1", matrix.parent)
        assert doc.find(QUOTE, data["evidence"]["E1"].get("locator")) is not None
        times.append(time.process_time() - start)
    return statistics.median(times)


def run(quick: bool, runs: int) -> list[Result]:
    os.environ.setdefault("XDG_STATE_HOME", tempfile.mkdtemp(prefix="achbench-state-"))
    os.environ.setdefault("ACHBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="achbench-config-"))
    rows: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        small = write_case(Path(tmp) / "small", 2_000, curly=False)
        small_wall, small_cpu = time_open(small, runs)
        base_wall, base_cpu = statistics.median(small_wall), statistics.median(small_cpu)
        cases = (
            (False, False, "quote as typed"),
            (True, True, "quote folded, line locator"),
            (True, False, "quote folded, no locator"),
        )
        target = f"< {TARGET * 1000:.0f} ms"
        for curly, locator, name in cases:
            matrix = write_case(Path(tmp) / name.replace(" ", "-"), SIZE, curly, locator)
            walls, cpus = time_open(matrix, runs)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            load = os.getloadavg()[0]
            size = f"{SIZE // 1_000_000} MB, {name}"
            rows.append(
                Result(
                    "editor: v to quote (CPU)", size, cpu, base_cpu, "2 KB", target, cpu < TARGET
                )
            )
            rows.append(
                Result(
                    f"editor: v to quote (wall, load {load:.1f})",
                    size,
                    wall,
                    base_wall,
                    "2 KB",
                    "-",
                    True,
                )
            )
            headless = time_headless(matrix, runs)
            rows.append(
                Result("headless: read + find quote (CPU)", size, headless, None, "-", "-", True)
            )
    return rows


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__ or "", "3 runs each (CI)"))

"""The ranking pane: hypotheses in rank order under the current method, with a bar each.

A hypothesis with unrated cells says so under its line (``3 of 4 rated``), and
a leader scored on fewer rated cells than a rival gets a warning: an empty cell
costs nothing under Heuer's count, so a half-rated hypothesis can lead by omission.

Rebuilt from ``GridView.ranking`` on every change: O(hypotheses), whatever the
number of evidence items.  A leader that a milestone tells against (observed
and refuting it, or supporting it and not observed) gets a ``!`` before its
rank and a warning line under the ranking (``analysis.milestones.warnings``);
so does a leader resting on an unsupported assumption (``analysis.assumptions``).
It draws again when the main screen's ``redraw`` (bound to the pane's) changes.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region, Size
from textual.reactive import var
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from achbench.core.text import one_line
from achbench.scoring.methods import HypothesisScore
from achbench.tui.messages import Changed
from achbench.tui.view import GridView, Redraw
from achbench.tui.widgets.grid import score_text

ASSUMPTION_PAUSE = 0.3
"""Seconds without a change after which a large matrix' assumptions are checked again."""
BLOCKS = " ▏▎▍▌▋▊▉█"
METHOD_NOTE = {
    "heuer": "inconsistency, lowest first",
    "weighted": "weighted inconsistency, lowest first",
    "opensynthesis": "inconsistency (Open Synthesis), lowest first",
    "bayes": "posterior probability, highest first",
}


def bar(fraction: float, width: int) -> str:
    """A horizontal bar ``width`` cells wide, filled to ``fraction`` in eighths."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (BLOCKS[part] if part else "")
    return text.ljust(width)


class RankingPane(Widget):
    """Hypotheses best first, each with its rank, score and a bar of its score.

    Drawn line by line: after a rating only the lines whose text changed (the
    hypothesis whose score moved, and any it passed) are drawn again.
    """

    DEFAULT_CSS = """
    RankingPane {
        height: auto;
        padding: 0 1;
    }
    """

    redraw: var[Redraw] = var(Redraw("title"), always_update=True)
    """What changed in the matrix or the view (bound to the main screen's)."""

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self._texts: list[Text] = []
        self._plain: list[object] = []
        """What each line shows, to tell which lines changed."""
        self._made: dict[object, Text] = {}
        """The hypotheses' lines last made, by what they show."""
        self._strips: dict[int, Strip] = {}
        self._width = -1
        self._height = 0
        """Lines in the pane when it was last laid out."""
        self._assumption_timer: Timer | None = None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._height = len(self.lines(width))
        return self._height

    def on_mount(self) -> None:
        if self.view.assumptions_stale and self.view.assumptions_deferred():
            self._assumption_timer = self.set_timer(ASSUMPTION_PAUSE, self._recheck)

    def watch_redraw(self, redraw: Redraw) -> None:
        if redraw.scope != "title":
            self.update()
            if self.view.assumptions_stale:  # a large matrix: check once typing pauses
                if self._assumption_timer is not None:
                    self._assumption_timer.stop()
                self._assumption_timer = self.set_timer(ASSUMPTION_PAUSE, self._recheck)

    def _recheck(self) -> None:
        """Check the assumptions again; if the warnings changed, redraw what shows them."""
        self._assumption_timer = None
        if self.view.assumptions_stale and self.view.update_assumption_warnings():
            self.post_message(Changed(Redraw("labels")))

    def update(self) -> None:
        """Redraw the lines that changed; lay out again only if their number changed."""
        old = self._plain
        texts = self.lines(self._width if self._width > 0 else 40)
        if len(texts) != self._height:
            self.refresh(layout=True)
            return
        for y, line in enumerate(self._plain):
            if y >= len(old) or line != old[y]:
                self.refresh(Region(0, y, self.size.width, 1))

    def lines(self, width: int) -> list[Text]:
        """The pane's lines at ``width``, recomputed from the current ranking."""
        view = self.view
        ranking = view.ranking
        width = max(20, width)
        texts = [Text(f"Ranking: {view.method}", style="bold")]
        analysts = (
            "all analysts pooled" if view.session.pooled else f"analyst {view.session.analyst}"
        )
        note = f"{METHOD_NOTE[view.method]}; {analysts}"
        if len(note) > width:
            note = note[: width - 1] + "…"
        texts += [Text(note, style="dim"), Text("")]
        keys: list[object] = [None] * len(texts)
        if not ranking.hypotheses:
            texts.append(Text("no hypotheses yet", style="dim italic"))
        else:
            flagged = view.flagged()
            top = max(h.score for h in ranking.hypotheses)
            scale = 1.0 if view.method == "bayes" else (top or 1.0)
            bar_width = max(6, min(20, width // 5))
            id_width = min(8, max(len(h.id) for h in ranking.hypotheses))
            title_width = max(4, width - bar_width - id_width - 13)
            made = self._made
            self._made = {}
            for h in ranking.hypotheses:
                # A hypothesis' line is made again only when what it shows changed:
                # a rating moves one score (and the ranks it passes), not 100 lines.
                key = (h.id, h.rank, h.score, h.title, h.id in flagged, scale, title_width,
                       id_width, bar_width, view.method)  # fmt: skip
                line = made.get(key) or self._hypothesis_line(
                    h, h.id in flagged, scale, title_width, id_width, bar_width
                )
                self._made[key] = line
                texts.append(line)
                keys.append(key)
                rated = view.rated_note(h.id)
                if rated:
                    texts.append(Text(f"   {' ' * id_width} {rated}", style="yellow"))
                    keys.append(None)
            texts += self._rating_lines(width)
            texts += self._warning_lines(width)
            texts += self._assumption_lines(width)
        keys += [None] * (len(texts) - len(keys))
        plain = [
            key if key is not None else (t.plain, str(t.spans))
            for t, key in zip(texts, keys, strict=True)
        ]
        for y, line_key in enumerate(plain):
            if y >= len(self._plain) or self._plain[y] != line_key:
                self._strips.pop(y, None)
        for y in range(len(plain), len(self._plain)):  # the pane got shorter
            self._strips.pop(y, None)
        self._texts, self._plain = texts, plain
        return texts

    def _hypothesis_line(
        self,
        h: HypothesisScore,
        flagged: bool,
        scale: float,
        title_width: int,
        id_width: int,
        bar_width: int,
    ) -> Text:
        """One hypothesis' line: rank, id, title, a bar of its score, the score."""
        method = self.view.method
        shown = one_line(h.title)
        title = shown if len(shown) <= title_width else shown[: title_width - 1] + "…"
        style = "bold" if h.rank == 1 else ""
        line = Text(f"{h.rank:>2} {h.id:<{id_width}.{id_width}} {title:<{title_width}} ")
        line.stylize(style)
        if flagged:
            line = Text("!", style="bold red") + line[1:]
        line.append(bar(h.score / scale, bar_width), style="green" if h.rank == 1 else "cyan")
        line.append(f" {score_text(method, h.score):>5}", style=style)
        return line

    def _rating_lines(self, width: int) -> list[Text]:
        """A warning when the leader rests on fewer rated cells than a rival."""
        warning = self.view.rating_warning()
        if warning is None:
            return []
        text = Text("! ", style="bold yellow").append(warning, style="yellow")
        return [Text(""), *text.wrap(self.app.console, width)]

    def _warning_lines(self, width: int) -> list[Text]:
        """The milestone warnings on the leader, wrapped to the pane."""
        found = self.view.milestone_warnings()
        if not found:
            return []
        texts = [Text("")]
        for warning in found:
            if warning.kind == "refuted":
                what = f"{warning.milestone} observed, refutes the leader {warning.hypothesis}"
            else:
                what = f"{warning.milestone} not observed, was to support the leader"
                what += f" {warning.hypothesis}"
            text = Text().append("! ", style="bold red")
            text.append(what, "bold red")
            text.append(
                f": {one_line(warning.title)}", style="red" if warning.kind == "refuted" else ""
            )
            texts += list(text.wrap(self.app.console, width))
        return texts

    def _assumption_lines(self, width: int) -> list[Text]:
        """Leaders resting on an unsupported assumption, wrapped to the pane."""
        found = self.view.assumption_warnings()
        if not found:
            return []
        texts = [Text("")]
        for warning in found:
            text = Text().append("! ", style="bold red")
            text.append(
                f"the leader {warning.hypothesis} rests on {warning.assumption}, unsupported",
                "bold red",
            )
            text.append(f": {one_line(warning.title)}")
            texts += list(text.wrap(self.app.console, width))
        return texts

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if width != self._width:
            self._width = width
            self._strips.clear()
            self.lines(width)
        strip = self._strips.get(y)
        if strip is None:
            base = self.rich_style
            if y < len(self._texts):
                segments = list(self._texts[y].render(self.app.console, end=""))
                strip = Strip(segments).apply_style(base).crop_extend(0, width, base)
            else:
                strip = Strip.blank(width, base)
            self._strips[y] = strip
        return strip

"""The ranking pane: hypotheses in rank order under the current method, with a bar each.

Rebuilt from ``GridView.ranking`` on every change: O(hypotheses), whatever the
number of evidence items.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from achbench.tui.view import GridView
from achbench.tui.widgets.grid import score_text

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
    """Hypotheses best first, each with its rank, score and a bar of its score."""

    DEFAULT_CSS = """
    RankingPane {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def render(self) -> Text:
        view = self.view
        ranking = view.ranking
        width = max(20, self.size.width or 40)
        text = Text()
        text.append(f"Ranking: {view.method}", style="bold")
        analysts = (
            "all analysts pooled" if view.session.pooled else f"analyst {view.session.analyst}"
        )
        text.append(f"\n{METHOD_NOTE[view.method]}; {analysts}\n", style="dim")
        if not ranking.hypotheses:
            text.append("no hypotheses yet", style="dim italic")
            return text
        top = max((h.score for h in ranking.hypotheses), default=0.0)
        scale = 1.0 if view.method == "bayes" else (top or 1.0)
        bar_width = max(6, min(20, width // 5))
        id_width = min(8, max(len(h.id) for h in ranking.hypotheses))
        title_width = max(4, width - bar_width - id_width - 13)
        hypothesis_id, _ = view.current()
        for h in ranking.hypotheses:
            title = h.title if len(h.title) <= title_width else h.title[: title_width - 1] + "…"
            style = "bold" if h.id == hypothesis_id else ""
            text.append(
                f"\n{h.rank:>2} {h.id:<{id_width}.{id_width}} {title:<{title_width}} ", style=style
            )
            colour = "green" if h.rank == 1 else "cyan"
            text.append(bar(h.score / scale, bar_width), style=colour)
            text.append(f" {score_text(view.method, h.score):>5}", style=style)
        return text

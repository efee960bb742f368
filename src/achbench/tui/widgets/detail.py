"""The detail pane: the cell under the cursor in full.

The evidence item with every field of the spec, the hypothesis with its
description, the current analyst's code, and what other analysts said.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from achbench.tui.view import GridView

CODE_MEANING = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "I": "inconsistent",
    "II": "very inconsistent",
    "NA": "not applicable",
}
CODE_STYLE = {
    "CC": "bold green",
    "C": "green",
    "N": "",
    "I": "red",
    "II": "bold red",
    "NA": "dim",
}


class DetailPane(Widget):
    """Everything about the cell under the cursor."""

    DEFAULT_CSS = """
    DetailPane {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, view: GridView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def render(self) -> Text:
        view = self.view
        session = view.session
        hypothesis_id, evidence_id = view.current()
        text = Text()
        if evidence_id is None:
            text.append("No evidence", style="bold")
            if view.filter:
                text.append(f" matches the filter {view.filter!r}")
            text.append(".\nPress E to add an evidence item.", style="dim")
        else:
            item = session.evidence[evidence_id]
            text.append(f"{evidence_id}  ", style="bold cyan")
            text.append(item["title"], style="bold")
            facts = [
                f"credibility {item.get('credibility', 'medium')}",
                f"relevance {item.get('relevance', 'medium')}",
            ]
            if "kind" in item:
                facts.insert(0, str(item["kind"]))
            if "date" in item:
                facts.insert(1 if "kind" in item else 0, str(item["date"]))
            text.append("\n" + " · ".join(facts), style="dim")
            if "source" in item:
                text.append("\nsource: ", style="dim")
                text.append(str(item["source"]))
            if "notes" in item:
                text.append("\nnotes: ", style="dim")
                text.append(str(item["notes"]).strip())
        text.append("\n\n")
        if hypothesis_id is None:
            text.append("No hypotheses yet. Press Y to add one.", style="bold")
            return text
        hypothesis = session.hypotheses[hypothesis_id]
        text.append(f"{hypothesis_id}  ", style="bold cyan")
        text.append(hypothesis["title"], style="bold")
        if "prior" in hypothesis:
            text.append(f"  prior {hypothesis['prior']}", style="dim")
        if "description" in hypothesis:
            text.append("\n" + str(hypothesis["description"]).strip())
        if evidence_id is None:
            return text
        code = session.code(evidence_id, hypothesis_id)
        text.append(f"\n\n{session.analyst}: ", style="dim")
        if code:
            text.append(f"{code} ({CODE_MEANING[code]})", style=CODE_STYLE[code])
        else:
            text.append("not rated", style="dim italic")
        others = session.others(evidence_id, hypothesis_id)
        if others:
            text.append("   others: ", style="dim")
            text.append(", ".join(f"{name} {c}" for name, c in others))
        figure = session.live.diagnosticity(view.method, evidence_id)
        text.append(f"\ndiagnosticity of {evidence_id} ({view.method}): {figure:.2f}", style="dim")
        return text

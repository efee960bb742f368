"""The report's content, its Markdown and its HTML: complete, escaped, self-contained."""

from __future__ import annotations

import copy
import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from achbench.core.vocabulary import METHODS
from achbench.report import html, markdown
from achbench.report.content import build
from achbench.store.toml import load_data
from tests.helpers import EXAMPLE, small_matrix

EVIL = "<script>alert(1)</script>"


def evil_matrix() -> dict:
    """Every free-text field holds a script tag (ids cannot)."""
    data = small_matrix(
        title=EVIL,
        question=EVIL,
        milestones={
            "M1": {
                "hypothesis": "H1",
                "title": EVIL,
                "expect": "refutes",
                "status": "observed",
                "notes": EVIL,
            }
        },
    )
    for h in data["hypotheses"].values():
        h["title"] = EVIL + " hyp"
        h["description"] = EVIL
    for e in data["evidence"].values():
        e.update(title=EVIL + " ev", source=EVIL, kind=EVIL, notes=EVIL)
    data["ratings"]["bob"] = copy.deepcopy(data["ratings"]["lead"])
    data["ratings"]["bob"]["E1"]["H1"] = "II"
    return data


class Checker(HTMLParser):
    """Collects tags, to check the page's structure and that nothing is fetched."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        if tag not in ("meta", "br"):
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()


def test_html_escapes_every_user_string() -> None:
    page = html.render(build(evil_matrix(), today=dt.date(2024, 1, 1)))
    assert "<script" not in page.lower()
    assert "alert(1)</" not in page
    # title, question, 3 hypotheses x (title + description) x places, evidence...
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 12
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert "script" not in checker.tags
    assert checker.open == []


def test_html_is_self_contained() -> None:
    page = html.render(build(load_data(EXAMPLE)))
    checker = Checker()
    checker.feed(page)
    for name, value in checker.attributes:
        assert name not in ("src", "href", "srcset", "action"), (name, value)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(checker.tags)
    assert "url(" not in page
    assert "@import" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert "Content-Security-Policy" in page
    assert page.count("<svg") >= 6  # four score charts, sensitivity, diagnosticity


def test_markdown_escapes_every_user_string() -> None:
    text = markdown.render(build(evil_matrix(), today=dt.date(2024, 1, 1)))
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_report_holds_every_section_for_the_example() -> None:
    report = build(load_data(EXAMPLE), today=dt.date(2022, 6, 1))
    text = markdown.render(report)
    for heading in (
        "# Kazakhstan unrest, January 2022",
        "**Question:** What best explains",
        "## Hypotheses ranked under every method",
        "## The matrix",
        "## Most diagnostic evidence (heuer)",
        "## Sensitivity (heuer)",
        "## Agreement between analysts",
        "## Milestones",
        "### H3 Foreign-backed coup",
    ):
        assert heading in text
    header = next(line for line in text.splitlines() if line.startswith("| Hypothesis |"))
    assert header == "| Hypothesis | " + " | ".join(METHODS) + " |"
    assert "| H2 Elite power struggle | **1 (0.00)** |" in text
    assert "Without E27 (" in text
    assert "1. E16 The text admits" in text
    assert "4 of 31 items are rated alike" in text
    assert "| M1 | Investigations find no organising group" in text


def test_report_order_and_findings_follow_the_method() -> None:
    report = build(load_data(EXAMPLE), method="bayes")
    assert report.order[0] == report.rankings["bayes"].hypotheses[0].id
    assert report.findings.method == "bayes"
    assert "## Sensitivity (bayes)" in markdown.render(report)


def test_warning_for_the_leader_is_shown() -> None:
    data = small_matrix(
        milestones={
            "M1": {
                "hypothesis": "H1",
                "title": "Refuting sign seen",
                "expect": "refutes",
                "status": "observed",
            }
        }
    )
    report = build(data)
    assert report.findings.leaders == ("H1", "H2")  # tied: both are watched
    assert "> **Warning:** Milestone M1 was observed" in markdown.render(report)
    assert '<p class="warning"><strong>Warning:</strong> Milestone M1' in html.render(report)


def test_several_analysts_show_consensus_and_disputes() -> None:
    report = build(evil_matrix())
    assert report.consensus is not None
    assert report.rows[0].disputes["H1"] == "extreme"  # CC against II
    text = markdown.render(report)
    assert "Krippendorff's alpha" in text
    assert "| E1 | H1 | lead CC, bob II |" in text
    page = html.render(report)
    assert "dispute-extreme" in page


@pytest.mark.parametrize("method", METHODS)
def test_every_method_renders_both_formats(method: str) -> None:
    report = build(small_matrix(), method=method)
    assert markdown.render(report).startswith("# Small\n")
    assert html.render(report).startswith("<!DOCTYPE html>")


def test_report_shows_judgements_pooled_and_scored() -> None:
    from achbench.report.content import build as build_report
    from achbench.report.html import render as render_html
    from achbench.report.markdown import render as render_markdown
    from tests.helpers import small_matrix as matrix

    data = matrix(
        judgements={"lead": {"H1": 0.6, "H2": 0.3, "H3": 0.1}, "bob": {"H1": 0.2, "H2": 0.8}},
        resolution={"hypothesis": "H1"},
    )
    report = build_report(data)
    markdown = render_markdown(report)
    assert "## Judgements" in markdown
    assert "| Hypothesis | lead | bob | linear pool | geometric pool | bayes |" in markdown
    # lead: (0.6 - 1)^2 + 0.3^2 + 0.1^2 = 0.26; linear pool 0.665 (see test_judgement)
    assert "| lead | 0.260 | -0.511 |" in markdown
    assert "| linear pool | 0.665 | -0.916 |" in markdown
    html = render_html(report)
    section = html.split('<section id="judgements">', 1)[1].split("</section>", 1)[0]
    # one bar per hypothesis and series: 3 hypotheses x (2 analysts + 2 pools + bayes)
    assert section.count("<rect class=") == 15
    assert "Probability per hypothesis" in section
    # no judgements, no section
    plain = build_report(matrix())
    assert "## Judgements" not in render_markdown(plain)
    assert 'id="judgements"' not in render_html(plain)


def test_rationale_is_reported_per_evidence_item_and_escaped() -> None:
    data = evil_matrix()
    data["rationale"] = {
        "lead": {"E1": {"H1": EVIL + " lead's why", "H2": "plain\nreason \x1b[31m"}},
        "bob": {"E1": {"H1": "bob's why"}},
    }
    report = build(data, today=dt.date(2024, 1, 1))
    assert [(n.evidence, n.hypothesis, n.analyst) for n in report.notes] == [
        ("E1", "H1", "lead"),
        ("E1", "H1", "bob"),
        ("E1", "H2", "lead"),
    ]
    text = markdown.render(report)
    assert "## Rationale" in text
    section = text.split("## Rationale", 1)[1].split("\n## ", 1)[0]
    code = data["ratings"]["lead"]["E1"]["H1"]
    assert f"- H1 (lead, {code}): &lt;script&gt;alert(1)&lt;/script&gt; lead's why" in section
    assert "- H1 (bob, II): bob's why" in section
    assert "\x1b" not in section
    assert "plain reason" in section
    assert "<script>" not in section
    page = html.render(report)
    assert '<section id="rationale"><h2>Rationale</h2>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; lead&#x27;s why" in page
    assert "\x1b" not in page
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.open == []


def test_no_rationale_no_section_and_the_example_has_its_notes() -> None:
    plain = small_matrix()
    assert "Rationale" not in markdown.render(build(plain))
    assert 'id="rationale"' not in html.render(build(plain))
    example = load_data(EXAMPLE)
    text = markdown.render(build(example))
    assert "- H3 (lead, II): A foreign operation large enough" in text


def test_report_shows_admiralty_marks_origins_and_caveats() -> None:
    data = small_matrix(
        evidence={
            "E1": {"title": "Rumour", "cites": "S", "grade": "5"},
            "E2": {"title": "Kazakh statement", "origin": "gov"},
            "E3": {"title": "Chinese statement", "origin": "gov"},
        },
        sources={"S": {"title": "Channel", "reliability": "E"}},
        ratings={
            "lead": {
                "E1": {"H1": "C", "H2": "II", "H3": "C"},
                "E2": {"H1": "C", "H2": "I", "H3": "C"},
                "E3": {"H1": "I", "H2": "C", "H3": "C"},
            }
        },
    )
    report = build(data)
    rows = {row.id: row for row in report.rows}
    assert (rows["E1"].credibility, rows["E1"].admiralty) == ("low", "E5")
    assert rows["E1"].caveats == ("low-credibility",)
    assert (rows["E2"].origin, rows["E2"].caveats) == ("gov", ("contested-origin",))
    assert report.independent == 2
    text = markdown.render(report)
    assert "| E1 Rumour | low (E5) |" in text
    assert "E2 Kazakh statement (origin gov)" in text
    assert "3 evidence items from 2 independent origins" in text
    assert "contested-origin: its origin is shared with items that point the other way" in text
    page = html.render(report)
    assert "low (E5)" in page
    assert '<small class="flag">origin gov</small>' in page
    assert '<small class="flag">low-credibility</small>' in page

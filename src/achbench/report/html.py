"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network.

Every string from the matrix passes through ``html.escape`` (``_e`` below) on
its way into the page, and a Content-Security-Policy forbids scripts and any
outside resource, so a title such as ``<script>alert(1)</script>`` shows as
text and nothing runs.  Control characters show as escapes (``\\x1b``), as on
the terminal (``achbench.core.text.visible``): HTML has no use for them, and a
page may well be read with ``cat``.
"""

from __future__ import annotations

from html import escape

from achbench.analysis.assumptions import summary, without_text
from achbench.analysis.consensus import CATEGORY_NAMES
from achbench.analysis.wording import STEP_WORDS, order_text, plural, sentences
from achbench.core.text import visible
from achbench.core.vocabulary import ASSUMPTION_STATUS_MEANING, CODE_MEANING, METHODS
from achbench.report.content import (
    SCORE_NAMES,
    Report,
    evidence_notes,
    judgement_columns,
    judgement_scores,
    score_text,
)
from achbench.report.markdown import DISPUTED_LISTED, alpha_sentence
from achbench.report.svg import Bar, bar_chart, sparkline_chart

CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f6f3; color: #1d1d1d;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 28px; margin: 0 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #ddd; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p, li, td, dd, dt { overflow-wrap: break-word; }
th { white-space: nowrap; }
table.matrix td:first-child, td.date { white-space: nowrap; }
td small.flag { display: block; color: #777; }
.question { font-size: 17px; color: #333; }
.meta, .note { color: #555; font-size: 13px; }
.warning { border-left: 5px solid #c62828; background: #fdecea; padding: 8px 12px; margin: 10px 0; }
.warning strong { color: #c62828; }
.verdict-solid { color: #2e7d32; } .verdict-caveated { color: #8a6d00; }
.verdict-unsupported { color: #c62828; }
.close { border-left: 5px solid #ef8f00; background: #fff4e0; padding: 8px 12px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #d5d5d0; padding: 4px 7px; vertical-align: top; }
th { background: #f0f0eb; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.lead { font-weight: bold; background: #e8f5e9; }
table.matrix td.code { text-align: center; font-weight: 600; min-width: 34px; }
.c-CC { background: #2e7d32; color: #fff; }
.c-C { background: #a5d6a7; }
.c-N { background: #eeeeee; }
.c-I { background: #ffab91; }
.c-II { background: #c62828; color: #fff; }
.c-NA { background: #fff; color: #888; }
.c-none { background: #fff; }
td.dispute-mild { outline: 2px dashed #ef8f00; outline-offset: -3px; }
td.dispute-large { outline: 2px solid #ef8f00; outline-offset: -3px; }
td.dispute-extreme { outline: 3px solid #6a1b9a; outline-offset: -3px; }
tr.flat td { color: #777; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 28px; margin: 12px 0; }
svg.chart { background: #fcfcfa; border: 1px solid #e4e4df; padding: 6px; }
.legend span { display: inline-block; padding: 1px 6px; margin: 2px 4px 2px 0; font-size: 12px; }
dl.hypotheses dt { font-weight: bold; margin-top: 6px; }
dl.hypotheses dd { margin: 0 0 0 18px; }
footer { margin-top: 40px; color: #777; font-size: 12px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 20pt; }
  h2 { margin-top: 0; padding-top: 8px; break-after: avoid-page; }
  h3 { break-after: avoid-page; }
  section:not(#matrix) { break-inside: avoid-page; }
  section + section { margin-top: 18px; }
  tr, li, dt, dd, svg.chart, .warning, .close { break-inside: avoid; }
  .charts { gap: 8px 2%; }
  svg.chart { width: 47%; height: auto; padding: 4px; }
  thead { display: table-header-group; }
  table { font-size: 8.5pt; }
  table.matrix { width: 100%; }
  table.matrix th { white-space: normal; }
  table.matrix td:nth-child(2) { min-width: 40%; width: 40%; }
  footer { margin-top: 16px; }
}
"""
"""The page's style.  ``@media print`` is for the PDF (``report/pdf.py``): a
section moves whole to the next page where it fits on one, so page breaks
fall between sections (the matrix, often pages long, flows on); charts sit two
abreast, scaled from their viewBox; a table row, list item or chart is never split; table
headers repeat on each page; and the codes' colours are printed."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(text: object) -> str:
    return escape(visible(str(text)), quote=True)


def _hypothesis(report: Report, h: str) -> str:
    return f"{_e(h)} {_e(report.hypotheses[h][0])}"


def _score_charts(report: Report) -> str:
    charts = []
    for m in METHODS:
        ranking = report.rankings[m]
        by_id = {h.id: h for h in ranking.hypotheses}
        values = [by_id[h].score for h in report.order]
        top = max(values) if values else 0.0
        bars = [
            Bar(
                h,
                by_id[h].score / top if top > 0 else 0.0,
                score_text(m, by_id[h].score),
                "lead" if by_id[h].rank == 1 else "bar",
                f"{h} {report.hypotheses[h][0]}: rank {by_id[h].rank}",
            )
            for h in report.order
        ]
        charts.append(bar_chart(f"{m}: {SCORE_NAMES[m]}", bars))
    return '<div class="charts">' + "".join(charts) + "</div>"


def _sensitivity_chart(report: Report) -> str:
    findings = report.findings
    if not findings.flips:
        return ""
    counts = [f.count for f in findings.flips if f.count is not None]
    top = max(counts) if counts else 1
    bars = []
    for flip in findings.flips:
        if flip.count is None:
            bars.append(Bar(flip.challenger, 0.0, "impossible", "none"))
            continue
        kind = "warn" if flip.count <= 1 else "mid" if flip.count <= 3 else "bar"
        prefix = "" if flip.exact else "at most "
        bars.append(
            Bar(
                flip.challenger,
                flip.count / top,
                f"{prefix}{plural(flip.count, 'change')}",
                kind,
                f"{flip.challenger} {flip.title}",
            )
        )
    exact = findings.flips[0].exact
    note = (
        ("fewest possible" if exact else "heuristic upper bound")
        + "; "
        + STEP_WORDS[findings.steps]
    )
    title = f"Rating changes for each rival to overtake {'/'.join(findings.leaders)}"
    charts = [bar_chart(title, bars, note=note)]
    if report.findings.removals:
        total = len(findings.removals)
        leader = sum(1 for r in findings.removals if r.leader_changed)
        ranks = sum(1 for r in findings.removals if r.ranks_changed) - leader
        rows = [
            ("leader", leader, "warn"),
            ("other ranks", ranks, "mid"),
            ("nothing", total - leader - ranks, "bar"),
        ]
        bars = [Bar(label, n / total, f"{n} of {total}", kind) for label, n, kind in rows]
        charts.append(
            bar_chart("Evidence items whose removal changes...", bars, width=420, note="")
        )
    return '<div class="charts">' + "".join(charts) + "</div>"


def _diagnostic_chart(report: Report) -> str:
    if not report.most_diagnostic:
        return ""
    top = report.most_diagnostic[0].diagnosticity
    bars = [
        Bar(e.id, e.diagnosticity / top, f"{e.diagnosticity:.2f}", "bar", e.title)
        for e in report.most_diagnostic
    ]
    return bar_chart(f"Most diagnostic evidence ({report.method})", bars)


def _table(headers: list[str], rows: list[str], cls: str = "") -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _rationale(report: Report) -> str:
    """Why each cell was rated as it was, per evidence item; nothing when no note is kept."""
    if not report.notes:
        return ""
    evidence = {row.id: row.title for row in report.rows}
    out = ['<section id="rationale"><h2>Rationale</h2>']
    current = None
    for note in report.notes:
        if note.evidence != current:
            if current is not None:
                out.append("</dl>")
            current = note.evidence
            title = _e(evidence.get(note.evidence, ""))
            out.append(f"<h3>{_e(note.evidence)} {title}</h3><dl>")
        code = note.code or "not rated"
        out.append(
            f"<dt>{_e(note.hypothesis)} <small>({_e(note.analyst)}, "
            f'<span class="c-{_e(note.code or "none")}">{_e(code)}</span>)</small></dt>'
            f"<dd>{_e(note.text)}</dd>"
        )
    out.append("</dl></section>")
    return "".join(out)


def render(report: Report) -> str:
    """The whole report as one HTML document."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<header><h1>{_e(report.title)}</h1>",
    ]
    if report.question:
        out.append(f'<p class="question"><strong>Question:</strong> {_e(report.question)}</p>')
    analysts = ", ".join(report.analysts) if report.analysts else "no ratings yet"
    out.append(
        f'<p class="meta">Analysts: {_e(analysts)}. Hypotheses are ordered by the '
        f"{_e(report.method)} method; every method is shown side by side.</p></header>"
    )
    for w in report.warnings:
        out.append(f'<p class="warning"><strong>Warning:</strong> {_e(w.message)}</p>')

    out.append('<section id="ranking"><h2>Hypotheses ranked under every method</h2>')
    places = {m: {h.id: (h.rank, h.score) for h in report.rankings[m].hypotheses} for m in METHODS}
    rows = []
    for h in report.order:
        cells = [f"<td>{_hypothesis(report, h)}</td>"]
        for m in METHODS:
            rank, value = places[m][h]
            cls = "num lead" if rank == 1 else "num"
            cells.append(f'<td class="{cls}">{rank} <small>({score_text(m, value)})</small></td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    out.append(_table(["Hypothesis", *METHODS], rows))
    out.append(
        '<p class="note">Each cell: rank (score). Scores: '
        + "; ".join(f"{m}, {SCORE_NAMES[m]}" for m in METHODS)
        + ".</p>"
    )
    out.append(_score_charts(report))
    out.append('<dl class="hypotheses">')
    for h, (title, description) in report.hypotheses.items():
        out.append(f"<dt>{_e(h)} {_e(title)}</dt>")
        if description:
            out.append(f"<dd>{_e(description)}</dd>")
    out.append("</dl></section>")

    out.append(judgement_section(report))
    out.append(history_section(report))
    out.append('<section id="matrix"><h2>The matrix</h2>')
    hyps = list(report.hypotheses)
    rows = []
    for row in report.rows:
        origin = f' <small class="flag">origin {_e(row.origin)}</small>' if row.origin else ""
        mark = f" ({_e(row.admiralty)})" if row.admiralty else ""
        cells = [
            f"<td>{_e(row.id)}</td><td>{_e(row.title)}{origin}</td>",
            f"<td>{_e(row.credibility)}{mark}</td><td>{_e(row.relevance)}</td>",
        ]
        for h in hyps:
            code = row.codes[h]
            dispute = row.disputes.get(h)
            classes = ["code", f"c-{code or 'none'}"]
            if dispute in ("mild", "large", "extreme"):
                classes.append(f"dispute-{dispute}")
            tip = f' title="{_e(CATEGORY_NAMES[dispute])}"' if dispute else ""
            cells.append(f'<td class="{" ".join(classes)}"{tip}>{_e(code or "")}</td>')
        flat = '<small class="flag">non-diagnostic</small>' if row.nondiagnostic else ""
        flat += "".join(f'<small class="flag">{_e(c)}</small>' for c in row.caveats)
        cells.append(f'<td class="num">{row.diagnosticity:.2f}{flat}</td>')
        cls = ' class="flat"' if row.nondiagnostic else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out.append(
        _table(
            [
                "Id",
                "Evidence",
                "Credibility",
                "Relevance",
                *(_e(h) for h in hyps),
                f"Diagnosticity ({_e(report.method)})",
            ],
            rows,
            "matrix",
        )
    )
    legend = "".join(
        f'<span class="c-{code}">{code} {words}</span>' for code, words in CODE_MEANING.items()
    )
    out.append(f'<p class="legend">{legend}</p>')
    out += [f'<p class="note">{_e(line)}</p>' for line in evidence_notes(report)]
    if report.consensus is not None:
        out.append(
            '<p class="note">Each code is the analysts\' consensus (Open Synthesis); a dashed '
            "outline marks a mild dispute, orange a large one, purple an extreme one.</p>"
        )
    out.append("</section>")

    out.append(_rationale(report))

    out.append(f'<section id="diagnostic"><h2>Most diagnostic evidence ({_e(report.method)})</h2>')
    if report.most_diagnostic:
        out.append("<ol>")
        out += [
            f"<li>{_e(e.id)} {_e(e.title)}: {e.diagnosticity:.2f}</li>"
            for e in report.most_diagnostic
        ]
        out.append("</ol>")
        out.append(_diagnostic_chart(report))
    else:
        out.append("<p>No evidence item tells the hypotheses apart.</p>")
    out.append(
        f'<p class="note">{report.nondiagnostic} of {len(report.rows)} items are rated alike '
        "for every hypothesis (non-diagnostic).</p></section>"
    )

    findings = report.findings
    out.append(f'<section id="sensitivity"><h2>Sensitivity ({_e(report.method)})</h2>')
    out.append(f"<p>Order: {_e(order_text(findings.standing))}.</p>")
    if findings.margin.close:
        out.append(
            '<p class="close"><strong>Close race:</strong> the runner-up is within the '
            "close-race threshold of the leader.</p>"
        )
    out.append("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in sentences(findings)) + "</ul>")
    out.append(_sensitivity_chart(report))
    out.append("</section>")

    out.append(assumptions_section(report))
    out.append('<section id="agreement"><h2>Agreement between analysts</h2>')
    agreement = report.consensus
    if agreement is None:
        out.append("<p>One analyst rated this matrix: there is no disagreement to report.</p>")
    else:
        out.append(f"<p>{_e(alpha_sentence(report))}</p>")
        counts = agreement.counts
        out.append(
            "<p>Cells: "
            + ", ".join(f"{CATEGORY_NAMES[k]} {v}" for k, v in counts.items())
            + ".</p>"
        )
        rows = [
            f"<tr><td>{_e(a.analyst)}</td><td class='num'>{a.rated}</td>"
            f"<td class='num'>{'-' if a.agreement is None else f'{a.agreement:.0%}'}</td>"
            f"<td class='num'>"
            f"{'-' if a.mean_distance is None else f'{a.mean_distance:.2f}'}</td></tr>"
            for a in agreement.per_analyst
        ]
        out.append(_table(["Analyst", "Rated", "Same code as consensus", "Mean distance"], rows))
        disputed = agreement.disputed
        if disputed:
            out.append(
                f"<h3>Most disputed cells ({min(len(disputed), DISPUTED_LISTED)} of "
                f"{len(disputed)})</h3>"
            )
            rows = [
                f"<tr><td>{_e(c.evidence)}</td><td>{_e(c.hypothesis)}</td>"
                f"<td>{_e(', '.join(f'{a} {code}' for a, code in c.votes.items()))}</td>"
                f"<td>{_e(c.consensus or '')}</td><td>{_e(CATEGORY_NAMES[c.category])}</td></tr>"
                for c in disputed[:DISPUTED_LISTED]
            ]
            out.append(_table(["Evidence", "Hypothesis", "Votes", "Consensus", "Dispute"], rows))
    out.append("</section>")

    out.append('<section id="milestones"><h2>Milestones</h2>')
    if not any(report.milestones.values()):
        out.append("<p>No milestones are set.</p>")
    for h, views in report.milestones.items():
        if not views:
            continue
        out.append(f"<h3>{_hypothesis(report, h)}</h3>")
        rows = [
            f"<tr><td>{_e(v.id)}</td><td>{_e(v.title)}</td><td>{_e(v.expect)}</td>"
            f"<td class='date'>{_e(v.due.isoformat() if v.due else '')}</td>"
            f"<td>{_e(v.status)}{' (overdue)' if v.overdue else ''}</td></tr>"
            for v in views
        ]
        out.append(_table(["Id", "Milestone", "Expect", "Due", "Status"], rows))
    out.append("</section>")
    out.append("<footer>Made with achbench.</footer></main></body></html>")
    return "\n".join(out) + "\n"


JUDGEMENT_KINDS = {"linear pool": "lead", "geometric pool": "lead", "bayes": "mid"}
"""Bar colours of the judgement chart: analysts plain, pools green, bayes orange."""


def assumptions_section(report: Report) -> str:
    """The Key Assumptions Check (as ``markdown.assumptions_section``); "" without any."""
    if not report.assumptions:
        return ""
    out = [
        '<section id="assumptions"><h2>Key assumptions</h2>',
        f"<p>{_e(summary(report.assumptions))}</p>",
    ]
    for found in report.assumptions:
        out.append(f"<h3>{_e(found.id)} {_e(found.title)}</h3>")
        meaning = ASSUMPTION_STATUS_MEANING[found.status]
        notes = f" {_e(found.notes)}" if found.notes else ""
        out.append(
            f'<p><strong class="verdict-{_e(found.status)}">Verdict: {_e(found.status)}</strong> '
            f"({_e(meaning)}).{notes}</p><ul>"
        )
        if found.hypotheses:
            linked = ", ".join(_hypothesis(report, h) for h in found.hypotheses)
            out.append(f"<li>Stands or falls with: {linked}</li>")
        if found.evidence:
            out.append(f"<li>Evidence resting on it: {_e(', '.join(found.evidence))}</li>")
        out.append(f"<li>Ranking under {_e(report.method)}: {_e(without_text(found))}</li>")
        if found.rests:
            out.append(f"<li>The leader rests on it: {_e(', '.join(found.rests))}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def judgement_section(report: Report) -> str:
    """Analysts' probabilities as bars per hypothesis: each analyst, the pools, bayes."""
    columns = judgement_columns(report)
    if not columns:
        return ""
    rows = [
        f"<tr><td>{_hypothesis(report, h)}</td>"
        + "".join(f"<td class='num'>{values.get(h, 0.0):.0%}</td>" for _, values in columns)
        + "</tr>"
        for h in report.order
    ]
    bars = [
        Bar(
            f"{h} {name}",
            values.get(h, 0.0),
            f"{values.get(h, 0.0):.0%}",
            JUDGEMENT_KINDS.get(name, "bar"),
            f"{h} {report.hypotheses[h][0]}: {name}",
        )
        for h in report.order
        for name, values in columns
    ]
    out = ['<section id="judgements"><h2>Judgements</h2>']
    out.append(_table(["Hypothesis", *(name for name, _ in columns)], rows))
    out.append(
        "<p class='note'>Each analyst's probabilities made coherent (normalised to sum "
        "to 1), their linear and geometric pools, and the bayes posterior of the ratings.</p>"
    )
    out.append(bar_chart("Probability per hypothesis", bars))
    scores = judgement_scores(report)
    if scores and report.judgement is not None and report.judgement.truth is not None:
        out.append(f"<p>Resolved: {_e(report.judgement.truth)} proved true.</p>")
        out.append(
            _table(
                ["Forecast", "Brier", "Log score"],
                [
                    f"<tr><td>{_e(n)}</td><td class='num'>{b:.3f}</td>"
                    f"<td class='num'>{lg:.3f}</td></tr>"
                    for n, b, lg in scores
                ],
            )
        )
    out.append("</section>")
    return "".join(out)


def history_section(report: Report) -> str:
    """How each hypothesis' score moved over the file's commits (a file in git only)."""
    found = report.history
    if found is None:
        return ""
    rows = []
    for h in found.hypotheses:
        scores = [v.standings[h].score if h in v.standings else None for v in found.versions]
        ranks = [v.standings[h].rank for v in found.versions if h in v.standings]
        moved = f"rank {ranks[0]} → {ranks[-1]}" if ranks else "never ranked"
        rows.append((h, scores, moved))
    first, last = found.versions[0].commit, found.versions[-1].commit
    broken = sum(1 for v in found.versions if v.error)
    note = f" ({plural(broken, 'version')} did not load)" if broken else ""
    return (
        '<section id="history"><h2>History</h2>'
        f"<p>{len(found.versions)} committed versions, {_e(first.date[:10])} to "
        f"{_e(last.date[:10])}{_e(note)}; scores under {_e(found.method)}, oldest left.</p>"
        + sparkline_chart(f"Score per commit ({found.method})", rows)
        + "</section>"
    )

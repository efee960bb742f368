"""The report as Markdown: headings, tables and sentences, no charts."""

from __future__ import annotations

from achbench.analysis.assumptions import summary, without_text
from achbench.analysis.consensus import ALPHA_RELIABLE, ALPHA_TENTATIVE, CATEGORY_NAMES
from achbench.analysis.wording import order_text, sentences
from achbench.core.vocabulary import ASSUMPTION_STATUS_MEANING, CODE_MEANING, METHODS
from achbench.report.content import (
    SCORE_NAMES,
    Report,
    evidence_notes,
    judgement_columns,
    judgement_scores,
    score_text,
)
from achbench.report.markdown_text import escape, table

DISPUTE_MARK = {"mild": "*", "large": "**", "extreme": "***"}
"""Marks after a consensus code whose analysts disagree (Open Synthesis categories)."""

DISPUTED_LISTED = 20
"""Disputed cells listed in the report (the most disputed first)."""


def _hypothesis(report: Report, h: str) -> str:
    return f"{h} {escape(report.hypotheses[h][0])}"


def alpha_sentence(report: Report) -> str:
    """Krippendorff's alpha with its reading, or why there is none."""
    agreement = report.consensus
    if agreement is None or agreement.alpha is None:
        return "Krippendorff's alpha is undefined for these ratings."
    reading = (
        "high enough to rely on"
        if agreement.alpha >= ALPHA_RELIABLE
        else "enough for tentative conclusions only"
        if agreement.alpha >= ALPHA_TENTATIVE
        else "too low to rely on"
    )
    return (
        f"Krippendorff's alpha (ordinal) is {agreement.alpha:.3f} over {agreement.pairable} "
        f"cells rated by two or more analysts: {reading} (Krippendorff asks for "
        f"{ALPHA_RELIABLE} to rely on the data, {ALPHA_TENTATIVE} for tentative conclusions)."
    )


def rationale_section(report: Report) -> list[str]:
    """Why each cell was rated as it was, per evidence item; nothing when no note is kept."""
    if not report.notes:
        return []
    out = ["## Rationale", ""]
    evidence = {row.id: row.title for row in report.rows}
    current = None
    for note in report.notes:
        if note.evidence != current:
            if current is not None:
                out.append("")
            current = note.evidence
            out += [f"**{note.evidence} {escape(evidence.get(note.evidence, ''))}**", ""]
        rated = note.code or "not rated"
        out.append(f"- {note.hypothesis} ({escape(note.analyst)}, {rated}): {escape(note.text)}")
    return [*out, ""]


def render(report: Report) -> str:
    """The whole report as Markdown text."""
    out = [f"# {escape(report.title)}", ""]
    if report.question:
        out += [f"**Question:** {escape(report.question)}", ""]
    analysts = ", ".join(report.analysts) if report.analysts else "no ratings yet"
    out += [
        f"Analysts: {analysts}. Hypotheses are ordered by the {report.method} method; "
        f"every method is shown side by side.",
        "",
    ]
    out += [f"> **Warning:** {escape(w.message)}\n" for w in report.warnings]

    out += ["## Hypotheses ranked under every method", ""]
    headers = ["Hypothesis", *METHODS]
    rows = []
    places = {m: {h.id: (h.rank, h.score) for h in report.rankings[m].hypotheses} for m in METHODS}
    for h in report.order:
        cells = [_hypothesis(report, h)]
        for m in METHODS:
            rank, value = places[m][h]
            text = f"{rank} ({score_text(m, value)})"
            cells.append(f"**{text}**" if rank == 1 else text)
        rows.append(cells)
    out += table(headers, rows, "---|" + "|".join("---:" for _ in METHODS))
    out += [
        "",
        "Each cell: rank (score). Scores: "
        + "; ".join(f"{m}, {SCORE_NAMES[m]}" for m in METHODS)
        + ".",
        "",
    ]
    for h, (title, description) in report.hypotheses.items():
        line = f"- **{h}** {escape(title)}"
        out.append(line + (f": {escape(description)}" if description else ""))
    out.append("")

    out += ["## The matrix", ""]
    hyps = list(report.hypotheses)
    rows = []
    for row in report.rows:
        evidence = f"{row.id} {escape(row.title)}"
        if row.origin:
            evidence += f" (origin {escape(row.origin)})"
        credibility = row.credibility + (f" ({row.admiralty})" if row.admiralty else "")
        cells = [evidence, credibility, row.relevance]
        for h in hyps:
            code = row.codes[h]
            mark = DISPUTE_MARK.get(row.disputes.get(h, ""), "")
            cells.append((code or "") + (f"\\{mark}" if mark else ""))
        diag = f"{row.diagnosticity:.2f}" + (" (non-diagnostic)" if row.nondiagnostic else "")
        if row.caveats:
            diag += f" ({', '.join(row.caveats)})"
        cells.append(diag)
        rows.append(cells)
    out += table(
        ["Evidence", "Credibility", "Relevance", *hyps, f"Diagnosticity ({report.method})"],
        rows,
        "---|---|---|" + "|".join(":---:" for _ in hyps) + "|---:",
    )
    legend = ", ".join(f"{code} {words}" for code, words in CODE_MEANING.items())
    out += ["", f"Codes: {legend}; blank: not rated."]
    out += evidence_notes(report)
    if report.consensus is not None:
        out.append(
            "Each code is the analysts' consensus; \\* marks a mild, \\*\\* a large and "
            "\\*\\*\\* an extreme dispute."
        )
    out.append("")

    out += rationale_section(report)

    out += [f"## Most diagnostic evidence ({report.method})", ""]
    if report.most_diagnostic:
        out += [
            f"{n}. {e.id} {escape(e.title)}: {e.diagnosticity:.2f}"
            for n, e in enumerate(report.most_diagnostic, 1)
        ]
    else:
        out.append("No evidence item tells the hypotheses apart.")
    out += [
        "",
        f"{report.nondiagnostic} of {len(report.rows)} items are rated alike for every "
        "hypothesis (non-diagnostic).",
        "",
    ]

    out += [f"## Sensitivity ({report.method})", ""]
    out.append(f"Order: {order_text(report.findings.standing)}.")
    out.append("")
    out += [f"- {escape(s)}" for s in sentences(report.findings)]
    out.append("")

    out += assumptions_section(report)

    out += ["## Agreement between analysts", ""]
    agreement = report.consensus
    if agreement is None:
        out += ["One analyst rated this matrix: there is no disagreement to report.", ""]
    else:
        out += [alpha_sentence(report), ""]
        counts = agreement.counts
        out.append(
            "Cells: " + ", ".join(f"{CATEGORY_NAMES[k]} {v}" for k, v in counts.items()) + "."
        )
        out.append("")
        out += table(
            ["Analyst", "Rated", "Same code as consensus", "Mean distance"],
            [
                [
                    a.analyst,
                    str(a.rated),
                    "-" if a.agreement is None else f"{a.agreement:.0%}",
                    "-" if a.mean_distance is None else f"{a.mean_distance:.2f}",
                ]
                for a in agreement.per_analyst
            ],
            "---|---:|---:|---:",
        )
        out.append("")
        disputed = agreement.disputed
        if disputed:
            out += [
                f"Most disputed cells ({min(len(disputed), DISPUTED_LISTED)} of {len(disputed)}):",
                "",
            ]
            out += table(
                ["Evidence", "Hypothesis", "Votes", "Consensus", "Dispute"],
                [
                    [
                        c.evidence,
                        c.hypothesis,
                        ", ".join(f"{a} {code}" for a, code in c.votes.items()),
                        c.consensus or "",
                        CATEGORY_NAMES[c.category],
                    ]
                    for c in disputed[:DISPUTED_LISTED]
                ],
            )
            out.append("")

    out += judgement_section(report)
    out += ["## Milestones", ""]
    if not any(report.milestones.values()):
        out += ["No milestones are set.", ""]
    for h, views in report.milestones.items():
        if not views:
            continue
        out += [f"### {_hypothesis(report, h)}", ""]
        out += table(
            ["Id", "Milestone", "Expect", "Due", "Status"],
            [
                [
                    v.id,
                    escape(v.title),
                    v.expect,
                    v.due.isoformat() if v.due else "",
                    v.status + (" (overdue)" if v.overdue else ""),
                ]
                for v in views
            ],
        )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def assumptions_section(report: Report) -> list[str]:
    """The Key Assumptions Check: each assumption's verdict and why, what rests on it,
    and the ranking without the evidence that assumes it; nothing without assumptions."""
    if not report.assumptions:
        return []
    out = ["## Key assumptions", "", summary(report.assumptions), ""]
    for found in report.assumptions:
        out += [f"### {found.id} {escape(found.title)}", ""]
        verdict = f"**Verdict: {found.status}** ({ASSUMPTION_STATUS_MEANING[found.status]})."
        out += [verdict + (f" {escape(found.notes)}" if found.notes else ""), ""]
        if found.hypotheses:
            linked = ", ".join(_hypothesis(report, h) for h in found.hypotheses)
            out.append(f"- Stands or falls with: {linked}")
        if found.evidence:
            out.append(f"- Evidence resting on it: {', '.join(found.evidence)}")
        out.append(f"- Ranking under {report.method}: {without_text(found)}")
        if found.rests:
            out.append(f"- The leader rests on it: {', '.join(found.rests)}")
        out.append("")
    return out


def judgement_section(report: Report) -> list[str]:
    """Analysts' probabilities beside the pools and the bayes posterior (and the scores)."""
    columns = judgement_columns(report)
    if not columns:
        return []
    out = ["## Judgements", ""]
    headers = ["Hypothesis", *(escape(name) for name, _ in columns)]
    rows = [
        [_hypothesis(report, h), *(f"{values.get(h, 0.0):.0%}" for _, values in columns)]
        for h in report.order
    ]
    out += table(headers, rows, "---|" + "|".join("---:" for _ in columns))
    out += [
        "",
        "Each analyst's probabilities made coherent (normalised to sum to 1), their "
        "linear and geometric pools, and the bayes posterior of the ratings.",
        "",
    ]
    scores = judgement_scores(report)
    if scores and report.judgement is not None and report.judgement.truth is not None:
        out += [f"Resolved: {escape(report.judgement.truth)} proved true.", ""]
        out += table(
            ["Forecast", "Brier", "Log score"],
            [[escape(n), f"{b:.3f}", f"{lg:.3f}"] for n, b, lg in scores],
            "---|---:|---:",
        )
        out.append("")
    return out

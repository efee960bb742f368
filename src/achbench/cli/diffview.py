"""Show a ``MatrixDiff`` to people: coloured text for the terminal, or Markdown.

No Rich here: the report is a list of lines, styled with ANSI codes (through
``click.style``) only when colour is wanted, so piped output stays plain.  Every
piece of user text (titles, values, file names) passes through ``one_line`` on
its way in, so the only escape sequences in the text are the styles added here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import cast

import click

from achbench.analysis.wording import plural
from achbench.core.text import one_line
from achbench.report.markdown_text import code, escape
from achbench.versioning.conflicts import describe
from achbench.versioning.diff import KINDS, FieldChange, MatrixDiff, NoteChange, TableDiff

KIND_NAMES = {
    "hypotheses": ("Hypotheses", "hypothesis", "hypotheses"),
    "evidence": ("Evidence", "evidence item", "evidence items"),
    "sources": ("Sources", "source", "sources"),
    "assumptions": ("Assumptions", "assumption", "assumptions"),
    "judgements": ("Judgements", "analyst's judgements", "analysts' judgements"),
    "milestones": ("Milestones", "milestone", "milestones"),
    "conflicts": ("Recorded merge conflicts", "conflict record", "conflict records"),
}
SCORE_FORMAT = {
    "heuer": "{:.2f}",
    "weighted": "{:.2f}",
    "opensynthesis": "{:.2f}",
    "bayes": "{:.1%}",
}
_INLINE = 70

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def _value(value: object) -> str:
    """A field value on one line, as in the file: strings quoted, dates ISO."""
    if value is None:
        return "(unset)"
    if isinstance(value, str):
        return '"' + one_line(value.replace("\\", "\\\\").replace('"', '\\"')) + '"'
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{one_line(str(k))} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return one_line(str(value))


def _long(value: object) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > _INLINE)


def _score(method: str, value: float | None) -> str:
    return "-" if value is None else SCORE_FORMAT.get(method, "{:.3g}").format(value)


def _rank(value: int | None) -> str:
    return "-" if value is None else str(value)


def summary(diff: MatrixDiff) -> str:
    """One line: what kinds of things changed, with counts."""
    parts = []
    if diff.fields:
        parts.append(", ".join(f.key for f in diff.fields) + " changed")
    for kind in KINDS:
        table = diff.tables[kind]
        _, one, many = KIND_NAMES[kind]
        retitled = {item_id for item_id, _, _ in table.retitled()}
        other = [c for c in table.changed if any(f.key != "title" for f in c.fields)]
        for label, count in (
            ("added", len(table.added)),
            ("removed", len(table.removed)),
            ("retitled", len(retitled)),
            ("changed", len(other)),
            ("moved", len(table.moved)),
        ):
            if count:
                parts.append(f"{plural(count, one, many)} {label}")
    if diff.analysts.added or diff.analysts.removed:
        parts.append(f"analysts +{len(diff.analysts.added)} -{len(diff.analysts.removed)}")
    if diff.ratings:
        parts.append(plural(len(diff.ratings), "rating changed", "ratings changed"))
    parts += _addition_summary(diff)
    return "; ".join(parts)


def _addition_summary(diff: MatrixDiff) -> list[str]:
    """The summary's words for the rationale and the resolution."""
    parts = []
    notes = diff.rationale_analysts
    if notes.added or notes.removed:
        parts.append(f"rationale analysts +{len(notes.added)} -{len(notes.removed)}")
    if diff.rationale:
        parts.append(
            plural(len(diff.rationale), "rationale note changed", "rationale notes changed")
        )
    if diff.resolution:
        parts.append("resolution changed")
    return parts


def _field_lines(
    prefix: str, change: FieldChange, style: Style, indent: str = "    ", named: bool = False
) -> list[str]:
    """A changed field: old and new on one line, or one line each of a long text.

    ``named``: the prefix already names the field (a matrix field such as
    ``Question``), so the key is not repeated after it.
    """
    label = f"{prefix}:" if named else f"{prefix} {change.key}:"
    if change.key == "title" and not named and not (_long(change.old) or _long(change.new)):
        label = f"{prefix} retitled:"
    if _long(change.old) or _long(change.new):
        lines = [label]
        for sign, value, colour in (("-", change.old, "red"), ("+", change.new, "green")):
            if value is None:
                lines.append(style(f"{indent}{sign} (unset)", fg=colour))
                continue
            text = value if isinstance(value, str) else _value(value)
            lines += [
                style(f"{indent}{sign} {one_line(line)}", fg=colour)
                for line in text.replace("\r\n", "\n").split("\n")
            ]
        return lines
    return [
        f"{label} {style(_value(change.old), fg='red')} -> {style(_value(change.new), fg='green')}"
    ]


def _item_label(kind: str, value: Mapping[str, object]) -> str:
    if kind == "conflicts":
        return one_line(describe(value))
    if kind == "judgements":
        return plural(len(value), "judgement", "judgements")
    return one_line(str(value.get("title", "")))


def _table_lines(diff: MatrixDiff, kind: str, table: TableDiff, style: Style) -> list[str]:
    heading = KIND_NAMES[kind][0]
    lines = [style(heading, bold=True)]
    for added in table.added:
        lines.append(style(f"  + {added.id}  {_item_label(kind, added.value)}", fg="green"))
        if kind != "conflicts":
            for key, value in added.value.items():
                if key != "title":
                    shown = (
                        one_line(value.replace("\r\n", " ").replace("\n", " "))
                        if isinstance(value, str)
                        else _value(value)
                    )
                    if len(shown) > _INLINE:
                        shown = shown[: _INLINE - 3] + "..."
                    lines.append(style(f"      {key}: {shown}", fg="green"))
    for removed in table.removed:
        lines.append(style(f"  - {removed.id}  {_item_label(kind, removed.value)}", fg="red"))
    for changed in table.changed:
        for change in changed.fields:
            prefix = style(f"  ~ {changed.id}", fg="yellow")
            if change.key != "title" and kind != "judgements":
                prefix += f" ({one_line(diff.title(kind, changed.id))})"
            lines += _field_lines(prefix, change, style)
    for moved in table.moved:
        where = f"after {moved.after}" if moved.after else "first"
        lines.append(
            style(f"  > {moved.id}", fg="cyan")
            + f" ({one_line(diff.title(kind, moved.id))}) moved from {moved.old_position} to "
            f"{moved.new_position}, now {where}"
        )
    return lines


def _count_cells(table: Mapping[str, Mapping[str, object]] | None) -> int:
    return sum(len(row) for row in (table or {}).values())


def _analyst_lines(diff: MatrixDiff, style: Style) -> list[str]:
    lines = [style("Analysts", bold=True)]
    return lines + _analyst_table_lines(diff, "ratings", diff.analysts, "rating", style)


_Tables = Mapping[str, Mapping[str, Mapping[str, object]]]
"""Per-cell tables by analyst: ratings or rationale."""


def _analyst_table_lines(
    diff: MatrixDiff, kind: str, order: TableDiff, unit: str, style: Style
) -> list[str]:
    """Analysts' per-cell tables (``ratings``, ``rationale``) added, removed or moved,
    each with how many cells (``unit``s) it holds or held."""
    new_tables = cast(_Tables, diff.new.get(kind) or {})
    old_tables = cast(_Tables, diff.old.get(kind) or {})
    lines = []
    for added in order.added:
        count = plural(_count_cells(new_tables.get(added.id)), unit)
        lines.append(style(f"  + {added.id} ({count})", fg="green"))
    for removed in order.removed:
        count = plural(_count_cells(old_tables.get(removed.id)), unit)
        lines.append(style(f"  - {removed.id} (had {count})", fg="red"))
    for moved in order.moved:
        where = f"after {moved.after}" if moved.after else "first"
        lines.append(style(f"  > {moved.id}", fg="cyan") + f" moved, now {where}")
    return lines


def _code(code: str | None) -> str:
    return code if code is not None else "unrated"


def _rating_lines(diff: MatrixDiff, style: Style) -> list[str]:
    lines = [style(f"Ratings ({plural(len(diff.ratings), 'cell', 'cells')} changed)", bold=True)]
    for analyst, cells in diff.ratings_by_analyst().items():
        lines.append(f"  {style(analyst, bold=True)}")
        current = None
        for cell in cells:
            if cell.evidence != current:
                current = cell.evidence
                lines.append(
                    f"    {cell.evidence}  {one_line(diff.title('evidence', cell.evidence))}"
                )
            old = style(_code(cell.old), fg="red")
            new = style(_code(cell.new), fg="green")
            title = one_line(diff.title("hypotheses", cell.hypothesis))
            lines.append(f"      {cell.hypothesis} {title}: {old} -> {new}")
    return lines


def _note(note: str | None) -> str:
    return "no note" if note is None else _value(note)


def _rationale_lines(diff: MatrixDiff, style: Style) -> list[str]:
    """The rationale section: analysts' tables added, removed or moved, then notes."""
    count = plural(len(diff.rationale), "note", "notes")
    lines = [style(f"Rationale ({count} changed)", bold=True)]
    lines += _analyst_table_lines(diff, "rationale", diff.rationale_analysts, "note", style)
    for analyst, notes_changed in diff.rationale_by_analyst().items():
        lines.append(f"  {style(analyst, bold=True)}")
        current = None
        for note in notes_changed:
            if note.evidence != current:
                current = note.evidence
                evidence_title = one_line(diff.title("evidence", note.evidence))
                lines.append(f"    {note.evidence}  {evidence_title}")
            title = one_line(diff.title("hypotheses", note.hypothesis))
            change = FieldChange(title, note.old, note.new)
            lines += _field_lines(f"      {note.hypothesis}", change, style, "        ")
    return lines


def _resolution_lines(diff: MatrixDiff, style: Style) -> list[str]:
    lines = [style("Resolution", bold=True)]
    for change in diff.resolution:
        lines += _field_lines(" ", change, style)
    return lines


def _addition_markdown(diff: MatrixDiff) -> list[str]:
    """The Markdown sections for the rationale and the resolution."""
    lines: list[str] = []
    if diff.rationale_analysts or diff.rationale:
        count = plural(len(diff.rationale), "note", "notes")
        lines += [f"### Rationale ({count} changed)", ""]
        lines += [f"- **added** {a.id}" for a in diff.rationale_analysts.added]
        lines += [f"- **removed** {r.id}" for r in diff.rationale_analysts.removed]
        lines += [f"- **moved** {m.id}" for m in diff.rationale_analysts.moved]
        if diff.rationale_analysts:
            lines.append("")
        if diff.rationale:
            lines += [
                "| Analyst | Evidence | Hypothesis | Old | New |",
                "|---|---|---|---|---|",
            ]
            lines += [_note_row(diff, n) for n in diff.rationale]
            lines.append("")
    if diff.resolution:
        lines += ["### Resolution", ""]
        lines += [
            f"- **{f.key}**: {code(_value(f.old))} → {code(_value(f.new))}" for f in diff.resolution
        ]
        lines.append("")
    return lines


def _note_row(diff: MatrixDiff, note: NoteChange) -> str:
    evidence = escape(diff.title("evidence", note.evidence))
    hypothesis = escape(diff.title("hypotheses", note.hypothesis))
    return (
        f"| {escape(note.analyst)} | {note.evidence} {evidence} | {note.hypothesis} {hypothesis} "
        f"| {escape(_note(note.old))} | {escape(_note(note.new))} |"
    )


def _conclusion_lines(diff: MatrixDiff, style: Style) -> list[str]:
    conclusion = diff.conclusion
    if conclusion is None:
        return []
    titles = {s.id: s.title for s in conclusion.hypotheses}
    method = conclusion.method
    lines = [style(f"Conclusion under {method}", bold=True)]
    headline = one_line(conclusion.headline(titles))
    if conclusion.leader_changed:
        lines.append("  " + style(headline, fg="magenta", bold=True))
    else:
        lines.append(f"  {headline}")
    rows = [("rank", "id", "score", "hypothesis")]
    for s in conclusion.hypotheses:
        rank = (
            _rank(s.old_rank)
            if s.old_rank == s.new_rank
            else (f"{_rank(s.old_rank)} -> {_rank(s.new_rank)}")
        )
        old_score, new_score = _score(method, s.old_score), _score(method, s.new_score)
        score = old_score if old_score == new_score else f"{old_score} -> {new_score}"
        rows.append((rank, s.id, score, one_line(s.title)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for index, row in enumerate(rows):
        text = "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        text += "  " + row[3]
        changed = index and (" -> " in row[0] or " -> " in row[2])
        lines.append(style(text, bold=True) if changed else text)
    return lines


def render_text(diff: MatrixDiff, old_name: str, new_name: str, color: bool = False) -> str:
    """The report ``achbench diff`` prints by default."""
    style: Style = click.style if color else _plain
    lines = [style(one_line(f"achbench diff {old_name} {new_name}"), bold=True)]
    if diff.same:
        lines.append("No differences: the two files hold the same matrix.")
        return "\n".join(lines) + "\n"
    lines.append(summary(diff))
    for change in diff.fields:
        lines.append("")
        lines += _field_lines(style(change.key.capitalize(), bold=True), change, style, "  ", True)
    for kind in KINDS:
        if diff.tables[kind]:
            lines.append("")
            lines += _table_lines(diff, kind, diff.tables[kind], style)
    if diff.analysts:
        lines.append("")
        lines += _analyst_lines(diff, style)
    if diff.ratings:
        lines.append("")
        lines += _rating_lines(diff, style)
    if diff.rationale_analysts or diff.rationale:
        lines.append("")
        lines += _rationale_lines(diff, style)
    if diff.resolution:
        lines.append("")
        lines += _resolution_lines(diff, style)
    if diff.conclusion is not None:
        lines.append("")
        lines += _conclusion_lines(diff, style)
    return "\n".join(lines) + "\n"


# --- Markdown -----------------------------------------------------------------------------


def render_markdown(diff: MatrixDiff, old_name: str, new_name: str) -> str:
    """The report as Markdown, for a pull request or a mail."""
    lines = [f"## achbench diff: {code(old_name)} → {code(new_name)}", ""]
    if diff.same:
        lines.append("No differences: the two files hold the same matrix.")
        return "\n".join(lines) + "\n"
    lines += [summary(diff), ""]
    if diff.conclusion is not None:
        titles = {s.id: s.title for s in diff.conclusion.hypotheses}
        headline = diff.conclusion.headline(titles)
        headline = escape(headline)
        lines += [f"**{headline}**" if diff.conclusion.leader_changed else headline, ""]
    for change in diff.fields:
        lines.append(f"- **{change.key}**: {code(_value(change.old))} → {code(_value(change.new))}")
    if diff.fields:
        lines.append("")
    for kind in KINDS:
        table = diff.tables[kind]
        if not table:
            continue
        lines += [f"### {KIND_NAMES[kind][0]}", ""]
        for added in table.added:
            lines.append(f"- **added** {added.id}: {escape(_item_label(kind, added.value))}")
        for removed in table.removed:
            lines.append(f"- **removed** {removed.id}: {escape(_item_label(kind, removed.value))}")
        for changed in table.changed:
            for f in changed.fields:
                verb = "retitled" if f.key == "title" else f"{f.key} changed"
                lines.append(
                    f"- **{verb}** {changed.id}: {code(_value(f.old))} → {code(_value(f.new))}"
                )
        for moved in table.moved:
            where = f"after {moved.after}" if moved.after else "first"
            lines.append(
                f"- **moved** {moved.id}: position {moved.old_position} → "
                f"{moved.new_position} ({where})"
            )
        lines.append("")
    if diff.analysts:
        lines += ["### Analysts", ""]
        lines += [f"- **added** {a.id}" for a in diff.analysts.added]
        lines += [f"- **removed** {r.id}" for r in diff.analysts.removed]
        lines += [f"- **moved** {m.id}" for m in diff.analysts.moved]
        lines.append("")
    if diff.ratings:
        lines += [
            f"### Ratings ({plural(len(diff.ratings), 'cell', 'cells')} changed)",
            "",
            "| Analyst | Evidence | Hypothesis | Old | New |",
            "|---|---|---|---|---|",
        ]
        for c in diff.ratings:
            evidence = escape(diff.title("evidence", c.evidence))
            hypothesis = escape(diff.title("hypotheses", c.hypothesis))
            lines.append(
                f"| {escape(c.analyst)} | {c.evidence} {evidence} "
                f"| {c.hypothesis} {hypothesis} | {_code(c.old)} | {_code(c.new)} |"
            )
        lines.append("")
    lines += _addition_markdown(diff)
    if diff.conclusion is not None:
        method = diff.conclusion.method
        lines += [
            f"### Conclusion under {method}",
            "",
            "| Id | Hypothesis | Rank before | Rank after | Score before | Score after |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for s in diff.conclusion.hypotheses:
            lines.append(
                f"| {s.id} | {escape(s.title)} | {_rank(s.old_rank)} | {_rank(s.new_rank)} "
                f"| {_score(method, s.old_score)} | {_score(method, s.new_score)} |"
            )
        lines.append("")
    return "\n".join(lines)

"""A quality overview as markdown, or as an HTML section and page (no dependencies)."""

from __future__ import annotations

import re

from olistctl.quality.overview import (
    QualityOverview,
    finding_text,
    sample_lines,
    stage_word,
    summary_lines,
    verdict_word,
)
from olistctl.report.page import document, esc, table


def _cell(text: str) -> str:
    # A line ending (CommonMark's: LF, CR or CRLF) inside a value would end the row.
    return re.sub(r"\r\n?|\n", " ", text.replace("|", "\\|"))


def code_span(value: str) -> str:
    """``value`` as a Markdown code span whose text is exactly ``value``.

    CommonMark 0.31.2, section 6.1 "Code spans" (spec.commonmark.org/0.31.2/#code-spans):
    a span ends at the next backtick string as long as the one that opened it, so the
    fence is one backtick longer than the longest run inside; and one space is stripped
    from each end when both ends have one (unless all are spaces), so a value starting or
    ending with a backtick (which would join the fence) or with a space at both ends is
    padded with one space each side.
    """
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    if (
        value[:1] == "`"
        or value[-1:] == "`"
        or (value[:1] == value[-1:] == " " and value.strip(" "))
    ):
        value = f" {value} "
    return f"{fence}{value}{fence}"


def _text(value: str) -> str:
    """Plain text that Markdown shows as written: a backslash or a backtick in a value (an
    odd order status, say) would start an escape or a code span (CommonMark 2.4: any ASCII
    punctuation may be backslash-escaped), and ``<`` an HTML tag (6.6)."""
    return re.sub(r"([\\`<])", r"\\\1", value)


def quality_markdown(overview: QualityOverview, *, verbose: bool) -> str:
    lines = ["# Data quality", ""]
    lines += [line + "  " for line in summary_lines(overview, verbose=verbose)]
    entries = overview.shown(verbose)
    if not entries:
        return "\n".join([*lines, ""]) + "\n"
    stage = overview.stages_differ()
    columns = ["table", "severity", "check", "rows", *(["stage"] if stage else []), "finding"]
    lines += ["", "| " + " | ".join(columns) + " |"]
    lines.append("|" + "|".join("---:" if c == "rows" else "---" for c in columns) + "|")
    for e in entries:
        f = e.finding
        text = _text(finding_text(e, verbose=verbose))
        samples = sample_lines(e)
        if samples:
            text += " (e.g. " + "; ".join(code_span(s) for s in samples) + ")"
        cells = [code_span(f.table), f.severity, f.check, f"{f.count:,}"]
        cells += [stage_word(e)] if stage else []
        cells.append(text)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def quality_section(overview: QualityOverview, *, verbose: bool, heading: str = "h2") -> str:
    """The verdict and the findings table, as a piece of a page."""
    lines = summary_lines(overview, verbose=verbose)
    word = verdict_word(overview)
    out = [
        f'<{heading} id="quality">Data quality <span class="verdict {word}">{word}</span>'
        f"</{heading}>"
    ]
    out += [f'<p class="lead">{esc(line)}</p>' for line in lines]
    entries = overview.shown(verbose)
    if not entries:
        return "\n".join(out)
    stage = overview.stages_differ()
    columns = ["table", "severity", "check", "rows", *(["stage"] if stage else []), "finding"]
    rows = []
    for e in entries:
        f = e.finding
        text = esc(finding_text(e, verbose=verbose))
        samples = sample_lines(e)
        if samples:
            items = "".join(f'<li class="key">{esc(s)}</li>' for s in samples)
            text += f'<ul class="samples">{items}</ul>'
        row = [
            f"<code>{esc(f.table)}</code>",
            f'<span class="sev-{esc(f.severity)}">{esc(f.severity)}</span>',
            esc(f.check),
            f"{f.count:,}",
        ]
        row += [esc(stage_word(e))] if stage else []
        row.append(text)
        rows.append(row)
    numeric = [c == "rows" for c in columns]
    out.append(table(columns, rows, numeric=numeric, raw_html=[True] * len(columns)))
    return "\n".join(out)


def quality_page(overview: QualityOverview, *, verbose: bool) -> str:
    return document(
        "olistctl: data quality", [quality_section(overview, verbose=verbose, heading="h1")]
    )

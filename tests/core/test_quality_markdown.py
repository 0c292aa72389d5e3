"""`report quality -o markdown`: values from the data (sample keys, odd values in a finding)
show exactly as they are, checked by rendering the Markdown with markdown-it-py (a CommonMark
parser, which rich already depends on) rather than by reading the text we wrote."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from markdown_cells import NASTY, RENDERERS, shown_cells
from olistctl.quality.overview import QualityOverview
from olistctl.quality.report import DatasetQuality, Finding, QualityReport, Sample
from olistctl.report.markdown_text import code_span
from olistctl.report.quality_doc import quality_markdown

MARKDOWN = MarkdownIt("commonmark").enable("table")  # GitHub's tables on CommonMark

VALUES = [
    "plain",
    "a`b",  # one backtick
    "a``b",  # two
    "a```b`c",  # three, and a shorter run
    "`lead",
    "trail`",
    "``both``",
    "`",
    " x ",  # CommonMark strips one space each side when both ends have one
    " lead space",
    "a  b",
    "back\\slash",
]


def _inline(text: str) -> list:
    (paragraph,) = [t for t in MARKDOWN.parse(text) if t.type == "inline"]
    return paragraph.children


@pytest.mark.parametrize("value", VALUES)
def test_a_code_span_shows_exactly_its_value(value):
    tokens = _inline(code_span(value))
    assert [(t.type, t.content) for t in tokens] == [("code_inline", value)]


def _overview(samples: list[str], found: str) -> QualityOverview:
    finding = Finding(
        severity="error",
        check="domain",
        table="olist_orders_dataset",
        column="order_status",
        expected="one of the known statuses",
        found=found,
        message="order_status: values outside the domain.",
        count=len(samples),
        samples=[Sample(key=s) for s in samples],
    )
    report = QualityReport.from_dict({"table": "olist_orders_dataset", "rows": 3})
    report.findings = [finding]
    return QualityOverview.build({"raw": DatasetQuality(tables={"olist_orders_dataset": report})})


def test_sample_keys_and_finding_text_with_backticks_render_as_written():
    samples = ["o1  deli`very", "o2  ``odd", "o3  `c`", "o4 | pipe", "o5  a\rb"]
    found = "2 values outside it, e.g. 'deli`very', '``odd', <b>, a\\`b"
    text = quality_markdown(_overview(samples, found), verbose=False)
    tokens = MARKDOWN.parse(text)
    body = next(i for i, t in enumerate(tokens) if t.type == "tbody_open")
    cells = [t.children for t in tokens[body:] if t.type == "inline"]
    assert [[(t.type, t.content) for t in cell] for cell in cells[:4]] == [
        [("code_inline", "olist_orders_dataset")],
        [("text", "error")],
        [("text", "domain")],
        [("text", "5")],
    ]
    finding = cells[4]
    # A code span shows a line ending as a space (CommonMark 6.1): the key with a CR is
    # written as plain text instead, its CR a character reference, so it shows exactly.
    assert [t.content for t in finding if t.type == "code_inline"] == samples[:4]
    plain = "".join(t.content for t in finding if t.type == "text")
    assert plain == f"order_status: {found} (e.g. ; ; ; ; o5  a\rb)"
    assert {t.type for t in finding} == {"text", "code_inline"}  # no HTML, no emphasis


_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_nasty_value_in_a_finding_and_a_sample_renders_as_itself(renderer):
    """A value as what a finding found and as a failing row's key: the finding's cell
    shows the text exactly, each key in a code span of exactly the key (or, where a code
    span cannot hold it, a line ending or nothing at all, as plain text)."""
    findings = [
        Finding(
            severity="error",
            check="domain",
            table="olist_orders_dataset",
            column="order_status",
            expected="one of the known statuses",
            found=value,
            message="order_status: values outside the domain.",
            count=i,
            samples=[Sample(key=value), Sample(key="k")],
        )
        for i, value in enumerate(NASTY)
    ]
    report = QualityReport.from_dict({"table": "olist_orders_dataset", "rows": 3})
    report.findings = findings
    overview = QualityOverview.build({"raw": DatasetQuality(tables={report.table: report})})
    text = quality_markdown(overview, verbose=False)
    cells = shown_cells(text, renderer)
    header, body = cells[:5], cells[5:]
    assert header == ["table", "severity", "check", "rows", "finding"]
    rows = [body[i : i + 5] for i in range(0, len(body), 5)]
    assert len(rows) == len(NASTY)
    for table, severity, check, count, finding in rows:
        value = NASTY[int(count.replace(",", ""))]
        assert [table, severity, check] == ["<code>olist_orders_dataset</code>", "error", "domain"]
        parts = _CODE.split(finding)  # text, code, text, code, ..., text
        assert "<" not in "".join(parts[::2]), finding  # no emphasis, link or HTML
        in_code = [html.unescape(c) for c in parts[1::2]]
        spans = value and "\n" not in value and "\r" not in value
        assert in_code == ([value, "k"] if spans else ["k"])
        shown = "".join(html.unescape(p) for p in parts)
        assert shown == f"order_status: {value} (e.g. {value}; k)"

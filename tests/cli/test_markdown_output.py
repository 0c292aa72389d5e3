"""`-o markdown` rows stay rows: checked by rendering with markdown-it-py (CommonMark with
GitHub's tables), not by reading the text we wrote."""

from __future__ import annotations

import html
import random
import re
import string
from decimal import Decimal

import pytest
from markdown_it import MarkdownIt

from markdown_cells import NASTY, RENDERERS, shown_cells
from olistctl.cli.render import to_markdown


def test_a_value_with_a_line_ending_or_a_pipe_stays_in_its_cell():
    rows = [("a\rb", 1), ("c\r\nd", 2), ("e\nf", 3), ("g|h", 4)]
    tokens = MarkdownIt("commonmark").enable("table").parse(to_markdown(["v", "n"], rows))
    cells = ["".join(c.content for c in t.children) for t in tokens if t.type == "inline"]
    # CommonMark's line endings are LF, CR and CRLF: each is written as a character
    # reference, which the cell's inline parse turns back into the character.
    assert cells == ["v", "n", "a\rb", "1", "c\r\nd", "2", "e\nf", "3", "g|h", "4"]


def test_a_value_is_shown_as_written_not_read_as_markdown():
    """A backslash before a pipe was taken for the pipe's escape (``a\\|b`` showed as
    ``a|b``), a backtick opened a code span and ``<`` raw HTML: values from the data (a
    review's text) are escaped as the quality report's are."""
    rows = [("a\\|b",), ("x`y`z",), ("<img src=x onerror=alert(1)>",), ("ends\\",)]
    html = MarkdownIt("commonmark").enable("table").render(to_markdown(["v"], rows))
    cells = [line for line in html.splitlines() if line.startswith("<td>")]
    assert cells == [
        "<td>a\\|b</td>",
        "<td>x`y`z</td>",
        "<td>&lt;img src=x onerror=alert(1)&gt;</td>",
        "<td>ends\\</td>",
    ]


def test_a_column_name_with_a_pipe_stays_one_column():
    html = MarkdownIt("commonmark").enable("table").render(to_markdown(["a|b", "c"], [(1, 2)]))
    assert [x for x in html.splitlines() if x.startswith("<th>")] == ["<th>a|b</th>", "<th>c</th>"]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_nasty_value_renders_as_exactly_itself(renderer):
    """Each value in a row and as a column name: the rendered cell's text is the value."""
    rows = [(v, i) for i, v in enumerate(NASTY)]
    shown = shown_cells(to_markdown(["v", "n"], rows), renderer)
    assert shown[2:] == [x for v, i in rows for x in (v, str(i))]
    header = shown_cells(to_markdown(NASTY, [NASTY]), renderer)
    assert header == NASTY + NASTY


def test_plain_values_are_written_as_they_were():
    """No special character, no escape: the plain output is byte for byte what it was."""
    rows = [("delivered", 96478, Decimal("99.10")), ("order_id", None, Decimal("-1.5"))]
    assert to_markdown(["order_status", "orders", "pct"], rows) == (
        "| order_status | orders | pct |\n"
        "|---|---|---|\n"
        "| delivered | 96478 | 99.10 |\n"
        "| order_id |  | -1.5 |\n"
    )


def test_query_markdown_shows_values_from_sql_as_written(cli, lake):
    """`query -o markdown` end to end: string literals that look like markup come back
    from the engine and show as written."""
    lake("crawled")
    values = NASTY
    literals = ", ".join("(" + "'" + v.replace("'", "''") + "')" for v in values)
    result = cli("query", f"SELECT v FROM (VALUES {literals}) AS t(v)", "-o", "markdown")
    assert result.exit_code == 0, result
    for renderer in RENDERERS:
        assert shown_cells(result.stdout, renderer) == ["v", *values]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_random_strings_of_markup_characters_render_as_themselves(renderer):
    """Property-style: seeded random strings over markup's characters, letters, spaces and
    line endings (the combinations NASTY does not list) each show as written."""
    rnd = random.Random(7)
    alphabets = [string.punctuation + "ab w.:/@\n\r\t\u00a0é_", "www.http:/ab_*&#;amp<>`\\|~$[]!"]
    values = [
        "".join(rnd.choice(chars) for _ in range(rnd.randint(1, 12)))
        for chars in alphabets
        for _ in range(3000)
    ]
    shown = shown_cells(to_markdown(["v"], [(v,) for v in values]), renderer)
    assert [(v, s) for v, s in zip(values, shown[1:], strict=True) if v != s] == []


def test_run_markdown_is_one_table_per_kpi_under_its_description(cli, sample_data):
    """`run -o markdown` prints three KPI tables: each its own table (a blank line and a
    heading apart; written back to back, GFM read the next table's header as rows of the
    first), under its description, with the rows `run -o json` gives."""
    import json

    from olistctl.sql.named import get_query

    result = cli("--no-progress", "run", str(sample_data), "-o", "markdown")
    assert result.exit_code == 0, result
    kpis = json.loads(cli("--no-progress", "run", str(sample_data), "-o", "json").stdout)["kpis"]
    assert len(kpis) == 3
    for renderer, render in RENDERERS.items():
        page = render(result.stdout)
        assert page.count("<table>") == len(kpis), renderer
        headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]
        assert headings == [get_query(name).description for name in kpis], renderer
        cells = []
        for rows in kpis.values():
            cells += list(rows[0])
            cells += [str(v) for row in rows for v in row.values()]
        assert shown_cells(result.stdout, renderer) == cells, renderer

"""`-o markdown` rows stay rows: checked by rendering with markdown-it-py (CommonMark with
GitHub's tables), not by reading the text we wrote."""

from __future__ import annotations

from markdown_it import MarkdownIt

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

"""`-o markdown` rows stay rows: checked by rendering with markdown-it-py (CommonMark with
GitHub's tables), not by reading the text we wrote."""

from __future__ import annotations

from markdown_it import MarkdownIt

from olistctl.cli.render import to_markdown


def test_a_value_with_a_line_ending_or_a_pipe_stays_in_its_cell():
    rows = [("a\rb", 1), ("c\r\nd", 2), ("e\nf", 3), ("g|h", 4)]
    tokens = MarkdownIt("commonmark").enable("table").parse(to_markdown(["v", "n"], rows))
    cells = [t.content for t in tokens if t.type == "inline"]
    # CommonMark's line endings are LF, CR and CRLF: each became a space.
    assert cells == ["v", "n", "a b", "1", "c d", "2", "e f", "3", "g|h", "4"]

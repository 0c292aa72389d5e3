"""Values that Markdown would read as markup, and what a table's cells render as.

The rendering is markdown-it-py's (a CommonMark parser; rich depends on it) with GitHub's
table extension, once more with GitHub's ``~~`` strikethrough on, and with GitHub's own
parser: a test asserts that each cell shows exactly its value, never what we wrote.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable

import cmarkgfm
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

_GITHUB = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES  # raw HTML kept: it shows

# Markdown -> HTML: CommonMark with GitHub's tables; with GitHub's strikethrough as well;
# and GitHub's own parser (cmark-gfm: tables, strikethrough, autolinks, tag filter, task
# lists, footnotes).
RENDERERS: dict[str, Callable[[str], str]] = {
    "commonmark+table": MarkdownIt("commonmark").enable("table").render,
    "commonmark+table+strikethrough": MarkdownIt("commonmark")
    .enable(["table", "strikethrough"])
    .render,
    "cmark-gfm": lambda text: cmarkgfm.github_flavored_markdown_to_html(text, options=_GITHUB),
}


def _punctuation() -> list[str]:
    """Every ASCII punctuation character alone, doubled, tripled, at a word's start,
    middle and end, around a word, and in a sentence."""
    out = []
    for c in string.punctuation:
        out += [c, c * 2, c * 3, c + "word", "word" + c, "wo" + c + "rd", c + "word" + c]
        out += [f"a {c}b{c} c", f"{c} x", f"x {c}", f"{c}{c}x{c}{c}"]
    return out


NASTY = [
    "",
    "plain",
    *_punctuation(),
    # HTML and entities
    "<b>x</b>",
    "<img src=x onerror=alert(1)>",
    "<!-- c -->",
    "</td>",
    "<?php x ?>",
    "<![CDATA[x]]>",
    "&amp;",
    "&lt;b&gt;",
    "&#35;",
    "&#x41;",
    "&#0;",
    "&copy",
    "&copy;",
    "AT&T",
    "R&D; x",
    "&nbsp;x",
    "&;",
    "&#;",
    "&&amp;;",
    # links, images, autolinks, footnotes
    "[a](http://e)",
    "[a]",
    "[a][b]",
    "[^1]",
    "![i](x.png)",
    "![i]",
    "[a]: http://e",
    "<http://e.com>",
    "<a@b.co>",
    "http://e.com",
    "www.e.com",
    "WWW.e.com",
    "x www.e.com/a_b",
    "https://e.com/a_b_(c)",
    "ftp://e.com",
    "mailto:a@b.co",
    "a@b.co",
    "[a](<b>)",
    # emphasis, strikethrough, math
    "*x*",
    "**x**",
    "***x***",
    "_x_",
    "__x__",
    "a*b*c",
    "a_b_c",
    "snake_case_name",
    "_private",
    "trailing_",
    "x__y",
    "x_ y_",
    "*a _b* c_",
    "~~s~~",
    "~s~",
    "$x$",
    "$$x$$",
    "R$ 10,00",
    # headings, lists, quotes, rules, code blocks: block markup, inert in a cell
    "# h",
    "## h ##",
    "---",
    "***",
    "- item",
    "1. item",
    "1) item",
    "> quote",
    "+ x",
    "    code",
    "```",
    "~~~",
    # backticks, pipes, backslashes
    "`",
    "``",
    "a`b",
    "```fence```",
    "` x `",
    "a|b",
    "|",
    "a\\|b",
    "a\\\\|b",
    "\\",
    "a\\",
    "\\\\",
    "\\n",
    "C:\\Users\\x",
    "\\*x\\*",
    "\\&amp;",
    "\\_",
    "a\\_b",
    # line endings
    "a\nb",
    "a\rb",
    "a\r\nb",
    "\n",
    "\r\n\r\n",
    "a  \nb",
    "a\\\nb",
    "a\\\rb",
    "x\n===",
    "x\n---",
    # whitespace at the ends and inside
    " x",
    "x ",
    "  ",
    " x ",
    "\tx",
    "x\t",
    "a\u00a0",
    "\u3000x",
    "a  b",
    "a\tb",
    "\u2028",
    "\u2029x",
    "x\ufeff",
    "\\ ",
    "& ",
    # unicode
    "ação",
    "日本語",
    "é_é",
    "a_é",
    "😀_x",
    "e\u0301_b",
    "£5_",
    "«a_b»",
    "a_«b»_c",
    "\u200b",
    "\x01\x7f",
    "a\x0bb",
    "\U0010fffd",
]


_CELL = re.compile(r"<t([dh])(?: [^>]*)?>(.*?)</t\1>", re.DOTALL)
# GitHub makes a bare e-mail address a link, its text unchanged; no escape can stop it.
_MAILTO = re.compile(r'<a href="mailto:[^"]*">(.*?)</a>', re.DOTALL)


def shown_cells(markdown: str, renderer: str) -> list[str]:
    """Every table cell's text as ``RENDERERS[renderer]``'s HTML shows it (header cells
    first).

    A cell holding any element (emphasis, a link, raw HTML) is returned as its HTML, which
    no value here equals; but cmark-gfm's ``mailto:`` links are taken as their text."""
    cells = []
    for _, inner in _CELL.findall(RENDERERS[renderer](markdown)):
        if renderer == "cmark-gfm":
            inner = _MAILTO.sub(r"\1", inner)
        cells.append(inner if "<" in inner else html.unescape(inner))
    return cells

"""Text in a Markdown table cell that renders as exactly the value: the one escape.

Used by every ``-o markdown`` table (cli/render.py) and by ``report quality -o markdown``
(report/quality_doc.py). It imports ``re`` only: render.py is on every command's start-up
path. The rules are CommonMark 0.31.2's (spec.commonmark.org/0.31.2) with GitHub's table
extension (github.github.com/gfm, "Tables"), where a cell holds inline content only: no
block structure (heading, list, quote, thematic break) can start inside one, so ``#``,
``>``, ``-``, ``+``, ``=`` and a digit's ``.`` or ``)`` are shown as written there.

What a cell's text escapes, and why (§ numbers are CommonMark's):

- ``\\`` before ASCII punctuation or a line ending is an escape (§2.4) and at the end a
  hard line break (§6.7): escaped unless a letter or digit follows, where it is literal.
- ````` opens a code span (§6.1); ``<`` an autolink (§6.5) or raw HTML (§6.6).
- ``*`` opens or closes emphasis anywhere, inside a word too (§6.2 rules 1, 5).
- ``_`` likewise, except inside a word: a ``_`` run with a letter or digit on both sides
  is both left- and right-flanking, and §6.2 rules 2 and 6 let such a run open or close
  emphasis only when it is preceded (to open) or followed (to close) by punctuation, so
  ``order_id`` stays as written.
- ``[`` starts a link or an image (§6.3, §6.4; ``![``); without it ``]``, ``!``, ``(`` and
  ``)`` cannot start one, so they are left alone.
- ``&`` starts an entity or numeric character reference (§2.5), escaped when a name or
  ``#`` follows (``&amp;`` in data shows as ``&amp;``); ``AT&T`` is left alone.
- ``|`` ends the cell (GFM tables): ``\\|``, which the table unescapes before the cell's
  inline parse, inside a code span too.
- GitHub adds to CommonMark (github.github.com/gfm): ``~`` strikes through and ``$``
  starts math, escaped; a bare ``http://…`` or ``www.…`` becomes a link ("Autolinks
  (extension)"), so the ``:`` of ``://`` and the ``.`` of ``www.`` are escaped, which the
  extension then does not match (any ASCII punctuation may be escaped, §2.4). A bare
  e-mail address still becomes a ``mailto:`` link there, its text unchanged: GitHub finds
  those in the text after escapes are undone, so no escape stops it.
- A line ending (LF, CR, CRLF) would end the row, and whitespace at either end of a cell
  is trimmed: they are written as numeric character references (``&#10;``), which §2.5
  turns back into the character after the table has split the row.

What cannot be written: U+0000 (CommonMark replaces it with U+FFFD, §2.3). markdown-it
also reads a reference to a C0 or C1 control other than tab, LF, FF and CR as U+FFFD
(CommonMark does not), so there a vertical tab at a cell's end shows as U+FFFD.
"""

from __future__ import annotations

import re

# Left alone: a letter or digit on both sides of a `_` run (see above).
_INTRAWORD_UNDERSCORES = re.compile(r"(?<=[^\W_])_+(?=[^\W_])")
_ESCAPED = re.compile(
    r"\\(?![^\W_])"  # a backslash not before a letter or digit
    r"|[`<*_\[|~$]"  # markup starts (the `_`s left inside words were taken out before)
    r"|&(?=#|[A-Za-z0-9]+;)"  # a character reference's start
    r"|:(?=//)|(?<=[Ww]{3})\."  # GitHub's autolinks of a bare http:// or www.
)
_LINE_ENDING = re.compile(r"\r\n|\r|\n")
# What a table may trim at a cell's ends: Unicode whitespace (CommonMark's: Zs, tab, LF, FF,
# CR) and what parsers add to it (VT; U+2028, U+2029 and U+FEFF, which JavaScript's trim
# takes).
_SPACE = "[ \t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_EDGE_SPACE = re.compile(f"\\A{_SPACE}+|{_SPACE}+\\Z")
# Most values (ids, dates, numbers, words) have none of it: they are returned as they are.
_ANY = re.compile(f"[\\\\`<*_\\[|~$&\r\n]|://|[Ww]{{3}}\\.|\\A{_SPACE}|{_SPACE}\\Z")


def _reference(chars: str) -> str:
    return "".join(f"&#{ord(c)};" for c in chars)


def cell_text(value: str) -> str:
    """``value`` as a table cell's Markdown text that renders as exactly ``value``."""
    if not _ANY.search(value):
        return value
    parts: list[str] = []
    at = 0
    for keep in _INTRAWORD_UNDERSCORES.finditer(value):
        parts.append(_ESCAPED.sub(r"\\\g<0>", value[at : keep.start()]))
        parts.append(keep.group())
        at = keep.end()
    parts.append(_ESCAPED.sub(r"\\\g<0>", value[at:]))
    out = _EDGE_SPACE.sub(lambda m: _reference(m.group()), "".join(parts))
    return _LINE_ENDING.sub(lambda m: _reference(m.group()), out)


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


def cell_code(value: str) -> str:
    """``value`` as a code span inside a table cell, rendering as exactly ``value``.

    A pipe is escaped as in any cell (GFM unescapes it before the span is read). A code
    span shows a line ending as a space (§6.1) and ``` `` ``` is no span at all, so a
    value with a line ending, or an empty one, is written as plain cell text instead.
    """
    if not value or _LINE_ENDING.search(value):
        return cell_text(value)
    return code_span(value).replace("|", "\\|")

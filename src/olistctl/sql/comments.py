"""Trino's comments are whitespace: the SQL text with each comment blanked out.

Trino's lexer sends both kinds of comment to the hidden channel, as it does whitespace
(trinodb/trino, core/trino-grammar/src/main/antlr4/io/trino/grammar/sql/SqlBase.g4):

    SIMPLE_COMMENT: '--' ~[\\r\\n]* '\\r'? '\\n'? -> channel(HIDDEN);
    BRACKETED_COMMENT: '/*' .*? '*/' -> channel(HIDDEN);

so a comment may stand wherever a space may, between the words of ``ORDER BY`` too.
sqlglot's tokenizer reads its two-word keywords (``ORDER BY``, ``GROUP BY``, ``PARTITION
BY``, ``GROUPING SETS``, ``DOUBLE PRECISION``) only across spaces, and made a comment
after the closing ``;`` a statement of its own: so the text is blanked before sqlglot
reads it.

``.*?`` is not greedy: a bracketed comment ends at the first ``*/`` (comments do not
nest), and a ``/*`` with no ``*/`` after it is no comment (it stays, for the tokenizer to
fail). Quoted text is skipped whole, as the lexer reads it: STRING ``'…'`` (also after
``U&`` and ``X``) and QUOTED_IDENTIFIER ``"…"``, each doubling its quote inside, and
BACKQUOTED_IDENTIFIER ``\\`…\\```.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

Kind = Literal["code", "quoted", "comment"]

_QUOTES = "'\"`"


def segments(sql: str) -> Iterator[tuple[Kind, int, int]]:
    """``sql`` cut into code, quoted text and comments: ``(kind, start, end)``, in order."""
    start = i = 0
    n = len(sql)
    while i < n:
        if sql[i] in _QUOTES:
            kind: Kind = "quoted"
            end = _quoted_end(sql, i)
        elif sql.startswith("--", i):
            kind, end = "comment", _line_end(sql, i)
        elif sql.startswith("/*", i) and (close := sql.find("*/", i + 2)) >= 0:
            kind, end = "comment", close + 2
        else:
            i += 1
            continue
        if start < i:
            yield "code", start, i
        yield kind, i, end
        start = i = end
    if start < n:
        yield "code", start, n


def blank_comments(sql: str) -> str:
    """``sql`` with each comment's characters made spaces but its line breaks kept, so every
    other character keeps its place (its offset, line and column)."""
    return "".join(
        _blank(sql[start:end]) if kind == "comment" else sql[start:end]
        for kind, start, end in segments(sql)
    )


def _blank(comment: str) -> str:
    return "".join(c if c in "\r\n" else " " for c in comment)


def _quoted_end(sql: str, i: int) -> int:
    """Where the quoted text opening at ``i`` ends (a doubled quote is the quote itself);
    the end of ``sql`` when it is not closed."""
    quote = sql[i]
    at = i + 1
    while (at := sql.find(quote, at)) >= 0:
        if not sql.startswith(quote, at + 1):
            return at + 1
        at += 2
    return len(sql)


def _line_end(sql: str, i: int) -> int:
    """Where the ``--`` comment at ``i`` ends: before its line break (``~[\\r\\n]*``)."""
    ends = [at for at in (sql.find("\n", i), sql.find("\r", i)) if at >= 0]
    return min(ends) if ends else len(sql)

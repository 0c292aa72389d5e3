"""``U&'…'`` strings read as Trino's parser reads them (``AstBuilder.decodeUnicodeLiteral``).

An escape is the escape character (``\\``, or the one ``UESCAPE`` names) followed by 4 hex
digits, ``+`` and 6 hex digits, or the escape character itself. Trino fails the query on
anything else: a short sequence, a surrogate, a code point past U+10FFFF, a bad escape
character (``TestSqlParser.testUnicodeString``). sqlglot's DuckDB translation kept a short
sequence as text (``U&'\\004'`` was ``'\\004'``), joined two surrogate escapes into one
character and crashed past U+10FFFF; the local engine now decodes the text itself.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql.rewrite import Rewriter

_HEX = frozenset("0123456789abcdefABCDEF")
_HINT = (
    "Athena fails on it too; write each escape as \\XXXX (4 hex digits), \\+XXXXXX (6)"
    " or \\\\ for the escape character itself"
)


def _escape_character(node: exp.UnicodeString) -> str:
    escape = node.args.get("escape")
    if not isinstance(escape, exp.Literal):
        return "\\"
    text = escape.name
    if not text:
        raise ValueError("Empty Unicode escape character")
    valid = len(text) == 1 and 0x20 < ord(text) < 0x7F and text not in _HEX and text not in "\"+'"
    if not valid:
        raise ValueError(f"Invalid Unicode escape character: {text}")
    return text


def decode(text: str, escape: str) -> str:
    """The text Trino makes of a ``U&`` literal's content (its quotes already undoubled)."""
    out: list[str] = []
    digits = ""
    needed = 0  # hex digits the current escape still takes; -1: just after the escape char
    for ch in text:
        if needed == 0:
            if ch == escape:
                needed = -1
            else:
                out.append(ch)
        elif needed == -1:
            if ch == escape:
                out.append(ch)
                needed = 0
            elif ch == "+":
                needed = 6
            elif ch in _HEX:
                digits, needed = ch, 4
            else:
                raise ValueError(f"Invalid hexadecimal digit: {ch}")
        else:
            if ch not in _HEX:
                raise ValueError(f"Incomplete escape sequence: {digits}")
            digits += ch
            if len(digits) == needed:
                code = int(digits, 16)
                if code > 0x10FFFF:
                    raise ValueError(f"Invalid escaped character: {digits}")
                if 0xD800 <= code <= 0xDFFF:
                    raise ValueError(
                        f"Invalid escaped character: {digits}. Escaped character is a surrogate."
                        " Use '\\+123456' instead."
                    )
                out.append(chr(code))
                digits, needed = "", 0
    if needed:
        raise ValueError(f"Incomplete escape sequence: {digits}")
    return "".join(out)


def unicode_string(node: exp.UnicodeString, rw: Rewriter) -> exp.Expr:
    try:
        text = decode(node.name, _escape_character(node))
    except ValueError as problem:
        rw.refuse(node, str(problem), hint=_HINT)
    return exp.Literal.string(text)

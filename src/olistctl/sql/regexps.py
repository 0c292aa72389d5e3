r"""Trino's regexp_like, regexp_extract and regexp_replace, and what a pattern's structure
says about their answers.

Trino (Joni, Java syntax) and DuckDB (RE2) read the common patterns alike, but differ in
what they answer around them (AbstractTestRegexpFunctions):

- regexp_extract gives NULL when nothing matches, and for a group that took no part in
  the match (``regexp_extract('rat', 'ra(.)|blah(.)(.)', 2)``); DuckDB gives '' for both.
  A group that is not given, or past the pattern's groups, fails in Trino.
- regexp_replace reads ``$`` and as many digits as still name a group (``$01`` is group
  1 in ``(x)``, ``$05`` is group 0 and a '5'); ``$`` before anything else fails. DuckDB
  (RE2) writes ``\1`` and reads one digit.
- regexp_replace also replaces the empty match right after a match
  (``regexp_replace('x', '.*', 'y')`` is 'yy'); RE2 skips it.
- ``$`` also matches before a newline that ends the text: Trino compiles every pattern
  with Joni's ``Syntax.Java`` (trinodb/trino ``operator/scalar/JoniRegexpCasts.java``),
  whose options hold ``Option.SINGLELINE`` (jruby/joni ``src/org/joni/Syntax.java``),
  under which ``$`` is the ``SEMI_END_BUF`` anchor (``src/org/joni/Lexer.java``): the end
  of the text, or a final ``\n`` (only ``\n`` is a newline there), as Java's own ``$``
  and ``\Z``. RE2's ``$`` is the end only. So ``regexp_like('abc' || chr(10), 'c$')`` is
  true on Athena. Where every ``$`` ends its match, regexp_like also tries the text
  without its final newline; elsewhere, and for regexp_extract and regexp_replace, whose
  matched text would differ, a text ending in a newline stops the query.
- Joni's Java syntax holds ``OP2_CCLASS_SET_OP`` (jruby/joni ``Syntax.java``): a ``[``
  inside a class opens a class within it and ``&&`` intersects (``Lexer.java``,
  ``fetchTokenInCCFor_posixBracket``, ``fetchTokenInCCFor_and``), so ``[a-z&&[^b]]`` is
  a to z but b; RE2 reads the characters ``[`` and ``&``. Such a pattern is refused.
- Trino passes no ``ASCII_RANGE`` option, so Joni reads ``\w``, ``\b``, ``\s``, ``\d``
  and the POSIX brackets by Unicode rules (``Lexer.java``: ``isAsciiRange(env.option)``):
  'ó' is a word character; RE2's are ASCII. A text holding a character these could read
  differently (outside ASCII; for ``\s`` a vertical tab or a Unicode space; for ``\d``
  a digit other than 0-9) stops the query.

The structure is read with Python's own parser, which reads these forms as Java does.
``\p{…}`` classes, which it does not know, are read as one character. A pattern it
cannot read has no shape (None), and what depends on the shape is refused.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

# Python's regular expression parser: its tree tells the groups and widths. A private
# module of the standard library, present in every version the project supports.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import duck, runtime_error, string
from olistctl.sql.rewrite import BACKEND_HINT, Rewriter, integer_literal
from olistctl.sql.strings import no_extra_args, require_string

_UNICODE_CLASS = re.compile(r"\\[pP](\{[^}]*\}|[A-Za-z])")

# Characters that Joni's Unicode classes may read otherwise than RE2's ASCII ones, by what
# the pattern uses: "w" for \w \b (and the capitals) and the POSIX brackets ([[:alpha:]]).
_UNICODE_READ = {
    "w": r"[^\x00-\x7F]",
    "s": r"[\x0B\x{85}]|[^\P{Z} ]",  # White_Space beyond RE2's [\t\n\f\r ]
    "d": r"[^\P{Nd}0-9]",
}
# A pattern from a column: any of those escapes, or a POSIX bracket, may be in it.
_UNICODE_CLASS_ESCAPE = r"\\[wWbBsSdD]|\[:"


@dataclass(frozen=True)
class Group:
    optional: bool  # may take no part in a match (in an alternative, or repeated 0 times)
    may_be_empty: bool  # may match the empty string
    repeated: bool  # inside a repetition: which round's text it holds differs by engine


@dataclass(frozen=True)
class Shape:
    groups: dict[int, Group]
    matches_empty_and_more: bool  # both '' and a non-empty text can match

    @property
    def group_count(self) -> int:
        return len(self.groups)


def shape(pattern: str) -> Shape | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's FutureWarning on '[[' and the like
            tree = sre_parse.parse(_UNICODE_CLASS.sub("a", pattern))
    except (re.error, RecursionError, OverflowError):
        return None
    groups: dict[int, Group] = {}
    _walk(tree, False, False, groups)
    if len(groups) != tree.state.groups - 1:
        return None  # a group the walk did not see: do not guess
    low, high = tree.getwidth()
    return Shape(groups=groups, matches_empty_and_more=low == 0 and high > 0)


def end_anchors(pattern: str) -> str:
    """Where the pattern's ``$`` anchors are: "none"; "terminal" when each one ends every
    match it takes part in (last in its alternative, outside repetitions and lookarounds,
    no ``m`` flag), so that Trino's ``$`` before a final newline is RE2's ``$`` on the text
    without that newline; "other" (elsewhere, or a pattern this parser cannot read)."""
    if "$" not in pattern:
        return "none"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = sre_parse.parse(_UNICODE_CLASS.sub("a", pattern))
    except (re.error, RecursionError, OverflowError):
        return "other"
    found: set[str] = set()
    if tree.state.flags & re.MULTILINE:
        found.add("other")
    _anchors(tree, True, found)
    if not found:
        return "none"
    return "terminal" if found == {"terminal"} else "other"


def _anchors(items: Any, terminal: bool, found: set[str]) -> None:
    last = len(items) - 1
    for i, (op, av) in enumerate(items):
        ends = terminal and i == last  # nothing of the pattern can follow this item
        if op is sre.AT:
            if av is sre.AT_END:
                found.add("terminal" if ends else "other")
            elif av in (sre.AT_END_STRING, sre.AT_END_LINE):
                found.add("other")
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, inner = av
            if (add_flags | del_flags) & re.MULTILINE:
                found.add("other")
            _anchors(inner, ends, found)
        elif op is sre.ATOMIC_GROUP:
            _anchors(av, ends, found)
        elif op is sre.BRANCH:
            for alternative in av[1]:
                _anchors(alternative, ends, found)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            _anchors(av[2], False, found)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _anchors(av[1], False, found)
        elif op is sre.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None:
                    _anchors(branch, False, found)


def _at_a_final_newline(node: exp.Expr, name: str, value: exp.Expr, sql_type) -> exp.Expr:
    """``value``, or a stop where the text ends in a newline and the pattern may have a
    ``$`` (Trino's also matches before that newline; RE2's does not)."""
    pattern = node.expression
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        if end_anchors(pattern.name) == "none":
            return value
        condition = duck("suffix(:s, chr(10))", s=node.this.copy())
    else:
        condition = duck(
            "suffix(:s, chr(10)) AND strpos(:p, '$') > 0", s=node.this.copy(), p=pattern.copy()
        )
    return _stop_when(
        condition,
        value,
        sql_type,
        f"{name}'s text ends with a newline, before which Athena's $ also matches and the"
        " local engine's does not",
    )


def _stop_when(condition: exp.Expr, value: exp.Expr, sql_type, message: str) -> exp.Expr:
    """``value``, or a stop with ``message`` (run it on Athena) where ``condition`` holds."""
    return duck(
        "CASE WHEN :c THEN :err ELSE :v END",
        sql_type,
        c=condition,
        v=value,
        err=runtime_error(message, sql_type, hint=BACKEND_HINT),
    )


def _reading(pattern: str) -> tuple[bool, set[str]]:
    """Whether a character class of the pattern holds a class or ``&&`` (a set operation
    in Joni, characters in RE2), and which of ``_UNICODE_READ``'s classes it uses."""
    set_operation, classes = False, set()
    i, in_class, class_start = 0, False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            follower = pattern[i + 1 : i + 2]
            if follower == "Q":  # \Q...\E quotes
                end = pattern.find("\\E", i + 2)
                i = len(pattern) if end < 0 else end + 2
                continue
            if follower in ("w", "W", "b", "B"):
                classes.add("w")
            elif follower in ("s", "S", "d", "D"):
                classes.add(follower.lower())
            i += 2
            continue
        if in_class:
            close = pattern.find(":]", i + 2)
            if pattern.startswith("[:", i) and close > 0:  # a POSIX bracket
                classes.add("w")
                i = close + 2
                continue
            if c == "[" or pattern.startswith("&&", i):
                set_operation = True
            elif c == "]" and i > class_start:
                in_class = False
        elif c == "[":
            in_class = True
            class_start = i + 1 + pattern.startswith("^", i + 1)  # a first ']' is itself
        i += 1
    return set_operation, classes


def _as_athena_reads(node: exp.Expr, name: str, value: exp.Expr, sql_type, rw: Rewriter):
    """``value``, refused or stopped where Joni and RE2 read the pattern's classes apart."""
    pattern = node.expression
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        set_operation, classes = _reading(pattern.name)
        if set_operation:
            rw.refuse(
                node,
                f"{name}'s pattern has a class inside a character class, or '&&' in one,"
                " which Athena reads as a union or an intersection of classes and the local"
                " engine as the characters '[' and '&'",
                hint=f"write \\[ or \\& for the characters; {BACKEND_HINT}",
            )
        if not classes:
            return value
        condition = duck(
            "regexp_matches(:s, :chars)",
            s=node.this.copy(),
            chars=string("|".join(_UNICODE_READ[c] for c in sorted(classes))),
        )
    else:
        condition = duck(
            "regexp_matches(:p, :escape) AND regexp_matches(:s, :chars)",
            p=pattern.copy(),
            escape=string(_UNICODE_CLASS_ESCAPE),
            s=node.this.copy(),
            chars=string("|".join(_UNICODE_READ.values())),
        )
    return _stop_when(
        condition,
        value,
        sql_type,
        f"{name}'s text holds a character that Athena's \\w, \\b, \\s, \\d or"
        " [[:name:]] classes read by Unicode rules and the local engine's by ASCII ones",
    )


def _walk(items: Any, optional: bool, repeated: bool, groups: dict[int, Group]) -> None:
    for op, av in items:
        if op is sre.SUBPATTERN:
            number, _, _, inner = av
            if number is not None:
                groups[number] = Group(optional, inner.getwidth()[0] == 0, repeated)
            _walk(inner, optional, repeated, groups)
        elif op is sre.BRANCH:
            for alternative in av[1]:
                _walk(alternative, True, repeated, groups)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, inner = av
            _walk(inner, optional or low == 0, repeated or high > 1, groups)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _walk(av[1], True, repeated, groups)
        elif op is sre.ATOMIC_GROUP:
            _walk(av, optional, repeated, groups)
        elif op is sre.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None:
                    _walk(branch, True, repeated, groups)


def regexp_like(node: exp.RegexpLike, rw: Rewriter) -> exp.Expr:
    require_string(node, node.this, rw, "regexp_like")
    no_extra_args(node, rw, "regexp_like", "flag")
    pattern = node.expression
    plain = duck("regexp_matches(:s, :p)", T.BOOLEAN, s=node.this, p=pattern)
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        anchors = end_anchors(pattern.name)
        if anchors == "none":
            return _as_athena_reads(node, "regexp_like", plain, T.BOOLEAN, rw)
        if anchors == "terminal":
            # Trino's $ before a final newline is RE2's $ at the end of the text without it.
            answer = duck(
                ":plain OR (suffix(:s, chr(10)) AND"
                " regexp_matches(substring(:s, 1, length(:s) - 1), :p))",
                T.BOOLEAN,
                plain=plain,
                s=node.this.copy(),
                p=pattern.copy(),
            )
            return _as_athena_reads(node, "regexp_like", answer, T.BOOLEAN, rw)
    answer = _at_a_final_newline(node, "regexp_like", plain, T.BOOLEAN)
    return _as_athena_reads(node, "regexp_like", answer, T.BOOLEAN, rw)


def regexp_extract(node: exp.RegexpExtract, rw: Rewriter) -> exp.Expr:
    require_string(node, node.this, rw, "regexp_extract")
    no_extra_args(node, rw, "regexp_extract", "position", "occurrence", "parameters")
    pattern, group = node.expression, node.args.get("group")
    number = 0 if group is None else integer_literal(group)
    if number is None:
        rw.refuse(node, "regexp_extract needs a constant group number in the local engine")
    if number < 0:
        rw.refuse(node, "Group cannot be negative", hint="Athena fails on it too")
    call = duck(
        "regexp_extract(:s, :p, :g)",
        s=node.this.copy(),
        p=pattern.copy(),
        g=exp.Literal.number(number),
    )
    value = call
    if number > 0:
        value = _group_value(node, call, number, rw)
    # Trino returns NULL when nothing matches; DuckDB returns ''.
    extracted = duck(
        "CASE WHEN regexp_matches(:s, :p) THEN :value END",
        T.VARCHAR,
        s=node.this.copy(),
        p=pattern.copy(),
        value=value,
    )
    answer = _at_a_final_newline(node, "regexp_extract", extracted, T.VARCHAR)
    return _as_athena_reads(node, "regexp_extract", answer, T.VARCHAR, rw)


def _group_value(node: exp.RegexpExtract, call: exp.Expr, number: int, rw: Rewriter):
    """The group's text, NULL where it took no part in the match (as Trino answers)."""
    pattern = node.expression
    found = shape(pattern.name) if isinstance(pattern, exp.Literal) and pattern.is_string else None
    if found is None:
        rw.refuse(
            node,
            "regexp_extract of a group needs a constant pattern the local engine can read",
            hint=f"whether the group took part decides between NULL and ''; {BACKEND_HINT}",
        )
    if number > found.group_count:
        rw.refuse(
            node,
            f"Pattern has {found.group_count} groups. Cannot access group {number}",
            hint="Athena fails on it too",
        )
    group = found.groups[number]
    if group.repeated:
        rw.refuse(
            node,
            "regexp_extract of a group inside a repetition is not supported by the local engine",
            hint=f"which round's text the group holds differs between engines; {BACKEND_HINT}",
        )
    if not group.optional:
        return call
    if not group.may_be_empty:
        return duck("nullif(:e, '')", e=call)  # '' can only mean it took no part
    return duck(
        "CASE WHEN :e = '' THEN :err ELSE :e2 END",
        e=call,
        e2=call.copy(),
        err=runtime_error(
            f"regexp_extract's group {number} matched nothing or took no part in the match,"
            " which Athena tells apart ('' or NULL) and the local engine cannot",
            T.VARCHAR,
            hint=BACKEND_HINT,
        ),
    )


def regexp_replace(node: exp.RegexpReplace, rw: Rewriter) -> exp.Expr:
    require_string(node, node.this, rw, "regexp_replace")
    no_extra_args(node, rw, "regexp_replace", "position", "occurrence")
    replacement = node.args.get("replacement") or string("")
    if not (isinstance(replacement, exp.Literal) and replacement.is_string):
        rw.refuse(node, "regexp_replace needs a constant replacement in the local engine")
    text = replacement.name
    if "\\" in text or "${" in text:
        rw.refuse(node, "regexp_replace escapes and named groups are not supported locally")
    pattern = node.expression
    found = shape(pattern.name) if isinstance(pattern, exp.Literal) and pattern.is_string else None
    rewrite = _re2_rewrite(node, text, found, rw)
    if rewrite and (found is None or found.matches_empty_and_more):
        # Trino also replaces the empty match right after a match; RE2 skips it.
        rw.refuse(
            node,
            "regexp_replace of a pattern that can match both nothing and something is not"
            " supported by the local engine"
            if found is not None
            else "regexp_replace with a replacement needs a constant pattern the local engine"
            " can read",
            hint=f"Athena also replaces the empty match right after each match; {BACKEND_HINT}",
        )
    replaced = duck(
        "regexp_replace(:s, :p, :r, 'g')",
        T.VARCHAR,
        s=node.this.copy(),
        p=pattern.copy(),
        r=string(rewrite),
    )
    answer = _at_a_final_newline(node, "regexp_replace", replaced, T.VARCHAR)
    return _as_athena_reads(node, "regexp_replace", answer, T.VARCHAR, rw)


def _re2_rewrite(node: exp.Expr, text: str, found: Shape | None, rw: Rewriter) -> str:
    """Trino's replacement (``$n``, as many digits as still name a group) in RE2's
    spelling (``\\n``, one digit)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "$":
            out.append(text[i])
            i += 1
            continue
        i += 1
        if i == len(text) or text[i] not in "0123456789":
            rw.refuse(
                node,
                f"Illegal replacement sequence: {text}",
                hint="Athena fails on it too: a $ in regexp_replace's replacement names a group",
            )
        if found is None:
            rw.refuse(
                node,
                "regexp_replace with $n needs a constant pattern the local engine can read",
                hint=BACKEND_HINT,
            )
        number = int(text[i])
        i += 1
        if number > found.group_count:
            rw.refuse(
                node,
                f"Illegal replacement sequence: unknown group {number}",
                hint="Athena fails on it too",
            )
        while i < len(text) and text[i] in "0123456789":
            longer = number * 10 + int(text[i])
            if longer > found.group_count:
                break
            number, i = longer, i + 1
        if number > 9:
            rw.refuse(node, "regexp_replace of group 10 or above is not supported locally")
        out.append("\\" + str(number))
    return "".join(out)

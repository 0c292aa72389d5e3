"""Trino's string and array functions where DuckDB's differ.

- ``substr`` with a start of 0, or before the string's start, or a length of 0 or less,
  is '' in Trino.
- ``trim`` removes Java whitespace (tabs, newlines …) in Trino, only spaces in DuckDB.
- ``split_part`` past the last field is NULL in Trino ('' in DuckDB).
- ``a[i]`` out of bounds fails in Trino (NULL in DuckDB); ``element_at`` is NULL.
- ``concat``/``||`` is NULL when any part is (sqlglot writes ``||``) and takes only varchar.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import duck, runtime_error, string
from olistctl.sql.rewrite import BACKEND_HINT, Rewriter, Rule, integer_literal, sql_text

# Java's Character.isWhitespace, which Trino's trim() uses.
TRINO_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
)


def require_string(node: exp.Expr, arg: exp.Expr | None, rw: Rewriter, name: str):
    t = rw.type(arg)
    if arg is not None and t.is_known and not t.is_string:
        rw.refuse(
            node,
            f"Athena's {name} takes varchar, not {t} ({sql_text(arg)})",
            hint="CAST the argument to varchar",
        )


def string_function(name: str) -> Rule:
    def rule(node: exp.Expr, rw: Rewriter) -> None:
        require_string(node, node.this, rw, rw.written_name(node) or name)
        return None

    return rule


def reverse(node: exp.Reverse, rw: Rewriter) -> exp.Expr:
    """Trino reverses code points ("reverse all code points in a given string":
    SliceUtf8.reverse); DuckDB's reverse keeps grapheme clusters whole (a letter and its
    combining accent, a flag's two code points). string_split(s, '') gives code points."""
    require_string(node, node.this, rw, rw.written_name(node) or "reverse")
    return duck("array_to_string(list_reverse(string_split(:s, '')), '')", T.VARCHAR, s=node.this)


def upper(node: exp.Upper, rw: Rewriter) -> exp.Expr:
    """Trino upper-cases code point by code point with Java's Character.toUpperCase
    (TestStringFunctions.testUpper, upperByCodePoint), which keeps U+00DF (sharp s: no
    one-character uppercase in UnicodeData.txt); DuckDB writes U+1E9E. A scan of every
    code point to U+2FFFF found no other difference."""
    require_string(node, node.this, rw, rw.written_name(node) or "upper")
    return duck(
        "array_to_string(list_transform(string_split(:s, :sharp_s),"
        " lambda olistctl_part: upper(olistctl_part)), :sharp_s)",
        T.VARCHAR,
        s=node.this,
        sharp_s=string("\u00df"),
    )


def concat(node: exp.Expr, rw: Rewriter) -> None:
    parts = node.expressions if isinstance(node, exp.Concat) else [node.this, node.expression]
    if len(parts) < 2:
        # Trino's ConcatFunction refuses it (TestStringFunctions.testConcat: concat('') is
        # "There must be two or more concatenation arguments"); DuckDB gave the one value.
        rw.refuse(
            node,
            "There must be two or more concatenation arguments",
            hint="give concat() two or more values, or drop it",
        )
    if any(rw.type(part).name == "array" for part in parts):
        # Trino's || and concat() also join arrays, and an element to an array
        # (trinodb/trino docs/src/main/sphinx/functions/array.md, "Concatenation
        # operator": ARRAY[1] || ARRAY[2], ARRAY[1] || 2, 2 || ARRAY[1]); the local engine
        # has no translation of them shown to give Trino's answer (NULLs included).
        written = "||" if isinstance(node, exp.DPipe) else rw.written_name(node) or "concat"
        rw.refuse(node, f"Joining arrays with {written} is not supported by the local engine")
    for part in parts:
        require_string(node, part, rw, "|| (concat)")
    return None


def concat_ws(node: exp.ConcatWs, rw: Rewriter) -> None:
    """concat_ws(string0, string1, …): Trino's docs (docs/src/main/sphinx/functions/
    string.md) say NULL when the separator is NULL, and NULL arguments after it skipped,
    as DuckDB's concat_ws does; Trino takes only varchar there (numbers are not cast)."""
    separator, *parts = node.expressions
    if not parts:
        rw.refuse(node, "concat_ws with only a separator is not supported by the local engine")
    if len(parts) == 1 and not rw.type(parts[0]).is_known:
        # concat_ws(sep, NULL): Trino has a varchar and an array(varchar) form, whose
        # answers for a NULL differ ('' and NULL, TestConcatWsFunction.testNull and
        # testArray); which one a bare NULL picks is not shown.
        rw.refuse(
            node,
            "concat_ws of one value of unknown type is not supported by the local engine",
            hint=f"CAST it to varchar, or {BACKEND_HINT}",
        )
    if any(rw.type(part).name == "array" for part in parts):
        # concat_ws(string0, array(varchar)): DuckDB would write the array out as text.
        rw.refuse(node, "concat_ws of an array is not supported by the local engine")
    for part in (separator, *parts):
        require_string(node, part, rw, "concat_ws")
    return None


def substring(node: exp.Substring, rw: Rewriter) -> exp.Expr:
    text, start, length = node.this, node.args.get("start"), node.args.get("length")
    require_string(node, text, rw, "substr")
    if start is None:
        rw.refuse(node, "substr needs a start position")
    parts = {"s": text, "st": start}
    call = "substring(:s, :st, :n)" if length is not None else "substring(:s, :st)"
    if length is not None:
        parts["n"] = length
    literal = integer_literal(start)
    length_literal = integer_literal(length) if length is not None else 1
    if literal is not None and literal > 0 and length_literal is not None and length_literal > 0:
        return duck(call, T.VARCHAR, **parts)
    # Trino (StringFunctions.substring): start 0, a negative start before the first
    # character, or a length of 0 or less gives ''; DuckDB reads a negative length as
    # the characters before the start (substr('hello', 3, -1) is 'e' there).
    null_checks = {f"null{i}": part.copy() for i, part in enumerate(parts.values())}
    any_null = " OR ".join(f":{name} IS NULL" for name in null_checks)
    empty = ":st_a = 0 OR :st_b < -length(:s_a)" + (" OR :n_a <= 0" if length is not None else "")
    extra = {"n_a": length.copy()} if length is not None else {}
    return duck(
        f"CASE WHEN {any_null} THEN NULL WHEN {empty} THEN '' ELSE :call END",
        T.VARCHAR,
        **null_checks,
        st_a=start.copy(),
        st_b=start.copy(),
        s_a=text.copy(),
        **extra,
        call=duck(call, **parts),
    )


def trim(node: exp.Trim, rw: Rewriter) -> exp.Expr:
    require_string(node, node.this, rw, "trim")
    chars = node.expression if node.expression is not None else string(TRINO_WHITESPACE)
    position = (node.args.get("position") or "BOTH").upper()
    function = {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(position, "trim")
    return duck(f"{function}(:s, :c)", T.VARCHAR, s=node.this, c=chars)


def replace(node: exp.Replace, rw: Rewriter) -> exp.Expr | None:
    """An empty search string puts the replacement before every code point and at the end
    in Trino (StringFunctions.replace; TestStringFunctions.testReplace: replace('abc', '',
    'xx') is 'xxaxxbxxcxx', replace('', '', 'xx') is 'xx'); DuckDB's replace left the text
    as it was. string_split(s, '') gives the code points ([] for ''); each is followed by
    the replacement in a lambda, since array_to_string takes only a constant separator."""
    require_string(node, node.this, rw, "replace")
    search = node.expression
    replacement = node.args.get("replacement") or string("")
    around = duck(
        "CAST(:r AS VARCHAR) || array_to_string(list_transform(string_split(:s, ''),"
        " lambda olistctl_item: olistctl_item || :r_each), '')",
        T.VARCHAR,
        s=node.this.copy(),
        r=replacement.copy(),
        r_each=replacement.copy(),
    )
    if isinstance(search, exp.Literal) and search.is_string:
        return around if search.name == "" else None
    return duck(
        "CASE WHEN :search = '' THEN :around ELSE replace(:s, :search, :r) END",
        T.VARCHAR,
        search=search,
        around=around,
        s=node.this,
        r=replacement,
    )


def split_part(node: exp.SplitPart, rw: Rewriter) -> exp.Expr:
    require_string(node, node.this, rw, "split_part")
    delimiter, index = node.args.get("delimiter"), node.args.get("part_index")
    if delimiter is None or index is None:
        rw.refuse(node, "split_part takes three arguments")
    if isinstance(delimiter, exp.Literal) and delimiter.name == "":
        rw.refuse(node, "split_part with an empty delimiter is not supported locally")
    # A list subscript is NULL past the end, like Trino (DuckDB's split_part gives '').
    field = duck("list_extract(string_split(:s, :d), :i)", s=node.this, d=delimiter, i=index)
    literal = integer_literal(index)
    if literal is not None and literal <= 0:
        rw.refuse(node, "split_part's index must be greater than zero in Athena")
    if literal is not None and _is_text_literal(delimiter):
        return field
    # Trino answers NULL for a NULL argument before it looks at the index (no @SqlNullable
    # on splitPart's parameters); DuckDB's string_split reads a NULL delimiter as none.
    index_check = " WHEN :i <= 0 THEN :err" if literal is None else ""
    return duck(
        f"CASE WHEN :s IS NULL OR :d IS NULL OR :i IS NULL THEN NULL{index_check} ELSE :field END",
        T.VARCHAR,
        s=node.this.copy(),
        d=delimiter.copy(),
        i=index.copy(),
        err=runtime_error(
            "split_part's index must be greater than zero", T.VARCHAR, hint="Athena fails too"
        ),
        field=field,
    )


def _is_text_literal(node: exp.Expr) -> bool:
    return isinstance(node, exp.Literal) and node.is_string


def strpos(node: exp.StrPosition, rw: Rewriter) -> exp.Expr:
    require_string(node, node.this, rw, "strpos")
    if node.args.get("occurrence") is not None or node.args.get("position") is not None:
        rw.refuse(node, "strpos with an instance number is not supported by the local engine")
    return duck("strpos(:s, :sub)", T.BIGINT, s=node.this, sub=node.args["substr"])


# Trino's pad() takes a target length up to Java's Integer.MAX_VALUE.
_MAX_PAD_LENGTH = 2**31 - 1


def pad(node: exp.Pad, rw: Rewriter) -> exp.Expr:
    """lpad/rpad as Trino's StringFunctions.pad: it fails a target length outside
    [0..2147483647] and an empty padding string (TestStringFunctions.testLeftPad,
    testRightPad), where DuckDB answered '' for a negative length and cut the text with an
    empty padding string; Trino has no two-argument form (sqlglot pads with spaces)."""
    name = rw.written_name(node) or ("lpad" if node.args.get("is_left") else "rpad")
    require_string(node, node.this, rw, name)
    size, filler = node.expression, node.args.get("fill_pattern")
    if filler is None:
        rw.refuse(node, f"{name} takes a text, a target length and a padding string in Athena")
    range_message = f"Target length must be in the range [0..{_MAX_PAD_LENGTH}]"
    empty_message = "Padding string must not be empty"
    size_value = integer_literal(size)
    if size_value is not None and not 0 <= size_value <= _MAX_PAD_LENGTH:
        rw.refuse(node, f"{name}: {range_message} in Athena")
    if isinstance(filler, exp.Literal) and filler.is_string and filler.name == "":
        rw.refuse(node, f"{name}: {empty_message} in Athena")
    function = "lpad" if node.args.get("is_left") else "rpad"
    # Trino's length is a bigint (length(s) - 2 is one); DuckDB's lpad takes an INTEGER only,
    # which the range check above makes safe.
    padded = duck(
        f"{function}(:s, CAST(:n AS INTEGER), :p)", T.VARCHAR, s=node.this, n=size, p=filler
    )
    checks = []
    if size_value is None:
        checks.append((f":v < 0 OR :v > {_MAX_PAD_LENGTH}", range_message, size))
    if not isinstance(filler, exp.Literal):
        checks.append((":v = ''", empty_message, filler))
    for condition, message, argument in reversed(checks):  # Trino checks the length first
        padded = duck(
            f"CASE WHEN :s IS NULL OR :n IS NULL OR :p IS NULL THEN NULL"
            f" WHEN {condition} THEN :err ELSE :value END",
            T.VARCHAR,
            s=node.this.copy(),
            n=size.copy(),
            p=filler.copy(),
            v=argument.copy(),
            err=runtime_error(f"{name}: {message}", T.VARCHAR, hint="Athena fails too"),
            value=padded,
        )
    return padded


def levenshtein_distance(node: exp.Levenshtein, rw: Rewriter) -> exp.Expr:
    """Trino fails when the longer text's code points times the shorter's, less one, pass
    1,000,000 (StringFunctions.levenshteinDistance; TestStringFunctions
    .testLevenshteinDistance: two texts of 1001 'x' fail); DuckDB answered them."""
    name = rw.written_name(node) or "levenshtein_distance"
    for argument in (node.this, node.expression):
        require_string(node, argument, rw, name)
    if any(
        node.args.get(extra) is not None
        for extra in node.arg_types
        if extra not in ("this", "expression")
    ):
        rw.refuse(node, f"{name} takes two texts in Athena")
    too_large = runtime_error(
        "The combined inputs for Levenshtein distance are too large",
        T.BIGINT,
        hint="Athena fails too",
    )
    return duck(
        "CASE WHEN least(length(:a), length(:b)) > 0"
        " AND greatest(length(:a), length(:b)) * (least(length(:a), length(:b)) - 1) > 1000000"
        " THEN :err ELSE levenshtein(:a, :b) END",
        T.BIGINT,
        a=node.this,
        b=node.expression,
        err=too_large,
    )


def no_extra_args(node: exp.Expr, rw: Rewriter, name: str, *args: str) -> None:
    if any(node.args.get(a) is not None for a in args):
        rw.refuse(node, f"This form of {name} is not supported by the local engine")


def split(node: exp.Split, rw: Rewriter) -> exp.Expr:
    """Trino's split fails an empty delimiter (TestStringFunctions.testSplit: "The delimiter
    may not be the empty string") and is NULL for a NULL one (no @SqlNullable on its
    parameters); DuckDB's string_split gave the code points, and the whole text."""
    require_string(node, node.this, rw, "split")
    no_extra_args(node, rw, "split", "limit")
    delimiter, result = node.expression, T.array(T.VARCHAR)
    empty_message = "The delimiter may not be the empty string"
    if _is_text_literal(delimiter):
        if delimiter.name == "":
            rw.refuse(node, f"split: {empty_message} in Athena")
        return duck("string_split(:s, :d)", result, s=node.this, d=delimiter)
    return duck(
        "CASE WHEN :d IS NULL THEN NULL WHEN :d = '' THEN :err ELSE string_split(:s, :d) END",
        result,
        s=node.this,
        d=delimiter,
        err=runtime_error(f"split: {empty_message}", result, hint="Athena fails too"),
    )


def array_join(node: exp.ArrayToString, rw: Rewriter) -> exp.Expr:
    no_extra_args(node, rw, "array_join", "null")
    element = rw.type(node.this).element
    array = node.this
    if element is not None and element.name in ("array", "map", "row", "json", "varbinary"):
        # Trino's TestArrayOperators.testArrayJoin fails arrays of arrays, maps and rows;
        # DuckDB wrote them out as text ('[1]-[2]'). JSON elements print unquoted in Trino.
        rw.refuse(node, f"array_join of {element} elements is not supported by the local engine")
    if element is not None and element.is_timestamp:
        # Each timestamp as CAST(x AS varchar) prints it (testArrayJoin: '2020-05-10
        # 12:34:56.123456789'), with its fractional digits; DuckDB dropped '.000'.
        from olistctl.sql.casts import timestamp_text

        item = exp.column("olistctl_item")
        array = duck(
            "list_transform(:a, lambda olistctl_item: :text)",
            a=array,
            text=timestamp_text(item, element, rw, node),
        )
    elif element == T.DATE:
        # Each date as CAST(x AS varchar) prints it (years outside 1 to 9999 stop).
        from olistctl.sql.casts import date_text

        item = exp.column("olistctl_item")
        array = duck(
            "list_transform(:a, lambda olistctl_item: :text)", a=array, text=date_text(item)
        )
    elif element == T.DOUBLE:
        # Athena writes each double as CAST(x AS varchar) does (Java's Double.toString).
        from olistctl.sql.double_text import java_double_text

        item = exp.column("olistctl_item")
        array = duck(
            "list_transform(:a, lambda olistctl_item: :text)",
            a=array,
            text=java_double_text(item),
        )
    elif element is not None and element.is_floating:
        rw.refuse(node, "array_join of reals prints them differently in Athena")
    elif element is not None and element.is_decimal:
        # Athena writes each decimal as CAST(x AS varchar) does ('0.5', not DuckDB's '.5').
        from olistctl.sql.casts import decimal_text

        item = exp.column("olistctl_item")
        array = duck(
            "list_transform(:a, lambda olistctl_item: :text)",
            a=array,
            text=decimal_text(item, element),
        )
    # Trino joins an array of only NULLs into ''; DuckDB's array_to_string gives NULL.
    return duck(
        "CASE WHEN :whole IS NULL OR :d IS NULL THEN NULL"
        " ELSE coalesce(array_to_string(:a, :d), '') END",
        T.VARCHAR,
        whole=node.this.copy(),
        a=array,
        d=node.expression,
    )


def cardinality(node: exp.ArraySize, rw: Rewriter) -> exp.Expr:
    return duck("len(:a)", T.BIGINT, a=node.this)


def subscript(node: exp.Bracket, rw: Rewriter) -> exp.Expr:
    container = rw.type(node.this)
    if (container.is_known and container.name != "array") or len(node.expressions) != 1:
        rw.refuse(node, f"Subscripts of {container} are not supported by the local engine")
    index = node.expressions[0]
    if not node.args.get("offset") and isinstance(index, exp.Literal) and index.is_int:
        # sqlglot stores a literal subscript 0-based (a[3] holds 2); Athena's are 1-based.
        index = exp.Literal.number(int(index.name) + 1)
    result = rw.type(node)
    # list_extract spells the 1-based index explicitly, out of sqlglot's offset handling.
    element = duck("list_extract(:a, :i)", result, a=node.this.copy(), i=index.copy())
    literal = integer_literal(index)
    if node.args.get("safe"):  # element_at: NULL past either end, an error at 0
        if literal == 0:
            rw.refuse(node, "element_at's index cannot be 0 in Athena (arrays start at 1)")
        if literal is not None:
            return element
        return duck(
            "CASE WHEN :i = 0 THEN :err ELSE :e END",
            result,
            i=index,
            err=runtime_error("SQL array indices start at 1", result, hint="Athena fails too"),
            e=element,
        )
    # a[i]: Trino fails outside 1..cardinality(a).
    return duck(
        "CASE WHEN :a IS NULL OR :i IS NULL THEN NULL"
        " WHEN :i2 BETWEEN 1 AND len(:a2) THEN :e ELSE :err END",
        result,
        a=node.this,
        i=index,
        i2=index.copy(),
        a2=node.this.copy(),
        e=element,
        err=runtime_error(
            "Array subscript out of bounds",
            result,
            hint="Athena fails on it too; element_at() returns NULL instead",
        ),
    )

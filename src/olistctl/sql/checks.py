"""Type checks Athena makes before running a query, refused here rather than coerced.

DuckDB casts freely where Trino refuses: comparing a timestamp with
``'2018-01-01'``, mixing text and numbers in CASE branches, LIKE on a number.
A query Athena would reject must not get an answer locally.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import duck
from olistctl.sql.rewrite import Rewriter, sql_text
from olistctl.sql.strings import require_string
from olistctl.sql.verified import athena_name, check_verified


def _incomparable(a: T.SqlType, b: T.SqlType) -> bool:
    if not (a.is_known and b.is_known):
        return False
    kinds = [_kind(t) for t in (a, b)]
    return "string" in kinds and kinds[0] != kinds[1]


def _kind(t: T.SqlType) -> str:
    if t.is_string:
        return "string"
    if t.is_numeric:
        return "number"
    return "time" if t.is_temporal else t.name


def _check_comparable(node: exp.Expr, left: exp.Expr, right: exp.Expr, rw):
    lt, rt = rw.type(left), rw.type(right)
    if _incomparable(lt, rt):
        hint = "write typed literals (TIMESTAMP '2018-01-01 00:00:00', DATE '2018-01-01')"
        if lt.is_numeric or rt.is_numeric:
            hint = "CAST one side so both are numbers or both are varchar"
        rw.refuse(
            node,
            f"Athena cannot compare {lt} with {rt} ({sql_text(node)})",
            hint=hint,
        )


# What a comparison with NaN gives in Trino (NaN equals and orders with nothing);
# DuckDB orders NaN above every number and makes it equal to itself.
_NAN_RESULT: dict[type[exp.Expr], str] = {
    exp.EQ: "false",
    exp.NEQ: "true",
    exp.GT: "false",
    exp.GTE: "false",
    exp.LT: "false",
    exp.LTE: "false",
    exp.Between: "false",
}


def _may_be_nan(node: exp.Expr, rw: Rewriter) -> bool:
    return rw.type(node).is_floating and not isinstance(node, exp.Literal)


def _nan_aware(node: exp.Expr, operands: list[exp.Expr], rw: Rewriter):
    """``node`` with Trino's answer when an operand is NaN, or None if none can be."""
    doubles = [o for o in operands if _may_be_nan(o, rw)]
    if type(node) not in _NAN_RESULT or not doubles:
        return None
    nulls = " OR ".join(f":n{i} IS NULL" for i in range(len(operands)))
    nans = " OR ".join(f"isnan(:d{i})" for i in range(len(doubles)))
    return duck(
        f"CASE WHEN {nulls} THEN NULL WHEN {nans} THEN {_NAN_RESULT[type(node)]} ELSE :c END",
        T.BOOLEAN,
        c=node.copy(),
        **{f"n{i}": o.copy() for i, o in enumerate(operands)},
        **{f"d{i}": o.copy() for i, o in enumerate(doubles)},
    )


def compare(node: exp.Binary, rw: Rewriter) -> exp.Expr | None:
    if isinstance(node.right, (exp.Any, exp.All)):
        _quantified(node, rw)
        return None
    _check_comparable(node, node.left, node.right, rw)
    _refuse_double_arrays(node, [node.left, node.right], rw)
    return _nan_aware(node, [node.left, node.right], rw)


def _quantified(node: exp.Binary, rw: Rewriter) -> None:
    """``x <op> ANY|SOME|ALL (query)``: Trino's grammar takes only a query there
    (G4 ``comparisonQuantifier '(' query ')'``); DuckDB's also an array. Typed as the
    query's column (``type_inference``), so the comparison check above is Trino's."""
    quantified = node.right
    word = "ALL" if isinstance(quantified, exp.All) else "ANY"
    if not isinstance(quantified.this, (exp.Subquery, exp.Query)):
        rw.refuse(
            quantified,
            f"Syntax error: {word} takes a subquery in Athena, not {sql_text(quantified.this)}",
            hint="write x = ANY (SELECT …), or contains(array, x)",
        )
    _check_comparable(node, node.left, quantified, rw)
    if _may_be_nan(node.left, rw) or rw.type(quantified).is_floating:
        # NaN equals nothing in Trino and itself in DuckDB: no rewrite reaches into the query.
        rw.refuse(
            node,
            f"Comparing a double with {word} (subquery) is not supported by the local engine",
        )
    return None


def between(node: exp.Between, rw: Rewriter) -> exp.Expr | None:
    for bound in (node.args["low"], node.args["high"]):
        _check_comparable(node, node.this, bound, rw)
    return _nan_aware(node, [node.this, node.args["low"], node.args["high"]], rw)


def _refuse_double_arrays(node: exp.Expr, operands: list[exp.Expr], rw: Rewriter) -> None:
    """Arrays of doubles compare element by element with Trino's NaN rules (an array holding
    NaN equals none: ``TestInPredicate.testArrayContainingNaN``), which DuckDB's array
    comparison does not follow (it found ``ARRAY[nan()]`` equal to itself)."""
    for operand in operands:
        element = rw.type(operand).element
        if rw.type(operand).name == "array" and element is not None and element.is_floating:
            rw.refuse(
                node,
                f"Comparing arrays of {element} is not supported by the local engine"
                " (a NaN in them compares otherwise in DuckDB)",
            )


def in_(node: exp.In, rw: Rewriter) -> exp.Expr | None:
    for item in node.expressions:
        _check_comparable(node, node.this, item, rw)
    _refuse_double_arrays(node, [node.this], rw)
    if not node.expressions or not _may_be_nan(node.this, rw):
        return None
    # x IN (a, b) is x = a OR x = b, and NaN equals nothing in Trino (DoubleType's EQUAL is
    # Java's ==; TestInPredicate.testArrayContainingNaN: an array holding NaN is IN no
    # list); DuckDB finds a NaN in a list holding one. A NaN x is in no list: false, or
    # NULL where the list holds a NULL, as the ORs give.
    nulls = " OR ".join(f":i{i} IS NULL" for i in range(len(node.expressions)))
    return duck(
        f"CASE WHEN isnan(:x) THEN (CASE WHEN {nulls} THEN NULL ELSE false END) ELSE :c END",
        T.BOOLEAN,
        x=node.this.copy(),
        c=node.copy(),
        **{f"i{i}": item.copy() for i, item in enumerate(node.expressions)},
    )


def conditional(node: exp.Expr, rw: Rewriter) -> exp.Expr | None:
    """CASE/IF/COALESCE branches must share a type in Athena (DuckDB would cast to text)."""
    check_verified(node, rw)
    if isinstance(node, exp.Case):
        branches = [i.args.get("true") for i in node.args.get("ifs") or []]
        branches.append(node.args.get("default"))
    elif isinstance(node, exp.If):
        branches = [node.args.get("true"), node.args.get("false")]
    else:
        branches = [node.this, *node.expressions]
    types = [rw.type(b) for b in branches if b is not None and rw.type(b).is_known]
    if any(t.is_string for t in types) and any(not t.is_string for t in types):
        listed = ", ".join(sorted({str(t) for t in types}))
        rw.refuse(
            node,
            f"Athena cannot mix {listed} in the results of {athena_name(node, rw).upper()}",
            hint="CAST the branches to one type",
        )
    operand = node.this if isinstance(node, exp.Case) else None
    if operand is None or not _may_be_nan(operand, rw):
        return None
    # CASE x WHEN v …: the first v that equals x (Trino's functions/conditional.md), and NaN
    # equals nothing (DoubleType's EQUAL is Java's ==); DuckDB matched a NaN to a NaN.
    default = node.args.get("default")
    return duck(
        "CASE WHEN isnan(:x) THEN :d ELSE :c END",
        rw.type(node),
        x=operand.copy(),
        d=default.copy() if default is not None else exp.Null(),
        c=node.copy(),
    )


def nullif(node: exp.Nullif, rw: Rewriter) -> exp.Expr | None:
    """``nullif(a, b)`` is NULL where a equals b, else a (Trino's functions/conditional.md),
    and NaN equals nothing (DoubleType's EQUAL is Java's ==): ``nullif(nan(), nan())`` is
    NaN, where DuckDB gave NULL."""
    value = node.this
    if not _may_be_nan(value, rw):
        return None
    return duck(
        "CASE WHEN isnan(:v) THEN :v ELSE :n END", rw.type(node), v=value.copy(), n=node.copy()
    )


# The window functions Trino takes IGNORE / RESPECT NULLS on (StatementAnalyzer:
# WINDOW_VALUE_FUNCTIONS, "Cannot specify null treatment clause for … function").
_VALUE_FUNCTIONS = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)


def null_treatment(node: exp.IgnoreNulls | exp.RespectNulls, rw: Rewriter) -> None:
    """``lag(x) IGNORE NULLS OVER (…)``: DuckDB's ``lag(x IGNORE NULLS)`` skips the rows
    where x is null, as Trino's does (docs/src/main/sphinx/functions/window.md)."""
    word = "IGNORE NULLS" if isinstance(node, exp.IgnoreNulls) else "RESPECT NULLS"
    function = node.this
    if not isinstance(function, _VALUE_FUNCTIONS):
        name = athena_name(function, rw) if isinstance(function, exp.Func) else "this"
        rw.refuse(
            node,
            f"Athena takes {word} only on lead, lag, first_value, last_value and nth_value,"
            f" not on {name}()",
            hint=f"leave {word} out",
        )
    if not isinstance(node.parent, exp.Window):
        rw.refuse(node, f"{word} needs an OVER clause in Athena", hint="add OVER (ORDER BY …)")
    return None


def like(node: exp.Like, rw: Rewriter) -> None:
    require_string(node, node.this, rw, "LIKE")
    return None


def like_escape(node: exp.Escape, rw: Rewriter) -> None:
    """``x [NOT] LIKE pattern ESCAPE e``, checked as Trino checks it (trinodb/trino
    ``LikeFunctions``): the escape must be one character, and in the pattern it may
    only come before ``%``, ``_`` or itself. DuckDB answers ``'ab' LIKE 'a!b' ESCAPE '!'``
    (true) where Trino fails it, and takes an empty escape; so only a literal pattern
    and escape run locally, after the same checks."""
    if not isinstance(node.this, exp.Like):
        return None
    pattern, escape = node.this.expression, node.expression
    literal = [isinstance(e, exp.Literal) and e.is_string for e in (pattern, escape)]
    if not all(literal):
        rw.refuse(
            node,
            "LIKE … ESCAPE with a pattern or escape that is not a literal is not"
            " supported by the local engine",
        )
    char = escape.name
    if len(char) > 1:
        rw.refuse(
            node,
            f"Athena fails LIKE … ESCAPE '{char}': Escape string must be a single character",
            hint="give one character after ESCAPE",
        )
    if not char:  # Trino's constant folding may take it (trinodb/trino issue 7273)
        rw.refuse(node, "LIKE … ESCAPE '' is not supported by the local engine")
    text = pattern.name
    i = 0
    while i < len(text):
        if text[i] == char:
            if i + 1 == len(text) or text[i + 1] not in ("%", "_", char):
                rw.refuse(
                    node,
                    f"Athena fails the LIKE pattern '{text}': Escape character must be followed"
                    " by '%', '_' or the escape character itself",
                    hint="use the escape character only before %, _ or itself",
                )
            i += 1
        i += 1
    return None


def refuse_ilike(node: exp.Expr, rw: Rewriter) -> None:
    rw.refuse(node, "ILIKE does not exist in Athena", hint="use lower(x) LIKE '…'")

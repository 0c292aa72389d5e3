"""Numbers as Athena computes them: literals, integer division, decimals, rounding, aggregates.

- ``1.5`` is a DOUBLE on Athena (``types.literal_number_type``); DuckDB reads it as a
  DECIMAL(2,1), so it is written ``1.5E0`` for DuckDB.
- ``integer / integer`` truncates toward zero (DuckDB's ``//`` does; its ``/`` is a double).
- decimal division keeps ``max(s1, s2)`` digits, rounded HALF_UP (DuckDB gives a double):
  computed here on exact 128-bit integers.
- ``avg(decimal(p,s))`` is a decimal(p,s) rounded HALF_UP; ``sum(integer)`` is a bigint
  (DuckDB: double and int128); ``sum(real)`` and ``avg(real)`` are reals (DuckDB: doubles).
- ``round(decimal, n)`` keeps its scale (Trino returns decimal(p+1,s)).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import cast, duck, power_of_ten_decimal, runtime_error, tenth_power_fraction
from olistctl.sql.rewrite import (
    AGGREGATE_WRAPPERS,
    AGGREGATED,
    Rewriter,
    Rule,
    aggregate_call,
    integer_literal,
    rewrap,
    sql_text,
)
from olistctl.sql.type_inference import set_type, signed_integer_literal
from olistctl.sql.types import SqlType

_BIGINT_RANGE = range(-(2**63), 2**63)


def number_literal(node: exp.Literal, rw: Rewriter) -> exp.Expr | None:
    """A decimal-looking literal (``100.0``) as the DOUBLE Athena reads it (``100.0E0``).

    An integer literal past bigint's range is refused: Trino's parser fails it
    (TestSqlParser.testNumbers: "Invalid numeric literal: 9223372036854775808"),
    with its sign (``-9223372036854775808`` is a bigint).
    """
    text = node.name
    if not node.is_string and text.isdigit():
        parent = node.parent
        negated = isinstance(parent, exp.Neg) and parent.this is node
        written = f"-{text}" if negated else text
        if int(written) not in _BIGINT_RANGE:
            rw.refuse(
                parent if negated and parent is not None else node,
                f"Invalid numeric literal: {written}",
                hint=f"Athena fails on it too; write DECIMAL '{written}' or {written}E0 for a"
                " number past bigint",
            )
        return None
    if node.is_string or not rw.type(node).is_floating or "e" in text.lower():
        return None
    # The same digits with an exponent: DuckDB parses it as a DOUBLE, correctly rounded
    # like Java's Double.parseDouble (a CAST from its DECIMAL reading could round twice).
    return exp.Literal.number((text + "0" if text.endswith(".") else text) + "E0")


def constant(name: str, template: str) -> Rule:
    """A constant function (``infinity()``, ``nan()``) as a DuckDB DOUBLE expression."""

    def rule(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
        if node.expressions:
            rw.refuse(node, f"{name}() takes no arguments in Athena")
        return duck(template, T.DOUBLE)

    return rule


def double_predicate(name: str, duckdb_name: str) -> Rule:
    """is_nan/is_finite/is_infinite: Trino's take a double (numbers are widened to it)."""

    def rule(node: exp.Expr, rw: Rewriter) -> exp.Expr:
        args = node.expressions if isinstance(node, exp.Anonymous) else [node.this]
        if len(args) != 1:
            rw.refuse(node, f"{name}() takes one argument in Athena")
        t = rw.type(args[0])
        if t.is_known and not t.is_numeric:
            rw.refuse(node, f"Athena's {name} takes a double, not {t} ({sql_text(args[0])})")
        return duck(f"{duckdb_name}(CAST(:x AS DOUBLE))", T.BOOLEAN, x=args[0])

    return rule


def _is_null(node: exp.Expr) -> bool:
    return isinstance(node, exp.Null) or (
        isinstance(node, exp.Cast) and isinstance(node.this, exp.Null)
    )


def negate(node: exp.Neg, rw: Rewriter) -> exp.Expr | None:
    """``-x`` of an integer as Trino computes it: the type's minimum has no negation.

    Trino fails ``-(INTEGER '-2147483648')`` ("integer negation overflow",
    TestIntegerOperators.testNegation; TestBigintOperators.testNegateOverflow).
    DuckDB fails too on a column, but on a constant it widens the type and
    answers 2147483648; a subtraction from 0 never widens.
    """
    result = rw.type(node)
    if not result.is_integer:
        return None
    if signed_integer_literal(node) is not None:
        # DuckDB reads -2147483648 as -(BIGINT 2147483648); Trino's literal is an integer.
        return cast(node.copy(), result) if signed_integer_literal(node) == -(2**31) else None
    lowest = -(2 ** (_INTEGER_BITS[result.name] - 1))
    constant = integer_literal(node)
    if constant is not None and constant != -lowest:
        return None  # a constant that negates without overflow: kept, so rules can read it
    return duck(
        "CASE WHEN :x = :lowest THEN :err ELSE CAST(0 AS :t) - :y END".replace(
            ":t", T.duckdb_type_sql(result)
        ),
        result,
        x=node.this,
        y=node.this.copy(),
        lowest=exp.Literal.number(lowest),
        err=runtime_error(
            f"{result.name} negation overflow: {lowest}", result, hint="Athena fails on it too"
        ),
    )


_INTEGER_BITS = {"tinyint": 8, "smallint": 16, "integer": 32, "bigint": 64}


def _operand_types(node: exp.Binary, rw: Rewriter, symbol: str) -> tuple[SqlType, SqlType] | None:
    """The operand types of an arithmetic operator, refusing what Athena would reject."""
    left, right = rw.type(node.left), rw.type(node.right)
    if _is_null(node.left) or _is_null(node.right):
        return None  # NULL arithmetic is NULL on both engines
    for side, t in ((node.left, left), (node.right, right)):
        if t.is_known and not t.is_numeric:
            rw.refuse(
                node,
                f"Athena cannot apply '{symbol}' to {t} ({sql_text(side)})",
                hint="CAST the operand to a number first",
            )
    return left, right


def _unknown_operands(node: exp.Binary, rw: Rewriter, symbol: str) -> None:
    rw.refuse(
        node,
        f"The local engine cannot tell the types of the operands of '{symbol}' in"
        f" {sql_text(node)}, so it cannot be sure to divide the way Athena does",
        hint="CAST the operands to the intended types (e.g. CAST(x AS double))",
    )


def _unscaled(node: exp.Expr, sql_type: SqlType, exponent: int) -> exp.Expr:
    """``node * 10^exponent`` as an exact HUGEINT (exponent >= the node's scale)."""
    if sql_type.is_integer:
        as_int128 = duck("CAST(:x AS HUGEINT)", x=node)
        if exponent == 0:
            return as_int128
        return duck("(:x * CAST(:p AS HUGEINT))", x=as_int128, p=power_of_ten_decimal(exponent))
    scale = int(sql_type.scale or 0)
    widened = duck(f"CAST(:x AS DECIMAL(38, {scale}))", x=node)
    return duck("CAST(:x * :p AS HUGEINT)", x=widened, p=power_of_ten_decimal(exponent))


def exact_divide(
    left: exp.Expr, lt: SqlType, right: exp.Expr, rt: SqlType, result: SqlType
) -> exp.Expr:
    """``left / right`` as a decimal of type ``result``, rounded HALF_UP like Trino.

    The quotient is truncated one digit past the result's scale on 128-bit
    integers, then the CAST to the result type rounds that digit half away
    from zero: truncating first never turns a value below the half into one
    at or above it, so the two steps round exactly like one HALF_UP step.
    """
    scale = int(result.scale or 0)
    right_scale = int(rt.as_decimal().scale or 0)
    numerator = _unscaled(left, lt, right_scale + scale + 1)
    denominator = _unscaled(right, rt, right_scale)
    quotient = duck("CAST(:n // :d AS DECIMAL(38, 0))", n=numerator, d=denominator)
    digits = duck("(:q * :f)", q=quotient, f=tenth_power_fraction(scale + 1))
    return cast(digits, result)


def divide(node: exp.Div, rw: Rewriter) -> exp.Expr | None:
    types = _operand_types(node, rw, "/")
    if types is None:
        return None
    left, right = types
    result = rw.type(node)
    if left.is_floating or right.is_floating:
        return duck(":a / :b", result, a=node.left, b=node.right)
    if not (left.is_known and right.is_known):
        _unknown_operands(node, rw, "/")
    if left.is_integer and right.is_integer:
        return duck(":a // :b", result, a=node.left, b=node.right)
    return exact_divide(node.left, left, node.right, right, result)


def modulo(node: exp.Mod, rw: Rewriter) -> exp.Expr | None:
    types = _operand_types(node, rw, "%")
    if types is None:
        return None
    left, right = types
    result = rw.type(node)
    if not (left.is_known and right.is_known):
        _unknown_operands(node, rw, "%")
    # DuckDB's % has the dividend's sign for integers and decimals, as Trino's.
    remainder = duck(":a % :b", result, a=node.left, b=node.right)
    return cast(remainder, result) if result.is_decimal else remainder


def add_sub_mul(node: exp.Binary, rw: Rewriter) -> exp.Expr | None:
    symbol = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*"}[type(node)]
    left, right = rw.type(node.left), rw.type(node.right)
    if left.is_temporal or right.is_temporal:
        from olistctl.sql.temporal import temporal_arithmetic

        return temporal_arithmetic(node, rw)
    types = _operand_types(node, rw, symbol)
    if types is None:
        return None
    result = rw.type(node)
    if result.is_decimal and int(result.scale or 0) > T.MAX_PRECISION:
        # decimal(p1,s1) * decimal(p2,s2) has scale s1 + s2, which Trino does not cap:
        # TestDecimalOperators.testMultiply ("scale exceeds max precision").
        rw.refuse(
            node,
            f"DECIMAL scale must be in range [0, precision ({T.MAX_PRECISION})]: {result.scale}",
            hint="Athena fails on it too; CAST an operand to a decimal with fewer digits"
            " after the point",
        )
    if result.is_decimal:
        # DuckDB computes the same exact value; the CAST gives it Trino's precision.
        # Operands go to 38 digits first when the result needs more than 18: DuckDB
        # multiplies two DECIMAL(18)s in 64 bits and overflows where Trino does not.
        a, b = node.left, node.right
        if int(result.precision or 0) > 18:
            a, b = (_widened(x, t) for x, t in ((a, left), (b, right)))
        return cast(duck(f":a {symbol} :b", a=a, b=b), result)
    return None


def _widened(node: exp.Expr, sql_type: SqlType) -> exp.Expr:
    scale = int(sql_type.as_decimal().scale or 0)
    return duck(f"CAST(:x AS DECIMAL(38, {scale}))", x=node)


# Trino's bitwise_and/or/xor/not take and return a bigint (TestBitwiseFunctions), where DuckDB
# keeps its operands' type (bitwise_and(3, 8) was an integer). sqlglot reads them as operators
# and wrote them without parentheses: bitwise_and(6, 3) + 1 ran as 6 & 3 + 1, which is 4.
_BITWISE: dict[type[exp.Expr], tuple[str, str]] = {
    exp.BitwiseAnd: ("bitwise_and", "(:a & :b)"),
    exp.BitwiseOr: ("bitwise_or", "(:a | :b)"),
    exp.BitwiseXor: ("bitwise_xor", "xor(:a, :b)"),
    exp.BitwiseNot: ("bitwise_not", "(~:a)"),
}


def bitwise(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    name, template = _BITWISE[type(node)]
    operands = [node.this] if isinstance(node, exp.BitwiseNot) else [node.this, node.expression]
    for operand in operands:
        t = rw.type(operand)
        if not (t.is_integer or _is_null(operand)):
            rw.refuse(
                node,
                f"Athena's {name} takes a bigint, not {t} ({sql_text(operand)})",
                hint="Athena fails on it too; CAST the operand to bigint",
            )
    parts = {key: cast(x, T.BIGINT) for key, x in zip("ab", operands, strict=False)}
    return duck(template, T.BIGINT, **parts)


# -- rounding --------------------------------------------------------------------------------


def round_(node: exp.Round, rw: Rewriter) -> exp.Expr | None:
    arg = rw.type(node.this)
    decimals = node.args.get("decimals")
    if arg.is_decimal:
        digits = integer_literal(decimals) if decimals is not None else 0
        if digits is None:
            rw.refuse(
                node,
                "round(decimal, n) needs a constant number of digits n in the local engine",
            )
        # DuckDB rounds decimals half away from zero (Trino's HALF_UP) but narrows the type.
        if decimals is None:
            rounded = cast(duck("round(:x)", x=node.this), rw.type(node))
        else:
            rounded = cast(duck("round(:x, :n)", x=node.this, n=decimals), rw.type(node))
        if int(arg.precision or 0) - int(arg.scale or 0) + digits > 0:
            return rounded
        # Rounding at or past every integer digit: Trino answers 0 (round(DECIMAL '1234', -7),
        # TestMathFunctions.testRound), which is also the arithmetic answer only while the
        # rounded value is 0 (round(DECIMAL '9.5', -1) would be 10).
        return duck(
            "CASE WHEN :r = 0 THEN :r ELSE :err END",
            rw.type(node),
            r=rounded,
            err=runtime_error(
                "round(decimal, n) with n at or past the number's integer digits is not"
                " reproduced by the local engine when the result is not 0",
                rw.type(node),
                hint="run it on --backend aws",
            ),
        )
    if arg == T.DOUBLE:
        return _round_double(node, decimals)
    if decimals is None:
        return duck("round(:x)", rw.type(node), x=node.this)
    return duck("round(:x, :n)", rw.type(node), x=node.this, n=decimals)


def _round_double(node: exp.Round, decimals: exp.Expr | None) -> exp.Expr:
    """Trino's round(double, n): ``Math.round(x * 10^n) / 10^n``, the sign set aside.

    Trino's MathFunctions.round multiplies first, then rounds half up (Java's
    Math.round): 12.885 gives 12.89 (12.885 * 100 is exactly 1288.5). DuckDB's
    round() rounds the double's exact value, 12.884999…, to 12.88.
    """
    factor = duck("pow(10.0E0, :n)", n=decimals if decimals is not None else exp.Literal.number(0))
    # Java's Math.round of a non-negative v: half up, exactly.
    half_up = "(CASE WHEN :v - floor(:v) >= 0.5 THEN ceil(:v) ELSE floor(:v) END)"
    return duck(
        "CASE WHEN isnan(:x) OR isinf(:x) THEN :x"
        " WHEN abs(:x) * :f >= 9.223372036854775807E18 THEN :err"
        f" WHEN :x < 0 THEN -({half_up.replace(':v', ':neg')} / :f)"
        f" ELSE {half_up.replace(':v', ':pos')} / :f END",
        T.DOUBLE,
        x=node.this,
        f=factor,
        neg=duck("(-:x * :f)", x=node.this.copy(), f=factor.copy()),
        pos=duck("(:x * :f)", x=node.this.copy(), f=factor.copy()),
        err=runtime_error(
            "round() of a double beyond Java's long range is not reproduced locally",
            T.DOUBLE,
            hint="run it on --backend aws",
        ),
    )


def ceil_floor(node: exp.Expr, rw: Rewriter) -> exp.Expr | None:
    name = "ceil" if isinstance(node, exp.Ceil) else "floor"
    if node.args.get("decimals") is not None:
        rw.refuse(node, f"{rw.written_name(node) or name}() takes one argument in Athena")
    value = duck(f"{name}(:x)", x=node.this)
    result = rw.type(node)
    return cast(value, result) if result.is_known and result.is_numeric else value


def sign(node: exp.Sign, rw: Rewriter) -> exp.Expr | None:
    # DuckDB's sign() is a TINYINT; Trino's has the argument's type (decimal(1,0) for decimals).
    result = rw.type(node)
    if result.is_floating:  # sign(NaN) is NaN in Trino, 0 in DuckDB
        value = duck("CASE WHEN isnan(:x) THEN :x ELSE sign(:x) END", x=node.this)
    else:
        value = duck("sign(:x)", x=node.this)
    return cast(value, result) if result.is_known and result.is_numeric else value


def truncate(node: exp.Trunc, rw: Rewriter) -> exp.Expr | None:
    """truncate(double), truncate(decimal) and truncate(decimal, n) drop digits toward zero."""
    arg = rw.type(node.this)
    decimals = node.args.get("decimals")
    name = rw.written_name(node) or "truncate"
    if arg.is_decimal:
        if decimals is None:
            return cast(duck("trunc(:x)", x=node.this), rw.type(node))
        if integer_literal(decimals) is None:
            rw.refuse(node, f"{name}(decimal, n) needs a constant number of digits n locally")
        # DuckDB's trunc(decimal, n) drops the same digits; the CAST keeps Trino's scale.
        return cast(duck("trunc(:x, :n)", x=node.this, n=decimals), rw.type(node))
    if decimals is not None or arg != T.DOUBLE:
        what = f"{arg}, n" if decimals is not None else str(arg)
        rw.refuse(node, f"{name}({what}) is not supported by the local engine")
    return duck("trunc(:x)", rw.type(node), x=node.this)


# -- aggregates ------------------------------------------------------------------------------


def aggregate(node: exp.Expr, rw: Rewriter) -> exp.Expr | None:
    """Rules for aggregates, applied at the outermost of ``agg FILTER (…) OVER (…)``."""
    if isinstance(node.parent, AGGREGATE_WRAPPERS) and node.parent.this is node:
        return None  # handled when the enclosing FILTER / OVER node is visited
    outer, agg = aggregate_call(node)
    rule = _AGGREGATE_RULES.get(type(agg))
    if rule is None:
        from olistctl.sql.verified import check_verified

        check_verified(agg, rw)
        return None
    replacement = rule(outer, agg, rw)
    if replacement is not None and not isinstance(outer, exp.Window):
        replacement.meta[AGGREGATED] = True
    return replacement


def _sum(outer: exp.Expr, agg: exp.Sum, rw: Rewriter) -> exp.Expr | None:
    arg = rw.type(agg.this)
    if arg.is_integer:
        return cast(outer.copy(), T.BIGINT)  # DuckDB sums integers into an int128
    if arg == T.REAL:
        return cast(outer.copy(), T.REAL)  # both sum in a double; Trino returns it as a real
    return None


def _avg(outer: exp.Expr, agg: exp.Avg, rw: Rewriter) -> exp.Expr | None:
    arg = rw.type(agg.this)
    if arg == T.REAL:
        # Trino's RealAverageAggregation: (float) (sum in a double / count); DuckDB: a double.
        return cast(outer.copy(), T.REAL)
    if not arg.is_decimal:
        return None
    total = rewrap(outer, agg, exp.Sum(this=agg.this.copy()))
    count = rewrap(outer, agg, exp.Count(this=agg.this.copy()))
    sum_type = T.decimal(T.MAX_PRECISION, int(arg.scale or 0))
    set_type(total, sum_type)
    return exact_divide(total, sum_type, count, T.BIGINT, arg)


def _count_if(outer: exp.Expr, agg: exp.CountIf, rw: Rewriter) -> exp.Expr:
    # DuckDB counts into an int128, and gives NULL where no row is true or there is no row;
    # Trino's count_if is 0 there (TestCountIfAggregation: testNoPositions).
    return duck("COALESCE(:c, 0)", T.BIGINT, c=cast(outer.copy(), T.BIGINT))


def _arg_max_min(outer: exp.Expr, agg: exp.Expr, rw: Rewriter) -> exp.Expr:
    if agg.args.get("count") is not None:
        rw.refuse(agg, "max_by/min_by with a count (returning an array) is not supported locally")
    # arg_max_null keeps a NULL x from the row with the largest y, as Trino's max_by does.
    name = "arg_max_null" if isinstance(agg, exp.ArgMax) else "arg_min_null"
    call = duck(f"{name}(:x, :y)", x=agg.this.copy(), y=agg.expression.copy())
    return rewrap(outer, agg, call)


def _approx_percentile(outer: exp.Expr, agg: exp.ApproxQuantile, rw: Rewriter):
    arg = rw.type(agg.this)
    quantile = agg.args.get("quantile")
    if any(agg.args.get(k) is not None for k in ("accuracy", "weight")) or not isinstance(
        quantile, exp.Literal
    ):
        rw.refuse(
            agg,
            "approx_percentile is supported locally only as approx_percentile(x, <constant>)",
        )
    if not arg.is_numeric:
        rw.refuse(agg, f"approx_percentile of {arg} is not supported by Athena")
    value = agg.this.copy()
    if arg.is_decimal:
        value = duck("CAST(:x AS DOUBLE)", x=value)  # Trino has no decimal signature
    # DuckDB takes the quantile as a FLOAT (the literal is a DOUBLE on Athena).
    call = rewrap(
        outer, agg, duck("approx_quantile(:x, CAST(:q AS FLOAT))", x=value, q=quantile.copy())
    )
    return cast(call, rw.type(agg))


def _corr(outer: exp.Expr, agg: exp.Corr, rw: Rewriter) -> exp.Expr:
    # Trino's corr is NULL where the correlation is not a finite number (a column with no
    # variance, one row): TestDoubleCorrelationAggregation.testDivisionByZero. DuckDB: NaN.
    return duck("CASE WHEN isfinite(:c) THEN :c END", T.DOUBLE, c=outer.copy())


# (outermost node, the aggregate of the key's class, the rewriter) -> replacement or None.
AggregateRule = Callable[[exp.Expr, Any, Rewriter], exp.Expr | None]
_AGGREGATE_RULES: dict[type[exp.Expr], AggregateRule] = {
    exp.Sum: _sum,
    exp.Avg: _avg,
    exp.CountIf: _count_if,
    exp.ArgMax: _arg_max_min,
    exp.ArgMin: _arg_max_min,
    exp.ApproxQuantile: _approx_percentile,
    exp.Corr: _corr,
}

"""Numbers as Trino computes them: integer division, exact decimals, rounding, typed aggregates.

- ``integer / integer`` truncates toward zero (DuckDB's ``//`` does; its ``/`` is a double).
- decimal division keeps ``max(s1, s2)`` digits, rounded HALF_UP (DuckDB gives a double):
  computed here on exact 128-bit integers.
- ``avg(decimal(p,s))`` is a decimal(p,s) rounded HALF_UP; ``sum(integer)`` is a bigint
  (DuckDB: double and int128).
- ``round(decimal, n)`` keeps its scale (Trino returns decimal(p+1,s)).
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import cast, duck, power_of_ten_decimal, tenth_power_fraction
from olistctl.sql.infer import set_type
from olistctl.sql.rewrite import Rewriter, aggregate_call, integer_literal, rewrap, sql_text
from olistctl.sql.types import SqlType


def _is_null(node: exp.Expression) -> bool:
    return isinstance(node, exp.Null) or (
        isinstance(node, exp.Cast) and isinstance(node.this, exp.Null)
    )


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


def _unscaled(node: exp.Expression, sql_type: SqlType, exponent: int) -> exp.Expression:
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
    left: exp.Expression, lt: SqlType, right: exp.Expression, rt: SqlType, result: SqlType
) -> exp.Expression:
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


def divide(node: exp.Div, rw: Rewriter) -> exp.Expression | None:
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


def modulo(node: exp.Mod, rw: Rewriter) -> exp.Expression | None:
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


def add_sub_mul(node: exp.Binary, rw: Rewriter) -> exp.Expression | None:
    symbol = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*"}[type(node)]
    left, right = rw.type(node.left), rw.type(node.right)
    if left.is_temporal or right.is_temporal:
        from olistctl.sql.temporal import temporal_arithmetic

        return temporal_arithmetic(node, rw)
    types = _operand_types(node, rw, symbol)
    if types is None:
        return None
    result = rw.type(node)
    if result.is_decimal:
        # DuckDB computes the same exact value; the CAST gives it Trino's precision.
        return cast(duck(f":a {symbol} :b", a=node.left, b=node.right), result)
    return None


# -- rounding --------------------------------------------------------------------------------


def round_(node: exp.Round, rw: Rewriter) -> exp.Expression | None:
    arg = rw.type(node.this)
    decimals = node.args.get("decimals")
    if arg.is_decimal:
        digits = integer_literal(decimals) if decimals is not None else 0
        if digits is None:
            rw.refuse(
                node,
                "round(decimal, n) needs a constant number of digits n in the local engine",
            )
        if int(arg.precision or 0) - int(arg.scale or 0) + digits <= 0:
            # Trino returns 0 here (round(9.5, -1) = 0), where arithmetic says 10.
            rw.refuse(node, "round(decimal, n) with n past the number's integer digits")
        # DuckDB rounds decimals half away from zero (Trino's HALF_UP) but narrows the type.
        if decimals is None:
            return cast(duck("round(:x)", x=node.this), rw.type(node))
        return cast(duck("round(:x, :n)", x=node.this, n=decimals), rw.type(node))
    if decimals is None:
        return duck("round(:x)", rw.type(node), x=node.this)
    return duck("round(:x, :n)", rw.type(node), x=node.this, n=decimals)


def ceil_floor(node: exp.Expression, rw: Rewriter) -> exp.Expression | None:
    name = "ceil" if isinstance(node, exp.Ceil) else "floor"
    if node.args.get("decimals") is not None:
        rw.refuse(node, f"{name}() takes one argument in Athena")
    value = duck(f"{name}(:x)", x=node.this)
    result = rw.type(node)
    return cast(value, result) if result.is_known and result.is_numeric else value


def sign(node: exp.Sign, rw: Rewriter) -> exp.Expression | None:
    # DuckDB's sign() is a TINYINT; Trino's has the argument's type (decimal(1,0) for decimals).
    result = rw.type(node)
    value = duck("sign(:x)", x=node.this)
    return cast(value, result) if result.is_known and result.is_numeric else value


def truncate(node: exp.Trunc, rw: Rewriter) -> exp.Expression | None:
    arg = rw.type(node.this)
    if node.args.get("decimals") is not None or not arg.is_floating:
        rw.refuse(node, f"truncate() of {arg} is not supported by the local engine")
    return duck("trunc(:x)", rw.type(node), x=node.this)


# -- aggregates ------------------------------------------------------------------------------


def aggregate(node: exp.Expression, rw: Rewriter) -> exp.Expression | None:
    """Rules for aggregates, applied at the outermost of ``agg FILTER (…) OVER (…)``."""
    if isinstance(node.parent, (exp.Window, exp.Filter)) and node.parent.this is node:
        return None  # handled when the enclosing FILTER / OVER node is visited
    outer, agg = aggregate_call(node)
    rule = _AGGREGATE_RULES.get(type(agg))
    if rule is None:
        from olistctl.sql.verified import check_verified

        check_verified(agg, rw)
        return None
    return rule(outer, agg, rw)


def _sum(outer: exp.Expression, agg: exp.Sum, rw: Rewriter) -> exp.Expression | None:
    arg = rw.type(agg.this)
    if arg.is_integer:
        return cast(outer.copy(), T.BIGINT)  # DuckDB sums integers into an int128
    return None


def _avg(outer: exp.Expression, agg: exp.Avg, rw: Rewriter) -> exp.Expression | None:
    arg = rw.type(agg.this)
    if not arg.is_decimal:
        return None
    total = rewrap(outer, agg, exp.Sum(this=agg.this.copy()))
    count = rewrap(outer, agg, exp.Count(this=agg.this.copy()))
    sum_type = T.decimal(T.MAX_PRECISION, int(arg.scale or 0))
    set_type(total, sum_type)
    return exact_divide(total, sum_type, count, T.BIGINT, arg)


def _count_if(outer: exp.Expression, agg: exp.CountIf, rw: Rewriter) -> exp.Expression:
    return cast(outer.copy(), T.BIGINT)  # DuckDB counts into an int128


def _arg_max_min(outer: exp.Expression, agg: exp.Expression, rw: Rewriter) -> exp.Expression:
    if agg.args.get("count") is not None:
        rw.refuse(agg, "max_by/min_by with a count (returning an array) is not supported locally")
    # arg_max_null keeps a NULL x from the row with the largest y, as Trino's max_by does.
    name = "arg_max_null" if isinstance(agg, exp.ArgMax) else "arg_min_null"
    call = duck(f"{name}(:x, :y)", x=agg.this.copy(), y=agg.expression.copy())
    return rewrap(outer, agg, call)


def _approx_percentile(outer: exp.Expression, agg: exp.ApproxQuantile, rw: Rewriter):
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
    call = rewrap(outer, agg, duck("approx_quantile(:x, :q)", x=value, q=quantile.copy()))
    return cast(call, rw.type(agg))


_AGGREGATE_RULES = {
    exp.Sum: _sum,
    exp.Avg: _avg,
    exp.CountIf: _count_if,
    exp.ArgMax: _arg_max_min,
    exp.ArgMin: _arg_max_min,
    exp.ApproxQuantile: _approx_percentile,
}

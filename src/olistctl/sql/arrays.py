"""contains() and slice() with Trino's answers (Trino ``TestArrayOperators``).

- ``contains(a, x)`` is NULL when x is NULL, or when x is not found and a holds a NULL
  (DuckDB's list_contains says false); a NaN is equal to nothing.
- ``slice(a, start, length)`` counts a negative start from the end, gives an empty
  array when the start falls outside the array, and fails on a start of 0 or a
  negative length (DuckDB's list_slice takes an end position and reads a
  negative start differently).
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import duck, runtime_error
from olistctl.sql.rewrite import Rewriter, integer_literal


def _array_argument(node: exp.Expr, rw: Rewriter, name: str) -> T.SqlType:
    t = rw.type(node.this)
    if t.is_known and t.name != "array":
        rw.refuse(node, f"Athena's {name} takes an array, not {t}")
    return t


def _kind(t: T.SqlType) -> str:
    return "string" if t.is_string else "number" if t.is_numeric else t.name


def contains(node: exp.ArrayContains, rw: Rewriter) -> exp.Expr:
    name = rw.written_name(node) or "contains"
    element, item = _array_argument(node, rw, name).element, rw.type(node.expression)
    if element is not None and element.is_known and item.is_known and _kind(element) != _kind(item):
        rw.refuse(node, f"Athena cannot look for a {item} in an array({element}) with {name}")
    # A NaN equals nothing in Trino; DuckDB's list_contains finds it.
    floating = item.is_floating or (element is not None and element.is_floating)
    nan = " WHEN isnan(:x) THEN CASE WHEN list_count(:a) < len(:a) THEN NULL ELSE false END"
    return duck(
        "CASE WHEN :a IS NULL OR :x IS NULL THEN NULL"
        f" WHEN list_contains(:a, :x) THEN true{nan if floating else ''}"
        " WHEN list_count(:a) < len(:a) THEN NULL ELSE false END",
        T.BOOLEAN,
        a=node.this,
        x=node.expression,
    )


def slice_(node: exp.ArraySlice, rw: Rewriter) -> exp.Expr:
    name = rw.written_name(node) or "slice"
    array_type = _array_argument(node, rw, name)
    start, length = node.args.get("start"), node.args.get("end")
    if start is None or length is None or node.args.get("step") is not None:
        rw.refuse(node, f"{name} takes an array, a start and a length in Athena")
    start_value, length_value = integer_literal(start), integer_literal(length)
    if start_value == 0:
        rw.refuse(node, f"{name}'s start cannot be 0 in Athena (arrays start at 1)")
    if length_value is not None and length_value < 0:
        rw.refuse(node, f"{name}'s length must be zero or more in Athena")
    result = array_type if array_type.is_known else T.UNKNOWN
    # The 1-based position the slice starts at; outside 1..len(a) the slice is empty.
    first = "(CASE WHEN :s > 0 THEN :s ELSE len(:a) + :s + 1 END)"
    sliced = duck(
        "CASE WHEN :a IS NULL OR :s IS NULL OR :n IS NULL THEN NULL"
        f" WHEN :n = 0 OR {first} < 1 OR {first} > len(:a) THEN list_slice(:a, 1, 0)"
        f" ELSE list_slice(:a, {first}, least({first} + :n - 1, len(:a))) END",
        result,
        a=node.this,
        s=start,
        n=length,
    )
    checks = []
    if start_value is None:
        checks.append(("= 0", "SQL array indices start at 1", start))
    if length_value is None:
        checks.append(("< 0", "length must be greater than or equal to 0", length))
    for condition, message, argument in checks:
        sliced = duck(
            f"CASE WHEN :v {condition} THEN :err ELSE :value END",
            result,
            v=argument.copy(),
            err=runtime_error(f"{name}: {message}", result, hint="Athena fails on it too"),
            value=sliced,
        )
    return sliced

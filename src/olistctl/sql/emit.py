"""Building the DuckDB expressions the rewrites emit.

Rewrites are written as small DuckDB SQL templates with ``:name``
placeholders, parsed once and filled with the (already rewritten) operand
trees, so each rule reads like the SQL it produces.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from olistctl.sql.failures import ERROR_MARKER, HINT_SEPARATOR
from olistctl.sql.type_inference import set_type
from olistctl.sql.types import SqlType, duckdb_type_sql


@lru_cache(maxsize=512)
def _template(text: str) -> exp.Expr:
    tree = sqlglot.parse_one(text, read="duckdb")
    for node in tree.walk():
        # Positions in the template text must not pass for positions in the user's SQL.
        for key in ("line", "col", "start", "end"):
            node.meta.pop(key, None)
    return tree


def duck(template: str, sql_type: SqlType | None = None, **parts: exp.Expr) -> exp.Expr:
    """The DuckDB expression ``template`` with each ``:name`` replaced by ``parts[name]``.

    A name used more than once gets a copy of its part at each further use.
    """
    tree = _template(template).copy()
    used: set[str] = set()
    for placeholder in list(tree.find_all(exp.Placeholder)):
        part = parts[placeholder.name]
        part = part.copy() if placeholder.name in used else part
        placeholder.replace(operand(part, placeholder.parent))
        used.add(placeholder.name)
    if sql_type is not None:
        set_type(tree, sql_type)
    return tree


def operand(node: exp.Expr, parent: exp.Expr | None) -> exp.Expr:
    """``node`` in parentheses where it is an operation placed under an operator.

    sqlglot writes a tree as it stands, without the parentheses an operator's precedence
    needs: ``x - y`` put in ``:x * :f`` would read ``x - y * f``.
    """

    def operation(x: exp.Expr | None) -> bool:
        return isinstance(x, (exp.Binary, exp.Unary)) and not isinstance(x, exp.Paren)

    return exp.Paren(this=node) if operation(node) and operation(parent) else node


def cast(node: exp.Expr, sql_type: SqlType) -> exp.Expr:
    """``CAST(node AS <DuckDB spelling of sql_type>)``, typed."""
    return duck(f"CAST(:x AS {duckdb_type_sql(sql_type)})", sql_type, x=node)


def string(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def number(value: int | str) -> exp.Literal | exp.Neg:
    return exp.Literal.number(value)


def runtime_error(message: str, sql_type: SqlType, hint: str | None = None) -> exp.Expr:
    """An expression of ``sql_type`` that fails with ``message`` (and ``hint``) when evaluated."""
    text = string(ERROR_MARKER + message + (HINT_SEPARATOR + hint if hint else ""))
    return cast(duck("CAST(:m AS INTEGER)", m=text), sql_type)


def power_of_ten_decimal(exponent: int) -> exp.Expr:
    """10^exponent as an exact DECIMAL(38,0) (DuckDB's ``^`` would be a DOUBLE)."""
    return duck(f"CAST('1{'0' * exponent}' AS DECIMAL(38, 0))")


def tenth_power_fraction(digits: int) -> exp.Expr:
    """10^-digits as an exact decimal literal (``0.001``)."""
    return exp.Literal.number("0." + "0" * (digits - 1) + "1") if digits else number(1)

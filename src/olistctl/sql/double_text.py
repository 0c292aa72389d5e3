"""A DOUBLE as Athena prints it in text: Java's ``Double.toString``, as DuckDB SQL.

Athena engine v3 casts doubles to varchar the way Java prints them (a real run
answered ``CAST(ROUND(SUM(payment_value), 2) AS VARCHAR)`` with
``'1.600887212E7'`` and ``CAST(ROUND(AVG(payment_value), 2) AS VARCHAR)`` with
``'154.1'``): the shortest digits that read back as the same double, in plain
notation from 10^-3 up to 10^7 (with at least one digit after the point:
``'2.0'``) and as ``d.dddE<n>`` outside it; ``NaN``, ``Infinity``,
``-Infinity``, ``0.0`` and ``-0.0`` as such.

DuckDB's own text of a double has the same shortest digits (``'1e+20'``,
``'0.30000000000000004'``), so the expression below only moves the decimal
point: it takes the digits and the exponent apart with a regular expression
and writes them back in Java's layout. It is plain SQL (no user-defined
function), emitted inline wherever a double becomes text.

Subnormal doubles (below 2.2250738585072014E-308) are refused at run time:
Java picks a two-digit form for some of them (``4.9E-324``) where the
shortest is one digit.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.emit import duck, runtime_error

# DuckDB prints doubles as [-]digits[.digits][e(+|-)digits].
_DUCKDB_DOUBLE_TEXT = r"^(-?)([0-9]+)(?:[.]([0-9]*))?(?:e([-+]?[0-9]+))?$"

# s: sign; i, f: the digits before and after DuckDB's point; e: DuckDB's exponent.
# d: the significant digits; p: where the point goes (value = 0.d * 10^p).
_TEMPLATE = f"""
CASE
  WHEN :x IS NULL THEN NULL
  WHEN isnan(:x) THEN 'NaN'
  WHEN isinf(:x) THEN CASE WHEN :x > 0 THEN 'Infinity' ELSE '-Infinity' END
  WHEN :x <> 0 AND abs(:x) < 2.2250738585072014E-308 THEN :subnormal
  ELSE list_transform(
    [regexp_extract(CAST(:x AS VARCHAR), '{_DUCKDB_DOUBLE_TEXT}', ['s', 'i', 'f', 'e'])],
    lambda m: list_transform(
      [{{
        's': m.s,
        'd': rtrim(ltrim(m.i || m.f, '0'), '0'),
        'p': length(m.i) + coalesce(TRY_CAST(m.e AS INTEGER), 0)
             - (length(m.i || m.f) - length(ltrim(m.i || m.f, '0')))
      }}],
      lambda q: q.s || CASE
        WHEN q.d = '' THEN '0.0'
        WHEN q.p BETWEEN -2 AND 7 THEN CASE
          WHEN q.p <= 0 THEN '0.' || repeat('0', -q.p) || q.d
          WHEN q.p >= length(q.d) THEN q.d || repeat('0', q.p - length(q.d)) || '.0'
          ELSE substring(q.d, 1, q.p) || '.' || substring(q.d, q.p + 1)
        END
        ELSE substring(q.d, 1, 1) || '.'
          || CASE WHEN length(q.d) > 1 THEN substring(q.d, 2) ELSE '0' END
          || 'E' || CAST(q.p - 1 AS VARCHAR)
      END
    )[1]
  )[1]
END
"""


def java_double_text(value: exp.Expr) -> exp.Expr:
    """``value`` (a DOUBLE expression) as the varchar Athena prints for it."""
    subnormal = runtime_error(
        "A subnormal double (below 2.2250738585072014E-308) cannot be printed exactly"
        " as Athena prints it",
        T.VARCHAR,
        hint="run the query on --backend aws",
    )
    return duck(_TEMPLATE, T.VARCHAR, subnormal=subnormal, x=value)

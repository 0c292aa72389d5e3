"""Trino's (Athena engine v3's) data types, and the typing rules the rewrites depend on.

DuckDB and Trino agree on most values but not on the types of arithmetic:
``DECIMAL '1.0' / 3`` is a DOUBLE in DuckDB and a DECIMAL(2,1) rounded HALF_UP
in Trino. So the transpiler types every expression the way Athena would (this
module) before deciding how DuckDB must compute it.

Where Athena differs from stock Trino, Athena wins: an unqualified decimal
literal (``100.0``) is a DOUBLE on Athena engine v3 (a real run typed
``ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2)`` as ``double``; AWS's
docs list ``1.234`` as a DOUBLE literal and write decimals as
``DECIMAL '0.12'``), where stock Trino makes it a DECIMAL.

Decimal rules: https://trino.io/docs/current/functions/decimal.html (checked
against Trino's ``DecimalOperators``: the division precision there is
``p1 + s2 + max(0, s2 - s1)``).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PRECISION = 38
# Trino's default precision for a timestamp type written without one.
DEFAULT_TIMESTAMP_PRECISION = 3

INTEGER_WIDTHS = {"tinyint": 3, "smallint": 5, "integer": 10, "bigint": 19}
_INTEGER_RANK = ["tinyint", "smallint", "integer", "bigint"]


@dataclass(frozen=True)
class SqlType:
    """A Trino type: ``name`` plus precision/scale for decimals, precision for timestamps."""

    name: str
    precision: int | None = None
    scale: int | None = None
    element: SqlType | None = None  # arrays

    def __str__(self) -> str:
        if self.name == "decimal":
            return f"decimal({self.precision},{self.scale})"
        if self.name in ("timestamp", "timestamp with time zone") and self.precision is not None:
            base, _, tz = self.name.partition(" ")
            return f"{base}({self.precision})" + (f" {tz}" if tz else "")
        if self.name == "array":
            return f"array({self.element or UNKNOWN})"
        return self.name

    @property
    def is_integer(self) -> bool:
        return self.name in INTEGER_WIDTHS

    @property
    def is_decimal(self) -> bool:
        return self.name == "decimal"

    @property
    def is_exact(self) -> bool:
        """Integer or decimal: arithmetic on it is exact in Trino."""
        return self.is_integer or self.is_decimal

    @property
    def is_floating(self) -> bool:
        return self.name in ("double", "real")

    @property
    def is_numeric(self) -> bool:
        return self.is_exact or self.is_floating

    @property
    def is_string(self) -> bool:
        return self.name in ("varchar", "char")

    @property
    def is_temporal(self) -> bool:
        return self.name in ("date", "timestamp", "timestamp with time zone")

    @property
    def is_timestamp(self) -> bool:
        return self.name in ("timestamp", "timestamp with time zone")

    @property
    def is_known(self) -> bool:
        return self.name != "unknown"

    def as_decimal(self) -> SqlType:
        """An exact type seen as the decimal Trino coerces it to (integer -> decimal(10,0))."""
        if self.is_integer:
            return decimal(INTEGER_WIDTHS[self.name], 0)
        return self


UNKNOWN = SqlType("unknown")
BOOLEAN = SqlType("boolean")
INTEGER = SqlType("integer")
BIGINT = SqlType("bigint")
DOUBLE = SqlType("double")
REAL = SqlType("real")
VARCHAR = SqlType("varchar")
DATE = SqlType("date")
INTERVAL_DAY = SqlType("interval day to second")
INTERVAL_MONTH = SqlType("interval year to month")


def decimal(precision: int, scale: int) -> SqlType:
    return SqlType("decimal", min(MAX_PRECISION, max(precision, 1)), scale)


def timestamp(precision: int = DEFAULT_TIMESTAMP_PRECISION, *, with_tz: bool = False) -> SqlType:
    return SqlType("timestamp with time zone" if with_tz else "timestamp", precision)


def array(element: SqlType) -> SqlType:
    return SqlType("array", element=element)


_NAMES = {
    "string": VARCHAR,
    "varchar": VARCHAR,
    "char": SqlType("char"),
    "int": INTEGER,
    "integer": INTEGER,
    "bigint": BIGINT,
    "smallint": SqlType("smallint"),
    "tinyint": SqlType("tinyint"),
    "double": DOUBLE,
    "float": REAL,
    "real": REAL,
    "boolean": BOOLEAN,
    "date": DATE,
}


def parse_catalog_type(text: str) -> SqlType:
    """A Glue/Athena column type string (``decimal(10,2)``, ``timestamp``, ``string``)."""
    spelled = text.strip().lower()
    if spelled in _NAMES:
        return _NAMES[spelled]
    if spelled.startswith("decimal"):
        inside = spelled[len("decimal") :].strip("() ")
        parts = [int(p) for p in inside.split(",")] if inside else [MAX_PRECISION, 0]
        return decimal(parts[0], parts[1] if len(parts) > 1 else 0)
    if spelled.startswith("timestamp"):
        # Glue's ``timestamp`` reads as Athena's timestamp(3).
        return timestamp()
    if spelled.startswith(("varchar", "char(")):
        return VARCHAR
    if spelled.startswith("array<") and spelled.endswith(">"):
        return array(parse_catalog_type(spelled[len("array<") : -1]))
    return SqlType(spelled)


def wider_integer(left: SqlType, right: SqlType) -> SqlType:
    return max(left, right, key=lambda t: _INTEGER_RANK.index(t.name))


def _decimal_parts(t: SqlType) -> tuple[int, int]:
    d = t.as_decimal()
    return int(d.precision or MAX_PRECISION), int(d.scale or 0)


def add_type(left: SqlType, right: SqlType) -> SqlType:
    (p1, s1), (p2, s2) = _decimal_parts(left), _decimal_parts(right)
    scale = max(s1, s2)
    return decimal(1 + scale + max(p1 - s1, p2 - s2), scale)


def multiply_type(left: SqlType, right: SqlType) -> SqlType:
    (p1, s1), (p2, s2) = _decimal_parts(left), _decimal_parts(right)
    return decimal(p1 + p2, s1 + s2)


def divide_type(left: SqlType, right: SqlType) -> SqlType:
    (p1, s1), (_, s2) = _decimal_parts(left), _decimal_parts(right)
    return decimal(p1 + s2 + max(0, s2 - s1), max(s1, s2))


def modulus_type(left: SqlType, right: SqlType) -> SqlType:
    (p1, s1), (p2, s2) = _decimal_parts(left), _decimal_parts(right)
    scale = max(s1, s2)
    return decimal(min(p2 - s2, p1 - s1) + scale, scale)


def arithmetic_type(op: str, left: SqlType, right: SqlType) -> SqlType:
    """The type of ``left <op> right`` for numeric operands (op in + - * / %)."""
    if not (left.is_known and right.is_known):
        return UNKNOWN
    if left.is_floating or right.is_floating:
        return DOUBLE if DOUBLE in (left, right) else REAL
    if left.is_integer and right.is_integer:
        return wider_integer(left, right)
    if op in "+-":
        return add_type(left, right)
    if op == "*":
        return multiply_type(left, right)
    if op == "/":
        return divide_type(left, right)
    return modulus_type(left, right)


def common_supertype(types: list[SqlType]) -> SqlType:
    """The type Trino coerces CASE/COALESCE branches to (unknown NULLs ignored)."""
    known = [t for t in types if t.is_known]
    if not known:
        return UNKNOWN
    result = known[0]
    for t in known[1:]:
        result = _supertype(result, t)
    return result


def _supertype(a: SqlType, b: SqlType) -> SqlType:
    if a == b:
        return a
    if a.is_numeric and b.is_numeric:
        if a.is_floating or b.is_floating:
            return DOUBLE if DOUBLE in (a, b) else REAL
        if a.is_integer and b.is_integer:
            return wider_integer(a, b)
        (p1, s1), (p2, s2) = _decimal_parts(a), _decimal_parts(b)
        scale = max(s1, s2)
        return decimal(max(p1 - s1, p2 - s2) + scale, scale)
    if a.is_timestamp and b.is_timestamp:
        return timestamp(
            max(a.precision or 0, b.precision or 0),
            with_tz=a.name != "timestamp" or b.name != "timestamp",
        )
    if {a.name, b.name} == {"date", "timestamp"}:
        return a if a.name == "timestamp" else b
    if a.is_string and b.is_string:
        return VARCHAR
    return a


def literal_number_type(text: str) -> SqlType:
    """The type Athena gives a numeric literal (``text`` with its sign): integer, bigint, double.

    Past bigint it is a decimal here, but Trino's parser fails such a literal, and the
    rewrite refuses it (``arithmetic.number_literal``).

    ``1.5`` and ``1.5E0`` are both DOUBLE on Athena (Presto's decimal literals
    parsed as double); only ``DECIMAL '1.5'`` is a decimal (:func:`decimal_literal_type`).
    """
    if "e" in text.lower() or "." in text:
        return DOUBLE
    value = int(text)
    if -(2**31) <= value < 2**31:
        return INTEGER
    if -(2**63) <= value < 2**63:
        return BIGINT
    return decimal(len(text.lstrip("+-")), 0)


def decimal_literal_type(text: str) -> SqlType:
    """``DECIMAL '0012.50'`` is decimal(4,2): leading zeros do not count, the fraction's do.

    Trino's TestMathFunctions.testMod: mod(DECIMAL '0.0', DECIMAL '2.0') is a
    decimal(1,1), so ``DECIMAL '0.0'`` is a decimal(1,1).
    """
    body = text.strip().lstrip("+-")
    whole, _, fraction = body.partition(".")
    return decimal(max(len(whole.lstrip("0")) + len(fraction), 1), len(fraction))


def duckdb_type_sql(t: SqlType) -> str:
    """The DuckDB spelling of a Trino type, for the CASTs the rewrites emit."""
    if t.is_decimal:
        return f"DECIMAL({t.precision}, {t.scale})"
    if t.name == "timestamp with time zone":
        return "TIMESTAMPTZ"
    if t.name == "array" and t.element is not None:
        return duckdb_type_sql(t.element) + "[]"
    return {
        "tinyint": "TINYINT",
        "smallint": "SMALLINT",
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "real": "REAL",
        "double": "DOUBLE",
        "varchar": "VARCHAR",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "json": "JSON",
    }[t.name]

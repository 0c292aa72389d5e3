"""CAST and TRY_CAST with Trino's answers.

- timestamp -> varchar prints the type's fractional digits: ``2017-10-02 10:56:33.000``.
- double -> integer rounds half away from zero (DuckDB rounds half to even).
- varchar -> integer accepts only an optional sign and digits (``'1.5'`` fails; DuckDB
  rounds it to 2); TRY_CAST turns the failure into NULL.
- double -> decimal goes through the shortest decimal text of the double, as Trino's
  ``BigDecimal.valueOf`` does (1.005E0 -> 1.01 at scale 2; DuckDB gives 1.00).
- text -> date/timestamp is converted only when both engines surely read it the same way.
- double -> varchar prints like Java's ``Double.toString`` (``double_text.py``): Athena's
  ``'154.1'`` and ``'1.600887212E7'``, where stock Trino now writes ``'1.541E2'``.
- decimal(p,p) -> varchar keeps the 0 before the point (``'0.0034'``, ``'-0.1'``); DuckDB
  drops it when the type has no integer digit.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import types as T
from olistctl.sql.double_text import java_double_text
from olistctl.sql.emit import duck, runtime_error, string
from olistctl.sql.params import PARAM_INDEX
from olistctl.sql.rewrite import Rewriter, calls_aggregate, sql_text
from olistctl.sql.temporal import DATE_TEXT, TIMESTAMP_TEXT, parse_text
from olistctl.sql.types import duckdb_type_sql

# Trino parses integers with Long.parseLong on the untrimmed text: padded text fails.
# Java reads any Unicode decimal digit there (Character.digit: '١٢' is 12), as it does in
# new BigDecimal(text) for decimals; DuckDB reads only ASCII digits, so such text stops.
# Latin-1 Supplement, Latin Extended-A/B (U+0080-U+024F) and General Punctuation
# (U+2000-U+206F, U+2065 unassigned) hold no decimal digit: text of those alone ('ã',
# '—') is no number in either engine. The characters are written as themselves, which
# Python's re and RE2 both read.
_MAYBE_DIGIT = "([0-9]|[^\\x00-\u024f\u2000-\u2064\u2066-\u206f])"
INTEGER_TEXT = (r"[+-]?[0-9]+", rf"[+-]?{_MAYBE_DIGIT}+")
# Double.parseDouble trims and reads NaN and Infinity (as spelled) like DuckDB; hex and
# 1d/1f it also reads are refused. It trims as String.trim does, every control character
# (Double.valueOf's javadoc), DuckDB only these (Python's \s also took \x1c-\x1f, which
# DuckDB then failed: TRY_CAST gave NULL where Athena reads the number).
_SPACE = r"[\t\n\x0b\x0c\r ]*"
DOUBLE_TEXT = (
    rf"{_SPACE}[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?{_SPACE}"
    rf"|{_SPACE}[+-]?(NaN|Infinity){_SPACE}",
    r".*([0-9]|(?i:nan|inf)).*",
)
DECIMAL_TEXT = (
    r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)",
    rf".*[0-9].*|[+-]?[.eE]*{_MAYBE_DIGIT}([.eE]|{_MAYBE_DIGIT})*",
)


def cast_(node: exp.Cast, rw: Rewriter) -> exp.Expr | None:
    safe = isinstance(node, exp.TryCast) or bool(node.args.get("safe"))
    value = node.this
    source, target = rw.type(value), rw.type(node)
    target_dt = node.args["to"]
    cast_sql = "TRY_CAST" if safe else "CAST"
    to = target.name

    def plain(x: exp.Expr = value) -> exp.Expr:
        return duck(f"{cast_sql}(:x AS {duckdb_type_sql(target)})", target, x=x)

    def refuse(why: str = "") -> None:
        rw.refuse(
            node,
            f"CAST({sql_text(value, 30)} AS {target_dt.sql('trino').lower()}) from {source} is not"
            " supported by the local engine" + (f" ({why})" if why else ""),
        )

    if to == "varchar":
        if target_dt.expressions:
            refuse("Athena truncates to varchar(n); use substr()")
        if source.is_timestamp:
            return timestamp_text(value, source, rw, node)
        if source == T.DATE:
            return date_text(value)
        if source == T.DOUBLE:
            return java_double_text(value)
        if source.is_decimal:
            return decimal_text(value, source)
        if source.is_floating:
            refuse("Athena prints a real with Java's Float.toString, which is not reproduced")
        if source.name in ("array", "map", "row", "json", "varbinary"):
            refuse()
        return plain()

    def _from_text(x: exp.Expr, patterns, what: str) -> exp.Expr:
        convert = f"{cast_sql}(:x AS {duckdb_type_sql(target)})"
        return parse_text(x, patterns, convert, target, safe=safe, what=what)

    if target.is_integer:
        if source.is_string:
            return _from_text(value, INTEGER_TEXT, f"an {to}" if to == "integer" else f"a {to}")
        if source.is_floating:
            # Trino rounds half away from zero; DuckDB's cast rounds half to even.
            return plain(duck("round(:x)", x=value))
        return plain()
    if target.is_decimal:
        if source.is_floating:
            return plain(duck("CAST(:x AS VARCHAR)", x=value))
        if source.is_string:
            return _from_text(value, DECIMAL_TEXT, "a decimal")
        return plain()
    if to == "date":
        if source.is_string:
            return _from_text(value, DATE_TEXT, "a date")
        return plain()
    if to == "timestamp":
        if source.is_string:
            return _from_text(value, TIMESTAMP_TEXT, "a timestamp")
        if target.precision not in (3, 6) and source != T.DATE:
            refuse("only timestamp(3) and timestamp(6) are supported")
        return plain()
    if to == "timestamp with time zone":
        if source.is_string:
            refuse("time zones in text are not supported locally")
        return plain()
    if to in ("double", "real"):
        if source.is_string:
            return _from_text(value, DOUBLE_TEXT, f"a {to}")
        return plain()
    if to == "boolean":
        if source.is_string:
            refuse("the accepted spellings of true and false differ")
        return plain()
    refuse()
    return None


def decimal_text(value: exp.Expr, source: T.SqlType) -> exp.Expr:
    """A decimal as Trino prints it (TestDecimalCasts.testDecimalToVarcharCasts: DECIMAL
    '0.0034' is '0.0034', DECIMAL '-.001' is '-0.001'). DuckDB prints a decimal(p,p),
    which has no integer digit, without its 0 ('.0034'); the 0 is put back."""
    text = duck("CAST(:x AS VARCHAR)", T.VARCHAR, x=value)
    if source.precision is not None and source.precision != source.scale:
        return text
    # RE2's rewrite: group 1 (the sign), then "0." ('\1' reads one digit only).
    return duck(
        "regexp_replace(:t, :point, :zero)",
        T.VARCHAR,
        t=text,
        point=string(r"^(-?)\."),
        zero=string(r"\10."),
    )


# Years 1 to 9999 print alike. Trino prints the others as Joda's ISO chronology does
# (DateTimeUtils.printDate: year 0 is '0000', year -1 '-0001'); DuckDB writes year 0 as
# '0001-01-01 (BC)' and strftime writes year -1 as '-1': those values stop the query.
_FOUR_DIGIT_YEAR = "year(:x) BETWEEN 1 AND 9999"


def _outside_four_digit_years(x: exp.Expr, text: exp.Expr) -> exp.Expr:
    stop = runtime_error(
        "A date or timestamp before the year 1 or after 9999 is printed differently by Athena",
        T.VARCHAR,
        hint="run the query on --backend aws",
    )
    # year(NULL) is NULL: NOT BETWEEN is NULL too, and the ELSE gives the NULL text.
    return duck(
        f"CASE WHEN NOT ({_FOUR_DIGIT_YEAR}) THEN :stop ELSE :text END",
        T.VARCHAR,
        x=x,
        stop=stop,
        text=text,
    )


def date_text(value: exp.Expr) -> exp.Expr:
    """A date as Trino prints it (years 1 to 9999; the others stop the query)."""
    return _outside_four_digit_years(value, duck("CAST(:x AS VARCHAR)", T.VARCHAR, x=value.copy()))


def timestamp_text(value, source: T.SqlType, rw: Rewriter, node) -> exp.Expr:
    """Athena prints as many fractional digits as the timestamp type has (3 for columns)."""
    precision = source.precision if source.precision is not None else 3
    if precision > 6:
        rw.refuse(node, f"CAST of a {source} to varchar is not supported by the local engine")
    text = duck("strftime(:x, '%Y-%m-%d %H:%M:%S.%f')", x=value)
    # The value has no digits past its precision, so cutting the text does not round.
    text = duck(f"left(:t, {20 + precision if precision else 19})", t=text)
    text = _outside_four_digit_years(value.copy(), text)
    if source.name == "timestamp with time zone":
        text = duck(":t || ' UTC'", t=text)  # sessions are UTC; Athena prints the zone
    text.meta["athena_type"] = T.VARCHAR
    return text


def typeof(node: exp.Typeof, rw: Rewriter) -> exp.Expr:
    """typeof(x): the Athena type the local engine worked out, as Athena spells it.

    Text is answered only for a column: Athena types text expressions built from
    literals with a length (``typeof('abc')`` is ``varchar(3)``), which is not tracked.
    """
    t = rw.type(node.this)
    name = rw.written_name(node) or "typeof"

    def has_text(x: T.SqlType | None) -> bool:
        return x is not None and (x.is_string or x.name == "char" or has_text(x.element))

    if not t.is_known or t.name in ("json", "interval day to second", "interval year to month"):
        rw.refuse(node, f"{name}() of {sql_text(node.this)} is not supported by the local engine")
    if has_text(t) and not (isinstance(node.this, exp.Column) and t.is_string):
        rw.refuse(
            node,
            f"{name}() of a text expression is not supported by the local engine"
            " (Athena reports varchar(n) lengths it does not track)",
        )
    if calls_aggregate(node.this):
        # typeof(count(*)) keeps its query an aggregation: one row (per group), none dropped.
        return duck(f"CASE WHEN count(*) >= 0 THEN '{t}' END", T.VARCHAR)
    return duck(f"'{t}'", T.VARCHAR)


def parameter(node: exp.Placeholder, rw: Rewriter) -> exp.Expr:
    """A ``?``: DuckDB's prepared parameter ``$n``, cast to the Athena type of its value.

    The value is bound when the query runs, never written into the SQL; the cast
    makes DuckDB type it as Athena types the literal sent on aws.
    """

    sql_type = rw.type(node)
    cast = exp.Cast(
        this=exp.Placeholder(this=str(node.meta[PARAM_INDEX])),
        to=exp.DataType.build(duckdb_type_sql(sql_type), dialect="duckdb"),
    )
    cast.meta.update({k: node.meta[k] for k in ("line", "col", "start", "end") if k in node.meta})
    return cast

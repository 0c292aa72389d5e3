"""Dates and timestamps as Trino handles them.

- ``date_diff(unit, a, b)`` counts whole units elapsed (DuckDB's ``date_sub`` does;
  its ``date_diff`` counts boundaries crossed).
- ``date_add``/``date_trunc``/``+ INTERVAL`` on a DATE stay DATEs (DuckDB returns timestamps).
- ``day_of_week``/``EXTRACT(DOW …)`` are ISO (Monday = 1); DuckDB's DOW has Sunday = 0.
- ``date_format``/``date_parse``/``format_datetime`` patterns are translated specifier by
  specifier (``formats.py``) or refused by name.
- ``from_unixtime`` rounds to milliseconds half up, as Trino's ``Math.round`` does;
  ``to_unixtime`` and ``last_day_of_month`` are DuckDB's ``epoch`` and ``last_day``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from olistctl.errors import SqlError
from olistctl.sql import types as T
from olistctl.sql.emit import cast, duck, runtime_error, string
from olistctl.sql.formats import (
    LOOSE_WHITESPACE,
    UnsupportedPattern,
    joda_to_strftime,
    mysql_to_strftime,
)
from olistctl.sql.rewrite import Rewriter, sql_text

TIME_UNITS = ("millisecond", "second", "minute", "hour")
DATE_UNITS = ("day", "week", "month", "quarter", "year")
UNITS = TIME_UNITS + DATE_UNITS

# DuckDB interval constructors by Trino unit, with the argument type each accepts.
_INTERVAL_OF = {
    "millisecond": "to_milliseconds(CAST(:n AS BIGINT))",
    "second": "to_seconds(CAST(:n AS BIGINT))",
    "minute": "to_minutes(CAST(:n AS BIGINT))",
    "hour": "to_hours(CAST(:n AS BIGINT))",
    "day": "to_days(CAST(:n AS INTEGER))",
    "week": "to_weeks(CAST(:n AS INTEGER))",
    "month": "to_months(CAST(:n AS INTEGER))",
    "quarter": "to_months(CAST(:n AS INTEGER) * 3)",
    "year": "to_years(CAST(:n AS INTEGER))",
}

# EXTRACT fields (Trino spelling) -> DuckDB function with Trino's meaning.
_EXTRACT = {
    "year": "year",
    "quarter": "quarter",
    "month": "month",
    "week": "week",  # ISO week in both
    "day": "day",
    "day_of_month": "day",
    "day_of_week": "isodow",
    "dow": "isodow",
    "day_of_year": "dayofyear",
    "doy": "dayofyear",
    "year_of_week": "isoyear",
    "yow": "isoyear",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
}

# Date-part function classes -> the DuckDB function with the same answer.
PART_FUNCTIONS: dict[type[exp.Expr], str] = {
    exp.Year: "year",
    exp.Quarter: "quarter",
    exp.Month: "month",
    exp.Day: "day",
    exp.DayOfMonth: "day",
    exp.DayOfWeekIso: "isodow",
    exp.DayOfYear: "dayofyear",
    exp.WeekOfYear: "week",
    exp.YearOfWeek: "isoyear",
    exp.Hour: "hour",
    exp.Minute: "minute",
    exp.Second: "second",
}


def _unit(node: exp.Expr, rw: Rewriter, function: str, allowed=UNITS) -> str:
    unit = node.args.get("unit")
    name = unit.name.lower() if isinstance(unit, (exp.Literal, exp.Var)) else None
    if name is None:
        rw.refuse(node, f"{function} needs a constant unit such as 'day' in the local engine")
    if name not in allowed:
        rw.refuse(
            node,
            f"'{name}' is not a unit {function} accepts",
            hint="use one of " + ", ".join(allowed),
        )
    return name


def require_temporal(node: exp.Expr, arg: exp.Expr, rw: Rewriter, function: str):
    """Refuse what Athena refuses: a date/time function applied to text or numbers."""
    t = rw.type(arg)
    if t.is_known and not t.is_temporal:
        rw.refuse(
            node,
            f"Athena's {function} takes a date or timestamp, not {t} ({sql_text(arg)})",
            hint="convert text with date_parse(x, '%Y-%m-%d %H:%i:%s') or CAST(x AS timestamp)",
        )


def _date_only_units(node, arg, unit, rw, function):
    if rw.type(arg) == T.DATE and unit in TIME_UNITS:
        rw.refuse(node, f"'{unit}' is not a valid unit for {function} on a date in Athena")


def date_diff(node: exp.DateDiff, rw: Rewriter) -> exp.Expr:
    unit = _unit(node, rw, "date_diff")
    start, end = node.expression, node.this
    for arg in (start, end):
        require_temporal(node, arg, rw, "date_diff")
    if rw.type(start) == T.DATE and rw.type(end) == T.DATE:
        _date_only_units(node, start, unit, rw, "date_diff")
    # DuckDB's date_sub counts whole units elapsed, which is Trino's date_diff.
    return duck("date_sub(:u, :a, :b)", T.BIGINT, u=string(unit), a=start, b=end)


def date_add(node: exp.DateAdd, rw: Rewriter) -> exp.Expr:
    unit = _unit(node, rw, "date_add")
    value, amount = node.this, node.expression
    require_temporal(node, value, rw, "date_add")
    amount_type = rw.type(amount)
    if amount_type.is_known and not amount_type.is_integer:
        rw.refuse(node, f"date_add takes an integer amount in Athena, not {amount_type}")
    _date_only_units(node, value, unit, rw, "date_add")
    shifted = duck(f":x + {_INTERVAL_OF[unit]}", x=value, n=amount)
    return _keep_type(shifted, rw.type(node))


def _keep_type(value: exp.Expr, sql_type: T.SqlType) -> exp.Expr:
    # DuckDB turns DATE + interval and date_trunc(DATE) into timestamps; Trino keeps DATEs.
    if sql_type == T.DATE:
        return cast(value, T.DATE)
    if sql_type.is_known:
        value.meta["athena_type"] = sql_type
    return value


def date_trunc(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    unit = _unit(node, rw, "date_trunc")
    require_temporal(node, node.this, rw, "date_trunc")
    _date_only_units(node, node.this, unit, rw, "date_trunc")
    truncated = duck("date_trunc(:u, :x)", u=string(unit), x=node.this)
    return _keep_type(truncated, rw.type(node))


def extract(node: exp.Extract, rw: Rewriter) -> exp.Expr:
    field = node.this.name.lower()
    if field not in _EXTRACT:
        rw.refuse(node, f"EXTRACT({field.upper()} FROM …) is not supported by the local engine")
    require_temporal(node, node.expression, rw, f"EXTRACT({field.upper()})")
    return duck(f"{_EXTRACT[field]}(:x)", T.BIGINT, x=node.expression)


def date_part(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    function = PART_FUNCTIONS[type(node)]
    written = rw.written_name(node) or function
    require_temporal(node, node.this, rw, written + "()")
    return duck(f"{function}(:x)", T.BIGINT, x=node.this)


def year_of_week_alias(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    """yow(x), Trino's short name for year_of_week(x): the ISO week-based year."""
    if len(node.expressions) != 1:
        rw.refuse(node, "yow() takes one argument in Athena")
    (arg,) = node.expressions
    require_temporal(node, arg, rw, "yow()")
    return duck("isoyear(:x)", T.BIGINT, x=arg)


def millisecond(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    (arg,) = node.expressions
    require_temporal(node, arg, rw, "millisecond()")
    # DuckDB's millisecond() includes the seconds (5.123 s -> 5123); Trino's is 0..999.
    return duck("millisecond(:x) % 1000", T.BIGINT, x=arg)


def _pattern(node: exp.Anonymous, rw: Rewriter, function: str) -> str:
    if len(node.expressions) != 2:
        rw.refuse(node, f"{function} takes two arguments")
    pattern = node.expressions[1]
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        rw.refuse(node, f"{function} needs a constant pattern in the local engine")
    return pattern.name


def _translate(
    node: exp.Expr,
    rw: Rewriter,
    function: str,
    pattern: str,
    translate: Callable[[str], str],
) -> str:
    try:
        return translate(pattern)
    except UnsupportedPattern as problem:
        why = f" ({problem.reason})" if problem.reason else ""
        rw.refuse(
            node,
            f"{function} pattern '{problem.specifier}' is not supported locally{why}",
        )


def date_format(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    pattern = _pattern(node, rw, "date_format")
    fmt = _translate(node, rw, "date_format", pattern, mysql_to_strftime)
    require_temporal(node, node.expressions[0], rw, "date_format")
    return duck("strftime(:x, :f)", T.VARCHAR, x=node.expressions[0], f=string(fmt))


def format_datetime(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    pattern = _pattern(node, rw, "format_datetime")
    fmt = _translate(node, rw, "format_datetime", pattern, joda_to_strftime)
    require_temporal(node, node.expressions[0], rw, "format_datetime")
    return duck("strftime(:x, :f)", T.VARCHAR, x=node.expressions[0], f=string(fmt))


def date_parse(node: exp.Anonymous, rw: Rewriter) -> exp.Expr:
    pattern = _pattern(node, rw, "date_parse")
    fmt = _translate(node, rw, "date_parse", pattern, lambda p: mysql_to_strftime(p, parsing=True))
    text = node.expressions[0]
    t = rw.type(text)
    if t.is_known and not t.is_string:
        rw.refuse(node, f"Athena's date_parse takes varchar, not {t} ({sql_text(text)})")
    parsed = duck("strptime(:s, :f)", s=text.copy(), f=string(fmt))
    if "%f" in fmt:
        # Athena keeps milliseconds: the digits past them are dropped.
        parsed = duck("date_trunc('millisecond', :x)", x=parsed)
    # DuckDB reads text with whitespace at its ends, tabs or a run of spaces where the
    # pattern has one space; Joda fails it (formats.LOOSE_WHITESPACE), and so does Athena.
    fails = runtime_error(
        "date_parse cannot read a value with whitespace at an end, a tab or line break,"
        " or spaces in a row where the pattern has one",
        T.timestamp(),
        hint="Athena fails it too; trim the text first, or use TRY(date_parse(...)) to get NULL",
    )
    guarded = duck(
        "CASE WHEN regexp_matches(:s, :loose) THEN :fails ELSE :parsed END",
        s=text,
        loose=string(LOOSE_WHITESPACE),
        fails=fails,
        parsed=parsed,
    )
    guarded.meta["athena_type"] = T.timestamp()
    return guarded


# Strings that Trino and DuckDB read the same way, those only one of them may accept
# (refused at run time), and everything else (an error, or NULL under TRY_CAST).
# The hour is 00-23: DuckDB reads 24:00:00 as the next day's midnight, where Trino's
# VarcharToTimestampCast builds a ZonedDateTime, whose hour of day stops at 23.
DATE_TEXT = (r"\d{4}-\d{2}-\d{2}", r"\s*[+-]?\d+-\d{1,2}-\d{1,2}.*")
_HOUR = r"([01][0-9]|2[0-3])"
TIMESTAMP_TEXT = (
    rf"\d{{4}}-\d{{2}}-\d{{2}}( {_HOUR}:\d{{2}}(:\d{{2}}(\.\d{{1,3}})?)?)?",
    r"\s*[+-]?\d+-\d{1,2}-\d{1,2}([ T].*)?",
)
ISO_TIMESTAMP_TEXT = (
    rf"\d{{4}}-\d{{2}}-\d{{2}}(T{_HOUR}:\d{{2}}(:\d{{2}}(\.\d{{1,3}})?)?(Z|[+-]00(:?00)?)?)?",
    r"\d{4}-\d{2}-\d{2}T.*",
)
ISO_DATE_TEXT = (r"\d{4}-\d{2}-\d{2}", r"\d{4}-.*")


def parse_text(
    value: exp.Expr,
    patterns: tuple[str, str | None],
    convert: str,
    target: T.SqlType,
    *,
    safe: bool,
    what: str,
) -> exp.Expr:
    """Convert text with ``convert`` (a template over :x) only where both engines agree.

    ``patterns`` is (strict, loose): text matching ``strict`` is read the same way by
    both engines; other text matching ``loose`` (None: no such text) may be read by
    Athena, so it stops the query; the rest fails (or is NULL under TRY_CAST) in both.
    """
    strict, loose = patterns
    failure = (
        cast(duck("NULL"), target)
        if safe
        else runtime_error(
            f"A value cannot be converted to {what}",
            target,
            hint="Athena rejects it too; use TRY_CAST to get NULL instead",
        )
    )
    if isinstance(value, exp.Literal) and value.is_string:
        # A constant: choose the branch now (these patterns mean the same in Python and RE2).
        if re.fullmatch(strict, value.name):
            return duck(convert, target, x=value)
        if loose and re.fullmatch(loose, value.name):
            raise SqlError(
                f"The literal '{value.name}' has a format the local engine cannot be sure"
                f" Athena reads as {what}",
                hint="run the query on --backend aws",
            )
        return failure
    unsure = runtime_error(
        f"A value has a format the local engine cannot be sure Athena reads as {what}",
        target,
        hint="run the query on --backend aws",
    )
    maybe = " WHEN regexp_full_match(:v3, :loose) THEN :unsure" if loose else ""
    parts = {"loose": string(loose), "v3": value.copy(), "unsure": unsure} if loose else {}
    return duck(
        "CASE WHEN :v IS NULL THEN NULL"
        f" WHEN regexp_full_match(:v2, :strict) THEN :converted{maybe}"
        " ELSE :failure END",
        target,
        v=value,
        v2=value.copy(),
        strict=string(strict),
        converted=duck(convert, x=value.copy()),
        failure=failure,
        **parts,
    )


def from_iso8601_timestamp(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    _require_text(node, node.this, rw, "from_iso8601_timestamp")
    # Only UTC (or zone-less) values: Athena keeps other zones, DuckDB would convert them.
    return parse_text(
        node.this,
        ISO_TIMESTAMP_TEXT,
        "CAST(:x AS TIMESTAMPTZ)",
        T.timestamp(with_tz=True),
        safe=False,
        what="an ISO 8601 UTC timestamp",
    )


def from_iso8601_date(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    _require_text(node, node.this, rw, "from_iso8601_date")
    return parse_text(
        node.this, ISO_DATE_TEXT, "CAST(:x AS DATE)", T.DATE, safe=False, what="a date"
    )


def date_(node: exp.Date, rw: Rewriter) -> exp.Expr:
    if node.args.get("zone") is not None or node.expressions:
        rw.refuse(node, "date() takes one argument in Athena")
    arg = node.this
    t = rw.type(arg)
    if t.is_string:
        return parse_text(arg, DATE_TEXT, "CAST(:x AS DATE)", T.DATE, safe=False, what="a date")
    if t.is_known and not t.is_temporal:
        rw.refuse(node, f"Athena's date() takes varchar, a date or a timestamp, not {t}")
    return cast(arg, T.DATE)


def _require_text(node, arg, rw, function):
    t = rw.type(arg)
    if t.is_known and not t.is_string:
        rw.refuse(node, f"Athena's {function} takes varchar, not {t} ({sql_text(arg)})")


def interval(node: exp.Interval, rw: Rewriter) -> exp.Expr | None:
    unit = node.args.get("unit")
    value = node.this
    if not isinstance(unit, exp.Var) or unit.name.lower() not in (
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
    ):
        rw.refuse(node, f"The interval {sql_text(node)} is not supported by the local engine")
    text = value.name if isinstance(value, exp.Literal) else ""
    if not text.lstrip("+-").isdigit():
        rw.refuse(node, f"The interval {sql_text(node)} needs a whole number in the local engine")
    return None


def temporal_arithmetic(node: exp.Binary, rw: Rewriter) -> exp.Expr:
    """``date/timestamp ± INTERVAL`` keeps the date or timestamp type, as in Trino."""
    left, right = rw.type(node.left), rw.type(node.right)
    symbol = {exp.Add: "+", exp.Sub: "-"}.get(type(node), "*")
    if isinstance(node, exp.Sub) and left.is_temporal and right.is_temporal:
        rw.refuse(
            node,
            f"Subtracting {right} from {left} gives an interval the local engine does not"
            " reproduce",
            hint="use date_diff('day', a, b) (or another unit) instead",
        )
    temporal, other = (node.left, node.right) if left.is_temporal else (node.right, node.left)
    if not (isinstance(node, (exp.Add, exp.Sub)) and rw.type(other).name.startswith("interval")):
        rw.refuse(
            node,
            f"Athena cannot apply '{symbol}' to {left} and {right}",
            hint="add intervals (INTERVAL '1' DAY) or use date_add",
        )
    if rw.type(temporal) == T.DATE:
        unit = other.args.get("unit") if isinstance(other, exp.Interval) else None
        if unit is None or unit.name.lower() not in ("year", "month", "day"):
            rw.refuse(node, "Only year, month and day intervals can be added to a date")
    shifted = duck(f":a {symbol} :b", a=node.left, b=node.right)
    return _keep_type(shifted, rw.type(node))


def last_day_of_month(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    name = rw.written_name(node) or "last_day_of_month"
    if node.args.get("unit") is not None:
        rw.refuse(node, f"{name} takes one argument in Athena")
    require_temporal(node, node.this, rw, name)
    return duck("last_day(:x)", T.DATE, x=node.this)


def to_unixtime(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    name = rw.written_name(node) or "to_unixtime"
    t = rw.type(node.this)
    if t.is_known and not t.is_timestamp:
        rw.refuse(node, f"Athena's {name} takes a timestamp, not {t} ({sql_text(node.this)})")
    # Seconds as a double: exact microseconds over 10^6 is the double nearest to Trino's
    # milliseconds over 10^3 (the same rational number, rounded once).
    return duck("epoch(:x)", T.DOUBLE, x=node.this)


def from_unixtime(node: exp.Expr, rw: Rewriter) -> exp.Expr:
    name = rw.written_name(node) or "from_unixtime"
    if any(node.args.get(k) is not None for k in ("scale", "zone", "hours", "minutes", "format")):
        rw.refuse(node, f"{name} with a time zone or offset is not supported by the local engine")
    t = rw.type(node.this)
    if t.is_known and not t.is_numeric:
        rw.refuse(node, f"Athena's {name} takes a number of seconds, not {t}")
    # Trino: Math.round(seconds * 1000) milliseconds, in the session zone (UTC here).
    # Math.round is half up (towards +infinity); DuckDB's round() is half away from zero.
    millis = duck(
        "CASE WHEN :v - floor(:v) >= 0.5 THEN ceil(:v) ELSE floor(:v) END",
        v=duck("(CAST(:x AS DOUBLE) * 1000.0E0)", x=node.this),
    )
    return duck(
        "CAST(epoch_ms(CAST(:ms AS BIGINT)) AS TIMESTAMPTZ)",
        T.timestamp(with_tz=True),
        ms=millis,
    )

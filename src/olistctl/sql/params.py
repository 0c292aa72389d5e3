"""Query parameters: Athena's ``?`` execution parameters, typed and validated, on both backends.

What Athena does with them (AWS, "Use parameterized queries",
https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html):
parameters are positional ``?`` marks, given values in the order they occur
(no named parameters); a ``?`` may stand only in a ``WHERE`` clause (``SELECT ?
FROM t`` is not supported) and never inside quotes; a value sent as an
execution parameter is SQL, so "to be treated as strings, they must be enclosed
in single quotes". ``StartQueryExecution`` takes them as ``ExecutionParameters``,
a list of 1 to 1,024-character strings "applied sequentially to the parameters in
the query in the order in which the parameters occur" (the Athena API model in
botocore, ``ExecutionParameter``).

So every value is sent as an Athena literal of its type, in the forms AWS's
"Data type examples" page gives (https://docs.aws.amazon.com/athena/latest/ug/data-types-examples.html):
``'text'`` (a quote doubled inside), ``123`` (integer), ``BIGINT '123'``, ``1.5``
(a DOUBLE on Athena), ``DECIMAL '1.50'``, ``DATE '2018-01-01'``, ``TIMESTAMP
'2018-01-01 00:00:00.000'``, ``true``. awswrangler's parameter formatter
(``awswrangler/athena/_formatter.py``) writes the same forms. The value never
enters the query text: the SQL keeps its ``?`` marks on both backends (locally
they become DuckDB prepared parameters, typed as Athena types the literal).

Types a parameter can have: varchar, integer, bigint, double, decimal, date,
timestamp, boolean. Text values (the command line's) are parsed strictly for
the type; Python values (the API's) must already be of it.

This module imports nothing heavy: ``olistctl query --list`` and the aws path
use it without sqlglot or DuckDB.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from olistctl.errors import UsageError
from olistctl.sql import types as T
from olistctl.sql.comments import segments

# ExecutionParameter's length limit in Athena's API model.
MAX_LITERAL_CHARS = 1024
# The meta key under which the transpiler keeps a ``?``'s (1-based) position among
# the query's parameters (the rewrites read it).
PARAM_INDEX = "param_index"
TYPES = ("varchar", "integer", "bigint", "double", "decimal", "date", "timestamp", "boolean")
# What each type's text looks like, for messages.
_FORMS = {
    "varchar": "text",
    "integer": "a whole number from -2147483648 to 2147483647",
    "bigint": "a whole number from -9223372036854775808 to 9223372036854775807",
    "double": "a number such as 0.5 or 1e-3",
    "decimal": "a decimal number such as 12.50",
    "date": "a date (YYYY-MM-DD)",
    "timestamp": "a timestamp (YYYY-MM-DD HH:MM:SS[.fff])",
    "boolean": "true or false",
}
_EXAMPLES = {
    "varchar": "SP",
    "integer": "10",
    "bigint": "10",
    "double": "0.5",
    "decimal": "12.50",
    "date": "2018-01-01",
    "timestamp": "2018-01-01 00:00:00",
    "boolean": "true",
}
_INTEGER_RANGES = {"integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
_WHOLE = re.compile(r"[+-]?\d+")
_DOUBLE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?")
NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Param:
    """A parameter a named query declares: name, type, default (None: required), what it means."""

    name: str
    type: str
    default: Any = None
    description: str = ""

    def describe(self) -> str:
        """``since date = 2017-01-01``: how ``query --list`` shows it."""
        if self.default is None:
            return f"{self.name} {self.type} (required)"
        return f"{self.name} {self.type} = {value_text(self.type, self.default)}"


@dataclass(frozen=True)
class BoundParam:
    """A value bound to one ``?``: its Athena type and its Python value.

    Made by :func:`bind_named`, :func:`bind_values` or :func:`parse_positional`, which
    check the value; the engines take it as checked.
    """

    name: str  # the declared name, or "?1", "?2" … for the placeholders of ad-hoc SQL
    type: str  # one of TYPES
    value: Any  # str, int, float, Decimal, date, datetime or bool

    @property
    def literal(self) -> str:
        """The Athena literal sent as this parameter's ``ExecutionParameters`` entry."""
        return athena_literal(self.type, self.value)

    @property
    def sql_type(self) -> str:
        """The Athena type of the literal (``decimal(4,2)`` for ``DECIMAL '12.50'``)."""
        if self.type == "decimal":
            return str(T.decimal_literal_type(_decimal_text(self.value)))
        return self.type


# -- text and Python values -----------------------------------------------------------------


def parse_value(type_name: str, text: str, *, name: str) -> Any:
    """``text`` as a value of ``type_name``; UsageError naming the parameter when it is not one."""
    value = _parse(type_name, text)
    if value is None:
        raise _mistyped(name, type_name, repr(text))
    return _checked(name, type_name, value)


def _parse(type_name: str, text: str) -> Any:
    if type_name == "varchar":
        return text
    if type_name in _INTEGER_RANGES:
        return int(text) if _WHOLE.fullmatch(text) else None
    if type_name == "double":
        return float(text) if _DOUBLE.fullmatch(text) else None
    if type_name == "decimal":
        return Decimal(text) if _DECIMAL.fullmatch(text) else None
    if type_name == "date":
        if not _DATE.fullmatch(text):
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if type_name == "timestamp":
        found = _TIMESTAMP.fullmatch(text)
        if not found:
            return None
        try:
            return datetime.fromisoformat(f"{found.group(1)} {found.group(2) or '00:00'}")
        except ValueError:
            return None
    if type_name == "boolean":
        return {"true": True, "false": False}.get(text.lower())
    raise ValueError(f"unknown parameter type {type_name}")


def coerce_value(type_name: str, value: Any, *, name: str) -> Any:
    """A value given to a declared parameter: text is parsed, a Python value must fit the type."""
    if isinstance(value, str):
        return parse_value(type_name, value, name=name)
    fits = {
        "varchar": lambda v: False,
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "bigint": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "double": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "decimal": lambda v: isinstance(v, int | Decimal) and not isinstance(v, bool),
        "date": lambda v: isinstance(v, date) and not isinstance(v, datetime),
        "timestamp": lambda v: isinstance(v, datetime),
        "boolean": lambda v: isinstance(v, bool),
    }[type_name]
    if not fits(value):
        raise _mistyped(name, type_name, f"{value!r} ({type(value).__name__})")
    if type_name == "double":
        value = float(value)
    elif type_name == "decimal":
        value = Decimal(value)
    return _checked(name, type_name, value)


def type_of_value(value: Any, *, name: str) -> str:
    """The parameter type of a Python value given for a ``?`` of ad-hoc SQL."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if _in_range("integer", value) else "bigint"
    for python_type, type_name in (
        (str, "varchar"),
        (float, "double"),
        (Decimal, "decimal"),
        (datetime, "timestamp"),
        (date, "date"),
    ):
        if isinstance(value, python_type):
            return type_name
    raise UsageError(
        f"The parameter {name} is a {type(value).__name__}, which Athena has no literal for",
        hint="give a str, int, float, Decimal, date, datetime or bool",
    )


def _checked(name: str, type_name: str, value: Any) -> Any:
    if type_name in _INTEGER_RANGES and not _in_range(type_name, value):
        raise _mistyped(name, type_name, str(value))
    if type_name == "double" and not math.isfinite(value):
        raise _mistyped(name, type_name, repr(value))
    if type_name == "decimal":
        if not value.is_finite():
            raise _mistyped(name, type_name, str(value))
        whole, _, fraction = _decimal_text(value).lstrip("+-").partition(".")
        if len(whole.lstrip("0")) + len(fraction) > T.MAX_PRECISION:
            raise UsageError(
                f"The parameter {name} has more than {T.MAX_PRECISION} digits",
                hint="Athena's decimals hold at most 38",
            )
    if type_name == "timestamp" and value.tzinfo is not None:
        raise UsageError(
            f"The parameter {name} has a time zone, and Athena's timestamps have none",
            hint="give the UTC time without a zone",
        )
    if type_name == "timestamp" and value.microsecond % 1000:
        # The literal Athena gets spells milliseconds: the local engine must bind that value.
        whole = value.microsecond // 1000 * 1000
        raise UsageError(
            f"The parameter {name} is finer than Athena's milliseconds ({value})",
            hint=f"round it to whole milliseconds, e.g. value.replace(microsecond={whole})",
        )
    if type_name == "varchar" and "\x00" in value:
        raise UsageError(
            f"The parameter {name} contains a NUL character", hint="remove it from the value"
        )
    literal = athena_literal(type_name, value)
    if len(literal) > MAX_LITERAL_CHARS:
        raise UsageError(
            f"The parameter {name} is too long for Athena ({len(literal):,} characters as a"
            f" literal, at most {MAX_LITERAL_CHARS:,})",
            hint="shorten the value",
        )
    return value


def _in_range(type_name: str, value: int) -> bool:
    low, high = _INTEGER_RANGES[type_name]
    return low <= value <= high


def _mistyped(name: str, type_name: str, given: str) -> UsageError:
    return UsageError(
        f"The parameter {name} must be {_FORMS[type_name]}, not {given}",
        hint=f"e.g. {_example(name, type_name)}",
    )


def _example(name: str, type_name: str) -> str:
    """How a good value is written: ``since=2018-01-01``, or ``date:2018-01-01`` for a ``?``."""
    if name.startswith("?"):
        prefix = "" if type_name == "varchar" else f"{type_name}:"
        return prefix + _EXAMPLES[type_name]
    return f"{name}={_EXAMPLES[type_name]}"


# -- Athena literals ------------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


def athena_literal(type_name: str, value: Any) -> str:
    """The Athena SQL literal of a checked value (AWS's "Data type examples" forms)."""
    if type_name == "varchar":
        return "'" + value.replace("'", "''") + "'"
    if type_name == "integer":
        return str(value)
    if type_name == "bigint":
        return f"BIGINT '{value}'"
    if type_name == "double":
        text = repr(float(value)).upper()  # '0.5', '1E-05', '1E+16': all DOUBLE literals
        return text if ("." in text or "E" in text) else text + ".0"
    if type_name == "decimal":
        return f"DECIMAL '{_decimal_text(value)}'"
    if type_name == "date":
        return f"DATE '{value.isoformat()}'"
    if type_name == "timestamp":
        return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='milliseconds')}'"
    if type_name == "boolean":
        return "true" if value else "false"
    raise ValueError(f"unknown parameter type {type_name}")


def value_text(type_name: str, value: Any) -> str:
    """A value as one would type it after ``--param name=`` (how defaults are listed)."""
    if type_name == "varchar":
        return value if value and value.strip() == value else "'" + value.replace("'", "''") + "'"
    if type_name == "timestamp":
        return value.isoformat(sep=" ", timespec="seconds")
    if type_name == "decimal":
        return _decimal_text(value)
    if type_name == "boolean":
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


# -- placeholders in SQL text ---------------------------------------------------------------


def placeholder_count(sql: str) -> int:
    """How many ``?`` parameters the SQL has: outside quotes and comments as Trino's lexer
    reads them (:mod:`olistctl.sql.comments`, as the transpiler does). None is counted after
    a ``/*`` that nothing closes, a syntax error on both backends: that error, not a count
    of values, is then what the writer is told."""
    count = 0
    for kind, start, end in segments(sql):
        if kind == "code":
            unclosed = sql.find("/*", start, end)  # segments() made every closed one a comment
            if unclosed >= 0:
                return count + sql.count("?", start, unclosed)
            count += sql.count("?", start, end)
    return count


def check_count(sql: str, params: Sequence[BoundParam]) -> None:
    """UsageError unless there is one value per ``?`` of ``sql``."""
    mismatch = count_mismatch(placeholder_count(sql), len(params))
    if mismatch is not None:
        raise mismatch


def count_mismatch(wanted: int, given: int) -> UsageError | None:
    """The error for ``given`` values bound to ``wanted`` ``?`` marks (None when they match)."""
    if wanted == given:
        return None
    values = f"{given} parameter value{'s' if given != 1 else ''}"
    were = "was" if given == 1 else "were"
    if wanted == 0:
        return UsageError(
            f"The query has no ? placeholder, but {values} {were} given",
            hint="put a ? in the WHERE clause for each value, or drop the values",
        )
    marks = f"{wanted} ? placeholder{'s' if wanted != 1 else ''}"
    what = "missing" if wanted > given else "extra"
    return UsageError(
        f"The query has {marks} but {values} {were} given ({abs(wanted - given)} {what})",
        hint="give one value per ?, in the order the ? marks appear",
    )


# -- binding ----------------------------------------------------------------------------------


def bind_values(values: Sequence[Any]) -> list[BoundParam]:
    """The values for ad-hoc SQL's ``?`` marks, in order, each typed by its Python type."""
    bound = []
    for index, value in enumerate(values, start=1):
        name = f"?{index}"
        type_name = type_of_value(value, name=name)
        bound.append(BoundParam(name, type_name, coerce_value(type_name, value, name=name)))
    return bound


def parse_positional(text: str, index: int) -> BoundParam:
    """A command-line value for the ``index``-th ``?``: ``TYPE:VALUE``, or text (a varchar).

    Only the names in :data:`TYPES` count as a prefix, so ``http://x`` stays text;
    ``varchar:date:x`` is the text ``date:x``.
    """
    name = f"?{index}"
    prefix, colon, rest = text.partition(":")
    if colon and prefix.lower() in TYPES:
        type_name = prefix.lower()
        return BoundParam(name, type_name, parse_value(type_name, rest, name=name))
    return BoundParam(name, "varchar", parse_value("varchar", text, name=name))


def bind_named(query: str, declared: Sequence[Param], given: Mapping[str, Any]) -> list[BoundParam]:
    """The declared parameters of the named query ``query``, in order, from ``given`` or defaults.

    A given value may be text (parsed for the declared type) or a Python value of it.
    UsageError for an unknown, missing or mistyped parameter, naming it and the fix.
    """
    names = [p.name for p in declared]
    for key in given:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            if not names:
                hint = "it takes no parameters"
            else:
                hint = (f"did you mean {close[0]}? " if close else "") + (
                    f"its parameters: {', '.join(p.describe() for p in declared)}"
                )
            raise UsageError(f"The query {query} has no parameter {key!r}", hint=hint)
    bound = []
    for param in declared:
        if param.name in given:
            value = coerce_value(param.type, given[param.name], name=param.name)
        elif param.default is not None:
            value = param.default
        else:
            raise UsageError(
                f"The query {query} needs the parameter {param.name} ({_FORMS[param.type]})",
                hint=f"give it, e.g. {_example(param.name, param.type)}",
            )
        bound.append(BoundParam(param.name, param.type, value))
    return bound

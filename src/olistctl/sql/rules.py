"""The rule table: which rewrite handles each construct of an Athena query.

A function runs locally only if it is on ``verified.VERIFIED`` (DuckDB gives
the same answer as sqlglot writes it) or has a rule here, from
``arithmetic``, ``casts``, ``temporal``, ``strings`` or ``checks``.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql import (
    arithmetic,
    arrays,
    casts,
    checks,
    jsonpath,
    regexps,
    strings,
    temporal,
    unicode_literals,
)
from olistctl.sql.rewrite import Rewriter, Rule
from olistctl.sql.verified import VERIFIED, check_verified, random_

__all__ = ["RULES", "VERIFIED"]

_ANONYMOUS: dict[str, Rule] = {
    "date_format": temporal.date_format,
    "date_parse": temporal.date_parse,
    "format_datetime": temporal.format_datetime,
    "millisecond": temporal.millisecond,
    "yow": temporal.year_of_week_alias,
    "json_extract": jsonpath.json_extract,
    "json_extract_scalar": jsonpath.json_extract_scalar,
    "infinity": arithmetic.constant("infinity", "CAST('Infinity' AS DOUBLE)"),
    "nan": arithmetic.constant("nan", "CAST('NaN' AS DOUBLE)"),
    "e": arithmetic.constant("e", "2.718281828459045E0"),  # Java's Math.E
    "is_finite": arithmetic.double_predicate("is_finite", "isfinite"),
    "is_infinite": arithmetic.double_predicate("is_infinite", "isinf"),
}


def anonymous(node: exp.Anonymous, rw: Rewriter) -> exp.Expr | None:
    rule = _ANONYMOUS.get(node.name.lower())
    if rule is None:
        check_verified(node, rw)  # refuses, naming the function
        return None
    return rule(node, rw)


RULES: dict[type, Rule] = {
    # arithmetic
    exp.Literal: arithmetic.number_literal,
    exp.Neg: arithmetic.negate,
    **dict.fromkeys(
        (exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseNot), arithmetic.bitwise
    ),
    exp.Div: arithmetic.divide,
    exp.Mod: arithmetic.modulo,
    exp.Add: arithmetic.add_sub_mul,
    exp.Sub: arithmetic.add_sub_mul,
    exp.Mul: arithmetic.add_sub_mul,
    exp.Round: arithmetic.round_,
    exp.Ceil: arithmetic.ceil_floor,
    exp.Floor: arithmetic.ceil_floor,
    exp.Sign: arithmetic.sign,
    exp.Trunc: arithmetic.truncate,
    exp.AggFunc: arithmetic.aggregate,
    exp.Window: arithmetic.aggregate,
    exp.Filter: arithmetic.aggregate,
    exp.IsNan: arithmetic.double_predicate("is_nan", "isnan"),
    # casts, types and dates
    exp.Cast: casts.cast_,
    exp.Typeof: casts.typeof,
    exp.Placeholder: casts.parameter,
    exp.LastDay: temporal.last_day_of_month,
    exp.TimeToUnix: temporal.to_unixtime,
    exp.UnixToTime: temporal.from_unixtime,
    exp.DateDiff: temporal.date_diff,
    exp.DateAdd: temporal.date_add,
    exp.TimestampTrunc: temporal.date_trunc,
    exp.DateTrunc: temporal.date_trunc,
    exp.Extract: temporal.extract,
    exp.Date: temporal.date_,
    exp.FromISO8601Timestamp: temporal.from_iso8601_timestamp,
    exp.FromISO8601Date: temporal.from_iso8601_date,
    exp.Interval: temporal.interval,
    **dict.fromkeys(temporal.PART_FUNCTIONS, temporal.date_part),
    # strings and arrays
    exp.Concat: strings.concat,
    exp.ConcatWs: strings.concat_ws,
    exp.DPipe: strings.concat,
    exp.Substring: strings.substring,
    exp.Trim: strings.trim,
    exp.Replace: strings.replace,
    exp.SplitPart: strings.split_part,
    exp.StrPosition: strings.strpos,
    exp.RegexpExtract: regexps.regexp_extract,
    exp.RegexpReplace: regexps.regexp_replace,
    exp.RegexpLike: regexps.regexp_like,
    exp.Split: strings.split,
    exp.ArrayToString: strings.array_join,
    exp.ArraySize: strings.cardinality,
    exp.Bracket: strings.subscript,
    exp.ArrayContains: arrays.contains,
    exp.ArraySlice: arrays.slice_,
    exp.Length: strings.string_function("length"),
    exp.Lower: strings.string_function("lower"),
    exp.Upper: strings.upper,
    exp.Pad: strings.pad,
    exp.Reverse: strings.reverse,
    exp.Levenshtein: strings.levenshtein_distance,
    exp.StartsWith: strings.string_function("starts_with"),
    exp.Translate: strings.string_function("translate"),
    exp.UnicodeString: unicode_literals.unicode_string,
    exp.Rand: random_,
    exp.Case: checks.conditional,
    exp.If: checks.conditional,
    exp.Coalesce: checks.conditional,
    exp.Greatest: checks.conditional,
    exp.Least: checks.conditional,
    exp.Nullif: checks.nullif,
    # predicates
    exp.EQ: checks.compare,
    exp.NEQ: checks.compare,
    exp.GT: checks.compare,
    exp.GTE: checks.compare,
    exp.LT: checks.compare,
    exp.LTE: checks.compare,
    exp.NullSafeEQ: checks.compare,
    exp.NullSafeNEQ: checks.compare,
    exp.Between: checks.between,
    exp.In: checks.in_,
    exp.Like: checks.like,
    exp.Escape: checks.like_escape,
    exp.ILike: checks.refuse_ilike,
    exp.IgnoreNulls: checks.null_treatment,
    exp.RespectNulls: checks.null_treatment,
    exp.Anonymous: anonymous,
}

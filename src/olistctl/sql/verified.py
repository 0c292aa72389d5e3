"""The functions the local engine runs as sqlglot writes them, and refusing all others.

A function is on ``VERIFIED`` only when DuckDB, given sqlglot's translation,
returns what Trino returns. Anything else needs a rule (``rules.RULES``)
or is refused, naming the function as the user wrote it.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql.rewrite import Rewriter

# Functions whose DuckDB translation by sqlglot gives Trino's answer unchanged.
VERIFIED: frozenset[type] = frozenset(
    {
        exp.And,  # sqlglot models AND/OR as functions
        exp.Or,
        exp.Count,
        exp.Min,
        exp.Max,
        exp.AnyValue,
        exp.Stddev,
        exp.StddevSamp,
        exp.StddevPop,
        exp.Variance,
        exp.VariancePop,
        exp.CovarSamp,
        exp.CovarPop,
        exp.ArrayAgg,
        exp.LogicalAnd,
        exp.LogicalOr,
        exp.ApproxDistinct,
        exp.RowNumber,
        exp.Rank,
        exp.DenseRank,
        exp.Ntile,
        exp.PercentRank,
        exp.CumeDist,
        exp.Lag,
        exp.Lead,
        exp.FirstValue,
        exp.LastValue,
        exp.NthValue,
        exp.Case,
        exp.If,
        exp.Coalesce,
        exp.Nullif,
        exp.Greatest,  # sqlglot writes Trino's NULL-if-any-NULL rule
        exp.Least,
        exp.Abs,
        exp.Sqrt,
        exp.Ln,
        exp.Log,
        exp.Exp,
        exp.Pow,
        exp.Pi,
        exp.Try,
        exp.Grouping,
        exp.CurrentDate,
        exp.CurrentTimestamp,
        exp.Array,
        exp.Unnest,
        exp.Exists,
        exp.Chr,
        exp.Rand,
    }
)


# Athena's names for functions sqlglot models under another name, for refusal messages.
_ATHENA_NAMES: dict[type[exp.Expr], str] = {
    exp.GenerateSeries: "sequence",
    exp.ArrayContains: "contains",
    exp.JSONExtractScalar: "json_extract_scalar",
    exp.JSONExtract: "json_extract",
    exp.GroupConcat: "listagg",
    exp.ArrayUniqueAgg: "set_agg",
    exp.ArraySort: "array_sort",
    exp.ArrayDistinct: "array_distinct",
    exp.ArrayFilter: "filter",
    exp.Transform: "transform",
    exp.Hex: "to_hex",
    exp.MD5Digest: "md5",
    exp.StrToMap: "split_to_map",
    exp.Struct: "row",
    exp.Typeof: "typeof",
    exp.Format: "format",
    exp.LastDay: "last_day_of_month",
    exp.TimeToUnix: "to_unixtime",
    exp.UnixToTime: "from_unixtime",
}


def athena_name(node: exp.Expr, rw: Rewriter | None = None) -> str:
    """The function's name as the user wrote it, or else its usual Athena name."""
    written = rw.written_name(node) if rw is not None else None
    if written:
        return written
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    usual = node.sql_name() if isinstance(node, exp.Func) else type(node).__name__
    return _ATHENA_NAMES.get(type(node), usual.lower())


def check_verified(node: exp.Expr, rw: Rewriter) -> None:
    if type(node) not in VERIFIED:
        name = athena_name(node, rw)
        rw.refuse(
            node,
            f"The function {name}() is not supported by the local engine",
            hint="run it on --backend aws (the local engine only runs functions verified"
            " to give Athena's answers)",
        )
    if isinstance(node, (exp.Min, exp.Max)) and (node.expressions or node.args.get("count")):
        rw.refuse(node, f"{athena_name(node, rw)}(x, n) is not supported by the local engine")
    if isinstance(node, exp.Count):
        distinct = node.this
        if isinstance(distinct, exp.Distinct) and len(distinct.expressions) > 1:
            rw.refuse(node, "Athena counts DISTINCT over one expression: count(DISTINCT a, b)")


def random_(node: exp.Rand, rw: Rewriter) -> None:
    """random() is verified; random(n), an integer below n in Trino, is not."""
    if node.this is not None:
        rw.refuse(node, "random(n) is not supported by the local engine")
    return None

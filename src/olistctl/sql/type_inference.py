"""Type every node of a qualified Athena query the way Trino would.

The rewrites (``rewrite.py``) decide how DuckDB must compute a node from the
Trino types of its operands, so those types are worked out first, on the
query as the user wrote it, and stored in each node's ``meta``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from olistctl.sql import types as T
from olistctl.sql.table_alias import catalog_column
from olistctl.sql.types import SqlType

TYPE_KEY = "athena_type"


def type_of(node: exp.Expr) -> SqlType:
    """The Trino type recorded on a node (unknown when none was)."""
    return node.meta.get(TYPE_KEY, T.UNKNOWN)


def set_type(node: exp.Expr, sql_type: SqlType) -> exp.Expr:
    node.meta[TYPE_KEY] = sql_type
    return node


def from_datatype(dt: exp.DataType) -> SqlType:
    """A sqlglot DataType (as parsed from Athena SQL) as a Trino type."""
    kind = dt.this
    params = [p.this.name if isinstance(p, exp.DataTypeParam) else p for p in dt.expressions]
    D = exp.DataType.Type
    simple = {
        D.INT: T.INTEGER,
        D.BIGINT: T.BIGINT,
        D.SMALLINT: SqlType("smallint"),
        D.TINYINT: SqlType("tinyint"),
        D.DOUBLE: T.DOUBLE,
        D.FLOAT: T.REAL,
        D.BOOLEAN: T.BOOLEAN,
        D.DATE: T.DATE,
        D.VARCHAR: T.VARCHAR,
        D.TEXT: T.VARCHAR,
        D.NVARCHAR: T.VARCHAR,
        D.CHAR: SqlType("char"),
    }
    if kind in simple:
        return simple[kind]
    if kind == D.DECIMAL:
        if not params:
            return T.decimal(T.MAX_PRECISION, 0)
        return T.decimal(int(params[0]), int(params[1]) if len(params) > 1 else 0)
    if kind in (D.TIMESTAMP, D.TIMESTAMPTZ):
        precision = int(params[0]) if params else T.DEFAULT_TIMESTAMP_PRECISION
        return T.timestamp(precision, with_tz=kind == D.TIMESTAMPTZ)
    if kind == D.ARRAY:
        inner = dt.expressions[0] if dt.expressions else None
        return T.array(from_datatype(inner) if isinstance(inner, exp.DataType) else T.UNKNOWN)
    return SqlType(kind.value.lower())


_BIGINT_FUNCS = (
    exp.Count,
    exp.BitwiseAnd,  # bitwise_and(bigint, bigint) and the like: TestBitwiseFunctions
    exp.BitwiseOr,
    exp.BitwiseXor,
    exp.BitwiseNot,
    exp.CountIf,
    exp.ApproxDistinct,
    exp.RowNumber,
    exp.Rank,
    exp.DenseRank,
    exp.Ntile,
    exp.Grouping,
    exp.DateDiff,
    exp.Year,
    exp.Quarter,
    exp.Month,
    exp.Day,
    exp.DayOfMonth,
    exp.DayOfWeekIso,
    exp.DayOfYear,
    exp.WeekOfYear,
    exp.YearOfWeek,
    exp.Hour,
    exp.Minute,
    exp.Second,
    exp.Extract,
    exp.Length,
    exp.StrPosition,
    exp.Levenshtein,
    exp.ArraySize,
)
_DOUBLE_FUNCS = (
    exp.Stddev,
    exp.StddevSamp,
    exp.StddevPop,
    exp.Variance,
    exp.VariancePop,
    exp.Corr,
    exp.CovarSamp,
    exp.CovarPop,
    exp.PercentRank,
    exp.CumeDist,
    exp.Sqrt,
    exp.Ln,
    exp.Log,
    exp.Exp,
    exp.Pow,
    exp.Rand,
    exp.Pi,
    exp.TimeToUnix,
)
_VARCHAR_FUNCS = (
    exp.Substring,
    exp.Lower,
    exp.Upper,
    exp.Trim,
    exp.Replace,
    exp.SplitPart,
    exp.RegexpExtract,
    exp.RegexpReplace,
    exp.Pad,
    exp.Reverse,
    exp.Chr,
    exp.Translate,
    exp.ArrayToString,
    exp.Concat,
    exp.DPipe,
    exp.TimeToStr,
    exp.Typeof,
)
_BOOLEAN_NODES = (
    exp.Predicate,
    exp.Is,
    exp.Exists,
    exp.Connector,
    exp.Not,
    exp.Boolean,
    exp.StartsWith,
    exp.RegexpLike,
    exp.LogicalAnd,
    exp.LogicalOr,
    exp.IsNan,
    exp.ArrayContains,
)
# Aggregates and window functions whose result has their argument's type.
_SAME_AS_ARG = (
    exp.Min,
    exp.Max,
    exp.AnyValue,
    exp.ArgMax,
    exp.ArgMin,
    exp.FirstValue,
    exp.LastValue,
    exp.NthValue,
    exp.Lag,
    exp.Lead,
    exp.Paren,
    exp.Alias,
    exp.Abs,
    exp.Window,
    exp.Filter,
    exp.IgnoreNulls,
    exp.RespectNulls,
    exp.Try,
    exp.Nullif,
    exp.DateAdd,
    exp.TimestampTrunc,
    exp.DateTrunc,
    exp.Ordered,
    exp.ArraySlice,
)
_ANONYMOUS = {
    "format_datetime": T.VARCHAR,
    "date_format": T.VARCHAR,
    "date_parse": T.timestamp(),
    "millisecond": T.BIGINT,
    "yow": T.BIGINT,
    "json_extract_scalar": T.VARCHAR,
    "json_extract": T.SqlType("json"),
    "infinity": T.DOUBLE,
    "nan": T.DOUBLE,
    "e": T.DOUBLE,
    "is_finite": T.BOOLEAN,
    "is_infinite": T.BOOLEAN,
}


class TypeInference:
    """Records the Trino type of every node of a qualified query in ``node.meta``."""

    def __init__(self, tree: exp.Expr, schema: Mapping[str, Mapping[str, SqlType]]):
        self.schema = schema
        self.scope_of: dict[int, Scope] = {}
        for scope in traverse_scope(tree):
            for column in scope.columns:
                self.scope_of[id(column)] = scope
        # Each typer takes the node class it is listed with (Any: Callable cannot say so).
        self._rules: list[tuple[type | tuple[type, ...], Callable[[Any], SqlType]]] = [
            (exp.Column, self._column),
            (exp.Literal, _literal),
            (exp.UnicodeString, lambda n: T.VARCHAR),  # U&'…', text like '…'
            (exp.Neg, self._negation),
            (exp.Null, lambda n: T.UNKNOWN),
            ((exp.Cast, exp.TryCast), _cast),
            ((exp.Add, exp.Sub), self._add_sub),
            (exp.Mul, lambda n: self._arith("*", n)),
            (exp.Div, lambda n: self._arith("/", n)),
            ((exp.Mod, exp.IntDiv), lambda n: self._arith("%", n)),
            # x = ANY (query): the quantified side has the type of the query's column.
            ((exp.Any, exp.All), self._quantified),
            (_BOOLEAN_NODES, lambda n: T.BOOLEAN),
            (_BIGINT_FUNCS, lambda n: T.BIGINT),
            (_DOUBLE_FUNCS, lambda n: T.DOUBLE),
            (_VARCHAR_FUNCS, lambda n: T.VARCHAR),
            (exp.Sum, self._sum),
            (exp.Avg, self._avg),
            (exp.ApproxQuantile, self._approx_quantile),
            (exp.Round, self._round),
            ((exp.Ceil, exp.Floor), self._ceil_floor),
            (exp.Sign, self._sign),
            (exp.Trunc, self._truncate),
            (exp.Case, self._case),
            (exp.If, lambda n: self._supertype(n.args.get("true"), n.args.get("false"))),
            ((exp.Coalesce, exp.Greatest, exp.Least), self._variadic),
            (_SAME_AS_ARG, lambda n: self.infer(n.this)),
            (exp.Distinct, lambda n: self.infer(n.expressions[0]) if n.expressions else T.UNKNOWN),
            (exp.ArrayAgg, lambda n: T.array(self.infer(n.this))),
            ((exp.Date, exp.FromISO8601Date, exp.CurrentDate, exp.LastDay), lambda n: T.DATE),
            (
                (exp.FromISO8601Timestamp, exp.CurrentTimestamp, exp.UnixToTime),
                lambda n: T.timestamp(with_tz=True),
            ),
            (exp.StrToTime, lambda n: T.timestamp()),
            (exp.Split, lambda n: T.array(T.VARCHAR)),
            (exp.Array, lambda n: T.array(self._supertype(*n.expressions))),
            (exp.Bracket, self._bracket),
            (exp.Subquery, lambda n: self._output_type(n.this, None)),
            (exp.Interval, _interval),
            (exp.Anonymous, lambda n: _ANONYMOUS.get(n.name.lower(), T.UNKNOWN)),
        ]

    def run(self, tree: exp.Expr) -> None:
        for node in tree.walk():
            self.infer(node)

    def infer(self, node: exp.Expr | None) -> SqlType:
        if node is None:
            return T.UNKNOWN
        if TYPE_KEY in node.meta:
            return node.meta[TYPE_KEY]
        node.meta[TYPE_KEY] = T.UNKNOWN  # guards against cycles through aliases
        result = T.UNKNOWN
        for classes, rule in self._rules:
            if isinstance(node, classes):
                result = rule(node)
                break
        node.meta[TYPE_KEY] = result
        return result

    def _quantified(self, node: exp.Any | exp.All) -> SqlType:
        query = node.this.this if isinstance(node.this, exp.Subquery) else node.this
        return self._output_type(query, None) if isinstance(query, exp.Query) else T.UNKNOWN

    def _supertype(self, *nodes: exp.Expr | None) -> SqlType:
        return T.common_supertype([self.infer(n) for n in nodes if n is not None])

    # -- columns ---------------------------------------------------------------------------

    def _column(self, column: exp.Column) -> SqlType:
        scope = self.scope_of.get(id(column))
        if scope is None:
            return T.UNKNOWN
        if not column.table:
            # A reference to a select-list alias (ORDER BY, GROUP BY).
            return self._output_type(scope.expression, column.name)
        source = scope.sources.get(column.table)
        if isinstance(source, exp.Table):
            own = catalog_column(source, column.name, self.schema)
            return T.UNKNOWN if own is None else self.schema[source.name][own]
        if isinstance(source, Scope):
            return self._source_column_type(source, column)
        return T.UNKNOWN

    def _source_column_type(self, source: Scope, column: exp.Column) -> SqlType:
        node = source.expression
        if isinstance(node, exp.Unnest):
            offset = node.args.get("offset")
            if isinstance(offset, exp.Identifier) and column.name == offset.name:
                return T.BIGINT  # WITH ORDINALITY
            array_type = self.infer(node.expressions[0]) if node.expressions else T.UNKNOWN
            return array_type.element or T.UNKNOWN
        if isinstance(node, exp.Values):
            alias = node.args.get("alias")
            names = [c.name for c in alias.columns] if alias else []
            if column.name not in names:
                return T.UNKNOWN
            index = names.index(column.name)
            rows = [r for r in node.expressions if isinstance(r, exp.Tuple)]
            return self._supertype(
                *(r.expressions[index] for r in rows if index < len(r.expressions))
            )
        return self._output_type(node, column.name)

    def _output_type(self, query: exp.Expr, name: str | None) -> SqlType:
        """The type of the output column ``name`` (the first one when None) of a query."""
        if isinstance(query, (exp.SetOperation, exp.Subquery)):
            index = _output_index(query, name)
            return T.UNKNOWN if index is None else self._output_type_at(query, index)
        if not isinstance(query, exp.Select):
            return T.UNKNOWN
        selects = query.selects
        if name is None:
            return self.infer(selects[0]) if selects else T.UNKNOWN
        for projection in selects:
            if projection.alias_or_name == name:
                return self.infer(projection)
        return T.UNKNOWN

    def _output_type_at(self, query: exp.Expr, index: int) -> SqlType:
        """The type of a query's output column at ``index``. A set operation pairs its
        branches' columns by position, whatever their names: column i is the common super
        type of every branch's column i, named as the first branch names it (Trino's
        ``StatementAnalyzer.visitSetOperation``), so ``SELECT 3 AS x UNION ALL SELECT
        DECIMAL '2.5'`` has a decimal(11,1) x, not the first branch's integer."""
        if isinstance(query, exp.SetOperation):
            return T.common_supertype(
                [self._output_type_at(query.left, index), self._output_type_at(query.right, index)]
            )
        if isinstance(query, exp.Subquery):
            return self._output_type_at(query.this, index)
        if isinstance(query, exp.Select) and index < len(query.selects):
            return self.infer(query.selects[index])
        return T.UNKNOWN

    # -- arithmetic ------------------------------------------------------------------------

    def _arith(self, op: str, node: exp.Binary) -> SqlType:
        return T.arithmetic_type(op, self.infer(node.left), self.infer(node.right))

    def _negation(self, node: exp.Neg) -> SqlType:
        # Trino's grammar reads a minus before digits as part of the number (``number: MINUS?
        # INTEGER_VALUE``), so -2147483648 is an integer literal, not -(bigint 2147483648).
        if signed_integer_literal(node) is not None:
            return T.literal_number_type("-" + node.this.name)
        return self.infer(node.this)

    def _add_sub(self, node: exp.Binary) -> SqlType:
        left, right = self.infer(node.left), self.infer(node.right)
        if left.is_numeric and right.is_numeric:
            return T.arithmetic_type("+", left, right)
        if left.is_temporal and right.name.startswith("interval"):
            return left
        if right.is_temporal and left.name.startswith("interval") and isinstance(node, exp.Add):
            return right
        if isinstance(node, exp.Sub) and left.is_temporal and right.is_temporal:
            return T.INTERVAL_DAY
        return T.UNKNOWN

    # -- aggregates and math ---------------------------------------------------------------

    def _sum(self, node: exp.Sum) -> SqlType:
        arg = self.infer(node.this)
        if arg.is_integer:
            return T.BIGINT
        if arg.is_decimal:
            return T.decimal(T.MAX_PRECISION, arg.scale or 0)
        return arg if arg.is_floating else T.UNKNOWN

    def _avg(self, node: exp.Avg) -> SqlType:
        arg = self.infer(node.this)
        if arg.is_decimal or arg == T.REAL:
            return arg
        return T.DOUBLE if arg.is_numeric else T.UNKNOWN

    def _approx_quantile(self, node: exp.ApproxQuantile) -> SqlType:
        arg = self.infer(node.this)
        element = T.BIGINT if arg.is_integer else T.REAL if arg == T.REAL else T.DOUBLE
        if isinstance(node.args.get("quantile"), exp.Array):
            return T.array(element)
        return element

    def _round(self, node: exp.Round) -> SqlType:
        arg = self.infer(node.this)
        if not arg.is_decimal:
            return arg
        p, s = int(arg.precision or 0), int(arg.scale or 0)
        if node.args.get("decimals") is not None:
            return T.decimal(p + 1, s)
        return T.decimal(p - s + min(s, 1), 0)

    def _ceil_floor(self, node: exp.Expr) -> SqlType:
        arg = self.infer(node.this)
        if not arg.is_decimal:
            return arg
        p, s = int(arg.precision or 0), int(arg.scale or 0)
        return T.decimal(p - s + min(s, 1), 0)

    def _truncate(self, node: exp.Trunc) -> SqlType:
        arg = self.infer(node.this)
        if not arg.is_decimal or node.args.get("decimals") is not None:
            return arg
        p, s = int(arg.precision or 0), int(arg.scale or 0)
        return T.decimal(p - s, 0)

    def _sign(self, node: exp.Sign) -> SqlType:
        arg = self.infer(node.this)
        return T.decimal(1, 0) if arg.is_decimal else arg

    def _case(self, node: exp.Case) -> SqlType:
        branches = [i.args.get("true") for i in node.args.get("ifs") or []]
        return self._supertype(*branches, node.args.get("default"))

    def _variadic(self, node: exp.Expr) -> SqlType:
        return self._supertype(node.this, *node.expressions)

    def _bracket(self, node: exp.Bracket) -> SqlType:
        container = self.infer(node.this)
        return container.element or T.UNKNOWN if container.name == "array" else T.UNKNOWN


def signed_integer_literal(node: exp.Expr) -> int | None:
    """The value of an integer literal as Trino reads it: ``-5`` with its sign, else None.

    A minus written right before the digits belongs to the number (``-5``, ``- 5``);
    one before parentheses (``-(5)``) is a negation of the literal inside.
    """
    if isinstance(node, exp.Neg):
        inner = signed_integer_literal(node.this)
        return -inner if inner is not None and isinstance(node.this, exp.Literal) else None
    if isinstance(node, exp.Literal) and not node.is_string and node.name.isdigit():
        return int(node.name)
    return None


def _literal(node: exp.Literal) -> SqlType:
    if node.is_string:
        return T.VARCHAR
    return T.literal_number_type(node.name)


def _cast(node: exp.Cast) -> SqlType:
    target = node.args["to"]
    D = exp.DataType.Type
    operand = node.this
    if (
        target.this == D.DECIMAL
        and not target.expressions
        and isinstance(operand, exp.Literal)
        and operand.is_string
    ):
        # DECIMAL '12.50' is a typed literal: its type comes from its digits.
        return T.decimal_literal_type(operand.name)
    return from_datatype(target)


def _interval(node: exp.Interval) -> SqlType:
    unit = node.args.get("unit")
    name = (unit.name if unit is not None else "").upper()
    if isinstance(unit, exp.IntervalSpan):
        name = unit.this.name.upper()
    return T.INTERVAL_MONTH if name in ("YEAR", "QUARTER", "MONTH") else T.INTERVAL_DAY


def _output_index(query: exp.Expr, name: str | None) -> int | None:
    """The position of the output column ``name`` (0 when None): the first SELECT of a set
    operation names its columns."""
    while isinstance(query, (exp.SetOperation, exp.Subquery)):
        query = query.left if isinstance(query, exp.SetOperation) else query.this
    if not isinstance(query, exp.Select):
        return None
    if name is None:
        return 0
    names = [projection.alias_or_name for projection in query.selects]
    return names.index(name) if name in names else None

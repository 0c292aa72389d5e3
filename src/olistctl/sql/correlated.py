"""Correlated subqueries and LATERAL joins Athena refuses, or answers otherwise than DuckDB:
refused by name before DuckDB (which runs them all) gives an answer Athena would not.

Three kinds (the evidence is cited where each is checked, and in
tests/cli/test_correlated_subqueries.py next to each case):

- what Trino's analyzer refuses whatever the plan: a LATERAL reference in a RIGHT or FULL
  JOIN, a FULL JOIN LATERAL not ON TRUE, a subquery in an outer join's condition that uses
  a column around it;
- what the engines read differently: an aggregate in a subquery over a column of an
  enclosing query, a RIGHT or FULL JOIN LATERAL (Trino joins it once per row before it);
- what Trino's decorrelator cannot rewrite ("Given correlated subquery is not supported"),
  or may not in the version Athena runs: ``decorrelation.py``.
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.errors import SqlError
from olistctl.sql.blocks import on_true
from olistctl.sql.correlation import inside, origin, outer_columns, subqueries, written
from olistctl.sql.decorrelation import Decorrelation, Refused
from olistctl.sql.grammar import JOIN_WORD
from olistctl.sql.rewrite import error_at, node_position

_REFUSED = (
    "Athena may refuse this correlated subquery ('Given correlated subquery is not supported')"
)
_HINT = "run it on --backend aws, or rewrite it as a join"


def check_correlated(tree: exp.Expr) -> None:
    """Refuse the first correlated subquery or LATERAL join Athena refuses or answers
    otherwise, or for which there is no evidence it does not. The tree is qualified and
    typed."""
    _check_lateral_joins(tree)
    _check_outer_aggregates(tree)
    for subquery in subqueries(tree):
        outer = outer_columns(subquery.query)
        if not outer:
            continue
        _check_outer_join_condition(subquery.node, outer)
        try:
            Decorrelation(subquery, outer).check()
        except Refused as refused:
            raise error_at(refused.node, f"{_REFUSED}: {refused.reason}", hint=_HINT) from None


def _check_lateral_joins(tree: exp.Expr) -> None:
    for join in tree.find_all(exp.Join):
        lateral = join.this
        side = (join.args.get("side") or "").upper()
        if not isinstance(lateral, exp.Lateral) or side not in ("RIGHT", "FULL"):
            continue
        used = [
            c for c in outer_columns(lateral.this) if (o := origin(c)) and o.block is join.parent
        ]
        if used:
            # StatementAnalyzer.visitJoin: "LATERAL reference not allowed in %s JOIN".
            raise error_at(
                used[0],
                f"Athena does not allow a LATERAL relation in a {side} JOIN to use"
                f" {written(used[0])} of the relations before it ('LATERAL reference not"
                f" allowed in {side} JOIN')",
                hint="use an INNER or LEFT JOIN LATERAL",
            )
        if side == "FULL" and not on_true(join):
            # TestSubqueries.testUncorrelatedSubquery: ".* FULL JOIN involving LATERAL
            # relation is only supported with condition ON TRUE", correlated or not.
            raise _at_join(
                join,
                "Athena runs a FULL JOIN LATERAL only with the condition ON TRUE ('FULL JOIN"
                " involving LATERAL relation is only supported with condition ON TRUE')",
                hint="join ON TRUE, or use an INNER or LEFT JOIN LATERAL",
            )
        # Trino joins a LATERAL relation once per row before it: a RIGHT or FULL JOIN
        # LATERAL keeps its rows once per such row, and none after no row
        # (TestSubqueries.testUncorrelatedSubquery: "(VALUES 1, null) t(a) RIGHT JOIN LATERAL
        # (SELECT * FROM (VALUES 2, null)) t2(b) ON a < b" is four rows, an empty left side
        # none; testRemoveUnreferencedScalarSubqueryOrInput). DuckDB joins it once.
        raise _at_join(
            join,
            f"A {side} JOIN LATERAL is not supported by the local engine: Athena joins the"
            " LATERAL relation once for each row before it",
            hint="use an INNER or LEFT JOIN LATERAL, or run it on --backend aws",
        )


def _at_join(join: exp.Join, message: str, *, hint: str) -> SqlError:
    """An error placed at the join's JOIN keyword (its first named part may lie far after)."""
    line, column = join.meta.get(JOIN_WORD) or node_position(join)
    return SqlError(message, line=line, column=column, hint=hint)


def _check_outer_join_condition(node: exp.Expr, outer: list[exp.Column]) -> None:
    # ExpressionAnalyzer: no correlation in an outer join's condition ("Reference to column
    # 'o1.orderkey' from outer scope not allowed in this context":
    # AbstractTestEngineOnlyQueries.testCorrelatedExistsSubqueries, "join").
    join = node.find_ancestor(exp.Join)
    while join is not None:
        condition = join.args.get("on")
        side = (join.args.get("side") or "").upper()
        if side in ("LEFT", "RIGHT", "FULL") and condition is not None and inside(node, condition):
            raise error_at(
                outer[0],
                f"Athena does not allow a subquery in the ON clause of a {side} JOIN to use"
                f" {written(outer[0])} of a query around it ('Reference to column … from"
                " outer scope not allowed in this context')",
                hint="join the subquery's table in the FROM clause, or use an INNER JOIN",
            )
        join = join.find_ancestor(exp.Join)


def _check_outer_aggregates(tree: exp.Expr) -> None:
    """An aggregate inside a subquery over columns of an enclosing query. The SQL standard
    (and DuckDB) make ``max(o.x)`` an aggregate of the enclosing query; Trino computes it in
    the subquery, which its legacy decorrelator refuses (TestDecorrelateDependentJoin.
    testScalarAggregateWithCorrelationInArgument, testScalarAggregateWithCorrelatedFilter
    Mask: "Legacy can't"), and its analyzer refuses it outright when the enclosing query
    groups without ``o.x`` (AggregationAnalyzer: "Subquery uses 'o.x' which must appear in
    GROUP BY clause"; TestAnalyzer.testGroupByWithSubquerySelectExpression)."""
    for aggregate in tree.find_all(exp.AggFunc):
        block = aggregate.find_ancestor(exp.Select)
        if block is None:
            continue
        # Its FILTER (WHERE …) too: Trino plans it as the aggregate's mask, an argument.
        call = aggregate.parent if isinstance(aggregate.parent, exp.Filter) else aggregate
        columns = [c for c in call.find_all(exp.Column) if origin(c) is not None]
        outer = [c for c in columns if not inside(origin(c).block, block)]  # type: ignore[union-attr]
        if not outer:
            continue
        if len(outer) == len(columns):
            raise error_at(
                call,
                f"The aggregate {written(call)} in a subquery uses only columns of an"
                " enclosing query, which the SQL standard computes in that query and Athena"
                " in the subquery, or refuses",
                hint="compute it in the enclosing query's SELECT or HAVING and compare with"
                " that, or run it on --backend aws",
            )
        raise error_at(
            call,
            f"{_REFUSED}: the aggregate {written(call)} uses {written(outer[0])} of the outer"
            " query",
            hint=_HINT,
        )

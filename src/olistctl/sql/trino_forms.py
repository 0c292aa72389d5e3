"""Valid Trino syntax DuckDB does not read as Trino means it: rewritten to an equivalent
DuckDB reads, or refused by name as a gap of the local engine (never as olistctl's bug).

The rules cited are those of Trino's grammar (trinodb/trino,
core/trino-grammar/src/main/antlr4/io/trino/grammar/sql/SqlBase.g4).
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.errors import SqlError
from olistctl.sql.blocks import grouping_sets
from olistctl.sql.rewrite import error_at


def _gap(node: exp.Expr, written: str) -> SqlError:
    return error_at(node, f"{written} is not supported by the local engine")


def normalize(tree: exp.Expr) -> None:
    """Rewrite the forms DuckDB cannot parse into the same query in a form it can, and
    refuse the ones the local engine has no translation for."""
    # Reversed pre-order: ((t)) unwraps from the inside out.
    for node in reversed(list(tree.walk(bfs=False))):
        if isinstance(node, exp.Subquery):
            _unwrap_parenthesized_table(node)
        elif isinstance(node, exp.Group):
            _empty_rollup_or_cube(node)
            _drop_group_quantifier(node)
        _refuse_gap(node)


def _unwrap_parenthesized_table(node: exp.Subquery) -> None:
    # relationPrimary: '(' relation ')' #parenthesizedRelation, then aliasedRelation:
    # relationPrimary (AS? identifier columnAliases?)?: ``FROM (t)`` is t, ``(t) AS x`` is
    # t named x (the outer name replaces an inner one). DuckDB parses (a JOIN b ON …) but
    # not a lone table in parentheses.
    table = node.this
    if not isinstance(table, exp.Table) or table.args.get("joins"):
        return
    alias = node.args.get("alias")
    if alias is not None:
        table.set("alias", alias)
    node.replace(table)


def _empty_rollup_or_cube(group: exp.Group) -> None:
    # groupingElement: … | ROLLUP '(' (groupingSet (',' groupingSet)*)? ')' | CUBE '('
    # (groupingSet …)? ')': the list may be empty, and Trino's planner makes it the one
    # empty grouping set, as GROUPING SETS (()) is (QueryPlanner.enumerateGroupingSets: a
    # rollup's sets are its prefixes, rangeClosed(0, size), a cube's Sets.powerSet, each
    # [{}] for none). sqlglot keeps ROLLUP () as a Rollup without expressions, which it
    # writes as MySQL's WITH ROLLUP (GROUP BY … WITH ROLLUP, refused by grammar.py, is kept
    # apart, under the Group's "rollup" and "cube").
    for element in group.expressions:
        if isinstance(element, (exp.Rollup, exp.Cube)) and not element.expressions:
            element.replace(exp.GroupingSets(expressions=[exp.Tuple()]))


def _drop_group_quantifier(group: exp.Group) -> None:
    # groupBy: setQuantifier? groupingElement (',' groupingElement)*. The quantifier says
    # whether repeated grouping sets each give rows (ALL, the default) or once (DISTINCT)
    # (trinodb/trino docs/src/main/sphinx/sql/select.md, "Complex grouping operations"):
    # a plain list is one grouping set, so GROUP BY DISTINCT a and GROUP BY ALL a are
    # GROUP BY a. DuckDB reads GROUP BY ALL as "every non-aggregate", and has no DISTINCT.
    if group.args.get("all") is None:
        return  # no quantifier (sqlglot: all=True for ALL, False for DISTINCT)
    if grouping_sets(group):
        word = "ALL" if group.args["all"] else "DISTINCT"
        raise _gap(group, f"GROUP BY {word} with GROUPING SETS, ROLLUP or CUBE")
    group.set("all", None)


_ROW_COMPARISONS = (
    exp.EQ,
    exp.NEQ,
    exp.LT,
    exp.LTE,
    exp.GT,
    exp.GTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
)


def _refuse_gap(node: exp.Expr) -> None:
    if isinstance(node, exp.AtTimeZone):
        # valueExpression AT timeZoneSpecifier: Trino gives a timestamp with time zone,
        # reading a plain timestamp in the session's zone; sqlglot writes DuckDB's
        # timezone(), whose types and reading are not Trino's, and no equality of the
        # two has been shown: refused rather than guessed.
        raise _gap(node, "AT TIME ZONE")
    if isinstance(node, exp.HexString):
        # primaryExpression: BINARY_LITERAL (X'…', a varbinary): the local engine has no
        # varbinary values to give.
        raise _gap(node, f"The binary literal X'{node.this}'")
    if isinstance(node, exp.In) and isinstance(node.this, exp.Tuple):
        # primaryExpression: '(' expression (',' expression)+ ')' #rowConstructor, with
        # predicate: IN '(' query ')' or IN '(' expression … ')': DuckDB's rows compare
        # by other rules (and sqlglot writes them as row(), which the guard refuses).
        raise _gap(node, "A row on the left of IN ((a, b) IN …)")
    if isinstance(node, _ROW_COMPARISONS) and any(
        isinstance(side, exp.Tuple) for side in (node.this, node.expression)
    ):
        # The same row constructor compared with =, <>, <, … (comparisonOperator): the
        # same row() the guard refuses, and the same doubt about how rows compare.
        raise _gap(node, "A comparison of rows ((a, b) = (…))")
    if isinstance(node, exp.Unnest) and len(node.expressions) > 1:
        # relationPrimary: UNNEST '(' expression (',' expression)* ')': Trino zips the
        # arrays, padding the shorter with NULL; DuckDB's unnest table function takes one.
        raise _gap(node, "UNNEST of several arrays")

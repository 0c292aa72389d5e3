"""ORDER BY reads a name as the SELECT list's output column first, inside expressions too.

Trino resolves the names of ``ORDER BY`` against the query's output columns before the
FROM clause's (trinodb/trino ``AbstractTestOrderByQueries.testOrderByWithOutputColumnReference``:
``SELECT a*-2 AS a FROM (VALUES -1, 0, 2) t(a) ORDER BY a*-1`` is ``2, 0, -4``), and
``t.a`` names the table's column. DuckDB reads an alias only as a whole ORDER BY item:
inside ``a*-1`` it took the table's ``a`` and sorted the other way. sqlglot's qualify
leaves such a name unqualified (it may be an alias), so a name written without a
qualifier is marked before qualify, and after it is replaced by the expression its
output column computes, which is what Trino's analyzer does with it.

Trino refuses two readings DuckDB would answer (``TestAnalyzer``, ``AbstractTestOrderByQueries``):
an output column named inside an aggregate of ORDER BY ("Invalid reference to output
projection attribute from ORDER BY aggregation", also for ``SELECT DISTINCT a AS a, …
ORDER BY max(a)``), and a name two different output columns carry ("'a' is ambiguous").
"""

from __future__ import annotations

from sqlglot import exp

from olistctl.sql.rewrite import error_at

_OUTPUT_NAME = "olistctl_order_by_output"  # on an ORDER BY column written without a qualifier
_WRITTEN_ALIAS = "olistctl_written_alias"  # on a SELECT item the user gave an AS name


def mark_output_references(tree: exp.Expr) -> None:
    """Before qualify: mark each unqualified ORDER BY name that a SELECT alias may mean."""
    for select in tree.find_all(exp.Select):
        order = select.args.get("order")
        if order is None:
            continue
        aliases = set()
        for projection in select.expressions:
            if isinstance(projection, exp.Alias):
                projection.meta[_WRITTEN_ALIAS] = True
                aliases.add(projection.alias.lower())
        for column in _own_columns(order, select):
            if not column.table and column.name.lower() in aliases:
                if _in_aggregate(column, select):
                    # Checked here: qualify puts a SELECT item's alias in the place of an
                    # ORDER BY aggregate that repeats it (ORDER BY max(a) -> ORDER BY c).
                    raise error_at(
                        column.this,
                        "Invalid reference to output projection attribute from ORDER BY"
                        f" aggregation: {column.name} names a SELECT item here (Athena"
                        " refuses it too)",
                        hint=f"qualify the column (t.{column.name}) or rename the SELECT item",
                    )
                column.meta[_OUTPUT_NAME] = True


def resolve_output_references(tree: exp.Expr) -> None:
    """After qualify: put each marked name's output expression in its place, or refuse."""
    for select in list(tree.find_all(exp.Select)):
        order = select.args.get("order")
        if order is None:
            continue
        for column in list(_own_columns(order, select)):
            if column.meta.get(_OUTPUT_NAME):
                _resolve(column, select)


def _resolve(column: exp.Column, select: exp.Select) -> None:
    name = column.name.lower()
    named = [p for p in select.expressions if p.alias_or_name.lower() == name]
    if not any(p.meta.get(_WRITTEN_ALIAS) for p in named):
        return
    computed = {_unaliased(p).sql(dialect="trino") for p in named}
    if len(computed) > 1:
        raise error_at(
            column.this,
            f"'{column.name}' is ambiguous in ORDER BY: two SELECT items are named"
            f" {column.name} (Athena refuses it too)",
            hint="give the SELECT items different names, or qualify the column (t.column)",
        )
    if isinstance(column.parent, exp.Ordered):
        return  # a whole ORDER BY item: DuckDB reads the alias there too
    column.replace(exp.Paren(this=_unaliased(named[0]).copy()))


def _unaliased(projection: exp.Expr) -> exp.Expr:
    return projection.this if isinstance(projection, exp.Alias) else projection


def _own_columns(order: exp.Expr, select: exp.Select) -> list[exp.Column]:
    """The columns of ``order`` that belong to ``select``: not a subquery's, nor a lambda's
    parameter."""
    own = []
    for column in order.find_all(exp.Column):
        if column.find_ancestor(exp.Select) is not select:
            continue
        lambda_ = column.find_ancestor(exp.Lambda)
        if lambda_ is not None and column.name in {p.name for p in lambda_.expressions}:
            continue
        own.append(column)
    return own


def _in_aggregate(column: exp.Column, select: exp.Select) -> bool:
    """Inside an aggregate call (not a window function's, which Trino reads as an expression)."""
    node = column.parent
    while node is not None and node is not select:
        if isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Window):
            return True
        node = node.parent
    return False

"""Which columns a query reads, and the unknown-column check with a suggestion.

Both work on the query after sqlglot's ``qualify``, where every column
reference names its source and ``SELECT *`` is expanded. Athena bills the
columns a query reads from each table's Parquet files; ``COUNT(*)`` reads none.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope, walk_in_scope

from olistctl.errors import SqlError
from olistctl.sql.rewrite import node_position
from olistctl.sql.table_alias import alias_columns, catalog_column, table_columns


def referenced_columns(
    tree: exp.Expr, tables: list[str], schema: Mapping[str, Mapping[str, object]]
) -> dict[str, set[str]]:
    """table -> the columns of it the query reads (an empty set when it reads none)."""
    columns: dict[str, set[str]] = {table: set() for table in tables}
    for scope in traverse_scope(tree):
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if isinstance(source, exp.Table) and source.name in columns:
                own = catalog_column(source, column.name, schema)
                if own is not None:
                    columns[source.name].add(own)
        # A HAVING clause's unqualified columns are in no scope's columns. Counted for
        # every table here or in an enclosing query (a correlated reference) that has a
        # column of that name: the estimate may bill a column twice over, never less
        # than Athena scans.
        for column in _having_unqualified(scope):
            outer: Scope | None = scope
            while outer is not None:
                for source in outer.sources.values():
                    if isinstance(source, exp.Table) and source.name in columns:
                        own = catalog_column(source, column.name, schema)
                        if own is not None:
                            columns[source.name].add(own)
                outer = outer.parent
    return columns


def _output_names(source: Scope | exp.Expr) -> list[str] | None:
    """The column names a derived source exposes (None when they cannot be listed)."""
    node = source.expression if isinstance(source, Scope) else source
    alias = node.args.get("alias") if isinstance(node, (exp.Unnest, exp.Values)) else None
    if alias is not None and alias.columns:
        names = [c.name for c in alias.columns]
        offset = node.args.get("offset") if isinstance(node, exp.Unnest) else None
        if isinstance(offset, exp.Identifier):
            names.append(offset.name)  # UNNEST … WITH ORDINALITY AS t(x, n)
        return names
    if isinstance(node, exp.Query):
        return list(node.named_selects)
    return None


def _lambda_parameters(column: exp.Column) -> set[str]:
    names: set[str] = set()
    node = column.parent
    while node is not None:
        if isinstance(node, exp.Lambda):
            names.update(p.name for p in node.expressions)
        node = node.parent
    return names


def _enclosing_source(scope: Scope, alias: str) -> bool:
    return any(alias in _selected(outer) for outer in _enclosing_scopes(scope))


def _selected(scope: Scope) -> dict[str, exp.Table | Scope]:
    """The relations of a query's FROM clause, by name: not a WITH query it only defines,
    which is no relation there (its columns are not the query's)."""
    return {name: source for name, (_, source) in scope.selected_sources.items()}


def _enclosing_scopes(scope: Scope) -> Iterator[Scope]:
    """The enclosing queries whose relations a correlated reference in ``scope`` may name.

    Trino analyzes a relation of a FROM clause in its query's outer scope, not beside the
    relations before it (``StatementAnalyzer.visitJoin``: the right side gets the left's
    scope only when it is LATERAL), and a WITH query likewise: a derived table or WITH
    query sees what its query sees from outside, never that query's own FROM. DuckDB
    would read a sibling there (an implicit LATERAL join)."""
    current = scope
    while current.parent is not None:
        hidden = current.is_derived_table or current.is_cte
        current = current.parent
        if not hidden:
            yield current


def _in_order_by(column: exp.Column, scope: Scope) -> bool:
    order = scope.expression.args.get("order") if isinstance(scope.expression, exp.Select) else None
    return order is not None and any(node is column for node in order.walk())


def check_columns(tree: exp.Expr, schema: Mapping[str, Mapping[str, object]]) -> None:
    """Raise SqlError for the first column reference that no source provides."""
    for scope in traverse_scope(tree):
        for column in scope.columns:
            if column.name in _lambda_parameters(column):
                continue
            problem = _problem(column, scope, schema)
            if problem is not None:
                _raise(column, problem)
        for column in _having_unqualified(scope):
            if column.name in _lambda_parameters(column):
                continue
            problem = _having_problem(column, scope, schema)
            if problem is not None:
                _raise(column, problem)


def _raise(column: exp.Column, problem: tuple[str, str]) -> None:
    message, hint = problem
    line, col = node_position(column)
    raise SqlError(message, line=line, column=col, hint=hint)


def _having_unqualified(scope: Scope) -> list[exp.Column]:
    """The unqualified columns of a scope's HAVING clause, which sqlglot keeps out of
    ``scope.columns`` (they might name a SELECT alias) and qualify leaves unqualified."""
    query = scope.expression
    having = query.args.get("having") if isinstance(query, exp.Select) else None
    if having is None:
        return []
    return [
        node
        for node in walk_in_scope(having)
        if isinstance(node, exp.Column) and not node.table and not node.is_star
    ]


def _having_problem(
    column: exp.Column, scope: Scope, schema: Mapping[str, Mapping[str, object]]
) -> tuple[str, str] | None:
    """An unqualified HAVING column that no source of its query, nor of an enclosing one
    (a correlated reference), exposes. Trino resolves HAVING against the FROM clause's
    relations (``StatementAnalyzer``: ``analyzeHaving(node, sourceScope)``), not the
    SELECT list's aliases, which DuckDB would accept. Qualify has resolved a name one
    source has and a ``JOIN … USING`` column (the transpiler parks HAVING in the select
    list for it), so a name that two of the query's sources have is ambiguous, as in
    the select list."""
    name = column.name
    holders = [
        alias
        for alias, source in _selected(scope).items()
        if name in (_source_names(source, schema) or [])
    ]
    if len(holders) > 1:
        return _ambiguous(name, holders)
    for outer in (scope, *_enclosing_scopes(scope)):
        for source in _selected(outer).values():
            names = _source_names(source, schema)
            if names is None or name in names:
                return None  # found, or a source whose columns cannot be listed
    if not _selected(scope):
        return f"Column {name} cannot be resolved: the query reads no table", "add a FROM clause"
    query = scope.expression
    if isinstance(query, exp.Select) and name in query.named_selects:
        return (
            f"Column {name} cannot be resolved",
            f"Athena reads no SELECT alias in HAVING: repeat the expression {name} names",
        )
    candidates: list[str] = []
    for outer in (scope, *_enclosing_scopes(scope)):  # this query's columns first
        for source in _selected(outer).values():
            candidates += _source_names(source, schema) or []
    return f"Column {name} cannot be resolved", _suggest(name, candidates)


def _problem(
    column: exp.Column, scope: Scope, schema: Mapping[str, Mapping[str, object]]
) -> tuple[str, str] | None:
    name = column.name
    if column.table:
        source = scope.sources.get(column.table)
        if source is None:
            if _enclosing_source(scope, column.table):
                return None  # a correlated reference to an enclosing query's source
            sources = ", ".join(sorted(_selected(scope))) or "none"
            return (
                f"{column.table}.{name}: no table or alias {column.table} in this query",
                f"the tables and aliases here are {sources}",
            )
        if isinstance(source, exp.Table):
            known = table_columns(source, schema)
            where = f"the table {source.name}" if alias_columns(source) is None else column.table
        else:
            listed = _output_names(source)
            if listed is None:
                return None
            known, where = listed, f"{column.table}"
        if name in known:
            return None
        return f"Column {name} does not exist in {where}", _suggest(name, known)
    # Unqualified after qualify: no source has it, unless ORDER BY names an output column.
    query = scope.expression
    if isinstance(query, exp.SetOperation) and name in query.named_selects:
        return None
    if (
        isinstance(query, exp.Select)
        and _in_order_by(column, scope)
        and name in query.named_selects
    ):
        return None
    candidates: list[str] = []
    holders: list[str] = []
    for alias, source in _selected(scope).items():
        if isinstance(source, exp.Table):
            names = table_columns(source, schema)
        else:
            names = _output_names(source) or []
        candidates += names
        if name in names:
            holders.append(alias)
    if len(holders) > 1:
        return _ambiguous(name, holders)
    if not candidates and not _selected(scope):
        return f"Column {name} cannot be resolved: the query reads no table", "add a FROM clause"
    return f"Column {name} cannot be resolved", _suggest(name, candidates)


def _source_names(
    source: exp.Table | Scope, schema: Mapping[str, Mapping[str, object]]
) -> list[str] | None:
    if isinstance(source, exp.Table):
        return table_columns(source, schema)
    return _output_names(source)


def _ambiguous(name: str, holders: list[str]) -> tuple[str, str]:
    # Trino: "Column 'x' is ambiguous" (StatementAnalyzer); DuckDB would say so in its words.
    return (
        f"Column {name} is ambiguous",
        "qualify it with its table: " + " or ".join(f"{h}.{name}" for h in holders),
    )


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]}?"
    return "the columns available here are " + ", ".join(sorted(dict.fromkeys(known)))

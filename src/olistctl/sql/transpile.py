"""Athena SQL in, DuckDB SQL out, with Athena's answers (or a refusal naming the construct).

A plain ``sqlglot.transpile(sql, read="athena", write="duckdb")`` gives wrong
answers (``7/2``, ``date_diff``, ``try_cast('1.5' AS integer)``, decimal
division …). :func:`transpile` instead:

1. parses the query (a syntax error carries its line and column);
2. resolves table names against the catalog, stripping ``awsdatacatalog``/database
   qualifiers;
3. names unnamed output columns ``_col0``, ``_col1`` … as Athena does;
4. qualifies columns (sqlglot) and checks each one exists, suggesting the closest name;
5. types every expression as Trino would (``type_inference.py``);
6. rewrites each construct into DuckDB that computes Trino's answer, or refuses it
   (``rewrite.py`` with the rules of ``rules.py``).

Parameters: the ``?`` marks of the query (Athena's execution parameters, see
``params.py``) are typed with ``param_types``, the Athena types of the values
bound to them in order, and become DuckDB's numbered prepared parameters
``$1``, ``$2`` … cast to those types. The values are never part of the DuckDB
SQL, so a transpile (and its cache entry) serves every value of those types.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import re
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

from sqlglot import exp
from sqlglot.dialects.trino import Trino
from sqlglot.errors import OptimizeError, ParseError, TokenError
from sqlglot.optimizer.qualify import qualify
from sqlglot.parsers.trino import TrinoParser
from sqlglot.tokenizer_core import TokenType

from olistctl.errors import SqlError
from olistctl.sql import grammar, trino_forms
from olistctl.sql.columns import check_columns, referenced_columns
from olistctl.sql.comments import blank_comments
from olistctl.sql.correlated import check_correlated
from olistctl.sql.named_windows import WINDOW_REFERENCE, inline_named_windows
from olistctl.sql.order_by import mark_output_references, resolve_output_references
from olistctl.sql.params import PARAM_INDEX, count_mismatch
from olistctl.sql.rewrite import BACKEND_HINT, Rewriter, error_at, node_position, output_select
from olistctl.sql.rules import RULES, VERIFIED
from olistctl.sql.translation import Transpiled
from olistctl.sql.type_inference import TypeInference, set_type
from olistctl.sql.types import SqlType, parse_catalog_type
from olistctl.sql.unnest_columns import name_unnest_columns, rename_unnamed_outputs
from olistctl.sql.verified import check_verified

DEFAULT_CATALOG = "awsdatacatalog"

# Transpiled lives in a light module (no sqlglot), re-exported here.
__all__ = ["DEFAULT_CATALOG", "AthenaQuery", "Transpiled", "transpile"]


def _keep_name(name: str):
    def build(args: list) -> exp.Anonymous:
        return exp.Anonymous(this=name, expressions=args)

    return build


class AthenaQuery(Trino):
    """Athena's query dialect (Trino), keeping format patterns and JSON paths as written.

    sqlglot's Athena reader converts date_format/date_parse's MySQL-style
    patterns to its own notation, which loses what the user wrote (``%i`` vs
    ``%M``), and parses JSON paths into its own tree; the translations in
    ``formats.py`` and ``jsonpath.py`` need the original text.
    """

    class Parser(TrinoParser):
        FUNCTIONS: ClassVar[dict] = {
            **TrinoParser.FUNCTIONS,
            "DATE_FORMAT": _keep_name("date_format"),
            "DATE_PARSE": _keep_name("date_parse"),
            "JSON_EXTRACT": _keep_name("json_extract"),
            "JSON_EXTRACT_SCALAR": _keep_name("json_extract_scalar"),
        }
        # A ``?`` keeps where it was written: parameters bind in the order of the text,
        # which the tree's own order does not follow (a CTE's WHERE is visited last).
        PLACEHOLDER_PARSERS: ClassVar[dict] = {
            **TrinoParser.PLACEHOLDER_PARSERS,
            TokenType.PLACEHOLDER: lambda self: self._positioned_placeholder(),
        }

        def _positioned_placeholder(self) -> exp.Expr:
            token = self._prev
            node = self.expression(exp.Placeholder())
            node.meta.update(line=token.line, col=token.col, start=token.start, end=token.end)
            return node

        # Marks for grammar.check_tree, which the tree would not otherwise keep.
        def _parse_select_query(self, *args, **kwargs) -> exp.Expr | None:
            first = self._curr if self._match(TokenType.FROM, advance=False) else None
            query = super()._parse_select_query(*args, **kwargs)
            if first is not None and isinstance(query, exp.Select):
                query.meta[grammar.FROM_FIRST] = grammar.token_position(first)
            return query

        def _parse_join(self, *args, **kwargs) -> exp.Join | None:
            first = self._curr
            comma = self._match(TokenType.COMMA, advance=False)
            join = super()._parse_join(*args, **kwargs)
            if join is not None and first is not None and not comma:
                word = next(
                    (
                        t
                        for t in self._tokens[self._tokens.index(first) : self._index]
                        if t.token_type == TokenType.JOIN
                    ),
                    first,
                )
                join.meta[grammar.JOIN_WORD] = grammar.token_position(word)
            return join

        def _parse_window(self, *args, **kwargs) -> exp.Expr | None:
            start = self._index
            window = super()._parse_window(*args, **kwargs)
            if isinstance(window, exp.Window) and window.args.get("alias") is not None:
                tokens = self._tokens[start : self._index]
                over = [i for i, t in enumerate(tokens) if t.token_type == TokenType.OVER]
                if over and (
                    over[-1] + 1 >= len(tokens)
                    or tokens[over[-1] + 1].token_type != TokenType.L_PAREN
                ):
                    # OVER w, not OVER (w …): Trino's WindowReference, which alone may name
                    # a window with a frame (named_windows.py).
                    window.meta[WINDOW_REFERENCE] = True
            return window

        def _parse_group(self, *args, **kwargs) -> exp.Group | None:
            first = self._curr
            group = super()._parse_group(*args, **kwargs)
            if group is not None and first is not None:
                group.meta.update(line=first.line, col=first.col, start=first.start, end=first.end)
            return group


def transpile(
    sql: str,
    schema: Mapping[str, Mapping[str, str]],
    *,
    database: str | None = None,
    param_types: Sequence[str] = (),
) -> Transpiled:
    """Athena SQL -> DuckDB SQL over views named after the catalog's tables.

    ``schema`` maps table -> {column: Athena type} (``string``, ``decimal(10,2)`` …);
    ``param_types`` has the Athena type of the value for each ``?``, in order.
    Raises :class:`olistctl.errors.SqlError` for bad or unsupported SQL.
    """
    try:
        return _transpile(sql, schema, database, param_types)
    except RecursionError:
        # sqlglot parses, walks and writes the tree recursively.
        raise SqlError(
            "The SQL nests too deeply for olistctl to read it (too many nested parentheses,"
            " subqueries or terms in one expression)",
            hint="split it into WITH queries or shorter expressions",
        ) from None


def _transpile(
    sql: str,
    schema: Mapping[str, Mapping[str, str]],
    database: str | None,
    param_types: Sequence[str],
) -> Transpiled:
    catalog = {
        table.lower(): {column.lower(): parse_catalog_type(t) for column, t in cols.items()}
        for table, cols in schema.items()
    }
    tree = _parse(sql)
    trino_forms.normalize(tree)
    _refuse_unsupported_clauses(tree)
    inline_named_windows(tree)
    _refuse_empty_names(tree)
    _refuse_natural_joins(tree)
    _number_placeholders(tree, len(param_types))
    tables = _resolve_tables(tree, catalog, database)
    mark_output_references(tree)
    _name_outputs(tree)
    _check_column_aliases(tree, catalog)
    name_unnest_columns(tree)
    tree = _qualify(tree, catalog)
    _check_starred_widths(tree)
    rename_unnamed_outputs(tree)
    check_columns(tree, catalog)
    resolve_output_references(tree)
    columns = referenced_columns(tree, tables, catalog)
    for placeholder in tree.find_all(exp.Placeholder):
        index = placeholder.meta[PARAM_INDEX]
        set_type(placeholder, parse_catalog_type(param_types[index - 1]))
    TypeInference(tree, catalog).run(tree)
    check_correlated(tree)
    tree = Rewriter(RULES, VERIFIED, check_verified, source=sql).run(tree)
    return Transpiled(duckdb_sql=tree.sql(dialect="duckdb"), tables=tables, columns=columns)


def _qualify(tree: exp.Expr, catalog: Mapping[str, Mapping[str, SqlType]]) -> exp.Expr:
    _park_having(tree)
    try:
        qualified = qualify(
            tree,
            dialect=AthenaQuery,
            schema={t: dict.fromkeys(cols, "VARCHAR") for t, cols in catalog.items()},
            expand_alias_refs=False,  # Athena resolves select aliases only in ORDER BY
            # Leave unknown columns for check_columns, which explains what is wrong.
            validate_qualify_columns=False,
            allow_partial_qualification=True,
            quote_identifiers=True,
        )
    except OptimizeError as error:
        raise SqlError(
            f"The query cannot be resolved against the catalog: {error}",
            hint="check the table and column names",
        ) from None
    _unpark_having(qualified)
    return qualified


# The select-list item a HAVING condition is parked in while sqlglot qualifies the query.
_HAVING_SLOT = "olistctl_having"


def _park_having(tree: exp.Expr) -> None:
    """Move each HAVING condition to the end of its select list, for qualify to resolve.

    Trino resolves HAVING's names as the select list's, among the FROM clause's columns
    (``StatementAnalyzer``: ``analyzeHaving(node, sourceScope)``, ``analyzeSelect(node,
    sourceScope)``), so a ``JOIN … USING`` column is one column there too. sqlglot's
    qualify leaves HAVING's unqualified names alone (another dialect may mean a SELECT
    alias), and DuckDB then called a USING column ambiguous; in the select list, qualify
    gives them the meaning Trino gives them."""
    for select in list(tree.find_all(exp.Select)):
        having = select.args.get("having")
        if having is not None:
            select.set("having", None)
            select.append("expressions", exp.alias_(having.this, _HAVING_SLOT, quoted=True))


def _unpark_having(tree: exp.Expr) -> None:
    # A * over a derived table, WITH query or LATERAL with a HAVING was expanded while the
    # condition stood in its select list: the slot it expanded to is no column of it.
    for column in list(tree.find_all(exp.Column)):
        if column.name == _HAVING_SLOT:
            item = column.parent if isinstance(column.parent, exp.Alias) else column
            if isinstance(item.parent, exp.Select) and item.arg_key == "expressions":
                item.pop()
    for select in tree.find_all(exp.Select):
        parked = select.expressions[-1] if select.expressions else None
        if isinstance(parked, exp.Alias) and parked.alias == _HAVING_SLOT:
            select.set("expressions", select.expressions[:-1])
            select.set("having", exp.Having(this=parked.this))


_ALIASED = "olistctl_aliased"


def _check_column_aliases(tree: exp.Expr, catalog: Mapping[str, Mapping[str, SqlType]]) -> None:
    """Refuse a column list that does not name every column of its relation, as Trino does
    (``MISMATCHED_COLUMN_ALIASES``: "Column alias list has 2 entries but 't' has 1
    columns available"); DuckDB would name the first ones and keep or drop the rest."""
    aliased: list[tuple[exp.TableAlias, exp.Expr]] = [
        (alias, alias.parent)
        for alias in tree.find_all(exp.TableAlias)
        if alias.columns
        and isinstance(alias.parent, (exp.Subquery, exp.Table, exp.CTE, exp.Values))
    ]
    if not aliased:
        return
    for alias, _ in aliased:
        seen: set[str] = set()
        for column in alias.columns:
            if column.name.lower() in seen:
                # Trino would call a reference to it ambiguous; DuckDB picks the first
                # (and renames the second a_1 in a SELECT *).
                raise error_at(
                    column,
                    f"The column list of {alias.name} names {column.name} twice",
                    hint="give each column its own name",
                )
            seen.add(column.name.lower())
    widths: dict[int, int] = {}
    starred: list[int] = []
    for at, (_, relation) in enumerate(aliased):
        if isinstance(relation, exp.Table):
            columns = catalog.get(relation.name.lower())
            if columns is not None:
                widths[at] = len(columns)
        elif isinstance(relation, exp.Values):
            rows = relation.expressions
            if rows and isinstance(rows[0], exp.Tuple):
                widths[at] = len(rows[0].expressions)
        elif isinstance(relation.this, exp.Query):
            if any(_is_star(s) for s in relation.this.selects):
                starred.append(at)
            else:
                widths[at] = len(relation.this.selects)
    for at, (alias, _) in enumerate(aliased):
        width = widths.get(at)
        if width is not None and width != len(alias.columns):
            raise _width_error(alias, len(alias.columns), width)
    for at in starred:
        # The width of a query with a * is known once qualify has expanded it (keeping
        # the column list would not hide it: qualify moves the list onto the select, or
        # drops it): checked then, by _check_starred_widths.
        alias, relation = aliased[at]
        relation.meta[_ALIASED] = (len(alias.columns), alias.name, *node_position(alias))


def _check_starred_widths(tree: exp.Expr) -> None:
    for node in tree.walk():
        marked = node.meta.pop(_ALIASED, None)
        if marked is None or not isinstance(node.this, exp.Query):
            continue
        count, name, line, column = marked
        width = len(node.this.selects)
        if width != count:
            raise SqlError(
                _width_message(name, count, width), line=line, column=column, hint=_WIDTH_HINT
            )


_WIDTH_HINT = "name each of its columns once, as Athena requires"


def _width_message(name: str, count: int, width: int) -> str:
    return f"The column list of {name} names {count} column(s), but {name} has {width}"


def _width_error(alias: exp.TableAlias, count: int, width: int) -> SqlError:
    return error_at(alias, _width_message(alias.name, count, width), hint=_WIDTH_HINT)


def _is_star(projection: exp.Expr) -> bool:
    return isinstance(projection, exp.Star) or (
        isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
    )


def _parse(sql: str) -> exp.Expr:
    # Comments are whitespace to Trino (comments.py); every character keeps its place.
    text = blank_comments(sql)
    if not text.strip().rstrip(";").strip():
        raise SqlError("The query is empty", hint="write a SELECT statement")
    grammar.check_text(text)
    dialect = AthenaQuery()
    tokens = []
    try:
        with _quiet_sqlglot():
            tokens = dialect.tokenize(text)
            statements = [s for s in dialect.parser().parse(tokens, text) if s is not None]
    except ParseError as error:
        # What sqlglot fails to read may still be named: a && or an operator of its own.
        grammar.check_tokens(tokens, text)
        first = error.errors[0] if error.errors else {}
        description = str(first.get("description") or error).split("\n")[0]
        # "… missing for <class 'sqlglot.expressions.query.Where'>" -> "… missing for WHERE"
        description = re.sub(r"<class '[\w.]*\.(\w+)'>", lambda m: m.group(1).upper(), description)
        near = first.get("highlight")
        raise SqlError(
            f"Syntax error: {description}" + (f" near '{near}'" if near else ""),
            line=first.get("line"),
            column=first.get("col"),
            hint="check the SQL near that position",
        ) from None
    except TokenError as error:
        raise SqlError(
            f"Syntax error: {error}", hint="check for an unclosed quote or comment"
        ) from None
    if len(statements) != 1:
        raise SqlError(
            f"Found {len(statements)} statements; the query command runs exactly one",
            hint="run the statements one at a time",
        )
    (tree,) = statements
    if isinstance(tree, exp.Values) and not tree.alias:
        # A bare VALUES query: Athena names its columns _col0, _col1 …
        width = len(tree.expressions[0].expressions) if tree.expressions else 0
        names = [exp.to_identifier(f"_col{i}") for i in range(width)]
        tree.set("alias", exp.TableAlias(this=exp.to_identifier("_values"), columns=names))
        tree = exp.select("*").from_(tree)
    if not isinstance(tree, exp.Query):
        # Name the statement as written (SHOW PARTITIONS), not sqlglot's class for it.
        words = re.findall(r"[A-Za-z_]+", text)
        # Two words where the second says what (SHOW PARTITIONS, CREATE TABLE), else one.
        two = words[:1] and words[0].upper() in _TWO_WORD_STATEMENTS
        kind = " ".join(words[: 2 if two else 1]).upper() if words else type(tree).__name__
        raise SqlError(
            f"Only SELECT queries (and SHOW TABLES, SHOW COLUMNS, DESCRIBE) run on the local"
            f" engine, not {kind}",
            hint="run DDL and other statements on --backend aws",
        )
    grammar.check_tokens(tokens, text)
    grammar.check_tree(tree)
    return tree


def _refuse_empty_names(tree: exp.Expr) -> None:
    """Trino's parser refuses ``""`` ("Zero-length delimited identifier not allowed",
    TestSqlParserErrorHandling); DuckDB's would too, but as a failure of olistctl's SQL."""
    for identifier in tree.find_all(exp.Identifier):
        if identifier.quoted and identifier.this == "":
            raise error_at(
                identifier,
                'Syntax error: a quoted name is empty ("")',
                hint="give it a name: Athena allows no zero-length quoted name",
            )


def _refuse_unsupported_clauses(tree: exp.Expr) -> None:
    """Valid Athena the local engine has no translation for, refused by name before the
    column checks misread it (MATCH_RECOGNIZE is refused earlier, by ``grammar``).

    ``t.* AS (a, b)``: Trino renames the relation's columns
    (``StatementAnalyzer.analyzeAllColumnsFromTable``), which sqlglot passes on as
    DuckDB SQL DuckDB cannot parse."""
    for node in tree.walk():
        if isinstance(node, exp.Aliases):
            raise error_at(
                node,
                f"{node.this.sql(dialect='trino')} AS (…), naming the columns of a *, is not"
                " supported by the local engine",
                hint=f"name each column in the SELECT list (t.a AS x, t.b AS y), or {BACKEND_HINT}",
            )


def _refuse_natural_joins(tree: exp.Expr) -> None:
    """Trino parses NATURAL JOIN but refuses it (StatementAnalyzer.visitJoin: "Natural join
    not supported"); DuckDB would answer it."""
    for join in tree.find_all(exp.Join):
        if (join.args.get("method") or "").upper() == "NATURAL":
            raise error_at(
                join,
                "Athena does not support NATURAL JOIN",
                hint="name the columns to join on: JOIN … USING (column, …) or JOIN … ON …",
            )


_TWO_WORD_STATEMENTS = frozenset({"SHOW", "DESCRIBE", "CREATE", "DROP", "ALTER", "INSERT", "MSCK"})


@contextlib.contextmanager
def _quiet_sqlglot():
    """Silence sqlglot's "Falling back to parsing as a 'Command'" warning on stderr.

    The statement it warns about is refused just below, by name.
    """
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _number_placeholders(tree: exp.Expr, given: int) -> None:
    """Number the ``?`` marks in the order written; refuse what Athena refuses.

    AWS's "Use parameterized queries" page: parameters are positional ``?``
    marks (no named ones), placed only in a WHERE clause.
    """
    marks = list(tree.find_all(exp.Placeholder))
    for mark in marks:
        if mark.this is not None or "start" not in mark.meta:
            raise error_at(
                mark,
                f"Athena has no named parameters ({mark.sql(dialect='trino')})",
                hint="write ? and give the values in order",
            )
        if mark.find_ancestor(exp.Where) is None:
            raise error_at(
                mark,
                "Athena takes a ? parameter only in a WHERE clause",
                hint="move the condition into a WHERE clause",
            )
    mismatch = count_mismatch(len(marks), given)
    if mismatch is not None:
        raise mismatch
    for index, mark in enumerate(sorted(marks, key=lambda m: m.meta["start"]), start=1):
        mark.meta[PARAM_INDEX] = index


def _resolve_tables(
    tree: exp.Expr, catalog: Mapping[str, Mapping[str, SqlType]], database: str | None
) -> list[str]:
    """Strip accepted qualifiers, check each table exists; the tables read, in order.

    A name is a WITH query's only where Trino's analyzer makes it one
    (``StatementAnalyzer.analyzeWith``): in the query that holds the WITH clause and in
    the WITH items after it (Trino's ``TestAnalyzer.testWithForwardReference``: a
    reference to a later item is TABLE_NOT_FOUND), in its own body only under WITH
    RECURSIVE. Everywhere else it is a table, which must be the catalog's: so a WITH
    item named like a system view or a file never lets another item read that view
    or file.
    """
    found: list[str] = []
    renamed: list[exp.Table] = []
    for table, ctes in _tables_in_scope(tree):
        name = table.name.lower()
        db = table.args.get("db")
        catalog_part = table.args.get("catalog")
        if db is None and name in ctes:
            alias = table.args.get("alias")
            if alias is not None and alias.columns:
                renamed.append(table)
            continue
        if table.args.get("version") is not None:
            raise error_at(
                table,
                "The local engine does not run time travel (FOR VERSION / FOR TIMESTAMP AS OF)",
                hint="query the table as it is now, or run the query on --backend aws",
            )
        if catalog_part is not None and catalog_part.name.lower() != DEFAULT_CATALOG:
            raise error_at(
                table,
                f"The catalog {catalog_part.name} is not available",
                hint=f"use {DEFAULT_CATALOG} or leave the catalog out",
            )
        if db is not None:
            if database is None or db.name.lower() != database.lower():
                expected = f"the database {database}" if database else "no database qualifier"
                raise error_at(
                    table,
                    f"The database {db.name} is not the one this engine queries",
                    hint=f"write the bare table name, or qualify it with {expected}",
                )
            table.set("db", None)
            table.set("catalog", None)
        _refuse_self_reference(table, name, a_table=name in catalog)
        if name not in catalog:
            hint = _tables_hint(name, catalog)
            raise error_at(table, f"Table {name} does not exist", hint=hint)
        table.set("this", exp.to_identifier(name))
        if name not in found:
            found.append(name)
    for table in renamed:
        _wrap_renamed_with_query(table)
    return found


def _wrap_renamed_with_query(table: exp.Table) -> None:
    """``w AS v(p, q)``, a WITH query read under a column list, as the derived table
    ``(SELECT * FROM w) AS v(p, q)``: the same relation renamed by position, as Trino's
    ``visitAliasedRelation`` renames any relation, and the form whose list the column
    check, the typing and the width check already apply (sqlglot's scope takes a WITH
    query's own names for the reference and leaves the list out)."""
    alias = table.args["alias"]
    inner = table.copy()
    inner.set("alias", None)
    table.replace(exp.Subquery(this=exp.select("*").from_(inner), alias=alias.copy()))


def _tables_in_scope(tree: exp.Expr) -> Iterator[tuple[exp.Table, frozenset[str]]]:
    """Every table reference (breadth first, as ``find_all``), with the WITH query names
    visible where it stands."""
    queue: deque[tuple[exp.Expr, frozenset[str]]] = deque([(tree, frozenset())])
    while queue:
        node, scope = queue.popleft()
        if isinstance(node, exp.Table):
            yield node, scope
        with_ = node.args.get("with_") if isinstance(node, exp.Query) else None
        inner = scope
        bodies: list[tuple[exp.Expr, frozenset[str]]] = []
        if isinstance(with_, exp.With):
            recursive = bool(with_.args.get("recursive"))
            for cte in with_.expressions:
                name = cte.alias_or_name.lower()
                body = cte.this
                if recursive and isinstance(body, exp.Union):
                    # Its own name counts in the recursive step (the UNION's second part).
                    for key, value in body.args.items():
                        step = inner | {name} if key == "expression" else inner
                        bodies += [(child, step) for child in _children(value)]
                else:
                    bodies.append((body, inner))
                inner = inner | {name}
        for key, value in node.args.items():
            if key == "with_" and value is with_:
                queue.extend(bodies)
            else:
                queue.extend((child, inner) for child in _children(value))


def _children(value: object) -> list[exp.Expr]:
    return [c for c in (value if isinstance(value, list) else [value]) if isinstance(c, exp.Expr)]


def _refuse_self_reference(table: exp.Table, name: str, *, a_table: bool) -> None:
    """A WITH query that reads its own name where the name is not its own: under WITH
    RECURSIVE, a reference Trino refuses outside the recursive step of a UNION; else the
    catalog's table of that name (``a_table``) in Trino, which DuckDB would take for a
    circular reference (a name that is no table is refused as a missing table)."""
    node = table.parent
    while node is not None:
        if isinstance(node, exp.CTE) and node.alias_or_name.lower() == name:
            with_ = node.parent
            if not a_table and not (isinstance(with_, exp.With) and with_.args.get("recursive")):
                return
            if isinstance(with_, exp.With) and with_.args.get("recursive"):
                raise error_at(
                    table,
                    f"The WITH RECURSIVE query {node.alias_or_name} refers to itself outside"
                    " the second part of a UNION, where Trino allows no recursive reference",
                    hint="write it as <first rows> UNION ALL <next rows from the query itself>",
                )
            raise error_at(
                table,
                f"The WITH query {node.alias_or_name} reads the table of the same name, which"
                " the local engine cannot run",
                hint="give the WITH query another name",
            )
        node = node.parent


def _tables_hint(name: str, catalog: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(catalog), n=1, cutoff=0.5)
    known = ", ".join(sorted(catalog)) or "none (run `olistctl crawl` first)"
    return (f"did you mean {close[0]}? " if close else "") + f"known tables: {known}"


def _name_outputs(tree: exp.Expr) -> None:
    """Name unnamed output columns ``_col<i>``, as Athena does."""
    select = output_select(tree)
    if select is None:
        return
    for index, projection in enumerate(list(select.expressions)):
        if isinstance(projection, exp.Star) or (
            isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
        ):
            return  # positions past a * depend on its expansion: leave them to qualify
        if isinstance(projection, (exp.Alias, exp.Column)):
            continue
        projection.replace(exp.alias_(projection.copy(), f"_col{index}", quoted=True))

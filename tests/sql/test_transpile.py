"""transpile(): table and column resolution, what the query reads, and the errors users see."""

from __future__ import annotations

import duckdb
import pytest

from olistctl.dataset import TABLES
from olistctl.errors import ExitCode, SqlError
from olistctl.sql.failures import duckdb_error
from olistctl.sql.transpile import transpile

MODEL = {t.name: {c.name: c.athena_type for c in t.columns} for t in TABLES}
ORDERS = "olist_orders_dataset"


def test_reports_the_tables_and_the_columns_the_query_reads():
    result = transpile(
        """SELECT o.order_status, count(*) AS n, sum(i.price)
           FROM olist_orders_dataset o
           JOIN olist_order_items_dataset i ON i.order_id = o.order_id
           WHERE o.order_purchase_timestamp >= TIMESTAMP '2018-01-01 00:00:00'
           GROUP BY 1""",
        MODEL,
    )
    assert result.tables == [ORDERS, "olist_order_items_dataset"]
    assert result.columns == {
        ORDERS: {"order_status", "order_id", "order_purchase_timestamp"},
        "olist_order_items_dataset": {"order_id", "price"},
    }


def test_count_star_reads_no_column_and_select_star_reads_all():
    assert transpile(f"SELECT count(*) FROM {ORDERS}", MODEL).columns == {ORDERS: set()}
    every = transpile(f"SELECT * FROM {ORDERS}", MODEL).columns[ORDERS]
    assert every == set(MODEL[ORDERS])


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        (
            f"SELECT count(*) FROM {ORDERS} GROUP BY order_status HAVING max(order_id) > 'a'",
            {"order_id", "order_status"},
        ),
        (
            f"SELECT count(*) FROM {ORDERS} HAVING max(order_id) > 'a' AND count(order_status) > 0",
            {"order_id", "order_status"},
        ),
        # The column list renames by position: its order_status is the table's customer_id.
        (
            f"SELECT count(*) FROM {ORDERS} AS o(a, order_status, c, d, e, f, g, h)"
            " HAVING max(a) > 'a' AND count(order_status) > 0",
            {"order_id", "customer_id"},
        ),
    ],
)
def test_columns_a_having_clause_reads_unqualified_are_read(sql, read):
    """sqlglot leaves HAVING's unqualified columns out of a scope's columns (they might
    name a SELECT alias) and unqualified: the scan estimate left them out, less than
    Athena scans."""
    assert transpile(sql, MODEL).columns == {ORDERS: read}


def test_a_having_clause_reads_a_column_of_the_enclosing_query_unqualified():
    result = transpile(
        f"""SELECT o.order_id FROM {ORDERS} o WHERE EXISTS (
              SELECT 1 FROM olist_order_items_dataset GROUP BY seller_id
              HAVING max(price) > length(order_status))""",
        MODEL,
    )
    assert result.columns == {
        ORDERS: {"order_id", "order_status"},
        "olist_order_items_dataset": {"seller_id", "price"},
    }


def test_columns_read_through_ctes_and_subqueries_belong_to_the_base_table():
    result = transpile(
        f"""WITH d AS (SELECT order_id, order_status FROM {ORDERS})
            SELECT x.order_id FROM (SELECT order_id FROM d WHERE order_status = 'x') x""",
        MODEL,
    )
    assert result.tables == [ORDERS]
    assert result.columns == {ORDERS: {"order_id", "order_status"}}


@pytest.mark.parametrize(
    "reference",
    [
        f"olist.{ORDERS}",
        f'"olist"."{ORDERS}"',
        f"awsdatacatalog.olist.{ORDERS}",
        f'"awsdatacatalog"."olist"."{ORDERS}"',
        f"OLIST.{ORDERS.upper()}",
    ],
)
def test_qualifiers_naming_the_database_are_stripped(reference, duck):
    result = transpile(f"SELECT count(*) FROM {reference}", MODEL, database="olist")
    assert result.tables == [ORDERS]
    assert "olist." not in result.duckdb_sql.lower()
    duck.execute(f"CREATE TABLE {ORDERS} (order_id VARCHAR)")
    assert duck.execute(result.duckdb_sql).fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("reference", "database", "message"),
    [
        (f"other.{ORDERS}", "olist", "The database other is not the one this engine queries"),
        (f"olist.{ORDERS}", None, "The database olist is not the one this engine queries"),
        (f"hive.olist.{ORDERS}", "olist", "The catalog hive is not available"),
    ],
)
def test_other_qualifiers_are_errors(reference, database, message):
    with pytest.raises(SqlError) as caught:
        transpile(f"SELECT 1 FROM {reference}", MODEL, database=database)
    assert message in str(caught.value)
    assert caught.value.exit_code == ExitCode.USAGE


def test_unknown_table_lists_the_known_ones_and_suggests_the_closest():
    with pytest.raises(SqlError) as caught:
        transpile("SELECT 1 FROM olist_order_dataset", MODEL)
    error = caught.value
    assert error.message.startswith("Table olist_order_dataset does not exist")
    assert "did you mean olist_orders_dataset?" in error.hint
    for table in MODEL:
        assert table in error.hint
    assert (error.line, error.column) == (1, 15)


def test_unknown_column_names_the_table_and_suggests_the_closest():
    with pytest.raises(SqlError) as caught:
        transpile(f"SELECT o.order_statu FROM {ORDERS} o", MODEL)
    assert caught.value.message.startswith(
        f"Column order_statu does not exist in the table {ORDERS}"
    )
    assert caught.value.hint == "did you mean order_status?"


def test_unknown_unqualified_column_suggests_the_closest_of_any_source():
    with pytest.raises(SqlError) as caught:
        transpile("SELECT product_name_length FROM olist_products_dataset", MODEL)
    # The real column keeps the dataset's misspelling.
    assert caught.value.hint == "did you mean product_name_lenght?"
    assert (caught.value.line, caught.value.column) == (1, 8)


def test_select_aliases_resolve_in_order_by_but_not_in_group_by():
    transpile(f"SELECT order_status AS s FROM {ORDERS} ORDER BY s", MODEL)
    with pytest.raises(SqlError, match="Column s cannot be resolved"):
        transpile(f"SELECT order_status AS s, count(*) FROM {ORDERS} GROUP BY s", MODEL)


def _column_error(sql: str) -> SqlError:
    with pytest.raises(SqlError) as caught:
        transpile(sql, MODEL)
    assert caught.value.exit_code == ExitCode.USAGE
    return caught.value


@pytest.mark.parametrize("column", ["order_statu", "o.order_statu"])
def test_a_misspelt_having_column_gets_the_select_lists_message(column):
    """Trino resolves HAVING's names among the FROM clause's relations, as the SELECT
    list's (StatementAnalyzer: ``analyzeHaving(node, sourceScope)``, ``analyzeSelect(node,
    sourceScope)``): the same misspelling gets the same message, at its own place."""
    listed = _column_error(f"SELECT count({column}) FROM {ORDERS} o")
    sql = f"SELECT count(*) FROM {ORDERS} o HAVING count({column}) > 0"
    having = _column_error(sql)
    at = sql.index(column) + 1
    assert str(having) == str(listed).replace("(line 1, column 14)", f"(line 1, column {at})")
    assert having.hint == "did you mean order_status?"


def test_a_having_column_of_no_source_is_refused_with_the_closest_of_any_enclosing_query():
    sql = (
        f"SELECT o.order_id FROM {ORDERS} o WHERE EXISTS (SELECT 1 FROM"
        " olist_order_items_dataset GROUP BY seller_id HAVING max(price) > length(order_statu))"
    )
    assert str(_column_error(sql)) == (
        f"Column order_statu cannot be resolved (line 1, column {sql.index('order_statu)') + 1}):"
        " did you mean order_status?"
    )


def test_a_select_alias_in_having_is_refused_as_trino_resolves_only_the_from_clause():
    """Trino's own test: ``TestAnalyzer.testHavingReferencesOutputAlias`` (trinodb/trino,
    core/trino-main/src/test/java/io/trino/sql/analyzer/TestAnalyzer.java) asserts that
    ``SELECT sum(a) x FROM t1 HAVING x > 5`` fails with COLUMN_NOT_FOUND, "line 1:32:
    Column 'x' cannot be resolved"."""
    sql = f"SELECT order_status, count(*) AS n FROM {ORDERS} GROUP BY order_status HAVING n > 1"
    assert str(_column_error(sql)) == (
        f"Column n cannot be resolved (line 1, column {sql.index('n > 1') + 1}): Athena reads no"
        " SELECT alias in HAVING: repeat the expression n names"
    )


def test_syntax_errors_carry_line_and_column():
    with pytest.raises(SqlError) as caught:
        transpile("SELECT order_id\nFROM olist_orders_dataset\nWHERE", MODEL)
    assert caught.value.message.startswith("Syntax error")
    assert caught.value.line == 3
    assert caught.value.column is not None


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("", "The query is empty"),
        ("  ;", "The query is empty"),
        ("SELECT 1; SELECT 2", "Found 2 statements"),
        (f"DROP TABLE {ORDERS}", "run on the local engine, not DROP TABLE"),
        (f"SHOW PARTITIONS {ORDERS}", "run on the local engine, not SHOW PARTITIONS"),
        (f"INSERT INTO {ORDERS} VALUES (1)", "Only SELECT queries"),
        ("SELECT 'unterminated", "Syntax error"),
    ],
)
def test_statements_that_cannot_run(sql, message):
    with pytest.raises(SqlError, match=message):
        transpile(sql, MODEL)


def test_a_trailing_semicolon_is_fine():
    assert transpile("SELECT 1;", {}).tables == []


def test_identifiers_are_case_insensitive_like_athena(duck):
    result = transpile('SELECT "Order_Status" FROM OLIST_ORDERS_DATASET', MODEL)
    assert result.columns == {ORDERS: {"order_status"}}
    duck.execute(f"CREATE TABLE {ORDERS} (order_status VARCHAR)")
    assert duck.execute(result.duckdb_sql).description[0][0] == "order_status"


def test_duckdb_errors_keep_the_message_and_the_position():
    con = duckdb.connect()
    try:
        con.execute("SELECT nope FROM range(3)")
    except duckdb.Error as exc:
        error = duckdb_error(exc)
    # The position is in the DuckDB SQL, so it is given as the text found there.
    assert error.message == (
        'The query failed in the local engine: Binder Error: Referenced column "nope" not'
        " found in FROM clause, at `nope`"
    )
    assert error.line is None
    assert error.hint == "check the names the query uses and that every selected column is grouped"
    assert isinstance(error, SqlError)


def test_duckdb_errors_without_a_position():
    con = duckdb.connect()
    try:
        con.execute("SELECT 1 // 0")
    except duckdb.Error as exc:
        error = duckdb_error(exc)
    # DuckDB's advice (a DuckDB setting) is dropped; Athena's TRY is offered instead.
    assert error.message == (
        "The query failed in the local engine: Invalid Input Error: Division by zero in"
        " expression (1 // 0)"
    )
    assert error.hint == (
        "Athena fails the same way; wrap the division in TRY(...) to get NULL instead"
    )


def test_runtime_refusals_come_back_as_their_own_message_and_hint(duck):
    result = transpile("SELECT CAST(s AS integer) FROM v", {"v": {"s": "string"}})
    duck.execute("CREATE TABLE v AS SELECT '7' AS s UNION ALL SELECT 'seven'")
    with pytest.raises(duckdb.Error) as caught:
        duck.execute(result.duckdb_sql).fetchall()
    error = duckdb_error(caught.value)
    assert error.message == "A value cannot be converted to an integer"
    assert error.hint == "Athena rejects it too; use TRY_CAST to get NULL instead"
    assert "olistctl-error" not in str(error)


@pytest.mark.parametrize("join", ["NATURAL JOIN", "NATURAL LEFT JOIN", "natural inner join"])
def test_a_natural_join_is_refused_as_trino_refuses_it(join):
    """Trino parses NATURAL JOIN but its analyzer refuses it: ``StatementAnalyzer.visitJoin``
    throws NOT_SUPPORTED "Natural join not supported" (trinodb/trino,
    core/trino-main/.../sql/analyzer/StatementAnalyzer.java). DuckDB would answer it."""
    hint = "name the columns to join on: JOIN … USING (column, …) or JOIN … ON …"
    sql = f"SELECT * FROM {ORDERS} {join} olist_customers_dataset"
    with_cte = f"WITH w AS (SELECT 1 AS a) SELECT * FROM (SELECT 1 AS a) x {join} w"
    for query in (sql, with_cte):
        at = query.index(join) + len(join) + 2  # the joined relation
        assert str(_column_error(query)) == (
            f"Athena does not support NATURAL JOIN (line 1, column {at}): {hint}"
        )


SELLERS = "olist_sellers_dataset"
CUSTOMERS = "olist_customers_dataset"


@pytest.mark.parametrize(
    "sql",
    [
        # A derived table naming a relation beside it in FROM, qualified …
        f"SELECT t.n FROM {SELLERS} s, (SELECT count(*) AS n FROM {CUSTOMERS}"
        " WHERE customer_state = s.seller_state) t",
        # … or unqualified in its HAVING clause.
        f"SELECT t.n FROM {SELLERS} s, (SELECT count(*) AS n FROM {CUSTOMERS}"
        " GROUP BY customer_state HAVING count(*) > length(seller_city)) t",
        # A WITH query naming a relation of the query it belongs to.
        f"WITH w AS (SELECT count(*) AS n FROM {CUSTOMERS} GROUP BY customer_state"
        " HAVING count(*) > length(seller_city)) SELECT w.n FROM {SELLERS} s, w".replace(
            "{SELLERS}", SELLERS
        ),
    ],
)
def test_a_derived_table_or_with_query_cannot_name_a_relation_beside_it(sql):
    """Trino analyzes a FROM clause's relation in the query's outer scope, not beside the
    relations before it: ``StatementAnalyzer.visitJoin`` gives the right side the left's
    scope only when it is LATERAL (trinodb/trino, core/trino-main/.../analyzer/
    StatementAnalyzer.java). DuckDB reads the sibling (an implicit LATERAL join) and
    answered these."""
    error = _column_error(sql)
    if "s.seller_state" in sql:
        at = sql.index("s.seller_state") + 1
        assert str(error) == (
            f"s.seller_state: no table or alias s in this query (line 1, column {at}): the"
            f" tables and aliases here are {CUSTOMERS}"
        )
    else:
        at = sql.index("seller_city") + 1
        assert str(error) == (
            f"Column seller_city cannot be resolved (line 1, column {at}): did you mean"
            " customer_city?"
        )


@pytest.mark.parametrize(
    "sql",
    [
        # An expression subquery names its enclosing query's relations, through a derived
        # table of its own too (trinodb/trino docs/src/main/sphinx/sql/select.md,
        # "Subqueries": "A correlated subquery … references columns outside of the subquery").
        f"SELECT (SELECT t.n FROM (SELECT count(*) AS n FROM {CUSTOMERS}"
        f" WHERE customer_state = s.seller_state) t) AS k FROM {SELLERS} s",
        # select.md, "Lateral": a LATERAL subquery names the relations before it.
        f"SELECT t.y FROM {SELLERS} s CROSS JOIN LATERAL (SELECT s.seller_city AS y) t",
    ],
)
def test_correlated_references_to_an_enclosing_query_stay_accepted(sql):
    """Not refused by the sibling-relation check above, and the translation runs."""
    result = transpile(sql, MODEL)
    con = duckdb.connect()
    for table in (SELLERS, CUSTOMERS):  # the columns these queries name are all varchar
        columns = ", ".join(f"NULL::VARCHAR AS {c}" for c in MODEL[table])
        con.execute(f"CREATE VIEW {table} AS SELECT {columns} WHERE false")
    assert con.execute(result.duckdb_sql).fetchall() == []


@pytest.mark.parametrize(
    ("sql", "column", "hint"),
    [
        # A WITH query read under a column list exposes the list's names, not its own.
        (
            "WITH w AS (SELECT 1 AS a, 2 AS b) SELECT a FROM w AS v(p, q)",
            "a FROM",
            "the columns available here are p, q",
        ),
        # A WITH query only defined is no relation of the query: its columns are no
        # candidates, in the SELECT list or in HAVING (which DuckDB would have failed).
        (
            f"WITH w AS (SELECT 1 AS seller_idx) SELECT seller_idx FROM {SELLERS}",
            "seller_idx FROM",
            "did you mean seller_id?",
        ),
        (
            f"WITH w AS (SELECT 1 AS zz) SELECT count(*) AS n FROM {SELLERS}"
            " GROUP BY seller_id HAVING max(zz) > 0",
            "zz) > 0",
            "the columns available here are seller_city, seller_id, seller_state,"
            " seller_zip_code_prefix",
        ),
    ],
)
def test_a_with_query_not_in_from_offers_no_column(sql, column, hint):
    """The hint named the very column that cannot be resolved ("Column a cannot be
    resolved: did you mean a?"), taken from a WITH query the FROM clause does not read."""
    error = _column_error(sql)
    name = column.split(")")[0].split(" ")[0]
    assert error.message == (
        f"Column {name} cannot be resolved (line 1, column {sql.index(column) + 1})"
    )
    assert error.hint == hint


@pytest.mark.parametrize(
    "sql",
    [
        f'SELECT order_id AS "" FROM {ORDERS}',
        f'SELECT "" FROM {ORDERS}',
        'SELECT a FROM ""',
        f'SELECT t.order_id FROM {ORDERS} AS t("", b, c, d, e, f, g, h)',
    ],
)
def test_an_empty_quoted_name_is_a_syntax_error(sql):
    """Trino's parser: ``SELECT "" FROM t`` fails with "line 1:8: Zero-length delimited
    identifier not allowed" (trinodb/trino, core/trino-parser/src/test/java/io/trino/sql/
    parser/TestSqlParserErrorHandling.java). It reached DuckDB, whose parser refused it as
    a bug of olistctl's."""
    error = _column_error(sql)
    at = sql.index('""') + 1
    assert error.message == f'Syntax error: a quoted name is empty ("") (line 1, column {at})'
    assert error.hint == "give it a name: Athena allows no zero-length quoted name"

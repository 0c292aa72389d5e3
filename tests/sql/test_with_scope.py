"""Where a WITH query's name counts, as Trino scopes it, and the SQL refused in one sentence.

Trino's analyzer (``StatementAnalyzer.analyzeWith``) makes a WITH item's name a
relation of the query that holds the WITH clause and of the items after it, not
of the items before it: Trino's own ``TestAnalyzer.testWithForwardReference``
expects ``WITH a AS (SELECT * FROM b), b AS (SELECT * FROM t1) SELECT * FROM a``
to fail with TABLE_NOT_FOUND. In its own body the name counts only under WITH
RECURSIVE, and there only in the step relation (the part after UNION); Trino
refuses a recursive reference elsewhere ("recursive reference outside of FROM
clause of the step relation of recursion"). Anywhere else the name is a table,
which must be one of the catalog's: so naming a WITH item after a DuckDB system
view or a file never lets another item read that view or file.
"""

from __future__ import annotations

import pytest

from olistctl.dataset import TABLES
from olistctl.errors import ExitCode, SqlError
from olistctl.sql.transpile import transpile

MODEL = {t.name: {c.name: c.athena_type for c in t.columns} for t in TABLES}
ORDERS = "olist_orders_dataset"


def _refusal(sql: str) -> SqlError:
    with pytest.raises(SqlError) as caught:
        transpile(sql, MODEL)
    assert caught.value.exit_code == ExitCode.USAGE
    return caught.value


@pytest.mark.parametrize(
    ("sql", "table", "column"),
    [
        # The review's reproductions: an earlier item reads a name a later item defines.
        (
            "WITH a AS (SELECT * FROM pragma_database_list),"
            " pragma_database_list AS (SELECT 1 AS x) SELECT * FROM a",
            "pragma_database_list",
            26,
        ),
        (
            "WITH a AS (SELECT * FROM sqlite_master), sqlite_master AS (SELECT 1) SELECT * FROM a",
            "sqlite_master",
            26,
        ),
        (
            'WITH a AS (SELECT * FROM "/tmp/secret.csv"), "/tmp/secret.csv" AS (SELECT 1 AS x)'
            " SELECT * FROM a",
            "/tmp/secret.csv",
            26,
        ),
        # Trino's testWithForwardReference, on this catalog.
        (f"WITH a AS (SELECT * FROM b), b AS (SELECT * FROM {ORDERS}) SELECT * FROM a", "b", 26),
        # A subquery's WITH is not seen outside the subquery.
        ('SELECT * FROM (WITH "/x" AS (SELECT 1 AS y) SELECT y FROM "/x") s, "/x"', "/x", 68),
        # Not recursive: its own name in its body is a table (here none).
        (
            "WITH t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT * FROM t",
            "t",
            52,
        ),
    ],
)
def test_a_with_name_outside_its_scope_is_a_table_and_must_exist(sql, table, column):
    error = _refusal(sql)
    assert error.message == f"Table {table} does not exist (line 1, column {column})"


def test_a_with_name_counts_in_later_items_and_in_the_main_query():
    result = transpile(
        f"WITH a AS (SELECT order_id FROM {ORDERS}), b AS (SELECT order_id FROM a)"
        " SELECT count(*) AS n FROM b",
        MODEL,
    )
    assert result.tables == [ORDERS]


def test_a_with_query_inside_a_subquery_shadows_the_table_only_there():
    """The review's E8 case, valid Athena SQL: the outer name is the table, the inner the
    WITH item."""
    result = transpile(
        f"SELECT COUNT(*) FROM {ORDERS} o, (WITH {ORDERS} AS (SELECT 1 AS x)"
        f" SELECT x FROM {ORDERS}) t",
        MODEL,
    )
    assert result.tables == [ORDERS]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # An earlier item reads the table, not the later item of the same name.
        ("WITH a AS (SELECT count(*) AS n FROM t), t AS (SELECT 1 AS x) SELECT n FROM a", 3),
        # The main query reads the WITH item that shadows the table.
        ("WITH t AS (SELECT 1 AS x) SELECT count(*) FROM t", 1),
        # Inside a subquery the WITH item; outside it the table (3 rows x 1).
        ("SELECT count(*) FROM t, (WITH t AS (SELECT 1 AS x) SELECT x FROM t) s", 3),
        # An outer WITH item is seen inside a subquery's own WITH.
        (
            "WITH b AS (SELECT 7 AS x) SELECT * FROM (WITH a AS (SELECT x FROM b) SELECT x FROM a)",
            7,
        ),
    ],
)
def test_the_answer_follows_trinos_scope(athena, duck, sql, expected):
    """Run by DuckDB over a 3-row table ``t`` after the transpile and the guard: each name is
    bound where Trino binds it (the table has 3 rows, each WITH item 1)."""
    duck.execute("CREATE TABLE t AS SELECT CAST(i AS INTEGER) AS x FROM range(3) r(i)")
    assert athena(sql, {"t": {"x": "integer"}}).value == expected


def test_with_recursive_sees_its_name_in_the_step_only():
    ok = transpile(
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3)"
        " SELECT sum(n) AS s FROM t",
        MODEL,
    )
    assert ok.tables == []
    error = _refusal('WITH RECURSIVE "/x.csv" AS (SELECT * FROM "/x.csv") SELECT * FROM "/x.csv"')
    assert str(error) == (
        "The WITH RECURSIVE query /x.csv refers to itself outside the second part of a UNION,"
        " where Trino allows no recursive reference (line 1, column 43): write it as"
        " <first rows> UNION ALL <next rows from the query itself>"
    )


# -- E8: what the local engine cannot answer as Athena would, refused cleanly ----------------


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT COUNT(*) FROM {ORDERS} FOR VERSION AS OF 1",
        f"SELECT COUNT(*) FROM {ORDERS} FOR TIMESTAMP AS OF TIMESTAMP '2020-01-01 00:00:00'",
    ],
)
def test_time_travel_is_refused_in_one_sentence(sql):
    assert str(_refusal(sql)) == (
        "The local engine does not run time travel (FOR VERSION / FOR TIMESTAMP AS OF)"
        " (line 1, column 22): query the table as it is now, or run the query on --backend aws"
    )


def test_a_with_query_reading_the_table_it_shadows_is_refused_not_a_bug():
    """Trino reads the table there (the name is not in scope in its own body); DuckDB binds
    it as a circular reference. Unverified on Athena, so refused, naming the fix."""
    error = _refusal(
        f"WITH {ORDERS} AS (SELECT * FROM {ORDERS} WHERE order_status = 'x')"
        f" SELECT COUNT(*) FROM {ORDERS}"
    )
    assert str(error) == (
        f"The WITH query {ORDERS} reads the table of the same name, which the local engine"
        " cannot run (line 1, column 45): give the WITH query another name"
    )


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT * FROM (SELECT 1) AS t(a, b)",
            "The column list of t names 2 column(s), but t has 1",
        ),
        (
            f"SELECT * FROM {ORDERS} AS o(a)",
            "The column list of o names 1 column(s), but o has 8",
        ),
        ("WITH w(a, b, c) AS (SELECT 1, 2) SELECT * FROM w", "The column list of w names 3"),
    ],
)
def test_a_column_list_must_name_every_column_as_trino_requires(sql, message):
    """Trino: MISMATCHED_COLUMN_ALIASES ("Column alias list has 2 entries but 't' has 1
    columns available"); DuckDB would name the first ones and keep the rest."""
    error = _refusal(sql)
    assert error.message.startswith(message), error.message
    assert error.hint == "name each of its columns once, as Athena requires"


def test_a_column_list_naming_every_column_is_fine():
    result = transpile("SELECT a + b AS s FROM (SELECT 1, 2) AS t(a, b)", MODEL)
    assert result.tables == []


# -- E1: SQL nested deeper than the parser's recursion ---------------------------------------


@pytest.mark.parametrize(
    "sql",
    ["SELECT " + "(" * 50 + "1" + ")" * 50 + " AS x", "SELECT " + "+".join(["1"] * 600) + " AS x"],
    ids=["50 parentheses", "600 terms"],
)
def test_sql_nested_too_deeply_is_one_sentence_not_a_crash(sql):
    assert str(_refusal(sql)) == (
        "The SQL nests too deeply for olistctl to read it (too many nested parentheses,"
        " subqueries or terms in one expression): split it into WITH queries or shorter"
        " expressions"
    )

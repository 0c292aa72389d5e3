"""SHOW TABLES, SHOW COLUMNS and DESCRIBE answer from the local catalog, as Athena answers
them from the Glue Data Catalog; other statements are refused by name, without sqlglot's
"Falling back to parsing as a 'Command'" line on stderr."""

from __future__ import annotations

import json

import pytest
from refused_query import assert_refused

from olistctl.dataset import ORDERS, TABLES


def describe_rows(table) -> list[dict]:
    return [{"col_name": c.name, "data_type": c.athena_type, "comment": ""} for c in table.columns]


def test_show_tables_lists_the_catalog(cli, lake):
    lake("crawled")
    result = cli("query", "SHOW TABLES", "-o", "json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout) == [
        {"tab_name": t.name} for t in sorted(TABLES, key=lambda t: t.name)
    ]
    assert "from the catalog (no query ran, nothing billed)" in result.stderr
    assert "Falling back" not in result.stderr


@pytest.mark.parametrize(
    "sql",
    [
        "DESCRIBE olist_orders_dataset",
        "describe OLIST_ORDERS_DATASET;",
        "DESC olist.olist_orders_dataset",
        "-- the first thing a newcomer types\nDESCRIBE `olist_orders_dataset`",
    ],
)
def test_describe_gives_the_columns_and_their_catalog_types(cli, lake, sql):
    lake("crawled")
    result = cli("query", sql, "-o", "json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout) == describe_rows(ORDERS)


@pytest.mark.parametrize(
    "sql",
    [
        "SHOW COLUMNS FROM olist_orders_dataset",
        "SHOW COLUMNS IN olist.olist_orders_dataset",
        "show columns from olist_orders_dataset in olist",
    ],
)
def test_show_columns_gives_the_column_names(cli, lake, sql):
    lake("crawled")
    result = cli("query", sql, "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == ["field", *ORDERS.column_names]


KNOWN_TABLES = ", ".join(sorted(t.name for t in TABLES))
NOT_THIS_DATABASE = (
    "The database elsewhere is not the one this catalog holds: leave the database out,"
    " or name the database olist."
)


def not_on_local(form: str) -> str:
    return (
        "Only SELECT queries (and SHOW TABLES, SHOW COLUMNS, DESCRIBE) run on the local"
        f" engine, not {form}: run DDL and other statements on --backend aws."
    )


def refused_on_one_line(cli, ws, sql: str, message: str) -> None:
    """Refused with exactly ``message``, nothing written, and nothing else said (no
    sqlglot warning before the error)."""
    result = assert_refused(cli, ws, sql, message)
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "DESCRIBE no_such_table",
            f"Table no_such_table does not exist: known tables: {KNOWN_TABLES}.",
        ),
        ("SHOW TABLES IN elsewhere", NOT_THIS_DATABASE),
        ("SHOW PARTITIONS olist_orders_dataset", not_on_local("SHOW PARTITIONS")),
        ("DESCRIBE FORMATTED olist_orders_dataset", not_on_local("DESCRIBE FORMATTED")),
    ],
)
def test_other_forms_are_refused_by_name_on_one_line(cli, lake, sql, message):
    refused_on_one_line(cli, lake("crawled"), sql, message)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # SIMPLE_COMMENT: '--' ~[\r\n]* '\r'? '\n'?: the comment ends at the carriage
        # return, so IN elsewhere is read (and refused), not dropped with the comment.
        ("SHOW TABLES -- which?\rIN elsewhere", NOT_THIS_DATABASE),
        # QUOTED_IDENTIFIER: '"' ( ~'"' | '""' )* '"': a -- inside a quoted name is no comment.
        ('DESCRIBE "no--such"', f"Table no--such does not exist: known tables: {KNOWN_TABLES}."),
        (
            'DESCRIBE "no/*such*/"',
            f"Table no/*such*/ does not exist: known tables: {KNOWN_TABLES}.",
        ),
    ],
)
def test_a_catalog_statements_comments_are_where_trinos_lexer_finds_them(cli, lake, sql, message):
    # Trino's lexer (trinodb/trino, core/trino-grammar/src/main/antlr4/io/trino/grammar/sql/
    # SqlBase.g4) reads quoted text whole and ends a -- comment at \r or \n; the statement
    # is the text around its comments, as the transpiler reads it (sql/comments.py).
    refused_on_one_line(cli, lake("crawled"), sql, message)


def test_an_empty_catalog_lists_no_tables(cli, lake):
    lake("transformed")  # converted, not crawled yet
    result = cli("query", "SHOW TABLES", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == ["tab_name"]

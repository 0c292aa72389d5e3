"""SHOW TABLES, SHOW COLUMNS and DESCRIBE on --backend aws answer from the Glue Data Catalog
(what Athena's own answer reflects) with no Athena query, in the same columns as locally.

The tables are put into Glue here with Glue's own API, as a crawler would leave them, so the
catalog the statements read is independent of olistctl's crawl code.
"""

from __future__ import annotations

import json

import pytest
from awsstack import NAMES, STACK_ENV

from olistctl.dataset import ORDER_ITEMS, ORDERS
from olistctl.errors import ExitCode


@pytest.fixture
def aws_cli(cli, stack, monkeypatch):
    from olistctl.backends.aws.clients import AwsClients

    monkeypatch.setattr(AwsClients, "from_settings", classmethod(lambda cls, s: stack.clients))
    return lambda *args: cli("--no-progress", *args, env=STACK_ENV)


@pytest.fixture
def glue_tables(stack):
    glue = stack.client("glue")
    for table in (ORDERS, ORDER_ITEMS):
        glue.create_table(
            DatabaseName=NAMES["database"],
            TableInput={
                "Name": table.name,
                "TableType": "EXTERNAL_TABLE",
                "StorageDescriptor": {
                    "Columns": [{"Name": c.name, "Type": c.athena_type} for c in table.columns],
                    "Location": f"s3://{NAMES['processed_bucket']}/{table.name}/",
                },
            },
        )
    return stack


def athena_queries(stack) -> list[str]:
    athena = stack.client("athena")
    return athena.list_query_executions(WorkGroup=NAMES["workgroup"])["QueryExecutionIds"]


def test_show_tables_comes_from_glue_without_an_athena_query(aws_cli, glue_tables):
    result = aws_cli("query", "SHOW TABLES", "-o", "json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout) == [
        {"tab_name": "olist_order_items_dataset"},
        {"tab_name": "olist_orders_dataset"},
    ]
    assert "from the catalog (no query ran, nothing billed)" in result.stderr
    assert athena_queries(glue_tables) == []


def test_describe_and_show_columns_give_glues_columns_and_types(aws_cli, glue_tables):
    described = aws_cli("query", f"DESCRIBE {NAMES['database']}.olist_orders_dataset", "-o", "json")
    assert described.exit_code == 0, described
    assert json.loads(described.stdout) == [
        {"col_name": c.name, "data_type": c.athena_type, "comment": ""} for c in ORDERS.columns
    ]
    columns = aws_cli("query", "SHOW COLUMNS FROM olist_order_items_dataset", "-o", "csv")
    assert columns.exit_code == 0, columns
    assert columns.stdout.splitlines() == ["field", *ORDER_ITEMS.column_names]
    assert athena_queries(glue_tables) == []


def test_a_table_glue_does_not_hold_is_named(aws_cli, glue_tables):
    result = aws_cli("query", "DESCRIBE olist_sellers_dataset")
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stderr.splitlines()[-1] == (
        "Error: Table olist_sellers_dataset does not exist: known tables:"
        " olist_order_items_dataset, olist_orders_dataset."
    )
    assert "Traceback" not in result.stderr


def test_another_database_is_refused(aws_cli, glue_tables):
    result = aws_cli("query", "SHOW TABLES IN default")
    assert result.exit_code == ExitCode.USAGE, result
    assert "The database default is not the one this catalog holds" in result.stderr
    assert f"name the database {NAMES['database']}" in result.stderr

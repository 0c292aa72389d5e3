"""``query --out``: every row to Parquet or CSV, atomically, on the local backend.

The written rows are compared with pandas' own reading of the sample CSVs
(``lake.frame``), not with olistctl's engine; what the aws path does is in
tests/aws/test_query_out_moto_server.py.
"""

from __future__ import annotations

import json
import os
import stat
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from lake import WS, frame

from olistctl.errors import ExitCode

ITEMS_BY_DAY = (
    "SELECT i.order_id, i.order_item_id, i.price, d.day"
    " FROM olist_order_items_dataset i"
    " CROSS JOIN (SELECT DISTINCT CAST(order_purchase_timestamp AS date) AS day"
    "             FROM olist_orders_dataset WHERE order_purchase_timestamp >= ?"
    "             AND order_purchase_timestamp < ?) d"
)


def _files(folder) -> dict[str, int]:
    return {
        os.path.relpath(os.path.join(root, name), folder): os.path.getsize(os.path.join(root, name))
        for root, _, names in os.walk(folder)
        for name in names
    }


def _days(sample_data, since: str, before: str) -> int:
    orders = frame(sample_data, "olist_orders_dataset")
    stamps = orders["order_purchase_timestamp"]
    chosen = stamps[(stamps >= since) & (stamps < before)]
    return chosen.dt.normalize().nunique()


def test_every_row_of_a_cross_join_goes_to_parquet(cli, lake, sample_data, tmp_path):
    lake("crawled")
    result = cli(
        "query", ITEMS_BY_DAY, "--param", "date:2018-01-01", "--param", "date:2018-03-01",
        "--out", "items.parquet",
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stdout == ""  # the rows go to the file, not the terminal
    items = frame(sample_data, "olist_order_items_dataset")
    expected_rows = len(items) * _days(sample_data, "2018-01-01", "2018-03-01")
    table = pq.read_table(tmp_path / "items.parquet")
    assert table.num_rows == expected_rows > 10_000
    assert table.schema.field("price").type == pa.decimal128(10, 2)
    assert table.schema.field("day").type == pa.date32()
    # Every item once per day, at its own price to the cent.
    by_item = table.group_by(["order_id", "order_item_id"]).aggregate([("price", "sum")])
    assert by_item.num_rows == len(items)
    assert sum(by_item.column("price_sum").to_pylist()) == sum(items["price"]) * _days(
        sample_data, "2018-01-01", "2018-03-01"
    )
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"Wrote {expected_rows:,} rows to items.parquet (parquet, ")
    # Ledgered like any query, so `report cost` counts it.
    ledger = [json.loads(x) for x in (tmp_path / WS / "ledger.jsonl").read_text().splitlines()]
    assert ledger[-1]["stage"] == "query" and ledger[-1]["rows"] == expected_rows


def test_csv_is_athenas_results_format(cli, lake, sample_data, tmp_path):
    lake("crawled")
    sql = (
        "SELECT order_id, order_status, order_purchase_timestamp, order_delivered_customer_date"
        " FROM olist_orders_dataset ORDER BY order_id"
    )
    result = cli("query", sql, "--out", "orders.csv")
    assert result.exit_code == 0, result
    orders = frame(sample_data, "olist_orders_dataset").sort_values("order_id")
    lines = (tmp_path / "orders.csv").read_text().splitlines()
    assert lines[0] == (
        '"order_id","order_status","order_purchase_timestamp","order_delivered_customer_date"'
    )
    assert len(lines) == len(orders) + 1
    for line, (_, row) in zip(lines[1:], orders.iterrows(), strict=True):
        delivered = row["order_delivered_customer_date"]
        delivered_text = "" if pd.isna(delivered) else f'"{delivered:%Y-%m-%d %H:%M:%S}.000"'
        # Every value quoted, NULL an empty unquoted field, timestamps with milliseconds.
        expected = [
            f'"{row["order_id"]}"',
            f'"{row["order_status"]}"',
            f'"{row["order_purchase_timestamp"]:%Y-%m-%d %H:%M:%S}.000"',
            delivered_text,
        ]
        assert line == ",".join(expected)


def test_a_named_query_with_parameters_to_csv(cli, lake, tmp_path):
    lake("crawled")
    shown = cli("query", "--name", "delivery_by_state", "--param", "state=SP", "-o", "csv")
    written = cli("query", "--name", "delivery_by_state", "--param", "state=SP", "--out", "sp.csv")
    assert shown.exit_code == written.exit_code == 0, (shown, written)
    table = pacsv.read_csv(tmp_path / "sp.csv")
    shown_rows = shown.stdout.strip().splitlines()
    assert table.num_rows == len(shown_rows) - 1 >= 1
    assert table.column_names == shown_rows[0].split(",")
    assert table.column("state").to_pylist() == ["SP"]
    assert table.column("delivered_orders").to_pylist() == [int(shown_rows[1].split(",")[1])]


def test_an_existing_file_is_kept_unless_overwrite(cli, lake, tmp_path):
    lake("crawled")
    mine = tmp_path / "answer.csv"
    mine.write_text("my own notes\n")
    refused = cli("query", "SELECT 1 AS one", "--out", "answer.csv")
    assert refused.exit_code == ExitCode.REFUSED  # as report html --out over a foreign file
    assert refused.stderr.strip() == (
        "Error: answer.csv already exists, and olistctl does not replace a file unasked:"
        " give another name, or add --overwrite to replace it."
    )
    assert mine.read_text() == "my own notes\n"
    replaced = cli("query", "SELECT 1 AS one", "--out", "answer.csv", "--overwrite")
    assert replaced.exit_code == 0, replaced
    assert mine.read_text() == '"one"\n"1"\n'


def test_the_file_has_the_permissions_a_plain_write_gives(cli, lake, tmp_path):
    # Made for the user, as `open(path, "w")` makes a file: 0666 less the umask.
    lake("crawled")
    umask = os.umask(0o022)
    os.umask(umask)
    result = cli("query", "SELECT 1 AS one", "--out", "one.parquet")
    assert result.exit_code == 0, result
    assert stat.S_IMODE((tmp_path / "one.parquet").stat().st_mode) == 0o666 & ~umask
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--out", "answer.json"],
            "Error: --out answer.json names neither a .parquet nor a .csv file: end the file"
            " name in .parquet or .csv (e.g. --out result.parquet).",
        ),
        (
            ["--out", "answer.csv", "--max-rows", "5"],
            "Error: --max-rows caps the rows shown, and --out writes every row: drop"
            " --max-rows (a LIMIT in the SQL caps what is written).",
        ),
        (
            ["--overwrite"],
            "Error: --overwrite goes with --out: add --out FILE, or drop --overwrite.",
        ),
        (
            ["--out", "no/such/folder/answer.csv"],
            "Error: The folder no/such/folder of --out no/such/folder/answer.csv does not"
            " exist: create it first, or give a file in an existing folder.",
        ),
    ],
    ids=["suffix", "max-rows", "overwrite-alone", "no-folder"],
)
def test_bad_out_arguments(cli, lake, tmp_path, args, message):
    lake("crawled")
    before = _files(tmp_path)
    result = cli("query", "SELECT 1 AS one", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr
    assert _files(tmp_path) == before


@pytest.mark.parametrize(
    ("sql", "code", "message"),
    [
        (
            "SELECT order_id AS a, customer_id AS a FROM olist_orders_dataset",
            2,
            "Error: The result has two columns named 'a', and Athena's UNLOAD (what --out runs"
            " on aws) refuses repeated names: give each column its own name with AS.",
        ),
        (
            # Fails at run time, on a row far into the result: nothing half-written stays.
            "SELECT i.order_id, CAST(CASE WHEN i.order_item_id > 3 THEN 'x' ELSE '1' END"
            " AS integer) AS n FROM olist_order_items_dataset i CROSS JOIN"
            " olist_orders_dataset o",
            2,
            None,
        ),
    ],
    ids=["repeated-names", "fails-midway"],
)
def test_a_failing_query_leaves_nothing(cli, lake, tmp_path, sql, code, message):
    lake("crawled")
    outside = {k: v for k, v in _files(tmp_path).items() if not k.startswith(WS)}
    result = cli("query", sql, "--out", "answer.parquet")
    assert result.exit_code == code, result
    if message is not None:
        assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr
    assert {k: v for k, v in _files(tmp_path).items() if not k.startswith(WS)} == outside


def test_show_tables_to_a_file(cli, lake, sample_data, tmp_path):
    lake("crawled")
    result = cli("query", "SHOW TABLES", "--out", "tables.parquet")
    assert result.exit_code == 0, result
    names = pq.read_table(tmp_path / "tables.parquet").column("tab_name").to_pylist()
    assert names == sorted(p.stem for p in sample_data.glob("*.csv"))


def test_the_written_decimals_are_exact(cli, lake, sample_data, tmp_path):
    lake("crawled")
    result = cli(
        "query", "SELECT SUM(price) AS revenue FROM olist_order_items_dataset", "--out", "r.parquet"
    )
    assert result.exit_code == 0, result
    (value,) = pq.read_table(tmp_path / "r.parquet").column("revenue").to_pylist()
    assert value == sum(frame(sample_data, "olist_order_items_dataset")["price"], Decimal(0))

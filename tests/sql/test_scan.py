"""Scan estimates: Parquet column-chunk bytes from footers, whole files for CSV."""

from __future__ import annotations

import struct
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from olistctl.dataset import ORDERS, arrow_schema
from olistctl.sql.scan import csv_scan_bytes, estimate_scan_bytes, parquet_column_bytes
from olistctl.sql.transpile import transpile

MODEL = {ORDERS.name: {c.name: c.athena_type for c in ORDERS.columns}}


def write_orders(path: Path, rows: int, offset: int = 0) -> Path:
    """A Parquet file of synthetic orders in several Snappy row groups."""
    schema = arrow_schema(ORDERS)
    ms = 1_500_000_000_000
    columns = {
        "order_id": [f"{i + offset:032x}" for i in range(rows)],
        "customer_id": [f"{(i + offset) * 7919:032x}" for i in range(rows)],
        "order_status": [("delivered", "shipped", "canceled")[i % 3] for i in range(rows)],
    }
    for column in ORDERS.columns[3:]:
        columns[column.name] = [ms + (i + offset) * 60_000 for i in range(rows)]
    table = pa.table({name: pa.array(values) for name, values in columns.items()}).cast(schema)
    pq.write_table(table, path, compression="snappy", row_group_size=max(rows // 3, 1))
    return path


def data_bytes(path: Path) -> int:
    """Bytes between the leading magic and the footer: every column chunk, counted from outside."""
    raw = path.read_bytes()
    (footer_length,) = struct.unpack("<i", raw[-8:-4])
    return len(raw) - len(b"PAR1") - footer_length - 8


@pytest.fixture
def orders_file(tmp_path) -> Path:
    return write_orders(tmp_path / "part-0.parquet", 3000)


def test_all_columns_add_up_to_the_file_minus_its_footer(orders_file):
    assert pq.read_metadata(orders_file).num_row_groups == 3
    everything = parquet_column_bytes(orders_file, ORDERS.column_names)
    assert everything == data_bytes(orders_file)


def test_columns_add_up_one_by_one(orders_file):
    each = [parquet_column_bytes(orders_file, [c]) for c in ORDERS.column_names]
    assert all(size > 0 for size in each)
    assert sum(each) == parquet_column_bytes(orders_file, ORDERS.column_names)


def test_estimate_uses_only_the_columns_the_query_reads(orders_file):
    files = {ORDERS.name: [orders_file]}
    status = transpile(f"SELECT order_status, count(*) FROM {ORDERS.name} GROUP BY 1", MODEL)
    everything = transpile(f"SELECT * FROM {ORDERS.name}", MODEL)
    count = transpile(f"SELECT count(*) FROM {ORDERS.name}", MODEL)

    status_bytes = estimate_scan_bytes(status.columns, files)
    assert status_bytes.bytes == parquet_column_bytes(orders_file, ["order_status"])
    assert status_bytes.per_table == {ORDERS.name: status_bytes.bytes}
    assert estimate_scan_bytes(everything.columns, files).bytes == data_bytes(orders_file)
    assert estimate_scan_bytes(count.columns, files).bytes == 0


def test_estimate_sums_every_file_of_a_table(tmp_path):
    first = write_orders(tmp_path / "a.parquet", 1000)
    second = write_orders(tmp_path / "b.parquet", 2000, offset=1000)
    estimate = estimate_scan_bytes({ORDERS.name: {"order_id"}}, {ORDERS.name: [first, second]})
    assert estimate.bytes == sum(parquet_column_bytes(p, ["order_id"]) for p in (first, second))


def test_a_table_without_files_scans_nothing():
    assert estimate_scan_bytes({"t": {"a"}}, {}).bytes == 0


def test_column_names_match_case_insensitively(orders_file):
    assert parquet_column_bytes(orders_file, ["ORDER_STATUS"]) == parquet_column_bytes(
        orders_file, ["order_status"]
    )


def test_csv_scan_reads_whole_files(tmp_path):
    sizes = {"a": 100, "b": [10, 20], "c": 5}
    estimate = csv_scan_bytes(["a", "b", "a"], sizes)
    assert estimate.bytes == 130
    assert estimate.per_table == {"a": 100, "b": 30}

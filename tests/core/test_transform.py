"""CSV -> Parquet: values, types, bytes on disk, determinism, streaming, atomicity."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tiny_olist import TINY, files_in, orders_csv, read_csv_independently

from olistctl import layout
from olistctl.dataset import TABLES, arrow_schema, get_table
from olistctl.transform import TransformResult, convert_csv, parquet_out, rows_per_group


class ReadOnlyBody:
    """Like botocore's StreamingBody: ``read(n)`` and nothing else, short reads included."""

    def __init__(self, data: bytes, chunk: int = 1000) -> None:
        self._data = io.BytesIO(data)
        self._chunk = chunk

    def read(self, n: int = -1) -> bytes:
        n = self._chunk if n is None or n < 0 else min(n, self._chunk)
        return self._data.read(n)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.short_name)
def test_every_table_round_trips_to_the_same_values(tiny_dir: Path, tmp_path: Path, table):
    src = tiny_dir / table.file_name
    dest = tmp_path / "out" / f"{table.name}.parquet"
    result = convert_csv(src, dest)

    expected = read_csv_independently(src, table)
    written = pq.read_table(dest)
    assert written.schema.remove_metadata() == arrow_schema(table)
    assert written.to_pylist() == expected
    assert result.table == table.name
    assert result.rows_read == result.rows_written == len(expected) == written.num_rows
    assert result.bytes_in == src.stat().st_size
    assert result.bytes_out == dest.stat().st_size
    assert not result.inferred and result.warnings == []


def test_real_format_traps_survive(tiny_dir: Path, tmp_path: Path):
    out = tmp_path / "out"
    convert_csv(tiny_dir / "olist_customers_dataset.csv", out / "c.parquet")
    customers = pq.read_table(out / "c.parquet")
    assert customers.column("customer_zip_code_prefix").to_pylist() == ["14409", "01037", "09790"]

    convert_csv(tiny_dir / "olist_order_items_dataset.csv", out / "i.parquet")
    prices = pq.read_table(out / "i.parquet").column("price")
    assert prices.type == pa.decimal128(10, 2)
    assert [str(v) for v in prices.to_pylist()] == ["29.99", "118.70", "0.85"]

    convert_csv(tiny_dir / "olist_order_reviews_dataset.csv", out / "r.parquet")
    reviews = pq.read_table(out / "r.parquet").to_pylist()
    assert (
        reviews[1]["review_comment_message"]
        == 'Recebi bem antes do prazo.\r\nProduto "top", recomendo'
    )
    assert reviews[1]["review_comment_title"] == "Ótimo "  # trailing space kept
    assert reviews[0]["review_comment_title"] is None  # empty field = NULL

    convert_csv(tiny_dir / "product_category_name_translation.csv", out / "t.parquet")
    translation = pq.read_table(out / "t.parquet")
    assert translation.column_names == ["product_category_name", "product_category_name_english"]
    assert translation.column(1).to_pylist() == ["health_beauty", "housewares", "perfumery"]

    convert_csv(tiny_dir / "olist_products_dataset.csv", out / "p.parquet")
    empty_row = pq.read_table(out / "p.parquet").to_pylist()[3]
    assert empty_row["product_id"] == "5eb564652db742ff8f28759cd8d2652a"
    assert all(v is None for k, v in empty_row.items() if k != "product_id")


def test_timestamps_are_int64_milliseconds_and_every_chunk_is_snappy(tiny_dir, tmp_path):
    dest = tmp_path / "orders.parquet"
    convert_csv(tiny_dir / "olist_orders_dataset.csv", dest)
    meta = pq.ParquetFile(dest).metadata
    schema = pq.ParquetFile(dest).schema
    table = get_table("orders")
    for i, column in enumerate(table.columns):
        parquet_column = schema.column(i)
        if column.type == "timestamp":
            assert parquet_column.physical_type == "INT64"
            logical = json.loads(parquet_column.logical_type.to_json())
            assert logical["Type"] == "Timestamp" and logical["timeUnit"] == "milliseconds"
    for rg in range(meta.num_row_groups):
        for col in range(meta.num_columns):
            assert meta.row_group(rg).column(col).compression == "SNAPPY"


def test_a_nan_coordinate_is_read_back_as_nan_by_the_local_engine(tiny_dir, tmp_path):
    # DuckDB 2.0.1 read a double column's min/max (which Parquet's writers keep NaN out
    # of) as if no NaN lay in the range: is_nan() was false for the NaN row. So the
    # doubles carry no statistics, and the other columns keep theirs.
    from olistctl.backends.local.engine import connect

    src = tiny_dir / "olist_geolocation_dataset.csv"
    text = src.read_text(encoding="utf-8") + '"99998",NaN,-46.6,sao paulo,SP\n'
    csv_path = tmp_path / src.name
    csv_path.write_text(text, encoding="utf-8")
    dest = tmp_path / "geo.parquet"
    convert_csv(csv_path, dest)

    expected = sum(
        1 for line in text.splitlines()[1:] if line.split(",")[1].strip('"').lower() == "nan"
    )
    assert expected == 1
    con = connect(allowed_paths=[str(dest)])
    nans = con.execute(
        "SELECT count(*) FROM read_parquet(?) WHERE isnan(geolocation_lat)", [str(dest)]
    ).fetchone()
    assert nans == (expected,)
    meta = pq.ParquetFile(dest).metadata
    for col in range(meta.num_columns):
        chunk = meta.row_group(0).column(col)
        floating = chunk.physical_type == "DOUBLE"
        assert (chunk.statistics is not None and chunk.statistics.has_min_max) is not floating


def test_source_checksum_is_the_only_olistctl_metadata(tiny_dir, tmp_path):
    src = tiny_dir / "olist_sellers_dataset.csv"
    convert_csv(src, tmp_path / "a.parquet", source_sha256="ab" * 32)
    convert_csv(src, tmp_path / "b.parquet")
    with_sum = pq.read_metadata(tmp_path / "a.parquet").metadata
    without = pq.read_metadata(tmp_path / "b.parquet").metadata
    assert with_sum[layout.SOURCE_SHA256.encode()] == b"ab" * 32
    assert set(with_sum) == {b"ARROW:schema", layout.SOURCE_SHA256.encode()}
    assert set(without) == {b"ARROW:schema"}


def test_same_input_gives_identical_bytes_whatever_the_reading(tmp_path):
    src = tmp_path / "olist_orders_dataset.csv"
    data = orders_csv(20_000)
    src.write_bytes(data)
    convert_csv(src, tmp_path / "a.parquet")
    convert_csv(src, tmp_path / "b.parquet")
    convert_csv(src, tmp_path / "c.parquet", batch_bytes=64 << 10)
    convert_csv(ReadOnlyBody(data, chunk=777), tmp_path / "d.parquet", source_name=str(src))
    first = (tmp_path / "a.parquet").read_bytes()
    for name in "bcd":
        assert (tmp_path / f"{name}.parquet").read_bytes() == first, name


def test_a_read_only_stream_converts_like_a_file_and_counts_every_byte(tmp_path):
    data = orders_csv(3_000)
    seen: list[int] = []
    result = convert_csv(
        ReadOnlyBody(data),
        tmp_path / "orders.parquet",
        table=get_table("orders"),
        source_name="olist_orders_dataset/part.csv",
        progress=seen.append,
        batch_bytes=32 << 10,
    )
    assert result.source == "olist_orders_dataset/part.csv"
    assert result.bytes_in == len(data) == sum(seen)
    assert len(seen) > 10  # reported as it went, not once at the end
    assert result.rows_read == result.rows_written == 3_000


def test_big_input_is_written_as_fixed_row_groups(tmp_path):
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(30_000))
    result = convert_csv(
        src, tmp_path / "orders.parquet", batch_bytes=64 << 10, row_group_rows=7_000
    )
    meta = pq.read_metadata(tmp_path / "orders.parquet")
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes == [7_000, 7_000, 7_000, 7_000, 2_000]
    assert result.rows_written == 30_000
    ids = pq.read_table(tmp_path / "orders.parquet", columns=["order_id"]).column(0)
    assert ids.to_pylist() == [
        r["order_id"] for r in read_csv_independently(src, get_table("orders"))
    ]


def test_row_group_size_follows_the_line_length():
    narrow = b"a,b\n" + b"1,2\n" * 300_000
    wide = b"a,b\n" + (b"x" * 396 + b",2\n") * 3_000
    assert rows_per_group(narrow[: 1 << 20], whole_file=False) == 1 << 20  # capped
    assert rows_per_group(wide[: 1 << 20], whole_file=False) == 52_224  # 20 MiB / 400 B
    assert rows_per_group(narrow[:100], whole_file=True) == 1 << 20  # one group


def test_unknown_csv_gets_conservative_inferred_types_and_a_warning(tmp_path):
    src = tmp_path / "targets.csv"
    src.write_bytes(
        b"zip,amount,units,when,day,note\n"
        b'"01037",1.5,3,2017-10-02 10:56:33,2017-10-02,first\n'
        b"14409,2.25,-4,2018-01-01 00:00:00,2018-01-01,\n"
    )
    result = convert_csv(src, tmp_path / "targets.parquet")
    assert result.inferred and result.table == "targets"
    schema = pq.read_schema(tmp_path / "targets.parquet").remove_metadata()
    assert schema == pa.schema(
        [
            ("zip", pa.string()),  # a leading zero: never a number
            ("amount", pa.float64()),
            ("units", pa.int64()),
            ("when", pa.timestamp("ms")),
            ("day", pa.date32()),
            ("note", pa.string()),
        ]
    )
    assert pq.read_table(tmp_path / "targets.parquet").column("zip").to_pylist() == [
        "01037",
        "14409",
    ]
    assert result.warnings == [
        f"{src}: the header matches no Olist table, so the column types were inferred from its"
        " first 2 rows: zip string, amount double, units bigint, when timestamp, day date,"
        " note string."
    ]
    assert result.quality.findings == []
    assert [c.nulls for c in result.quality.columns] == [0, 0, 0, 0, 0, 1]


def test_header_names_padded_with_spaces_get_the_models_types(tiny_dir, tmp_path):
    # The header is matched with its names stripped; the data must then be read by them too.
    table = get_table("customers")
    clean = tiny_dir / table.file_name
    header, rest = clean.read_bytes().split(b"\n", 1)
    padded = tmp_path / "padded" / table.file_name
    padded.parent.mkdir()
    padded.write_bytes(b", ".join(n.strip(b'"') + b" " for n in header.split(b",")) + b"\n" + rest)
    result = convert_csv(padded, tmp_path / "out.parquet")
    written = pq.read_table(tmp_path / "out.parquet")
    assert written.schema.remove_metadata() == arrow_schema(table)
    assert written.to_pylist() == read_csv_independently(clean, table)
    assert not result.inferred and result.warnings == []

    unknown = tmp_path / "targets.csv"
    unknown.write_bytes(b' zip , units \n"01037",3\n14409,-4\n')
    convert_csv(unknown, tmp_path / "targets.parquet")
    assert pq.read_table(tmp_path / "targets.parquet").to_pylist() == [
        {"zip": "01037", "units": 3},
        {"zip": "14409", "units": -4},
    ]


def test_a_failure_leaves_no_file_and_keeps_the_previous_one(tiny_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "orders.parquet"
    dest.write_bytes(b"previous content")
    bad = tmp_path / "olist_orders_dataset.csv"
    bad.write_bytes(orders_csv(20_000).replace(b"2017-11-05 00:00:00", b"2017-11-05 00:00:0x", 1))
    with pytest.raises(Exception, match="order_estimated_delivery_date"):
        convert_csv(bad, dest, batch_bytes=64 << 10, row_group_rows=1_000)
    assert dest.read_bytes() == b"previous content"
    assert files_in(out) == ["orders.parquet"]


def test_ctrl_c_midway_removes_the_temporary_file(tmp_path):
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(20_000))
    out = tmp_path / "out"
    calls = 0

    def interrupt(n: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 20:  # several row groups are written by then
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert_csv(
            src,
            out / "orders.parquet",
            progress=interrupt,
            batch_bytes=16 << 10,
            row_group_rows=500,
        )
    assert calls == 20
    assert not out.exists() or files_in(out) == []


def test_result_round_trips_through_json(tiny_dir, tmp_path):
    result = convert_csv(tiny_dir / "olist_products_dataset.csv", tmp_path / "p.parquet")
    back = TransformResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert back == result
    assert result.to_dict()["compression_ratio"] == round(result.bytes_in / result.bytes_out, 3)


def test_rows_lost_by_the_writer_are_an_error_finding(tiny_dir, tmp_path, monkeypatch):
    real_finish = parquet_out.ParquetOutput.finish

    def lossy(self):
        real_finish(self)
        self.rows_written = 2
        return 2

    monkeypatch.setattr(parquet_out.ParquetOutput, "finish", lossy)
    result = convert_csv(tiny_dir / "olist_orders_dataset.csv", tmp_path / "o.parquet")
    [finding] = [f for f in result.quality.findings if f.check == "row-count"]
    assert (finding.severity, finding.expected, finding.found, finding.count) == (
        "error",
        "3 rows (the CSV's records)",
        "2 rows in the Parquet file",
        1,
    )


def test_synthetic_dataset_round_trips(tmp_path):
    from olistctl.synth import generate

    generate(tmp_path / "csv", orders=300, seed=7)
    for table in TABLES:
        src = tmp_path / "csv" / table.file_name
        dest = tmp_path / "pq" / f"{table.name}.parquet"
        result = convert_csv(src, dest)
        assert pq.read_table(dest).to_pylist() == read_csv_independently(src, table), table.name
        assert result.quality.worst() in (None, "info", "warn")
        assert not [f for f in result.quality.findings if f.severity == "error"]


def test_decimal_values_are_exact(tmp_path):
    src = tmp_path / "olist_order_payments_dataset.csv"
    lines = [TINY["olist_order_payments_dataset.csv"].split(b"\n", 1)[0]]
    lines += [f"{i:032x},1,voucher,1,{i}.{i % 100:02d}".encode() for i in range(1, 2001)]
    src.write_bytes(b"\n".join(lines) + b"\n")
    convert_csv(src, tmp_path / "p.parquet")
    values = pq.read_table(tmp_path / "p.parquet").column("payment_value").to_pylist()
    assert sum(values) == sum(Decimal(f"{i}.{i % 100:02d}") for i in range(1, 2001))

"""Row groups encoded apart and joined: the same bytes one ParquetWriter writes.

The transform encodes each row group into a Parquet file of its own on one of
two threads and joins the pieces (``parquet_out``, ``parquet_meta.FooterJoin``).
What Athena and the Lambda see must not change, so the reference here is the
file a single ``pq.ParquetWriter`` writes from the same row groups with the
same settings, one after another, as the transform did before.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tiny_olist import files_in, orders_csv

from olistctl.dataset import TABLES
from olistctl.parquet_meta import MAGIC, FooterJoin
from olistctl.transform import convert_csv, parquet_out


def _converted_and_sequential(monkeypatch, tmp_path: Path, src: Path, **options) -> tuple:
    """The transform's file, and the one a single writer makes of the row groups it took."""
    groups: list[pa.Table] = []
    schemas: list[pa.Schema] = []
    real_write = parquet_out.ParquetOutput.write

    def keep(self, group):
        groups.append(group)
        schemas.append(self.schema)
        real_write(self, group)

    monkeypatch.setattr(parquet_out.ParquetOutput, "write", keep)
    out = tmp_path / "joined.parquet"
    convert_csv(src, out, source_sha256="ab" * 32, **options)
    monkeypatch.setattr(parquet_out.ParquetOutput, "write", real_write)

    reference = tmp_path / "sequential.parquet"
    rows = max(g.num_rows for g in groups)
    settings = parquet_out.writer_options(parquet_out.dictionary_columns(groups[0]))
    with pq.ParquetWriter(reference, schemas[0], **settings) as writer:
        for group in groups:
            writer.write_table(group, row_group_size=rows)
    return out.read_bytes(), reference.read_bytes(), len(groups)


@pytest.mark.parametrize("table", [t.name for t in TABLES])
@pytest.mark.parametrize("row_group_rows", [None, 1024, 100])
def test_every_shipped_sample_is_the_single_writers_bytes(
    monkeypatch, tmp_path, sample_data, table, row_group_rows
):
    (src,) = [p for p in sample_data.glob("*.csv") if p.name == f"{_file_name(table)}"]
    joined, sequential, groups = _converted_and_sequential(
        monkeypatch, tmp_path, src, row_group_rows=row_group_rows, batch_bytes=16 << 10
    )
    assert joined == sequential
    assert pq.read_metadata(io.BytesIO(joined)).num_row_groups == groups


def _file_name(table: str) -> str:
    return next(t.file_name for t in TABLES if t.name == table)


def test_many_row_groups_and_nulls_are_the_single_writers_bytes(monkeypatch, tmp_path):
    # Orders with empty (NULL) delivery dates, in 60 row groups: more than 15 row groups
    # (a long list header in the footer) and row-group ordinals past one byte's varint.
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(12_000))
    joined, sequential, groups = _converted_and_sequential(
        monkeypatch, tmp_path, src, row_group_rows=200, batch_bytes=8 << 10
    )
    assert groups == 60
    assert joined == sequential
    table = pq.read_table(io.BytesIO(joined))
    assert table.num_rows == 12_000
    assert table.column("order_delivered_customer_date").null_count > 0


def _piece(table: pa.Table, **options) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, **options)
    return sink.getvalue()


def _join(pieces: list[bytes]) -> bytes:
    join = FooterJoin()
    out = bytearray(MAGIC)
    for piece in pieces:
        footer_size = int.from_bytes(piece[-8:-4], "little")
        join.add(piece[-8 - footer_size : -8], len(out))
        out += piece[len(MAGIC) : -8 - footer_size]
    footer = join.footer()
    return bytes(out + footer + len(footer).to_bytes(4, "little") + MAGIC)


def _all_types(n: int) -> pa.Table:
    return pa.table(
        {
            "s": pa.array([None if i % 7 == 0 else f"v{i % 13}" for i in range(n)]),
            "b": pa.array([None if i % 5 == 0 else i % 2 == 0 for i in range(n)]),
            "i": pa.array([None if i % 3 == 0 else i - n // 2 for i in range(n)], pa.int32()),
            "l": pa.array([i * 10**12 for i in range(n)], pa.int64()),
            "d": pa.array([None if i % 4 == 0 else i / 3 for i in range(n)]),
            "t": pa.array([i * 1000 for i in range(n)], pa.timestamp("ms")),
            "tags": pa.array([[f"x{i}"] * (i % 3) for i in range(n)], pa.list_(pa.string())),
        }
    ).replace_schema_metadata({"k": "v"})


@pytest.mark.parametrize("rows_per_piece", [1, 7, 50])
def test_joined_pieces_of_every_type_are_one_writers_file(rows_per_piece):
    table = _all_types(200)
    options = {"compression": "snappy", "row_group_size": rows_per_piece}
    pieces = [
        _piece(table.slice(at, rows_per_piece), **options)
        for at in range(0, table.num_rows, rows_per_piece)
    ]
    assert _join(pieces) == _piece(table, **options)


def test_a_piece_of_several_row_groups_keeps_them_all():
    table = _all_types(100)
    options = {"compression": "snappy", "row_group_size": 10}
    pieces = [_piece(table.slice(0, 30), **options), _piece(table.slice(30), **options)]
    joined = _join(pieces)
    assert joined == _piece(table, **options)
    assert pq.read_metadata(io.BytesIO(joined)).num_row_groups == 10


@pytest.mark.parametrize(
    ("options", "what"),
    [
        ({"write_page_index": True}, "offset index"),
        ({"bloom_filter_options": {"s": {}}}, "bloom filter"),
    ],
)
def test_what_a_single_file_writes_after_its_row_groups_is_refused(options, what):
    table = _all_types(20)
    try:
        pieces = [_piece(table.slice(0, 10), **options), _piece(table.slice(10), **options)]
    except TypeError:  # a pyarrow without bloom filters
        pytest.skip(f"this pyarrow cannot write a {what}")
    with pytest.raises(ValueError, match=f"cannot join Parquet pieces with {what}"):
        _join(pieces)


def test_pieces_of_different_files_are_refused():
    one = _piece(_all_types(10))
    other = _piece(_all_types(10).replace_schema_metadata({"k": "other"}))
    with pytest.raises(ValueError, match="different schemas or settings cannot be joined"):
        _join([one, other])


def test_a_broken_footer_is_refused():
    piece = _piece(_all_types(10))
    footer_size = int.from_bytes(piece[-8:-4], "little")
    footer = piece[-8 - footer_size : -8]
    for broken in (footer[:-1], footer[: footer_size // 2], footer + b"\x00"):
        with pytest.raises(ValueError, match="footer is not readable"):
            FooterJoin().add(broken, 4)
    with pytest.raises(ValueError, match="no Parquet pieces to join"):
        FooterJoin().footer()


class _Sink(io.BytesIO):
    """A ParquetSink keeping what is written, in the order written."""

    name = "memory://orders.parquet"

    def __init__(self) -> None:
        super().__init__()
        self.published = self.discarded = False

    def publish(self) -> int:
        self.published = True
        return len(self.getvalue())

    def discard(self) -> None:
        self.discarded = True


def test_a_sink_gets_the_same_bytes_as_a_file(tmp_path):
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(5_000))
    sink = _Sink()
    streamed = convert_csv(src, sink, row_group_rows=700, batch_bytes=16 << 10)
    written = convert_csv(src, tmp_path / "o.parquet", row_group_rows=700, batch_bytes=16 << 10)
    assert sink.published and not sink.discarded
    assert sink.getvalue() == (tmp_path / "o.parquet").read_bytes()
    assert streamed.rows_written == written.rows_written == 5_000
    assert streamed.bytes_out == written.bytes_out == len(sink.getvalue())


def test_an_encoder_failure_fails_the_file_and_keeps_nothing(tmp_path, monkeypatch):
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(6_000))
    out = tmp_path / "out"
    out.mkdir()
    (out / "orders.parquet").write_bytes(b"previous content")
    real_encode = parquet_out.encode_piece
    calls = 0

    def failing(*args):
        nonlocal calls
        calls += 1
        if calls == 4:
            raise pa.ArrowMemoryError("no memory for row group 4")
        return real_encode(*args)

    monkeypatch.setattr(parquet_out, "encode_piece", failing)
    with pytest.raises(pa.ArrowMemoryError, match="no memory for row group 4"):
        convert_csv(src, out / "orders.parquet", row_group_rows=500, batch_bytes=16 << 10)
    assert (out / "orders.parquet").read_bytes() == b"previous content"
    assert files_in(out) == ["orders.parquet"]


def test_a_piece_larger_than_its_buffer_is_encoded_again_the_same(monkeypatch, tmp_path):
    # Growing row groups: each outgrows the buffer the previous one left.
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(4_000))
    sizes: list[tuple[int, int]] = []
    real_encode = parquet_out.encode_piece

    def watched(group, schema, options, rows, space):
        piece = real_encode(group, schema, options, rows, space)
        sizes.append((space.size if space is not None else 0, piece.size))
        return piece

    monkeypatch.setattr(parquet_out, "encode_piece", watched)
    monkeypatch.setattr(parquet_out, "_room_for", lambda size: size // 8)
    joined, sequential, groups = _converted_and_sequential(
        monkeypatch, tmp_path, src, row_group_rows=400, batch_bytes=16 << 10
    )
    assert joined == sequential
    assert groups == 10  # and every piece after the first two outgrew the buffer it was given
    assert all(0 < space < piece for space, piece in sizes[2:])

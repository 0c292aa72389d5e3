"""The transform: failures in its worker thread, the report it makes, its dictionary choice."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from tiny_olist import files_in, orders_csv

from olistctl.dataset import get_table
from olistctl.errors import InputError
from olistctl.ingest import source
from olistctl.ingest.reader import CsvBatches
from olistctl.quality import profile
from olistctl.transform import convert_csv, parquet_out


def test_the_quality_report_is_the_one_a_single_thread_makes(tmp_path):
    data = orders_csv(30_000)
    # The first order again, as the last row: uniqueness findings to compare.
    data += data.split(b"\n")[1].replace(b"delivered", b"shipped") + b"\n"
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(data)
    result = convert_csv(src, tmp_path / "o.parquet", batch_bytes=32 << 10, row_group_rows=4_000)

    batches = CsvBatches(src)
    alone = profile.TableProfiler(batches.name, batches.table, batches.schema)
    for batch in batches:
        alone.add(batch)
    batches.close()
    expected = alone.finish(rows_written=30_001)
    assert result.quality == expected
    # The first order again: its order_id and its customer_id repeat.
    repeated = [(f.column, f.count) for f in expected.findings if f.check == "unique"]
    assert repeated == [("order_id", 1), ("customer_id", 1)]


def test_a_profiler_failure_stops_the_conversion_and_leaves_nothing(tmp_path, monkeypatch):
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(20_000))
    out = tmp_path / "out"
    out.mkdir()
    (out / "orders.parquet").write_bytes(b"previous content")
    real_add = profile.TableProfiler.add
    calls = 0

    def failing(self, batch, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 5:
            raise RuntimeError("profiler broke on batch 5")
        real_add(self, batch, **kwargs)

    monkeypatch.setattr(profile.TableProfiler, "add", failing)
    with pytest.raises(RuntimeError, match="profiler broke on batch 5"):
        convert_csv(
            src,
            out / "orders.parquet",
            batch_bytes=16 << 10,
            row_group_rows=500,
            table=get_table("orders"),
        )
    assert (out / "orders.parquet").read_bytes() == b"previous content"
    assert files_in(out) == ["orders.parquet"]


def test_a_failure_sealing_the_key_sets_is_raised(tmp_path, monkeypatch):
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(orders_csv(3_000))

    def broken(self):
        raise OSError("no room to sort the keys")

    monkeypatch.setattr(profile.TableProfiler, "seal", broken)
    with pytest.raises(OSError, match="no room to sort the keys"):
        convert_csv(src, tmp_path / "out" / "o.parquet")
    assert files_in(tmp_path / "out") == []


def _exhaustive_choice(group: pa.Table) -> list[str]:
    """The dictionary choice counted over the whole group, as the writer first did."""
    chosen = []
    for name in group.column_names:
        col = group.column(name)
        present = len(col) - col.null_count
        share = pc.count_distinct(col).as_py() / present if present else 0
        if share <= parquet_out.DICTIONARY_MAX_DISTINCT_SHARE:
            chosen.append(name)
    return chosen


def test_the_sampled_dictionary_choice_matches_counting_everything(monkeypatch):
    rows = 60_000
    group = pa.table(
        {
            "unique": [f"id{i}" for i in range(rows)],
            "status": [("a", "b", "c")[i % 3] for i in range(rows)],
            # Distinct share 0.4 over the group, but ~0.9 in the first 16k rows:
            # only a full count gets it right.
            "zipish": [f"z{(i * 7919) % 24_000}" for i in range(rows)],
            # Distinct share 0.6 over the group: plain, though the sample is in between too.
            "wide": [f"w{(i * 7919) % 36_000}" for i in range(rows)],
            "empty": pa.nulls(rows, pa.string()),
            "mostly_empty": [None if i % 1000 else f"x{i % 3}" for i in range(rows)],
        }
    )
    counted: list[int] = []
    real = parquet_out._distinct_share

    def spy(col):
        counted.append(len(col))
        return real(col)

    monkeypatch.setattr(parquet_out, "_distinct_share", spy)
    choice = parquet_out.dictionary_columns(group)
    assert choice == _exhaustive_choice(group) == ["status", "zipish", "empty", "mostly_empty"]
    # Full counts only for the columns the sample leaves open (zipish, wide) and the
    # one without values (empty); the ids, the status and the sparse column are settled
    # by the sample.
    sample = parquet_out.DICTIONARY_SAMPLE_ROWS
    assert sorted(counted) == [sample] * 6 + [rows] * 3


def test_the_dictionary_choice_is_the_same_for_the_same_group():
    group = pa.table({"v": [f"v{(i * 31) % 30_000}" for i in range(100_000)]})
    assert parquet_out.dictionary_columns(group) == parquet_out.dictionary_columns(group) == ["v"]


@pytest.mark.parametrize("readahead", [source.READAHEAD_BLOCKS, 1_000])
def test_the_read_ahead_stays_within_its_blocks(monkeypatch, readahead):
    # A stalled consumer lets one held read through (STALL_SECONDS): on a busy machine
    # that could exceed the bound legitimately, so the escape is pushed out of reach.
    monkeypatch.setattr(source, "STALL_SECONDS", 60.0)
    monkeypatch.setattr(source, "READAHEAD_BLOCKS", readahead)
    data = orders_csv(20_000)
    batches = CsvBatches(io.BytesIO(data), block_size=16 << 10)
    try:
        assert sum(b.num_rows for b in batches) == 20_000
    finally:
        batches.close()
    assert batches.stream.batches_done > 50  # a file of many blocks
    if readahead == source.READAHEAD_BLOCKS:
        assert batches.stream.max_ahead <= source.READAHEAD_BLOCKS + 1
    else:  # unthrottled, pyarrow reads further ahead: the bound above is the throttle's doing
        assert batches.stream.max_ahead > source.READAHEAD_BLOCKS + 1


def test_a_bad_value_deep_in_a_file_is_located_alike_from_a_path_and_a_stream(tmp_path):
    # A file's lines are counted only when an error needs them (read again up to the
    # failing block); a stream's as its blocks pass. Both must name the same line.
    lines = orders_csv(20_000).split(b"\n")
    lines[15_001] = lines[15_001].replace(b"2017-10-", b"2017-13-", 1)  # data row 15,001
    data = b"\n".join(lines)
    src = tmp_path / "olist_orders_dataset.csv"
    src.write_bytes(data)
    messages = []
    for source_ in (src, io.BytesIO(data)):
        with pytest.raises(InputError) as caught:
            convert_csv(source_, tmp_path / "o.parquet", source_name="o.csv", batch_bytes=16 << 10)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("o.csv, line 15002: column order_purchase_timestamp holds")
    assert not (tmp_path / "o.parquet").exists()

"""The footer's key-value metadata read without pyarrow: the same as pyarrow reads, or None."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from olistctl.parquet_meta import key_value_metadata


def _pyarrow_view(path) -> dict[str, str]:
    meta = pq.read_metadata(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items()}


def _table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array(["a", "b", None]),
            "ok": pa.array([True, False, None]),
            "n": pa.array([1, 2, 3], type=pa.int32()),
            "x": pa.array([1.5, None, -2.0]),
            "at": pa.array([0, 1, 2], type=pa.timestamp("ms")),
            "tags": pa.array([["x"], [], None], type=pa.list_(pa.string())),
        }
    )


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        {"olistctl.source_sha256": "ab" * 32},
        {f"key-{i}": "v" * i for i in range(40)},  # more than 15 pairs: a long list header
        {"ünïcode": "välue ✓", "empty": ""},
        {"big": "x" * 100_000},
    ],
)
@pytest.mark.parametrize("row_group_size", [1, 1000])
def test_the_same_as_pyarrow(tmp_path, metadata, row_group_size):
    path = tmp_path / "t.parquet"
    table = _table()
    if metadata is not None:
        table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, row_group_size=row_group_size, compression="snappy")
    found = key_value_metadata(path)
    assert found == _pyarrow_view(path)
    for key, value in (metadata or {}).items():
        assert found is not None and found[key] == value


def test_what_is_no_parquet_file_is_none(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(_table().replace_schema_metadata({"k": "v"}), path)
    good = path.read_bytes()
    assert key_value_metadata(tmp_path / "missing.parquet") is None
    for broken in (b"", b"PAR1", good[: len(good) // 2], good[:-1], b"x" + good[1:]):
        path.write_bytes(broken)
        assert key_value_metadata(path) is None
    # Any single damaged byte: an answer or None, never an exception.
    rng = random.Random(0)
    for _ in range(500):
        damaged = bytearray(good)
        damaged[rng.randrange(len(good))] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        key_value_metadata(path)

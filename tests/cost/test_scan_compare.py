"""Footers over ranged reads (the aws side of --queries), checked against the local files."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from olistctl.backends.local import open_local_backend
from olistctl.cost.scan_compare import TAIL_BYTES, TailFile, compare_named_queries, parquet_sources
from olistctl.settings import load_settings


def recording(data: bytes):
    calls: list[tuple[int, int]] = []

    def read_range(start: int, end: int) -> bytes:
        calls.append((start, end))
        return data[start:end]

    return read_range, calls


def parquet_bytes(table: pa.Table, **kwargs) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **kwargs)
    return buffer.getvalue()


def test_a_small_footer_takes_one_ranged_read():
    data = parquet_bytes(pa.table({"a": list(range(50_000)), "b": [str(i) for i in range(50_000)]}))
    read_range, calls = recording(data)
    tail = TailFile(len(data), read_range)
    assert pq.read_metadata(tail).num_rows == 50_000
    assert pq.read_metadata(tail).num_rows == 50_000  # reusable: nothing re-fetched
    assert calls == [(len(data) - TAIL_BYTES, len(data))]


def test_a_footer_longer_than_the_tail_takes_a_second_read():
    wide = pa.table({f"column_{i:03d}": list(range(2_000)) for i in range(300)})
    data = parquet_bytes(wide, row_group_size=500)
    footer = int.from_bytes(data[-8:-4], "little")
    assert footer + 8 > TAIL_BYTES  # the case under test
    read_range, calls = recording(data)
    tail = TailFile(len(data), read_range)
    metadata = pq.read_metadata(tail)
    assert (metadata.num_columns, metadata.num_row_groups) == (300, 4)
    assert len(calls) == 2
    assert calls[0][0] - calls[1][0] == footer + 8 - TAIL_BYTES


def test_reading_the_data_is_refused():
    data = parquet_bytes(pa.table({"a": list(range(100_000))}))
    tail = TailFile(len(data), recording(data)[0], name="orders/a.parquet")
    tail.seek(0)
    with pytest.raises(OSError) as caught:
        tail.read(10)
    assert str(caught.value) == "orders/a.parquet: byte 0 is outside the fetched tail"


class RangedStore:
    """The local store with the aws store's ``read_range`` (end inclusive) on top."""

    def __init__(self, store):
        self.store = store
        self.reads = 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def local_path(self, stage, key):
        return None  # read through read_range, as on S3

    def read_range(self, stage, key, start, end):
        self.reads += 1
        with open(self.store.location(stage, key), "rb") as fh:
            fh.seek(start)
            return fh.read(end - start + 1)


def test_ranged_footers_give_the_same_comparison_as_the_files(ran_workspace):
    backend = open_local_backend(load_settings({"workspace": str(ran_workspace)}, env={}))
    tables = backend.catalog.tables()
    schema = {t.name: {c.name: c.type for c in t.columns} for t in tables}
    raw = {o.table: o.size for o in backend.store.list("raw")}
    processed = backend.store.list("processed")

    local = compare_named_queries(
        schema, parquet_sources(backend.store, processed), raw, region="us-east-1"
    )
    ranged_store = RangedStore(backend.store)
    ranged = compare_named_queries(
        schema, parquet_sources(ranged_store, processed), raw, region="us-east-1"
    )
    assert ranged == local
    # One ranged read per file (the sample's footers fit in the tail), however many queries.
    assert ranged_store.reads == len(processed)


def test_footers_read_from_s3_with_ranged_gets(ran_workspace, monkeypatch):
    """The aws store's read_range (moto S3, end inclusive) gives the local files' estimates."""
    from moto import mock_aws

    from olistctl.backends.aws.clients import AwsClients
    from olistctl.backends.aws.names import StackNames
    from olistctl.backends.aws.store import S3Store

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    backend = open_local_backend(load_settings({"workspace": str(ran_workspace)}, env={}))
    schema = {t.name: {c.name: c.type for c in t.columns} for t in backend.catalog.tables()}
    raw = {o.table: o.size for o in backend.store.list("raw")}
    local = compare_named_queries(
        schema,
        parquet_sources(backend.store, backend.store.list("processed")),
        raw,
        region="us-east-1",
    )
    with mock_aws():
        clients = AwsClients(region="us-east-1")
        s3 = clients.client("s3")
        s3.create_bucket(Bucket="processed")
        for obj in backend.store.list("processed"):
            with open(backend.store.location("processed", obj.key), "rb") as fh:
                s3.put_object(Bucket="processed", Key=obj.key, Body=fh.read())
        settings = load_settings({"processed_bucket": "processed", "backend": "aws"}, env={})
        store = S3Store(clients, StackNames(settings))
        remote = compare_named_queries(
            schema,
            parquet_sources(store, store.list("processed", checksums=False)),
            raw,
            region="us-east-1",
        )
    assert remote == local


class CountingFile(io.BytesIO):
    """A Parquet file in memory that counts the reads made of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        return super().read(size)

    def readinto(self, buffer):
        self.reads += 1
        return super().readinto(buffer)


def test_each_footer_is_read_once_per_comparison(ran_workspace):
    backend = open_local_backend(load_settings({"workspace": str(ran_workspace)}, env={}))
    schema = {t.name: {c.name: c.type for c in t.columns} for t in backend.catalog.tables()}
    raw = {o.table: o.size for o in backend.store.list("raw")}
    paths = parquet_sources(backend.store, backend.store.list("processed"))
    counting = {
        table: [CountingFile(Path(path).read_bytes()) for path in files]
        for table, files in paths.items()
    }
    expected = compare_named_queries(schema, paths, raw, region="us-east-1")
    assert compare_named_queries(schema, counting, raw, region="us-east-1") == expected
    # Every table is read by several of the named queries; its footer is fetched once.
    assert {f.reads for files in counting.values() for f in files} == {1}


def test_a_damaged_object_in_s3_is_named(ran_workspace):
    orders = "olist_orders_dataset/olist_orders_dataset.parquet"
    data = (ran_workspace / "processed" / orders).read_bytes()
    broken = data[:-8] + bytes(4) + b"PAR1"  # a footer length of 0

    class Store:
        def location(self, stage, key):
            return f"s3://processed/{key}"

        def local_path(self, stage, key):
            return None

        def read_range(self, stage, key, start, end):
            return broken[start : end + 1]

    from olistctl.errors import OperationFailed
    from olistctl.records import ObjectInfo

    backend = open_local_backend(load_settings({"workspace": str(ran_workspace)}, env={}))
    schema = {t.name: {c.name: c.type for c in t.columns} for t in backend.catalog.tables()}
    sources = parquet_sources(Store(), [ObjectInfo("processed", orders, len(broken))])
    with pytest.raises(OperationFailed) as caught:
        compare_named_queries(schema, sources, {}, region="us-east-1")
    assert str(caught.value) == (
        f"s3://processed/{orders} is not a readable Parquet file:"
        " re-run `olistctl transform olist_orders_dataset --force`"
    )


def test_stored_queries_on_s3_make_no_head_requests(ran_workspace, monkeypatch):
    """--queries on aws needs keys and sizes only: a LIST per bucket, no HEAD per object."""
    from types import SimpleNamespace

    from moto import mock_aws

    from olistctl.backends.aws.clients import AwsClients
    from olistctl.backends.aws.names import StackNames
    from olistctl.backends.aws.store import S3Store
    from olistctl.cost.scan_compare import compare_stored_queries

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    backend = open_local_backend(load_settings({"workspace": str(ran_workspace)}, env={}))
    local = compare_stored_queries(backend.store, backend.catalog.tables(), region="us-east-1")
    with mock_aws():
        clients = AwsClients(region="us-east-1")
        s3 = clients.client("s3")
        for stage in ("raw", "processed"):
            s3.create_bucket(Bucket=stage)
            for obj in backend.store.list(stage):
                with open(backend.store.location(stage, obj.key), "rb") as fh:
                    s3.put_object(Bucket=stage, Key=obj.key, Body=fh.read())
        heads: list[str] = []
        s3.meta.events.register(
            "before-parameter-build.s3.HeadObject", lambda params, **_: heads.append(params["Key"])
        )
        settings = load_settings(
            {"raw_bucket": "raw", "processed_bucket": "processed", "backend": "aws"}, env={}
        )
        remote_backend = SimpleNamespace(
            catalog=backend.catalog, store=S3Store(clients, StackNames(settings))
        )
        remote = compare_stored_queries(
            remote_backend.store, remote_backend.catalog.tables(), region="us-east-1"
        )
    assert remote == local
    assert heads == []

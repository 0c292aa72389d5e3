"""Starting a big file's writeback early: a hint that never changes what is written."""

from __future__ import annotations

import hashlib
import os
import sys

import pytest

from olistctl import fs
from olistctl.backends.local import runner as runner_module
from olistctl.backends.local import store as store_module
from olistctl.backends.local.runner import WorkspaceParquetFile
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.workspace import Workspace


def test_a_parquet_file_is_handed_to_writeback_in_order_and_published_whole(tmp_path, monkeypatch):
    """Each WRITEBACK_BYTES written are started on their way, in order and without gaps;
    the tail is left to the fsync at publish, and the published bytes are exactly those
    written."""
    monkeypatch.setattr(runner_module, "WRITEBACK_BYTES", 1 << 16)
    ranges: list[tuple[int, int]] = []
    real = fs.start_writeback

    def record(fd: int, offset: int, length: int) -> None:
        ranges.append((offset, length))
        real(fd, offset, length)  # the real call, on the real descriptor

    monkeypatch.setattr(fs, "start_writeback", record)
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    dest = ws.path("processed", "orders/orders.parquet")
    data = os.urandom(5 * (1 << 16) + 777)
    sink = WorkspaceParquetFile(ws, dest)
    for start in range(0, len(data), 10_000):  # pieces that straddle the thresholds
        sink.write(data[start : start + 10_000])
    assert sink.publish() == len(data)
    assert dest.read_bytes() == data
    assert [offset for offset, _ in ranges] == [0] + [
        sum(n for _, n in ranges[:i]) for i in range(1, len(ranges))
    ]
    assert all(length >= 1 << 16 for _, length in ranges)
    assert len(data) - sum(n for _, n in ranges) < 1 << 16
    assert not [p for p in dest.parent.iterdir() if p.name != dest.name]  # no temporary left


def test_start_writeback_is_only_a_hint_on_what_cannot_take_it(tmp_path):
    """A pipe (ESPIPE), a closed descriptor (EBADF), a range past the end: nothing raised."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"x" * 100)
        fs.start_writeback(write_end, 0, 100)
    finally:
        os.close(read_end)
        os.close(write_end)
    fs.start_writeback(write_end, 0, 100)  # closed by now
    path = tmp_path / "f"
    path.write_bytes(b"y" * 10)
    fd = os.open(path, os.O_RDWR)
    try:
        fs.start_writeback(fd, 1 << 30, 1 << 20)
    finally:
        os.close(fd)
    assert path.read_bytes() == b"y" * 10


def test_an_upload_hands_each_full_chunk_to_writeback_and_stores_the_file_whole(
    tmp_path, monkeypatch
):
    """Each full copy chunk is started on its way while the next is copied; the last
    (short) chunk is the fsync's, and a file of less than a chunk makes no call at all."""
    monkeypatch.setattr(store_module, "_COPY_CHUNK", 1 << 16)
    ranges: list[tuple[int, int]] = []
    monkeypatch.setattr(fs, "start_writeback", lambda fd, offset, n: ranges.append((offset, n)))
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    store = LocalStore(ws)
    for size, expected in [
        (2 * (1 << 16) + 99, [(0, 1 << 16), (1 << 16, 1 << 16)]),
        ((1 << 16) - 1, []),
    ]:
        ranges.clear()
        data = os.urandom(size)
        source = tmp_path / f"orders-{size}.csv"
        source.write_bytes(data)
        key = f"orders/orders-{size}.csv"
        store.put_file("raw", key, str(source), sha256=hashlib.sha256(data).hexdigest())
        assert ws.path("raw", key).read_bytes() == data
        assert ranges == expected


def test_a_parquet_file_is_published_whole_on_a_python_without_ctypes(tmp_path, monkeypatch):
    """A Python built without libffi cannot import ctypes: the writeback hint is skipped,
    and a file past the threshold is still written and published, nothing raised."""
    monkeypatch.setattr(fs, "_sync_file_range", None)  # not looked up yet
    monkeypatch.setitem(sys.modules, "ctypes", None)  # `import ctypes` raises ImportError
    monkeypatch.setattr(runner_module, "WRITEBACK_BYTES", 1 << 16)
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    dest = ws.path("processed", "orders/orders.parquet")
    data = os.urandom(3 * (1 << 16) + 5)
    sink = WorkspaceParquetFile(ws, dest)
    for start in range(0, len(data), 1 << 15):
        sink.write(data[start : start + (1 << 15)])
    assert sink.publish() == len(data)
    assert dest.read_bytes() == data
    assert fs._sync_file_range is False  # looked up once, found missing
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="no copy_file_range here")
def test_an_upload_copied_in_short_pieces_is_whole_and_reported_piece_by_piece(
    tmp_path, monkeypatch
):
    """copy_file_range may copy less than asked: every byte still arrives, progress
    reports each piece, and only full chunks (at their true offsets) are handed on."""
    chunk = 1 << 16
    monkeypatch.setattr(store_module, "_COPY_CHUNK", chunk)
    ranges: list[tuple[int, int]] = []
    monkeypatch.setattr(fs, "start_writeback", lambda fd, offset, n: ranges.append((offset, n)))
    real_copy = os.copy_file_range
    asks = iter([1000, chunk, 7, chunk, chunk])  # then whatever is asked

    def short_copy(src: int, dst: int, count: int) -> int:
        return real_copy(src, dst, min(count, next(asks, count)))

    monkeypatch.setattr(os, "copy_file_range", short_copy)
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    data = os.urandom(4 * chunk + 123)
    source = tmp_path / "orders.csv"
    source.write_bytes(data)
    pieces: list[int] = []
    LocalStore(ws).put_file(
        "raw",
        "orders/orders.csv",
        str(source),
        sha256=hashlib.sha256(data).hexdigest(),
        progress=pieces.append,
    )
    assert ws.path("raw", "orders/orders.csv").read_bytes() == data
    # 1000, a chunk, 7, a chunk, a chunk, then the rest: 4 * chunk + 123 - 3 * chunk - 1007.
    assert pieces == [1000, chunk, 7, chunk, chunk, chunk + 123 - 1007]
    assert ranges == [(1000, chunk), (1007 + chunk, chunk), (1007 + 2 * chunk, chunk)]

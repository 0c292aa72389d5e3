"""The local store's upload copy: in the kernel where it can, through Python where it cannot."""

from __future__ import annotations

import errno
import hashlib
import os

import pytest

from olistctl.backends.local import store as store_module
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.workspace import Workspace


@pytest.mark.parametrize("kernel", ["copy_file_range", "refused", "absent"])
def test_the_copy_is_whole_and_reported_in_progress(tmp_path, monkeypatch, kernel):
    data = os.urandom(3 * store_module._COPY_CHUNK + 12345)
    source = tmp_path / "orders.csv"
    source.write_bytes(data)
    if kernel == "refused":

        def refuse(*args, **kwargs):
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", refuse)
    elif kernel == "absent":
        monkeypatch.delattr(os, "copy_file_range")
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    sha = hashlib.sha256(data).hexdigest()
    seen: list[int] = []
    info = LocalStore(ws).put_file(
        "raw", "orders/orders.csv", str(source), sha256=sha, progress=seen.append
    )
    assert ws.path("raw", "orders/orders.csv").read_bytes() == data
    assert info.sha256 == sha and info.size == len(data)
    assert sum(seen) == len(data) and len(seen) >= 4


def test_a_kernel_copy_that_answers_0_at_once_is_read_through_python(tmp_path, monkeypatch):
    """copy_file_range may answer 0 before the end (procfs, some overlays): not an empty file."""
    data = os.urandom(store_module._COPY_CHUNK + 99)
    source = tmp_path / "orders.csv"
    source.write_bytes(data)
    monkeypatch.setattr(os, "copy_file_range", lambda *args, **kwargs: 0)
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    sha = hashlib.sha256(data).hexdigest()
    LocalStore(ws).put_file("raw", "orders/orders.csv", str(source), sha256=sha)
    assert ws.path("raw", "orders/orders.csv").read_bytes() == data


@pytest.mark.parametrize("before", [None, b"the previous upload\n"])
def test_a_disk_full_at_the_checksum_leaves_the_stored_file_as_it_was(
    tmp_path, monkeypatch, before
):
    """The checksum is written before the file is put in place: a disk that fills on it
    leaves the previous file and its checksum (or nothing), never a file without its
    checksum (which the next upload takes as unknown and copies again) or temporaries."""
    from olistctl.errors import OlistError

    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    store = LocalStore(ws)
    dest = ws.path("raw", "orders/orders.csv")
    if before is not None:
        (tmp_path / "old.csv").write_bytes(before)
        old_sha = hashlib.sha256(before).hexdigest()
        store.put_file("raw", "orders/orders.csv", str(tmp_path / "old.csv"), sha256=old_sha)
    source = tmp_path / "orders.csv"
    source.write_bytes(b"order_id\n1\n")
    real = ws.new_temporary

    def full(path, **kwargs):
        if path.name.endswith(".sha256"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, **kwargs)

    monkeypatch.setattr(ws, "new_temporary", full)
    with pytest.raises(OlistError, match="The disk is full"):
        store.put_file("raw", "orders/orders.csv", str(source), sha256="0" * 64)
    files = sorted(p.relative_to(ws.root).as_posix() for p in ws.root.rglob("*") if p.is_file())
    raw = [f for f in files if f.startswith(("raw/", "previous/"))]
    if before is None:
        assert raw == []
    else:
        assert raw == ["raw/orders/orders.csv", "raw/orders/orders.csv.sha256"]
        assert dest.read_bytes() == before
        assert store.head("raw", "orders/orders.csv").sha256 == old_sha
    assert not [f for f in files if f.endswith(".tmp")]

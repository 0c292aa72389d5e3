"""The checksum memo: an unchanged file is not read again; any change is seen."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from olistctl.ingest import checksums
from olistctl.ingest.checksums import ChecksumMemo


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = checksums.sha256_file

    def counted(path):
        seen.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(checksums, "sha256_file", counted)
    monkeypatch.setattr(checksums, "SETTLE_NS", 0)  # files made by the test just now
    return seen


def _writer(path, written):
    """The backend's writer, as the local one is: the whole file, at once."""

    def write(data: bytes) -> None:
        written.append(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return write


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_unchanged_file_is_read_once_even_across_runs(tmp_path, reads):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"a,b\n1,2\n")
    memo_file = tmp_path / "ws" / ".cache" / "memo.json"
    written = []
    memo = ChecksumMemo(memo_file, _writer(memo_file, written))
    assert memo.sha256(data) == _sha(b"a,b\n1,2\n")
    assert memo.sha256(data) == _sha(b"a,b\n1,2\n")
    memo.save()
    memo.save()  # unchanged: not written again
    assert len(written) == 1 and memo_file.is_file()
    again = ChecksumMemo(memo_file)
    assert again.sha256(data) == _sha(b"a,b\n1,2\n")
    assert reads == [str(data)]


def test_a_rewrite_of_the_same_size_with_the_old_times_put_back_is_seen(tmp_path, reads):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"a,b\n1,2\n")
    memo = ChecksumMemo(None)
    memo.sha256(data)
    before = data.stat()
    data.write_bytes(b"a,b\n3,4\n")
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # ctime still moves
    assert memo.sha256(data) == _sha(b"a,b\n3,4\n")
    assert len(reads) == 2


def test_a_file_changed_just_before_it_was_hashed_is_not_remembered(tmp_path, reads, monkeypatch):
    monkeypatch.setattr(checksums, "SETTLE_NS", 10**12)
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo = ChecksumMemo(None)
    memo.sha256(data)
    memo.sha256(data)
    assert len(reads) == 2


@pytest.mark.parametrize("content", ["not json", '{"format": 99, "files": {}}', "[1, 2]"])
def test_an_unreadable_memo_is_empty_and_replaced(tmp_path, reads, content):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = tmp_path / "memo.json"
    memo_file.write_text(content)
    memo = ChecksumMemo(memo_file, _writer(memo_file, []))
    assert memo.sha256(data) == _sha(b"x\n")
    memo.save()
    assert json.loads(memo_file.read_text())["format"] == checksums.FORMAT
    assert reads == [str(data)]


def test_a_tampered_entry_for_another_identity_is_not_trusted(tmp_path, reads):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = tmp_path / "memo.json"
    entry = {"stat": [2, 0, 0, 0, 0], "sha256": "0" * 64}
    memo_file.write_text(json.dumps({"format": 1, "files": {str(data): entry}}))
    assert ChecksumMemo(memo_file).sha256(data) == _sha(b"x\n")

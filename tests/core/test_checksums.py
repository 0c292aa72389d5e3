"""The checksum memo: an unchanged file is not read again; any change is seen."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from olistctl.ingest import checksums
from olistctl.ingest.checksums import ChecksumMemo
from olistctl.user_secret import signed_document


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


SECRET = b"s" * 32


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_unchanged_file_is_read_once_even_across_runs(tmp_path, reads):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"a,b\n1,2\n")
    memo_file = tmp_path / "ws" / ".cache" / "memo.json"
    written = []
    memo = ChecksumMemo(memo_file, _writer(memo_file, written), secret=SECRET)
    assert memo.sha256(data) == _sha(b"a,b\n1,2\n")
    assert memo.sha256(data) == _sha(b"a,b\n1,2\n")
    memo.save()
    memo.save()  # unchanged: not written again
    assert len(written) == 1 and memo_file.is_file()
    again = ChecksumMemo(memo_file, secret=SECRET)
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


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"format": 99, "files": {}}',
        "[1, 2]",
        "[" * 100_000 + "]" * 100_000,  # deeper than json.loads recurses
    ],
)
def test_an_unreadable_memo_is_empty_and_replaced(tmp_path, reads, content):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = tmp_path / "memo.json"
    memo_file.write_text(content)
    memo = ChecksumMemo(memo_file, _writer(memo_file, []), secret=SECRET)
    assert memo.sha256(data) == _sha(b"x\n")
    memo.save()
    assert json.loads(memo_file.read_text())["format"] == checksums.FORMAT
    assert reads == [str(data)]


def test_a_tampered_entry_for_another_identity_is_not_trusted(tmp_path, reads):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = tmp_path / "memo.json"
    entry = {"stat": [2, 0, 0, 0, 0], "sha256": "0" * 64}
    # Signed, so only the identity check can turn it down.
    memo_file.write_bytes(signed_document(SECRET, checksums.FORMAT, "files", {str(data): entry}))
    reads.clear()
    assert ChecksumMemo(memo_file, secret=SECRET).sha256(data) == _sha(b"x\n")
    assert reads == [str(data)]


def _memo_saying(tmp_path, data, sha: str, *, secret: bytes | None):
    """A memo file whose entry says ``data`` (as it is now) has ``sha``, signed with ``secret``."""
    memo_file = tmp_path / "memo.json"
    honest = ChecksumMemo(memo_file, _writer(memo_file, []), secret=SECRET)
    honest.sha256(data)
    honest.save()
    content = json.loads(memo_file.read_text())
    (entry,) = content["files"].values()
    entry["sha256"] = sha
    if secret is None:
        memo_file.write_text(json.dumps(content))  # the old signature, for other content
    else:
        memo_file.write_bytes(signed_document(secret, checksums.FORMAT, "files", content["files"]))
    return memo_file


@pytest.mark.parametrize("secret", [None, b"another user's secret".ljust(32)])
def test_a_memo_not_signed_with_the_users_secret_is_not_trusted(tmp_path, reads, secret):
    # Whoever can write the workspace edits the memo to say a changed file is unchanged.
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = _memo_saying(tmp_path, data, "0" * 64, secret=secret)
    reads.clear()
    assert ChecksumMemo(memo_file, secret=SECRET).sha256(data) == _sha(b"x\n")
    assert reads == [str(data)]


def test_the_same_memo_signed_with_the_users_secret_is_trusted(tmp_path, reads):
    # The control for the test above: only the signature differs.
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = _memo_saying(tmp_path, data, "0" * 64, secret=SECRET)
    reads.clear()
    assert ChecksumMemo(memo_file, secret=SECRET).sha256(data) == "0" * 64
    assert reads == []


def test_without_the_users_secret_nothing_is_read_or_kept(tmp_path, reads):
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    memo_file = _memo_saying(tmp_path, data, "0" * 64, secret=SECRET)
    before = memo_file.read_bytes()
    written: list[bytes] = []
    memo = ChecksumMemo(memo_file, _writer(memo_file, written), secret=None)
    assert memo.sha256(data) == _sha(b"x\n")
    memo.save()
    assert written == [] and memo_file.read_bytes() == before


def test_a_fifo_in_place_of_the_memo_is_not_read(tmp_path, reads):
    # Opening a FIFO to read waits for a writer: an upload must not wait forever on one
    # that someone who can write the workspace left in the memo's place.
    import threading

    memo_file = tmp_path / "memo.json"
    os.mkfifo(memo_file)
    made: list[ChecksumMemo] = []
    reader = threading.Thread(target=lambda: made.append(ChecksumMemo(memo_file, secret=SECRET)))
    reader.start()
    reader.join(timeout=30)  # a bound on a hang, not a measure: a plain read takes ms
    waited = reader.is_alive()
    if waited:  # let it go: a writer that closes at once gives it an end
        os.close(os.open(memo_file, os.O_WRONLY | os.O_NONBLOCK))
        reader.join()
    assert not waited, "the memo was opened as a FIFO and waited for a writer"
    data = tmp_path / "orders.csv"
    data.write_bytes(b"x\n")
    assert made[0].sha256(data) == _sha(b"x\n")

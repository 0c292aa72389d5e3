"""The local upload stores two files at once, and a failure still leaves only whole files.

One file's fsync waits on the disk while the other is copied. What must hold either
way: each stored file is complete, with its checksum and its ledger line; a file
that fails is refused in one sentence and nothing half-written is left.
"""

from __future__ import annotations

import hashlib
import json
import threading

from lake import ORDERS, WS
from refused_command import the_error
from users_file import NOT_MINE, USERS

from olistctl.backends.local.store import LocalStore
from olistctl.errors import ExitCode


def test_two_files_are_stored_at_once(cli, tmp_path, sample_data, monkeypatch):
    # The first two files to be stored each wait until the other has started: one at a
    # time, the first would wait alone and the barrier would break (after its timeout).
    meet = threading.Barrier(2, timeout=20)
    met: list[str] = []
    real = LocalStore.put_file

    def put_file(self, stage, key, path, **kwargs):
        if len(met) < 2:
            met.append(key)
            meet.wait()
        return real(self, stage, key, path, **kwargs)

    monkeypatch.setattr(LocalStore, "put_file", put_file)
    done = cli("--no-progress", "upload", str(sample_data))
    assert done.exit_code == 0, done
    assert len(met) == 2
    _assert_stored_whole(tmp_path, sample_data, expected=9)


def test_a_refused_file_leaves_every_other_stored_file_whole_and_recorded(
    cli, tmp_path, sample_data
):
    mine = tmp_path / WS / "raw" / ORDERS / f"{ORDERS}.csv"
    assert cli("upload", str(sample_data / "olist_customers_dataset.csv")).exit_code == 0
    mine.parent.mkdir()
    mine.write_text(USERS)
    result = cli("upload", str(sample_data))
    assert result.exit_code == ExitCode.REFUSED, result
    assert the_error(result) == f"Error: raw/{ORDERS}/{ORDERS}.csv in the workspace {WS} {NOT_MINE}"
    assert mine.read_text() == USERS
    _assert_stored_whole(tmp_path, sample_data, expected=None, users=mine)


def _assert_stored_whole(tmp_path, sample_data, *, expected, users=None):
    """Every raw CSV olistctl stored is the source's bytes, with the source's SHA-256 in its
    sidecar and one ledger line per upload of it; no temporary file is left."""
    ws = tmp_path / WS
    stored = [p for p in (ws / "raw").glob("*/*.csv") if p != users]
    if expected is not None:
        assert len(stored) == expected
    lines = [json.loads(x) for x in (ws / "ledger.jsonl").read_text().splitlines()]
    uploads = [e["key"] for e in lines if e["stage"] == "upload"]
    assert sorted(set(uploads)) == sorted(f"{p.parent.name}/{p.name}" for p in stored)
    for path in stored:
        source = (sample_data / path.name).read_bytes()
        assert path.read_bytes() == source
        sidecar = path.with_name(path.name + ".sha256").read_text().strip()
        assert sidecar == hashlib.sha256(source).hexdigest()
    assert not [p for p in ws.rglob("*.tmp")]

"""The workspace's manifest: what olistctl made, how it is read, and what uses it.

Teardown removes exactly the manifest's files (test_hostile_inputs.py shows the
user's files surviving); here, the manifest itself: it lists every file the
pipeline writes, it cannot be made to name anything outside the workspace, a
killed command's temporary files are recognised by it and go with the next
command, and a workspace made before the manifest existed is adopted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from lake import WS

from olistctl.backends.local.manifest import MANIFEST, Manifest, relative
from olistctl.backends.local.workspace import MARKER, Workspace


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def test_every_file_and_folder_a_run_and_a_query_make_is_listed(cli, sample_data, tmp_path):
    assert cli("--no-progress", "run", str(sample_data)).exit_code == 0
    assert cli("query", "SELECT 1 AS one").exit_code == 0
    ws = tmp_path / WS
    listed = Workspace(ws).owned()
    assert _files(ws) <= listed.files
    assert _folders(ws) | {"."} == listed.dirs
    # Each listed once, however many commands wrote there.
    lines = (ws / MANIFEST).read_text().splitlines()
    assert len(lines) == len(set(lines))


@pytest.mark.parametrize(
    ("path", "clean"),
    [
        ("raw/a/b.csv", "raw/a/b.csv"),
        (".", "."),
        ("../x", None),
        ("raw/../../x", None),
        ("/etc/passwd", None),
        ("raw//b.csv", None),
        ("raw/./b.csv", None),
        ("raw/", None),
        ("//raw/b.csv", None),
        ("./raw/b.csv", None),
        ("", None),
        ("a\\b", "a\\b"),  # an ordinary character in a POSIX name
        ("a\0b", None),
        (7, None),
    ],
)
def test_a_manifest_path_is_relative_and_inside(path, clean):
    assert relative(path) == clean


def test_a_torn_or_edited_manifest_is_read_for_what_it_can_say(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.append([{"dir": "."}, {"dir": "raw"}, {"file": "raw/a.csv"}, {"file": "raw/b.csv"}])
    with open(manifest.path, "a") as f:
        f.write('{"gone": "raw/b.csv"}\n[1, 2]\n{"file": "../../x"}\n{"file": "raw/c.c')
    owned = manifest.read()
    assert owned.files == {"raw/a.csv"}
    assert owned.dirs == {".", "raw"}


def _read_line_by_line(data: bytes) -> tuple[int, list[tuple[str, object]]]:
    """The manifest's lines as json.loads reads them one by one (how read() read them all)."""
    lines = data.decode("utf-8", errors="replace").splitlines()
    pairs: list[tuple[str, object]] = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            pairs.extend(record.items())
    return len(lines), pairs


def test_olistctls_own_lines_are_read_as_json_reads_them():
    # read() takes a manifest of only olistctl's own lines in two regex passes (every
    # query reads the whole manifest, which grows by two lines a query); the answer
    # must be what json.loads gives line by line, and anything else takes that path.
    import random

    from olistctl.backends.local.manifest import _PLAIN_MANIFEST, _records, encode

    rng = random.Random(17)
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + ["é", "\u2028", "\x85", "\t", "\x7f"]
    for _ in range(300):
        records = [
            {
                rng.choice(["dir", "file", "gone", "tmp", "other"]): "".join(
                    rng.choices(alphabet, k=rng.randint(0, 12))
                )
            }
            for _ in range(rng.randint(0, 6))
        ]
        data = encode(records)
        plain = all(
            set(r) <= {"dir", "file", "gone", "tmp"}
            and all(" " <= c <= "~" and c not in '"\\' for c in next(iter(r.values())))
            for r in records
        )
        assert bool(_PLAIN_MANIFEST.fullmatch(data)) == plain, records
        assert _records(data) == _read_line_by_line(data)
    for odd in [
        b'{"file": "a"}\n{"file": "b',  # a torn last line
        b'{"file": "a"}\r\n{"dir": "b"}\n',
        b'{"file": "a"}\n[1, 2]\n{"file": "a", "gone": "a"}\n',
        b'{"file": "a"} {"file": "b"}\n',
        b'{"file":"a"}\n',
        b'{"file": "caf\xc3\xa9"}\n{"file": "\xff"}\n',
        b"\n\n",
        b"",
    ]:
        assert _records(odd) == _read_line_by_line(odd), odd


def test_whether_one_file_is_listed_is_what_the_whole_read_says(tmp_path):
    # lists_file() searches the manifest for one name's lines instead of reading every
    # line (a query asks it of its ledger, and the manifest grows by two lines a query);
    # whatever the manifest holds, its answer must be read()'s.
    import random

    from olistctl.backends.local.manifest import _listed_in_lines, encode

    names = ["ledger.jsonl", "results/a.csv", "a", "raw/t/x.csv", ".", "caf\u00e9", "a b", "a\\b"]
    odd_lines = [
        '{"file":"ledger.jsonl"}',  # another spacing
        '{"file": "ledger.jsonl", "gone": "ledger.jsonl"}',  # two keys
        '{"gone": "ledger.jsonl"',  # torn
        'x{"file": "results/a.csv"}',  # not JSON
        '{"file": "ledger\\u002ejsonl"}',  # an escape
        '{"other": "a"}',
        '["a"]',
        '{"file": "a"}\r',
        '{"file": "./a"}',
    ]
    manifest = Manifest(tmp_path)
    rng = random.Random(23)
    searched = 0
    for _ in range(400):
        lines = []
        for _ in range(rng.randint(0, 8)):
            if rng.random() < 0.15:
                lines.append(rng.choice(odd_lines) + "\n")
            else:
                kind = rng.choice(["dir", "file", "file", "gone", "tmp"])
                lines.append(encode([{kind: rng.choice(names)}]).decode())
        data = "".join(lines)
        if rng.random() < 0.2:
            data = data.rstrip("\n")  # a torn last line
        manifest.path.write_bytes(data.encode("utf-8", errors="surrogateescape"))
        whole = manifest.read().files
        for name in names:
            assert manifest.lists_file(name) == (name in whole), (data, name)
            searched += _listed_in_lines(manifest.path.read_bytes(), name) is not None
    # Both ways were taken: the search, and the whole read where the search cannot tell.
    assert 500 < searched < 400 * len(names)


def test_a_query_does_not_read_a_long_manifest_whole(cli, lake, monkeypatch):
    # Two lines a query, for every query ever run: after 200,000 queries the whole read
    # made each query ~2 s slower. The ledger's check searches for its own lines.
    from olistctl.backends.local import manifest as manifest_module

    def whole_read(self):
        raise AssertionError("the manifest was read whole")

    ws = lake("crawled")
    monkeypatch.setattr(manifest_module.Manifest, "read", whole_read)
    result = cli("query", "--name", "order_status_mix", "-o", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("order_status,")
    assert (ws / "ledger.jsonl").read_text().count('"stage": "query"') == 1


def test_a_large_manifest_is_compacted_under_the_lock(tmp_path, monkeypatch):
    from olistctl.backends.local import manifest as manifest_module

    monkeypatch.setattr(manifest_module, "COMPACT_BYTES", 200)
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    kept = ws.root / "raw" / "a.csv"
    for i in range(20):
        path = ws.root / "results" / f"{i}.csv"
        ws.claim(path)
    ws.claim(kept)  # makes the folder
    kept.write_text("x")
    before = ws.owned()
    with ws.lock():
        pass
    after = ws.owned()
    assert after.files == {f for f in before.files if (ws.root / f).exists()}
    assert "raw/a.csv" in after.files and after.dirs == before.dirs
    assert len((ws.root / MANIFEST).read_text().splitlines()) < 10


def test_a_workspace_made_before_the_manifest_is_adopted_by_its_layout(cli, lake, tmp_path):
    ws = lake("crawled")
    assert cli("query", "SELECT 1 AS one").exit_code == 0
    (ws / MANIFEST).unlink()
    (ws / ".cache" / "source-checksums.json").unlink()  # no version-1 olistctl wrote it
    (ws / MARKER).write_text(json.dumps({"olistctl_workspace": 1}) + "\n")
    (ws / "mine.txt").write_text("the user's\n")
    (ws / "raw" / "notes.md").write_text("the user's\n")
    done = cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert (
        f"Verified: every file olistctl wrote in {WS} is gone; it left the 2 it did not write:"
        " mine.txt, raw/notes.md." in done.stderr
    )
    assert _files(ws) == {"mine.txt", "raw/notes.md"}


# The CLI as a process, killed (SIGKILL: no clean-up runs) with a Parquet file half-written.
_KILLABLE_CLI = r"""
import os
import sys
import time

from olistctl.transform import parquet_out

ready = int(sys.argv[1])
real_write = parquet_out.ParquetOutput.write


def write(self, group):
    real_write(self, group)
    os.write(ready, str(self.sink.tmp).encode())
    time.sleep(600)  # until killed


parquet_out.ParquetOutput.write = write
from olistctl.cli.app import main

sys.argv = ["olistctl", *sys.argv[2:]]
main()
"""


def test_a_killed_transform_leaves_temporary_files_that_the_next_command_removes(
    cli, lake, tmp_path
):
    ws = lake("uploaded")
    (ws / "processed").mkdir(exist_ok=True)
    mine = ws / "processed" / ".mine.tmp"
    mine.write_text("the user's\n")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLABLE_CLI,
            str(write_end),
            "--no-progress",
            "transform",
            "-j",
            "1",
        ],
        cwd=tmp_path,
        pass_fds=(write_end,),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        half = tmp_path / os.read(read_end, 4096).decode()  # waits for the first row group
        assert half.is_file() and half.stat().st_size > 0
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    finally:
        os.close(read_end)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert half.exists()  # nothing ran after the kill

    assert cli("status").exit_code == 0  # reads only: takes no lock, removes nothing
    assert half.exists()
    again = cli("transform")
    assert again.exit_code == 0, again
    assert not half.exists()
    assert not [p for p in ws.rglob("*.tmp") if p != mine]
    assert mine.read_text() == "the user's\n"


def test_a_query_holds_the_lock_shared_so_a_command_waits_for_it(cli, lake, monkeypatch):
    """While a query runs, a command that changes the workspace (and would remove what
    looks like a killed command's temporary files) waits; other queries do not."""
    import fcntl

    from olistctl.backends.local import engine

    ws = lake("crawled")
    seen = []
    real = engine.LocalEngine._run

    def run(self, *args, **kwargs):
        fd = os.open(ws / ".lock", os.O_RDONLY)
        try:
            for mode in (fcntl.LOCK_EX, fcntl.LOCK_SH):
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    seen.append("free")
                    fcntl.flock(fd, fcntl.LOCK_UN)
                except BlockingIOError:
                    seen.append("held")
        finally:
            os.close(fd)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine.LocalEngine, "_run", run)
    assert cli("query", "SELECT 1 AS one").exit_code == 0
    assert seen == ["held", "free"]  # exclusive: held off; shared: let in

"""A transform stopped midway, and the checks that it left nothing half-written.

:func:`stopped_mid_file` runs the CLI as a process and sends it a real signal while
its first file is half-written; :func:`assert_consistent` checks what any interrupted
transform left (every Parquet file complete and right, every ledger line whole and true),
and :func:`finish_and_check` runs it again to the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from lake import WS, frame

from olistctl import layout
from olistctl.backends.local.workspace import SHA_SUFFIX
from olistctl.dataset import TABLES
from olistctl.fs import is_temporary


def leftovers(ws: Path) -> list[Path]:
    """Temporary files in the workspace: what a write stopped midway would leave."""
    return [p for p in ws.rglob("*") if is_temporary(p.name) or p.name.endswith(".tmp")]


def assert_consistent(ws: Path, sample_data: Path) -> set[str]:
    """Every Parquet file complete and right, every ledger line whole and true; the tables done."""
    assert leftovers(ws) == []
    done = set()
    for parquet in ws.glob("processed/*/*.parquet"):
        table = parquet.parent.name
        meta = pq.read_metadata(parquet)  # a complete file: the footer is there
        assert meta.num_rows == len(frame(sample_data, table))
        raw = ws / "raw" / table / f"{table}.csv{SHA_SUFFIX}"
        source = meta.metadata[layout.SOURCE_SHA256.encode()].decode()
        assert source == raw.read_text().strip()
        done.add(table)
    recorded = set()
    for line in (ws / "ledger.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)  # no torn line
        if entry["stage"] == "transform" and entry["ok"]:
            assert entry["table"] in done, entry
            assert entry["rows"] == len(frame(sample_data, entry["table"]))
            recorded.add(entry["table"])
    # A file that finished while the command was being interrupted is on the ledger too.
    assert recorded == done
    return done


def finish_and_check(cli, ws: Path, sample_data: Path, unfinished: str) -> None:
    """Run the transform again: it converts what was left (``unfinished`` among it)."""
    rerun = cli("transform", "-o", "json")
    assert rerun.exit_code == 0, rerun
    statuses = {r["table"]: r["status"] for r in json.loads(rerun.stdout)}
    assert statuses[unfinished] == "converted"
    assert assert_consistent(ws, sample_data) == {t.name for t in TABLES}
    assert cli("crawl").exit_code == 0
    count = cli("query", f"SELECT COUNT(*) AS n FROM {unfinished}", "-o", "json")
    assert json.loads(count.stdout) == [{"n": len(frame(sample_data, unfinished))}]


# The CLI as a process, stopped by a real signal while its first file is half-written.
# The wrapper changes nothing the CLI does: it says when one row group of the first
# file is on disk, and holds that write until the interrupted command shuts its pool
# down, so the signal always lands mid-file.
_INTERRUPTIBLE_CLI = r"""
import os
import signal
import sys
import threading

# A shell starts background jobs with SIGINT ignored, and Python then installs no
# KeyboardInterrupt handler: restore it, as an interactive terminal would have it.
signal.signal(signal.SIGINT, signal.default_int_handler)

from olistctl.backends import pool
from olistctl.transform import parquet_out

ready = [int(sys.argv[1])]
shutting_down = threading.Event()


class ObservedPool(pool.ThreadPoolExecutor):
    def shutdown(self, *args, **kwargs):
        shutting_down.set()
        super().shutdown(*args, **kwargs)


pool.ThreadPoolExecutor = ObservedPool
real_write = parquet_out.ParquetOutput.write


def write(self, group):
    real_write(self, group)
    if ready:
        os.write(ready.pop(), str(self.sink.tmp).encode())
        shutting_down.wait(60)


parquet_out.ParquetOutput.write = write
from olistctl.cli.app import main

sys.argv = ["olistctl", *sys.argv[2:]]
main()
"""


def stopped_mid_file(tmp_path: Path, signum: int) -> tuple[Path, int, str]:
    """``olistctl transform -j 1`` run in ``tmp_path`` (its workspace uploaded), sent
    ``signum`` while its first file is half-written: (that file, exit code, stderr)."""
    read_end, write_end = os.pipe()
    command = ["--no-progress", "transform", "-j", "1"]
    process = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTIBLE_CLI, str(write_end), *command],
        cwd=tmp_path,
        pass_fds=(write_end,),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    try:
        half_written = tmp_path / os.read(read_end, 4096).decode()  # waits for the write
        assert half_written.parent.parent == tmp_path / WS / "processed"
        assert half_written.is_file()
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        os.close(read_end)
        if process.poll() is None:
            process.kill()
            process.wait()
    return half_written, process.returncode, stderr

"""The errors of the local pipeline, through the CLI: exit code, one sentence naming the fix.

Every error: the documented exit code, one ``Error:`` line on stderr that
names the fix, no traceback, and ``--debug`` shows the traceback. Ctrl-C in
the middle of a transform leaves nothing half-written and a re-run finishes
the job; a second command waits for the workspace's lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from interrupted_transform import assert_consistent, finish_and_check, leftovers, stopped_mid_file
from lake import WS
from refused_command import assert_debug_shows_traceback
from refused_query import error_line

from olistctl.backends.local.workspace import LOCK, SHA_SUFFIX, Workspace
from olistctl.dataset import TABLES
from olistctl.errors import DeadlineExceeded, ExitCode

ALL_TABLES = ", ".join(sorted(t.file_name for t in TABLES))


# (stage of the workspace or None, command, exit code, the exact error line)
PIPELINE_ERRORS = {
    "query before crawl": (
        "transformed",
        ["query", "SELECT 1"],
        ExitCode.FAILED,
        "Error: The catalog is empty, so there is nothing to query yet:"
        " run `olistctl crawl` first.",
    ),
    "crawl before transform": (
        "uploaded",
        ["crawl"],
        ExitCode.FAILED,
        "Error: The processed stage is empty, so there is nothing to crawl:"
        " run `olistctl transform` first.",
    ),
    "transform on an empty workspace": (
        None,
        ["transform"],
        ExitCode.FAILED,
        "Error: The raw stage is empty, so there is nothing to transform:"
        " run `olistctl upload PATH` first (or `olistctl run`).",
    ),
    "crawl on an empty workspace": (
        None,
        ["crawl"],
        ExitCode.FAILED,
        "Error: The processed stage is empty, so there is nothing to crawl:"
        " run `olistctl transform` first.",
    ),
    "query on an empty workspace": (
        None,
        ["query", "SELECT 1"],
        ExitCode.FAILED,
        "Error: There are no tables to query: nothing has been transformed and crawled yet:"
        " run `olistctl run` (or upload, transform and crawl).",
    ),
    "report quality on an empty workspace": (
        None,
        ["report", "quality"],
        ExitCode.FAILED,
        "Error: The raw and processed stages are empty, so there is nothing to check:"
        " run `olistctl upload PATH` (or `olistctl run`) first.",
    ),
    "transform of a table that was not uploaded": (
        "uploaded",
        ["transform", "orders", "nope"],
        ExitCode.USAGE,
        "Error: There is no table 'nope' in the raw stage: the tables there are: "
        + ", ".join(sorted(t.name for t in TABLES))
        + ".",
    ),
    "an empty statement": (
        "crawled",
        ["query", "  "],
        ExitCode.USAGE,
        'Error: The SQL is empty: pass a statement: olistctl query "SELECT 1".',
    ),
    "SQL and --name at once": (
        "crawled",
        ["query", "SELECT 1", "--name", "payment_mix"],
        ExitCode.USAGE,
        "Error: Give exactly one of: the SQL as an argument, --file or --name:"
        ' e.g. olistctl query "SELECT COUNT(*) FROM olist_orders_dataset".',
    ),
}


@pytest.mark.parametrize("case", PIPELINE_ERRORS, ids=list(PIPELINE_ERRORS))
def test_commands_out_of_order_or_on_nothing_name_the_fix(cli, lake, tmp_path, case):
    stage, args, code, expected = PIPELINE_ERRORS[case]
    if stage:
        lake(stage)
    result = cli(*args)
    assert result.exit_code == code, result
    assert error_line(result) == expected
    assert result.stdout == ""
    if stage is None:  # a refusal leaves no workspace behind where there was none
        assert os.listdir(tmp_path) == []
    assert_debug_shows_traceback(cli, args, code)


# (SQL, the parts the error line must hold: the database's message, the position, the fix)
SQL_ERRORS = {
    "unknown table": (
        "SELECT * FROM olist_nope",
        ["Table olist_nope does not exist", "(line 1, column 15)", "did you mean olist_orders"],
    ),
    "unknown column": (
        "SELECT order_statuz FROM olist_orders_dataset",
        [
            "Column order_statuz cannot be resolved",
            "(line 1, column 8)",
            "did you mean order_status?",
        ],
    ),
    "unknown column in HAVING": (
        "SELECT count(*) FROM olist_orders_dataset HAVING count(order_statuz) > 0",
        [
            "Column order_statuz cannot be resolved",
            "(line 1, column 56)",
            "did you mean order_status?",
        ],
    ),
    "unknown column of an aliased table": (
        "SELECT o.order_statuz FROM olist_orders_dataset o",
        [
            "order_statuz does not exist in the table olist_orders_dataset",
            "did you mean order_status?",
        ],
    ),
    "syntax error on the third line": (
        "SELECT order_id\nFROM olist_orders_dataset\nWHERE order_status = 'x' AND AND 1 = 1",
        ["Syntax error", "near 'AND'", "(line 3, column 32)", "check the SQL near that position"],
    ),
    "an error only the database finds": (
        "SELECT order_id FROM olist_orders_dataset GROUP BY order_status",
        [
            'Binder Error: column "order_id" must appear in the GROUP BY clause',
            "check the names the query uses and that every selected column is grouped",
        ],
    ),
}


@pytest.mark.parametrize("case", SQL_ERRORS, ids=list(SQL_ERRORS))
def test_sql_that_cannot_run_gets_the_message_and_the_position(cli, lake, case):
    lake("crawled")
    sql, parts = SQL_ERRORS[case]
    result = cli("query", sql)
    assert result.exit_code == ExitCode.USAGE, result
    line = error_line(result)
    for part in parts:
        assert part in line, (part, line)
    assert line.endswith((".", "?")) and result.stdout == ""
    assert_debug_shows_traceback(cli, ["query", sql], ExitCode.USAGE)


def test_debug_does_not_stick_to_the_next_command(cli):
    assert "Traceback" in cli("--debug", "crawl").stderr
    assert "Traceback" not in cli("crawl").stderr


# -- files that are not Olist tables ---------------------------------------------------


def test_a_file_that_is_not_an_olist_table_is_refused_and_nothing_is_uploaded(
    cli, sample_data, tmp_path
):
    folder = tmp_path / "in"
    folder.mkdir()
    for table in TABLES:
        (folder / table.file_name).write_bytes((sample_data / table.file_name).read_bytes())
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("upload", str(folder))
    assert result.exit_code == ExitCode.USAGE, result
    assert error_line(result) == (
        f"Error: {folder / 'notes.csv'}, line 1: the header matches no Olist table (it shares no"
        f" column name with any): give one of the 9 Olist CSV files: {ALL_TABLES}."
    )
    assert not (tmp_path / WS / "raw").exists()  # the nine good files were not uploaded either
    assert_debug_shows_traceback(cli, ["upload", str(folder)], ExitCode.USAGE)


def test_a_damaged_olist_header_names_the_table_and_the_difference(cli, sample_data, tmp_path):
    damaged = tmp_path / "olist_orders_dataset.csv"
    text = (sample_data / "olist_orders_dataset.csv").read_text(encoding="utf-8")
    damaged.write_text(text.replace("order_status", "status", 1), encoding="utf-8")
    result = cli("upload", str(damaged))
    assert result.exit_code == ExitCode.USAGE, result
    line = error_line(result)
    assert line.startswith(
        f"Error: {damaged}, line 1: the header does not match olist_orders_dataset:"
        " missing order_status; unexpected status: the header must be exactly order_id,"
    )
    assert not (tmp_path / WS / "raw").exists()


# -- a workspace that cannot be written (works as root too: a file is in the way) --------------


@pytest.mark.parametrize(
    ("workspace", "problem"),
    [
        ("blocker/ws", "cannot be created (blocker is a file, not a folder)"),
        ("blocker", "is a file, not a folder"),
    ],
)
@pytest.mark.parametrize(
    "command", [["upload", "SAMPLE"], ["transform"], ["crawl"], ["status"], ["query", "SELECT 1"]]
)
def test_a_workspace_that_cannot_be_created_is_a_configuration_error(
    cli, sample_data, tmp_path, workspace, problem, command
):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder\n")
    args = ["--workspace", workspace, *(str(sample_data) if a == "SAMPLE" else a for a in command)]
    result = cli(*args)
    assert result.exit_code == ExitCode.CONFIG, result
    assert error_line(result) == (
        f"Error: The workspace {workspace} {problem}:"
        " choose another folder with --workspace or OLISTCTL_WORKSPACE."
    )
    assert blocker.read_text() == "a file, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
    assert_debug_shows_traceback(cli, args, ExitCode.CONFIG)


# -- Ctrl-C in the middle of a transform ---------------------------------------------------


def test_ctrl_c_while_a_file_is_being_written_leaves_nothing_half_written(
    cli, lake, sample_data, monkeypatch
):
    from olistctl.transform import parquet_out

    ws = lake("uploaded")
    real_write = parquet_out.ParquetOutput.write
    started: list[Path] = []

    def write_then_ctrl_c(self, group):
        real_write(self, group)
        if Path(self.label) not in started:
            started.append(Path(self.label))
            if len(started) == 2:  # the second file: one row group is on disk, unfinished
                # Written into the workspace through a listed temporary file.
                tmp = self.sink.tmp
                assert tmp is not None and tmp.stat().st_size > 0
                raise KeyboardInterrupt

    monkeypatch.setattr(parquet_out.ParquetOutput, "write", write_then_ctrl_c)
    result = cli("transform", "-j", "1")
    assert result.exit_code == ExitCode.INTERRUPTED, result
    assert error_line(result) == (
        "Error: Interrupted: run the same command again to finish (nothing half-written is kept)."
    )
    interrupted = started[1].parent.name
    done = assert_consistent(ws, sample_data)
    assert started[0].parent.name in done and interrupted not in done

    monkeypatch.setattr(parquet_out.ParquetOutput, "write", real_write)
    finish_and_check(cli, ws, sample_data, interrupted)


def test_ctrl_c_during_a_forced_transform_keeps_the_previous_files(cli, lake, monkeypatch):
    from olistctl.transform import parquet_out

    ws = lake("transformed")
    before = {p: p.read_bytes() for p in ws.glob("processed/*/*.parquet")}
    real_write = parquet_out.ParquetOutput.write

    def ctrl_c(self, group):
        real_write(self, group)
        raise KeyboardInterrupt

    monkeypatch.setattr(parquet_out.ParquetOutput, "write", ctrl_c)
    result = cli("transform", "--force", "-j", "1")
    assert result.exit_code == ExitCode.INTERRUPTED, result
    assert {p: p.read_bytes() for p in ws.glob("processed/*/*.parquet")} == before
    assert leftovers(ws) == []


def test_sigint_stops_a_transform_process_with_130_and_a_rerun_finishes(
    cli, lake, sample_data, tmp_path
):
    ws = lake("uploaded")
    half_written, code, stderr = stopped_mid_file(tmp_path, signal.SIGINT)
    assert code == ExitCode.INTERRUPTED, stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith(
        "Error: Interrupted: run the same command again to finish (nothing half-written is kept)."
    )
    # The file being written when Ctrl-C came was finished; the others were never started.
    assert assert_consistent(ws, sample_data) == {half_written.parent.name}
    finish_and_check(cli, ws, sample_data, "olist_orders_dataset")


# -- two commands at once: the workspace's lock ---------------------------------------------


def _hold_lock(ws: Path) -> int:
    fd = os.open(ws / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as another olistctl command would
    return fd


def test_a_second_command_waits_for_the_first_and_says_so(cli, lake, sample_data, monkeypatch):
    from olistctl.cli.state import AppState

    ws = lake("uploaded")
    fd = _hold_lock(ws)
    seen_while_waiting: list[list[str]] = []
    release = threading.Event()
    real_info = AppState.info

    def info(self, message):
        real_info(self, message)
        if str(message).startswith("Another olistctl command is using the workspace"):
            seen_while_waiting.append(sorted(p.name for p in ws.glob("processed/*/*")))
            release.set()

    monkeypatch.setattr(AppState, "info", info)

    def other_command_finishes():
        release.wait(timeout=60)
        os.close(fd)  # closing the descriptor releases the lock

    other = threading.Thread(target=other_command_finishes)
    other.start()
    try:
        result = cli("transform", "-o", "csv")
    finally:
        release.set()
        other.join()
    assert result.exit_code == 0, result
    assert seen_while_waiting == [[]]  # it waited before converting anything
    assert (
        f"Another olistctl command is using the workspace {WS}; waiting for it to finish"
        " (Ctrl-C to stop)." in result.stderr
    )
    assert assert_consistent(ws, sample_data) == {t.name for t in TABLES}


def test_a_lock_held_past_the_deadline_is_a_timeout_naming_the_fix(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    fd = _hold_lock(ws.root)
    told: list[bool] = []
    try:
        with (
            pytest.raises(DeadlineExceeded) as caught,
            ws.lock(waiting=lambda: told.append(True), timeout_s=0),
        ):
            pass
    finally:
        os.close(fd)
    assert told == [True]
    assert caught.value.exit_code == ExitCode.TIMEOUT
    assert str(caught.value) == (
        f"Another olistctl command has held the workspace {ws.root} for over 0 s:"
        " wait for it to finish, or stop it"
    )
    with ws.lock(timeout_s=0):  # released: taken at once
        pass


# -- two copies of one table ------------------------------------------------------------


def test_two_files_for_one_table_are_refused_and_a_renamed_copy_replaces_the_table(
    cli, sample_data, tmp_path
):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    original = sample_data / "olist_orders_dataset.csv"
    (downloads / "olist_orders_dataset.csv").write_bytes(original.read_bytes())
    (downloads / "olist_orders_dataset (1).csv").write_bytes(original.read_bytes())

    both = cli("upload", str(downloads))
    assert both.exit_code == ExitCode.USAGE, both
    assert error_line(both) == (
        f"Error: {downloads / 'olist_orders_dataset (1).csv'} and "
        f"{downloads / 'olist_orders_dataset.csv'} are both the olist_orders_dataset table, "
        "and a table is one file: upload only one of them (the newest copy of the download)."
    )
    assert not (tmp_path / WS / "raw").exists() or not any((tmp_path / WS / "raw").rglob("*.csv"))

    # One copy under another name: stored under the table's own file name, so a later
    # upload of the original is the same object (unchanged), never a second one.
    assert cli("upload", str(downloads / "olist_orders_dataset (1).csv")).exit_code == 0
    again = cli("upload", str(downloads / "olist_orders_dataset.csv"), "-o", "json")
    assert [r["status"] for r in json.loads(again.stdout)] == ["skipped"]
    stored = sorted(p.name for p in (tmp_path / WS / "raw" / "olist_orders_dataset").iterdir())
    assert stored == ["olist_orders_dataset.csv", f"olist_orders_dataset.csv{SHA_SUFFIX}"]


def test_a_damaged_parquet_file_is_a_query_error_and_no_result_is_written(cli, lake):
    ws = lake("crawled")
    (ws / "processed" / "olist_orders_dataset" / "damaged.parquet").write_bytes(b"not parquet")
    results = sorted((ws / "results").glob("*")) if (ws / "results").exists() else []
    # LIMIT 0: DuckDB never opens the file for rows; the footer read must still fail cleanly.
    result = cli("query", "SELECT order_id FROM olist_orders_dataset LIMIT 0")
    assert result.exit_code == ExitCode.USAGE, result
    line = error_line(result)
    assert line.startswith("Error: The query failed in the local engine: ")
    assert "damaged.parquet" in line
    # Not "check the values": the file is at fault, and writing it again is the fix.
    assert line.endswith(
        "convert the damaged file again with `olistctl transform --force olist_orders_dataset`."
    )
    now = sorted((ws / "results").glob("*")) if (ws / "results").exists() else []
    assert now == results


def test_a_damaged_parquet_file_is_named_by_report_quality(cli, lake):
    ws = lake("crawled")
    damaged = Path("olist-lake/processed/olist_orders_dataset/damaged.parquet")
    (ws / "processed" / "olist_orders_dataset" / "damaged.parquet").write_bytes(b"not parquet")
    result = cli("report", "quality")
    assert result.exit_code == ExitCode.USAGE, result
    assert error_line(result) == (
        f"Error: {damaged}: not a readable Parquet file (Parquet magic bytes not found in footer."
        " Either the file is corrupted or this is not a parquet file): convert it again with"
        " `olistctl transform --force`."
    )
    assert_debug_shows_traceback(cli, ["report", "quality"], ExitCode.USAGE)


def test_a_column_stored_with_another_type_is_a_finding_not_a_crash(cli, lake):
    ws = lake("crawled")
    path = next((ws / "processed" / "olist_orders_dataset").glob("*.parquet"))
    stored = pq.read_table(path)
    at = stored.schema.get_field_index("order_status")
    codes = pa.array(range(stored.num_rows), pa.int64())
    pq.write_table(stored.set_column(at, "order_status", codes), path)
    result = cli("report", "quality", "-o", "json")
    assert result.exit_code == ExitCode.FAILED, result  # an error finding, not a crash
    report = json.loads(result.stdout)
    # stderr holds only the --fail-on sentence, naming the error findings.
    errors = sum(f["severity"] == "error" for f in report["findings"])
    assert result.stderr == (
        f"Error: Data quality found {errors} errors, and --fail-on error (the default) fails on"
        " any: the report on stdout lists them; fix the data, or pass --fail-on never to report"
        " without failing.\n"
    )
    orders = report["processed"]["tables"]["olist_orders_dataset"]
    assert orders["rows"] == stored.num_rows
    on_status = [
        (f["severity"], f["check"], f["expected"], f["found"])
        for f in orders["findings"]
        if f["column"] == "order_status"
    ]
    assert on_status == [("error", "schema", "string", "int64")]  # and no domain check of it
    assert [f["check"] for f in orders["findings"]].count("schema") == 1


def test_a_query_duckdb_reports_interrupted_is_130_and_one_sentence(cli, lake, monkeypatch):
    """DuckDB answers a SIGINT that reaches it mid-query with RuntimeError('Query
    interrupted') (seen from `timeout -s INT 3 olistctl query …` on a four-way cross join):
    it ends as Ctrl-C does everywhere else, not as "a bug in olistctl"."""
    from olistctl.backends.local import engine

    def interrupted(*args, **kwargs):
        raise RuntimeError("Query interrupted")

    lake("crawled")
    monkeypatch.setattr(engine, "_write_results_csv", interrupted)
    result = cli("query", "SELECT COUNT(*) AS n FROM olist_orders_dataset")
    assert result.exit_code == ExitCode.INTERRUPTED, result
    assert "Traceback" not in result.stderr and "bug" not in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == "Error: The query was cancelled."
    assert result.stdout == ""


def test_no_scratch_folder_still_answers_without_the_results_copy(cli, lake, monkeypatch):
    """The engine's private scratch folder cannot be made (a full temporary folder)."""
    import errno
    import tempfile

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    ws = lake("crawled")
    monkeypatch.setattr(tempfile, "mkdtemp", full)
    result = cli("query", "SELECT 42 AS answer", "-o", "csv")
    assert result.exit_code == 0 and result.stdout == "answer\n42\n", result
    # Names the temporary folder that is full, not the workspace.
    assert (
        f"(writing it first in the temporary folder {tempfile.gettempdir()}: No space left on"
        " device); the rows above are complete." in " ".join(result.stderr.split())
    )
    assert list(ws.glob("results/*.csv")) == []

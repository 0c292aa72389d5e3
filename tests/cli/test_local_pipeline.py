"""The whole pipeline on the local backend, through the CLI, with answers checked independently."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from lake import WS, frame

from olistctl.dataset import TABLES


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def ran(cli, sample_data):
    result = cli("--no-progress", "run", str(sample_data))
    assert result.exit_code == 0, result
    return result


def test_run_builds_every_stage_and_prints_the_kpis(ran, tmp_path):
    ws = tmp_path / WS
    for table in TABLES:
        assert (ws / "raw" / table.name / table.file_name).is_file()
        parquet = ws / "processed" / table.name / f"{table.name}.parquet"
        assert pq.read_metadata(parquet).num_rows > 0
    catalog = json.loads((ws / "catalog.json").read_text())
    assert sorted(t["name"] for t in catalog["tables"]) == sorted(t.name for t in TABLES)
    assert "Pipeline" in ran.stderr
    assert "9 uploaded" in ran.stderr


def test_second_run_changes_nothing_and_gives_the_same_answers(cli, sample_data, tmp_path):
    first = cli("--no-progress", "run", str(sample_data), "--output", "json")
    assert first.exit_code == 0, first
    ws = tmp_path / WS
    mtimes = {p: p.stat().st_mtime_ns for p in (ws / "processed").rglob("*.parquet")}
    second = cli("--no-progress", "run", str(sample_data), "--output", "json")
    assert second.exit_code == 0, second
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["kpis"] == b["kpis"] and a["kpis"]
    stages = {s["stage"]: s["result"] for s in b["stages"]}
    assert stages["upload"].startswith("0 uploaded")
    assert stages["transform"].startswith("0 converted")
    assert "skipped" in stages["crawl"]
    assert {p: p.stat().st_mtime_ns for p in (ws / "processed").rglob("*.parquet")} == mtimes

    # Each stage's figures, for scripts, beside its sentence: counted here from the files.
    rows = sum(len(frame(sample_data, table.name)) for table in TABLES)
    ledger = [json.loads(line) for line in (ws / "ledger.jsonl").read_text().splitlines()]
    first_scan = [e["bytes_scanned"] for e in ledger if e["stage"] == "query"][:3]
    figures = {
        s["stage"]: {k: v for k, v in s.items() if k not in ("stage", "result", "seconds")}
        for s in a["stages"]
    }
    assert figures == {
        "upload": {
            "uploaded": 9,
            "bytes": sum((sample_data / t.file_name).stat().st_size for t in TABLES),
            "unchanged": 0,
        },
        "transform": {"converted": 9, "rows": rows, "unchanged": 0, "failed": 0},
        "crawl": {"ran": True, "tables": 9, "new": 9},
        "query": {
            "queries": 3,
            "scanned_bytes": sum(first_scan),
            "reused": 0,
            "reused_since": None,
            "skipped": 0,
            "failed": 0,
        },
    }
    again = {s["stage"]: s for s in b["stages"]}
    assert (again["upload"]["uploaded"], again["upload"]["unchanged"]) == (0, 9)
    assert (again["transform"]["converted"], again["transform"]["unchanged"]) == (0, 9)
    assert again["crawl"]["ran"] is False
    assert again["query"]["reused"] == 3
    assert again["query"]["reused_since"] == min(b["reused_kpis"].values())


def test_query_answer_matches_an_independent_count(ran, cli, sample_data):
    result = cli(
        "query",
        "SELECT order_status, COUNT(*) AS orders FROM olist_orders_dataset "
        "GROUP BY order_status ORDER BY orders DESC, order_status",
        "--output",
        "csv",
    )
    assert result.exit_code == 0, result
    expected = dict(Counter(frame(sample_data, "orders")["order_status"]))
    got = {r["order_status"]: int(r["orders"]) for r in _csv_rows(result.stdout)}
    assert got == expected
    assert "Athena would scan" in result.stderr and "$" in result.stderr


def test_money_sums_are_exact_to_the_cent(ran, cli, sample_data):
    result = cli(
        "query", "SELECT SUM(price) AS revenue FROM olist_order_items_dataset", "-o", "json"
    )
    assert result.exit_code == 0, result
    expected = sum(frame(sample_data, "order_items")["price"])  # Decimals: exact
    assert Decimal(str(json.loads(result.stdout)[0]["revenue"])) == expected


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("csv", lambda out: out.splitlines()[0] == "payment_type,n"),
        ("json", lambda out: isinstance(json.loads(out), list) and "n" in json.loads(out)[0]),
        ("jsonl", lambda out: all("payment_type" in json.loads(line) for line in out.splitlines())),
        ("markdown", lambda out: out.splitlines()[0] == "| payment_type | n |"),
        ("table", lambda out: "payment_type" in out and "┃" in out),
    ],
)
def test_every_output_format(ran, cli, fmt, check):
    sql = (
        "SELECT payment_type, COUNT(*) AS n FROM olist_order_payments_dataset GROUP BY 1 ORDER BY 1"
    )
    result = cli("query", sql, "--output", fmt)
    assert result.exit_code == 0, result
    assert check(result.stdout), result.stdout


def test_max_rows_cuts_the_output_and_says_so(ran, cli):
    result = cli(
        "query",
        "SELECT order_id FROM olist_orders_dataset ORDER BY 1",
        "-o",
        "csv",
        "--max-rows",
        "5",
    )
    assert result.exit_code == 0, result
    assert len(result.stdout.splitlines()) == 6  # header + 5
    assert "more exist" in result.stderr


def test_query_from_file_and_by_name(ran, cli, tmp_path):
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("SELECT COUNT(*) AS n FROM olist_sellers_dataset")
    by_file = cli("query", "--file", str(sql_file), "-o", "csv")
    assert by_file.exit_code == 0, by_file
    listing = cli("query", "--list", "-o", "json")
    names = [q["name"] for q in json.loads(listing.stdout)]
    assert "revenue_by_category" in names and "executive_kpis" in names
    by_name = cli("query", "--name", "order_status_mix", "-o", "csv")
    assert by_name.exit_code == 0, by_name
    unknown = cli("query", "--name", "nope")
    assert unknown.exit_code == 2
    assert "There is no query named 'nope'" in unknown.stderr
    typo = cli("query", "--name", "revenue_by_categroy")
    assert typo.exit_code == 2
    assert typo.stderr == (
        "Error: There is no query named 'revenue_by_categroy': did you mean"
        " revenue_by_category? `olistctl query --list` shows all 22.\n"
    )


def test_bad_sql_gets_the_database_message_and_no_traceback(ran, cli):
    syntax = cli("query", "SELEC order_id FROM olist_orders_dataset")
    assert syntax.exit_code == 2, syntax
    assert syntax.stderr.startswith("Error: ") and "Traceback" not in syntax.stderr
    table = cli("query", "SELECT * FROM olist_nope")
    assert table.exit_code == 2 and "olist_nope" in table.stderr, table
    column = cli("query", "SELECT order_statuz FROM olist_orders_dataset")
    assert column.exit_code == 2 and "order_statuz" in column.stderr, column
    assert "order_status" in column.stderr  # the suggestion


def test_commands_in_the_wrong_order_name_the_fix(cli, sample_data):
    transform = cli("transform")
    assert transform.exit_code == 1
    assert "olistctl upload" in transform.stderr
    assert cli("upload", str(sample_data)).exit_code == 0
    crawl = cli("crawl")
    assert crawl.exit_code == 1 and "olistctl transform" in crawl.stderr, crawl
    query = cli("query", "SELECT 1")
    assert query.exit_code == 1 and "olistctl" in query.stderr, query
    assert cli("transform").exit_code == 0
    query = cli("query", "SELECT 1")
    assert query.exit_code == 1 and "olistctl crawl" in query.stderr, query


def test_upload_skips_unchanged_files_and_force_reuploads(cli, sample_data):
    first = cli("upload", str(sample_data), "-o", "csv")
    assert first.exit_code == 0, first
    assert {r["status"] for r in _csv_rows(first.stdout)} == {"uploaded"}
    again = cli("upload", str(sample_data / "olist_orders_dataset.csv"), "-o", "csv")
    assert [r["status"] for r in _csv_rows(again.stdout)] == ["skipped"]
    forced = cli("upload", str(sample_data / "olist_orders_dataset.csv"), "--force", "-o", "csv")
    assert [r["status"] for r in _csv_rows(forced.stdout)] == ["uploaded"]


def test_upload_refuses_a_file_that_is_not_an_olist_table(cli, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    result = cli("upload", str(other))
    assert result.exit_code == 2, result
    assert "other.csv" in result.stderr
    assert not (tmp_path / WS / "raw").exists()


def test_transform_named_table_only(cli, sample_data, tmp_path):
    assert cli("upload", str(sample_data)).exit_code == 0
    result = cli("transform", "orders", "-o", "csv")
    assert result.exit_code == 0, result
    rows = _csv_rows(result.stdout)
    assert [r["table"] for r in rows] == ["olist_orders_dataset"]
    assert rows[0]["status"] == "converted"
    unknown = cli("transform", "nope")
    assert unknown.exit_code == 2 and "nope" in unknown.stderr


def test_a_failing_file_does_not_stop_the_others(cli, sample_data, tmp_path):
    assert cli("upload", str(sample_data)).exit_code == 0
    ws = tmp_path / WS
    bad = ws / "raw" / "olist_sellers_dataset" / "olist_sellers_dataset.csv"
    bad.write_text(bad.read_text() + 'ragged,"1"\n')
    (bad.with_name(bad.name + ".sha256")).write_text("changed\n")
    result = cli("transform", "-o", "csv")
    assert result.exit_code == 1, result
    status = {r["table"]: r["status"] for r in _csv_rows(result.stdout)}
    assert status.pop("olist_sellers_dataset") == "FAILED"
    assert set(status.values()) == {"converted"}
    assert not (ws / "processed" / "olist_sellers_dataset").exists() or not any(
        (ws / "processed" / "olist_sellers_dataset").iterdir()
    )


def test_crawl_reports_what_changed(cli, sample_data):
    assert cli("upload", str(sample_data)).exit_code == 0
    assert cli("transform").exit_code == 0
    first = cli("crawl", "-o", "csv")
    assert first.exit_code == 0, first
    assert len(_csv_rows(first.stdout)) == 9
    assert "+ table olist_orders_dataset" in first.stderr
    second = cli("crawl")
    assert "No changes since the previous crawl" in second.stderr


def test_status_shows_every_stage(ran, cli):
    result = cli("status", "-o", "json")
    assert result.exit_code == 0, result
    stages = {s["stage"]: s for s in json.loads(result.stdout)}
    assert stages["raw"]["objects"] == 9 and stages["processed"]["objects"] == 9
    assert stages["catalog"]["tables"] == 9
    assert stages["results"]["objects"] >= 1
    assert all(stages[s]["last_run"] for s in ("raw", "processed", "catalog"))


def test_report_quality_on_the_workspace(ran, cli):
    result = cli("report", "quality", "-o", "json")
    assert result.exit_code == 0, result
    payload = json.loads(result.stdout)
    assert {"raw", "processed", "verdict", "findings", "rules"} <= set(payload)
    assert payload["verdict"] == "warn" and payload["rules"]["skipped"] == []


def test_teardown_dry_run_refusal_and_removal(ran, cli, tmp_path):
    ws = tmp_path / WS
    dry = cli("teardown", "--dry-run")
    assert dry.exit_code == 0 and ws.is_dir()
    refused = cli("teardown")  # no terminal, no --yes
    assert refused.exit_code == 6 and "--yes" in refused.stderr
    assert ws.is_dir()
    done = cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert not ws.exists()
    assert "Verified" in done.stderr


def test_teardown_refuses_a_folder_that_is_not_a_workspace(cli, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    result = cli("--workspace", str(precious), "teardown", "--yes")
    assert result.exit_code == 2, result
    assert result.stderr == (
        f"Error: The folder {precious} is not an olistctl workspace and already holds 1 file(s)"
        " or folder(s) (thesis.txt): give a new or empty folder with --workspace (or"
        " OLISTCTL_WORKSPACE), so that olistctl never mixes its files with yours.\n"
    )
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_unwritable_workspace_is_a_configuration_error(cli, sample_data, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os

        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that can write anywhere (root)")
        result = cli("--workspace", str(locked / "ws"), "upload", str(sample_data))
        assert result.exit_code == 3, result
        assert "not writable" in result.stderr or "cannot be created" in result.stderr
    finally:
        locked.chmod(0o700)


def test_unknown_backend_is_a_configuration_error(cli):
    result = cli("--backend", "gcp", "status")
    assert result.exit_code == 3
    assert "Unknown backend 'gcp'" in result.stderr


def test_version_and_help_list_every_command(cli):
    version = cli("--version")
    assert version.exit_code == 0 and version.stdout.startswith("olistctl ")
    help_text = cli("--help").stdout
    for command in (
        "upload",
        "transform",
        "crawl",
        "query",
        "report",
        "teardown",
        "run",
        "sample",
        "status",
        "config",
    ):
        assert command in help_text
    report_help = cli("report", "--help").stdout
    assert "quality" in report_help and "cost" in report_help


def test_config_show_names_every_source(cli, tmp_path):
    (tmp_path / "olistctl.toml").write_text('region = "eu-west-1"\n')
    result = cli(
        "--workspace",
        "elsewhere",
        "config",
        "show",
        "-o",
        "json",
        env={"OLISTCTL_DATABASE": "analytics"},
    )
    assert result.exit_code == 0, result
    rows = {r["setting"]: r for r in json.loads(result.stdout)}
    assert rows["workspace"]["value"] == "elsewhere" and rows["workspace"]["source"] == "flag"
    assert rows["database"]["source"] == "env OLISTCTL_DATABASE"
    assert rows["region"]["value"] == "eu-west-1" and rows["region"]["source"] == "olistctl.toml"
    assert rows["backend"]["source"] == "default"


def test_sample_command_writes_nine_files(cli, tmp_path):
    result = cli("sample", "--orders", "50", "--seed", "7", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(t.file_name for t in TABLES)

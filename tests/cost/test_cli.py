"""`olistctl report cost` on the local backend, end to end through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from olistctl.dataset import get_table

GIB = 2**30
SERVICES = [
    "S3 storage",
    "S3 PUT, COPY, POST, LIST",
    "S3 GET and other requests",
    "Lambda requests",
    "Lambda compute",
    "Glue crawler",
    "Glue Data Catalog storage",
    "Glue Data Catalog requests",
    "Athena",
    "CloudWatch Logs ingestion",
    "CloudWatch Logs storage",
]


def stored_bytes(workspace: Path) -> int:
    total = 0
    for stage in ("raw", "processed", "results"):
        for folder, _, names in os.walk(workspace / stage):
            total += sum(
                (Path(folder) / n).stat().st_size
                for n in names
                if not n.endswith(".sha256") and not n.endswith(".tmp")
            )
    return total


def report_json(cli, workspace: Path, *args: str) -> dict:
    result = cli("--workspace", workspace, "report", "cost", *args, "--output", "json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def lines_by_service(document: dict) -> dict[str, dict]:
    return {line["service"]: line for line in document["lines"]}


def test_table_output(cli, ran_workspace):
    result = cli("--workspace", ran_workspace, "report", "cost")
    assert result.exit_code == 0, result
    for service in SERVICES:
        assert service in result.stdout
    assert "Total" in result.stdout and "month (projected)" in result.stdout
    # Every unit price is the bundled table's: said once under the table, not on every row.
    assert "Unit prices from the bundled table, 2026-11-26." in result.stdout
    assert "price from" not in result.stdout
    assert "Priced as if this workspace's runs had happened on AWS in us-east-1" in result.stderr


def test_json_output_is_measured_from_the_workspace(cli, ran_workspace):
    document = report_json(cli, ran_workspace)
    assert [line["service"] for line in document["lines"]] == SERVICES
    assert document["backend"] == "local" and document["region"] == "us-east-1"
    assert document["total_usd"] == pytest.approx(sum(ln["cost"] for ln in document["lines"]))
    lines = lines_by_service(document)
    fraction = document["period"]["month_fraction"]
    assert lines["S3 storage"]["usage"] == pytest.approx(
        stored_bytes(ran_workspace) / GIB * fraction
    )
    ledger = [json.loads(x) for x in (ran_workspace / "ledger.jsonl").read_text().splitlines()]
    transforms = [e for e in ledger if e["stage"] == "transform"]
    assert lines["Lambda requests"]["usage"] == len(transforms) == 9
    # The sample run is far inside every Free Tier allowance.
    for service in SERVICES:
        if service not in ("Glue crawler", "Athena"):
            assert lines[service]["cost"] == 0, service


def test_no_free_tier_and_another_region(cli, ran_workspace):
    result = cli(
        "--workspace",
        ran_workspace,
        "--region",
        "af-south-1",
        "report",
        "cost",
        "--no-free-tier",
        "--output",
        "json",
    )
    assert result.exit_code == 0, result
    document = json.loads(result.stdout)
    assert document["region"] == "af-south-1" and document["free_tier"] == "none"
    storage = lines_by_service(document)["S3 storage"]
    assert storage["free_tier"] == 0 and storage["unit_price"] == 0.0274
    assert storage["cost"] == pytest.approx(storage["usage"] * 0.0274, abs=1e-6)
    lam = lines_by_service(document)["Lambda requests"]
    assert lam["cost"] == pytest.approx(9 / 1e6 * 0.27, abs=1e-6)


def test_scale_ten(cli, ran_workspace):
    base = lines_by_service(report_json(cli, ran_workspace))
    scaled_doc = report_json(cli, ran_workspace, "--scale", "10")
    assert scaled_doc["scale"] == 10
    scaled = lines_by_service(scaled_doc)
    assert scaled["S3 storage"]["usage"] == pytest.approx(
        10 * base["S3 storage"]["usage"], rel=1e-3
    )
    assert scaled["Lambda compute"]["usage"] == pytest.approx(10 * base["Lambda compute"]["usage"])
    assert scaled["Lambda requests"]["usage"] == base["Lambda requests"]["usage"]
    assert scaled["S3 PUT, COPY, POST, LIST"]["usage"] == base["S3 PUT, COPY, POST, LIST"]["usage"]


def test_a_past_month_has_storage_but_no_runs(cli, ran_workspace):
    document = report_json(cli, ran_workspace, "--month", "2020-01")
    assert document["period"]["label"] == "2020-01"
    assert document["period"]["month_fraction"] == 1
    lines = lines_by_service(document)
    assert lines["Lambda requests"]["usage"] == 0
    assert lines["Athena"]["usage"] == 0
    assert lines["S3 storage"]["usage"] == pytest.approx(stored_bytes(ran_workspace) / GIB)


def test_csv_output_has_one_row_per_line(cli, ran_workspace):
    result = cli("--workspace", ran_workspace, "report", "cost", "-o", "csv")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["service"] for r in rows] == SERVICES
    assert rows[0]["unit"] == "GB-month"
    assert {r["price_source"] for r in rows} == {"bundled table, 2026-11-26"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--month", "2026-13"],
            "Error: --month '2026-13' is not a month: write it as YYYY-MM, for example 2026-11.\n",
        ),
        (
            ["--since", "2026-01-01", "--month", "2026-01"],
            "Error: --since and --month cannot be combined: give one of them.\n",
        ),
        (["--scale", "0"], "Error: --scale 0 is not above 0: pass a factor such as 10.\n"),
        (
            ["--scale", "inf"],
            "Error: --scale inf is not a factor up to 1,000,000: pass a factor such as 10.\n",
        ),
        (
            ["--scale", "1000001"],
            "Error: --scale 1000001 is not a factor up to 1,000,000: pass a factor such as 10.\n",
        ),
        (
            ["--scale", "1e308"],
            "Error: --scale 1e+308 is not a factor up to 1,000,000: pass a factor such as 10.\n",
        ),
        (
            ["--month", "0000-01"],
            "Error: --month '0000-01' is not a month: write it as YYYY-MM, for example 2026-11.\n",
        ),
        (
            ["--since", "0001-01-01T00:00+01:00"],
            "Error: --since '0001-01-01T00:00+01:00' is out of range: give a date between the"
            " years 1 and 9999, for example 2026-11-01.\n",
        ),
        (
            ["--free-tier", "maybe"],
            "Error: --free-tier 'maybe' is not a Free Tier plan: use legacy, always or none.\n",
        ),
        (
            ["--actual"],
            "Error: --actual reads the bill from Cost Explorer, which the local backend has not"
            " got: add --backend aws, or drop --actual.\n",
        ),
    ],
)
def test_bad_options_exit_2_with_one_line(cli, tmp_path, args, message):
    workspace = tmp_path / "lake"
    result = cli("--workspace", workspace, "report", "cost", *args)
    assert result.exit_code == 2, result
    assert result.stderr == message
    assert result.stdout == ""
    assert not workspace.exists()  # nothing written


# -- --queries --------------------------------------------------------------------


def named_queries() -> set[str]:
    import olistctl.sql

    folder = Path(olistctl.sql.__file__).parent / "queries"
    return {p.stem for p in folder.glob("*.sql")}


def test_queries_parquet_scans_a_fraction_of_the_csv(cli, ran_workspace, sample_data):
    result = cli("--workspace", ran_workspace, "report", "cost", "--queries", "-o", "json")
    assert result.exit_code == 0, result
    records = json.loads(result.stdout)
    assert {r["query"] for r in records} == named_queries()

    csv_sizes = {get_table(p.stem).name: p.stat().st_size for p in sample_data.glob("*.csv")}
    parquet_sizes = {
        folder.name: sum(f.stat().st_size for f in folder.glob("*.parquet"))
        for folder in (ran_workspace / "processed").iterdir()
    }
    mb = 2**20
    for r in records:
        tables = r["tables"].split()
        assert tables, r["query"]
        assert r["csv_bytes"] == sum(csv_sizes[t] for t in tables), r["query"]
        assert 0 < r["parquet_bytes"] <= sum(parquet_sizes[t] for t in tables), r["query"]
        assert r["parquet_bytes"] < r["csv_bytes"], r["query"]
        assert r["ratio"] == pytest.approx(r["csv_bytes"] / r["parquet_bytes"], rel=1e-2)
        for side in ("parquet", "csv"):
            billed = max(10 * mb, -(-r[f"{side}_bytes"] // mb) * mb)
            assert r[f"{side}_billed_bytes"] == billed
            assert r[f"{side}_usd"] == pytest.approx(billed / 2**40 * 5.0, abs=1e-8)


def test_queries_table(cli, ran_workspace):
    result = cli("--workspace", ran_workspace, "report", "cost", "--queries")
    assert result.exit_code == 0, result
    for name in named_queries():
        assert name in result.stdout
    assert "10 MB minimum" in result.stderr


def test_queries_on_an_empty_workspace(cli, tmp_path):
    result = cli("--workspace", tmp_path / "lake", "report", "cost", "--queries")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: There are no catalog tables to compare scans over yet: run `olistctl run`"
        " (or upload, transform and crawl) first.\n"
    )


def test_queries_over_a_damaged_parquet_file_names_it(cli, workspace_copy):
    damaged = workspace_copy / "processed" / "olist_orders_dataset" / "olist_orders_dataset.parquet"
    data = damaged.read_bytes()
    damaged.write_bytes(data[: len(data) // 2] + bytes(len(data) - len(data) // 2))
    result = cli("--workspace", workspace_copy, "report", "cost", "--queries")
    assert result.exit_code == 1, result
    assert result.stderr == (
        f"Error: {damaged} is not a readable Parquet file: re-run"
        " `olistctl transform olist_orders_dataset --force`.\n"
    )
    assert result.stdout == ""
    assert damaged.read_bytes() == data[: len(data) // 2] + bytes(len(data) - len(data) // 2)


def test_an_unpriced_region_fails_before_any_aws_call(cli, monkeypatch):
    from olistctl.backends.aws.clients import AwsClients

    calls: list[str] = []

    def client(self, name, *args, **kwargs):
        calls.append(name)
        raise AssertionError(f"an AWS {name} client was made")

    monkeypatch.setattr(AwsClients, "client", client)
    result = cli("--backend", "aws", "--region", "mars-north-1", "report", "cost", "--queries")
    assert result.exit_code == 3, result
    assert result.stderr.startswith(
        "Error: There are no prices for region 'mars-north-1': use one of "
    )
    assert "Traceback" not in result.stderr
    assert calls == []
    result = cli("--backend", "aws", "--region", "mars-north-1", "report", "cost")
    assert result.exit_code == 3, result
    assert result.stderr.startswith("Error: There are no prices for region 'mars-north-1'")
    assert calls == []

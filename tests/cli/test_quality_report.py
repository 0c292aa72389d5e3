"""`report quality` on the sample's workspace: the rules' counts against pandas, the failing
keys it samples, one entry per finding across stages, a stage column only where the stages
differ, and the markdown and HTML forms."""

from __future__ import annotations

import csv as csv_module
import json
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from quality_inputs import with_an_orphan_item

from analyses import arrow_tables, frames_of, quality_rule_counts
from olistctl.errors import ExitCode
from olistctl.quality.rules import list_rules

RULES = {r.name: r for r in list_rules()}


@pytest.fixture(scope="module")
def frames(sample_data):
    return frames_of(arrow_tables(sample_data))


def _report(cli, *args):
    result = cli("report", "quality", "-o", "json", *args)
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def test_the_rules_count_what_pandas_counts_on_the_sample(cli, lake, frames):
    lake("crawled")
    report = _report(cli)
    found = {f["check"]: f for f in report["findings"] if f["check"] in RULES}
    expected = {name: n for name, n in quality_rule_counts(frames).items() if n}
    assert {name: f["count"] for name, f in found.items()} == expected
    # The generator plants every fault at the real data's rate (at least one from 1,000 orders).
    assert set(expected) == set(RULES)
    for name, f in found.items():
        rule = RULES[name]
        assert (f["severity"], f["table"], f["stages"]) == (rule.severity, rule.table, ["catalog"])
        assert f["message"] == f"{rule.description}: {f['count']:,}."
        assert f["expected"].startswith(f"none (the real Olist data has {rule.real:,}")
    assert report["rules"]["ran"] == sorted(RULES) and report["rules"]["skipped"] == []


def test_json_holds_every_finding_once_with_the_stages_it_was_found_in(cli, lake):
    lake("crawled")
    report = _report(cli)
    streamed = [f for f in report["findings"] if f["stages"] != ["catalog"]]
    # The sample's raw CSVs and Parquet files find the same things: each once, in both.
    assert all(f["stages"] == ["raw", "processed"] for f in streamed)
    per_stage = [
        (f["severity"], f["check"], f["table"], f["column"], f["found"])
        for f in report["processed"]["findings"]
        + [g for t in report["processed"]["tables"].values() for g in t["findings"]]
    ]
    assert sorted(per_stage) == sorted(
        (f["severity"], f["check"], f["table"], f["column"], f["found"]) for f in streamed
    )
    counts = {s: sum(1 for f in report["findings"] if f["severity"] == s) for s in SEVERITY}
    assert (report["errors"], report["warnings"], report["info"]) == tuple(counts.values())
    assert report["verdict"] == "warn"
    for f in report["findings"]:  # the full text of each, whatever the table shows
        assert f["message"] and f["expected"] and f["found"], f


SEVERITY = ("error", "warn", "info")


def test_samples_are_the_first_failing_keys(cli, lake, frames):
    lake("crawled")
    report = _report(cli, "--samples", "2")
    by_check = {(f["check"], f["column"]): f for f in report["findings"]}
    orders = frames["orders"]
    early = orders[orders["order_delivered_carrier_date"] < orders["order_purchase_timestamp"]]
    carrier = by_check[("carrier-before-purchase", RULES["carrier-before-purchase"].columns)]
    assert [s["key"] for s in carrier["samples"]] == sorted(early["order_id"])[:2]
    reviews = frames["order_reviews"]
    repeated = reviews["review_id"][reviews["review_id"].duplicated()].unique()
    unique = by_check[("unique", "review_id")]
    assert [s["key"] for s in unique["samples"]] == sorted(repeated)[:2]
    assert all(s["detail"] == "2 rows" for s in unique["samples"])
    # Without --samples, none are read.
    assert all(f["samples"] == [] for f in _report(cli)["findings"])


def test_samples_of_a_repeated_key_leave_out_keys_with_a_null_part(
    cli, lake, sample_data, tmp_path
):
    lake("crawled")
    items = sample_data / "olist_order_items_dataset.csv"
    lines = items.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",")
    no_item_id = ",".join([first[0], "", *first[2:]])
    # One real repeat, and two rows whose order_item_id is empty: a NULL part is no value.
    new = tmp_path / "new" / items.name
    new.parent.mkdir()
    new.write_text("".join([*lines, lines[1], no_item_id, no_item_id]), encoding="utf-8")
    for step in (("upload", new), ("transform",), ("crawl",)):
        assert cli(*step).exit_code == 0, step

    with new.open(newline="", encoding="utf-8") as fh:
        rows = list(csv_module.DictReader(fh))
    keys = Counter(
        (r["order_id"], r["order_item_id"]) for r in rows if r["order_id"] and r["order_item_id"]
    )
    repeated = sorted(f"{o} #{i}" for (o, i), n in keys.items() if n > 1)
    report = _report(cli, "--samples", "5", "--fail-on", "never")
    [unique] = [
        f for f in report["findings"] if f["check"] == "unique" and "order_item_id" in f["column"]
    ]
    assert unique["count"] == sum(n - 1 for n in keys.values()) == 1
    assert [s["key"] for s in unique["samples"]] == repeated


def test_samples_of_a_coordinate_out_of_range_include_nan(cli, lake, sample_data, tmp_path):
    lake("crawled")
    geo = sample_data / "olist_geolocation_dataset.csv"
    text = geo.read_text(encoding="utf-8")
    # NaN compares false with both bounds (Trino's semantics, which the local engine keeps).
    text += '"99998",NaN,-46.6,sao paulo,SP\n"99999",inf,-46.6,sao paulo,SP\n'
    new = tmp_path / "new" / geo.name
    new.parent.mkdir()
    new.write_text(text, encoding="utf-8")
    for step in (("upload", new), ("transform",), ("crawl",)):
        assert cli(*step).exit_code == 0, step

    with new.open(newline="", encoding="utf-8") as fh:
        rows = list(csv_module.DictReader(fh))
    outside = sorted(
        r["geolocation_zip_code_prefix"]
        for r in rows
        if not -90 <= float(r["geolocation_lat"]) <= 90
    )
    assert outside == ["99998", "99999"]
    report = _report(cli, "--samples", "5", "--fail-on", "never")
    [domain] = [f for f in report["findings"] if f["check"] == "domain"]
    assert (domain["column"], domain["count"]) == ("geolocation_lat", len(outside))
    assert sorted(s["key"] for s in domain["samples"]) == outside


def test_orders_without_items_are_counted_and_sampled_once_each_when_repeated(
    cli, lake, sample_data, tmp_path
):
    lake("crawled")
    with (sample_data / "olist_order_items_dataset.csv").open(newline="", encoding="utf-8") as fh:
        sold = {r["order_id"] for r in csv_module.DictReader(fh)}
    with (sample_data / "olist_orders_dataset.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv_module.reader(fh))
    # An order without items, repeated (with another customer): one order id, two rows.
    repeat = [*next(r for r in rows[1:] if r[0] not in sold)]
    repeat[1] = "c" * 32
    new = tmp_path / "new" / "olist_orders_dataset.csv"
    new.parent.mkdir()
    with new.open("w", newline="", encoding="utf-8") as fh:
        csv_module.writer(fh, lineterminator="\n").writerows([*rows, repeat])
    for step in (("upload", new), ("transform",), ("crawl",)):
        assert cli(*step).exit_code == 0, step

    unsold = sorted({r[0] for r in rows[1:]} - sold)
    report = _report(cli, "--samples", str(len(unsold) + 5), "--fail-on", "never")
    [childless] = [
        f
        for f in report["findings"]
        if f["check"] == "childless"
        and f["table"] == "olist_orders_dataset"
        and "items" in f["found"]
    ]
    assert childless["count"] == len(unsold)
    assert childless["message"] == (
        f"{len(unsold)} olist_orders_dataset order_id values have no olist_order_items_dataset row."
    )
    assert [s["key"] for s in childless["samples"]] == unsold


def test_the_table_hides_info_unless_verbose_and_says_so(cli, lake):
    lake("crawled")
    default = cli("report", "quality")
    assert default.exit_code == 0, default
    lines = default.stdout.splitlines()
    assert lines[0] == "Data quality: WARNINGS (0 errors, 11 warnings, 24 info)."
    assert "24 info findings are hidden: --verbose shows them." in default.stdout
    assert "approved-after-carrier" not in default.stdout  # an info rule
    assert "stage" not in default.stdout.split("\n\n", 1)[1].splitlines()[0]
    verbose = cli("report", "quality", "--verbose")
    assert "approved-after-carrier" in verbose.stdout and "hidden" not in verbose.stdout


def test_a_stage_column_appears_where_raw_and_processed_differ(cli, lake):
    ws = lake("crawled")
    raw = next((ws / "raw" / "olist_orders_dataset").glob("*.csv"))
    lines = raw.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[1].split(",")
    fields[0] = "f" * 32  # a new order, with a status no order has
    fields[2] = "lost"
    raw.write_text("".join(lines) + ",".join(fields), encoding="utf-8")

    result = cli("report", "quality")
    assert result.exit_code == ExitCode.FAILED, result  # an error, in the raw CSV only
    header = next(line for line in result.stdout.splitlines() if line.startswith("severity"))
    assert header.split() == ["severity", "check", "rows", "stage", "finding"]
    assert "they differ (see the stage column)" in result.stdout
    report = json.loads(cli("report", "quality", "-o", "json", "--fail-on", "never").stdout)
    [domain] = [f for f in report["findings"] if f["check"] == "domain"]
    assert (domain["stages"], domain["column"], domain["count"]) == (
        ["raw"],
        "order_status",
        1,
    )


def _csv_records(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return sum(1 for row in csv_module.reader(fh) if row) - 1


def test_the_summary_counts_the_rows_of_each_stage_when_they_differ(
    cli, lake, sample_data, tmp_path
):
    ws = lake("crawled")
    # The orders re-uploaded with 50 more rows and not converted yet: raw has them, processed not.
    orders = sample_data / "olist_orders_dataset.csv"
    lines = orders.read_text(encoding="utf-8").splitlines(keepends=True)
    extra = ["x" * 31 + f"{i:x}" + line[32:] for i, line in enumerate(lines[1:51])]
    bigger = tmp_path / "new" / orders.name
    bigger.parent.mkdir()
    bigger.write_text("".join(lines + extra), encoding="utf-8")
    assert cli("upload", bigger).exit_code == 0

    raw = sum(_csv_records(p) for p in (ws / "raw").rglob("*.csv"))
    processed = sum(
        pq.ParquetFile(p).metadata.num_rows for p in (ws / "processed").rglob("*.parquet")
    )
    assert raw == processed + 50
    result = cli("report", "quality", "--fail-on", "never")
    assert (
        f"Checked 9 tables ({raw:,} rows) in the raw CSVs and 9 tables ({processed:,} rows) in"
        " the processed Parquet; they differ (see the stage column)."
    ) in " ".join(result.stdout.split())


def test_a_table_uploaded_again_and_not_converted_is_named_until_transform(
    cli, lake, sample_data, tmp_path
):
    lake("crawled")
    # Five delivered orders made canceled: no streaming check sees it, the rule does.
    with (sample_data / "olist_orders_dataset.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv_module.reader(fh))
    delivered = [r for r in rows[1:] if r[2] == "delivered" and r[6]]
    for r in delivered[:5]:
        r[2] = "canceled"
    new = tmp_path / "new" / "olist_orders_dataset.csv"
    new.parent.mkdir()
    with new.open("w", newline="", encoding="utf-8") as fh:
        csv_module.writer(fh, lineterminator="\n").writerows(rows)
    canceled = sum(1 for r in rows[1:] if r[2] == "canceled" and r[6])
    assert cli("upload", new).exit_code == 0

    def rule_count(report):
        [f] = [f for f in report["findings"] if f["check"] == "canceled-but-delivered"]
        return f["count"]

    stale = _report(cli, "--fail-on", "never")
    assert rule_count(stale) == canceled - 5  # the rules read the previous conversion
    assert stale["notes"] == [
        "olist_orders_dataset was uploaded and not converted yet: the processed Parquet and"
        " the rules are of its previous copy; run `olistctl transform`, then check again."
    ]
    assert cli("transform").exit_code == 0
    fresh = _report(cli, "--fail-on", "never")
    assert (rule_count(fresh), fresh["notes"]) == (canceled, [])


def test_markdown_and_html(cli, lake):
    lake("crawled")
    markdown = cli("report", "quality", "-o", "markdown")
    assert markdown.exit_code == 0, markdown
    text = markdown.stdout
    assert text.startswith("# Data quality\n\nData quality: WARNINGS (0 errors, 11 warnings")
    assert "| table | severity | check | rows | finding |" in text
    assert "| `olist_orders_dataset` | warn | carrier-before-purchase | 2 |" in text

    page = cli("report", "quality", "-o", "html", "--samples", "1")
    assert page.exit_code == 0, page
    assert page.stdout.startswith("<!DOCTYPE html>")
    assert '<h1 id="quality">Data quality <span class="verdict WARNINGS">' in page.stdout
    assert '<ul class="samples"><li class="key">' in page.stdout
    assert "<script" not in page.stdout  # a plain page: no script at all


def test_rules_do_not_run_over_given_files_and_say_so(cli, sample_data):
    result = cli("report", "quality", str(sample_data), "-o", "json")
    assert result.exit_code == 0, result
    report = json.loads(result.stdout)
    assert report["rules"] is None and "files" in report
    assert report["notes"] == [
        "The rules across rows run over the catalog's tables, not over files:"
        " `olistctl run PATH...` loads the files, then `olistctl report quality` checks them."
    ]
    assert not Path("olist-lake").exists()


def test_samples_with_given_files_is_refused_not_ignored(cli, sample_data):
    """--samples reads the catalog's tables: over given files it would show keys of other
    data (or none, as it silently did), so the combination is a usage error."""
    result = cli("report", "quality", str(sample_data), "--samples", "3", "-o", "markdown")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "Error: --samples reads failing rows from the catalog's tables, not from the files"
        " given: drop --samples, or load the files with `olistctl run PATH...` and run"
        " `olistctl report quality --samples N`.\n"
    )
    assert "Traceback" not in result.stderr and not Path("olist-lake").exists()
    # --samples 0 (the default) asks for none: the files are checked, as without it.
    plain = cli("report", "quality", str(sample_data), "-o", "json")
    zero = cli("report", "quality", str(sample_data), "--samples", "0", "-o", "json")
    assert plain.exit_code == zero.exit_code == 0, zero
    assert zero.stdout == plain.stdout
    assert "olist_orders_dataset" in zero.stdout


def test_a_rule_whose_table_is_not_in_the_catalog_is_named(cli, sample_data, tmp_path):
    part = tmp_path / "part"
    part.mkdir()
    for csv in sample_data.glob("*.csv"):
        if csv.name != "olist_products_dataset.csv":
            shutil.copy(csv, part / csv.name)
    assert cli("--no-progress", "run", str(part)).exit_code == 0
    result = cli("report", "quality", "-o", "json")
    assert result.exit_code == 0, result
    report = json.loads(result.stdout)
    assert report["rules"]["skipped"] == [
        {"rule": "zero-weight", "missing": ["olist_products_dataset"]}
    ]
    assert "zero-weight" not in report["rules"]["ran"] and len(report["rules"]["ran"]) == 10
    assert "1 rule not run: the catalog has no olist_products_dataset." in report["notes"]


# -- --fail-on: stdout is the report, stderr says why the exit code is 1 -----------------------


def _severities(report) -> dict[str, int]:
    return {s: sum(f["severity"] == s for f in report["findings"]) for s in ("error", "warn")}


def test_fail_on_warn_names_what_tripped_it_on_stderr_and_keeps_stdout_the_report(cli, lake):
    lake("crawled")
    report = _report(cli, "--fail-on", "never")
    found = _severities(report)
    assert found["warn"] > 1 and found["error"] == 0  # the sample's known facts: warnings only
    strict = cli("report", "quality", "--fail-on", "warn", "-o", "json")
    assert strict.exit_code == ExitCode.FAILED
    assert json.loads(strict.stdout) == report
    assert strict.stderr == (
        f"Error: Data quality found {found['warn']} warnings and 0 errors, and --fail-on warn"
        " fails on either: the report on stdout lists them; fix the data, or pass --fail-on"
        " error to fail on errors only.\n"
    )


def test_the_default_fail_on_error_names_the_errors_even_with_quiet(cli, sample_data, tmp_path):
    folder = tmp_path / "in"
    with_an_orphan_item(sample_data, folder)
    report = json.loads(
        cli("report", "quality", str(folder), "-o", "json", "--fail-on", "never").stdout
    )
    assert _severities(report)["error"] == 1

    result = cli("--quiet", "report", "quality", str(folder))
    assert result.exit_code == ExitCode.FAILED
    assert result.stdout.startswith("Data quality: FAILED (1 error, ")
    assert result.stderr == (
        "Error: Data quality found 1 error, and --fail-on error (the default) fails on any:"
        " the report on stdout lists them; fix the data, or pass --fail-on never to report"
        " without failing.\n"
    )
    assert cli("report", "quality", str(folder), "--fail-on", "never").stderr == ""

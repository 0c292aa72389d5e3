"""Every command on the local backend and every output format, with results checked independently.

The expected answers come from pandas reading the sample CSV files
(``lake.py``), never from olistctl's own reader or engine.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from classic_queries import ON_TIME_SHARE, REVENUE_BY_CATEGORY
from lake import WS, athena_text, frame, rows_from, same_numbers
from quality_inputs import with_an_orphan_item

from athena_numbers import share
from olistctl.dataset import TABLES, get_table
from olistctl.sql.named import list_queries

FORMATS = ("table", "csv", "json", "jsonl", "markdown")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# -- upload ---------------------------------------------------------------------------


def test_upload_takes_globs_files_and_folders_and_skips_what_it_has(cli, sample_data, tmp_path):
    # A glob: the four order tables, each stored under its own table, byte for byte.
    glob = cli("upload", str(sample_data / "olist_order*.csv"), "-o", "json")
    assert glob.exit_code == 0, glob
    rows = json.loads(glob.stdout)
    order_tables = sorted(t.name for t in TABLES if t.name.startswith("olist_order"))
    assert sorted(r["table"] for r in rows) == order_tables
    for r in rows:
        source = Path(r["file"])
        stored = tmp_path / WS / "raw" / r["table"] / source.name
        assert stored.read_bytes() == source.read_bytes()
        assert r["bytes"] == source.stat().st_size and r["status"] == "uploaded"
        sidecar = stored.with_name(stored.name + ".sha256").read_text().strip()
        assert sidecar == hashlib.sha256(source.read_bytes()).hexdigest()

    # A folder and a file: the four already stored are skipped, the rest uploaded.
    folder = cli(
        "upload", str(sample_data), str(sample_data / "olist_sellers_dataset.csv"), "-o", "csv"
    )
    assert folder.exit_code == 0, folder
    listed = rows_from("csv", folder.stdout)
    assert len(listed) == 9  # the file named twice is uploaded once
    status = {r["table"]: r["status"] for r in listed}
    assert {t for t, s in status.items() if s == "skipped"} == set(order_tables)
    others = sum((sample_data / t.file_name).stat().st_size for t in TABLES) - sum(
        r["bytes"] for r in rows
    )
    assert f"5 uploaded ({others / 1000:.1f} KB), 4 unchanged and skipped." in folder.stderr

    # --force uploads again what is unchanged; the ledger records each upload once.
    forced = cli("upload", "--force", str(sample_data / "olist_orders_dataset.csv"), "-o", "csv")
    assert [r["status"] for r in rows_from("csv", forced.stdout)] == ["uploaded"]
    ledger = [json.loads(x) for x in (tmp_path / WS / "ledger.jsonl").read_text().splitlines()]
    uploads = [e["table"] for e in ledger if e["stage"] == "upload"]
    assert sorted(uploads) == sorted([t.name for t in TABLES] + ["olist_orders_dataset"])


# -- transform ------------------------------------------------------------------------


def test_transform_named_tables_then_force(cli, lake, sample_data):
    ws = lake("uploaded")
    first = cli("transform", "orders", "olist_sellers_dataset", "-o", "json")
    assert first.exit_code == 0, first
    rows = {r["table"]: r for r in json.loads(first.stdout)}
    assert set(rows) == {"olist_orders_dataset", "olist_sellers_dataset"}
    for name, r in rows.items():
        parquet = ws / "processed" / name / f"{name}.parquet"
        assert r["status"] == "converted"
        assert r["rows"] == len(frame(sample_data, name)) == pq.read_metadata(parquet).num_rows
        assert r["csv_bytes"] == (sample_data / f"{name}.csv").stat().st_size
        assert r["parquet_bytes"] == parquet.stat().st_size
    assert sorted(p.name for p in (ws / "processed").iterdir()) == sorted(rows)

    again = cli("transform", "orders", "-o", "csv")
    assert [r["status"] for r in rows_from("csv", again.stdout)] == ["skipped"]
    before = (ws / "processed/olist_orders_dataset/olist_orders_dataset.parquet").read_bytes()
    forced = cli("transform", "orders", "--force", "-o", "csv")
    assert [r["status"] for r in rows_from("csv", forced.stdout)] == ["converted"]
    after = (ws / "processed/olist_orders_dataset/olist_orders_dataset.parquet").read_bytes()
    assert after == before  # same CSV, same bytes


def test_a_failing_file_is_reported_the_others_converted_and_a_rerun_finishes(
    cli, lake, sample_data, tmp_path
):
    ws = lake("uploaded")
    raw = ws / "raw/olist_orders_dataset/olist_orders_dataset.csv"
    lines = raw.read_text(encoding="utf-8").split("\n")
    fields = lines[5].split(",")
    fields[3] = "yesterday"  # order_purchase_timestamp, file line 6
    lines[5] = ",".join(fields)
    bad = tmp_path / "bad" / "olist_orders_dataset.csv"
    bad.parent.mkdir()
    bad.write_text("\n".join(lines), encoding="utf-8")
    assert cli("upload", str(bad)).exit_code == 0

    failed = cli("transform", "-o", "csv")
    assert failed.exit_code == 1, failed
    status = {r["table"]: r for r in rows_from("csv", failed.stdout)}
    assert status.pop("olist_orders_dataset")["status"] == "FAILED"
    assert {r["status"] for r in status.values()} == {"converted"}
    assert "8 converted, 0 unchanged and skipped, 1 failed." in failed.stderr
    message = " ".join(failed.stderr.split())
    assert (
        "line 6: column order_purchase_timestamp holds 'yesterday', which is not a timestamp"
        in message
    )
    assert not (ws / "processed/olist_orders_dataset").exists()

    assert cli("upload", str(sample_data / "olist_orders_dataset.csv")).exit_code == 0
    rerun = cli("transform", "-o", "csv")
    assert rerun.exit_code == 0, rerun
    done = {r["table"]: r["status"] for r in rows_from("csv", rerun.stdout)}
    assert done.pop("olist_orders_dataset") == "converted"
    assert set(done.values()) == {"skipped"}


# -- crawl ----------------------------------------------------------------------------


def test_crawl_reports_columns_added_removed_retyped_and_tables_added_removed(cli, lake):
    ws = lake("crawled")
    sellers = ws / "processed/olist_sellers_dataset/olist_sellers_dataset.parquet"
    table = pq.read_table(sellers).drop_columns(["seller_city"])
    zip_at = table.schema.get_field_index("seller_zip_code_prefix")
    table = table.set_column(
        zip_at, "seller_zip_code_prefix", pc.cast(table["seller_zip_code_prefix"], pa.int64())
    )
    table = table.append_column("seller_rating", pa.array([4.5] * table.num_rows))
    pq.write_table(table, sellers)
    shutil.rmtree(ws / "processed/product_category_name_translation")
    extra = ws / "processed/olist_extra/part-1.parquet"
    extra.parent.mkdir()
    pq.write_table(pa.table({"id": pa.array([1, 2, 3], pa.int32())}), extra)

    result = cli("crawl", "-o", "json")
    assert result.exit_code == 0, result
    catalog = {r["table"]: r for r in json.loads(result.stdout)}
    assert catalog["olist_sellers_dataset"]["columns"] == 4
    assert catalog["olist_extra"]["rows"] == 3
    assert "product_category_name_translation" not in catalog
    assert result.stderr.splitlines()[-6:] == [
        "Changes since the previous crawl:",
        "  + table olist_extra",
        "  - table product_category_name_translation",
        "  + column olist_sellers_dataset.seller_rating",
        "  - column olist_sellers_dataset.seller_city",
        "  ~ column olist_sellers_dataset.seller_zip_code_prefix: string -> bigint",
    ]
    # The new column is queryable with its new type.
    query = cli(
        "query",
        "SELECT SUM(seller_zip_code_prefix) AS s, MAX(seller_rating) AS r"
        " FROM olist_sellers_dataset",
        "-o",
        "json",
    )
    assert query.exit_code == 0, query
    expected = sum(table["seller_zip_code_prefix"].to_pylist())
    assert json.loads(query.stdout) == [{"s": expected, "r": 4.5}]
    assert "No changes since the previous crawl" in cli("crawl").stderr


# -- query: formats, --max-rows, --file, --name, --list ----------------------------------

PAYMENTS_BY_STATUS = """
SELECT o.order_status AS status,
       COUNT(*) AS payments,
       SUM(p.payment_value) AS paid,
       MAX(o.order_delivered_customer_date) AS last_delivered
FROM olist_orders_dataset o
JOIN olist_order_payments_dataset p ON p.order_id = o.order_id
GROUP BY o.order_status
ORDER BY o.order_status
"""


def _payments_by_status(sample_data) -> list[dict[str, str | None]]:
    orders = frame(sample_data, "orders")
    payments = frame(sample_data, "order_payments")
    joined = orders.merge(payments, on="order_id")
    expected = []
    for status, group in sorted(joined.groupby("order_status"), key=lambda kv: kv[0]):
        delivered = group["order_delivered_customer_date"].dropna()
        expected.append(
            {
                "status": status,
                "payments": str(len(group)),
                "paid": athena_text(sum(group["payment_value"], Decimal(0))),
                "last_delivered": athena_text(delivered.max()) if len(delivered) else None,
            }
        )
    assert any(r["last_delivered"] is None for r in expected)  # the NULL case is exercised
    return expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_output_format_gives_the_independent_answer(cli, lake, sample_data, fmt):
    lake("crawled")
    result = cli("query", PAYMENTS_BY_STATUS, "--output", fmt)
    assert result.exit_code == 0, result
    expected = _payments_by_status(sample_data)
    got = rows_from(fmt, result.stdout)
    assert same_numbers(got, ["paid"]) == same_numbers(expected, ["paid"])
    if fmt not in ("json", "jsonl"):  # the text formats spell money with its scale
        assert [r["paid"] for r in got] == [r["paid"] for r in expected]
    assert f"{len(expected)} rows · " in result.stderr and "Athena would scan" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_max_rows_shows_the_first_rows_and_says_more_exist(cli, lake, sample_data, fmt):
    lake("crawled")
    result = cli("query", PAYMENTS_BY_STATUS, "-o", fmt, "--max-rows", "2")
    assert result.exit_code == 0, result
    expected = _payments_by_status(sample_data)[:2]
    assert same_numbers(rows_from(fmt, result.stdout), ["paid"]) == same_numbers(expected, ["paid"])
    assert "2 rows shown (more exist; raise --max-rows)" in result.stderr


@pytest.mark.parametrize(
    ("select", "header"),
    [
        ("s AS a, n AS a, n * 2 AS a", ["a", "a", "a"]),  # renamed a, a_1, a_2 in a table
        ("n AS a_1, s AS a, n AS a", ["a_1", "a", "a"]),  # a_1 taken: the third is a_2
        ("s AS a, n AS a, n AS a_1", ["a", "a", "a_1"]),  # and then a_1_1
        ("n AS a_1, s AS a", ["a_1", "a"]),  # nothing repeats, nothing renamed
        ("s AS status, n AS orders", ["status", "orders"]),
    ],
)
def test_repeated_answer_names_are_kept_as_athena_keeps_them(
    cli, lake, sample_data, select, header
):
    """Athena's result may repeat a column name (Trino's JDBC test, inherited from Presto:
    ``TestJdbcResultSet.testDuplicateColumnLabels``, where ``SELECT 123 x, 456 x`` has two
    columns both named x); DuckDB's result table renames repeats (a, a -> a, a_1), so the
    engine takes the query's own names back."""
    lake("crawled")
    sql = (
        f"SELECT {select} FROM (SELECT order_status AS s, count(*) AS n"
        " FROM olist_orders_dataset GROUP BY order_status) ORDER BY n DESC, s LIMIT 2"
    )
    result = cli("query", sql, "-o", "csv")
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    assert lines[0].split(",") == header
    statuses = list(frame(sample_data, "orders")["order_status"])
    top = sorted({s: statuses.count(s) for s in statuses}.items(), key=lambda x: (-x[1], x[0]))
    s, n = top[0]
    first = {"s": s, "n": str(n), "n * 2": str(2 * n)}
    expected = [first[item.split(" AS ")[0]] for item in select.split(", ")]
    assert lines[1].split(",") == expected
    (saved,) = (Path(WS) / "results").glob("*.csv")
    assert saved.read_text().splitlines()[0] == ",".join(f'"{h}"' for h in header)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_repeated_answer_names_are_refused_in_json_not_dropped(cli, lake, fmt):
    """A JSON object keeps one value per name: `SELECT 1 AS a, 2 AS a -o json` printed
    {"a": 2}, a column silently lost. Refused instead, with nothing on stdout."""
    lake("crawled")
    result = cli(
        "query", "SELECT order_status AS a, order_id AS a FROM olist_orders_dataset", "-o", fmt
    )
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Error: The result has two columns named 'a', and a JSON object holds one value per"
        " name: give each column its own name with AS (or use -o csv)."
    )


def test_query_file_name_and_inline_sql_give_the_same_rows(cli, lake, sample_data, tmp_path):
    lake("crawled")
    named = next(q for q in list_queries() if q.name == "order_status_mix")
    sql_file = tmp_path / "mix.sql"
    sql_file.write_text(named.sql, encoding="utf-8")
    by_name = cli("query", "--name", "order_status_mix", "-o", "csv")
    by_file = cli("query", "--file", str(sql_file), "-o", "csv")
    # The SQL starts with a comment, "-- …": after "--", so it is not read as an option.
    inline = cli("query", "-o", "csv", "--", named.sql)
    assert by_name.exit_code == by_file.exit_code == inline.exit_code == 0, by_name
    assert by_name.stdout == by_file.stdout == inline.stdout

    counts = frame(sample_data, "orders")["order_status"].value_counts()
    total = int(counts.sum())
    expected = sorted(
        (
            {"order_status": s, "orders": str(n), "pct": str(share(n, total))}
            for s, n in counts.items()
        ),
        key=lambda r: (-int(r["orders"]), r["order_status"]),
    )
    assert rows_from("csv", by_name.stdout) == expected


def test_query_list_shows_every_shipped_query_with_its_description(cli):
    result = cli("query", "--list", "-o", "json")
    assert result.exit_code == 0, result
    listed = {q["name"]: q["description"] for q in json.loads(result.stdout)}
    import olistctl.sql

    folder = Path(olistctl.sql.__file__).parent / "queries"
    files = {p.stem: p.read_text(encoding="utf-8").splitlines()[0] for p in folder.glob("*.sql")}
    assert listed == {name: first[2:].strip() for name, first in files.items()}
    assert len(listed) >= 12


def test_the_readme_classic_queries_match_pandas(cli, lake, sample_data, tmp_path):
    lake("crawled")
    items = frame(sample_data, "order_items")
    products = frame(sample_data, "products")
    translation = frame(sample_data, "product_category_name_translation")
    joined = items.merge(products, on="product_id").merge(
        translation, on="product_category_name", how="left"
    )
    label = joined["product_category_name_english"].fillna(joined["product_category_name"])
    joined["category"] = label.fillna("unknown")
    by_category = {c: (sum(g["price"], Decimal(0)), len(g)) for c, g in joined.groupby("category")}
    top = sorted(by_category.values(), key=lambda v: -v[0])[:10]

    (tmp_path / "revenue.sql").write_text(REVENUE_BY_CATEGORY, encoding="utf-8")
    revenue = cli("query", "--file", str(tmp_path / "revenue.sql"), "-o", "csv")
    assert revenue.exit_code == 0, revenue
    got = rows_from("csv", revenue.stdout)
    assert [Decimal(r["revenue"]) for r in got] == [v[0] for v in top]  # tie-proof
    assert all(by_category[r["category"]] == (Decimal(r["revenue"]), int(r["items"])) for r in got)

    orders = frame(sample_data, "orders")
    delivered = orders[
        (orders["order_status"] == "delivered") & orders["order_delivered_customer_date"].notna()
    ]
    on_time = int(
        (
            delivered["order_delivered_customer_date"] <= delivered["order_estimated_delivery_date"]
        ).sum()
    )
    late = len(delivered) - on_time
    on_time_share = cli("query", ON_TIME_SHARE, "-o", "csv")
    assert on_time_share.exit_code == 0, on_time_share
    assert rows_from("csv", on_time_share.stdout) == [
        {"delivery": "late", "orders": str(late), "pct": str(share(late, len(delivered)))},
        {
            "delivery": "on time",
            "orders": str(on_time),
            "pct": str(share(on_time, len(delivered))),
        },
    ]


# -- report quality ---------------------------------------------------------------------


def _untranslated(sample_data) -> int:
    """Products whose category has no row in the translation table (a warn-level orphan)."""
    products = frame(sample_data, "products")
    known = set(frame(sample_data, "product_category_name_translation")["product_category_name"])
    named = products["product_category_name"].dropna()
    return int((~named.isin(known)).sum())


def test_report_quality_on_the_workspace_covers_raw_and_processed(cli, lake, sample_data):
    lake("transformed")
    result = cli("report", "quality", "-o", "json")
    assert result.exit_code == 0, result  # the sample's findings are warnings and info
    payload = json.loads(result.stdout)
    assert {"raw", "processed", "verdict", "findings", "rules"} <= set(payload)
    # The catalog is not built yet: the rules say why they did not run.
    assert payload["rules"] is None
    assert any("catalog is empty" in note for note in payload["notes"])
    for scope in ("raw", "processed"):
        report = payload[scope]
        rows = {name: t["rows"] for name, t in report["tables"].items()}
        assert rows == {t.name: len(frame(sample_data, t.name)) for t in TABLES}
        orphans = [
            f
            for f in report["findings"]
            if f["check"] == "orphans" and f["table"] == "olist_products_dataset"
        ]
        assert [f["count"] for f in orphans] == [_untranslated(sample_data)]
        assert report["worst"] == "warn"
    strict = cli("report", "quality", "--fail-on", "warn", "-o", "json")
    assert strict.exit_code == 1
    assert json.loads(strict.stdout) == payload  # the same report; only the verdict differs
    assert cli("report", "quality", "--fail-on", "never", "-o", "json").exit_code == 0


def test_report_quality_on_given_files_finds_a_cross_table_orphan(cli, sample_data, tmp_path):
    folder = tmp_path / "in"
    items = with_an_orphan_item(sample_data, folder)

    by_folder = cli("report", "quality", str(folder), "-o", "json")
    by_files = cli(
        "report", "quality", str(items), str(folder / "olist_orders_dataset.csv"), "-o", "json"
    )
    assert by_folder.exit_code == by_files.exit_code == 1, by_folder  # an error-level finding
    for result in (by_folder, by_files):
        report = json.loads(result.stdout)["files"]
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        assert [(f["check"], f["table"], f["column"], f["count"]) for f in errors] == [
            ("orphans", "olist_order_items_dataset", "order_id", 1)
        ]
        assert (
            report["tables"]["olist_order_items_dataset"]["rows"]
            == len(frame(sample_data, "order_items")) + 1
        )
    assert not (tmp_path / WS).exists()  # checking files stores nothing


# -- status, teardown ---------------------------------------------------------------------


def test_status_counts_what_is_in_each_stage(cli, lake, sample_data):
    ws = lake("crawled")
    assert cli("query", "SELECT 1 AS one").exit_code == 0
    result = cli("status", "-o", "json")
    assert result.exit_code == 0, result
    stages = {s["stage"]: s for s in json.loads(result.stdout)}
    raw = [p for p in _files(ws / "raw") if p.suffix == ".csv"]
    parquet = _files(ws / "processed")
    assert stages["raw"]["objects"] == len(raw) == 9
    assert stages["raw"]["bytes"] == sum(p.stat().st_size for p in raw)
    assert stages["processed"]["objects"] == len(parquet) == 9
    assert stages["processed"]["bytes"] == sum(p.stat().st_size for p in parquet)
    assert stages["catalog"]["tables"] == 9
    assert stages["results"]["objects"] == len(_files(ws / "results")) == 1
    # Each stage's last run is the ledger's latest of its kind, in ISO 8601 UTC to the second.
    ledger = [json.loads(x) for x in (ws / "ledger.jsonl").read_text().splitlines()]
    ran = {"raw": "upload", "processed": "transform", "catalog": "crawl", "results": "query"}
    for stage, kind in ran.items():
        latest = max(datetime.fromisoformat(e["started"]) for e in ledger if e["stage"] == kind)
        assert stages[stage]["last_run"] == latest.replace(microsecond=0).isoformat()
        assert stages[stage]["last_run"].endswith("+00:00")

    table = cli("status")
    catalog_rows = {
        r["table"]: int(r["rows"])
        for r in rows_from("table", table.stdout.split("Catalog tables")[1])
    }
    assert catalog_rows == {t.name: len(frame(sample_data, t.name)) for t in TABLES}


def test_status_names_what_is_not_converted_yet(cli, lake):
    lake("uploaded")
    result = cli("status")
    assert result.exit_code == 0, result
    assert "9 raw object(s) not yet converted: run `olistctl transform`." in result.stderr


def test_teardown_dry_run_lists_everything_and_deletes_nothing(cli, lake):
    ws = lake("crawled")
    before = {p: p.read_bytes() for p in _files(ws)}
    dry = cli("teardown", "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry
    plan: dict[str, int] = {}
    for row in json.loads(dry.stdout):  # one row per folder
        plan[row["what"]] = plan.get(row["what"], 0) + row["count"]
    for stage in ("raw", "processed", "results"):
        assert plan.get(f"{stage} files", 0) == len(_files(ws / stage))
    # Every file there is olistctl's, and the plan counts each once.
    assert sum(plan.values()) == len(_files(ws))
    assert "Dry run: nothing was deleted." in dry.stderr
    assert {p: p.read_bytes() for p in _files(ws)} == before


def test_teardown_plan_in_json_counts_bytes_as_a_number(cli, lake):
    """Machine formats give each row's size as a number of bytes (as upload's "bytes"), not
    the table's "91.0 KB"; together they are every file of the workspace."""
    ws = lake("crawled")
    dry = cli("teardown", "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry
    rows = json.loads(dry.stdout)
    assert {tuple(r) for r in rows} == {("what", "where", "count", "bytes")}
    assert all(type(r["bytes"]) is int for r in rows)
    assert sum(r["bytes"] for r in rows) == sum(p.stat().st_size for p in _files(ws))


def test_teardown_of_no_workspace_prints_no_empty_table(cli, tmp_path):
    for args in (["teardown", "--dry-run"], ["teardown", "--yes"]):
        result = cli(*args)
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == "Nothing to delete.\n"
    assert json.loads(cli("teardown", "--dry-run", "-o", "json").stdout) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("answer", "code"), [("n\n", 6), ("y\n", 0)])
def test_teardown_asks_on_a_terminal(cli, lake, monkeypatch, answer, code):
    from olistctl.cli import teardown_cmd

    ws = lake("crawled")
    # A terminal on stdin; the answer comes from the runner's input.
    terminal = SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(teardown_cmd, "sys", terminal)
    result = cli("teardown", input=answer)
    assert result.exit_code == code, result
    assert "Delete these objects? This cannot be undone." in result.stdout
    if code:
        assert "Teardown declined; nothing was deleted." in result.stderr
        assert (ws / "catalog.json").is_file() and _files(ws / "processed")
    else:
        assert not ws.exists()
        assert f"Verified: the workspace {WS} is gone." in result.stderr


def test_teardown_yes_removes_the_workspace_and_a_second_one_finds_nothing(cli, lake):
    ws = lake("crawled")
    done = cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert not ws.exists()
    again = cli("teardown", "--yes")
    assert again.exit_code == 0 and "Nothing to delete." in again.stderr


# -- run twice, sample, config --------------------------------------------------------------


def test_run_jsonl_is_every_kpi_row_naming_its_kpi(cli, sample_data):
    """`run -o jsonl`: one JSON object a line, each naming its KPI first, so the three KPI
    tables (each with columns of its own) stay apart; the same rows as `run -o json`."""
    result = cli("--no-progress", "run", str(sample_data), "-o", "jsonl")
    assert result.exit_code == 0, result
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    kpis = json.loads(cli("--no-progress", "run", str(sample_data), "-o", "json").stdout)["kpis"]
    by_kpi: dict[str, list[dict]] = {}
    for line in lines:
        assert next(iter(line)) == "kpi", line
        by_kpi.setdefault(line.pop("kpi"), []).append(line)
    assert by_kpi == kpis
    assert sorted(kpis) == sorted(q.name for q in list_queries() if q.kpi)


def test_a_second_run_uploads_and_converts_nothing_and_answers_the_same(cli, sample_data, tmp_path):
    first = cli("--no-progress", "run", str(sample_data), "-o", "json")
    assert first.exit_code == 0, first
    ws = tmp_path / WS
    files = {
        p: (p.stat().st_mtime_ns, p.read_bytes())
        for p in _files(ws / "raw") + _files(ws / "processed")
    }
    ledger_lines = len((ws / "ledger.jsonl").read_text().splitlines())
    second = cli("--no-progress", "run", str(sample_data), "-o", "json")
    assert second.exit_code == 0, second
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files} == files
    # Nothing uploaded, converted or crawled, and no query ran: the answers are the first
    # run's, reused, each with its ledger line for the cost report (tests/cli/test_kpi_reuse.py).
    new = [json.loads(x) for x in (ws / "ledger.jsonl").read_text().splitlines()[ledger_lines:]]
    assert {(e["stage"], e["detail"]) for e in new} == {("query", "reused")}
    assert sorted(json.loads(second.stdout)["reused_kpis"]) == sorted(
        q.name for q in list_queries() if q.kpi
    )

    a, b = json.loads(first.stdout)["kpis"], json.loads(second.stdout)["kpis"]
    assert a == b
    counts = frame(sample_data, "orders")["order_status"].value_counts()
    assert {r["order_status"]: r["orders"] for r in b["order_status_mix"]} == counts.to_dict()


def test_sample_is_reproducible_and_has_the_orders_asked_for(cli, tmp_path):
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        result = cli("sample", "--orders", "30", "--seed", seed, "--out", str(tmp_path / name))
        assert result.exit_code == 0, result
    assert len(frame(tmp_path / "a", "orders")) == 30
    same = [
        (tmp_path / "a" / t.file_name).read_bytes() == (tmp_path / "b" / t.file_name).read_bytes()
        for t in TABLES
    ]
    assert all(same)
    orders = get_table("orders").file_name
    assert (tmp_path / "a" / orders).read_bytes() != (tmp_path / "c" / orders).read_bytes()


def test_config_show_flag_beats_env_beats_default(cli):
    env = {"OLISTCTL_WORKSPACE": "from-env", "OLISTCTL_OUTPUT": "json"}
    by_env = cli("config", "show", env=env)
    rows = {r["setting"]: r for r in json.loads(by_env.stdout)}  # OLISTCTL_OUTPUT chose json
    assert rows["workspace"]["value"] == "from-env"
    assert rows["workspace"]["source"] == "env OLISTCTL_WORKSPACE"
    by_flag = cli("-w", "from-flag", "config", "show", env=env)
    rows = {r["setting"]: r for r in json.loads(by_flag.stdout)}
    assert (rows["workspace"]["value"], rows["workspace"]["source"]) == ("from-flag", "flag")
    assert rows["backend"]["value"] == "local" and rows["backend"]["source"] == "default"


def test_sql_that_starts_with_a_comment_is_the_query_not_an_option(cli, lake, sample_data):
    lake("crawled")
    sql = "-- orders by status\nSELECT order_status, COUNT(*) AS n FROM olist_orders_dataset"
    sql += " GROUP BY 1"
    result = cli("query", sql, "-o", "json")
    assert result.exit_code == 0, result
    expected = frame(sample_data, "olist_orders_dataset")["order_status"].value_counts()
    assert {r["order_status"]: r["n"] for r in json.loads(result.stdout)} == expected.to_dict()


def test_run_translates_only_the_queries_it_runs(cli, sample_data, tmp_path, monkeypatch):
    from olistctl.sql import prebuilt
    from olistctl.sql import transpile as transpiler

    # The workspace cache's own behaviour: without the release's translations, which
    # would answer for this catalog (tests/sql/test_prebuilt.py).
    monkeypatch.setattr(prebuilt, "_entries", dict)
    transpiled: list[str] = []
    real = transpiler.transpile

    def counted(sql, schema, *, database=None, param_types=()):
        transpiled.append(sql)
        return real(sql, schema, database=database, param_types=param_types)

    monkeypatch.setattr(transpiler, "transpile", counted)
    assert cli("run", str(sample_data)).exit_code == 0
    kpis = [q.sql for q in list_queries() if q.kpi]
    assert 0 < len(kpis) < len(list_queries())
    assert sorted(transpiled) == sorted(kpis)
    assert len(list((tmp_path / WS / ".cache" / "sql").glob("*.json"))) == len(kpis)


def test_a_crawl_prepares_every_shipped_query_so_none_transpiles_again(
    cli, sample_data, tmp_path, monkeypatch
):
    from olistctl.sql import prebuilt
    from olistctl.sql import transpile as transpiler

    monkeypatch.setattr(prebuilt, "_entries", dict)  # as above: the cache's own behaviour
    assert cli("run", str(sample_data)).exit_code == 0
    assert cli("crawl").exit_code == 0
    transpiled: list[str] = []
    real = transpiler.transpile

    def counted(sql, schema, *, database=None):
        transpiled.append(sql)
        return real(sql, schema, database=database)

    monkeypatch.setattr(transpiler, "transpile", counted)
    for query in list_queries():
        assert cli("query", "--name", query.name, "-o", "json").exit_code == 0, query.name
    assert transpiled == []  # all from the cache the crawl filled
    assert len(list((tmp_path / WS / ".cache" / "sql").glob("*.json"))) == len(list_queries())

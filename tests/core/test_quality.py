"""Quality checks: each defect seeded into the hand-made files, found with its severity,
expected and found; the same answers from the CSVs and from their Parquet files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tiny_olist import TINY

from olistctl.dataset import BRAZIL_STATES, TABLES, get_table
from olistctl.quality import DatasetQuality, QualityReport, check_files, check_parquet
from olistctl.quality.keys import KeySet, fingerprint
from olistctl.quality.profile import TableProfiler
from olistctl.transform import convert_csv


def _findings(dq: DatasetQuality, check: str, table: str | None = None):
    return [
        (f.severity, f.table, f.column, f.expected, f.found, f.count)
        for f in dq.all_findings()
        if f.check == check and (table is None or f.table == table)
    ]


def _seed(folder: Path, name: str, old: bytes, new: bytes) -> None:
    path = folder / name
    data = path.read_bytes()
    assert old in data, old
    path.write_bytes(data.replace(old, new, 1))


def test_clean_files_have_no_errors_and_count_every_column(tiny_dir):
    dq = check_files([tiny_dir])
    assert dq.worst() == "info"
    assert {name: r.rows for name, r in dq.tables.items()} == {
        "olist_customers_dataset": 3,
        "olist_geolocation_dataset": 4,
        "olist_orders_dataset": 3,
        "olist_order_items_dataset": 3,
        "olist_order_payments_dataset": 5,
        "olist_order_reviews_dataset": 3,
        "olist_products_dataset": 4,
        "olist_sellers_dataset": 2,
        "product_category_name_translation": 3,
    }
    products = {
        c.name: (c.type, c.nulls, c.null_pct) for c in dq.tables["olist_products_dataset"].columns
    }
    assert products["product_category_name"] == ("string", 2, 50.0)
    assert products["product_weight_g"] == ("int", 1, 25.0)
    orders = {c.name: c for c in dq.tables["olist_orders_dataset"].columns}
    assert orders["order_id"].distinct == 3 and orders["order_status"].distinct is None
    # Orders without items / payments / reviews are facts reported as info.
    assert sorted(_findings(dq, "childless", "olist_orders_dataset")) == [
        ("info", "olist_orders_dataset", "order_id", "about 0 (the real data has 1)",
         "0 of 3 have no olist_order_payments_dataset row", 0),
        ("info", "olist_orders_dataset", "order_id", "about 0 (the real data has 768)",
         "0 of 3 have no olist_order_reviews_dataset row", 0),
        ("info", "olist_orders_dataset", "order_id", "about 0 (the real data has 775)",
         "1 of 3 have no olist_order_items_dataset row", 1),
    ]  # fmt: skip
    assert json.loads(json.dumps(dq.to_dict()))["worst"] == "info"
    assert DatasetQuality.from_dict(dq.to_dict()).all_findings() == dq.all_findings()


def test_duplicate_primary_key_is_an_error(tiny_dir):
    # The third payment row repeats (order_id, payment_sequential) of the first.
    _seed(
        tiny_dir,
        "olist_order_payments_dataset.csv",
        b"e481f51cbdc54678b7cc49136f2d6af7,2,voucher",
        b"e481f51cbdc54678b7cc49136f2d6af7,1,voucher",
    )
    assert _findings(check_files([tiny_dir]), "unique") == [
        (
            "error",
            "olist_order_payments_dataset",
            "order_id, payment_sequential",
            "unique",
            "1 rows repeat an earlier value (4 distinct in 5 rows)",
            1,
        )
    ]


def test_repeated_review_id_is_a_warning_with_the_real_rate(tiny_dir):
    _seed(
        tiny_dir,
        "olist_order_reviews_dataset.csv",
        b'"80e641a11e56f04c1ad469d5645fdfde"',
        b'"7bc2406110b926393aa56f80a40eba40"',
    )
    assert _findings(check_files([tiny_dir]), "unique") == [
        (
            "warn",
            "olist_order_reviews_dataset",
            "review_id",
            "about 0 repeated rows, as in the real data",
            "1 rows repeat an earlier value (2 distinct in 3 rows)",
            1,
        )
    ]


def test_orphan_foreign_key_is_an_error(tiny_dir):
    _seed(
        tiny_dir,
        "olist_order_items_dataset.csv",
        b'"3504c0cb71d7fa48d967e0e4c94d59d9"',
        b'"ffffffffffffffffffffffffffffffff"',
    )
    dq = check_files([tiny_dir])
    assert _findings(dq, "orphans", "olist_order_items_dataset") == [
        (
            "error",
            "olist_order_items_dataset",
            "seller_id",
            "none",
            "1 of 3 rows match no olist_sellers_dataset row",
            1,
        )
    ]
    # The seller lost its only item: it is now childless (info).
    assert ("info", "olist_sellers_dataset", "seller_id") in [
        f[:3] for f in _findings(dq, "childless") if f[5] == 1
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "column", "expected", "shown"),
    [
        (
            "olist_orders_dataset.csv",
            b",shipped,",
            b",lost,",
            "order_status",
            "one of delivered, shipped, canceled, unavailable, invoiced, processing, created,"
            " approved",
            "lost",
        ),
        ("olist_order_reviews_dataset.csv", b",5,\xc3\x93timo", b",7,\xc3\x93timo", "review_score",
         "between 1 and 5", "7"),
        ("olist_order_payments_dataset.csv", b",boleto,", b",pix,", "payment_type",
         "one of credit_card, boleto, voucher, debit_card, not_defined", "pix"),
        ("olist_customers_dataset.csv", b",franca,SP", b",franca,XX", "customer_state",
         "one of AC, AL, AM, AP, BA, CE, DF, ES, GO, MA, MG, MS, MT, PA, PB, PE, PI, PR, RJ, RN,"
         " RO, RR, RS, SC, SE, SP, TO", "XX"),
        ("olist_geolocation_dataset.csv", b"-46.63929204800168", b"-246.5", "geolocation_lng",
         "between -180 and 180", "-246.5"),
        # "NaN" parses as a double and compares false with both bounds, yet lies in no range.
        ("olist_geolocation_dataset.csv", b"-23.54562128115268", b"NaN", "geolocation_lat",
         "between -90 and 90", "nan"),
    ],
)  # fmt: skip
def test_value_outside_its_domain_is_an_error(tiny_dir, file, old, new, column, expected, shown):
    _seed(tiny_dir, file, old, new)
    [finding] = [f for f in check_files([tiny_dir]).all_findings() if f.check == "domain"]
    assert (finding.severity, finding.column, finding.expected, finding.count) == (
        "error",
        column,
        expected,
        1,
    )
    assert finding.found == f"1 values outside it, e.g. '{shown}'"


def test_null_in_a_column_that_may_not_be_empty_is_an_error(tiny_dir):
    _seed(tiny_dir, "olist_orders_dataset.csv", b",shipped,", b",,")
    dq = check_files([tiny_dir])
    assert _findings(dq, "nulls") == [
        ("error", "olist_orders_dataset", "order_status", "no NULLs", "1 NULLs (33.33 %)", 1)
    ]


def test_header_names_padded_with_spaces_are_checked_like_the_others(tiny_dir, tmp_path):
    _seed(tiny_dir, "olist_customers_dataset.csv", b",franca,SP", b",franca,XX")
    _seed(tiny_dir, "olist_customers_dataset.csv", b",SP\n", b",\n")
    data = (tiny_dir / "olist_customers_dataset.csv").read_bytes()
    header, rest = data.split(b"\n", 1)
    padded = tmp_path / "padded" / "olist_customers_dataset.csv"
    padded.parent.mkdir()
    padded.write_bytes(
        b",".join(b" " + n.strip(b'"') + b" " for n in header.split(b",")) + b"\n" + rest
    )
    with padded.open(newline="", encoding="utf-8") as fh:
        states = [r[4] for r in list(csv.reader(fh))[1:]]
    found = check_files([padded]).tables["olist_customers_dataset"]
    nulls = {c.name: c.nulls for c in found.columns}
    assert nulls["customer_state"] == states.count("") == 1
    [domain] = [f for f in found.findings if f.check == "domain"]
    assert domain.count == sum(1 for s in states if s and s not in BRAZIL_STATES) == 1


def test_known_null_shares_are_info_and_far_more_is_a_warning():
    table = get_table("products")
    schema = pa.schema([("product_category_name", pa.string())])
    profiler = TableProfiler(table.name, table, schema)
    profiler.add(pa.record_batch([pa.array(["a"] * 960 + [None] * 40)], schema=schema))
    profiler.add(pa.record_batch([pa.array(["b"] * 1000)], schema=schema))
    [info] = [f for f in profiler.finish().findings if f.column == "product_category_name"]
    assert (info.severity, info.expected, info.found) == (
        "info",
        "about 37 (1.85 %, as in the real data: 610 of 32,951)",
        "40 (2.0 %)",
    )
    profiler = TableProfiler(table.name, table, schema)
    profiler.add(pa.record_batch([pa.array(["a"] * 900 + [None] * 100)], schema=schema))
    [warn] = [f for f in profiler.finish().findings if f.column == "product_category_name"]
    assert (warn.severity, warn.found) == ("warn", "100 (10.0 %)")


def test_row_count_mismatch_is_an_error_on_a_direct_call():
    table = get_table("sellers")
    schema = pa.schema([(c, pa.string()) for c in table.column_names])
    profiler = TableProfiler(table.name, table, schema)
    profiler.add(pa.record_batch([pa.array(["x", "y"])] * 4, schema=schema))
    report = profiler.finish(rows_written=1)
    [f] = [f for f in report.findings if f.check == "row-count"]
    assert (f.severity, f.expected, f.found) == (
        "error",
        "2 rows (the CSV's records)",
        "1 rows in the Parquet file",
    )
    assert QualityReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report


def test_parquet_checks_agree_with_the_csv_checks(tiny_dir, tmp_path):
    _seed(tiny_dir, "olist_orders_dataset.csv", b",shipped,", b",lost,")
    _seed(
        tiny_dir,
        "olist_order_items_dataset.csv",
        b'"3504c0cb71d7fa48d967e0e4c94d59d9"',
        b'"ffffffffffffffffffffffffffffffff"',
    )
    by_table = {}
    for t in TABLES:
        dest = tmp_path / "pq" / f"{t.name}.parquet"
        convert_csv(tiny_dir / t.file_name, dest, row_group_rows=2)
        by_table[t.name] = [dest]
    from_csv, from_parquet = check_files([tiny_dir]), check_parquet(by_table)
    assert from_parquet.all_findings() == from_csv.all_findings()
    for name, report in from_csv.tables.items():
        assert from_parquet.tables[name].columns == report.columns


def test_parquet_with_a_wrong_type_is_a_schema_error(tiny_dir, tmp_path):
    # What an inferring pipeline writes: zip prefixes as integers, leading zeros lost.
    bad = pa.table(
        {
            "customer_id": ["a", "b"],
            "customer_unique_id": ["c", "d"],
            "customer_zip_code_prefix": pa.array([1037, 14409], pa.int64()),
            "customer_city": ["x", "y"],
            "customer_state": ["SP", "SP"],
        }
    )
    pq.write_table(bad, tmp_path / "c.parquet")
    dq = check_parquet({"olist_customers_dataset": [tmp_path / "c.parquet"]})
    assert _findings(dq, "schema") == [
        ("error", "olist_customers_dataset", "customer_zip_code_prefix", "string", "int64", 0)
    ]
    assert _findings(dq, "not-checked") == [
        (
            "info",
            "olist_customers_dataset",
            "customer_zip_code_prefix",
            "every value in olist_geolocation_dataset",
            "olist_geolocation_dataset was not among the files",
            0,
        )
    ]


def test_a_csv_that_is_not_an_olist_table_is_counted_and_flagged(tiny_dir, tmp_path):
    other = tmp_path / "targets.csv"
    other.write_bytes(b"month,target\n2017-01,100\n2017-02,\n")
    dq = check_files([tiny_dir / "olist_orders_dataset.csv", other])
    assert dq.tables["targets"].rows == 2
    assert [c.nulls for c in dq.tables["targets"].columns] == [0, 1]
    assert _findings(dq, "unknown-table") == [
        ("warn", "targets", None, "one of the 9 Olist tables", "a header that matches none", 0)
    ]


def test_several_files_of_one_table_are_one_table(tiny_dir, tmp_path):
    part = tmp_path / "olist_orders_dataset (1).csv"
    part.write_bytes(TINY["olist_orders_dataset.csv"])  # the same orders again
    dq = check_files([tiny_dir / "olist_orders_dataset.csv", part])
    assert dq.tables["olist_orders_dataset"].rows == 6
    assert [f[4] for f in _findings(dq, "unique")] == [
        "3 rows repeat an earlier value (3 distinct in 6 rows)",
        "3 rows repeat an earlier value (3 distinct in 6 rows)",
    ]
    assert dq.files["olist_orders_dataset"] == [
        str(tiny_dir / "olist_orders_dataset.csv"),
        str(part),
    ]


# -- key fingerprints ----------------------------------------------------------


def test_fingerprints_tell_values_apart_and_skip_nulls():
    texts = pa.array(["a", "b", "ab", "", None, "a", "ba", "a" * 40, "a" * 41, "é"])
    fps, valid = fingerprint([texts])
    assert valid.tolist() == [True] * 4 + [False] + [True] * 5
    kept = fps[valid]
    assert len(set(kept.tolist())) == 8  # "a" twice
    assert kept[0] == kept[4]
    # Fixed width (ids) and variable width paths agree on equal values.
    ids = pa.array([f"{i:032x}" for i in range(1000)])
    mixed = pa.array([f"{i:032x}" for i in range(1000)] + ["short"])
    assert (fingerprint([ids])[0] == fingerprint([mixed])[0][:1000]).all()
    # A value's fingerprint does not depend on the longest value beside it: the same key
    # in two row groups (or two tables) is the same key.
    alone = fingerprint([pa.array(["ab"])])[0][0]
    for batch in (["ab", "xyz"], ["ab", "x" * 20], ["ab", "cd"], ["y" * 9, "ab", None]):
        assert fingerprint([pa.array(batch)])[0][batch.index("ab")] == alone, batch
    nine = fingerprint([pa.array(["y" * 9])])[0][0]
    assert fingerprint([pa.array(["y" * 9, "z" * 30])])[0][0] == nine
    # Composite keys: order matters, and (a, 1) differs from (a, 2).
    a = pa.array(["x", "x", "y"])
    n = pa.array([1, 2, 1], pa.int32())
    assert len(set(fingerprint([a, n])[0].tolist())) == 3


def test_chunked_columns_get_the_fingerprints_of_the_whole_column():
    # A row group's columns come in chunks (one per CSV block), hashed where they lie.
    texts = ["a", None, "bb", "c" * 33, "", None, "dd", "e" * 8]
    numbers = [1, 2, None, 4, 5, 6, 7, None]
    whole = [pa.array(texts), pa.array(numbers, pa.int64())]
    chunked = [
        pa.chunked_array([texts[:3], [], texts[3:4], texts[4:]], pa.string()),
        pa.chunked_array([numbers[:5], numbers[5:]], pa.int64()),
    ]
    for cols in ([0], [1], [0, 1]):
        fps, valid = fingerprint([whole[i] for i in cols])
        fps_c, valid_c = fingerprint([chunked[i] for i in cols])
        assert valid_c.tolist() == valid.tolist()
        assert fps_c[valid].tolist() == fps[valid].tolist()
    assert fingerprint([chunked[0]])[1].tolist() == [t is not None for t in texts]
    # A column that is only chunks without NULLs has every row valid.
    fps, valid = fingerprint([pa.chunked_array([["x"], ["y", "z"]])])
    assert valid.all() and len(set(fps.tolist())) == 3


@pytest.mark.parametrize("spill", [False, True])
def test_key_set_counts_repeats_exactly(spill, monkeypatch):
    monkeypatch.setattr(KeySet, "_BLOCK", 1 << 14)
    monkeypatch.setattr(KeySet, "BUDGET", 1 << 16)  # spill after 64k values
    rng = np.random.default_rng(5)
    values = rng.integers(0, 2**63, size=300_000, dtype=np.int64).view(np.uint64)
    values[100_000:150_000] = values[:50_000]  # plant repeats
    keyset = KeySet(spill=spill)
    for chunk in np.array_split(values, 97):
        keyset.add(chunk)
    assert (keyset._disk is not None) == spill  # the spilling set did spill, the other not
    distinct = len(np.unique(values))
    assert distinct < len(values)
    assert (keyset.distinct, keyset.duplicates) == (distinct, len(values) - distinct)
    assert keyset.rows == len(values)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 1_000, 200_000])
def test_distinct_fingerprints_are_numpys_unique(size):
    from olistctl.quality.keys import _distinct

    rng = np.random.default_rng(size)
    values = rng.integers(0, max(size // 3, 1), size=size, dtype=np.int64).view(np.uint64)
    expected = np.unique(values)
    for got in (_distinct(values), _distinct(np.sort(values), ordered=True)):
        assert got.dtype == expected.dtype and np.array_equal(got, expected)


def test_a_deduplicating_key_set_answers_membership(monkeypatch):
    monkeypatch.setattr(KeySet, "_BLOCK", 1 << 12)
    rng = np.random.default_rng(7)
    values = rng.integers(0, 20_000, size=100_000, dtype=np.int64).view(np.uint64)
    keyset = KeySet(dedupe=True)
    for chunk in np.array_split(values, 31):
        keyset.add(chunk)
    keyset.finish()
    assert keyset.distinct == len(set(values.tolist()))
    probe = np.arange(0, 25_000, dtype=np.int64).view(np.uint64)
    present = set(values.tolist())
    found, _ = keyset.contains(probe)
    assert found.tolist() == [int(v) in present for v in probe]


def test_a_spilling_key_set_holds_its_budget_and_cleans_up(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    keyset = KeySet(spill=True)
    for i in range(6):  # 6M values: 48 MB as a plain array
        keyset.add(
            np.arange(i << 20, (i + 1) << 20, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        )
        held = sum(b.nbytes for b in keyset._blocks)
        assert held <= KeySet.BUDGET * 8 + (1 << 23)
    assert list(tmp_path.iterdir())  # spilled
    assert (keyset.distinct, keyset.duplicates) == (6 << 20, 0)
    assert list(tmp_path.iterdir()) == []  # the partitions are gone

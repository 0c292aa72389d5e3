"""The quality rules (quality/sql/*.sql): each one silent on clean data, each one finding
exactly the row made to break it, and all of them counting, on the generated dataset (whose
generator plants these faults at the real data's rates), what pandas counts independently.

The rules run as the report runs them: one query (``rules_query``) transpiled for the
local engine and checked by its guard, on DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from analyses import quality_rule_counts
from olistctl import dataset
from olistctl.backends.local.guard import check_duckdb_sql
from olistctl.errors import OperationFailed
from olistctl.quality.report import Sample
from olistctl.quality.rules import (
    list_rules,
    ranked_union,
    read_ranked,
    run_rules,
)
from olistctl.sql.transpile import transpile

SCHEMA = {t.name: {c.name: c.athena_type for c in t.columns} for t in dataset.TABLES}
RULES = {r.name: r for r in list_rules()}


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]
    bytes_scanned: int = 0


def executor(con):
    """Run Athena SQL the way the local engine does: transpile, guard, DuckDB."""

    def execute(sql: str) -> Result:
        transpiled = transpile(sql, SCHEMA)
        check_duckdb_sql(con, transpiled.duckdb_sql, transpiled.tables)
        cursor = con.execute(transpiled.duckdb_sql)
        return Result([d[0] for d in cursor.description], cursor.fetchall())

    return execute


# -- the rule files ------------------------------------------------------------------------


def test_every_rule_declares_what_the_report_needs():
    assert sorted(RULES) == [
        "approved-after-carrier",
        "canceled-but-delivered",
        "carrier-before-purchase",
        "delivered-before-carrier",
        "delivered-without-date",
        "outside-brazil",
        "payment-mismatch",
        "prefix-in-two-states",
        "zero-installments",
        "zero-value-voucher",
        "zero-weight",
    ]
    for rule in RULES.values():
        assert rule.severity in ("warn", "info"), rule  # facts of the real data, not defects
        assert rule.real is not None and rule.real > 0, rule
        assert rule.table in rule.tables, rule
        assert rule.description[0].isupper() and not rule.description.endswith("."), rule
        for column in rule.columns.split(", "):
            assert any(column in t.column_names for t in dataset.TABLES), (rule, column)


def test_a_rule_file_without_its_header_is_refused(tmp_path):
    from olistctl.quality.rules import _parse

    with pytest.raises(ValueError, match="lacks the header line"):
        _parse("bad", "-- Something\n-- severity: warn\nSELECT 1 AS key, 'x' AS detail")
    with pytest.raises(ValueError, match="one SELECT"):
        _parse(
            "bad",
            "-- Something\n-- severity: warn\n-- table: olist_orders_dataset\n-- columns: a\n"
            "-- key: order_id\nWITH x AS (SELECT 1) SELECT * FROM x",
        )


def test_the_answer_is_read_per_rule_with_its_count_and_first_samples():
    columns = ["label", "failing", "key", "detail"]
    rows = [("a", 3, "k1", "d1"), ("a", 3, "k2", None), ("b", 1, "k9", "d9")]
    assert read_ranked(columns, rows, 1) == {
        "a": (3, [Sample("k1", "d1")]),
        "b": (1, [Sample("k9", "d9")]),
    }
    assert read_ranked(columns, rows, 0) == {"a": (3, []), "b": (1, [])}
    # No rows: nothing failed, whatever the columns (moto's Athena answers with none).
    assert read_ranked([], [], 1) == {}
    with pytest.raises(OperationFailed, match="lacks the column"):
        read_ranked(["label", "key"], [("a", "k")], 1)


# -- clean data, and one fault at a time -------------------------------------------------------

O1, O2, O3 = (f"{c}" * 32 for c in "abc")
C1, C2, C3 = (f"{c}" * 32 for c in "def")
P1, P2 = ("1" * 32, "2" * 32)
S1 = "3" * 32


def ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def clean_rows() -> dict[str, list[dict]]:
    """A small consistent dataset: every date in order, payments that add up, points in
    Brazil, one state per prefix, products that weigh something."""
    return {
        "olist_orders_dataset": [
            {  # delivered: bought < approved < carrier < delivered
                "order_id": O1,
                "customer_id": C1,
                "order_status": "delivered",
                "order_purchase_timestamp": ts("2017-10-02 10:56:33"),
                "order_approved_at": ts("2017-10-02 11:07:15"),
                "order_delivered_carrier_date": ts("2017-10-04 19:55:00"),
                "order_delivered_customer_date": ts("2017-10-10 21:25:13"),
                "order_estimated_delivery_date": ts("2017-10-18 00:00:00"),
            },
            {  # shipped: not delivered yet
                "order_id": O2,
                "customer_id": C2,
                "order_status": "shipped",
                "order_purchase_timestamp": ts("2018-07-24 20:41:37"),
                "order_approved_at": ts("2018-07-26 03:24:27"),
                "order_delivered_carrier_date": ts("2018-07-26 14:31:00"),
                "order_delivered_customer_date": None,
                "order_estimated_delivery_date": ts("2018-08-13 00:00:00"),
            },
            {  # canceled before anything happened
                "order_id": O3,
                "customer_id": C3,
                "order_status": "canceled",
                "order_purchase_timestamp": ts("2018-08-08 08:38:49"),
                "order_approved_at": None,
                "order_delivered_carrier_date": None,
                "order_delivered_customer_date": None,
                "order_estimated_delivery_date": ts("2018-09-04 00:00:00"),
            },
        ],
        "olist_order_items_dataset": [
            _item(O1, 1, P1, "29.99", "8.72"),
            _item(O2, 1, P2, "118.70", "22.76"),
            _item(O2, 2, P2, "0.85", "0.00"),
        ],
        "olist_order_payments_dataset": [
            _payment(O1, 1, "credit_card", 3, "30.00"),
            _payment(O1, 2, "voucher", 1, "8.71"),  # 38.71 = 29.99 + 8.72
            _payment(O2, 1, "boleto", 1, "142.31"),  # 118.70 + 22.76 + 0.85
        ],
        "olist_geolocation_dataset": [
            _point("01037", -23.54562128115268, -46.63929204800168, "SP"),
            _point("01037", -23.54562128115268, -46.63929204800168, "SP"),
            _point("69900", -9.97499, -67.8243, "AC"),  # Rio Branco, near the west edge
            _point("97501", -29.7831, -55.7919, "RS"),
        ],
        "olist_products_dataset": [_product(P1, 500), _product(P2, 400), _product("9" * 32, None)],
    }


def _item(order, n, product, price, freight) -> dict:
    return {
        "order_id": order,
        "order_item_id": n,
        "product_id": product,
        "seller_id": S1,
        "shipping_limit_date": ts("2017-10-06 11:07:15"),
        "price": Decimal(price),
        "freight_value": Decimal(freight),
    }


def _payment(order, n, kind, installments, value) -> dict:
    return {
        "order_id": order,
        "payment_sequential": n,
        "payment_type": kind,
        "payment_installments": installments,
        "payment_value": Decimal(value),
    }


def _point(prefix, lat, lng, state) -> dict:
    return {
        "geolocation_zip_code_prefix": prefix,
        "geolocation_lat": lat,
        "geolocation_lng": lng,
        "geolocation_city": "somewhere",
        "geolocation_state": state,
    }


def _product(product_id, weight) -> dict:
    return {
        "product_id": product_id,
        "product_category_name": "perfumaria",
        "product_name_lenght": 40,
        "product_description_lenght": 287,
        "product_photos_qty": 1,
        "product_weight_g": weight,
        "product_length_cm": 16,
        "product_height_cm": 10,
        "product_width_cm": 14,
    }


def run_on(new_duckdb, rows: dict[str, list[dict]], samples: int = 5):
    con = new_duckdb()
    for name, records in rows.items():
        schema = dataset.arrow_schema(dataset.get_table(name))
        con.register(name, pa.Table.from_pylist(records, schema=schema))
    try:
        return run_rules(executor(con), rows, samples=samples)
    finally:
        con.close()


def test_clean_data_breaks_no_rule(new_duckdb):
    run = run_on(new_duckdb, clean_rows())
    assert sorted(run.ran) == sorted(RULES)
    assert run.findings == [] and run.skipped == [] and run.error is None


def _set(rows, table, index, **values):
    rows[table][index].update(values)


def _carrier_before_purchase(rows):
    # Not approved: an approval before the carrier date would be after the purchase, which
    # is the other rule (the real data's 1,350 late approvals include these 166).
    _set(
        rows,
        "olist_orders_dataset",
        0,
        order_delivered_carrier_date=ts("2017-10-02 09:00:00"),
        order_approved_at=None,
    )
    return O1


def _delivered_before_carrier(rows):
    _set(rows, "olist_orders_dataset", 0, order_delivered_customer_date=ts("2017-10-04 19:54:59"))
    return O1


def _approved_after_carrier(rows):
    _set(rows, "olist_orders_dataset", 1, order_approved_at=ts("2018-07-26 14:31:01"))
    return O2


def _delivered_without_date(rows):
    _set(rows, "olist_orders_dataset", 0, order_delivered_customer_date=None)
    return O1


def _canceled_but_delivered(rows):
    _set(rows, "olist_orders_dataset", 2, order_delivered_customer_date=ts("2018-08-20 10:00:00"))
    return O3


def _payment_mismatch(rows):
    _set(rows, "olist_order_payments_dataset", 2, payment_value=Decimal("142.33"))  # +0.02
    return O2


def _zero_value_voucher(rows):
    rows["olist_order_payments_dataset"].append(_payment(O1, 3, "voucher", 1, "0.00"))
    return f"{O1} #3"


def _zero_installments(rows):
    _set(rows, "olist_order_payments_dataset", 0, payment_installments=0)
    return f"{O1} #1"


def _outside_brazil(rows):
    rows["olist_geolocation_dataset"].append(_point("06485", 41.6403666893139, 121.10551, "SP"))
    return "06485"


def _prefix_in_two_states(rows):
    rows["olist_geolocation_dataset"].append(_point("97501", -29.78, -55.79, "SC"))
    return "97501"


def _zero_weight(rows):
    _set(rows, "olist_products_dataset", 1, product_weight_g=0)
    return P2


FAULTS = {
    "carrier-before-purchase": _carrier_before_purchase,
    "delivered-before-carrier": _delivered_before_carrier,
    "approved-after-carrier": _approved_after_carrier,
    "delivered-without-date": _delivered_without_date,
    "canceled-but-delivered": _canceled_but_delivered,
    "payment-mismatch": _payment_mismatch,
    "zero-value-voucher": _zero_value_voucher,
    "zero-installments": _zero_installments,
    "outside-brazil": _outside_brazil,
    "prefix-in-two-states": _prefix_in_two_states,
    "zero-weight": _zero_weight,
}


def test_every_rule_has_a_fault_made_to_break_it():
    assert set(FAULTS) == set(RULES)


@pytest.mark.parametrize("rule", sorted(FAULTS))
def test_each_rule_finds_exactly_the_row_made_to_break_it(new_duckdb, rule):
    rows = clean_rows()
    key = FAULTS[rule](rows)
    run = run_on(new_duckdb, rows)
    assert [(f.check, f.count, [s.key for s in f.samples]) for f in run.findings] == [
        (rule, 1, [key])
    ]
    [finding] = run.findings
    assert (finding.severity, finding.table) == (RULES[rule].severity, RULES[rule].table)
    assert finding.expected.startswith(f"none (the real Olist data has {RULES[rule].real:,}")


@pytest.mark.parametrize(
    ("table", "index", "values", "found"),
    [
        # exactly R$0.01 off is within the tolerance; R$0.02 is not (the fault above)
        ("olist_order_payments_dataset", 2, {"payment_value": Decimal("142.32")}, False),
        ("olist_order_payments_dataset", 2, {"payment_value": Decimal("142.30")}, False),
        ("olist_order_payments_dataset", 2, {"payment_value": Decimal("142.29")}, True),
        # the bounding box's edges are inside it
        ("olist_geolocation_dataset", 2, {"geolocation_lat": -33.75}, False),
        ("olist_geolocation_dataset", 2, {"geolocation_lat": 5.27}, False),
        ("olist_geolocation_dataset", 2, {"geolocation_lng": -73.98}, False),
        ("olist_geolocation_dataset", 2, {"geolocation_lng": -34.79}, False),
        ("olist_geolocation_dataset", 2, {"geolocation_lat": -33.7501}, True),
        ("olist_geolocation_dataset", 2, {"geolocation_lng": -34.7899}, True),
        # a NULL is no finding of these rules (the null checks count NULLs)
        ("olist_products_dataset", 0, {"product_weight_g": None}, False),
        ("olist_orders_dataset", 0, {"order_delivered_carrier_date": None}, False),
        # the same instant is not "before"
        (
            "olist_orders_dataset",
            0,
            {"order_delivered_carrier_date": ts("2017-10-02 11:07:15")},
            False,
        ),
    ],
)
def test_edges(new_duckdb, table, index, values, found):
    rows = clean_rows()
    _set(rows, table, index, **values)
    assert bool(run_on(new_duckdb, rows).findings) is found


def test_a_rule_whose_table_is_missing_is_skipped_and_named(new_duckdb):
    rows = clean_rows()
    del rows["olist_order_items_dataset"]
    run = run_on(new_duckdb, rows)
    assert [(s.rule, s.missing) for s in run.skipped] == [
        ("payment-mismatch", ["olist_order_items_dataset"])
    ]
    assert "payment-mismatch" not in run.ran and len(run.ran) == len(RULES) - 1


def test_samples_are_the_first_keys_and_the_count_is_all_of_them(new_duckdb):
    rows = clean_rows()
    rows["olist_products_dataset"] = [_product(f"{i:032x}", 0) for i in range(7, 0, -1)]
    for samples, shown in ((0, []), (2, [f"{i:032x}" for i in (1, 2)])):
        [finding] = run_on(new_duckdb, rows, samples=samples).findings
        assert (finding.count, [s.key for s in finding.samples]) == (7, shown)


# -- the generated dataset: the faults at the real data's rates, counted independently -----------


def test_the_generated_dataset_breaks_every_rule_as_often_as_pandas_counts(olist):
    con, frames, _ = olist
    run = run_rules(executor(con), [t.name for t in dataset.TABLES], samples=3)
    found = {f.check: f.count for f in run.findings}
    expected = quality_rule_counts(frames)
    assert found == expected
    # The generator plants every fault (olistctl sample --orders 20000: a fifth of the real
    # data), so each rule is seen failing on data shaped like the real files.
    assert all(n > 0 for n in expected.values()), expected
    for f in run.findings:
        assert len(f.samples) == min(3, f.count)
        assert [s.key for s in f.samples] == sorted(s.key for s in f.samples)


def test_the_rules_are_one_query_of_plain_athena_sql():
    sql = ranked_union([(r.name, r.sql) for r in list_rules()], 3)
    assert sql.count("UNION ALL") == len(RULES) - 1
    assert "WHERE sample_rank <= 3" in sql
    assert "WHERE sample_rank <= 1" in ranked_union([("x", "SELECT 'a' AS key, 'b' AS detail")], 0)


def test_the_rules_page_lists_every_rule_with_its_header():
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "quality.md").read_text("utf-8")
    for rule in RULES.values():
        row = (
            f"| `{rule.name}` | {rule.severity} | `{rule.table}` | {rule.description}"
            f" | {rule.real:,} | {rule.key} |"
        )
        assert row in page, row

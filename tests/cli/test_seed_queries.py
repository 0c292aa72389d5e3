"""The original pipeline's two README queries, and the Athena patterns a real run checked,
answered by the local engine over ``olistctl sample --orders 20000`` as Athena answers them.

The two queries are copied verbatim from the README of the shell-script pipeline this
project grew from (trailing spaces and semicolons included). Each answer is compared
with pandas over the sample's CSV files, with Athena's types: ``100.0`` is a double
there, so shares are doubles rounded as Trino's ``round(double, 2)`` rounds
(``athena_numbers.share``); a double cast to varchar is Java's ``Double.toString``
(``'…E7'`` from 10^7); the money columns are ``decimal(10,2)`` and keep exact decimal
rules. Evidence for the double rules: a real Athena engine v3 run, af-south-1,
December 2025 (get-query-results typed output): ROUND(COUNT(*) * 100.0 / SUM(COUNT(*))
OVER (), 2) typed double; CAST(ROUND(SUM(payment_value), 2) AS VARCHAR) =
'1.600887212E7' for a double column; ROUND(AVG(payment_installments), 1) typed double.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from lake import frame

from athena_numbers import athena_round, java_double_text, share

pytestmark = pytest.mark.slow

# "Revenue by Product Category", verbatim.
REVENUE_BY_PRODUCT_CATEGORY = """SELECT 
    t.product_category_name_english as category,
    ROUND(SUM(oi.price), 2) as revenue,
    COUNT(DISTINCT oi.order_id) as orders
FROM olist_order_items_dataset oi
JOIN olist_products_dataset p ON oi.product_id = p.product_id
LEFT JOIN product_category_name_translation t 
    ON p.product_category_name = t.product_category_name
GROUP BY t.product_category_name_english
ORDER BY revenue DESC
LIMIT 10;"""  # noqa: W291 (the README's trailing spaces, kept)

# "Delivery Performance KPI", verbatim.
DELIVERY_PERFORMANCE_KPI = """SELECT 
    CASE 
        WHEN order_delivered_customer_date <= order_estimated_delivery_date 
        THEN 'On Time' ELSE 'Late' 
    END as status,
    COUNT(*) as orders,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) as pct
FROM olist_orders_dataset
WHERE order_status = 'delivered'
GROUP BY 1;"""  # noqa: W291

ORDERS = 20_000


@pytest.fixture(scope="session")
def olist20k(tmp_path_factory) -> Path:
    """A folder whose ./olist-lake holds ``sample --orders 20000``, uploaded to crawled."""
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    folder = tmp_path_factory.mktemp("olist20k")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for args in (["sample", "--orders", str(ORDERS), "--out", "data"], ["run", "data"]):
            result = CliRunner().invoke(app, ["--no-progress", "--quiet", *args])
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return folder


@pytest.fixture
def athena(olist20k, monkeypatch):
    """Run SQL on the local backend: (column names, Athena type names, rows)."""
    from olistctl import pipeline
    from olistctl.backends.local import open_local_backend
    from olistctl.settings import load_settings

    monkeypatch.chdir(olist20k)
    backend = open_local_backend(load_settings({}, env={}))

    def run(sql: str):
        result = pipeline.query(backend, sql)
        return result.columns, result.types, result.rows

    yield run
    backend.close()


@pytest.fixture(scope="session")
def data(olist20k):
    def table(name: str):
        return frame(olist20k / "data", name)

    return table


def test_revenue_by_product_category_runs_verbatim(athena, data):
    items = data("olist_order_items_dataset").merge(data("olist_products_dataset"), on="product_id")
    items = items.merge(
        data("product_category_name_translation"), on="product_category_name", how="left"
    )
    key = items.product_category_name_english.astype(object).where(
        items.product_category_name_english.notna(), None
    )
    groups = items.groupby(key.fillna("\0"), dropna=False)
    expected = sorted(
        (
            (None if category == "\0" else category, sum(g.price, Decimal(0)), g.order_id.nunique())
            for category, g in groups
        ),
        key=lambda row: -row[1],
    )[:10]

    columns, types, rows = athena(REVENUE_BY_PRODUCT_CATEGORY)
    assert columns == ["category", "revenue", "orders"]
    assert types == ["varchar", "decimal(38,2)", "bigint"]
    assert rows == expected


def test_delivery_performance_kpi_runs_verbatim(athena, data):
    orders = data("olist_orders_dataset")
    delivered = orders[orders.order_status == "delivered"]
    on_time = int(
        (delivered.order_delivered_customer_date <= delivered.order_estimated_delivery_date).sum()
    )
    late = len(delivered) - on_time  # a NULL delivery date is 'Late' (CASE's ELSE)

    columns, types, rows = athena(DELIVERY_PERFORMANCE_KPI)
    assert columns == ["status", "orders", "pct"]
    assert types == ["varchar", "bigint", "double"]
    assert sorted(rows) == [
        ("Late", late, share(late, len(delivered))),
        ("On Time", on_time, share(on_time, len(delivered))),
    ]


def test_the_seed_queries_run_verbatim_from_the_command_line(olist20k, monkeypatch):
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    monkeypatch.chdir(olist20k)
    for sql in (REVENUE_BY_PRODUCT_CATEGORY, DELIVERY_PERFORMANCE_KPI):
        result = CliRunner().invoke(app, ["query", sql, "-o", "csv"])
        assert result.exit_code == 0, result.stderr
        assert "Falling back" not in result.stderr


def test_shares_of_a_subquery_total_are_doubles(athena, data):
    orders = data("olist_orders_dataset")
    counts = orders.order_status.value_counts()
    _, types, rows = athena(
        "SELECT order_status, ROUND(COUNT(*) * 100.0 / (SELECT COUNT(*) FROM"
        " olist_orders_dataset), 2) AS pct FROM olist_orders_dataset GROUP BY order_status"
        " ORDER BY pct DESC, order_status"
    )
    assert types == ["varchar", "double"]
    expected = sorted(
        ((status, share(n, len(orders))) for status, n in counts.items()),
        key=lambda row: (-row[1], row[0]),
    )
    assert rows == expected


def test_a_large_double_cast_to_varchar_is_written_in_e_notation(athena, data):
    items = data("olist_order_items_dataset").merge(data("olist_products_dataset"), on="product_id")
    grams = float(items.product_weight_g.dropna().astype("int64").sum())
    assert grams >= 1e7  # the sample is large enough for Athena's E notation
    _, types, rows = athena(
        "SELECT CAST(ROUND(SUM(p.product_weight_g * 1.0), 2) AS VARCHAR) AS grams_shipped"
        " FROM olist_order_items_dataset i"
        " JOIN olist_products_dataset p ON p.product_id = i.product_id"
    )
    assert types == ["varchar"]
    assert rows == [(java_double_text(athena_round(grams, 2)),)]
    assert "E7" in rows[0][0]


def test_averages_and_shares_cast_to_varchar_print_as_athena_prints_them(athena, data):
    orders = data("olist_orders_dataset")
    reviews = data("olist_order_reviews_dataset")
    payments = data("olist_order_payments_dataset")
    delivered = int((orders.order_status == "delivered").sum())
    average_score = int(reviews.review_score.sum()) / len(reviews)
    average_value = (sum(payments.payment_value, Decimal(0)) / len(payments)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    _, types, rows = athena(
        "SELECT (SELECT CAST(ROUND(AVG(review_score), 2) AS VARCHAR)"
        " FROM olist_order_reviews_dataset),"
        " CAST(ROUND(SUM(CASE WHEN order_status = 'delivered' THEN 1 ELSE 0 END) * 100.0"
        " / COUNT(*), 2) AS VARCHAR),"
        " (SELECT CAST(ROUND(AVG(payment_value), 2) AS VARCHAR)"
        " FROM olist_order_payments_dataset)"
        " FROM olist_orders_dataset"
    )
    assert types == ["varchar"] * 3
    assert rows == [
        (
            java_double_text(athena_round(average_score, 2)),  # '4.09': avg(integer) is a double
            java_double_text(share(delivered, len(orders))),
            # payment_value is decimal(10,2) here (a double in that run): exact, two places.
            format(average_value, "f"),
        )
    ]


def test_round_of_an_integer_average_is_a_double(athena, data):
    payments = data("olist_order_payments_dataset")
    installments = payments.payment_installments.astype("int64")
    _, types, rows = athena(
        "SELECT payment_type, ROUND(AVG(payment_installments), 1) FROM"
        " olist_order_payments_dataset GROUP BY payment_type ORDER BY payment_type"
    )
    assert types == ["varchar", "double"]
    expected = [
        (kind, athena_round(int(group.sum()) / len(group), 1))
        for kind, group in installments.groupby(payments.payment_type)
    ]
    assert rows == sorted(expected)


def test_a_yes_no_share_with_1_0_is_a_double(athena, data):
    reviews = data("olist_order_reviews_dataset")
    fives = int((reviews.review_score == 5).sum())
    _, types, rows = athena(
        "SELECT SUM(CASE WHEN review_score = 5 THEN 1.0 ELSE 0 END) / COUNT(*)"
        " FROM olist_order_reviews_dataset"
    )
    assert types == ["double"]
    assert rows == [(float(fives) / len(reviews),)]

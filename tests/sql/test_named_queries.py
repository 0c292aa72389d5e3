"""Each named query's answer on a generated dataset equals an independent pandas computation.

The dataset is ``olistctl.synth.generate(orders=20000)`` (about 1.5 s), loaded
with the model's types. Counts must match exactly; money is compared exactly
(to the cent) as integer cents on the pandas side; averages of decimals are
Athena's decimals, rounded half up, recomputed here with Python's decimal;
percentages are ``ROUND(x * 100.0 / n, 2)``, a double on Athena, recomputed
with ``athena_numbers.share``.
"""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from analyses import (
    cents,
    delivered_orders,
    half_up,
    money,
    order_value_cents,
    pct,
    people_orders,
)
from athena_numbers import java_double_text
from olistctl.pipeline import tables_named_in
from olistctl.sql.comments import segments
from olistctl.sql.named import get_query, list_queries
from olistctl.sql.transpile import transpile


def test_every_named_query_has_a_description_and_runs(olist, run_named):
    queries = list_queries()
    assert {q.name for q in queries} >= {
        "revenue_by_category",
        "on_time_delivery",
        "order_status_mix",
        "payment_mix",
        "review_score_mix",
        "late_delivery_vs_review",
        "monthly_orders_gmv",
        "customers_by_state",
        "seller_states_by_revenue",
        "top_sellers",
        "repeat_customers",
        "executive_kpis",
    }
    for query in queries:
        assert query.description and not query.description.startswith("-")
        assert run_named(query.name), query.name
    assert {q.name for q in queries if q.kpi} >= {"executive_kpis", "on_time_delivery"}


def test_unknown_name_is_a_key_error():
    with pytest.raises(KeyError):
        get_query("no_such_query")


def test_order_status_mix(olist, run_named):
    orders = olist[1]["orders"]
    counts = orders.order_status.value_counts()
    expected = sorted(
        ((status, int(n), pct(n, len(orders))) for status, n in counts.items()),
        key=lambda row: (-row[1], row[0]),
    )
    assert run_named("order_status_mix") == expected


def test_review_score_mix(olist, run_named):
    reviews = olist[1]["order_reviews"]
    counts = reviews.review_score.value_counts()
    expected = sorted(
        ((int(score), int(n), pct(n, len(reviews))) for score, n in counts.items()), reverse=True
    )
    assert run_named("review_score_mix") == expected


def test_customers_by_state(olist, run_named):
    customers = olist[1]["customers"]
    grouped = customers.groupby("customer_state").agg(
        customers=("customer_unique_id", "nunique"), orders=("customer_id", "size")
    )
    expected = sorted(
        (
            (state, int(row["customers"]), int(row["orders"]), pct(row.orders, len(customers)))
            for state, row in grouped.iterrows()
        ),
        key=lambda row: (-row[2], row[0]),
    )
    assert run_named("customers_by_state") == expected


def test_payment_mix(olist, run_named):
    payments = olist[1]["order_payments"].assign(value_cents=lambda f: cents(f.payment_value))
    rows = []
    for payment_type, group in payments.groupby("payment_type"):
        rows.append(
            (
                payment_type,
                len(group),
                pct(len(group), len(payments)),
                group.order_id.nunique(),
                money(int(group.value_cents.sum())),
                half_up(int(group.payment_installments.sum()), len(group)),
            )
        )
    expected = sorted(rows, key=lambda row: (-row[1], row[0]))
    assert run_named("payment_mix") == expected


def test_revenue_by_category(olist, run_named):
    frames = olist[1]
    items = frames["order_items"].merge(frames["products"], on="product_id", how="left")
    items = items.merge(frames["category_translation"], on="product_category_name", how="left")
    label = items.product_category_name_english.fillna(items.product_category_name).fillna(
        "uncategorized"
    )
    items = items.assign(category=label, price_cents=cents(items.price))
    grouped = items.groupby("category").agg(
        revenue=("price_cents", "sum"), items=("order_id", "size"), orders=("order_id", "nunique")
    )
    expected = sorted(
        (
            (category, money(int(row.revenue)), int(row["items"]), int(row["orders"]))
            for category, row in grouped.iterrows()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    answer = run_named("revenue_by_category")
    assert answer == expected
    assert sum(row[2] for row in answer) == len(frames["order_items"])  # no item dropped
    # Products without a category (an empty field: NULL) reach COALESCE's last branch.
    assert "uncategorized" in {row[0] for row in answer}


def test_on_time_delivery_by_both_rules(olist, run_named):
    delivered = delivered_orders(olist[1]["orders"])
    by_timestamp = (
        delivered.order_delivered_customer_date <= delivered.order_estimated_delivery_date
    )
    by_day = (
        delivered.order_delivered_customer_date.dt.normalize()
        <= delivered.order_estimated_delivery_date.dt.normalize()
    )
    total = len(delivered)
    expected = []
    for rule, on_time in (
        ("timestamp: delivered <= estimated", int(by_timestamp.sum())),
        ("calendar day: date(delivered) <= date(estimated)", int(by_day.sum())),
    ):
        expected.append((rule, "on time", on_time, pct(on_time, total)))
        expected.append((rule, "late", total - on_time, pct(total - on_time, total)))
    answer = run_named("on_time_delivery")
    assert answer == expected
    # Orders delivered on the promised day: late by the timestamp rule only.
    assert answer[2][2] >= answer[0][2]


def test_late_delivery_vs_review(olist, run_named):
    frames = olist[1]
    delivered = delivered_orders(frames["orders"]).merge(frames["order_reviews"], on="order_id")
    late = delivered.order_delivered_customer_date > delivered.order_estimated_delivery_date
    days_late = (
        delivered.order_delivered_customer_date.dt.normalize()
        - delivered.order_estimated_delivery_date.dt.normalize()
    ).dt.days
    buckets = pd.cut(
        days_late,
        bins=[-(10**6), 0, 1, 3, 7, 14, 10**6],
        labels=[
            "on time",
            "1 day late",
            "2-3 days late",
            "4-7 days late",
            "8-14 days late",
            "15+ days late",
        ],
    )

    def summary(comparison: str, label: str, scores: pd.Series) -> tuple:
        return (
            comparison,
            label,
            len(scores),
            half_up(int(scores.sum()), len(scores), places=3),
            pct(int((scores <= 2).sum()), len(scores)),
        )

    expected = [
        summary("timestamp rule", "on time", delivered.review_score[~late]),
        summary("timestamp rule", "late", delivered.review_score[late]),
    ]
    for label in buckets.cat.categories:
        scores = delivered.review_score[buckets == label]
        if len(scores):
            expected.append(summary("calendar-day rule", label, scores))
    assert run_named("late_delivery_vs_review") == expected


def test_monthly_orders_gmv(olist, run_named):
    frames = olist[1]
    orders = frames["orders"]
    value = order_value_cents(frames["order_items"])
    month = orders.order_purchase_timestamp.dt.strftime("%Y-%m")
    gmv = orders.order_id.map(value).fillna(0).astype("int64")
    monthly = pd.DataFrame(
        {"orders": orders.groupby(month).size(), "gmv": gmv.groupby(month).sum()}
    )
    expected = []
    previous = None
    for month_name, row in monthly.sort_index().iterrows():
        current = money(int(row.gmv))
        change = None
        if previous is not None and previous != 0:
            change = half_up((current - previous) * 100, previous)
        expected.append((month_name, int(row["orders"]), current, change))
        previous = current
    assert run_named("monthly_orders_gmv") == expected
    # The published pitfall: summing after joining payments or items inflates GMV.
    assert sum(row[2] for row in expected) == money(int(value.sum()))


def test_seller_states_by_revenue(olist, run_named):
    frames = olist[1]
    items = frames["order_items"].merge(frames["sellers"], on="seller_id")
    items = items.assign(price_cents=cents(items.price))
    total = int(items.price_cents.sum())
    grouped = items.groupby("seller_state").agg(
        sellers=("seller_id", "nunique"), items=("order_id", "size"), revenue=("price_cents", "sum")
    )
    expected = sorted(
        (
            (
                state,
                int(row.sellers),
                int(row["items"]),
                money(int(row.revenue)),
                half_up(int(row.revenue) * 100, total),  # decimal * 100 / decimal
            )
            for state, row in grouped.iterrows()
        ),
        key=lambda row: (-row[3], row[0]),
    )
    assert run_named("seller_states_by_revenue") == expected


def test_top_sellers(olist, run_named):
    frames = olist[1]
    items = frames["order_items"].merge(frames["sellers"], on="seller_id", how="left")
    items = items.assign(price_cents=cents(items.price))
    grouped = items.groupby(["seller_id", "seller_city", "seller_state"], dropna=False).agg(
        revenue=("price_cents", "sum"), orders=("order_id", "nunique"), items=("order_id", "size")
    )
    expected = sorted(
        (
            (seller, city, state, money(int(row.revenue)), int(row["orders"]), int(row["items"]))
            for (seller, city, state), row in grouped.iterrows()
        ),
        key=lambda row: (-row[3], row[0]),
    )[:20]
    assert run_named("top_sellers") == expected


def test_repeat_customers(olist, run_named):
    per_person = people_orders(olist[1])
    labels = per_person.map(lambda n: "4+" if n >= 4 else str(n))
    counts = labels.value_counts()
    expected = sorted((label, int(n), pct(n, len(per_person))) for label, n in counts.items())
    assert run_named("repeat_customers") == expected


def test_executive_kpis(olist, run_named):
    frames = olist[1]
    orders = frames["orders"]
    delivered = orders.order_status == "delivered"
    with_date = delivered & orders.order_delivered_customer_date.notna()
    on_time = with_date & (
        orders.order_delivered_customer_date <= orders.order_estimated_delivery_date
    )
    value = order_value_cents(frames["order_items"])
    scores = frames["order_reviews"].review_score
    per_person = people_orders(frames)
    expected = [
        ("orders", str(len(orders))),
        ("delivered orders (% of orders)", java_double_text(pct(delivered.sum(), len(orders)))),
        ("GMV (price + freight)", str(money(int(value.sum())))),
        ("average order value", str(half_up(money(int(value.sum())), len(value)))),
        ("average review score", str(half_up(int(scores.sum()), len(scores)))),
        (
            "on time (% of delivered, timestamp rule)",
            java_double_text(pct(on_time.sum(), with_date.sum())),
        ),
        ("customers (unique people)", str(len(per_person))),
        (
            "repeat customers (% of customers)",
            java_double_text(pct((per_person > 1).sum(), len(per_person))),
        ),
    ]
    assert run_named("executive_kpis") == expected


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_run_knows_the_tables_each_shipped_query_reads(olist, name):
    """``olistctl run`` skips a KPI whose tables are missing, finding them without sqlglot."""
    _, _, schema = olist
    query = get_query(name)
    read = transpile(query.sql, schema, param_types=[p.sql_type for p in query.bind({})]).tables
    assert sorted(tables_named_in(query.sql)) == sorted(read)


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_comments_between_the_words_of_a_shipped_query_change_nothing(olist, name):
    """Trino's lexer sends comments to the hidden channel, as whitespace (trinodb/trino
    core/trino-grammar/src/main/antlr4/io/trino/grammar/sql/SqlBase.g4: SIMPLE_COMMENT and
    BRACKETED_COMMENT -> channel(HIDDEN)): a comment after every run of whitespace outside
    quotes and comments, of each kind in turn, leaves the translation as it was. Before, a
    comment between ORDER and BY (or GROUP and BY, PARTITION and BY) was a syntax error."""
    _, _, schema = olist
    query = get_query(name)
    types = [p.sql_type for p in query.bind({})]
    kinds = itertools.cycle(("/* c */", "-- c\n", "/**/"))
    commented = "".join(
        re.sub(r"\s+", lambda gap: f" {next(kinds)}{gap.group()}", query.sql[start:end])
        if kind == "code"
        else query.sql[start:end]
        for kind, start, end in segments(query.sql)
    )
    assert commented.count("-- c\n") > 5  # the comments are there to be read
    plain = transpile(query.sql, schema, param_types=types).duckdb_sql
    assert transpile(commented, schema, param_types=types).duckdb_sql == plain

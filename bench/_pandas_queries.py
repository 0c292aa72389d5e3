"""The named queries written in pandas, reading the same Parquet files: the query baseline.

Each function takes a :class:`ParquetTables` and returns a DataFrame with the
named query's columns, in its row order, so the benchmark can check that
pandas and olistctl give the same answers before comparing their speed.
Only the columns a query needs are read (what a careful pandas user does);
money arrives as Decimal objects from Parquet and is turned into float64.

    python bench/_pandas_queries.py PROCESSED_DIR NAME   # one query, whole process
    python bench/_pandas_queries.py PROCESSED_DIR --time REPS OUT.json
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from olistctl.dataset import get_table


class ParquetTables:
    """Reads ``<processed>/<table>/*.parquet`` with pandas: the given columns only."""

    def __init__(self, processed: str | Path) -> None:
        self.processed = Path(processed)

    def __call__(self, table: str, *columns: str) -> pd.DataFrame:
        model = get_table(table)
        files = sorted((self.processed / model.name).glob("*.parquet"))
        frame = pd.concat(
            [pd.read_parquet(f, columns=list(columns)) for f in files], ignore_index=True
        )
        for name in columns:
            if model.column(name).type == "decimal":
                frame[name] = frame[name].astype("float64")
        return frame


def _pct(part: pd.Series | float, whole: pd.Series | float):
    return part * 100.0 / whole


def _order_value(read: ParquetTables) -> pd.DataFrame:
    items = read("order_items", "order_id", "price", "freight_value")
    items["gmv"] = items["price"] + items["freight_value"]
    return items.groupby("order_id", as_index=False)["gmv"].sum()


def _orders_per_person(read: ParquetTables) -> pd.Series:
    orders = read("orders", "customer_id")
    customers = read("customers", "customer_id", "customer_unique_id")
    joined = orders.merge(customers, on="customer_id")
    return joined.groupby("customer_unique_id").size()


def customers_by_state(read: ParquetTables) -> pd.DataFrame:
    c = read("customers", "customer_state", "customer_unique_id")
    out = c.groupby("customer_state").agg(
        customers=("customer_unique_id", "nunique"), orders=("customer_unique_id", "size")
    )
    out = out.reset_index().rename(columns={"customer_state": "state"})
    out["pct_of_orders"] = _pct(out["orders"], out["orders"].sum())
    return out.sort_values(["orders", "state"], ascending=[False, True])


def executive_kpis(read: ParquetTables) -> pd.DataFrame:
    o = read(
        "orders",
        "order_status",
        "order_delivered_customer_date",
        "order_estimated_delivery_date",
    )
    delivered = o["order_status"] == "delivered"
    with_date = delivered & o["order_delivered_customer_date"].notna()
    on_time = delivered & (o["order_delivered_customer_date"] <= o["order_estimated_delivery_date"])
    value = _order_value(read)
    gmv = value["gmv"].sum()
    score = read("order_reviews", "review_score")["review_score"].mean()
    per_person = _orders_per_person(read)
    values = [
        len(o),
        _pct(delivered.sum(), len(o)),
        gmv,
        gmv / len(value),
        score,
        _pct(on_time.sum(), with_date.sum()),
        len(per_person),
        _pct((per_person > 1).sum(), len(per_person)),
    ]
    metrics = [
        "orders",
        "delivered orders (% of orders)",
        "GMV (price + freight)",
        "average order value",
        "average review score",
        "on time (% of delivered, timestamp rule)",
        "customers (unique people)",
        "repeat customers (% of customers)",
    ]
    return pd.DataFrame({"metric": metrics, "value": [float(v) for v in values]})


def late_delivery_vs_review(read: ParquetTables) -> pd.DataFrame:
    o = read(
        "orders",
        "order_id",
        "order_status",
        "order_delivered_customer_date",
        "order_estimated_delivery_date",
    )
    o = o[(o["order_status"] == "delivered") & o["order_delivered_customer_date"].notna()]
    d = o.merge(read("order_reviews", "order_id", "review_score"), on="order_id")
    delivered, promised = d["order_delivered_customer_date"], d["order_estimated_delivery_date"]
    late = delivered > promised
    days_late = (delivered.dt.normalize() - promised.dt.normalize()).dt.days
    calendar = pd.cut(
        days_late,
        [-float("inf"), 0, 1, 3, 7, 14, float("inf")],
        labels=[
            "on time",
            "1 day late",
            "2-3 days late",
            "4-7 days late",
            "8-14 days late",
            "15+ days late",
        ],
    )
    frames = [
        pd.DataFrame(
            {
                "comparison": "timestamp rule",
                "bucket_order": late.map({False: 1, True: 2}),
                "bucket": late.map({False: "on time", True: "late"}),
                "score": d["review_score"],
            }
        ),
        pd.DataFrame(
            {
                "comparison": "calendar-day rule",
                "bucket_order": calendar.cat.codes + 1,
                "bucket": calendar.astype(str),
                "score": d["review_score"],
            }
        ),
    ]
    both = pd.concat(frames, ignore_index=True)
    both["bad"] = both["score"] <= 2
    out = both.groupby(["comparison", "bucket_order", "bucket"], as_index=False).agg(
        reviews=("score", "size"), avg_score=("score", "mean"), bad=("bad", "sum")
    )
    out["bad_review_pct"] = _pct(out.pop("bad"), out["reviews"])
    out = out.sort_values(["comparison", "bucket_order"], ascending=[False, True])
    return out.drop(columns="bucket_order")


def monthly_orders_gmv(read: ParquetTables) -> pd.DataFrame:
    o = read("orders", "order_id", "order_purchase_timestamp")
    joined = o.merge(_order_value(read), on="order_id", how="left")
    joined["month"] = joined["order_purchase_timestamp"].dt.strftime("%Y-%m")
    out = joined.groupby("month", as_index=False).agg(
        orders=("order_id", "size"), gmv=("gmv", "sum")
    )
    previous = out["gmv"].shift(1)
    out["gmv_change_pct"] = (out["gmv"] - previous) * 100 / previous.replace(0, float("nan"))
    return out.sort_values("month")


def on_time_delivery(read: ParquetTables) -> pd.DataFrame:
    o = read(
        "orders", "order_status", "order_delivered_customer_date", "order_estimated_delivery_date"
    )
    o = o[(o["order_status"] == "delivered") & o["order_delivered_customer_date"].notna()]
    delivered, promised = o["order_delivered_customer_date"], o["order_estimated_delivery_date"]
    rules = {
        "timestamp: delivered <= estimated": delivered <= promised,
        "calendar day: date(delivered) <= date(estimated)": (
            delivered.dt.normalize() <= promised.dt.normalize()
        ),
    }
    rows = []
    for rule, on_time in rules.items():
        counts = on_time.map({True: "on time", False: "late"}).value_counts()
        for status, orders in counts.items():
            rows.append((rule, status, int(orders), _pct(orders, counts.sum())))
    out = pd.DataFrame(rows, columns=["rule", "status", "orders", "pct"])
    return out.sort_values(["rule", "status"], ascending=[False, False])


def order_status_mix(read: ParquetTables) -> pd.DataFrame:
    o = read("orders", "order_status")
    out = o.groupby("order_status", as_index=False).size().rename(columns={"size": "orders"})
    out["pct"] = _pct(out["orders"], out["orders"].sum())
    return out.sort_values(["orders", "order_status"], ascending=[False, True])


def payment_mix(read: ParquetTables) -> pd.DataFrame:
    p = read("order_payments", "payment_type", "order_id", "payment_value", "payment_installments")
    out = p.groupby("payment_type", as_index=False).agg(
        payments=("order_id", "size"),
        orders=("order_id", "nunique"),
        total_value=("payment_value", "sum"),
        avg_installments=("payment_installments", "mean"),
    )
    out.insert(2, "pct_of_payments", _pct(out["payments"], out["payments"].sum()))
    return out.sort_values(["payments", "payment_type"], ascending=[False, True])


def repeat_customers(read: ParquetTables) -> pd.DataFrame:
    per_person = _orders_per_person(read)
    placed = per_person.where(per_person < 4).astype("Int64").astype(str).where(per_person < 4)
    placed = placed.fillna("4+")
    out = placed.value_counts().rename_axis("orders_placed").reset_index(name="customers")
    out["pct_of_customers"] = _pct(out["customers"], out["customers"].sum())
    return out.sort_values("orders_placed")


def revenue_by_category(read: ParquetTables) -> pd.DataFrame:
    items = read("order_items", "order_id", "product_id", "price")
    products = read("products", "product_id", "product_category_name")
    names = read("category_translation", "product_category_name", "product_category_name_english")
    joined = items.merge(products, on="product_id", how="left").merge(
        names, on="product_category_name", how="left"
    )
    joined["category"] = (
        joined["product_category_name_english"]
        .fillna(joined["product_category_name"])
        .fillna("uncategorized")
    )
    out = joined.groupby("category", as_index=False).agg(
        revenue=("price", "sum"), items=("price", "size"), orders=("order_id", "nunique")
    )
    out["revenue"] = out["revenue"].round(2)
    return out.sort_values(["revenue", "category"], ascending=[False, True])


def review_score_mix(read: ParquetTables) -> pd.DataFrame:
    r = read("order_reviews", "review_score")
    out = r.groupby("review_score", as_index=False).size().rename(columns={"size": "reviews"})
    out["pct"] = _pct(out["reviews"], out["reviews"].sum())
    return out.sort_values("review_score", ascending=False)


def seller_states_by_revenue(read: ParquetTables) -> pd.DataFrame:
    items = read("order_items", "seller_id", "price")
    sellers = read("sellers", "seller_id", "seller_state")
    joined = items.merge(sellers, on="seller_id")
    out = joined.groupby("seller_state", as_index=False).agg(
        sellers=("seller_id", "nunique"), items=("price", "size"), revenue=("price", "sum")
    )
    out = out.rename(columns={"seller_state": "state"})
    out["pct_of_revenue"] = _pct(out["revenue"], out["revenue"].sum())
    return out.sort_values(["revenue", "state"], ascending=[False, True])


def top_sellers(read: ParquetTables) -> pd.DataFrame:
    items = read("order_items", "seller_id", "order_id", "price")
    sellers = read("sellers", "seller_id", "seller_city", "seller_state")
    joined = items.merge(sellers, on="seller_id", how="left")
    out = joined.groupby(["seller_id", "seller_city", "seller_state"], as_index=False).agg(
        revenue=("price", "sum"), orders=("order_id", "nunique"), items=("price", "size")
    )
    out = out.sort_values(["revenue", "seller_id"], ascending=[False, True])
    return out.head(20)


QUERIES: dict[str, Callable[[ParquetTables], pd.DataFrame]] = {
    f.__name__: f
    for f in (
        customers_by_state,
        executive_kpis,
        late_delivery_vs_review,
        monthly_orders_gmv,
        on_time_delivery,
        order_status_mix,
        payment_mix,
        repeat_customers,
        revenue_by_category,
        review_score_mix,
        seller_states_by_revenue,
        top_sellers,
    )
}


def rows_of(frame: pd.DataFrame) -> list[list]:
    """The rows as JSON-able lists (NaN as None), in the frame's order."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [[_plain(v) for v in row] for row in clean.itertuples(index=False)]


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def answers_agree(expected: list[list], actual: list[list], tolerance: float = 0.0051) -> str:
    """ "" when two answers hold the same rows in the same order, else what differs first.

    Numbers agree within ``tolerance`` (the SQL rounds percentages to 2 places,
    pandas does not); a number the SQL gives as text (executive_kpis) is read
    as a number.
    """
    if len(expected) != len(actual):
        return f"{len(expected)} rows against {len(actual)}"
    for index, (row_e, row_a) in enumerate(zip(expected, actual, strict=True)):
        if len(row_e) != len(row_a):
            return f"row {index + 1}: {len(row_e)} values against {len(row_a)}"
        for value_e, value_a in zip(row_e, row_a, strict=True):
            if not _same(value_e, value_a, tolerance):
                return f"row {index + 1}: {row_e} against {row_a}"
    return ""


def _same(a, b, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)
    return abs(x - y) <= tolerance + 1e-9 * abs(x)


def time_all(processed: str, reps: int) -> dict:
    """Each query once to warm up, then ``reps`` timed runs: seconds and the answer."""
    read = ParquetTables(processed)
    out = {}
    for name, query in QUERIES.items():
        answer = query(read)
        seconds = []
        for _ in range(reps):
            started = time.perf_counter()
            query(read)
            seconds.append(time.perf_counter() - started)
        out[name] = {"seconds": seconds, "columns": list(answer.columns), "rows": rows_of(answer)}
    return out


def main(argv: list[str]) -> None:
    if len(argv) == 4 and argv[1] == "--time":
        processed, _, reps, dest = argv
        Path(dest).write_text(json.dumps(time_all(processed, int(reps))))
        return
    processed, name = argv
    answer = QUERIES[name](ParquetTables(processed))
    print(answer.to_csv(index=False), end="")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The named queries' answers computed independently, with pandas, from the generated CSV files.

Nothing here goes through olistctl's transpiler or engine: the files are read by
pyarrow with the dataset model's types (an empty field is NULL, strings' too, as
olistctl reads it), and each answer is computed from the frames with pandas and
Python's decimal. The conventions are Athena's:

- counts exact; money exact, summed as integer cents;
- ``AVG`` of a decimal is a decimal of the same scale, rounded half up
  (:func:`half_up`); a decimal divided by a decimal likewise;
- ``ROUND(x * 100.0 / n, 2)`` is a double, because Athena reads ``100.0`` as a
  DOUBLE (:func:`pct`, ``athena_numbers.share``);
- ``date_diff('day', a, b)`` of timestamps counts whole days elapsed;
- ``LIKE`` has two wildcards, ``%`` and ``_``, and no escape character.

Used by the SQL tests (on ``sample --orders 20000``) and by the CLI tests (on the
bundled sample data), so each query has one reference implementation.
"""

from __future__ import annotations

import decimal
import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from athena_numbers import athena_round, share
from olistctl import dataset

# -- reading ----------------------------------------------------------------------------------


def arrow_tables(folder: Path) -> dict[str, pa.Table]:
    """The 9 CSV files of ``folder`` as Arrow tables with the dataset model's types, by name."""
    tables = {}
    for table in dataset.TABLES:
        tables[table.name] = pacsv.read_csv(
            folder / table.file_name,
            convert_options=pacsv.ConvertOptions(
                column_types=dataset.arrow_schema(table),
                timestamp_parsers=[dataset.CSV_TIMESTAMP_FORMAT],
                # Only an empty field is NULL, a string's too: pyarrow's default keeps an
                # empty string and takes "NA" or "null" for NULL in other types.
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    return tables


def frames_of(tables: dict[str, pa.Table]) -> dict[str, pd.DataFrame]:
    """pandas frames by the tables' short names (``orders``, ``order_items`` …)."""
    return {table.short_name: tables[table.name].to_pandas() for table in dataset.TABLES}


# -- Athena's arithmetic --------------------------------------------------------------------


def cents(values: pd.Series) -> pd.Series:
    """Decimal money as exact integer cents."""
    return values.map(lambda d: int(d * 100))


def money(total_cents: int) -> Decimal:
    return Decimal(int(total_cents)).scaleb(-2)


def half_up(numerator, denominator, places: int = 2) -> Decimal | None:
    """numerator / denominator rounded half up, as Athena's decimal division and AVG do."""
    if denominator == 0:
        return None
    with decimal.localcontext() as context:
        context.prec = 60
        exact = _exact(numerator) / _exact(denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _exact(number) -> Decimal:
    """A Decimal or a whole number (numpy's included) as a Decimal."""
    return number if isinstance(number, Decimal) else Decimal(int(number))


def pct(part: int, total: int, places: int = 2) -> float | None:
    """``ROUND(part * 100.0 / total, places)``: a double on Athena; NULL when total is 0."""
    if total == 0:
        return None
    return share(int(part), int(total), places)


def like(values: pd.Series, pattern: str) -> pd.Series:
    """``values LIKE pattern`` (NULL is not a match)."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return values.map(lambda v: isinstance(v, str) and re.fullmatch(regex, v, re.S) is not None)


def whole_days(delta: pd.Series) -> pd.Series:
    """``date_diff('day', a, b)`` of timestamps: whole days elapsed, truncated toward zero."""
    day = pd.Timedelta(days=1)

    def days(d: pd.Timedelta) -> int | None:
        if pd.isna(d):
            return None
        return d // day if d >= pd.Timedelta(0) else -(-d // day)

    return delta.map(days)


def mean_rounded(values: pd.Series, places: int) -> float | None:
    """``ROUND(AVG(x), places)`` of doubles (the sum taken exactly, then rounded as Athena does)."""
    values = values.dropna()
    if values.empty:
        return None
    return athena_round(math.fsum(values) / len(values), places)


# -- shared pieces of several answers -------------------------------------------------------


def delivered_orders(orders: pd.DataFrame) -> pd.DataFrame:
    return orders[
        (orders.order_status == "delivered") & orders.order_delivered_customer_date.notna()
    ]


def order_value_cents(items: pd.DataFrame) -> pd.Series:
    """price + freight per order, in cents: items are summed to the order first."""
    per_item = cents(items.price) + cents(items.freight_value)
    return per_item.groupby(items.order_id).sum()


def people_orders(frames) -> pd.Series:
    """Orders per person (customer_unique_id), never per customer_id."""
    joined = frames["orders"].merge(frames["customers"], on="customer_id")
    return joined.groupby("customer_unique_id").size()


def categories(frames) -> pd.DataFrame:
    """Items with their category: English where translated, else Portuguese, else uncategorized."""
    items = frames["order_items"].merge(frames["products"], on="product_id", how="left")
    items = items.merge(frames["category_translation"], on="product_category_name", how="left")
    label = items.product_category_name_english.fillna(items.product_category_name)
    return items.assign(category=label.fillna("uncategorized"))


def _day(value: str | date) -> pd.Timestamp:
    return pd.Timestamp(value)


# -- the analyst's queries ------------------------------------------------------------------


def delivery_by_state(frames, state: str = "%", since: str = "2016-01-01") -> list[tuple]:
    joined = delivered_orders(frames["orders"]).merge(frames["customers"], on="customer_id")
    chosen = joined[
        like(joined.customer_state, state) & (joined.order_purchase_timestamp >= _day(since))
    ]
    delivered, promised = chosen.order_delivered_customer_date, chosen.order_estimated_delivery_date
    chosen = chosen.assign(
        delivery_days=whole_days(delivered - chosen.order_purchase_timestamp),
        vs_estimate=(delivered.dt.normalize() - promised.dt.normalize()).dt.days,
        late=delivered > promised,
    )
    rows = []
    for state_name, group in chosen.groupby("customer_state"):
        n = len(group)
        rows.append(
            (
                state_name,
                n,
                half_up(int(group.delivery_days.sum()), n),
                int(group.delivery_days.max()),
                half_up(int(group.vs_estimate.sum()), n),
                int(group.late.sum()),
                pct(group.late.sum(), n),
            )
        )
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def cohort_retention(frames, since: str = "2017-01-01", max_months: int = 12) -> list[tuple]:
    joined = frames["orders"].merge(frames["customers"], on="customer_id")
    purchases = pd.DataFrame(
        {
            "person": joined.customer_unique_id,
            "month": joined.order_purchase_timestamp.dt.to_period("M"),
        }
    )
    cohort = purchases.groupby("person").month.min()
    sizes = cohort.value_counts()
    activity = purchases.drop_duplicates().assign(cohort=lambda f: f.person.map(cohort))
    activity = activity.assign(
        offset=[(m - c).n for m, c in zip(activity.month, activity.cohort, strict=True)]
    )
    counts = activity.groupby(["cohort", "offset"]).person.nunique()
    rows = []
    for (first, offset), customers in counts.items():
        if first.start_time >= _day(since) and offset <= max_months:
            size = int(sizes[first])
            rows.append((str(first), offset, size, int(customers), pct(customers, size)))
    return sorted(rows, key=lambda r: (r[0], r[1]))


RFM_SEGMENTS = (
    "champions",
    "loyal",
    "at risk",
    "new",
    "big spenders",
    "promising",
    "hibernating",
    "lost",
)


def _rfm_position(recency: int, orders: int, monetary: Decimal) -> int:
    if orders >= 2:
        return 1 if recency <= 90 else 2 if recency <= 180 else 3
    if recency <= 90:
        return 4
    if monetary >= 500:
        return 5
    return 6 if recency <= 180 else 7 if recency <= 365 else 8


def rfm_segments(frames, before: str = "2018-09-01") -> list[tuple]:
    payments = frames["order_payments"]
    paid = cents(payments.payment_value).groupby(payments.order_id).sum()
    orders = frames["orders"]
    chosen = orders[
        (orders.order_status == "delivered") & (orders.order_purchase_timestamp < _day(before))
    ].merge(frames["customers"], on="customer_id")
    chosen = chosen.assign(paid=chosen.order_id.map(paid).fillna(0).astype("int64"))
    people = chosen.groupby("customer_unique_id").agg(
        last=("order_purchase_timestamp", "max"),
        orders=("order_id", "size"),
        monetary=("paid", "sum"),
    )
    recency = whole_days(people["last"].max() - people["last"])
    positions = [
        _rfm_position(r, o, money(m))
        for r, o, m in zip(recency, people.orders, people.monetary, strict=True)
    ]
    scored = pd.DataFrame(
        {
            "position": positions,
            "recency": recency.to_numpy(),
            "orders": people.orders.to_numpy(),
            "monetary": people.monetary.to_numpy(),
        }
    )
    rows = []
    for position, group in scored.groupby("position"):
        n = len(group)
        total = int(group.monetary.sum())
        rows.append(
            (
                RFM_SEGMENTS[position - 1],
                n,
                pct(n, len(scored)),
                half_up(int(group.recency.sum()), n, places=1),
                half_up(int(group.orders.sum()), n),
                money(total),
                half_up(money(total), n),
            )
        )
    return rows


def seller_scorecard(frames, min_orders: int = 10) -> list[tuple]:
    orders = frames["orders"][["order_id", "order_status", "order_delivered_carrier_date"]]
    sold = frames["order_items"].merge(orders, on="order_id")
    carrier, limit = sold.order_delivered_carrier_date, sold.shipping_limit_date
    sold = sold.assign(price_cents=cents(sold.price), judged=carrier.notna(), late=carrier > limit)
    items = sold.groupby("seller_id").agg(
        items=("order_id", "size"),
        revenue=("price_cents", "sum"),
        judged=("judged", "sum"),
        late=("late", "sum"),
    )
    seller_orders = sold[["seller_id", "order_id", "order_status"]].drop_duplicates()
    per_seller = seller_orders.groupby("seller_id").agg(
        orders=("order_id", "size"),
        canceled=("order_status", lambda s: int((s == "canceled").sum())),
    )
    reviewed = seller_orders.merge(frames["order_reviews"], on="order_id")
    reviews = reviewed.groupby("seller_id").agg(
        reviews=("review_score", "size"),
        score=("review_score", "sum"),
        bad=("review_score", lambda s: int((s <= 2).sum())),
    )
    rows = []
    for seller in frames["sellers"].itertuples():
        if seller.seller_id not in per_seller.index:
            continue
        o, i = per_seller.loc[seller.seller_id], items.loc[seller.seller_id]
        if o.orders < min_orders:
            continue
        r = reviews.loc[seller.seller_id] if seller.seller_id in reviews.index else None
        rows.append(
            (
                seller.seller_id,
                seller.seller_city,
                seller.seller_state,
                int(o.orders),
                int(i["items"]),
                money(i.revenue),
                pct(i.late, i.judged),
                pct(o.canceled, o.orders),
                0 if r is None else int(r.reviews),
                None if r is None else half_up(int(r.score), int(r.reviews)),
                None if r is None else pct(r.bad, r.reviews),
            )
        )
    return sorted(rows, key=lambda r: (-r[5], r[0]))


def nps(frames, since: str = "2016-01-01") -> list[tuple]:
    reviews = frames["order_reviews"]
    chosen = reviews[reviews.review_creation_date >= _day(since)]

    def row(month: str, scores: pd.Series) -> tuple:
        n = len(scores)
        promoters, passives = int((scores == 5).sum()), int((scores == 4).sum())
        detractors = int((scores <= 3).sum())
        return (
            month,
            n,
            promoters,
            passives,
            detractors,
            pct(promoters, n),
            pct(detractors, n),
            pct(promoters - detractors, n, places=1),
        )

    months = chosen.review_creation_date.dt.strftime("%Y-%m")
    rows = [row(m, group.review_score) for m, group in chosen.groupby(months)]
    return [*sorted(rows), row("all", chosen.review_score)]


def category_scorecard(frames, min_orders: int = 1) -> list[tuple]:
    items = categories(frames)
    items = items.assign(price_cents=cents(items.price))
    sales = items.groupby("category").agg(
        orders=("order_id", "nunique"), items=("order_id", "size"), revenue=("price_cents", "sum")
    )
    pairs = items[["category", "order_id"]].drop_duplicates()
    reviewed = pairs.merge(frames["order_reviews"], on="order_id")
    reviews = reviewed.groupby("category").review_score.agg(["size", "sum"])
    delivered = pairs.merge(delivered_orders(frames["orders"]), on="order_id")
    late = delivered.order_delivered_customer_date > delivered.order_estimated_delivery_date
    deliveries = late.groupby(delivered.category).agg(["size", "sum"])
    rows = []
    for category, s in sales.iterrows():
        if s.orders < min_orders:
            continue
        r = reviews.loc[category] if category in reviews.index else None
        d = deliveries.loc[category] if category in deliveries.index else None
        rows.append(
            (
                category,
                int(s.orders),
                int(s["items"]),
                money(s.revenue),
                half_up(money(s.revenue), s["items"]),
                0 if r is None else int(r["size"]),
                None if r is None else half_up(int(r["sum"]), int(r["size"])),
                0 if d is None else int(d["size"]),
                None if d is None else pct(d["sum"], d["size"]),
            )
        )
    return sorted(rows, key=lambda r: (-r[3], r[0]))


def installments_vs_value(frames, payment_type: str = "credit_card") -> list[tuple]:
    payments = frames["order_payments"]
    chosen = payments[payments.payment_type == payment_type]
    per_order = (
        chosen.assign(value=cents(chosen.payment_value))
        .groupby("order_id")
        .agg(installments=("payment_installments", "max"), value=("value", "sum"))
    )
    rows = []
    for installments, group in per_order.groupby("installments"):
        n, total = len(group), int(group.value.sum())
        # order value / installments: a decimal, rounded half up to the cent, then averaged
        per_installment = (
            [half_up(money(v), installments) for v in group.value] if installments else []
        )
        rows.append(
            (
                int(installments),
                n,
                pct(n, len(per_order)),
                money(total),
                half_up(money(total), n),
                None if installments == 0 else half_up(sum(per_installment), n),
            )
        )
    return rows


BRAZIL_LAT = (-33.75, 5.27)
BRAZIL_LNG = (-73.98, -34.79)


def geolocation_by_zip(frames, prefix: str = "%") -> list[tuple]:
    geo = frames["geolocation"]
    geo = geo[like(geo.geolocation_zip_code_prefix, prefix)]
    inside = geo.geolocation_lat.between(*BRAZIL_LAT) & geo.geolocation_lng.between(*BRAZIL_LNG)
    rows = []
    for zip_prefix, group in geo.assign(inside=inside).groupby("geolocation_zip_code_prefix"):
        kept = group[group.inside]
        rows.append(
            (
                zip_prefix,
                len(kept),
                len(group) - len(kept),
                kept.geolocation_city.nunique(),
                kept.geolocation_state.nunique(),
                kept.geolocation_state.min() if len(kept) else None,
                mean_rounded(kept.geolocation_lat, 4),
                mean_rounded(kept.geolocation_lng, 4),
            )
        )
    return rows


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def purchase_heatmap(frames, since: str = "2016-01-01", before: str = "2019-01-01") -> list[tuple]:
    bought = frames["orders"].order_purchase_timestamp
    bought = bought[(bought >= _day(since)) & (bought < _day(before))]
    rows = []
    for weekday, times in bought.groupby(bought.dt.day_of_week):
        hours = times.dt.hour.value_counts()
        per_hour = tuple(int(hours.get(h, 0)) for h in range(24))
        rows.append((int(weekday) + 1, WEEKDAYS[weekday], len(times), *per_hour))
    return rows


FREIGHT_BANDS = ("under 10 %", "10-25 %", "25-50 %", "50-100 %", "100 % and more (loss zone)")


def _band(price_cents: int, freight_cents: int) -> int:
    # freight < price * 0.10, * 0.25, * 0.50, * 1: in whole cents times 100, exactly
    for band, percent in enumerate((10, 25, 50, 100), start=1):
        if freight_cents * 100 < price_cents * percent:
            return band
    return 5


def freight_loss_zone(frames, category: str = "%") -> list[tuple]:
    items = categories(frames)
    items = items[like(items.category, category)]
    price, freight = cents(items.price), cents(items.freight_value)
    bands = pd.Series([_band(p, f) for p, f in zip(price, freight, strict=True)], index=items.index)
    rows = []
    for band, group in pd.DataFrame({"band": bands, "p": price, "f": freight}).groupby("band"):
        p, f = int(group.p.sum()), int(group.f.sum())
        rows.append(
            (
                FREIGHT_BANDS[band - 1],
                len(group),
                pct(len(group), len(items)),
                money(p),
                money(f),
                half_up(f * 100, p),
            )
        )
    return rows


ANALYSES = {
    "delivery_by_state": delivery_by_state,
    "cohort_retention": cohort_retention,
    "rfm_segments": rfm_segments,
    "seller_scorecard": seller_scorecard,
    "nps": nps,
    "category_scorecard": category_scorecard,
    "installments_vs_value": installments_vs_value,
    "geolocation_by_zip": geolocation_by_zip,
    "purchase_heatmap": purchase_heatmap,
    "freight_loss_zone": freight_loss_zone,
}


# -- the quality rules -----------------------------------------------------------------------


def quality_rule_counts(frames) -> dict[str, int]:
    """How often each quality rule (quality/sql/*.sql) fails, counted with pandas."""
    orders, payments, items = frames["orders"], frames["order_payments"], frames["order_items"]
    geo, products = frames["geolocation"], frames["products"]
    carrier, bought = orders["order_delivered_carrier_date"], orders["order_purchase_timestamp"]
    delivered, approved = orders["order_delivered_customer_date"], orders["order_approved_at"]
    status = orders["order_status"]
    paid = payments.groupby("order_id")["payment_value"].sum()
    due = (items["price"] + items["freight_value"]).groupby(items["order_id"]).sum()
    both = paid.index.intersection(due.index)
    gap = (paid[both] - due[both]).abs()
    in_box = geo["geolocation_lat"].between(-33.75, 5.27) & geo["geolocation_lng"].between(
        -73.98, -34.79
    )
    states = geo.groupby("geolocation_zip_code_prefix")["geolocation_state"].nunique()
    return {
        "carrier-before-purchase": int((carrier < bought).sum()),
        "delivered-before-carrier": int((delivered < carrier).sum()),
        "approved-after-carrier": int((approved > carrier).sum()),
        "delivered-without-date": int(((status == "delivered") & delivered.isna()).sum()),
        "canceled-but-delivered": int(((status == "canceled") & delivered.notna()).sum()),
        "payment-mismatch": int((gap > Decimal("0.01")).sum()),
        "zero-value-voucher": int(
            ((payments["payment_type"] == "voucher") & (payments["payment_value"] == 0)).sum()
        ),
        "zero-installments": int((payments["payment_installments"] == 0).sum()),
        "outside-brazil": int((~in_box).sum()),
        "prefix-in-two-states": int((states > 1).sum()),
        "zero-weight": int((products["product_weight_g"] == 0).sum()),
    }

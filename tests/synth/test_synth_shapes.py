"""At 20,000 orders the synthetic data has the real dataset's shapes.

Expected values are the real dataset's, from docs/olist-dataset.md (section in each
test), typed here rather than imported from the generator's calibration, so a
wrong calibration number fails a test. Tolerances allow for sampling noise at
this size.
"""

from __future__ import annotations

import pandas as pd
import pytest

REAL_ORDERS = 99_441
STATUS_SHARES = {  # §1.2.3
    "delivered": 0.9702,
    "shipped": 0.0111,
    "canceled": 0.0063,
    "unavailable": 0.0061,
    "invoiced": 0.0032,
    "processing": 0.0030,
}


@pytest.fixture(scope="module")
def orders(frames) -> pd.DataFrame:
    o = frames["orders"].copy()
    for column in o.columns[3:]:
        o[column] = pd.to_datetime(o[column], format="%Y-%m-%d %H:%M:%S")
    return o


@pytest.fixture(scope="module")
def items(frames) -> pd.DataFrame:
    it = frames["order_items"].copy()
    it["price"] = it.price.astype(float)
    it["freight_value"] = it.freight_value.astype(float)
    return it


@pytest.fixture(scope="module")
def delivered(orders) -> pd.DataFrame:
    return orders[
        (orders.order_status == "delivered") & orders.order_delivered_customer_date.notna()
    ]


def test_row_counts_scale_with_orders(shaped):
    scale = shaped.rows["olist_orders_dataset"] / REAL_ORDERS
    real = {  # §0
        "olist_customers_dataset": 99_441,
        "olist_geolocation_dataset": 1_000_163,
        "olist_order_items_dataset": 112_650,
        "olist_order_payments_dataset": 103_886,
        "olist_order_reviews_dataset": 99_224,
        "olist_products_dataset": 32_951,
        "olist_sellers_dataset": 3_095,
    }
    assert shaped.rows["olist_orders_dataset"] == 20_000
    for table, count in real.items():
        assert shaped.rows[table] == pytest.approx(count * scale, rel=0.02), table
    assert shaped.rows["product_category_name_translation"] == 71


def test_status_mix(orders):
    shares = orders.order_status.value_counts(normalize=True)
    for status, share in STATUS_SHARES.items():
        assert shares[status] == pytest.approx(share, abs=0.001), status
    assert set(shares.index) <= {*STATUS_SHARES, "created", "approved"}


def test_which_timestamps_are_null_follows_the_status(orders):
    has = orders.groupby("order_status")[
        ["order_approved_at", "order_delivered_carrier_date", "order_delivered_customer_date"]
    ].count()
    size = orders.order_status.value_counts()
    # §1.2.3: shipped orders reached the carrier but not the customer ...
    assert tuple(has.loc["shipped"]) == (size["shipped"], size["shipped"], 0)
    # ... unavailable / invoiced / processing were only approved ...
    for status in ("unavailable", "invoiced", "processing"):
        assert tuple(has.loc[status]) == (size[status], 0, 0), status
    # ... a few delivered orders lack a date (8 of 96,478 without delivery) ...
    missing = size["delivered"] - has.loc["delivered"]
    assert 1 <= missing["order_delivered_customer_date"] <= 4
    assert 1 <= missing["order_approved_at"] <= 6
    # ... and a few canceled ones were delivered anyway (6 of 625), most were approved.
    assert 1 <= has.loc["canceled", "order_delivered_customer_date"] <= 3
    assert has.loc["canceled", "order_approved_at"] == pytest.approx(
        size["canceled"] * 484 / 625, abs=3
    )
    nulls = orders.isna().sum()
    assert nulls["order_approved_at"] == pytest.approx(160 * 20_000 / REAL_ORDERS, abs=6)
    assert nulls["order_delivered_carrier_date"] == pytest.approx(1_783 * 0.2011, abs=20)
    assert nulls["order_delivered_customer_date"] == pytest.approx(2_965 * 0.2011, abs=20)


def test_lifecycle_timing_quantiles(orders, delivered):
    days = pd.Timedelta(days=1)
    to_delivery = (
        delivered.order_delivered_customer_date - delivered.order_purchase_timestamp
    ) / days
    # §1.5 purchase -> delivered p25 / p50 / p75 / p95: 6.8 / 10.2 / 15.6 / 29.7 days.
    assert to_delivery.quantile([0.25, 0.5, 0.75, 0.95]).tolist() == pytest.approx(
        [6.8, 10.2, 15.6, 29.7], rel=0.1
    )
    approval = (orders.order_approved_at - orders.order_purchase_timestamp) / pd.Timedelta(hours=1)
    assert approval.median() == pytest.approx(0.34, rel=0.15)
    assert approval.min() >= 0  # never approved before the purchase
    promise = (orders.order_estimated_delivery_date - orders.order_purchase_timestamp) / days
    assert promise.median() == pytest.approx(23.2, rel=0.08)
    assert (
        orders.order_estimated_delivery_date.dt.normalize() == orders.order_estimated_delivery_date
    ).all()


def test_lateness_by_both_rules(delivered):
    # §1.2.3: 8.11 % late by timestamp, 6.77 % by calendar day.
    by_timestamp = delivered.order_delivered_customer_date > delivered.order_estimated_delivery_date
    by_day = (
        delivered.order_delivered_customer_date.dt.normalize()
        > delivered.order_estimated_delivery_date
    )
    assert by_timestamp.mean() == pytest.approx(0.0811, abs=0.008)
    assert by_day.mean() == pytest.approx(0.0677, abs=0.008)
    assert by_timestamp.mean() > by_day.mean()


def test_timestamp_anomalies(orders, items):
    scale = 20_000 / REAL_ORDERS
    carrier = orders.order_delivered_carrier_date
    assert (carrier < orders.order_purchase_timestamp).sum() == pytest.approx(165 * scale, abs=3)
    assert (orders.order_delivered_customer_date < carrier).sum() == pytest.approx(
        23 * scale, abs=2
    )
    assert (orders.order_approved_at > carrier).sum() == pytest.approx(1_350 * scale, abs=15)
    assert (orders.order_delivered_customer_date < orders.order_purchase_timestamp).sum() == 0
    assert (carrier.dropna().dt.second == 0).mean() == pytest.approx(0.297, abs=0.03)
    limit = pd.to_datetime(items.shipping_limit_date)
    assert 1 <= (limit.dt.year == 2020).sum() <= 2


def test_monthly_seasonality(orders):
    months = orders.order_purchase_timestamp.dt.strftime("%Y-%m").value_counts()
    assert months.idxmax() == "2017-11"  # Black Friday
    assert months["2017-11"] == pytest.approx(7_544 * 20_000 / REAL_ORDERS, rel=0.02)
    assert months.filter(like="2016-").sum() == pytest.approx(329 * 0.2011, abs=3)
    assert months.get("2016-11", 0) == 0
    stray = orders[orders.order_purchase_timestamp >= "2018-09-01"]
    assert len(stray) == 4  # 20 real, scaled
    assert stray.order_delivered_customer_date.isna().all()


def test_items_per_order_and_sellers_per_order(frames, items, orders):
    per_order = items.groupby("order_id").size()
    shares = per_order.value_counts(normalize=True)
    # §1.5: 1 item 90.1 %, 2 items 7.6 %, 3 items 1.4 %.
    assert shares[1] == pytest.approx(0.901, abs=0.005)
    assert shares[2] == pytest.approx(0.076, abs=0.005)
    assert shares[3] == pytest.approx(0.014, abs=0.003)
    assert per_order.max() >= 10
    sellers = items.groupby("order_id").seller_id.nunique()
    assert (sellers == 1).mean() == pytest.approx(97_388 / 98_666, abs=0.003)
    assert sellers.max() >= 3
    # §1.2.4: 775 orders without items, mostly unavailable and canceled.
    empty = orders[~orders.order_id.isin(items.order_id)]
    assert len(empty) == pytest.approx(775 * 0.2011, abs=3)
    by_status = empty.order_status.value_counts()
    assert by_status["unavailable"] + by_status["canceled"] >= len(empty) - 2
    assert (orders.order_status == "unavailable").sum() - by_status["unavailable"] <= 1


def test_prices_and_freight(items, frames):
    price, freight = items.price, items.freight_value
    # §1.2.4 medians and means.
    assert price.median() == pytest.approx(74.99, rel=0.08)
    assert price.mean() == pytest.approx(120.65, rel=0.08)
    assert freight.median() == pytest.approx(16.26, rel=0.08)
    assert freight.mean() == pytest.approx(19.99, rel=0.08)
    assert price.min() > 0 and (freight == 0).sum() >= 1
    cents = (price * 100).round().astype(int) % 100
    assert cents.isin([90, 99]).mean() == pytest.approx(0.54, abs=0.04)  # §1.5
    products = frames["products"].set_index("product_id")
    weight = items.product_id.map(products.product_weight_g.astype(float))
    assert freight.corr(weight) == pytest.approx(0.60, abs=0.1)  # §1.5


def test_payments_reconcile_with_items(frames, items):
    payments = frames["order_payments"].copy()
    payments["payment_value"] = payments.payment_value.astype(float)
    paid = payments.groupby("order_id").payment_value.sum()
    owed = (items.price + items.freight_value).groupby(items.order_id).sum()
    both = pd.concat([paid, owed], axis=1, keys=["paid", "owed"], join="inner")
    gap = (both.paid - both.owed).round(2)
    # §1.2.5: 99.7 % reconcile, more of the rest paid more than less.
    assert (gap == 0).mean() == pytest.approx(0.997, abs=0.0015)
    assert (gap > 0).sum() > (gap < 0).sum() > 0
    orders = frames["orders"]
    assert 1 <= len(orders) - payments.order_id.nunique() <= 2  # §1.2.5: 1 unpaid order


def test_payment_types_and_installments(frames):
    payments = frames["order_payments"]
    types = payments.payment_type.value_counts(normalize=True)
    # §1.2.5 shares of rows.
    assert types["credit_card"] == pytest.approx(0.7392, abs=0.01)
    assert types["boleto"] == pytest.approx(0.1904, abs=0.01)
    assert types["voucher"] == pytest.approx(0.0556, abs=0.006)
    assert types["debit_card"] == pytest.approx(0.0147, abs=0.004)
    per_order = payments.groupby("order_id").size()
    assert (per_order > 1).mean() == pytest.approx(0.0298, abs=0.004)
    multi = payments[payments.order_id.isin(per_order[per_order > 1].index)]
    assert (multi.payment_type == "voucher").mean() == pytest.approx(0.62, abs=0.05)
    card = payments[payments.payment_type == "credit_card"].payment_installments.astype(int)
    assert card.mean() == pytest.approx(3.5, abs=0.2)
    assert card.max() <= 24 and (card == 0).sum() >= 1
    others = payments[payments.payment_type != "credit_card"].payment_installments
    assert set(others) == {"1"}
    undefined = payments[payments.payment_type == "not_defined"]
    assert len(undefined) >= 1 and set(undefined.payment_value) == {"0.00"}


def test_review_scores_follow_lateness(frames, delivered):
    reviews = frames["order_reviews"].copy()
    reviews["review_score"] = reviews.review_score.astype(int)
    shares = reviews.review_score.value_counts(normalize=True)
    # §1.2.6: 57.78 / 19.29 / 8.24 / 3.18 / 11.51 % for scores 5..1, mean 4.09.
    for score, share in {5: 0.5778, 4: 0.1929, 3: 0.0824, 2: 0.0318, 1: 0.1151}.items():
        assert shares[score] == pytest.approx(share, abs=0.015), score
    assert reviews.review_score.mean() == pytest.approx(4.09, abs=0.05)
    joined = reviews.merge(delivered, on="order_id")
    late = (
        joined.order_delivered_customer_date.dt.normalize() > joined.order_estimated_delivery_date
    )
    # §1.2.3: 2.27 late vs 4.29 on time (calendar rule).
    assert joined.review_score[late].mean() == pytest.approx(2.27, abs=0.25)
    assert joined.review_score[~late].mean() == pytest.approx(4.29, abs=0.08)
    never = reviews[~reviews.order_id.isin(delivered.order_id)]
    assert (never.review_score == 1).mean() == pytest.approx(0.71, abs=0.08)  # §1.5


def test_review_text_nulls_and_content(frames):
    reviews = frames["order_reviews"].copy()
    assert reviews.review_comment_title.isna().mean() == pytest.approx(0.8834, abs=0.01)
    assert reviews.review_comment_message.isna().mean() == pytest.approx(0.5870, abs=0.015)
    with_message = reviews.review_comment_message.notna().groupby(reviews.review_score).mean()
    assert with_message["1"] > with_message["3"] > with_message["4"]  # §1.2.6 table
    messages = reviews.review_comment_message.dropna()
    assert messages.str.contains("\r\n").mean() == pytest.approx(0.098, abs=0.02)
    assert messages.str.contains(",").mean() == pytest.approx(0.36, abs=0.06)
    assert messages.str.contains('"').sum() >= 1
    assert messages.str.len().median() == pytest.approx(53, rel=0.2)


def test_review_duplicates_and_gaps(frames):
    reviews, orders = frames["order_reviews"], frames["orders"]
    scale = len(orders) / REAL_ORDERS
    # §1.2.6: 814 rows repeat a review id, each id spanning several orders.
    repeated_rows = len(reviews) - reviews.review_id.nunique()
    assert repeated_rows == pytest.approx(814 * scale, abs=3)
    orders_per_id = reviews.groupby("review_id").order_id.nunique()
    assert (orders_per_id[reviews.review_id.value_counts() > 1] > 1).all()
    per_order = reviews.groupby("order_id").size()
    assert (per_order > 1).sum() == pytest.approx(547 * scale, abs=3)
    assert len(orders) - reviews.order_id.nunique() == pytest.approx(768 * scale, abs=3)


def test_review_creation_dates(frames):
    created = frames["order_reviews"].review_creation_date
    assert created.str.endswith(" 00:00:00").mean() > 0.99
    odd = set(created[~created.str.endswith(" 00:00:00")])
    # Midnight did not exist on Brazil's DST-start days.
    assert odd and odd <= {"2016-10-16 01:00:00", "2017-10-15 01:00:00"}
    assert created.max() <= "2018-08-31 00:00:00"


def test_products(frames):
    products = frames["products"]
    scale = 20_000 / REAL_ORDERS
    null_category = products.product_category_name.isna()
    assert null_category.sum() == pytest.approx(610 * scale, abs=3)
    # The 610 have no name/description length or photo count either (§1.2.7).
    describe = ["product_name_lenght", "product_description_lenght", "product_photos_qty"]
    assert (products[describe].isna().all(axis=1) == null_category).all()
    assert products.product_weight_g.isna().sum() == 2
    assert products.drop(columns="product_id").isna().all(axis=1).sum() == 1
    assert (products.product_weight_g == "0").sum() >= 1
    # pc_gamer and portateis_cozinha_... are sold but missing from the translation.
    translated = set(frames["category_translation"].product_category_name)
    untranslated = set(products.product_category_name.dropna()) - translated
    assert untranslated == {"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"}
    top = products.product_category_name.value_counts().index[:3].tolist()
    assert set(top) <= {"cama_mesa_banho", "esporte_lazer", "moveis_decoracao", "beleza_saude"}


def test_sellers(frames):
    sellers = frames["sellers"]
    assert sellers.seller_state.value_counts(normalize=True)["SP"] == pytest.approx(
        0.5974, abs=0.04
    )
    dirty = sellers.seller_city.str.contains(r"[/\\@,]| {2}| - |ã|´", regex=True)
    assert dirty.sum() >= 2
    geo = set(frames["geolocation"].geolocation_zip_code_prefix)
    assert 1 <= (~sellers.seller_zip_code_prefix.isin(geo)).sum() <= 3  # 7 real, scaled


def test_customers(frames):
    customers, orders = frames["customers"], frames["orders"]
    per_person = customers.groupby("customer_unique_id").size()
    # §1.2.1: 3.12 % of people have more than one customer_id.
    assert (per_person > 1).mean() == pytest.approx(0.0312, abs=0.004)
    assert per_person.max() >= 5
    states = customers.customer_state.value_counts(normalize=True)
    assert states["SP"] == pytest.approx(0.4198, abs=0.01)
    assert states["RJ"] == pytest.approx(0.1292, abs=0.01)
    assert customers.customer_state.nunique() == 27
    assert (customers.customer_city == "sao paulo").mean() == pytest.approx(0.156, abs=0.04)
    geo = set(frames["geolocation"].geolocation_zip_code_prefix)
    absent = (~customers.customer_zip_code_prefix.isin(geo)).sum()
    assert absent == pytest.approx(278 * len(orders) / REAL_ORDERS, abs=3)


def test_geolocation(frames):
    geo = frames["geolocation"]
    # §1.2.2: 26.18 % exact duplicate rows, ~52.6 rows per prefix, SP first.
    assert geo.duplicated().mean() == pytest.approx(0.2618, abs=0.005)
    per_prefix = geo.groupby("geolocation_zip_code_prefix").size()
    assert per_prefix.mean() == pytest.approx(52.6, rel=0.05)
    assert per_prefix.median() == pytest.approx(29, rel=0.15)
    assert geo.geolocation_zip_code_prefix.is_monotonic_increasing
    assert geo.geolocation_state.iloc[0] == "SP"
    cities = set(geo.geolocation_city)
    assert {"sao paulo", "são paulo"} <= cities
    states_per_prefix = geo.groupby("geolocation_zip_code_prefix").geolocation_state.nunique()
    assert 1 <= (states_per_prefix > 1).sum() <= 3  # 8 real, scaled
    lat, lng = geo.geolocation_lat.astype(float), geo.geolocation_lng.astype(float)
    outside = ~(lat.between(-33.75, 5.27) & lng.between(-73.99, -34.79))
    assert outside.sum() == pytest.approx(42 * 0.2011, abs=2)

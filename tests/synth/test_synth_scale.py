"""Any number of orders: the pools that ran out past the real data's size, and generation in
chunks adding up to the same dataset as generation in one piece.

``sample --orders N`` used to fail from 102,366 orders (17 dirty seller spellings drawn
without replacement) and from ~245,000 (zip prefixes scaled past Sao Paulo's CEP range).
The pools are tested here directly at 10x scale; the chunking at small sizes with small
chunks, so several chunks, geolocation blocks and product blocks run in a second.
"""

from __future__ import annotations

import pandas as pd
import pytest

from olistctl.dataset import TABLES
from olistctl.synth import distributions as dist
from olistctl.synth import generate
from olistctl.synth.geo import build_universe, geo_scale
from olistctl.synth.people import AbsentZips, build_sellers, count_people
from olistctl.synth.places import CITIES, ZIP_RANGES, unaccented
from olistctl.synth.plan import Plan
from olistctl.synth.sampling import Scale, stage_rng

REAL_ORDERS = 99_441
REAL_PREFIXES = 19_015
REAL_GEO_ROWS = 1_000_163


def scale(orders: int) -> Scale:
    return Scale(orders=orders, real_orders=REAL_ORDERS)


# -- the pools sized to the real data -------------------------------------------------


@pytest.mark.parametrize("orders", [99_441, 250_000, 1_000_000])
def test_zip_prefixes_and_geolocation_stop_at_the_real_size(orders):
    universe = build_universe(stage_rng(1, "zips"), geo_scale(scale(orders)))
    # §1.2.2: 19,015 prefixes, 1,000,163 rows; more orders do not make more of either.
    assert len(universe.zips) == REAL_PREFIXES
    assert int(universe.rows.sum()) == REAL_GEO_ROWS
    assert len(set(universe.zips.tolist())) == REAL_PREFIXES
    assert universe.zips.tolist() == sorted(universe.zips.tolist())
    for z, state in zip(universe.zips.tolist(), universe.state.tolist(), strict=True):
        assert any(lo <= int(z) <= hi for lo, hi in ZIP_RANGES[state]), (z, state)


def test_below_the_real_size_geolocation_shrinks_with_the_orders():
    assert geo_scale(scale(20_000)) == scale(20_000)
    universe = build_universe(stage_rng(1, "zips"), geo_scale(scale(20_000)))
    assert len(universe.zips) == round(REAL_PREFIXES * 20_000 / REAL_ORDERS)


# Dirty spellings that an ordinary (unaccented) city name can never be.
ORDINARY = {unaccented(city) for places in CITIES.values() for city, *_ in places}
ONLY_DIRTY = [c for c, _ in dist.DIRTY_SELLER_CITIES if c not in ORDINARY]


@pytest.mark.parametrize("orders", [102_366, 1_000_000])
def test_dirty_seller_cities_repeat_past_the_real_list(orders):
    # From 102,366 orders there are more dirty sellers (17 real, scaled) than spellings.
    universe = build_universe(stage_rng(1, "zips"), geo_scale(scale(orders)))
    n_sellers = scale(orders).count(3_095)
    sellers = build_sellers(stage_rng(1, "sellers"), scale(orders), universe, n_sellers)
    cities = pd.Series(sellers.columns["seller_city"])
    assert len(cities) == n_sellers and sellers.seller_id.size == n_sellers
    dirty = round(17 * orders / REAL_ORDERS)
    assert dirty > len(dist.DIRTY_SELLER_CITIES)
    uses = cities[cities.isin(ONLY_DIRTY)].value_counts()
    # Every spelling is used, as evenly as the count allows.
    assert set(uses.index) == set(ONLY_DIRTY)
    rounds = -(-dirty // len(dist.DIRTY_SELLER_CITIES))
    assert uses.max() <= rounds and uses.min() >= rounds - 1


def test_prefixes_outside_geolocation_keep_the_real_rows_per_prefix():
    universe = build_universe(stage_rng(1, "zips"), geo_scale(scale(1_000_000)))
    rows = scale(1_000_000).quirk(278)  # customer rows outside geolocation, 10x
    pools = AbsentZips(7, universe, rows)
    states = sorted(universe.states_present())
    first = {state: pools(state, 1) for state in states}
    # Drawn once per state from the seed, whoever asks first.
    again = AbsentZips(7, universe, rows)
    assert all((again(state, 99) == first[state]).all() for state in reversed(states))
    known = set(universe.zips.tolist())
    distinct = set()
    for state, pool in first.items():
        assert not set(pool.tolist()) & known
        assert all(any(lo <= int(z) <= hi for lo, hi in ZIP_RANGES[state]) for z in pool)
        distinct |= set(pool.tolist())
    # §1.2.1: 278 rows in 157 prefixes; rounding up per state adds at most one each.
    assert rows * 157 / 278 <= len(distinct) <= rows * 157 / 278 + len(states)


def test_people_fit_their_chunks():
    p = Plan(1, scale(300_000), chunk_orders=7_000)
    people = count_people(p)
    sizes = sorted(dist.ORDERS_PER_PERSON)
    assert (people @ sizes == p.sizes).all()  # each chunk's orders, person by person
    for j, k in enumerate(sizes[1:], start=1):
        assert people[:, j].sum() == scale(300_000).count(dist.ORDERS_PER_PERSON[k]), k


# -- chunks add up to the dataset one piece would make --------------------------------

ORDERS = 3_000
PIECES = {
    "olistctl.synth.plan.CHUNK_ORDERS": 700,  # 5 chunks of 600
    "olistctl.synth.geo.GEO_BLOCK_ROWS": 4_000,  # 8 blocks
    "olistctl.synth.products.PRODUCT_BLOCK_ROWS": 300,  # 4 blocks
}


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("whole"), orders=ORDERS, seed=9)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory, pieces):
    with pieces(PIECES):
        return generate(tmp_path_factory.mktemp("chunked"), orders=ORDERS, seed=9)


def exact_counts(result, read_table) -> dict[str, object]:
    """Every count the generator fixes exactly (not left to chance)."""
    t = {table.short_name: read_table(result.files[table.name]) for table in TABLES}
    orders, items, payments, reviews = (
        t["orders"],
        t["order_items"],
        t["order_payments"],
        t["order_reviews"],
    )
    stamps = {c: pd.to_datetime(orders[c]) for c in orders.columns[3:]}
    purchase, approved = stamps["order_purchase_timestamp"], stamps["order_approved_at"]
    carrier, delivered = (
        stamps["order_delivered_carrier_date"],
        stamps["order_delivered_customer_date"],
    )
    geo = t["geolocation"]
    per_person = t["customers"].groupby("customer_unique_id").size()
    return {
        "rows": result.rows,
        "status": orders.order_status.value_counts().to_dict(),
        "months": purchase.dt.strftime("%Y-%m").value_counts().to_dict(),
        "nulls": orders.isna().sum().to_dict(),
        "status nulls": orders.drop(columns=orders.columns[:2])
        .groupby("order_status")
        .count()
        .to_dict(),
        "carrier before purchase": int((carrier < purchase).sum()),
        "approved after carrier": int((approved > carrier).sum()),
        "delivered before carrier": int((delivered < carrier).sum()),
        "items per order": items.groupby("order_id").size().value_counts().to_dict(),
        "orders without items": int((~orders.order_id.isin(items.order_id)).sum()),
        "zero freight": int((items.freight_value == "0.00").sum()),
        "shipping limit in 2020": int(items.shipping_limit_date.str.startswith("2020").sum()),
        "sellers per order": items.groupby("order_id").seller_id.nunique().value_counts().to_dict(),
        "people by orders": per_person.value_counts().to_dict(),
        "customers outside geolocation": int(
            (~t["customers"].customer_zip_code_prefix.isin(geo.geolocation_zip_code_prefix)).sum()
        ),
        "unpaid orders": int((~orders.order_id.isin(payments.order_id)).sum()),
        "not_defined payments": int((payments.payment_type == "not_defined").sum()),
        "payments per order": payments.groupby("order_id").size().value_counts().to_dict(),
        "zero installments": int((payments.payment_installments == "0").sum()),
        "orders without review": int((~orders.order_id.isin(reviews.order_id)).sum()),
        "reviews per order": reviews.groupby("order_id").size().value_counts().to_dict(),
        "shared review id rows": len(reviews) - reviews.review_id.nunique(),
        "quoted messages": int(reviews.review_comment_message.str.contains('"').sum()),
        "geolocation prefixes": geo.geolocation_zip_code_prefix.tolist(),
        "geolocation duplicates": int(geo.duplicated().sum()),
        "two-state prefixes": int(
            (geo.groupby("geolocation_zip_code_prefix").geolocation_state.nunique() > 1).sum()
        ),
        "points outside Brazil": int(
            (
                ~(
                    geo.geolocation_lat.astype(float).between(-33.75, 5.27)
                    & geo.geolocation_lng.astype(float).between(-73.99, -34.79)
                )
            ).sum()
        ),
        "products without category": int(t["products"].product_category_name.isna().sum()),
        "products without weight": int(t["products"].product_weight_g.isna().sum()),
        "products of weight 0": int((t["products"].product_weight_g == "0").sum()),
    }


def test_chunks_make_exactly_the_counts_of_one_piece(whole, chunked, read_table):
    one, many = exact_counts(whole, read_table), exact_counts(chunked, read_table)
    assert one.keys() == many.keys()
    for name in one:
        assert many[name] == one[name], name
    # Not the same dataset, though: the chunks draw their own values.
    assert whole.files["olist_orders_dataset"].read_bytes() != (
        chunked.files["olist_orders_dataset"].read_bytes()
    )


def test_chunked_dataset_keeps_every_key_and_the_files_order(chunked, read_table, check_integrity):
    t = {table.short_name: read_table(chunked.files[table.name]) for table in TABLES}
    check_integrity(t)
    # Items sorted by order_id across the chunks, geolocation by prefix across the blocks.
    assert t["order_items"].order_id.is_monotonic_increasing
    assert t["geolocation"].geolocation_zip_code_prefix.is_monotonic_increasing
    # Each chunk is a random part of the whole timeline: the first chunk's rows of the
    # orders file span it (26 months with orders at this size), not one stretch of it.
    first = pd.to_datetime(t["orders"].order_purchase_timestamp.iloc[:600])
    assert first.dt.strftime("%Y-%m").nunique() >= 20
    assert first.min() < pd.Timestamp("2017-02-01") and first.max() > pd.Timestamp("2018-08-01")


def test_chunked_generation_is_deterministic(chunked, tmp_path, pieces):
    with pieces(PIECES):
        again = generate(tmp_path, orders=ORDERS, seed=9)
    for name, path in chunked.files.items():
        assert again.files[name].read_bytes() == path.read_bytes(), name


def test_a_failure_in_a_later_chunk_leaves_nothing_behind(tmp_path, monkeypatch, pieces):
    generate(tmp_path, orders=20, seed=1)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    import olistctl.synth.reviews as reviews

    real = reviews.reviews_columns

    def fails_in_chunk_3(part, *args):
        if part.index == 3:
            raise RuntimeError("disk full")
        return real(part, *args)

    monkeypatch.setattr(reviews, "reviews_columns", fails_in_chunk_3)
    with pieces(PIECES), pytest.raises(RuntimeError, match="disk full"):
        generate(tmp_path, orders=ORDERS, seed=9, overwrite=True)
    # No temporary file or item run left, the previous files untouched.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# -- above the old limit, at the default chunk size ---------------------------------


@pytest.mark.slow
def test_110k_orders_keep_keys_and_row_counts(tmp_path, read_table, check_integrity):
    # Above 102,366 orders, where the generator used to crash; 6 chunks of orders.
    orders = 110_000
    result = generate(tmp_path, orders=orders, seed=42)
    real = {  # §0
        "olist_customers_dataset": 99_441,
        "olist_order_items_dataset": 112_650,
        "olist_order_payments_dataset": 103_886,
        "olist_order_reviews_dataset": 99_224,
        "olist_products_dataset": 32_951,
        "olist_sellers_dataset": 3_095,
    }
    for table, count in real.items():
        assert result.rows[table] == pytest.approx(count * orders / REAL_ORDERS, rel=0.02), table
    assert result.rows["olist_orders_dataset"] == orders
    assert result.rows["olist_geolocation_dataset"] == REAL_GEO_ROWS  # real size, not 1.1x
    assert result.rows["product_category_name_translation"] == 71
    t = {table.short_name: read_table(result.files[table.name]) for table in TABLES}
    assert {table.name: len(t[table.short_name]) for table in TABLES} == result.rows
    check_integrity(t)
    assert t["order_items"].order_id.is_monotonic_increasing
    assert t["geolocation"].geolocation_zip_code_prefix.nunique() == REAL_PREFIXES
    # The dirty seller spellings all appear (19 dirty sellers for 17 spellings).
    assert set(ONLY_DIRTY) <= set(t["sellers"].seller_city)

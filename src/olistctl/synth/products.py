"""Products: category, the catalogue measures, and the price and base freight items use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from olistctl.synth import distributions as dist
from olistctl.synth.categories import PRODUCTS_PER_CATEGORY, UNTRANSLATED
from olistctl.synth.sampling import QUIRKS_FROM_ORDERS, Scale, allocate, choose, hex_ids, pick

CATEGORIES: tuple[str | None, ...] = tuple(PRODUCTS_PER_CATEGORY)


@dataclass
class ProductFacts:
    product_id: np.ndarray
    category: np.ndarray  # str or None
    weight_g: np.ndarray  # float, NaN where unknown
    price_cents: np.ndarray
    freight_cents: np.ndarray  # before the per-item noise
    columns: dict[str, np.ndarray]  # the products table, in file order

    @property
    def n(self) -> int:
        return len(self.product_id)


def category_counts(scale: Scale, n_products: int) -> np.ndarray:
    """Products per category (CATEGORIES order), proportional to the real file.

    The two categories missing from the translation table are kept from
    QUIRKS_FROM_ORDERS on, taken from the largest category.
    """
    counts = allocate(n_products, list(PRODUCTS_PER_CATEGORY.values()))
    if scale.orders >= QUIRKS_FROM_ORDERS:
        for name in UNTRANSLATED:
            i = CATEGORIES.index(name)
            if counts[i] == 0 and counts.max() > 1:
                counts[int(np.argmax(counts))] -= 1
                counts[i] = 1
    return counts


def retail_prices(rng: np.random.Generator, raw: np.ndarray) -> np.ndarray:
    """Prices in cents snapped to the price points shops use (x9.90, .99, whole reais)."""
    raw = np.clip(raw, dist.PRICE_MIN, dist.PRICE_MAX)
    u = rng.random(len(raw))
    ninety = np.where(raw >= 20, np.round(raw / 10) * 10 - 0.10, np.floor(raw) + 0.90)
    ninety_nine = np.where(raw >= 20, np.round(raw / 10) * 10 - 0.01, np.floor(raw) + 0.99)
    whole = np.maximum(np.round(raw), 1.0)
    bounds = np.cumsum(
        [dist.PRICE_ENDING_90_SHARE, dist.PRICE_ENDING_99_SHARE, dist.PRICE_ENDING_00_SHARE]
    )
    price = np.select(
        [u < bounds[0], u < bounds[1], u < bounds[2]], [ninety, ninety_nine, whole], raw
    )
    price = np.clip(price, dist.PRICE_MIN, dist.PRICE_MAX)
    return np.rint(price * 100).astype(np.int64)


def _dimensions(rng: np.random.Generator, weight_g: np.ndarray) -> tuple[np.ndarray, ...]:
    """Length, height, width in cm, growing with the weight like parcels do."""
    side = np.cbrt(np.maximum(weight_g, 50) / 0.11)  # ~0.11 g/cm3 packed goods
    out = []
    for ratio, (lo, hi) in ((1.3, dist.LENGTH_CM), (0.65, dist.HEIGHT_CM), (1.0, dist.WIDTH_CM)):
        noise = np.exp(rng.normal(0, 0.3, len(weight_g)))
        out.append(np.clip(np.rint(side * ratio * noise), lo, hi).astype(np.int64))
    return tuple(out)


def build_products(
    rng: np.random.Generator, scale: Scale, seller_of_product: np.ndarray
) -> ProductFacts:
    """Products for a catalogue whose i-th product belongs to ``seller_of_product[i]``."""
    n = len(seller_of_product)
    # Sellers specialise: lay category blocks along the products of sellers in random order.
    seller_rank = rng.permutation(int(seller_of_product.max()) + 1 if n else 0)
    layout = np.argsort(seller_rank[seller_of_product], kind="stable")
    counts = category_counts(scale, n)
    blocks = rng.permutation(len(CATEGORIES))
    category_index = np.empty(n, dtype=np.int64)
    category_index[layout] = np.repeat(blocks, counts[blocks])
    category = np.array(CATEGORIES, dtype=object)[category_index]
    uncategorised = np.flatnonzero(category_index == CATEGORIES.index(None))

    name_length = np.rint(dist.NAME_LENGTH.sample(rng, n)).astype(np.int64)
    description_length = np.rint(dist.DESCRIPTION_LENGTH.sample(rng, n)).astype(np.int64)
    photos = np.array(list(dist.PHOTOS))[choose(rng, n, list(dist.PHOTOS.values()))]
    weight = np.rint(dist.WEIGHT_G.sample(rng, n)).astype(np.int64)
    weight[pick(rng, np.arange(n), scale.quirk(dist.ZERO_WEIGHT_PRODUCTS))] = 0
    length, height, width = _dimensions(rng, weight.astype(float))

    measures = np.zeros(n, dtype=bool)  # no weight or dimensions
    described = np.ones(n, dtype=bool)  # has name/description length and photo count
    described[uncategorised] = False
    no_size = scale.quirk(dist.NO_DIMENSION_PRODUCTS, minimum=dist.NO_DIMENSION_PRODUCTS)
    if no_size and n:
        # The first is the real file's fully empty row (no category either).
        empty = pick(rng, uncategorised, 1) if len(uncategorised) else pick(rng, np.arange(n), 1)
        category[empty] = None
        described[empty] = False
        measures[empty] = True
        others = np.setdiff1d(np.flatnonzero(described), empty)
        measures[pick(rng, others, no_size - 1)] = True

    factor = np.array([dist.CATEGORY_PRICE_FACTOR.get(c, 1.0) for c in category.tolist()])
    raw_price = dist.PRICE_MEDIAN * factor * np.exp(dist.PRICE_LOG_SIGMA * rng.standard_normal(n))
    kg = np.where(measures, 0.5, weight / 1000)
    freight = dist.FREIGHT_BASE + dist.FREIGHT_PER_KG * kg**dist.FREIGHT_WEIGHT_POWER

    def masked(values: np.ndarray, null: np.ndarray) -> np.ma.MaskedArray:
        return np.ma.MaskedArray(values, mask=null)

    product_id = hex_ids(rng, n)
    order = rng.permutation(n)
    columns = {
        "product_id": product_id,
        "product_category_name": category,
        "product_name_lenght": masked(name_length, ~described),
        "product_description_lenght": masked(description_length, ~described),
        "product_photos_qty": masked(photos, ~described),
        "product_weight_g": masked(weight, measures),
        "product_length_cm": masked(length, measures),
        "product_height_cm": masked(height, measures),
        "product_width_cm": masked(width, measures),
    }
    return ProductFacts(
        product_id=product_id,
        category=category,
        weight_g=np.where(measures, np.nan, weight.astype(float)),
        price_cents=retail_prices(rng, raw_price),
        freight_cents=np.rint(freight * 100).astype(np.int64),
        columns={name: values[order] for name, values in columns.items()},
    )

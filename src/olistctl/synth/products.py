"""Products: category, the catalogue measures, and the price and base freight items use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.synth.categories import PRODUCTS_PER_CATEGORY, UNTRANSLATED
from olistctl.synth.sampling import (
    QUIRKS_FROM_ORDERS,
    Scale,
    allocate,
    choose,
    hex_text,
    pick,
    raw_ids,
)

CATEGORIES: tuple[str | None, ...] = tuple(PRODUCTS_PER_CATEGORY)


# Product rows written (and their descriptive columns drawn) at a time.
PRODUCT_BLOCK_ROWS = 20_000
# Products whose price and weight are drawn at a time.
PIECE = 65_536


@dataclass
class ProductFacts:
    """What items need of every product, compact (the catalogue is kept whole while the
    orders stream), and what the products file needs beyond that."""

    product_id: np.ndarray  # (n, 16) id bytes, see hex_text
    category: np.ndarray  # index into CATEGORIES
    weight_g: np.ndarray  # grams (meaningless where no_measures)
    no_measures: np.ndarray  # no weight or dimensions
    described: np.ndarray  # has name/description length and photo count
    price_cents: np.ndarray
    freight_cents: np.ndarray  # before the per-item noise
    file_order: np.ndarray  # the product of each row of the file

    @property
    def n(self) -> int:
        return len(self.product_id)

    def ids(self, index: np.ndarray) -> np.ndarray:
        """The ids of products ``index`` as text."""
        return hex_text(self.product_id[index])


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


def build_products(rng: np.random.Generator, scale: Scale, per_seller: np.ndarray) -> ProductFacts:
    """The products of the sellers' catalogues: seller s owns ``per_seller[s]`` consecutive
    products. Drawn in pieces: whole-catalogue temporaries would grow with the orders."""
    n = int(per_seller.sum())
    pieces = [slice(i, min(i + PIECE, n)) for i in range(0, n, PIECE)]
    offset = np.cumsum(per_seller) - per_seller
    # Sellers specialise: category blocks are laid along the products of the sellers
    # taken in random order; a product's place in that line is its seller's start in
    # it plus its rank in the seller's catalogue.
    seller_rank = rng.permutation(len(per_seller))
    in_rank_order = np.argsort(seller_rank)
    start = np.empty(len(per_seller), dtype=np.int64)
    start[in_rank_order] = np.cumsum(per_seller[in_rank_order]) - per_seller[in_rank_order]
    counts = category_counts(scale, n)
    blocks = rng.permutation(len(CATEGORIES))
    block_end = np.cumsum(counts[blocks])
    category = np.empty(n, dtype=np.int8)
    for piece in pieces:
        index = np.arange(piece.start, piece.stop)
        seller = np.searchsorted(offset, index, side="right") - 1
        place = start[seller] + index - offset[seller]
        category[piece] = blocks[np.searchsorted(block_end, place, side="right")]
    null_category = CATEGORIES.index(None)
    uncategorised = np.flatnonzero(category == null_category)

    weight = np.empty(n, dtype=np.int32)
    for piece in pieces:
        weight[piece] = np.rint(dist.WEIGHT_G.sample(rng, piece.stop - piece.start))
    weight[pick(rng, np.arange(n), scale.quirk(dist.ZERO_WEIGHT_PRODUCTS))] = 0

    no_measures = np.zeros(n, dtype=bool)  # no weight or dimensions
    described = np.ones(n, dtype=bool)  # has name/description length and photo count
    described[uncategorised] = False
    no_size = scale.quirk(dist.NO_DIMENSION_PRODUCTS, minimum=dist.NO_DIMENSION_PRODUCTS)
    if no_size and n:
        # The first is the real file's fully empty row (no category either).
        empty = pick(rng, uncategorised, 1) if len(uncategorised) else pick(rng, np.arange(n), 1)
        category[empty] = null_category
        described[empty] = False
        no_measures[empty] = True
        no_measures[pick(rng, np.flatnonzero(described), no_size - 1)] = True

    factor = np.array(
        [1.0 if c is None else dist.CATEGORY_PRICE_FACTOR.get(c, 1.0) for c in CATEGORIES]
    )
    # Cents fit 32 bits (at most 673,500 and 40,968).
    price = np.empty(n, dtype=np.int32)
    freight = np.empty(n, dtype=np.int32)
    for piece in pieces:
        noise = np.exp(dist.PRICE_LOG_SIGMA * rng.standard_normal(piece.stop - piece.start))
        price[piece] = retail_prices(rng, dist.PRICE_MEDIAN * factor[category[piece]] * noise)
        kg = np.where(no_measures[piece], 0.5, weight[piece] / 1000)
        base = dist.FREIGHT_BASE + dist.FREIGHT_PER_KG * kg**dist.FREIGHT_WEIGHT_POWER
        freight[piece] = np.rint(base * 100)
    return ProductFacts(
        product_id=raw_ids(rng, n),
        category=category,
        weight_g=weight,
        no_measures=no_measures,
        described=described,
        price_cents=price,
        freight_cents=freight,
        file_order=rng.permutation(np.arange(n, dtype=np.int32)),
    )


def product_blocks(
    rng_for: Callable[[int], np.random.Generator],
    products: ProductFacts,
    block_rows: int | None = None,
) -> Iterator[dict[str, np.ndarray]]:
    """The products table in blocks of rows, in file order; ``rng_for(b)`` draws block
    b's descriptive columns (lengths, photos, dimensions)."""
    step = PRODUCT_BLOCK_ROWS if block_rows is None else block_rows
    names = np.array(CATEGORIES, dtype=object)
    for b, start in enumerate(range(0, products.n, step)):
        rng = rng_for(b)
        index = products.file_order[start : start + step]
        n = len(index)
        name_length = np.rint(dist.NAME_LENGTH.sample(rng, n)).astype(np.int64)
        description_length = np.rint(dist.DESCRIPTION_LENGTH.sample(rng, n)).astype(np.int64)
        photos = np.array(list(dist.PHOTOS))[choose(rng, n, list(dist.PHOTOS.values()))]
        weight = products.weight_g[index]
        length, height, width = _dimensions(rng, weight.astype(float))
        undescribed = ~products.described[index]
        unmeasured = products.no_measures[index]

        def masked(values: np.ndarray, null: np.ndarray) -> np.ma.MaskedArray:
            return np.ma.MaskedArray(values, mask=null)

        yield {
            "product_id": products.ids(index),
            "product_category_name": names[products.category[index]],
            "product_name_lenght": masked(name_length, undescribed),
            "product_description_lenght": masked(description_length, undescribed),
            "product_photos_qty": masked(photos, undescribed),
            "product_weight_g": masked(weight, unmeasured),
            "product_length_cm": masked(length, unmeasured),
            "product_height_cm": masked(height, unmeasured),
            "product_width_cm": masked(width, unmeasured),
        }

"""Order items: which seller and product fill each slot, and at what price.

Slots are laid out first (order, position, seller); each seller then gets a
catalogue sized to its sales, every catalogue product is sold at least once,
and the rest of its slots go to its products by popularity. That keeps zero
orphans, every product and seller used, and the real sellers-per-order mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from olistctl.synth import distributions as dist
from olistctl.synth.calendar import as_datetimes, day_seconds
from olistctl.synth.orders import OrderFacts
from olistctl.synth.products import ProductFacts
from olistctl.synth.sampling import DAY, Scale, allocate, choose, pick

# Popularity of a seller's j-th product ~ 1 / (j + 1) ** POPULARITY_EXPONENT.
POPULARITY_EXPONENT = 1.0


@dataclass
class Slots:
    """Item rows before products are priced: one entry per unit sold."""

    order: np.ndarray  # order index
    item_no: np.ndarray  # 1..k within the order
    seller: np.ndarray  # seller index
    product: np.ndarray  # product index (global)
    seller_of_product: np.ndarray  # seller index per product

    @property
    def n(self) -> int:
        return len(self.order)


def sellers_needed(scale: Scale, orders: OrderFacts) -> int:
    """Sellers to create: scaled, but never more than the orders that could use them."""
    return max(1, min(scale.count(dist.REAL_SELLERS), int((orders.n_items > 0).sum())))


def _sellers_per_order(rng, scale: Scale, k: np.ndarray) -> np.ndarray:
    n_sellers = np.ones(len(k), dtype=np.int64)
    for s in sorted(dist.SELLERS_PER_ORDER, reverse=True):
        candidates = np.flatnonzero((k >= s) & (n_sellers == 1))
        wanted = scale.share(len(k), dist.SELLERS_PER_ORDER[s], dist.REAL_ORDERS_WITH_ITEMS)
        n_sellers[pick(rng, candidates, wanted)] = s
    return n_sellers


def assign_slots(
    rng: np.random.Generator, scale: Scale, orders: OrderFacts, seller_weight: np.ndarray
) -> Slots:
    buying = np.flatnonzero(orders.n_items > 0)
    k = orders.n_items[buying]
    n_sellers = len(seller_weight)

    # One main seller per order; the first orders (random) make sure every seller sells.
    main = choose(rng, len(buying), seller_weight)
    first = rng.permutation(len(buying))[:n_sellers]
    main[first] = np.arange(len(first))

    order_pos = np.repeat(np.arange(len(buying)), k)
    starts = np.concatenate([[0], np.cumsum(k)[:-1]])
    item_no = np.arange(len(order_pos)) - starts[order_pos] + 1
    seller = main[order_pos].copy()

    per_order = _sellers_per_order(rng, scale, k)
    for pos in np.flatnonzero(per_order > 1).tolist():
        wanted = min(int(per_order[pos]), n_sellers)
        chosen = [int(main[pos])]
        while len(chosen) < wanted:
            extra = int(choose(rng, 1, seller_weight)[0])
            if extra not in chosen:
                chosen.append(extra)
        slots = np.arange(starts[pos], starts[pos] + k[pos])
        # Positions 1..s take each seller once, later ones any of them.
        fill = np.concatenate(
            [chosen, np.array(chosen)[rng.integers(len(chosen), size=len(slots) - len(chosen))]]
        )
        seller[slots] = fill

    # Repeated product: in ~7 % of multi-item single-seller orders item 2 repeats item 1.
    multi = np.flatnonzero((k >= 2) & (per_order == 1))
    repeat = pick(rng, multi, round(len(np.flatnonzero(k >= 2)) * dist.REPEATED_PRODUCT_SHARE))
    copy = np.zeros(len(order_pos), dtype=bool)
    copy[starts[repeat] + 1] = True

    product, covering, seller_of_product = _catalogue(rng, scale, seller, copy, n_sellers)
    _distinct_within_orders(rng, order_pos, product, covering, copy, seller_of_product)
    product[copy] = product[np.flatnonzero(copy) - 1]
    return Slots(buying[order_pos], item_no, seller, product, seller_of_product)


def _catalogue(rng, scale: Scale, seller: np.ndarray, copy: np.ndarray, n_sellers: int):
    """Products per seller and a product for every non-copy slot, each product sold.

    Returns the product per slot (-1 for copies), which slots are the one sale
    that keeps a product in use, and the seller of each product.
    """
    own = ~copy
    sales = np.bincount(seller[own], minlength=n_sellers)
    active = sales > 0
    n_products = int(np.clip(scale.count(dist.REAL_PRODUCTS), active.sum(), sales.sum()))
    # Catalogue sizes proportional to sales, between 1 and the seller's own sales.
    size = np.zeros(n_sellers, dtype=np.int64)
    size[active] = allocate(n_products - int(active.sum()), sales[active] - 1) + 1
    offset = np.concatenate([[0], np.cumsum(size)[:-1]])
    seller_of_product = np.repeat(np.arange(n_sellers), size)

    product = np.full(len(seller), -1, dtype=np.int64)
    slots = np.flatnonzero(own)
    # Each seller's slots together, in random order within the seller.
    grouped = slots[np.lexsort((rng.random(len(slots)), seller[slots]))]
    group_start = np.concatenate([[0], np.cumsum(sales)[:-1]])
    rank = np.arange(len(grouped)) - group_start[seller[grouped]]
    first_sale = rank < size[seller[grouped]]
    # A seller's first `size` slots sell each of its products once ...
    product[grouped[first_sale]] = offset[seller[grouped[first_sale]]] + rank[first_sale]
    # ... the others follow popularity within the catalogue.
    rest = grouped[~first_sale]
    rest = rest[np.argsort(seller[rest], kind="stable")]
    bounds = np.flatnonzero(np.diff(seller[rest])) + 1
    for mine in np.split(rest, bounds) if len(rest) else []:
        s = int(seller[mine[0]])
        weights = 1.0 / np.arange(1, size[s] + 1) ** POPULARITY_EXPONENT
        product[mine] = offset[s] + choose(rng, len(mine), weights)
    covering = np.zeros(len(seller), dtype=bool)
    covering[grouped[first_sale]] = True
    return product, covering, seller_of_product


def _distinct_within_orders(rng, order_pos, product, covering, copy, seller_of_product) -> None:
    """Redraw popularity picks that repeat a product within an order (repeats are the
    deliberate copies only), keeping the first-sale slots as they are."""
    own = np.flatnonzero(~copy)
    key = order_pos[own] * (len(seller_of_product) + 1) + product[own]
    by_key = np.argsort(key, kind="stable")
    ranked = own[by_key]
    same = np.flatnonzero(np.diff(key[by_key]) == 0)  # ranked[same] and ranked[same + 1] clash
    catalogue_of: dict[int, np.ndarray] = {}
    for a, b in zip(ranked[same].tolist(), ranked[same + 1].tolist(), strict=True):
        slot = b if not covering[b] else a
        if covering[slot]:
            continue
        seller = int(seller_of_product[product[slot]])
        if seller not in catalogue_of:
            catalogue_of[seller] = np.flatnonzero(seller_of_product == seller)
        in_order = product[order_pos == order_pos[slot]]
        free = np.setdiff1d(catalogue_of[seller], in_order)
        if len(free):
            product[slot] = free[int(rng.integers(len(free)))]


def items_columns(
    rng: np.random.Generator,
    scale: Scale,
    orders: OrderFacts,
    slots: Slots,
    products: ProductFacts,
    seller_id: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The order-items table (sorted by order_id like the real file) and each order's
    items total in cents (price + freight)."""
    n = slots.n
    price = products.price_cents[slots.product]
    noise = np.exp(rng.normal(0, dist.FREIGHT_LOG_SIGMA, n))
    freight = np.minimum(
        np.rint(products.freight_cents[slots.product] * noise), dist.FREIGHT_MAX * 100
    ).astype(np.int64)
    common = rng.random(n) < dist.COMMON_FREIGHT_SHARE
    freight[common] = np.rint(
        np.array(dist.COMMON_FREIGHTS)[choose(rng, int(common.sum()), [5, 2, 2, 1, 1])] * 100
    ).astype(np.int64)
    freight[pick(rng, np.arange(n), scale.count(dist.FREIGHT_ZERO_ITEMS))] = 0

    days = np.rint(dist.SHIPPING_LIMIT_DAYS.sample(rng, n)).astype(np.int64)
    limit = orders.approved[slots.order] + days * DAY
    late = pick(rng, np.arange(n), scale.quirk(dist.SHIPPING_LIMIT_IN_2020))
    lo, hi = (day_seconds(d) for d in dist.SHIPPING_LIMIT_2020_RANGE)
    limit[late] = rng.integers(lo, hi + DAY, len(late))

    totals = np.bincount(slots.order, weights=price + freight, minlength=orders.n)
    order_id = orders.order_id[slots.order]
    row = np.lexsort((slots.item_no, order_id.astype(str)))
    columns = {
        "order_id": order_id[row],
        "order_item_id": slots.item_no[row],
        "product_id": products.product_id[slots.product][row],
        "seller_id": seller_id[slots.seller][row],
        "shipping_limit_date": as_datetimes(limit[row]),
        "price": price[row],
        "freight_value": freight[row],
    }
    return columns, np.rint(totals).astype(np.int64)

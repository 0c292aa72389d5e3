"""Order items: which seller and product fill each slot, and at what price.

Who sells what is fixed for the whole dataset before any order is drawn (the
orders come in chunks, see :mod:`.plan`): how many orders each seller is the
main seller of (every seller at least one, the rest by its weight), and a
catalogue per seller sized to that. Each chunk's orders take their main
sellers from those totals; a seller's sales go first to its products not sold
yet, in turn, then by popularity. A seller's products are never more than its
orders, and each of its orders sells it at least one item, so by the last
chunk every product has been sold: zero orphans, every product and seller
used, and the real sellers-per-order mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.synth.calendar import as_datetimes, day_seconds
from olistctl.synth.orders import OrderCounts, OrderFacts
from olistctl.synth.plan import Dealer, Part, labels
from olistctl.synth.products import ProductFacts
from olistctl.synth.sampling import DAY, Scale, allocate, choose, pick

# Popularity of a seller's j-th product ~ 1 / (j + 1) ** POPULARITY_EXPONENT.
POPULARITY_EXPONENT = 1.0


@dataclass
class Slots:
    """A chunk's item rows before products are priced: one entry per unit sold."""

    order: np.ndarray  # order index in the chunk
    item_no: np.ndarray  # 1..k within the order
    seller: np.ndarray  # seller index
    product: np.ndarray  # product index (global)

    @property
    def n(self) -> int:
        return len(self.order)


def sellers_needed(scale: Scale, with_items: int) -> int:
    """Sellers to create: scaled, but never more than the orders that could use them."""
    return max(1, min(scale.count(dist.REAL_SELLERS), with_items))


@dataclass
class Catalogue:
    """Sellers' orders and products for the whole dataset, and what is sold so far."""

    size: np.ndarray  # products per seller
    offset: np.ndarray  # each seller's first product
    sold: np.ndarray  # per seller: its products 0..sold-1 have been sold
    main: Dealer  # orders per seller as main seller, dealt to the chunks in turn
    weight_cdf: np.ndarray  # cumulated seller weights: extra sellers of multi-seller orders
    popularity_cdf: np.ndarray  # cumulated 1 / (j + 1) ** POPULARITY_EXPONENT

    @property
    def n_sellers(self) -> int:
        return len(self.size)

    def unsold(self) -> int:
        return int((self.size - self.sold).sum())

    def draw_seller(self, rng: np.random.Generator) -> int:
        """A seller in proportion to its weight."""
        at = rng.random() * self.weight_cdf[-1]
        return min(int(np.searchsorted(self.weight_cdf, at, side="right")), self.n_sellers - 1)

    def seller_of(self, product: int) -> int:
        return int(np.searchsorted(self.offset, product, side="right")) - 1

    def products_of(self, seller: int) -> np.ndarray:
        return np.arange(self.offset[seller], self.offset[seller] + self.size[seller])

    def sell(self, rng: np.random.Generator, seller: np.ndarray, copy: np.ndarray):
        """A product for every non-copy slot of ``seller``: first each seller's unsold
        products in turn, then by popularity. Returns the product per slot (-1 for
        copies) and which slots are a product's first sale."""
        own = np.flatnonzero(~copy)
        # Each seller's slots together, in random order within the seller.
        grouped = own[np.lexsort((rng.random(len(own)), seller[own]))]
        by = seller[grouped]
        sales = np.bincount(by, minlength=self.n_sellers)
        rank = np.arange(len(grouped)) - (np.cumsum(sales) - sales)[by]
        unsold = self.size - self.sold
        first = rank < unsold[by]
        product = np.full(len(seller), -1, dtype=np.int64)
        product[grouped[first]] = (self.offset + self.sold)[by[first]] + rank[first]
        rest = grouped[~first]
        size = self.size[seller[rest]]
        at = rng.random(len(rest)) * self.popularity_cdf[size - 1]
        j = np.minimum(np.searchsorted(self.popularity_cdf, at, side="right"), size - 1)
        product[rest] = self.offset[seller[rest]] + j
        self.sold += np.minimum(sales, unsold)
        covering = np.zeros(len(seller), dtype=bool)
        covering[grouped[first]] = True
        return product, covering


def build_catalogue(
    rng: np.random.Generator,
    deal_rng: np.random.Generator,
    scale: Scale,
    seller_weight: np.ndarray,
    with_items: int,
) -> Catalogue:
    """Orders per seller (one each, the rest by weight) and catalogues sized to them."""
    n_sellers = len(seller_weight)
    orders_of = np.ones(n_sellers, dtype=np.int64)
    orders_of += rng.multinomial(with_items - n_sellers, seller_weight / seller_weight.sum())
    n_products = int(np.clip(scale.count(dist.REAL_PRODUCTS), n_sellers, with_items))
    # Catalogue sizes proportional to orders, between 1 and the seller's orders.
    size = allocate(n_products - n_sellers, orders_of - 1) + 1
    return Catalogue(
        size=size,
        offset=np.cumsum(size) - size,
        sold=np.zeros(n_sellers, dtype=np.int64),
        main=Dealer(deal_rng, orders_of),
        weight_cdf=np.cumsum(seller_weight),
        popularity_cdf=np.cumsum(1.0 / np.arange(1, size.max() + 1) ** POPULARITY_EXPONENT),
    )


def _sellers_per_order(rng, part: Part, counts: OrderCounts, k: np.ndarray) -> np.ndarray:
    n_sellers = np.ones(len(k), dtype=np.int64)
    whole = int(counts.with_items.sum())
    for s in sorted(dist.SELLERS_PER_ORDER, reverse=True):
        candidates = np.flatnonzero((k >= s) & (n_sellers == 1))
        total = part.scale.share(whole, dist.SELLERS_PER_ORDER[s], dist.REAL_ORDERS_WITH_ITEMS)
        wanted = part.split(f"sellers per order/{s}", total, counts.with_items)
        n_sellers[pick(rng, candidates, wanted)] = s
    return n_sellers


def assign_slots(
    part: Part, counts: OrderCounts, orders: OrderFacts, catalogue: Catalogue
) -> Slots:
    """The chunk's item slots. Chunks must come in order (the catalogue deals in turn)."""
    rng = part.rng("items")
    buying = np.flatnonzero(orders.n_items > 0)
    k = orders.n_items[buying]
    n_sellers = catalogue.n_sellers

    # One main seller per order, from the sellers' totals for the whole dataset.
    main = labels(rng, catalogue.main.take(len(buying)))

    order_pos = np.repeat(np.arange(len(buying)), k)
    starts = np.concatenate([[0], np.cumsum(k)[:-1]]).astype(np.int64)
    item_no = np.arange(len(order_pos)) - starts[order_pos] + 1
    seller = main[order_pos].copy()

    per_order = _sellers_per_order(rng, part, counts, k)
    for pos in np.flatnonzero(per_order > 1).tolist():
        wanted = min(int(per_order[pos]), n_sellers)
        chosen = [int(main[pos])]
        while len(chosen) < wanted:
            extra = catalogue.draw_seller(rng)
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
    total = round(int(counts.multi_item.sum()) * dist.REPEATED_PRODUCT_SHARE)
    repeat = pick(rng, multi, part.split("repeated product", total, counts.multi_item))
    copy = np.zeros(len(order_pos), dtype=bool)
    copy[starts[repeat] + 1] = True

    product, covering = catalogue.sell(rng, seller, copy)
    _distinct_within_orders(rng, order_pos, product, covering, copy, catalogue)
    product[copy] = product[np.flatnonzero(copy) - 1]
    return Slots(buying[order_pos], item_no, seller, product)


def _distinct_within_orders(rng, order_pos, product, covering, copy, catalogue) -> None:
    """Redraw popularity picks that repeat a product within an order (repeats are the
    deliberate copies only), keeping the first-sale slots as they are."""
    own = np.flatnonzero(~copy)
    key = order_pos[own] * (int(product.max(initial=0)) + 1) + product[own]
    by_key = np.argsort(key, kind="stable")
    ranked = own[by_key]
    same = np.flatnonzero(np.diff(key[by_key]) == 0)  # ranked[same] and ranked[same + 1] clash
    for a, b in zip(ranked[same].tolist(), ranked[same + 1].tolist(), strict=True):
        slot = b if not covering[b] else a
        if covering[slot]:
            continue
        in_order = product[order_pos == order_pos[slot]]
        free = np.setdiff1d(catalogue.products_of(catalogue.seller_of(product[slot])), in_order)
        if len(free):
            product[slot] = free[int(rng.integers(len(free)))]


def items_columns(
    part: Part,
    counts: OrderCounts,
    orders: OrderFacts,
    slots: Slots,
    products: ProductFacts,
    seller_id: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The order-items table (sorted by order_id like the real file) and each order's
    items total in cents (price + freight)."""
    rng, scale = part.rng("prices"), part.scale
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
    zero = part.split("zero freight", scale.count(dist.FREIGHT_ZERO_ITEMS), counts.slots)
    freight[pick(rng, np.arange(n), zero)] = 0

    days = np.rint(dist.SHIPPING_LIMIT_DAYS.sample(rng, n)).astype(np.int64)
    limit = orders.approved[slots.order] + days * DAY
    in_2020 = part.quirk("shipping limit in 2020", dist.SHIPPING_LIMIT_IN_2020, counts.slots)
    late = pick(rng, np.arange(n), in_2020)
    lo, hi = (day_seconds(d) for d in dist.SHIPPING_LIMIT_2020_RANGE)
    limit[late] = rng.integers(lo, hi + DAY, len(late))

    totals = np.bincount(slots.order, weights=price + freight, minlength=orders.n)
    order_id = orders.order_id[slots.order]
    row = np.lexsort((slots.item_no, order_id.astype(str)))
    columns = {
        "order_id": order_id[row],
        "order_item_id": slots.item_no[row],
        "product_id": products.ids(slots.product[row]),
        "seller_id": seller_id[slots.seller][row],
        "shipping_limit_date": as_datetimes(limit[row]),
        "price": price[row],
        "freight_value": freight[row],
    }
    return columns, np.rint(totals).astype(np.int64)

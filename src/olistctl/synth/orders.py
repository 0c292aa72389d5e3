"""Orders: status, lifecycle timestamps and how many items each holds.

Everything else hangs off these facts: items need the approval time and the
item count, payments the status, reviews the delivery outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.dataset import ORDER_STATUSES
from olistctl.synth.calendar import (
    as_datetimes,
    day_seconds,
    midnight,
    month_counts,
    months_from,
    purchase_times,
    time_of_day,
)
from olistctl.synth.plan import Part, Plan, labels
from olistctl.synth.sampling import DAY, HOUR, allocate, correlated_uniforms, hex_ids, pick

# Statuses in the calibration's order (most frequent first).
STATUSES: tuple[str, ...] = tuple(dist.STATUS_ORDERS)


@dataclass
class OrderFacts:
    order_id: np.ndarray
    status: np.ndarray  # status string per order
    purchase: np.ndarray  # seconds
    approved: np.ndarray
    carrier: np.ndarray
    delivered: np.ndarray
    estimated: np.ndarray
    has_approved: np.ndarray
    has_carrier: np.ndarray
    has_delivered: np.ndarray
    n_items: np.ndarray  # 0 for the orders without items

    @property
    def n(self) -> int:
        return len(self.order_id)

    def days_late(self) -> np.ndarray:
        """Calendar days between the promised date and the delivery day (> 0: late)."""
        return (midnight(self.delivered) - self.estimated) // DAY


@dataclass
class OrderCounts:
    """The whole dataset's order-level counts, one row per chunk (see :mod:`.plan`)."""

    months: np.ndarray  # (chunks, months of ORDERS_PER_MONTH): orders purchased in each
    forced: np.ndarray  # (chunks,): orders of the stray Sep/Oct-2018 tail made canceled
    status: np.ndarray  # (chunks, STATUSES), the forced ones included
    dealt: np.ndarray  # (chunks, STATUSES): the statuses dealt at random (not forced)
    no_items: np.ndarray  # (chunks, STATUSES): orders without items
    items: np.ndarray  # (chunks, ITEMS_PER_ORDER sizes): orders with k items

    @property
    def with_items(self) -> np.ndarray:
        return self.items.sum(axis=1)

    @property
    def multi_item(self) -> np.ndarray:
        """Orders with two items or more, per chunk."""
        return self.items[:, np.array(list(dist.ITEMS_PER_ORDER)) >= 2].sum(axis=1)

    @property
    def slots(self) -> np.ndarray:
        """Item rows per chunk."""
        return self.items @ np.array(list(dist.ITEMS_PER_ORDER))


def count_orders(plan: Plan) -> OrderCounts:
    """Fix the dataset's exact counts (as for one generation of all the orders) and deal
    them to the chunks."""
    scale = plan.scale
    months = plan.deal("months", month_counts(scale.orders))
    stray = months[:, months_from(dist.STRAY_FROM_DAY)].sum(axis=1)
    per_status = allocate(scale.orders, list(dist.STATUS_ORDERS.values()))
    canceled = STATUSES.index("canceled")
    # The stray tail is canceled (never delivered) as far as the canceled orders go.
    forced = np.minimum(stray, np.maximum(per_status[canceled] - np.cumsum(stray) + stray, 0))
    per_status[canceled] -= int(forced.sum())
    dealt = plan.deal("status", per_status, plan.sizes - forced)
    status = dealt.copy()
    status[:, canceled] += forced

    no_items = np.zeros_like(status)
    for name, real in dist.NO_ITEMS_BY_STATUS.items():
        s = STATUSES.index(name)
        total = scale.share(int(status[:, s].sum()), real, dist.STATUS_ORDERS[name])
        no_items[:, s] = plan.split(f"no items/{name}", total, status[:, s])
    with_items = plan.sizes - no_items.sum(axis=1)
    items = plan.deal(
        "items per order",
        allocate(int(with_items.sum()), list(dist.ITEMS_PER_ORDER.values())),
        with_items,
    )
    return OrderCounts(months, forced, status, dealt, no_items, items)


def _presence(
    rng: np.random.Generator, part: Part, counts: OrderCounts, c: int, status: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the chunk's ``c`` orders of one status: which have approved/carrier/delivered
    timestamps.

    Each count is scaled from the real table, keeping the rarer side (e.g. the 8
    delivered orders with no delivery date) at least once from QUIRKS_FROM_ORDERS on.
    """
    scale = part.scale
    real_total = dist.STATUS_ORDERS[status]
    members = counts.status[:, STATUSES.index(status)]
    whole = int(members.sum())
    present = []
    for j, real_present in enumerate(dist.STATUS_TIMESTAMPS[status]):
        real_missing = real_total - real_present
        key = f"presence/{status}/{j}"
        if real_present <= real_missing:
            total = scale.share(whole, real_present, real_total, minimum=real_present > 0)
            present.append(part.split(key, total, members))
        else:
            total = scale.share(whole, real_missing, real_total, minimum=real_missing > 0)
            present.append(c - part.split(key, total, members))
    return _presence_flags(rng, c, status, present)


def _presence_flags(rng, c: int, status: str, present: list[int]):
    ranked = [np.zeros(c, dtype=bool) for _ in range(3)]
    if status == "delivered":
        # Few missing values, each in a different order: disjoint slices.
        start = 0
        for flag, k in zip(ranked, present, strict=True):
            flag[:] = True
            flag[start : start + c - k] = False
            start += c - k
    else:
        # A later timestamp implies the earlier ones (canceled after shipping, etc.).
        for flag, k in zip(ranked, present, strict=True):
            flag[:k] = True
    rank = rng.permutation(c)
    approved, carrier, delivered = (flag[rank] for flag in ranked)
    return approved, carrier, delivered


def build_orders(part: Part, counts: OrderCounts) -> OrderFacts:
    """The chunk's orders, in purchase order."""
    rng = part.rng("orders")
    c = part.index
    n = part.orders
    purchase = purchase_times(rng, counts.months[c])

    # Statuses: the stray Sep/Oct-2018 tail is canceled (never delivered), the rest random.
    status = np.empty(n, dtype=object)
    stray = np.flatnonzero(purchase >= day_seconds(dist.STRAY_FROM_DAY))[: counts.forced[c]]
    status[stray] = "canceled"
    rest = np.setdiff1d(np.arange(n), stray)
    status[rest] = rng.permutation(np.repeat(list(STATUSES), counts.dealt[c]))

    has = [np.zeros(n, dtype=bool) for _ in range(3)]
    for name in ORDER_STATUSES:
        members = np.flatnonzero(status == name)
        if not len(members):
            continue
        for target, flag in zip(has, _presence(rng, part, counts, len(members), name), strict=True):
            target[members] = flag
    has_approved, has_carrier, has_delivered = has

    # Latent lifecycle for every order; the masks decide what the file shows.
    approved = purchase + (dist.APPROVAL_HOURS.sample(rng, n) * HOUR).astype(np.int64)
    carrier = approved + (dist.CARRIER_DAYS.sample(rng, n) * DAY).astype(np.int64)
    transit = (dist.TRANSIT_DAYS.sample(rng, n) * DAY).astype(np.int64)
    delivered = midnight(carrier + transit) + time_of_day(rng, n, dist.DELIVERY_HOUR_WEIGHTS)
    too_early = delivered <= carrier
    delivered[too_early] = carrier[too_early] + rng.integers(HOUR, 8 * HOUR, too_early.sum())

    _add_anomalies(rng, part, purchase, approved, carrier, delivered, has)
    estimated = _estimated(rng, purchase, delivered, has_delivered)

    n_items = _items_per_order(rng, part, counts, status, has_carrier)
    return OrderFacts(
        order_id=hex_ids(rng, n),
        status=status,
        purchase=purchase,
        approved=approved,
        carrier=carrier,
        delivered=delivered,
        estimated=estimated,
        has_approved=has_approved,
        has_carrier=has_carrier,
        has_delivered=has_delivered,
        n_items=n_items,
    )


def _add_anomalies(rng, part: Part, purchase, approved, carrier, delivered, has) -> None:
    """The real data's ordering anomalies (§1.2.3), in place."""
    has_approved, has_carrier, has_delivered = has
    both = np.flatnonzero(has_approved & has_carrier)
    before_purchase = pick(
        rng, both, part.quirk("carrier before purchase", dist.CARRIER_BEFORE_PURCHASE)
    )
    carrier[before_purchase] = purchase[before_purchase] - rng.integers(
        HOUR, 36 * HOUR, len(before_purchase)
    )
    # Approved after the carrier took the parcel (but after the purchase).
    slow_approval = np.setdiff1d(both[(approved - purchase)[both] >= 2 * HOUR], before_purchase)
    scale = part.scale
    k = part.split(
        "approved after carrier",
        scale.quirk(dist.APPROVED_AFTER_CARRIER) - scale.quirk(dist.CARRIER_BEFORE_PURCHASE),
    )
    after = pick(rng, slow_approval, k)
    gap = (approved - purchase)[after]
    carrier[after] = purchase[after] + (gap * rng.uniform(0.1, 0.9, len(after))).astype(np.int64)
    # Delivered before the carrier date (but after the purchase).
    normal = np.ones(len(purchase), dtype=bool)
    normal[before_purchase] = normal[after] = False
    eligible = np.flatnonzero(has_delivered & has_carrier & normal & (carrier - purchase > DAY))
    early = pick(
        rng, eligible, part.quirk("delivered before carrier", dist.DELIVERED_BEFORE_CARRIER)
    )
    room = np.minimum(carrier[early] - purchase[early] - HOUR, 3 * DAY)
    delivered[early] = carrier[early] - (room * rng.uniform(0.05, 1, len(early))).astype(np.int64)
    # About 30 % of carrier timestamps are whole minutes.
    whole = rng.random(len(carrier)) < dist.CARRIER_WHOLE_MINUTE_SHARE
    carrier[whole] -= carrier[whole] % 60


def _estimated(rng, purchase, delivered, has_delivered) -> np.ndarray:
    """Promised dates (midnight), purchase + ESTIMATE_DAYS; for delivered orders the
    promise is tied to the actual delivery time, so most long trips were promised long."""
    n = len(purchase)
    u = rng.random(n)
    done = np.flatnonzero(has_delivered)
    if len(done):
        u[done] = correlated_uniforms(
            rng, (delivered - purchase)[done], dist.ESTIMATE_DELIVERY_CORRELATION
        )
    days = dist.ESTIMATE_DAYS.at(u)
    estimated = midnight(purchase + (days * DAY).astype(np.int64))
    # How late the late ones are: redrawn from LATE_DAYS (they stay late).
    late = done[midnight(delivered[done]) > estimated[done]]
    days_late = np.ceil(dist.LATE_DAYS.sample(rng, len(late))).astype(np.int64)
    estimated[late] = np.maximum(
        midnight(delivered[late]) - days_late * DAY, midnight(purchase[late]) + 2 * DAY
    )
    return estimated


def _items_per_order(
    rng, part: Part, counts: OrderCounts, status: np.ndarray, has_carrier
) -> np.ndarray:
    """Item count per order: 0 for the orders without items (by status, §1.2.4)."""
    n = len(status)
    without = []
    for name in dist.NO_ITEMS_BY_STATUS:
        members = np.flatnonzero(status == name)
        k = int(counts.no_items[part.index, STATUSES.index(name)])
        # Prefer orders that never reached a carrier: nothing was shipped.
        unshipped = members[~has_carrier[members]]
        chosen = pick(rng, unshipped, k)
        if len(chosen) < k:
            chosen = np.concatenate(
                [chosen, pick(rng, np.setdiff1d(members, chosen), k - len(chosen))]
            )
        without.append(chosen)
    n_items = np.zeros(n, dtype=np.int64)
    with_items = np.setdiff1d(np.arange(n), np.concatenate(without) if without else [])
    sizes = np.array(list(dist.ITEMS_PER_ORDER))
    n_items[with_items] = sizes[labels(rng, counts.items[part.index])]
    return n_items


def orders_columns(
    rng: np.random.Generator, orders: OrderFacts, customer_id: np.ndarray
) -> dict[str, np.ndarray]:
    """The orders table, rows in random order like the real file."""
    order = rng.permutation(orders.n)
    return {
        "order_id": orders.order_id[order],
        "customer_id": customer_id[order],
        "order_status": orders.status[order],
        "order_purchase_timestamp": as_datetimes(orders.purchase[order]),
        "order_approved_at": as_datetimes(orders.approved[order], orders.has_approved[order]),
        "order_delivered_carrier_date": as_datetimes(
            orders.carrier[order], orders.has_carrier[order]
        ),
        "order_delivered_customer_date": as_datetimes(
            orders.delivered[order], orders.has_delivered[order]
        ),
        "order_estimated_delivery_date": as_datetimes(orders.estimated[order]),
    }

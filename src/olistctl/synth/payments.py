"""Order payments: one row per payment, summing to the items' price + freight.

Most orders pay once; multi-payment orders are vouchers plus one credit card
(or vouchers only), as in the real data. A few orders are deliberately off:
paid more (card interest), paid less, unpaid, or ``not_defined`` at zero.
"""

from __future__ import annotations

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.synth.orders import OrderCounts, OrderFacts
from olistctl.synth.plan import Part, Plan, labels
from olistctl.synth.sampling import allocate, choose, pick

REAL_PAYING_ORDERS = 99_440


def _split(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    """``total`` cents in ``parts`` random positive amounts (zeros only if it is too small)."""
    if parts == 1:
        return [total]
    shares = rng.dirichlet(np.ones(parts))
    amounts = np.floor(shares * total).astype(np.int64)
    if total >= parts:
        amounts = np.maximum(amounts, 1)
    amounts[-1] = total - amounts[:-1].sum()
    if amounts[-1] < 0:  # the floor-at-1 overshot a tiny total
        amounts[:] = 0
        amounts[-1] = total
    return amounts.tolist()


def count_payers(plan: Plan, counts: OrderCounts) -> np.ndarray:
    """(chunks, 3): per chunk the orders without payment, with a ``not_defined`` one,
    and with regular payments."""
    scale = plan.scale
    # The unpaid order had items; the not_defined ones had none (see payments_columns).
    unpaid = plan.split("unpaid", scale.quirk(dist.NO_PAYMENT_ORDERS), counts.with_items)
    undefined = plan.split(
        "not defined",
        scale.quirk(dist.SINGLE_PAYMENT_TYPES["not_defined"]),
        counts.no_items.sum(axis=1),
    )
    return np.stack([unpaid, undefined, plan.sizes - unpaid - undefined], axis=1)


def payments_columns(
    part: Part, counts: OrderCounts, payers: np.ndarray, orders: OrderFacts, items_total
) -> dict[str, np.ndarray]:
    rng = part.rng("payments")
    n = orders.n
    has_items = orders.n_items > 0
    n_unpaid, n_undefined, _ = payers[part.index].tolist()

    unpaid = pick(rng, np.flatnonzero(has_items), n_unpaid)
    paying = np.setdiff1d(np.arange(n), unpaid)
    # not_defined (value 0) belongs to canceled orders that never had items.
    empty_canceled = paying[(orders.status[paying] == "canceled") & ~has_items[paying]]
    undefined = pick(rng, empty_canceled, n_undefined)
    if len(undefined) < n_undefined:
        more = np.setdiff1d(paying[~has_items[paying]], undefined)
        undefined = np.concatenate([undefined, pick(rng, more, n_undefined - len(undefined))])
    regular = np.setdiff1d(paying, undefined)

    # An order without items still paid something that looks like an order.
    total = items_total.copy()
    priced = np.flatnonzero(has_items)
    empty = np.flatnonzero(~has_items)
    total[empty] = (
        items_total[priced][rng.integers(len(priced), size=len(empty))] if len(priced) else 10_000
    )

    single_types = [t for t in dist.SINGLE_PAYMENT_TYPES if t != "not_defined"]
    classes: list[str | int] = [*single_types, *dist.PAYMENTS_PER_MULTI_ORDER]
    weights = [dist.SINGLE_PAYMENT_TYPES[t] for t in single_types] + list(
        dist.PAYMENTS_PER_MULTI_ORDER.values()
    )
    per_class = part.deal(
        "payment classes", allocate(int(payers[:, 2].sum()), weights), payers[:, 2]
    )
    label = labels(rng, per_class)
    all_voucher = rng.random(len(regular)) < dist.MULTI_ALL_VOUCHER_SHARE
    voucher_share = dist.VOUCHER_SHARE_OF_TOTAL.sample(rng, len(regular))

    order_rows: list[int] = []
    sequential: list[int] = []
    kinds: list[str] = []
    values: list[int] = []
    for i, o in enumerate(regular.tolist()):
        cls = classes[label[i]]
        amount = int(total[o])
        if isinstance(cls, str):
            parts, types = [amount], [cls]
        elif all_voucher[i]:
            parts, types = _split(rng, amount, cls), ["voucher"] * cls
        else:
            vouchers = int(amount * voucher_share[i])
            parts = [amount - vouchers, *_split(rng, vouchers, cls - 1)]
            types = ["credit_card"] + ["voucher"] * (cls - 1)
        order_rows += [o] * len(parts)
        sequential += range(1, len(parts) + 1)
        kinds += types
        values += parts
    for o in undefined.tolist():
        order_rows.append(o)
        sequential.append(1)
        kinds.append("not_defined")
        values.append(0)

    order_of = np.array(order_rows, dtype=np.int64)
    seq = np.array(sequential, dtype=np.int64)
    kind = np.array(kinds, dtype=object)
    value = np.array(values, dtype=np.int64)

    card = np.flatnonzero(kind == "credit_card")
    installments = np.ones(len(kind), dtype=np.int64)
    installments[card] = np.array(list(dist.CARD_INSTALLMENTS))[
        choose(rng, len(card), list(dist.CARD_INSTALLMENTS.values()))
    ]
    zero = part.quirk("zero installments", dist.CARD_ZERO_INSTALLMENTS)
    installments[pick(rng, card, zero)] = 0

    _zero_vouchers(rng, part, order_of, seq, kind, value)
    _mismatches(rng, part, counts, payers, order_of, kind, installments, value, has_items)

    row = rng.permutation(len(kind))
    return {
        "order_id": orders.order_id[order_of][row],
        "payment_sequential": seq[row],
        "payment_type": kind[row],
        "payment_installments": installments[row],
        "payment_value": value[row],
    }


def _zero_vouchers(rng, part: Part, order_of, seq, kind, value) -> None:
    """A few voucher rows of multi-payment orders worth 0.00; the order's first row
    absorbs their value, so the order still reconciles."""
    multi_voucher = np.flatnonzero((kind == "voucher") & (seq > 1))
    k = part.quirk("zero vouchers", dist.ZERO_VALUE_VOUCHERS)
    for r in pick(rng, multi_voucher, k).tolist():
        first = np.flatnonzero((order_of == order_of[r]) & (seq == 1))[0]
        value[first] += value[r]
        value[r] = 0


def _mismatches(
    rng, part: Part, counts: OrderCounts, payers, order_of, kind, installments, value, has_items
) -> None:
    """Orders whose payments differ from their items (§1.2.5: 264 more, 39 less)."""
    first_rows = np.flatnonzero(np.r_[True, np.diff(order_of) != 0])
    comparable = first_rows[has_items[order_of[first_rows]] & (kind[first_rows] != "not_defined")]
    # Comparable orders per chunk: those with items that paid (not_defined ones have none).
    per_chunk = counts.with_items - payers[:, 0]
    whole = int(per_chunk.sum())
    scale = part.scale
    more_total = scale.share(whole, dist.PAID_MORE, dist.RECONCILE_COMPARABLE, minimum=1)
    less_total = scale.share(whole, dist.PAID_LESS, dist.RECONCILE_COMPARABLE, minimum=1)
    n_more = part.split("paid more", more_total, per_chunk)
    n_less = part.split("paid less", less_total, per_chunk)
    # Card interest: the paid-more orders pay in instalments where possible.
    with_interest = comparable[(kind[comparable] == "credit_card") & (installments[comparable] > 1)]
    more = pick(rng, with_interest, n_more)
    if len(more) < n_more:
        more = np.concatenate([more, pick(rng, np.setdiff1d(comparable, more), n_more - len(more))])
    gap = np.rint(dist.PAID_MORE_GAP.sample(rng, len(more)) * 100).astype(np.int64)
    value[more] += np.maximum(gap, 1)
    less = pick(rng, np.setdiff1d(comparable, more), n_less)
    gap = np.rint(dist.PAID_LESS_GAP.sample(rng, len(less)) * 100).astype(np.int64)
    value[less] -= np.clip(gap, 1, np.maximum(value[less] - 1, 0))

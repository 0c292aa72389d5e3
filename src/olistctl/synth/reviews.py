"""Order reviews: a survey per order, its score tied to how the delivery went.

Quirks of the real file kept here (§1.2.6): orders with no review and with
two or three; review ids shared by several orders; creation dates at
midnight except ``01:00:00`` on DST-start days; text with commas, quotes and
CRLF; titles mostly empty, messages more often written for low scores.
"""

from __future__ import annotations

import numpy as np

import olistctl.synth.distributions as dist
import olistctl.synth.texts as texts
from olistctl.synth.calendar import as_datetimes, day_seconds, midnight, months_from
from olistctl.synth.orders import OrderCounts, OrderFacts
from olistctl.synth.plan import Part
from olistctl.synth.sampling import DAY, HOUR, choose, hex_ids, pick

SCORES = np.arange(1, 6)


def _scores(rng: np.random.Generator, orders: OrderFacts, chosen: np.ndarray) -> np.ndarray:
    """A score per chosen order from the delivery outcome (§1.5, §4 H)."""
    n = len(chosen)
    days_late = orders.days_late()[chosen]
    delivered = orders.has_delivered[chosen]
    late = delivered & (days_late > 0)
    score = np.where(
        delivered,
        SCORES[choose(rng, n, dist.SCORES_ON_TIME)],
        SCORES[choose(rng, n, dist.SCORES_NEVER_DELIVERED)],
    )
    # Late: the chance of a bad review grows with the days late.
    edges = np.array([d for d, _ in dist.BAD_REVIEW_SHARE_BY_DAYS_LATE])
    bad_share = np.array([p for _, p in dist.BAD_REVIEW_SHARE_BY_DAYS_LATE])
    bucket = np.clip(np.searchsorted(edges, days_late, side="right") - 1, 0, len(edges) - 1)
    bad = rng.random(n) < bad_share[bucket]
    bad_score = np.array([1, 2])[choose(rng, n, dist.LATE_BAD_SPLIT)]
    good_score = np.array([3, 4, 5])[choose(rng, n, dist.LATE_GOOD_SPLIT)]
    return np.where(late, np.where(bad, bad_score, good_score), score)


def _creation(rng: np.random.Generator, orders: OrderFacts) -> np.ndarray:
    """Survey day per order: the day after delivery; for late orders around the
    promised date (before the parcel came); never-delivered ones ~2 days after it."""
    n = orders.n
    after_delivery = midnight(orders.delivered) + DAY
    around_promise = orders.estimated + rng.integers(0, 3, n) * DAY
    undelivered = orders.estimated + rng.choice(dist.UNDELIVERED_SURVEY_DAYS, n) * DAY
    late = orders.days_late() > 0
    created = np.where(
        orders.has_delivered,
        np.where(late, np.minimum(around_promise, after_delivery), after_delivery),
        undelivered,
    )
    # The snapshot ends on the cutoff day: later surveys are dated that day.
    return np.minimum(created, day_seconds(dist.REVIEW_CUTOFF_DAY))


def reviews_columns(part: Part, counts: OrderCounts, orders: OrderFacts) -> dict[str, np.ndarray]:
    rng, scale = part.rng("reviews"), part.scale
    created_by_order = _creation(rng, orders)
    # No review: orders placed after the cutoff, then random ones up to the scaled count.
    after_cutoff = np.flatnonzero(orders.purchase >= day_seconds(dist.REVIEW_CUTOFF_DAY) + DAY)
    cutoff = np.datetime64(dist.REVIEW_CUTOFF_DAY) + 1
    late = counts.months[:, months_from(str(cutoff))].sum(axis=1)
    quota = scale.quirk(dist.NO_REVIEW_ORDERS) - int(late.sum())
    others = np.setdiff1d(np.arange(orders.n), after_cutoff)
    more = part.split("no review", quota, part.plan.sizes - late)
    skipped = np.concatenate([after_cutoff, pick(rng, others, more)])
    reviewed = np.setdiff1d(np.arange(orders.n), skipped)

    # Orders with a second (and third) review, each with its own id.
    extra_orders = []
    free = reviewed
    for count, real in dist.EXTRA_REVIEWS.items():
        chosen = pick(rng, free, part.quirk(f"reviews per order/{count}", real))
        free = np.setdiff1d(free, chosen)
        extra_orders += [chosen] * (count - 1)
    extra = np.concatenate(extra_orders) if extra_orders else np.zeros(0, dtype=np.int64)

    order_of = np.concatenate([reviewed, extra])
    n = len(order_of)
    is_extra = np.arange(n) >= len(reviewed)
    score = _scores(rng, orders, order_of)
    # Second opinions mostly repeat the first score (scores disagree in 202 of 547).
    base_score = dict(zip(reviewed.tolist(), score[: len(reviewed)].tolist(), strict=True))
    same = rng.random(n) < dist.EXTRA_REVIEW_SAME_SCORE_SHARE
    for r in np.flatnonzero(is_extra & same).tolist():
        score[r] = base_score[int(order_of[r])]

    created = created_by_order[order_of]
    later = rng.integers(1, 21, n) * DAY
    created[is_extra] = np.minimum(
        created[is_extra] + later[is_extra], day_seconds(dist.REVIEW_CUTOFF_DAY)
    )
    answered = created + (dist.ANSWER_HOURS.sample(rng, n) * HOUR).astype(np.int64)
    # Local midnight did not exist on DST-start days: those surveys say 01:00:00.
    for day in dist.DST_START_DAYS:
        created[created == day_seconds(day)] += HOUR

    share_title = np.array(dist.TITLE_SHARE)[score - 1]
    share_message = np.array(dist.MESSAGE_SHARE)[score - 1]
    has_title = rng.random(n) < share_title
    has_message = rng.random(n) < share_message
    title = np.full(n, None, dtype=object)
    message = np.full(n, None, dtype=object)
    title[has_title] = texts.titles(rng, score[has_title])
    message[has_message] = texts.messages(rng, score[has_message])
    quoted = part.quirk("quoted messages", dist.QUOTED_MESSAGES)
    for r in pick(rng, np.flatnonzero(has_message), quoted).tolist():
        message[r] = texts.with_quote(rng, message[r])
    review_id = hex_ids(rng, n)

    # Review ids shared by 2 or 3 orders: the whole survey repeats under another order.
    single = np.flatnonzero(~is_extra & np.isin(order_of, free))
    for size, real in dist.SHARED_REVIEW_IDS.items():
        groups = pick(rng, single, part.quirk(f"shared review ids/{size}", real) * size)
        groups = groups[: len(groups) // size * size]
        single = np.setdiff1d(single, groups)
        for group in groups.reshape(-1, size).tolist():
            head, tail = group[0], group[1:]
            for column in (review_id, score, title, message, created, answered):
                column[tail] = column[head]

    row = rng.permutation(n)
    return {
        "review_id": review_id[row],
        "order_id": orders.order_id[order_of][row],
        "review_score": score[row],
        "review_comment_title": title[row],
        "review_comment_message": message[row],
        "review_creation_date": as_datetimes(created[row]),
        "review_answer_timestamp": as_datetimes(answered[row]),
    }

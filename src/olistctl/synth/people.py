"""Customers (one row per order; a person is customer_unique_id) and sellers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from olistctl.synth import distributions as dist
from olistctl.synth.geo import ZipUniverse
from olistctl.synth.places import CITIES, unaccented
from olistctl.synth.sampling import Scale, choose, exact_labels, hex_ids, pick


def _states(universe: ZipUniverse, weights: dict[str, int]) -> tuple[list[str], list[int]]:
    """The states of ``weights`` that have prefixes (all 27 but at tiny scales)."""
    present = universe.states_present()
    codes = [s for s in weights if s in present] or sorted(present)
    return codes, [weights.get(s, 1) for s in codes]


def _addresses(
    rng: np.random.Generator, universe: ZipUniverse, states: np.ndarray, absent: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Zip prefix and (unaccented) city for each state; ``absent`` rows get a prefix
    geolocation does not list, about 1.8 rows per such prefix as in the real data."""
    prefix = universe.draw(rng, states)
    zips = universe.zips[prefix].copy()
    cities = np.array([unaccented(c) for c in universe.city[prefix].tolist()], dtype=object)
    for code in sorted(set(states[absent].tolist())):
        rows = np.flatnonzero(absent & (states == code))
        distinct = math.ceil(
            len(rows) * dist.CUSTOMER_ABSENT_PREFIXES / dist.CUSTOMERS_ABSENT_FROM_GEO
        )
        pool = universe.absent_zips(rng, code, distinct)
        zips[rows] = pool[rng.integers(len(pool), size=len(rows))]
        places = CITIES[code]
        picked = choose(rng, len(rows), [p[1] for p in places])
        cities[rows] = [unaccented(places[i][0]) for i in picked.tolist()]
    return zips, cities


def _orders_per_person(scale: Scale) -> list[int]:
    """How many orders each person places; sums to the order count."""
    repeaters = {k: scale.count(n) for k, n in dist.ORDERS_PER_PERSON.items() if k > 1}
    # At tiny scales the repeat buyers cannot outnumber the orders: drop the largest first.
    while sum(k * n for k, n in repeaters.items()) > scale.orders:
        biggest = max(k for k, n in repeaters.items() if n)
        repeaters[biggest] -= 1
    singles = scale.orders - sum(k * n for k, n in repeaters.items())
    sizes = [1] * singles
    for k, n in sorted(repeaters.items()):
        sizes += [k] * n
    return sizes


def customers_columns(
    rng: np.random.Generator, scale: Scale, universe: ZipUniverse
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The customers table and the customer_id of each order (1:1, order index order)."""
    sizes = np.array(_orders_per_person(scale))
    n_people = len(sizes)
    codes, weights = _states(universe, dist.CUSTOMER_STATES)
    person_state = np.array(codes, dtype=object)[exact_labels(rng, n_people, weights)]
    # Absent prefixes go to one-order people, so the row count matches the real 278.
    absent = np.zeros(n_people, dtype=bool)
    absent[pick(rng, np.flatnonzero(sizes == 1), scale.quirk(dist.CUSTOMERS_ABSENT_FROM_GEO))] = (
        True
    )
    zips, cities = _addresses(rng, universe, person_state, absent)
    unique_id = hex_ids(rng, n_people)

    # Orders are dealt to people at random; each order gets its own customer_id.
    person_of_order = rng.permutation(np.repeat(np.arange(n_people), sizes))
    customer_id = hex_ids(rng, scale.orders)
    order = rng.permutation(scale.orders)  # the file's row order
    p = person_of_order[order]
    columns = {
        "customer_id": customer_id[order],
        "customer_unique_id": unique_id[p],
        "customer_zip_code_prefix": zips[p],
        "customer_city": cities[p],
        "customer_state": person_state[p],
    }
    return columns, customer_id


@dataclass
class SellerFacts:
    seller_id: np.ndarray
    weight: np.ndarray  # relative share of orders
    columns: dict[str, np.ndarray]  # the sellers table, in file order

    @property
    def n(self) -> int:
        return len(self.seller_id)


def build_sellers(
    rng: np.random.Generator, scale: Scale, universe: ZipUniverse, n_sellers: int
) -> SellerFacts:
    codes, weights = _states(universe, dist.SELLER_STATES)
    state = np.array(codes, dtype=object)[exact_labels(rng, n_sellers, weights)]
    # Dirty city spellings come with their own state (some deliberately wrong).
    dirty = pick(rng, np.arange(n_sellers), scale.quirk(len(dist.DIRTY_SELLER_CITIES)))
    entries = rng.permutation(len(dist.DIRTY_SELLER_CITIES))[: len(dirty)]
    present = universe.states_present()
    for row, entry in zip(dirty.tolist(), entries.tolist(), strict=True):
        _, code = dist.DIRTY_SELLER_CITIES[entry]
        if code in present:
            state[row] = code
    absent = np.zeros(n_sellers, dtype=bool)
    absent[pick(rng, np.arange(n_sellers), scale.quirk(dist.SELLERS_ABSENT_FROM_GEO))] = True
    zips, cities = _addresses(rng, universe, state, absent)
    for row, entry in zip(dirty.tolist(), entries.tolist(), strict=True):
        cities[row] = dist.DIRTY_SELLER_CITIES[entry][0]

    seller_id = hex_ids(rng, n_sellers)
    weight = np.exp(dist.SELLER_LOG_SIGMA * rng.standard_normal(n_sellers))
    order = rng.permutation(n_sellers)
    columns = {
        "seller_id": seller_id[order],
        "seller_zip_code_prefix": zips[order],
        "seller_city": cities[order],
        "seller_state": state[order],
    }
    return SellerFacts(seller_id=seller_id, weight=weight, columns=columns)

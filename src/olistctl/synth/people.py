"""Customers (one row per order; a person is customer_unique_id) and sellers."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.synth.geo import ZipUniverse
from olistctl.synth.places import CITIES, unaccented
from olistctl.synth.plan import Part, Plan, labels
from olistctl.synth.sampling import (
    Scale,
    allocate,
    choose,
    exact_labels,
    hex_ids,
    pick,
    stage_rng,
)


def _states(universe: ZipUniverse, weights: dict[str, int]) -> tuple[list[str], list[int]]:
    """The states of ``weights`` that have prefixes (all 27 but at tiny scales)."""
    present = universe.states_present()
    codes = [s for s in weights if s in present] or sorted(present)
    return codes, [weights.get(s, 1) for s in codes]


def _addresses(
    rng: np.random.Generator,
    universe: ZipUniverse,
    states: np.ndarray,
    absent: np.ndarray,
    pool_of: Callable[[str, int], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Zip prefix and (unaccented) city for each state; ``absent`` rows get a prefix
    geolocation does not list, from ``pool_of(state, rows)``."""
    prefix = universe.draw(rng, states)
    zips = universe.zips[prefix].copy()
    cities = np.array([unaccented(c) for c in universe.city[prefix].tolist()], dtype=object)
    for code in sorted(set(states[absent].tolist())):
        rows = np.flatnonzero(absent & (states == code))
        pool = pool_of(code, len(rows))
        zips[rows] = pool[rng.integers(len(pool), size=len(rows))]
        places = CITIES[code]
        picked = choose(rng, len(rows), [p[1] for p in places])
        cities[rows] = [unaccented(places[i][0]) for i in picked.tolist()]
    return zips, cities


def absent_prefixes(rows: float) -> int:
    """Prefixes outside geolocation that ``rows`` such rows share (about 1.8 rows each,
    as the real 278 customer rows in 157 prefixes)."""
    return max(1, math.ceil(rows * dist.CUSTOMER_ABSENT_PREFIXES / dist.CUSTOMERS_ABSENT_FROM_GEO))


class AbsentZips:
    """Per state, the prefixes outside geolocation that customers of every chunk share.

    Drawn once per state for the whole dataset (its own random stream, so the order
    in which chunks ask does not matter), sized for the state's expected share of
    the absent rows: the rows per absent prefix stay the real ~1.8 at any scale.
    """

    def __init__(self, seed: int, universe: ZipUniverse, rows: int):
        self._seed = seed
        self._universe = universe
        codes, weights = _states(universe, dist.CUSTOMER_STATES)
        total = sum(weights)
        self._expected = {c: rows * w / total for c, w in zip(codes, weights, strict=True)}
        self._pools: dict[str, np.ndarray] = {}

    def __call__(self, state: str, rows: int) -> np.ndarray:
        if state not in self._pools:
            rng = stage_rng(self._seed, f"absent zips/{state}")
            wanted = absent_prefixes(self._expected.get(state, rows))
            self._pools[state] = self._universe.absent_zips(rng, state, wanted)
        return self._pools[state]


def _orders_per_person(scale: Scale) -> dict[int, int]:
    """People by how many orders each places (1 included); the orders add up to the
    order count."""
    repeaters = {k: scale.count(n) for k, n in dist.ORDERS_PER_PERSON.items() if k > 1}
    # At tiny scales the repeat buyers cannot outnumber the orders: drop the largest first.
    while sum(k * n for k, n in repeaters.items()) > scale.orders:
        biggest = max(k for k, n in repeaters.items() if n)
        repeaters[biggest] -= 1
    singles = scale.orders - sum(k * n for k, n in repeaters.items())
    return {1: singles, **repeaters}


# Orders per person, ascending (1, 2, 3, ... 17).
PERSON_SIZES = tuple(sorted(dist.ORDERS_PER_PERSON))


def count_people(plan: Plan) -> np.ndarray:
    """(chunks, PERSON_SIZES): people of each size per chunk.

    A person's orders all fall in one chunk (the chunks are random parts of the
    timeline, so where a repeat buyer's orders land in it is random as before).
    The biggest buyers are placed first, each chunk taking at most what fits.
    """
    wanted = _orders_per_person(plan.scale)
    out = np.zeros((plan.chunks, len(PERSON_SIZES)), dtype=np.int64)
    room = plan.sizes.copy()
    for j in range(len(PERSON_SIZES) - 1, 0, -1):
        k = PERSON_SIZES[j]
        out[:, j] = plan.split(f"people/{k}", wanted[k], room // k)
        room -= k * out[:, j]
    out[:, 0] = room
    return out


def customers_columns(
    part: Part, universe: ZipUniverse, people: np.ndarray, absent_zips: AbsentZips
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The chunk's customers rows and the customer_id of each of its orders (1:1, in
    the chunk's order index order)."""
    rng = part.rng("customers")
    per_size = people[part.index]
    sizes = np.repeat(np.array(PERSON_SIZES), per_size)
    n_people = len(sizes)
    codes, weights = _states(universe, dist.CUSTOMER_STATES)
    state_counts = part.deal(
        "customer states", allocate(int(people.sum()), weights), people.sum(axis=1)
    )
    person_state = np.array(codes, dtype=object)[labels(rng, state_counts)]
    # Absent prefixes go to one-order people, so the row count matches the real 278.
    absent = np.zeros(n_people, dtype=bool)
    k = part.quirk(
        "customers absent from geolocation", dist.CUSTOMERS_ABSENT_FROM_GEO, people[:, 0]
    )
    absent[pick(rng, np.flatnonzero(sizes == 1), k)] = True
    zips, cities = _addresses(rng, universe, person_state, absent, absent_zips)
    unique_id = hex_ids(rng, n_people)

    # Orders are dealt to people at random; each order gets its own customer_id.
    person_of_order = rng.permutation(np.repeat(np.arange(n_people), sizes))
    customer_id = hex_ids(rng, part.orders)
    order = rng.permutation(part.orders)  # the file's row order
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
    # The real file's dirty spellings, at their real rate: past the list's length
    # (102,366 orders) each spelling serves several sellers, as evenly as possible.
    known = len(dist.DIRTY_SELLER_CITIES)
    dirty = pick(rng, np.arange(n_sellers), scale.quirk(known))
    rounds = [rng.permutation(known) for _ in range(max(1, math.ceil(len(dirty) / known)))]
    entries = np.concatenate(rounds)[: len(dirty)]
    present = universe.states_present()
    for row, entry in zip(dirty.tolist(), entries.tolist(), strict=True):
        _, code = dist.DIRTY_SELLER_CITIES[entry]
        if code in present:
            state[row] = code
    absent = np.zeros(n_sellers, dtype=bool)
    absent[pick(rng, np.arange(n_sellers), scale.quirk(dist.SELLERS_ABSENT_FROM_GEO))] = True

    def pool_of(code: str, rows: int) -> np.ndarray:
        return universe.absent_zips(rng, code, absent_prefixes(rows))

    zips, cities = _addresses(rng, universe, state, absent, pool_of)
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

"""Zip prefixes (where customers and sellers live) and the geolocation table.

The universe of prefixes comes first: each state gets prefixes from its CEP
range in proportion to its share of real geolocation rows, each prefix a city
and a centre. Customers and sellers draw their prefixes from it (a few from
outside it, as in the real data); the geolocation file lists it with many
noisy points per prefix, ordered by prefix like the real file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

import olistctl.synth.distributions as dist
from olistctl.dataset import BRAZIL_STATES
from olistctl.synth.places import BRAZIL_BOX, CITIES, OUTSIDE_BRAZIL, ZIP_RANGES, unaccented
from olistctl.synth.sampling import Scale, allocate, choose, pick

# Spread of a prefix's points around its centre, in degrees (~1 km).
POINT_SPREAD_DEG = 0.008


def zip_text(numbers: np.ndarray) -> np.ndarray:
    """5-digit zip prefixes with their leading zeros (``1037`` -> ``"01037"``)."""
    return np.array([f"{n:05d}" for n in np.asarray(numbers).tolist()], dtype=object)


def state_weights_for_geolocation() -> np.ndarray:
    """Real geolocation rows per state; states outside the published top 10 share the rest
    in proportion to their customers."""
    listed = sum(dist.GEO_STATE_ROWS.values())
    others = {s: n for s, n in dist.CUSTOMER_STATES.items() if s not in dist.GEO_STATE_ROWS}
    rest = dist.REAL_GEO_ROWS - listed
    total_others = sum(others.values())
    return np.array(
        [dist.GEO_STATE_ROWS.get(s, rest * others.get(s, 0) / total_others) for s in BRAZIL_STATES]
    )


def inside(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Values mirrored back into [lo, hi] (coastal noise would land in the sea); mirroring,
    unlike clipping, keeps distinct points distinct."""
    values = np.where(values > hi, 2 * hi - values, values)
    return np.where(values < lo, 2 * lo - values, values)


def exact_coordinates(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Coordinates rounded to 13-15 decimals that Python prints back digit for digit.

    A decimal with no more significant digits than the double can hold near that
    magnitude (its grid step above the double's spacing) survives the float round
    trip, so ``repr`` shows exactly these digits; the last one is made non-zero so
    none vanishes.
    """
    magnitude = np.abs(values)
    # Most decimals each magnitude can carry exactly (see the docstring).
    top = np.where(magnitude < 8, 15, np.where(magnitude < 64, 14, 13))
    decimals = np.maximum(13, top - rng.integers(0, 2, size=len(values)))
    power = 10.0**decimals
    q = np.rint(values * power).astype(np.int64)
    q = np.where(q % 10 == 0, q + 1, q)
    return q / power


@dataclass
class ZipUniverse:
    """The prefixes geolocation knows, with what customers and sellers need from them."""

    zips: np.ndarray  # "01037", sorted
    state: np.ndarray  # state code per prefix
    city: np.ndarray  # accented city name per prefix
    lat: np.ndarray  # centre
    lng: np.ndarray
    rows: np.ndarray  # geolocation rows per prefix

    def states_present(self) -> set[str]:
        return set(self.state.tolist())

    def draw(self, rng: np.random.Generator, states: np.ndarray) -> np.ndarray:
        """A prefix index for each wanted state, weighted by its geolocation rows
        (a proxy for how many people live there)."""
        out = np.empty(len(states), dtype=np.int64)
        for code in sorted(set(states.tolist())):
            where = np.flatnonzero(states == code)
            candidates = np.flatnonzero(self.state == code)
            out[where] = candidates[choose(rng, len(where), self.rows[candidates])]
        return out

    def absent_zips(self, rng: np.random.Generator, state: str, k: int) -> np.ndarray:
        """``k`` prefixes of the state's CEP range that geolocation does not list."""
        taken = {int(z) for z in self.zips[self.state == state].tolist()}
        pool = np.array(
            [n for lo, hi in ZIP_RANGES[state] for n in range(lo, hi + 1) if n not in taken]
        )
        return zip_text(rng.choice(pool, size=k, replace=len(pool) < k))


def build_universe(rng: np.random.Generator, scale: Scale) -> ZipUniverse:
    n_prefixes = max(1, scale.count(dist.REAL_GEO_PREFIXES))
    n_rows = max(n_prefixes, scale.count(dist.REAL_GEO_ROWS))
    per_state = allocate(n_prefixes, state_weights_for_geolocation())

    zips, states, cities, lats, lngs = [], [], [], [], []
    for code, k in zip(BRAZIL_STATES, per_state.tolist(), strict=True):
        if not k:
            continue
        span = np.concatenate([np.arange(lo, hi + 1) for lo, hi in ZIP_RANGES[code]])
        numbers = np.sort(rng.choice(span, size=k, replace=False))
        places = CITIES[code]
        # Capital first: it takes the lowest prefixes, the other cities the next blocks.
        city_of = np.repeat(np.arange(len(places)), allocate(k, [p[1] for p in places]))
        weight = np.array([p[1] for p in places], dtype=float)
        spread = 0.03 + 0.1 * weight[city_of] / weight.max()
        zips.append(numbers)
        states.append(np.full(k, code, dtype=object))
        cities.append(np.array([places[i][0] for i in city_of.tolist()], dtype=object))
        lats.append(np.array([places[i][2] for i in city_of.tolist()]) + rng.normal(0, spread))
        lngs.append(np.array([places[i][3] for i in city_of.tolist()]) + rng.normal(0, spread))

    # Rows per prefix: log-normal (median 29, mean 52.6, max 1,146), every prefix at least once.
    size = np.exp(
        np.log(dist.GEO_ROWS_PER_PREFIX_MEDIAN)
        + dist.GEO_ROWS_PER_PREFIX_SIGMA * rng.standard_normal(n_prefixes)
    )
    size = np.minimum(size, dist.GEO_ROWS_PER_PREFIX_MAX)
    rows = allocate(n_rows - n_prefixes, size) + 1
    by_zip = np.argsort(np.concatenate(zips), kind="stable")
    return ZipUniverse(
        zips=zip_text(np.concatenate(zips)[by_zip]),
        state=np.concatenate(states)[by_zip],
        city=np.concatenate(cities)[by_zip],
        lat=np.concatenate(lats)[by_zip],
        lng=np.concatenate(lngs)[by_zip],
        rows=rows,
    )


# Geolocation rows generated (and held) at a time, in whole prefixes.
GEO_BLOCK_ROWS = 50_000


def geo_scale(scale: Scale) -> Scale:
    """The scale of the zip prefixes and the geolocation file: that of the orders up to
    the real dataset's size, the real size beyond.

    Geolocation lists Brazil's zip prefixes, not the shop's orders: more orders do
    not make more prefixes (5 digits give at most 100,000 of them, and the states'
    CEP ranges fewer: scaled linearly, Sao Paulo's 19,000 ran out at ~245,000 orders)
    or more points per prefix. Small samples shrink it like every other file.
    """
    return Scale(orders=min(scale.orders, scale.real_orders), real_orders=scale.real_orders)


@dataclass
class _Quirks:
    """Geolocation rows that carry a quirk, chosen for the whole file (global row indices)."""

    two_state_rows: np.ndarray
    two_state: np.ndarray  # the other state of each
    outside_rows: np.ndarray
    outside_lat: np.ndarray
    outside_lng: np.ndarray

    def special(self, start: int, stop: int) -> np.ndarray:
        """The quirky rows among rows ``start:stop``, relative to ``start``."""
        rows = np.concatenate([self.two_state_rows, self.outside_rows])
        return rows[(rows >= start) & (rows < stop)] - start


def _quirks(rng: np.random.Generator, universe: ZipUniverse, scale: Scale) -> _Quirks:
    rows = universe.rows
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]])
    multi_row = np.flatnonzero(rows >= 2)
    # A few prefixes whose rows name two states.
    take_rows, take_state = [], []
    for p in pick(rng, multi_row, scale.quirk(dist.GEO_TWO_STATE_PREFIXES)).tolist():
        take = int(starts[p]) + 1 + pick(rng, np.arange(rows[p] - 1), max(1, rows[p] // 3))
        others = [s for s in BRAZIL_STATES if s != universe.state[p]]
        take_rows.append(take)
        take_state.append(np.full(len(take), others[int(rng.integers(len(others)))], dtype=object))
    # A few points outside Brazil (about two per affected prefix).
    n_points = scale.quirk(dist.GEO_OUTSIDE_POINTS)
    chosen = pick(rng, multi_row, scale.quirk(dist.GEO_OUTSIDE_PREFIXES))
    out_rows, out_lat, out_lng = [], [], []
    for i, p in enumerate(chosen.tolist()):
        share = n_points // len(chosen) + (i < n_points % len(chosen))
        take = int(starts[p]) + 1 + pick(rng, np.arange(rows[p] - 1), share)
        spot = np.array(OUTSIDE_BRAZIL)[rng.integers(len(OUTSIDE_BRAZIL), size=len(take))]
        out_rows.append(take)
        out_lat.append(spot[:, 0] + rng.normal(0, 0.01, len(take)))
        out_lng.append(spot[:, 1] + rng.normal(0, 0.01, len(take)))

    def joined(parts, dtype) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    return _Quirks(
        joined(take_rows, np.int64),
        joined(take_state, object),
        joined(out_rows, np.int64),
        joined(out_lat, float),
        joined(out_lng, float),
    )


def prefix_blocks(rows: np.ndarray, block_rows: int) -> list[tuple[int, int]]:
    """Consecutive prefix ranges ``(first, stop)`` of about ``block_rows`` rows each."""
    ends = np.cumsum(rows)
    cuts = np.searchsorted(ends, np.arange(block_rows, int(ends[-1]), block_rows), side="left")
    bounds = [0, *sorted(set((cuts + 1).tolist()) - {0, len(rows)}), len(rows)]
    return list(itertools.pairwise(bounds))


def geolocation_blocks(
    rng_for: Callable[[int], np.random.Generator],
    universe: ZipUniverse,
    scale: Scale,
    split: Callable[[str, int, np.ndarray], np.ndarray],
    block_rows: int | None = None,
) -> Iterator[dict[str, np.ndarray]]:
    """The geolocation table in blocks of whole prefixes, in file order: noisy points per
    prefix, with the real file's quirks. ``rng_for(b)`` is block b's random stream
    (block 0's also picks the quirky rows); ``split`` deals a count to the blocks."""
    rows = universe.rows
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]])
    blocks = prefix_blocks(rows, GEO_BLOCK_ROWS if block_rows is None else block_rows)
    first_rng = rng_for(0)
    quirks = _quirks(first_rng, universe, scale)
    # Exact duplicates (~26 %) of the whole file, dealt to the blocks by their candidates.
    n = int(rows.sum())
    candidates = []
    for a, b in blocks:
        top, bottom = int(starts[a]), int(starts[a] + rows[a:b].sum())
        # Neither a prefix's first row nor a quirky one is made a duplicate.
        candidates.append(bottom - top - (b - a) - len(quirks.special(top, bottom)))
    duplicates = split(
        "geolocation duplicates", round(n * dist.GEO_DUPLICATE_SHARE), np.array(candidates)
    )
    for b, (first, stop) in enumerate(blocks):
        rng = first_rng if b == 0 else rng_for(b)
        yield _block(rng, universe, quirks, first, stop, int(duplicates[b]))


def _block(
    rng: np.random.Generator,
    universe: ZipUniverse,
    quirks: _Quirks,
    first: int,
    stop: int,
    n_duplicates: int,
) -> dict[str, np.ndarray]:
    """Geolocation rows of prefixes ``first:stop``."""
    rows = universe.rows[first:stop]
    n = int(rows.sum())
    offset = int(universe.rows[:first].sum())
    prefix = np.repeat(np.arange(first, stop), rows)
    first_of_prefix = np.zeros(n, dtype=bool)
    first_of_prefix[np.concatenate([[0], np.cumsum(rows)[:-1]])] = True

    lat_lo, lat_hi, lng_lo, lng_hi = BRAZIL_BOX
    lat = inside(universe.lat[prefix] + rng.normal(0, POINT_SPREAD_DEG, n), lat_lo, lat_hi)
    lng = inside(universe.lng[prefix] + rng.normal(0, POINT_SPREAD_DEG, n), lng_lo, lng_hi)
    state = universe.state[prefix].copy()
    # Accented names ("são paulo") on ~15 % of the rows of places that have accents.
    accented = universe.city[prefix]
    plain = np.array([unaccented(c) for c in universe.city[first:stop].tolist()], dtype=object)
    plain = plain[prefix - first]
    city = np.where(rng.random(n) < dist.GEO_ACCENTED_SHARE, accented, plain)

    special = np.zeros(n, dtype=bool)  # rows carrying a quirk; never overwritten as duplicates
    mine = (quirks.two_state_rows >= offset) & (quirks.two_state_rows < offset + n)
    state[quirks.two_state_rows[mine] - offset] = quirks.two_state[mine]
    special[quirks.two_state_rows[mine] - offset] = True
    mine = (quirks.outside_rows >= offset) & (quirks.outside_rows < offset + n)
    lat[quirks.outside_rows[mine] - offset] = quirks.outside_lat[mine]
    lng[quirks.outside_rows[mine] - offset] = quirks.outside_lng[mine]
    special[quirks.outside_rows[mine] - offset] = True

    lat = exact_coordinates(rng, lat)
    lng = exact_coordinates(rng, lng)

    # Exact duplicates: a row repeats the closest earlier original of its prefix.
    candidates = np.flatnonzero(~first_of_prefix & ~special)
    duplicate = np.zeros(n, dtype=bool)
    duplicate[pick(rng, candidates, n_duplicates)] = True
    index = np.arange(n)
    original = ~duplicate & ~special  # a prefix's first row always is one
    source = np.maximum.accumulate(np.where(original, index, 0))
    source = np.where(duplicate, source, index)
    lat, lng, city, state = lat[source], lng[source], city[source], state[source]

    # Ordered by prefix like the real file, rows shuffled within each prefix.
    order = np.lexsort((rng.random(n), prefix))
    return {
        "geolocation_zip_code_prefix": universe.zips[prefix][order],
        "geolocation_lat": lat[order],
        "geolocation_lng": lng[order],
        "geolocation_city": city[order],
        "geolocation_state": state[order],
    }

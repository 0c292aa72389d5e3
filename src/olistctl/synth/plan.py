"""Generation in chunks of orders: the chunk sizes and each chunk's exact share of every count.

The generator holds one chunk of orders (at most CHUNK_ORDERS) with its
customers, items, payments and reviews at a time, writes it and drops it;
what the chunks share is bounded or small (the zip prefixes, the sellers, the
products' ids and prices). For the chunks to add up to one dataset rather
than to many small ones, every count the generator fixes (orders per month
and per status, items per order, each quirk) is fixed for the whole dataset
first and then dealt to the chunks as cutting one random permutation of all
the orders into consecutive chunks would deal it (multivariate hypergeometric
draws, one chunk after the other). So the totals do not depend on the chunk
size, and every chunk is a random part of the whole timeline, which is why
the files can be written chunk after chunk and still read as one random order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from olistctl.synth.sampling import Scale, allocate, stage_rng

# Orders generated (and held in memory) at a time. Memory per chunk is a few tens of MB.
CHUNK_ORDERS = 20_000


def chunk_sizes(orders: int, chunk_orders: int) -> np.ndarray:
    """``orders`` cut into the fewest near-equal chunks of at most ``chunk_orders``."""
    if chunk_orders < 1:
        raise ValueError(f"chunk size {chunk_orders} is not positive")
    return allocate(orders, np.ones(max(1, math.ceil(orders / chunk_orders))))


class Dealer:
    """Deals fixed totals per label to parts of given sizes, one part after the other.

    Part ``i`` receives what the ``i``-th consecutive block of one random
    permutation of all the labelled items would hold. Only the labels'
    remaining totals are kept, so it suits many labels (one per seller).
    """

    def __init__(self, rng: np.random.Generator, counts: Sequence[int] | np.ndarray):
        self._rng = rng
        self.remaining = np.array(counts, dtype=np.int64)
        if (self.remaining < 0).any():
            raise ValueError("negative count to deal")

    def take(self, n: int) -> np.ndarray:
        """The label counts of the next part of ``n`` items."""
        left = int(self.remaining.sum())
        if not 0 <= n <= left:
            raise ValueError(f"cannot take {n} of the {left} items left")
        if n == left:  # the last part takes the rest (and a single part needs no draw)
            part = self.remaining.copy()
        else:
            part = self._rng.multivariate_hypergeometric(self.remaining, n)
        self.remaining -= part
        return part


class Plan:
    """The whole dataset's counts, cut into chunks of orders."""

    def __init__(self, seed: int, scale: Scale, chunk_orders: int | None = None):
        self.seed = seed
        self.scale = scale
        self.sizes = chunk_sizes(
            scale.orders, CHUNK_ORDERS if chunk_orders is None else chunk_orders
        )
        self._dealt: dict[str, np.ndarray] = {}

    @property
    def chunks(self) -> int:
        return len(self.sizes)

    def rng(self, stage: str, part: int = 0) -> np.random.Generator:
        """A stage's own random stream in part ``part`` (part 0 keeps the bare stage name)."""
        return stage_rng(self.seed, f"{stage}#{part}" if part else stage)

    def deal(
        self, key: str, counts: Sequence[int] | np.ndarray, populations: np.ndarray | None = None
    ) -> np.ndarray:
        """(parts, labels): ``counts[l]`` items of each label dealt so that part ``p`` gets
        ``populations[p]`` items in all (default: the chunks' orders). Drawn once per ``key``."""
        if key not in self._dealt:
            sizes = self.sizes if populations is None else np.asarray(populations, dtype=np.int64)
            total = int(np.sum(counts))
            if total != int(sizes.sum()):
                raise ValueError(f"{key}: {total} items for parts of {int(sizes.sum())}")
            dealer = Dealer(stage_rng(self.seed, f"deal/{key}"), counts)
            self._dealt[key] = np.array([dealer.take(int(n)) for n in sizes.tolist()])
        return self._dealt[key]

    def split(self, key: str, total: int, populations: np.ndarray | None = None) -> np.ndarray:
        """(parts,): ``total`` members (at most all) chosen at random among the parts'
        ``populations`` (default: the chunks' orders), counted per part."""
        sizes = self.sizes if populations is None else np.asarray(populations, dtype=np.int64)
        whole = int(sizes.sum())
        total = max(0, min(int(total), whole))
        return self.deal(key, [total, whole - total], sizes)[:, 0]


@dataclass(frozen=True)
class Part:
    """One chunk of the plan: its orders, its random streams and its share of each count."""

    plan: Plan
    index: int

    @property
    def orders(self) -> int:
        return int(self.plan.sizes[self.index])

    @property
    def scale(self) -> Scale:
        return self.plan.scale

    def rng(self, stage: str) -> np.random.Generator:
        return self.plan.rng(stage, self.index)

    def split(self, key: str, total: int, populations: np.ndarray | None = None) -> int:
        """This chunk's part of ``total`` (see :meth:`Plan.split`)."""
        return int(self.plan.split(key, total, populations)[self.index])

    def quirk(self, key: str, real: float, populations: np.ndarray | None = None) -> int:
        """This chunk's part of a quirk's scaled count (``Scale.quirk``) for the whole dataset."""
        return self.split(key, self.scale.quirk(real), populations)

    def deal(
        self, key: str, counts: Sequence[int] | np.ndarray, populations: np.ndarray | None = None
    ) -> np.ndarray:
        """This chunk's label counts (see :meth:`Plan.deal`)."""
        return self.plan.deal(key, counts, populations)[self.index]


def labels(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """Label indices with exactly ``counts[l]`` of label ``l``, in random order."""
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))

"""Deterministic random building blocks shared by the table generators."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

DAY = 86_400
HOUR = 3_600

# Every order count at or above this shows each quirk at least once (so the
# bundled 1,000-order sample has them all); below it quirks simply scale.
QUIRKS_FROM_ORDERS = 1_000


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    """An independent PCG64 stream per generation stage.

    Keyed by the stage's name through CRC-32 (stable across runs, unlike
    ``hash()``), so changing how one table is drawn leaves the others' bytes alone.
    """
    key = zlib.crc32(stage.encode("ascii"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, key])))


def hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` 32-character lowercase hex ids (md5-like, as in the real files)."""
    raw = rng.bytes(16 * n).hex()
    return np.array([raw[i : i + 32] for i in range(0, 32 * n, 32)], dtype=object)


def raw_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """The ids :func:`hex_ids` would draw, as an (n, 16) array of bytes: a fifth of the
    memory of ``str`` ids, for ids kept for a whole generation (:func:`hex_text` reads them)."""
    out = np.empty((n, 16), dtype=np.uint8)
    for start in range(0, n, 65_536):  # the same bytes as one draw, in pieces
        stop = min(start + 65_536, n)
        out[start:stop] = np.frombuffer(rng.bytes(16 * (stop - start)), dtype=np.uint8).reshape(
            -1, 16
        )
    return out


def hex_text(raw: np.ndarray) -> np.ndarray:
    """(n, 16) id bytes as 32-character lowercase hex ``str`` values."""
    text = raw.tobytes().hex()
    return np.array([text[i : i + 32] for i in range(0, len(text), 32)], dtype=object)


def allocate(total: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Exact and deterministic: the parts always sum to ``total``, ties go to the
    earlier weight.
    """
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = total * w / w.sum()
    parts = np.floor(exact).astype(np.int64)
    short = total - int(parts.sum())
    if short:
        order = np.argsort(-(exact - parts), kind="stable")
        parts[order[:short]] += 1
    return parts


def choose(rng: np.random.Generator, n: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """``n`` indices drawn with replacement in proportion to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def exact_labels(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """``n`` labels whose counts are exactly ``allocate(n, weights)``, in random order."""
    counts = allocate(n, weights)
    labels = np.repeat(np.arange(len(counts)), counts)
    return rng.permutation(labels)


def pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    """Up to ``k`` distinct items of ``candidates``, in random order."""
    k = max(0, min(int(k), len(candidates)))
    return rng.choice(candidates, size=k, replace=False) if k else candidates[:0]


@dataclass(frozen=True)
class QuantileCurve:
    """A distribution given by its quantiles, sampled through the inverse CDF.

    Between knots the value is interpolated on a log scale when every knot is
    positive (lifecycle delays are right-skewed), linearly otherwise.
    """

    knots: tuple[tuple[float, float], ...]  # (probability, value), from p=0 to p=1

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.at(rng.random(n))

    def at(self, u: np.ndarray) -> np.ndarray:
        """The values at cumulative probabilities ``u``."""
        probs = np.array([p for p, _ in self.knots])
        values = np.array([v for _, v in self.knots], dtype=float)
        if (values > 0).all():
            return np.exp(np.interp(u, probs, np.log(values)))
        return np.interp(u, probs, values)


_NORMAL = NormalDist()


def correlated_uniforms(
    rng: np.random.Generator, driver: np.ndarray, correlation: float
) -> np.ndarray:
    """Uniforms whose normal scores correlate with the ranks of ``driver`` (a Gaussian
    copula): feeding them to a QuantileCurve keeps its distribution exactly while
    tying its values to ``driver``."""
    n = len(driver)
    rank = np.argsort(np.argsort(driver, kind="stable"), kind="stable")
    z = np.array([_NORMAL.inv_cdf((r + 0.5) / n) for r in rank.tolist()])
    z = correlation * z + np.sqrt(1 - correlation**2) * rng.standard_normal(n)
    return np.array([_NORMAL.cdf(x) for x in z.tolist()])


@dataclass(frozen=True)
class Scale:
    """Maps the real dataset's counts onto ``orders`` requested orders."""

    orders: int
    real_orders: int

    @property
    def factor(self) -> float:
        return self.orders / self.real_orders

    def count(self, real: float) -> int:
        """``real`` scaled and rounded half up."""
        return int(np.floor(real * self.factor + 0.5))

    def quirk(self, real: float, minimum: int = 1) -> int:
        """A scaled count of a quirk, at least ``minimum`` from QUIRKS_FROM_ORDERS on."""
        n = self.count(real)
        return max(n, minimum) if self.orders >= QUIRKS_FROM_ORDERS else n

    def share(self, population: int, part: float, whole: float, minimum: int = 0) -> int:
        """``part/whole`` of ``population`` (a sub-group of a scaled group), capped at it."""
        n = int(np.floor(population * part / whole + 0.5))
        if self.orders >= QUIRKS_FROM_ORDERS:
            n = max(n, minimum)
        return min(n, population)

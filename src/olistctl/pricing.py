"""Prices and Free Tier allowances: the bundled table ``pricing.json``, and the prices in use.

Every figure of the table carries the page it came from, the date it was taken
and whether it was confirmed (``Price.verified``). :func:`prices_in_use` lays the
AWS Price List's prices, where ``report cost --refresh-prices`` cached them
(:mod:`olistctl.price_cache`), over the table; every price says where it came from
(``Price.label``). Data units are AWS's billing units, binary: MB = 2^20,
GB = 2^30, TB = 2^40 bytes (``pricing.json`` → ``units`` says why); this module
exports them so no other module spells them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from olistctl import price_cache
from olistctl.errors import ConfigError

BUNDLED = "bundled"
PRICE_LIST = "price_list"


@cache
def price_table() -> dict[str, Any]:
    return json.loads(resources.files("olistctl").joinpath("pricing.json").read_text())


_UNITS = price_table()["units"]
MB: int = int(_UNITS["bytes_per_mb"])
GB: int = int(_UNITS["bytes_per_gb"])
TB: int = int(_UNITS["bytes_per_tb"])


@dataclass(frozen=True)
class Price:
    """One figure of the table: a price, an allowance or a billing rule."""

    key: str  # "s3.usd_per_gb_month", "free_tier.lambda_requests" …
    value: float
    verified: bool
    page: str  # the public AWS page the figure belongs to
    taken: str  # ISO date the figure was taken
    note: str = ""
    kind: str = ""  # Free Tier only: "always_free" or "12_months"
    source: str = BUNDLED  # or PRICE_LIST: fetched by ``report cost --refresh-prices``
    effective: str = ""  # Price List: the date AWS says the price took effect
    tier_end: float | None = None  # Price List: where its first paid tier ends, in the key's unit

    @property
    def label(self) -> str:
        """Where the figure came from: "AWS Price List, 2026-03-01", "bundled table, 2026-11-26"."""
        if self.source == PRICE_LIST:
            return f"AWS Price List, {self.effective}"
        return f"bundled table, {self.taken}" + ("" if self.verified else " (unconfirmed)")


def _price(key: str, entry: dict[str, Any]) -> Price:
    source = price_table()["sources"][entry["source"]]
    return Price(
        key=key,
        value=float(entry["value"]),
        verified=bool(entry["verified"]),
        page=source["page"],
        taken=source["taken"],
        note=entry.get("note", ""),
        kind=entry.get("kind", ""),
    )


def regions() -> list[str]:
    return sorted(price_table()["regions"])


@dataclass(frozen=True)
class RegionPrices:
    region: str
    name: str
    prices: dict[str, Price]  # "service.key" -> Price
    cached: price_cache.CacheRead | None = None  # what the Price List cache held, if asked
    notes: tuple[str, ...] = field(default=())  # sentences on the cache (set aside, why)

    def __getitem__(self, key: str) -> float:
        """``prices["s3.usd_per_gb_month"]`` -> 0.023."""
        return self.prices[key].value

    def unverified(self) -> list[Price]:
        return [p for p in self.prices.values() if not p.verified]


@cache
def region_prices(region: str) -> RegionPrices:
    """The bundled table's prices for ``region`` (no cache read): the offline fallback."""
    return _bundled(region)


def prices_in_use(region: str) -> RegionPrices:
    """The prices olistctl uses in ``region``: the AWS Price List's where they are cached,
    the bundled table's for the rest. Reads the cache (a small file), never the network."""
    bundled = region_prices(region)
    read = price_cache.load(region)
    notes = (read.problem,) if read.problem else ()
    if read.prices is None:
        return replace(bundled, cached=read, notes=notes)
    fetched = read.prices.fetched_date
    prices = dict(bundled.prices)
    for key, listed in read.prices.prices.items():
        if key in prices:  # a key this version does not price is left out, not guessed at
            prices[key] = replace(
                prices[key],
                value=listed.value,
                verified=True,
                taken=fetched,
                note=f"{listed.description} ({listed.usagetype}, SKU {listed.sku})",
                source=PRICE_LIST,
                effective=listed.effective,
                tier_end=listed.tier_end_in_key_units,
            )
    return RegionPrices(region, bundled.name, prices, cached=read, notes=notes)


def _bundled(region: str) -> RegionPrices:
    table = price_table()["regions"]
    if region not in table:
        raise ConfigError(
            f"There are no prices for region {region!r}",
            hint="use one of " + ", ".join(regions()) + " (or add it to pricing.json)",
        )
    entry = table[region]
    prices = {
        f"{service}.{key}": _price(f"{service}.{key}", value)
        for service, keys in entry.items()
        if isinstance(keys, dict)
        for key, value in keys.items()
    }
    return RegionPrices(region=region, name=entry["name"], prices=prices)


@cache
def free_tier() -> dict[str, Price]:
    """Monthly Free Tier allowances by key (``lambda_requests``, ``s3_gb_month`` …)."""
    return {k: _price(f"free_tier.{k}", v) for k, v in price_table()["free_tier"].items()}


@dataclass(frozen=True)
class QueryCost:
    bytes_scanned: int
    billed_bytes: int
    dollars: float


def athena_billed_bytes(bytes_scanned: int, region: str) -> int:
    """Athena bills bytes scanned rounded up to the next MB, at least 10 MB per query."""
    prices = region_prices(region)  # a billing rule: the Price List does not hold it
    minimum = int(prices["athena.min_mb_per_query"]) * MB
    return max(minimum, -(-bytes_scanned // MB) * MB)


def athena_query_cost(
    bytes_scanned: int, region: str, prices: RegionPrices | None = None
) -> QueryCost:
    """What Athena bills for one query, at ``prices`` (default: the prices in use)."""
    billed = athena_billed_bytes(bytes_scanned, region)
    per_tb = (prices or prices_in_use(region))["athena.usd_per_tb_scanned"]
    return QueryCost(bytes_scanned, billed, billed / TB * per_tb)


def bundled_date() -> str:
    """The date of the bundled table: the newest of its figures."""
    return max(source["taken"] for source in price_table()["sources"].values())

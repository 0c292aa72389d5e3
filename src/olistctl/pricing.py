"""Prices and Free Tier allowances, read from ``pricing.json`` (the one place they live).

Every figure carries the page it came from, the date it was taken and whether
it was confirmed (``Price.verified``). Data units are AWS's billing units,
binary: MB = 2^20, GB = 2^30, TB = 2^40 bytes (``pricing.json`` → ``units``
says why); this module exports them so no other module spells them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from olistctl.errors import ConfigError


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

    def __getitem__(self, key: str) -> float:
        """``prices["s3.usd_per_gb_month"]`` -> 0.023."""
        return self.prices[key].value

    def unverified(self) -> list[Price]:
        return [p for p in self.prices.values() if not p.verified]


@cache
def region_prices(region: str) -> RegionPrices:
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
    prices = region_prices(region)
    minimum = int(prices["athena.min_mb_per_query"]) * MB
    return max(minimum, -(-bytes_scanned // MB) * MB)


def athena_query_cost(bytes_scanned: int, region: str) -> QueryCost:
    billed = athena_billed_bytes(bytes_scanned, region)
    per_tb = region_prices(region)["athena.usd_per_tb_scanned"]
    return QueryCost(bytes_scanned, billed, billed / TB * per_tb)

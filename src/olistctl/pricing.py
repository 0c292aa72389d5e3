"""Prices and Free Tier allowances, read from ``pricing.json`` (the one place they live)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from olistctl.errors import ConfigError

MIB = 1 << 20
TIB = 1 << 40


@cache
def price_table() -> dict[str, Any]:
    return json.loads(resources.files("olistctl").joinpath("pricing.json").read_text())


def region_prices(region: str) -> dict[str, Any]:
    regions = price_table()["regions"]
    if region not in regions:
        raise ConfigError(
            f"There are no prices for region {region!r}",
            hint="use one of " + ", ".join(sorted(regions)) + " (or add it to pricing.json)",
        )
    return regions[region]


@dataclass(frozen=True)
class QueryCost:
    bytes_scanned: int
    billed_bytes: int
    dollars: float


def athena_query_cost(bytes_scanned: int, region: str) -> QueryCost:
    """Athena bills bytes scanned rounded up to the next MB, at least 10 MB per query."""
    athena = region_prices(region)["athena"]
    minimum = int(athena["min_mb_per_query"]) * MIB
    billed = max(minimum, -(-bytes_scanned // MIB) * MIB)
    return QueryCost(bytes_scanned, billed, billed / TIB * float(athena["usd_per_tb_scanned"]))

"""Usage priced into report lines: one per billing dimension, against the Free Tier.

Two numbers per line: the cost of the period as measured, and a projection to
a full month. The projection divides every quantity by the share of a month
the period covers (:attr:`Period.month_fraction`). For flows (requests,
GB-seconds, bytes scanned, log ingestion) that extrapolates the rate so far;
for stocks (bytes stored, catalog objects) it turns the GB-months accrued so
far back into the amount stored now, kept for the whole month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from olistctl.cost.period import Period
from olistctl.cost.usage import ESTIMATE_NOTES, Usage
from olistctl.price_list import specs
from olistctl.pricing import (
    GB,
    PRICE_LIST,
    RegionPrices,
    athena_billed_bytes,
    free_tier,
    prices_in_use,
)

# Cost Explorer charges for each API request (its pricing page).
COST_EXPLORER_USD_PER_REQUEST = 0.01


class FreeTierPlan(StrEnum):
    """Which Free Tier allowances the account has.

    ``legacy``: accounts created before 15 July 2025, in their first 12 months:
    the 12-month offers (S3) and the Always Free ones. ``always``: only the
    Always Free offers (Lambda, Glue Data Catalog, CloudWatch Logs): older
    accounts, and accounts created from 15 July 2025, which get credits
    instead of the 12-month offers. ``none``: no allowance at all.
    """

    legacy = "legacy"
    always = "always"
    none = "none"


@dataclass(frozen=True)
class CostLine:
    service: str
    usage: float  # in ``unit``, over the period
    unit: str
    free_tier: float  # allowance over the period, in ``unit``
    billable: float  # usage beyond the allowance
    unit_price: float  # USD per ``price_unit``
    cost: float  # USD over the period
    price_unit: str = ""  # "1,000 requests", "GB-month", "TB" …
    projected_usage: float = 0.0  # over a full month
    projected_cost: float = 0.0
    basis: str = "measured"  # measured | ledger | estimated
    key: str = ""
    price_source: str = ""  # "AWS Price List, 2026-03-01", "bundled table, 2026-11-26" …


@dataclass
class CostReport:
    region: str
    period: Period
    lines: list[CostLine]
    total: float
    projection: float  # the same usage over a full month
    notes: list[str] = field(default_factory=list)
    backend: str = "local"
    free_tier_plan: FreeTierPlan = FreeTierPlan.legacy
    scale: float = 1.0


@dataclass(frozen=True)
class _Dimension:
    key: str
    service: str
    unit: str
    price_key: str
    units_per_price: float  # how many ``unit`` one ``price_unit`` holds
    price_unit: str
    free_key: str | None
    quantity: Callable[[Usage, RegionPrices], float]  # over the period, in ``unit``


def _storage_gb_months(usage: Usage, _: RegionPrices) -> float:
    # The size stored now stands for the whole period: S3 keeps no history
    # of what was stored when, short of the bill itself (--actual).
    return usage.total_stored_bytes / GB * usage.period.month_fraction


def _crawler_dpu_hours(usage: Usage, prices: RegionPrices) -> float:
    minimum_s = prices["glue.crawler_min_minutes_per_run"] * 60
    dpus = prices["glue.crawler_dpus_assumed"]
    total = 0.0
    for run in usage.crawls:
        if run.dpu_hours is not None:
            total += run.dpu_hours
        else:
            total += dpus * max(run.seconds, minimum_s) / 3600
    return total


def _athena_billed_gb(usage: Usage, prices: RegionPrices) -> float:
    return sum(athena_billed_bytes(b, prices.region) for b in usage.query_bytes) / GB


_D = _Dimension
# fmt: off
DIMENSIONS: tuple[_Dimension, ...] = (
    # key, service, usage unit, price key, units per price unit, price unit, Free Tier key, quantity
    _D("s3_storage", "S3 storage", "GB-month", "s3.usd_per_gb_month", 1, "GB-month",
       "s3_gb_month", _storage_gb_months),
    _D("s3_put", "S3 PUT, COPY, POST, LIST", "requests", "s3.usd_per_1k_put_requests", 1000,
       "1,000 requests", "s3_put_requests", lambda u, _: u.s3_put_requests),
    _D("s3_get", "S3 GET and other requests", "requests", "s3.usd_per_1k_get_requests", 1000,
       "1,000 requests", "s3_get_requests", lambda u, _: u.s3_get_requests),
    _D("lambda_requests", "Lambda requests", "requests", "lambda.usd_per_1m_requests", 1e6,
       "1M requests", "lambda_requests", lambda u, _: u.lambda_invocations),
    _D("lambda_compute", "Lambda compute", "GB-seconds", "lambda.usd_per_gb_second", 1,
       "GB-second", "lambda_gb_seconds", lambda u, _: u.lambda_gb_seconds),
    _D("glue_crawler", "Glue crawler", "DPU-hours", "glue.usd_per_dpu_hour", 1, "DPU-hour",
       None, _crawler_dpu_hours),
    _D("glue_catalog_storage", "Glue Data Catalog storage", "object-months",
       "glue.usd_per_100k_catalog_objects_month", 100_000, "100,000 object-months",
       "glue_catalog_objects", lambda u, _: u.catalog_objects * u.period.month_fraction),
    _D("glue_catalog_requests", "Glue Data Catalog requests", "requests",
       "glue.usd_per_1m_catalog_requests", 1e6, "1M requests", "glue_catalog_requests",
       lambda u, _: u.catalog_requests),
    _D("athena", "Athena", "GB billed", "athena.usd_per_tb_scanned", 1024, "TB", None,
       _athena_billed_gb),
    _D("logs_ingestion", "CloudWatch Logs ingestion", "GB", "logs.usd_per_gb_ingested", 1, "GB",
       "logs_gb", lambda u, _: u.logs_ingested_bytes / GB),
    _D("logs_storage", "CloudWatch Logs storage", "GB-month", "logs.usd_per_gb_month_stored", 1,
       "GB-month", "logs_gb", lambda u, _: u.logs_stored_bytes / GB * u.period.month_fraction),
)
# fmt: on


def monthly_allowance(free_key: str | None, plan: FreeTierPlan) -> float:
    if free_key is None or plan is FreeTierPlan.none:
        return 0.0
    allowance = free_tier()[free_key]
    if plan is FreeTierPlan.always and allowance.kind != "always_free":
        return 0.0
    return allowance.value


def _price_key(dimension: _Dimension, usage: Usage) -> str:
    if dimension.key == "lambda_compute" and usage.lambda_architecture == "arm64":
        return "lambda.usd_per_gb_second_arm64"
    return dimension.price_key


def _line(dimension: _Dimension, usage: Usage, prices: RegionPrices, plan: FreeTierPlan):
    price_key = _price_key(dimension, usage)
    unit_price = prices[price_key]
    monthly_free = monthly_allowance(dimension.free_key, plan)
    quantity = float(dimension.quantity(usage, prices))
    free = monthly_free * usage.period.months_touched
    billable = max(0.0, quantity - free)
    projected = quantity / usage.period.month_fraction
    projected_billable = max(0.0, projected - monthly_free)
    line = CostLine(
        service=dimension.service,
        usage=quantity,
        unit=dimension.unit,
        free_tier=free,
        billable=billable,
        unit_price=unit_price,
        cost=billable / dimension.units_per_price * unit_price,
        price_unit=dimension.price_unit,
        projected_usage=projected,
        projected_cost=projected_billable / dimension.units_per_price * unit_price,
        basis=usage.basis.get(dimension.key, "measured"),
        key=dimension.key,
        price_source=prices.prices[price_key].label,
    )
    return line, price_key


def build_report(
    usage: Usage,
    *,
    region: str,
    free_tier_plan: FreeTierPlan = FreeTierPlan.legacy,
    scale: float = 1.0,
    prices: RegionPrices | None = None,
) -> CostReport:
    """Price ``usage`` (times ``scale``) in ``region``'s prices, against the Free Tier.

    ``prices`` default to the prices in use (:func:`olistctl.pricing.prices_in_use`).
    """
    prices = prices or prices_in_use(region)
    scaled = usage.scaled(scale)
    lines: list[CostLine] = []
    used_prices: set[str] = set()
    tier_notes: list[str] = []
    for dimension in DIMENSIONS:
        line, price_key = _line(dimension, scaled, prices, free_tier_plan)
        lines.append(line)
        used_prices.add(price_key)
        tier_notes += _past_the_tier(line, dimension, prices.prices[price_key].tier_end)
    used_prices |= {"athena.min_mb_per_query"}
    if usage.crawls:
        used_prices |= {"glue.crawler_min_minutes_per_run"}
        if any(run.dpu_hours is None for run in usage.crawls):
            used_prices |= {"glue.crawler_dpus_assumed"}
    return CostReport(
        region=region,
        period=usage.period,
        lines=lines,
        total=sum(line.cost for line in lines),
        projection=sum(line.projected_cost for line in lines),
        notes=_notes(scaled, prices, used_prices, free_tier_plan, scale) + tier_notes,
        backend=usage.backend,
        free_tier_plan=free_tier_plan,
        scale=scale,
    )


def _notes(
    usage: Usage, prices: RegionPrices, used: set[str], plan: FreeTierPlan, scale: float
) -> list[str]:
    period = usage.period
    notes: list[str] = []
    if usage.backend == "local":
        notes.append(
            f"Priced as if this workspace's runs had happened on AWS in {prices.region}"
            f" ({prices.name})."
        )
    if scale != 1:
        notes.append(
            f"Scaled to {scale:g}x the data in the same files: storage, Lambda GB-seconds and"
            " bytes scanned per query grow; requests, invocations, crawler runs and queries stay."
        )
    days = period.month_fraction * 30.44
    notes.append(
        f"Projection: each quantity divided by the share of a month the period covers"
        f" ({period.month_fraction:.3f}, about {days:.1f} days); storage and catalog objects"
        " count as they stand now, kept all month. Storage so far assumes today's size"
        " throughout the period."
    )
    if plan is FreeTierPlan.legacy:
        notes.append(
            "Free Tier: the legacy allowances, including S3's 12-month offer. Accounts created"
            " from 15 July 2025 get credits instead of the 12-month offers"
            " (use --free-tier always); --no-free-tier prices every unit."
        )
    elif plan is FreeTierPlan.always:
        notes.append("Free Tier: only the Always Free offers (Lambda, Glue Data Catalog, Logs).")
    else:
        notes.append("Free Tier: none applied.")
    if period.months_touched > 1 and plan is not FreeTierPlan.none:
        notes.append(
            f"The period spans {period.months_touched} calendar months; each month's Free Tier"
            " allowance is counted once."
        )
    if usage.basis.get("s3_put") == "estimated":
        notes.append(ESTIMATE_NOTES["s3_requests"])
    if usage.basis.get("glue_catalog_requests") == "estimated":
        notes.append(ESTIMATE_NOTES["catalog_requests"])
    notes.extend(usage.notes)
    notes.extend(_source_notes(prices, used, plan))
    unverified = [p for p in prices.unverified() if p.key in used]
    if unverified:
        names = ", ".join(p.key for p in unverified)
        fetchable = [p.key for p in unverified if p.key in specs()]
        notes.append(
            f"Unconfirmed prices for {prices.region} (not verified offline; check them on the AWS"
            f" price pages or with --actual): {names}." + _fetchable(fetchable, unverified)
        )
    return notes


def _source_notes(prices: RegionPrices, used: set[str], plan: FreeTierPlan) -> list[str]:
    """Which prices came from where: the AWS Price List (by effective date), the table."""
    by_label: dict[str, list[str]] = {}
    for key in sorted(used):
        price = prices.prices[key]
        where = price.label if price.source == PRICE_LIST else f"bundled table, {price.taken}"
        by_label.setdefault(where, []).append(key)
    cached = prices.cached.prices if prices.cached else None
    refused = cached.refused if cached else {}
    notes = list(prices.notes)
    for where, keys in sorted(by_label.items()):
        if where.startswith("AWS Price List"):
            assert cached is not None
            listed = ", ".join(f"{k} {_usd(prices.prices[k].value)}" for k in keys)
            notes.append(
                f"Prices from the {where} (effective date; fetched {cached.fetched_date}):"
                f" {listed}."
            )
        elif len(by_label) == 1 and not refused:
            notes.append(
                f"Prices from the {where}; --refresh-prices fetches the region's prices from"
                " the AWS Price List."
            )
        else:
            named = [_bundled_why(k, refused) for k in keys]
            notes.append(f"Prices from the {where}: {', '.join(named)}.")
    if cached is not None and cached.prices and plan is not FreeTierPlan.none:
        taken = max(a.taken for a in free_tier().values())
        notes.append(
            f"Free Tier allowances from the bundled table, {taken}: the AWS Price List does"
            " not give them."
        )
    return notes


def _bundled_why(key: str, refused: dict[str, str]) -> str:
    if key not in specs():
        return f"{key} (not in the Price List)"
    if key in refused:
        return f"{key} (the Price List's answer was refused)"
    return key


def _usd(value: float) -> str:
    return "$" + f"{value:.10f}".rstrip("0").rstrip(".")


def _fetchable(fetchable: list[str], unverified: list) -> str:
    if not fetchable:
        return ""
    if len(fetchable) == len(unverified):
        return " --refresh-prices fetches them from the AWS Price List."
    rest = ", ".join(p.key for p in unverified if p.key not in fetchable)
    return f" --refresh-prices fetches all but {rest} from the AWS Price List."


def _past_the_tier(line: CostLine, dimension: _Dimension, tier_end: float | None) -> list[str]:
    """A sentence when a month at this rate goes past the Price List's first paid tier."""
    if tier_end is None:
        return []
    month = line.projected_usage / dimension.units_per_price  # in units of the price
    if month <= tier_end:
        return []
    return [
        f"{line.service}: a month at this rate passes the end of the AWS Price List's first"
        f" paid tier ({tier_end * dimension.units_per_price:,.0f} {line.unit}); olistctl prices"
        " every unit at that tier's price, where AWS bills the units past it at the next"
        " tier's."
    ]

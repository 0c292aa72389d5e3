"""Prices from the AWS Price List Query API: which product each price is, and reading it.

The map from olistctl's price keys to the Price List lives next to the keys, in
``pricing.json`` → ``price_list`` (its ``about`` says the rules); this module applies
it. A :class:`ProductSource` answers ``GetProducts`` (the aws backend's client does,
``backends/aws/price_list.py``); :func:`fetch` asks it once per distinct query and
reads each key's price with :func:`read_price`, which takes exactly one product and
one price dimension or refuses the key with the reason: a price is never guessed.

The answer's shape is AWS's (GetProducts, https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html):
``PriceList`` is a list of JSON documents as strings, each a product (``product``:
``sku``, ``productFamily``, ``attributes`` with ``usagetype`` …) with its ``terms``:
``OnDemand`` -> one term (``effectiveDate``) -> ``priceDimensions`` -> each a tier
(``beginRange``, ``endRange`` or "Inf", ``unit``, ``pricePerUnit`` -> ``USD``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol

from olistctl.price_cache import CachedPrices, ListedPrice
from olistctl.pricing import price_table

# The Query API is served from these regions only; every one answers for every region
# ("The endpoints aren't related to product or service attributes",
# https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html).
ENDPOINT_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")


def endpoint_region(region: str) -> str:
    """The Price List endpoint to ask: the configured region's own if it has one."""
    return region if region in ENDPOINT_REGIONS else ENDPOINT_REGIONS[0]


@dataclass(frozen=True)
class Spec:
    """Where one price key is in the Price List (``pricing.json`` → ``price_list``)."""

    key: str
    service_code: str
    filters: dict[str, str]  # TERM_MATCH filters besides regionCode
    usagetype: str  # without the region prefix
    units: tuple[str, ...]  # the Price List's names for the unit
    per: float  # Price List units in one unit of the key

    def query(self, region: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """(service code, filters): the GetProducts query; keys that share one ask once."""
        return self.service_code, (("regionCode", region), *sorted(self.filters.items()))


@cache
def specs() -> dict[str, Spec]:
    return {
        key: Spec(
            key=key,
            service_code=entry["service_code"],
            filters=dict(entry["filters"]),
            usagetype=entry["usagetype"],
            units=tuple(entry["units"]),
            per=float(entry["per"]),
        )
        for key, entry in price_table()["price_list"]["keys"].items()
    }


class ProductSource(Protocol):
    """Answers GetProducts: every ``PriceList`` entry of every page, as the API gives them."""

    @property
    def endpoint_region(self) -> str:
        """The region of the Price List endpoint that answers."""
        ...

    def products(self, service_code: str, filters: Sequence[tuple[str, str]]) -> list[Any]: ...


class NotOnePrice(Exception):
    """The Price List's answer for a key is not exactly one price; the message says why."""


@dataclass(frozen=True)
class PriceListAnswer:
    region: str
    endpoint_region: str
    fetched: datetime
    prices: dict[str, ListedPrice]
    refused: dict[str, str]  # key -> why

    def cached(self) -> CachedPrices:
        return CachedPrices(
            region=self.region,
            fetched=self.fetched.astimezone(UTC).isoformat(timespec="seconds"),
            endpoint_region=self.endpoint_region,
            prices=self.prices,
            refused=self.refused,
        )


def fetch(region: str, source: ProductSource, *, now: datetime | None = None) -> PriceListAnswer:
    """Every mapped key's price in ``region``; an error of ``source`` (no network, no
    credentials …) is raised as it is, since then nothing was fetched."""
    answers: dict[tuple[str, tuple[tuple[str, str], ...]], list[Any]] = {}
    prices: dict[str, ListedPrice] = {}
    refused: dict[str, str] = {}
    for key, spec in specs().items():
        query = spec.query(region)
        if query not in answers:
            answers[query] = source.products(*query)
        try:
            prices[key] = read_price(spec, answers[query])
        except NotOnePrice as why:
            refused[key] = str(why)
    return PriceListAnswer(
        region, source.endpoint_region, now or datetime.now(UTC), prices, refused
    )


def _usage_pattern(usagetype: str) -> re.Pattern[str]:
    # Bare, or behind one region prefix: "EU-", "AFS1-", "USE1-" (never "Lambda-Edge-").
    return re.compile(rf"(?:[A-Z0-9]+-)?{re.escape(usagetype)}")


def read_price(spec: Spec, entries: Sequence[Any]) -> ListedPrice:
    """The one price of ``spec`` among GetProducts' ``entries``, or :class:`NotOnePrice`."""
    documents = [_document(entry) for entry in entries]
    pattern = _usage_pattern(spec.usagetype)
    matching = [d for d in documents if pattern.fullmatch(str(_attributes(d).get("usagetype", "")))]
    if not matching:
        raise NotOnePrice(
            f"no product with usage type {spec.usagetype} among the {len(documents)}"
            f" {spec.service_code} product(s) the filters returned"
        )
    if len(matching) > 1:
        skus = ", ".join(sorted(str(d.get("product", {}).get("sku", "?")) for d in matching))
        raise NotOnePrice(f"{len(matching)} products carry usage type {spec.usagetype} ({skus})")
    document = matching[0]
    product = document.get("product", {})
    terms = document.get("terms", {}).get("OnDemand", {})
    if len(terms) != 1:
        raise NotOnePrice(f"{len(terms)} OnDemand terms, not one")
    term = next(iter(terms.values()))
    tier = _first_paid_tier(spec, list(term.get("priceDimensions", {}).values()))
    effective = str(term.get("effectiveDate", ""))[:10]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", effective):
        raise NotOnePrice("the OnDemand term has no effective date")
    return ListedPrice(
        key=spec.key,
        value=tier.usd * spec.per,
        effective=effective,
        usagetype=str(_attributes(document)["usagetype"]),
        unit=tier.unit,
        per=spec.per,
        tier_begin=tier.begin,
        tier_end=None if math.isinf(tier.end) else tier.end,
        description=tier.description,
        sku=str(product.get("sku", "")),
        rate_code=tier.rate_code,
        publication=str(document.get("publicationDate", "")),
    )


def _document(entry: Any) -> dict[str, Any]:
    """A PriceList entry: a JSON document in a string, as the API returns it (a dict, if
    an SDK has already parsed it)."""
    if isinstance(entry, str):
        try:
            entry = json.loads(entry)
        except ValueError:
            raise NotOnePrice("an answer that is not JSON") from None
    if not isinstance(entry, dict) or not isinstance(entry.get("product"), dict):
        raise NotOnePrice("an answer that is not a Price List product")
    return entry


def _attributes(document: Mapping[str, Any]) -> Mapping[str, Any]:
    attributes = document["product"].get("attributes", {})
    return attributes if isinstance(attributes, dict) else {}


@dataclass(frozen=True)
class _Tier:
    begin: float
    end: float
    usd: float
    unit: str
    description: str
    rate_code: str


def _tier(dimension: Mapping[str, Any]) -> _Tier:
    try:
        usd = float(dimension["pricePerUnit"]["USD"])
        begin = float(dimension.get("beginRange", "0"))
        end = float(dimension.get("endRange", "Inf"))  # float("Inf") is infinity
    except (KeyError, TypeError, ValueError):
        raise NotOnePrice("a price dimension without a USD price and a range") from None
    if not (math.isfinite(usd) and usd >= 0 and 0 <= begin < end):
        raise NotOnePrice("a price dimension with an impossible price or range")
    return _Tier(
        begin,
        end,
        usd,
        str(dimension.get("unit", "")),
        str(dimension.get("description", "")),
        str(dimension.get("rateCode", "")),
    )


def _first_paid_tier(spec: Spec, dimensions: Sequence[Mapping[str, Any]]) -> _Tier:
    """The price: the first tier that is not free.

    The tiers must follow one another from 0 to Inf. A $0 tier before the paid ones is
    an allowance, and allowances come from the bundled Free Tier, never from here; the
    first paid tier is where the stack's billable usage starts, and olistctl's usage
    (gigabytes, thousands of requests) stays inside it. A later tier is never applied.
    """
    tiers = sorted((_tier(d) for d in dimensions), key=lambda t: t.begin)
    if not tiers:
        raise NotOnePrice("the OnDemand term has no price dimension")
    units = {t.unit for t in tiers}
    if len(units) != 1 or not units <= set(spec.units):
        raise NotOnePrice(
            f"priced per {' and '.join(sorted(units))}, not per {' or '.join(spec.units)}"
        )
    edge = 0.0
    for tier in tiers:
        if tier.begin != edge:
            raise NotOnePrice(f"its tiers do not follow one another (one starts at {tier.begin:g})")
        edge = tier.end
    if not math.isinf(edge):
        raise NotOnePrice(f"its last tier ends at {edge:g}, not Inf")
    paid = [t for t in tiers if t.usd > 0]
    if not paid:
        raise NotOnePrice("every tier is free")
    first = tiers.index(paid[0])
    if any(t.usd == 0 for t in tiers[first:]):
        raise NotOnePrice("a free tier comes after a paid one")
    return paid[0]

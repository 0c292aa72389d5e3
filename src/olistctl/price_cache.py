"""Prices fetched from the AWS Price List, kept per region in the user's cache folder.

``report cost --refresh-prices`` writes ``$XDG_CACHE_HOME/olistctl/prices/<region>.json``
(``~/.cache/olistctl/prices/…`` when XDG_CACHE_HOME is unset, empty or relative, as the
XDG Base Directory specification says) atomically through :mod:`olistctl.fs`; every later
command reads it and never touches the network for it. Never the repository or the
workspace: prices are the user's knowledge of AWS, not a pipeline's data.

A file that cannot be read, or is not a cache of this format for this region, is set
aside whole with one sentence, never trusted in part; the bundled table is then used.
"""

from __future__ import annotations

import errno
import functools
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from olistctl.fs import atomic_write_text
from olistctl.user_home import home

FORMAT = 1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ListedPrice:
    """One price as the AWS Price List gives it, converted to the unit of its key."""

    key: str  # "s3.usd_per_gb_month" …
    value: float  # USD per unit of the key: the Price List's price times ``per``
    effective: str  # YYYY-MM-DD: the effectiveDate of the product's OnDemand term
    usagetype: str  # as the Price List spells it, region prefix included
    unit: str  # the Price List's unit ("GB-Mo", "Requests" …)
    per: float  # Price List units in one unit of the key (1,000 requests …)
    tier_begin: float  # the tier priced, in the Price List's unit
    tier_end: float | None  # None: the tier has no end ("Inf")
    description: str  # the price dimension's own words
    sku: str
    rate_code: str
    publication: str  # the product's publicationDate: when this Price List version appeared

    @property
    def tier_end_in_key_units(self) -> float | None:
        return None if self.tier_end is None else self.tier_end / self.per


@dataclass(frozen=True)
class CachedPrices:
    region: str
    fetched: str  # when they were fetched: ISO 8601, UTC
    endpoint_region: str  # the Price List endpoint that answered
    prices: dict[str, ListedPrice]
    refused: dict[str, str] = field(default_factory=dict)  # key -> why the answer was not used

    @property
    def fetched_date(self) -> str:
        return self.fetched[:10]


@dataclass(frozen=True)
class CacheRead:
    """What the cache holds for a region: prices, or nothing, or a sentence on why not."""

    path: Path | None  # None: no cache folder (no XDG_CACHE_HOME, no home folder)
    prices: CachedPrices | None = None
    problem: str | None = None


def folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """``$XDG_CACHE_HOME/olistctl/prices``; the spec's default when it is unset or relative;
    None where that default has no home folder to be in."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME", "")
    if base and Path(base).is_absolute():
        return Path(base) / "olistctl" / "prices"
    found = home()
    return None if found is None else found / ".cache" / "olistctl" / "prices"


def path_for(region: str, environ: Mapping[str, str] | None = None) -> Path | None:
    where = folder(environ)
    return None if where is None else where / f"{region}.json"


def write(cached: CachedPrices, environ: Mapping[str, str] | None = None) -> Path:
    """Replace the region's cache with ``cached`` (whole or not at all); its path."""
    path = path_for(cached.region, environ)
    if path is None:  # callers ask path_for first
        raise FileNotFoundError(errno.ENOENT, "there is no XDG_CACHE_HOME and no home folder")
    document = {"format": FORMAT, **asdict(cached)}
    # Not durable: a cache lost to a power cut is fetched again, never half-read.
    atomic_write_text(path, json.dumps(document, indent=2, sort_keys=True) + "\n", durable=False)
    _read.cache_clear()
    return path


def load(region: str, environ: Mapping[str, str] | None = None) -> CacheRead:
    """The cached prices of ``region``: read once per version of the file."""
    path = path_for(region, environ)
    if path is None:
        return CacheRead(None)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return CacheRead(path)
    except OSError as error:
        return CacheRead(path, problem=_unreadable(path, error.strerror or str(error)))
    return _read(str(path), region, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read(path_text: str, region: str, mtime_ns: int, size: int) -> CacheRead:
    path = Path(path_text)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return CacheRead(path, prices=_parse(document, region))
    except OSError as error:
        return CacheRead(path, problem=_unreadable(path, error.strerror or str(error)))
    except (ValueError, TypeError, KeyError) as error:  # UnicodeDecodeError is a ValueError
        return CacheRead(path, problem=_unreadable(path, str(error) or type(error).__name__))


def _unreadable(path: Path, reason: str) -> str:
    return (
        f"The cached AWS Price List prices in {path} were set aside ({reason}), so the"
        " bundled table is used: run `olistctl report cost --refresh-prices` to fetch them again."
    )


_LISTED_FIELDS = {f.name for f in fields(ListedPrice)}


def _parse(document: Any, region: str) -> CachedPrices:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a price cache of format {FORMAT}")
    if document.get("region") != region:
        raise ValueError(f"it holds the prices of {document.get('region')!r}, not {region!r}")
    fetched = document["fetched"]
    if not isinstance(fetched, str) or not _DATE.match(fetched):
        raise ValueError("no fetch date")
    prices = {}
    for key, entry in dict(document["prices"]).items():
        if not isinstance(entry, dict) or set(entry) != _LISTED_FIELDS or entry["key"] != key:
            raise ValueError(f"the entry {key!r} is not a price")
        listed = ListedPrice(**entry)
        numbers = [listed.value, listed.per, listed.tier_begin]
        if listed.tier_end is not None:
            numbers.append(listed.tier_end)
        if not all(isinstance(n, int | float) and math.isfinite(n) and n >= 0 for n in numbers):
            raise ValueError(f"the price of {key!r} is not a finite amount")
        if listed.per <= 0 or not _DATE.fullmatch(str(listed.effective)):
            raise ValueError(f"the entry {key!r} is not a price")
        prices[key] = listed
    refused = {str(k): str(v) for k, v in dict(document.get("refused", {})).items()}
    return CachedPrices(
        region=region,
        fetched=fetched,
        endpoint_region=str(document.get("endpoint_region", "")),
        prices=prices,
        refused=refused,
    )

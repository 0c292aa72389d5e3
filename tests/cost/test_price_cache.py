"""The user's price cache: where it is, written whole, read back or set aside whole; and the
prices in use, the cache's over the bundled table's, each saying where it came from."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from price_list_answers import catalog, fetched

from olistctl import price_cache
from olistctl.pricing import PRICE_LIST, prices_in_use, region_prices

FETCHED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def answer(region: str = "us-east-1", **overrides):
    return fetched(region, now=FETCHED, **overrides)


@pytest.mark.parametrize(
    ("xdg", "expected"),
    [
        ("/var/cache/me", Path("/var/cache/me/olistctl/prices")),
        ("", Path("/home/someone/.cache/olistctl/prices")),
        ("relative/cache", Path("/home/someone/.cache/olistctl/prices")),  # the spec: ignored
    ],
)
def test_the_folder_is_xdg_cache_home_or_its_default(monkeypatch, xdg, expected):
    monkeypatch.setenv("HOME", "/home/someone")
    assert price_cache.folder({"XDG_CACHE_HOME": xdg}) == expected
    assert price_cache.path_for("eu-west-1", {"XDG_CACHE_HOME": xdg}) == expected / "eu-west-1.json"


def test_written_whole_private_and_read_back(cache_home):
    path = price_cache.write(answer().cached())
    assert path == cache_home / "olistctl" / "prices" / "us-east-1.json"
    assert os.listdir(path.parent) == ["us-east-1.json"]  # no temporary left beside it
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    assert document["format"] == 1 and document["region"] == "us-east-1"
    assert document["fetched"] == "2026-12-07T09:30:00+00:00"
    read = price_cache.load("us-east-1")
    assert read.problem is None and read.prices is not None
    assert read.prices.prices == answer().prices
    assert read.prices.fetched_date == "2026-12-07"


def test_nothing_cached_is_no_problem(cache_home):
    read = price_cache.load("us-east-1")
    assert (read.prices, read.problem) == (None, None)
    assert prices_in_use("us-east-1").prices == region_prices("us-east-1").prices


def _set_aside(path: Path, reason: str) -> str:
    return (
        f"The cached AWS Price List prices in {path} were set aside ({reason}), so the bundled"
        " table is used: run `olistctl report cost --refresh-prices` to fetch them again."
    )


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (
            lambda d: "{not json",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (lambda d: json.dumps({**d, "format": 2}), "not a price cache of format 1"),
        (
            lambda d: json.dumps({**d, "region": "eu-west-1"}),
            "it holds the prices of 'eu-west-1', not 'us-east-1'",
        ),
        (
            lambda d: json.dumps(
                {
                    **d,
                    "prices": {
                        **d["prices"],
                        "s3.usd_per_gb_month": {**d["prices"]["s3.usd_per_gb_month"], "value": -1},
                    },
                }
            ),
            "the price of 's3.usd_per_gb_month' is not a finite amount",
        ),
        (
            lambda d: json.dumps(
                {**d, "prices": {**d["prices"], "s3.usd_per_gb_month": {"value": 0.023}}}
            ),
            "the entry 's3.usd_per_gb_month' is not a price",
        ),
    ],
    ids=["not json", "another format", "another region", "negative", "half an entry"],
)
def test_a_damaged_cache_is_set_aside_whole_with_one_sentence(cache_home, damage, reason):
    path = price_cache.write(answer().cached())
    path.write_text(damage(json.loads(path.read_text())))
    prices = prices_in_use("us-east-1")
    assert prices.notes == (_set_aside(path, reason),)
    assert prices.prices == region_prices("us-east-1").prices  # not one figure trusted


def test_the_prices_in_use_say_where_they_came_from(cache_home):
    changed = catalog("us-east-1")["athena"][0].replace("5.0000000000", "4.5000000000")
    price_cache.write(answer(athena=[changed]).cached())
    prices = prices_in_use("us-east-1")
    athena = prices.prices["athena.usd_per_tb_scanned"]
    assert prices["athena.usd_per_tb_scanned"] == 4.5  # the Price List's, before the table's
    assert (athena.source, athena.label, athena.verified) == (
        PRICE_LIST,
        "AWS Price List, 2026-03-01",
        True,
    )
    assert athena.taken == "2026-12-07"
    assert athena.note == (
        "5.00 USD per Terabytes for DataScannedInTB (USE1-DataScannedInTB, SKU 6NNVH3VQF4Y7JXP4)"
    )
    rule = prices.prices["athena.min_mb_per_query"]
    assert rule.label == "bundled table, 2026-11-26"
    assumed = prices.prices["glue.crawler_dpus_assumed"]
    assert assumed.label == "bundled table, 2026-11-26 (unconfirmed)"
    # The bundled table itself is untouched.
    assert region_prices("us-east-1")["athena.usd_per_tb_scanned"] == 5.0


def test_an_unconfirmed_bundled_price_is_confirmed_by_the_price_list(cache_home):
    assert not region_prices("af-south-1").prices["athena.usd_per_tb_scanned"].verified
    region = "af-south-1"
    cached = answer().cached()
    moved = price_cache.CachedPrices(
        region, cached.fetched, cached.endpoint_region, cached.prices, cached.refused
    )
    price_cache.write(moved)
    prices = prices_in_use(region)
    assert "athena.usd_per_tb_scanned" not in {p.key for p in prices.unverified()}
    assert {p.key for p in prices.unverified()} == {"glue.crawler_dpus_assumed"}

"""The price table: complete in every region, every figure sourced, binary units, Athena's rules."""

from __future__ import annotations

import re

import pytest

from olistctl import pricing
from olistctl.errors import ConfigError

REGIONS = ("us-east-1", "eu-west-1", "af-south-1")


def test_the_three_regions_have_the_same_complete_set_of_prices():
    keys = {r: set(pricing.region_prices(r).prices) for r in REGIONS}
    assert keys["us-east-1"] == keys["eu-west-1"] == keys["af-south-1"]
    assert {
        "s3.usd_per_gb_month",
        "s3.usd_per_1k_put_requests",
        "s3.usd_per_1k_get_requests",
        "lambda.usd_per_1m_requests",
        "lambda.usd_per_gb_second",
        "glue.usd_per_dpu_hour",
        "glue.crawler_min_minutes_per_run",
        "glue.usd_per_100k_catalog_objects_month",
        "glue.usd_per_1m_catalog_requests",
        "athena.usd_per_tb_scanned",
        "athena.min_mb_per_query",
        "logs.usd_per_gb_ingested",
        "logs.usd_per_gb_month_stored",
    } <= keys["us-east-1"]


@pytest.mark.parametrize("region", REGIONS)
def test_every_figure_names_its_page_and_date(region):
    for price in pricing.region_prices(region).prices.values():
        assert price.page.startswith("https://aws.amazon.com/"), price.key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", price.taken), price.key
        assert price.value > 0, price.key
        if not price.verified:
            assert price.note, f"{region} {price.key} is unverified but says nothing about it"


def test_free_tier_allowances_and_their_kinds():
    tier = pricing.free_tier()
    assert tier["lambda_requests"].value == 1_000_000
    assert tier["lambda_gb_seconds"].value == 400_000
    assert tier["s3_gb_month"].value == 5 and tier["s3_gb_month"].kind == "12_months"
    assert tier["s3_get_requests"].value == 20_000
    assert tier["s3_put_requests"].value == 2_000
    assert tier["glue_catalog_objects"].value == tier["glue_catalog_requests"].value == 1_000_000
    assert tier["logs_gb"].value == 5
    assert {tier[k].kind for k in ("lambda_requests", "glue_catalog_objects", "logs_gb")} == {
        "always_free"
    }


def test_billing_units_are_binary():
    assert (pricing.MB, pricing.GB, pricing.TB) == (2**20, 2**30, 2**40)


@pytest.mark.parametrize(
    ("scanned", "billed_mb"),
    [(0, 10), (1, 10), (10 * 2**20, 10), (10 * 2**20 + 1, 11), (123 * 2**20 - 5, 123)],
)
def test_athena_bills_whole_megabytes_with_a_10_mb_minimum(scanned, billed_mb):
    cost = pricing.athena_query_cost(scanned, "us-east-1")
    assert cost.bytes_scanned == scanned
    assert cost.billed_bytes == billed_mb * 2**20
    assert cost.dollars == pytest.approx(billed_mb / 2**20 * 5.0)


def test_an_unknown_region_says_which_are_known():
    with pytest.raises(ConfigError) as caught:
        pricing.region_prices("mars-north-1")
    assert str(caught.value) == (
        "There are no prices for region 'mars-north-1': use one of af-south-1, eu-west-1,"
        " us-east-1 (or add it to pricing.json)"
    )

"""Known usage priced by hand, line by line, inside and beyond the Free Tier, in two regions.

The expected figures are written out as arithmetic on the published prices,
not computed with the code's formulas.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from olistctl.cost import CrawlRun, FreeTierPlan, Period, Usage, build_report

GIB = 1024**3
MIB = 1024**2
TIB = 1024**4

JUNE = Period(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC), "2026-06")
FIRST_HALF_OF_JUNE = Period(
    datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 16, tzinfo=UTC), "2026-06 (to 16 Jun)"
)


def big_usage(period: Period = JUNE) -> Usage:
    """Well beyond every Free Tier allowance."""
    return Usage(
        period=period,
        backend="aws",
        stored_bytes={"raw": 8 * GIB, "processed": 4 * GIB},
        s3_put_requests=12_000,
        s3_get_requests=120_000,
        lambda_invocations=3_000_000,
        lambda_gb_seconds=1_500_000,
        crawls=[
            CrawlRun(None, 120),  # billed as the 10-minute minimum
            CrawlRun(None, 900),
            CrawlRun(None, 1200),
            CrawlRun(None, 60, dpu_hours=0.25),  # Glue reported its DPU-hours: used as they are
        ],
        catalog_objects=1_250_000,
        catalog_requests=3_500_000,
        query_bytes=[1, 10 * MIB + 1, 2 * TIB],
        logs_ingested_bytes=25 * GIB,
        logs_stored_bytes=15 * GIB,
    )


def small_usage() -> Usage:
    """Inside every allowance; crawler and Athena have none."""
    return Usage(
        period=JUNE,
        backend="local",
        stored_bytes={"raw": 1 * GIB},
        s3_put_requests=100,
        s3_get_requests=1000,
        lambda_invocations=50,
        lambda_gb_seconds=120.0,
        crawls=[CrawlRun(None, 60)],
        catalog_objects=10,
        catalog_requests=200,
        query_bytes=[5 * MIB],
        logs_ingested_bytes=MIB,
        logs_stored_bytes=MIB,
    )


def costs(report) -> dict[str, float]:
    return {line.key: line.cost for line in report.lines}


# Crawler: 2 DPUs (the assumed count) x (600 + 900 + 1200 s) / 3600 + 0.25 reported = 1.75 DPU-h.
BEYOND = {
    "us-east-1": {
        "s3_storage": (12 - 5) * 0.023,
        "s3_put": (12_000 - 2_000) / 1000 * 0.005,
        "s3_get": (120_000 - 20_000) / 1000 * 0.0004,
        "lambda_requests": (3_000_000 - 1_000_000) / 1e6 * 0.20,
        "lambda_compute": (1_500_000 - 400_000) * 0.0000166667,
        "glue_crawler": 1.75 * 0.44,
        "glue_catalog_storage": (1_250_000 - 1_000_000) / 100_000 * 1.00,
        "glue_catalog_requests": (3_500_000 - 1_000_000) / 1e6 * 1.00,
        # 10 MB minimum, 11 MB (rounded up), 2 TB.
        "athena": (10 + 11) / (1024 * 1024) * 5.00 + 2 * 5.00,
        "logs_ingestion": (25 - 5) * 0.50,
        "logs_storage": (15 - 5) * 0.03,
    },
    "af-south-1": {
        "s3_storage": (12 - 5) * 0.0274,
        "s3_put": (12_000 - 2_000) / 1000 * 0.006,
        "s3_get": (120_000 - 20_000) / 1000 * 0.00048,
        "lambda_requests": (3_000_000 - 1_000_000) / 1e6 * 0.27,
        "lambda_compute": (1_500_000 - 400_000) * 0.0000221,
        "glue_crawler": 1.75 * 0.44,
        "glue_catalog_storage": (1_250_000 - 1_000_000) / 100_000 * 1.00,
        "glue_catalog_requests": (3_500_000 - 1_000_000) / 1e6 * 1.00,
        "athena": (10 + 11) / (1024 * 1024) * 6.00 + 2 * 6.00,
        "logs_ingestion": (25 - 5) * 0.80,
        "logs_storage": (15 - 5) * 0.0408,
    },
}


@pytest.mark.parametrize("region", ["us-east-1", "af-south-1"])
def test_beyond_the_free_tier_each_line_to_the_cent(region):
    report = build_report(big_usage(), region=region)
    expected = BEYOND[region]
    got = costs(report)
    assert set(got) == set(expected)
    for key, dollars in expected.items():
        assert round(got[key], 2) == round(dollars, 2), key
    assert round(report.total, 2) == round(sum(expected.values()), 2)
    # A whole past month: the projection is the month itself.
    assert round(report.projection, 2) == round(report.total, 2)


@pytest.mark.parametrize(
    ("region", "crawler", "athena"),
    [
        # One 60 s crawl billed as 10 minutes at 2 DPUs; one query billed as 10 MB.
        ("us-east-1", 2 * 10 / 60 * 0.44, 10 / (1024 * 1024) * 5.00),
        ("af-south-1", 2 * 10 / 60 * 0.44, 10 / (1024 * 1024) * 6.00),
    ],
)
def test_inside_the_free_tier_only_crawler_and_athena_cost(region, crawler, athena):
    got = costs(build_report(small_usage(), region=region))
    free = {k: v for k, v in got.items() if k not in ("glue_crawler", "athena")}
    assert free == dict.fromkeys(free, 0.0)
    assert round(got["glue_crawler"], 4) == round(crawler, 4)
    assert round(got["athena"], 8) == round(athena, 8)


def test_no_free_tier_prices_every_unit():
    got = costs(build_report(big_usage(), region="us-east-1", free_tier_plan=FreeTierPlan.none))
    assert round(got["s3_storage"], 3) == round(12 * 0.023, 3)
    assert round(got["s3_put"], 2) == round(12_000 / 1000 * 0.005, 2)
    assert round(got["lambda_requests"], 2) == round(3_000_000 / 1e6 * 0.20, 2)
    assert round(got["lambda_compute"], 2) == round(1_500_000 * 0.0000166667, 2)
    assert round(got["glue_catalog_storage"], 2) == round(1_250_000 / 100_000 * 1.00, 2)
    assert round(got["logs_ingestion"], 2) == round(25 * 0.50, 2)


def test_always_free_plan_drops_only_the_12_month_offers():
    report = build_report(big_usage(), region="us-east-1", free_tier_plan=FreeTierPlan.always)
    by_key = {line.key: line for line in report.lines}
    assert by_key["s3_storage"].free_tier == 0
    assert round(by_key["s3_storage"].cost, 3) == round(12 * 0.023, 3)
    assert by_key["s3_get"].free_tier == 0
    assert by_key["lambda_requests"].free_tier == 1_000_000
    assert by_key["glue_catalog_requests"].free_tier == 1_000_000
    assert by_key["logs_ingestion"].free_tier == 5


def test_projection_of_half_a_month():
    """15 of June's 30 days: flows double, storage counts as kept all month."""
    usage = big_usage(FIRST_HALF_OF_JUNE)
    usage.lambda_invocations = 1_500_000
    report = build_report(usage, region="us-east-1")
    by_key = {line.key: line for line in report.lines}
    storage = by_key["s3_storage"]
    assert storage.usage == pytest.approx(12 * 0.5)  # GB-months so far
    assert round(storage.cost, 3) == round((6 - 5) * 0.023, 3)
    assert storage.projected_usage == pytest.approx(12)
    assert round(storage.projected_cost, 3) == round((12 - 5) * 0.023, 3)
    requests = by_key["lambda_requests"]
    assert round(requests.cost, 2) == round(0.5 * 0.20, 2)
    assert requests.projected_usage == pytest.approx(3_000_000)
    assert round(requests.projected_cost, 2) == round(2 * 0.20, 2)


def test_scale_grows_data_not_requests():
    base = {ln.key: ln for ln in build_report(big_usage(), region="us-east-1").lines}
    scaled = {ln.key: ln for ln in build_report(big_usage(), region="us-east-1", scale=10).lines}
    assert scaled["s3_storage"].usage == pytest.approx(120)
    assert scaled["lambda_compute"].usage == pytest.approx(15_000_000)
    assert scaled["lambda_requests"].usage == base["lambda_requests"].usage
    assert scaled["s3_put"].usage == base["s3_put"].usage
    assert scaled["glue_crawler"].usage == base["glue_crawler"].usage
    # Per query: 10 bytes (still the 10 MB minimum), 100 MB + 10 B -> 101 MB, 20 TB.
    assert scaled["athena"].usage == pytest.approx((10 + 101) / 1024 + 20 * 1024)


def test_arm64_functions_are_priced_at_the_arm_rate():
    usage = big_usage()
    usage.lambda_architecture = "arm64"
    got = costs(build_report(usage, region="us-east-1"))
    assert round(got["lambda_compute"], 2) == round(1_100_000 * 0.0000133334, 2)


def test_unconfirmed_prices_are_named_in_the_notes():
    af = build_report(big_usage(), region="af-south-1")
    unconfirmed = [n for n in af.notes if n.startswith("Unconfirmed prices")]
    assert len(unconfirmed) == 1
    assert "athena.usd_per_tb_scanned" in unconfirmed[0]
    assert "s3.usd_per_gb_month," not in unconfirmed[0]  # confirmed from the AWS price list
    assert "lambda.usd_per_gb_second," not in unconfirmed[0]  # that one was confirmed
    us = build_report(big_usage(), region="us-east-1")
    # Only the crawler's assumed DPU count is unconfirmed in us-east-1.
    assert [n for n in us.notes if n.startswith("Unconfirmed")] == [
        "Unconfirmed prices for us-east-1 (not verified offline; check them on the AWS price"
        " pages or with --actual): glue.crawler_dpus_assumed."
    ]


# -- where each price came from ------------------------------------------------------


def test_each_line_names_the_source_of_its_price(cache_home):
    from price_list_answers import fetched

    from olistctl import price_cache

    bundled = {
        ln.key: ln.price_source for ln in build_report(big_usage(), region="us-east-1").lines
    }
    assert set(bundled.values()) == {"bundled table, 2026-11-26"}
    price_cache.write(fetched("us-east-1").cached())
    usage = big_usage()
    usage.lambda_architecture = "arm64"
    listed = {ln.key: ln.price_source for ln in build_report(usage, region="us-east-1").lines}
    assert set(listed.values()) == {"AWS Price List, 2026-03-01"}
    af = {ln.key: ln.price_source for ln in build_report(big_usage(), region="af-south-1").lines}
    assert af["athena"] == "bundled table, 2026-11-26 (unconfirmed)"  # no af-south-1 cache
    assert af["s3_storage"] == "bundled table, 2026-11-26"


def test_a_month_past_the_first_paid_tier_is_said_and_priced_at_that_tier(cache_home):
    from price_list_answers import fetched

    from olistctl import price_cache

    price_cache.write(fetched("us-east-1").cached())
    usage = big_usage()
    usage.stored_bytes = {"processed": 60 * 1024 * GIB}  # 60 TiB: past the first 50 TB
    report = build_report(usage, region="us-east-1", free_tier_plan=FreeTierPlan.none)
    storage = {ln.key: ln for ln in report.lines}["s3_storage"]
    assert storage.cost == pytest.approx(60 * 1024 * 0.023)  # every GB at the first tier
    assert [n for n in report.notes if n.startswith("S3 storage:")] == [
        "S3 storage: a month at this rate passes the end of the AWS Price List's first paid"
        " tier (51,200 GB-month); olistctl prices every unit at that tier's price, where AWS"
        " bills the units past it at the next tier's."
    ]
    inside = build_report(big_usage(), region="us-east-1")
    assert not [n for n in inside.notes if "first paid tier" in n]

"""Reading prices out of GetProducts answers: exactly one product, exactly one price, or a reason.

The answers are in the API's shape (price_list_answers.py says where it comes from); the
first test reads AWS's own recorded example, shipped with botocore, as it is.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from price_list_answers import EXPECTED_US_EAST_1, Tier, catalog, one, product, queries

from olistctl import price_list
from olistctl.price_list import NotOnePrice, Spec, read_price


class CatalogSource:
    """A ProductSource answering from ``catalog``; it records what it was asked."""

    endpoint_region = "us-east-1"

    def __init__(self, region: str, answers: dict[str, list]) -> None:
        from price_list_answers import ANSWER_OF

        self.by_query = dict(zip(queries(region), (answers[n] for n in ANSWER_OF), strict=True))
        self.asked: list = []

    def products(self, service_code, filters):
        query = (service_code, tuple(filters))
        self.asked.append(query)
        return list(self.by_query[query])


def fetch(region: str = "us-east-1", **overrides):
    source = CatalogSource(region, catalog(region, **overrides))
    return price_list.fetch(region, source), source


def test_aws_own_recorded_example_is_read_as_it_is():
    """botocore's examples-1.json holds the GetProducts answer of AWS's API documentation:
    an EBS Provisioned IOPS volume in Canada (Central), $0.138 per GB-month."""
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    example = loader.load_service_model("pricing", "examples-1")["examples"]["GetProducts"][0]
    entries = example["output"]["PriceList"]
    assert all(isinstance(e, str) for e in entries)  # JSON documents in strings
    spec = Spec("ebs", "AmazonEC2", {}, "EBS:VolumeUsage.piops", ("GB-Mo",), 1)
    listed = read_price(spec, entries)
    assert listed.value == 0.138
    assert listed.effective == "2017-08-01"
    assert listed.usagetype == "CAN1-EBS:VolumeUsage.piops"  # the region prefix, matched
    assert (listed.tier_begin, listed.tier_end) == (0, None)
    assert listed.sku == "WQGC34PB2AWS8R4U"
    assert listed.rate_code == "WQGC34PB2AWS8R4U.JRTCKXETXF.6YS6EN2CT7"
    assert listed.publication == "2017-09-01T18:22:01Z"


def test_the_queries_sent_are_the_documented_ones_each_once():
    _, source = fetch()
    assert source.asked == queries("us-east-1")  # S3's requests and Glue's prices share one


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_every_key_is_read_in_olistctl_units(region):
    answer, _ = fetch(region)
    assert answer.refused == {}
    assert {k: p.value for k, p in answer.prices.items()} == pytest.approx(EXPECTED_US_EAST_1)
    assert set(answer.prices) == set(price_list.specs())
    assert {p.effective for p in answer.prices.values()} == {"2026-03-01"}
    prefix = "" if region == "us-east-1" else "EU-"
    assert answer.prices["s3.usd_per_gb_month"].usagetype == f"{prefix}TimedStorage-ByteHrs"
    glue_prefix = "USE1-" if region == "us-east-1" else "EU-"
    assert answer.prices["glue.usd_per_dpu_hour"].usagetype == f"{glue_prefix}Crawler-DPU-Hour"


def test_tiers_the_first_paid_one_is_the_price():
    answer, _ = fetch()
    storage = answer.prices["s3.usd_per_gb_month"]
    # S3 Standard: 0.023 up to 50 TB, then 0.022, then 0.021: the first tier, not the cheapest.
    assert (storage.value, storage.tier_begin, storage.tier_end) == (0.023, 0, 51200)
    assert storage.tier_end_in_key_units == 51200  # GB-months
    assert storage.description == "$0.023 per GB - first 50 TB / month of storage used"
    gb_s = answer.prices["lambda.usd_per_gb_second"]
    assert (gb_s.value, gb_s.tier_end) == (0.0000166667, 6e9)
    # Glue Data Catalog: a $0 first million (an allowance) is set aside; 0.00001 x 100,000.
    objects = answer.prices["glue.usd_per_100k_catalog_objects_month"]
    assert objects.value == pytest.approx(1.0)
    assert (objects.tier_begin, objects.tier_end) == (1_000_000, None)
    requests = answer.prices["s3.usd_per_1k_put_requests"]
    assert requests.value == pytest.approx(0.000005 * 1000) and requests.per == 1000


def test_a_product_that_is_a_dict_already_is_read_too():
    entries = [json.loads(e) for e in catalog("us-east-1")["athena"]]
    spec = price_list.specs()["athena.usd_per_tb_scanned"]
    assert read_price(spec, entries).value == 5.0


def test_names_with_a_hyphen_before_the_usage_type_are_not_region_prefixes():
    edge = product(
        "AWSLambda", "EDGE", "Serverless", "Lambda-Edge-Request", one(6e-7, "Requests", "Edge")
    )
    global_ = product(
        "AWSLambda", "GLOBAL", "Serverless", "Global-Request", one(2e-7, "Requests", "Global")
    )
    answer, _ = fetch(lambda_requests=[edge, global_, *catalog("us-east-1")["lambda_requests"]])
    assert answer.prices["lambda.usd_per_1m_requests"].sku == "CVY8QD9PNH5FTQMA"


def _storage(tiers, **kwargs) -> str:
    return product("AmazonS3", "ONE", "Storage", "TimedStorage-ByteHrs", tiers, **kwargs)


GB = "GB-Mo"
REFUSALS = [
    (
        "two products",
        {
            "s3_storage": [
                _storage(one(0.023, GB, "a")),
                _storage(one(0.024, GB, "b")).replace("ONE", "TWO"),
            ]
        },
        "s3.usd_per_gb_month",
        "2 products carry usage type TimedStorage-ByteHrs (ONE, TWO)",
    ),
    (
        "none",
        {
            "s3_storage": [
                product(
                    "AmazonS3", "SIA", "Storage", "TimedStorage-SIA-ByteHrs", one(0.0125, GB, "x")
                )
            ]
        },
        "s3.usd_per_gb_month",
        "no product with usage type TimedStorage-ByteHrs among the 1 AmazonS3 product(s) the"
        " filters returned",
    ),
    (
        "two terms",
        {"s3_storage": [_storage(one(0.023, GB, "a"), terms=2)]},
        "s3.usd_per_gb_month",
        "2 OnDemand terms, not one",
    ),
    (
        "another unit",
        {
            "athena": [
                product(
                    "AmazonAthena",
                    "A",
                    "Athena Queries",
                    "USE1-DataScannedInTB",
                    one(0.005, "GB", "per GB"),
                )
            ]
        },
        "athena.usd_per_tb_scanned",
        "priced per GB, not per Terabytes",
    ),
    (
        "a gap between tiers",
        {
            "s3_storage": [
                _storage([Tier("0", "51200", 0.023, GB, "a"), Tier("60000", "Inf", 0.022, GB, "b")])
            ]
        },
        "s3.usd_per_gb_month",
        "its tiers do not follow one another (one starts at 60000)",
    ),
    (
        "no end",
        {"s3_storage": [_storage([Tier("0", "51200", 0.023, GB, "a")])]},
        "s3.usd_per_gb_month",
        "its last tier ends at 51200, not Inf",
    ),
    (
        "only free",
        {"s3_storage": [_storage(one(0.0, GB, "free"))]},
        "s3.usd_per_gb_month",
        "every tier is free",
    ),
    (
        "free after paid",
        {
            "s3_storage": [
                _storage([Tier("0", "5", 0.023, GB, "a"), Tier("5", "Inf", 0.0, GB, "b")])
            ]
        },
        "s3.usd_per_gb_month",
        "a free tier comes after a paid one",
    ),
    (
        "another currency",
        {"s3_storage": [_storage(one(0.023, GB, "a")).replace('"USD"', '"CNY"')]},
        "s3.usd_per_gb_month",
        "a price dimension without a USD price and a range",
    ),
    (
        "not JSON",
        {
            "s3_storage": ['{"product": {"sku": "CUT"'],
        },
        "s3.usd_per_gb_month",
        "an answer that is not JSON",
    ),
    (
        "no effective date",
        {"s3_storage": [_storage(one(0.023, GB, "a"), effective="")]},
        "s3.usd_per_gb_month",
        "the OnDemand term has no effective date",
    ),
]


@pytest.mark.parametrize(
    ("answers", "key", "why"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_anything_but_one_price_is_refused_for_that_key_only(answers, key, why):
    answer, _ = fetch(**answers)
    assert answer.refused == {key: why}
    assert set(answer.prices) == set(price_list.specs()) - {key}


def test_read_price_raises_the_reason():
    spec = price_list.specs()["s3.usd_per_gb_month"]
    with pytest.raises(NotOnePrice) as caught:
        read_price(spec, [])
    assert str(caught.value) == (
        "no product with usage type TimedStorage-ByteHrs among the 0 AmazonS3 product(s) the"
        " filters returned"
    )


def test_the_endpoint_is_one_the_query_api_is_served_from():
    assert price_list.endpoint_region("eu-west-1") == "us-east-1"
    assert price_list.endpoint_region("af-south-1") == "us-east-1"
    assert price_list.endpoint_region("ap-south-1") == "ap-south-1"
    assert price_list.endpoint_region("eu-central-1") == "eu-central-1"


def test_every_mapped_key_is_a_price_of_the_table_and_every_price_but_the_rules_is_mapped():
    from olistctl.pricing import region_prices

    keys = set(region_prices("us-east-1").prices)
    mapped = set(price_list.specs())
    assert mapped <= keys
    # Billing rules and an assumption: the Price List has no figure for them.
    assert keys - mapped == {
        "glue.crawler_min_minutes_per_run",
        "glue.crawler_dpus_assumed",
        "athena.min_mb_per_query",
    }


def test_a_spec_is_frozen_data():
    spec = price_list.specs()["logs.usd_per_gb_ingested"]
    assert spec.query("eu-west-1") == (
        "AmazonCloudWatch",
        (("regionCode", "eu-west-1"), ("operation", "PutLogEvents")),
    )
    assert replace(spec, per=2).per == 2 and spec.per == 1


def test_docs_prices_md_states_what_the_code_holds():
    from pathlib import Path

    from olistctl.pricing import bundled_date

    repo = Path(__file__).resolve().parents[2]
    doc = (repo / "docs" / "prices.md").read_text(encoding="utf-8")
    assert "docs/prices.md" in (repo / "README.md").read_text(encoding="utf-8")
    assert f"({len(price_list.specs())} keys:" in doc
    assert f"taken ({bundled_date()})" in doc and f"bundled table of {bundled_date()}" in doc
    for endpoint in price_list.ENDPOINT_REGIONS[1:]:
        assert f"…{endpoint}…" in doc
    # Where more than one unit name is accepted (not confirmed offline), the doc names them.
    for spec in price_list.specs().values():
        if len(spec.units) > 1:
            assert all(f"`{unit}`" in doc for unit in spec.units), spec.key

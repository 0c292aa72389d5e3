"""GetProducts answers for the prices olistctl fetches, in the AWS Price List Query API's shape.

The shape is AWS's own: the GetProducts example that botocore ships
(``botocore/data/pricing/2017-10-15/examples-1.json``, a recorded answer, parsed as it is
in test_price_list.py) and the API reference
(https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html):
``PriceList`` is a list of strings, each a JSON document holding ``product`` (``sku``,
``productFamily``, ``attributes``), ``serviceCode``, ``terms`` -> ``OnDemand`` -> one term
(``effectiveDate``, ``offerTermCode``) -> ``priceDimensions`` (``beginRange``,
``endRange``, ``unit``, ``pricePerUnit`` -> ``USD`` as a 10-decimal string), ``version``
and ``publicationDate``.

No live account was asked: the products below are written in that shape, with the
usage types, attributes and prices of the bundled table's confirmed figures and of
public offer-file extracts (S3 Standard $0.023 / $0.022 / $0.021 per GB-month in tiers
from 50 TB and 500 TB, S3 requests $0.000005 and $0.0000004 per request, Lambda GB-seconds
from 6 and 15 billion, the $0 first million of Glue Data Catalog objects and requests,
Athena's $5 per Terabytes). Each query also returns products olistctl does not price
(other storage classes, request tiers, log classes …), as the real answers do.

``QUERIES`` is the list of GetProducts requests olistctl must send, written out by
hand: the stubbed client fails the test if the code sends anything else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

EFFECTIVE = "2026-03-01T00:00:00Z"
PUBLICATION = "2026-11-20T18:02:11Z"
TERM = "JRTCKXETXF"  # the OnDemand offer term code, as in AWS's example


@dataclass(frozen=True)
class Tier:
    begin: str
    end: str
    usd: float
    unit: str
    description: str


def product(
    service_code: str,
    sku: str,
    family: str,
    usagetype: str,
    tiers: Sequence[Tier],
    *,
    attributes: dict[str, str] | None = None,
    region: str = "us-east-1",
    effective: str = EFFECTIVE,
    terms: int = 1,
) -> str:
    """One ``PriceList`` entry: a product and its OnDemand term(s), as a JSON string."""
    dimensions = {}
    for number, tier in enumerate(tiers):
        rate_code = f"{sku}.{TERM}.{number + 6:02d}YS6EN2CT7"
        dimensions[rate_code] = {
            "unit": tier.unit,
            "endRange": tier.end,
            "description": tier.description,
            "appliesTo": [],
            "rateCode": rate_code,
            "beginRange": tier.begin,
            "pricePerUnit": {"USD": f"{tier.usd:.10f}"},
        }
    on_demand = {
        f"{sku}.{code}": {
            "priceDimensions": dimensions,
            "sku": sku,
            "effectiveDate": effective,
            "offerTermCode": code,
            "termAttributes": {},
        }
        for code in [TERM, "MZU6U2429S"][:terms]
    }
    document = {
        "product": {
            "productFamily": family,
            "attributes": {
                "regionCode": region,
                "servicecode": service_code,
                "usagetype": usagetype,
                "locationType": "AWS Region",
                **(attributes or {}),
            },
            "sku": sku,
        },
        "serviceCode": service_code,
        "terms": {"OnDemand": on_demand},
        "version": "20261120180211",
        "publicationDate": PUBLICATION,
    }
    return json.dumps(document, separators=(",", ":"))


def one(begin_usd: float, unit: str, description: str) -> list[Tier]:
    return [Tier("0", "Inf", begin_usd, unit, description)]


# (ServiceCode, ((field, value), …)) of each GetProducts query olistctl sends, in order.
# Shared queries are sent once: S3's requests, Glue's three prices.
def queries(region: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    here = ("regionCode", region)
    return [
        ("AmazonS3", (here, ("productFamily", "Storage"))),
        ("AmazonS3", (here, ("productFamily", "API Request"))),
        ("AWSLambda", (here, ("group", "AWS-Lambda-Requests"))),
        ("AWSLambda", (here, ("group", "AWS-Lambda-Duration"))),
        ("AWSLambda", (here, ("group", "AWS-Lambda-Duration-ARM"))),
        ("AWSGlue", (here,)),
        ("AmazonAthena", (here,)),
        ("AmazonCloudWatch", (here, ("operation", "PutLogEvents"))),
        ("AmazonCloudWatch", (here,)),
    ]


# The usage-type prefix of each region, and whether S3 and Lambda leave it out (us-east-1).
PREFIX = {"us-east-1": "USE1-", "eu-west-1": "EU-"}


def catalog(region: str, **overrides: list[str]) -> dict[str, list[str]]:
    """Each query's answer in ``region``: ServiceCode/first filter -> entries.

    ``overrides`` replaces one answer by name (``s3_storage=[…]``).
    """
    p = PREFIX[region]
    bare = "" if region == "us-east-1" else p  # S3 and Lambda: no prefix in us-east-1
    gb_mo = "GB-Mo"
    answers = {
        "s3_storage": [
            product(
                "AmazonS3",
                "WP9ANXZGBYYSGJEA",
                "Storage",
                f"{bare}TimedStorage-ByteHrs",
                [
                    Tier(
                        "0",
                        "51200",
                        0.023,
                        gb_mo,
                        "$0.023 per GB - first 50 TB / month of storage used",
                    ),
                    Tier(
                        "51200",
                        "512000",
                        0.022,
                        gb_mo,
                        "$0.022 per GB - next 450 TB / month of storage used",
                    ),
                    Tier(
                        "512000",
                        "Inf",
                        0.021,
                        gb_mo,
                        "$0.021 per GB - storage used / month over 500 TB",
                    ),
                ],
                attributes={"storageClass": "General Purpose", "volumeType": "Standard"},
                region=region,
            ),
            product(
                "AmazonS3",
                "CMMGPR4YFGG4YNX8",
                "Storage",
                f"{bare}TimedStorage-SIA-ByteHrs",
                one(
                    0.0125,
                    gb_mo,
                    "$0.0125 per GB-Month of storage used in Standard-Infrequent Access",
                ),
                attributes={
                    "storageClass": "Infrequent Access",
                    "volumeType": "Standard - Infrequent Access",
                },
                region=region,
            ),
            product(
                "AmazonS3",
                "HV3QV4ZJ28Q4HTJ5",
                "Storage",
                f"{bare}TimedStorage-INT-FA-ByteHrs",
                [
                    Tier(
                        "0",
                        "51200",
                        0.023,
                        gb_mo,
                        "$0.023 per GB - first 50 TB / month - Frequent Access Tier",
                    ),
                    Tier(
                        "51200",
                        "Inf",
                        0.022,
                        gb_mo,
                        "$0.022 per GB - over 50 TB / month - Frequent Access Tier",
                    ),
                ],
                attributes={
                    "storageClass": "Intelligent-Tiering",
                    "volumeType": "Intelligent-Tiering Frequent Access",
                },
                region=region,
            ),
        ],
        "s3_requests": [
            product(
                "AmazonS3",
                "QCTUXY7RMN3P8ZDH",
                "API Request",
                f"{bare}Requests-Tier1",
                one(0.000005, "Requests", "$0.005 per 1,000 PUT, COPY, POST, or LIST requests"),
                attributes={"group": "S3-API-Tier1"},
                region=region,
            ),
            product(
                "AmazonS3",
                "JDYZ3GV7PEAPVC8N",
                "API Request",
                f"{bare}Requests-Tier2",
                one(0.0000004, "Requests", "$0.004 per 10,000 GET and all other requests"),
                attributes={"group": "S3-API-Tier2"},
                region=region,
            ),
            product(
                "AmazonS3",
                "E3D2BA6QZYDM5KDP",
                "API Request",
                f"{bare}Requests-SIA-Tier1",
                one(0.00001, "Requests", "$0.01 per 1,000 PUT, COPY, POST, or LIST requests (SIA)"),
                attributes={"group": "S3-API-SIA-Tier1"},
                region=region,
            ),
        ],
        "lambda_requests": [
            product(
                "AWSLambda",
                "CVY8QD9PNH5FTQMA",
                "Serverless",
                f"{bare}Request",
                one(0.0000002, "Requests", "AWS Lambda - Requests - $0.20 per 1M requests"),
                attributes={"group": "AWS-Lambda-Requests"},
                region=region,
            ),
        ],
        "lambda_duration": [
            product(
                "AWSLambda",
                "TG3M4CAGBA3NYQBH",
                "Serverless",
                f"{bare}Lambda-GB-Second",
                [
                    Tier(
                        "0",
                        "6000000000",
                        0.0000166667,
                        "Lambda-GB-Second",
                        "AWS Lambda - Total Compute - Tier-1",
                    ),
                    Tier(
                        "6000000000",
                        "15000000000",
                        0.000015,
                        "Lambda-GB-Second",
                        "AWS Lambda - Total Compute - Tier-2",
                    ),
                    Tier(
                        "15000000000",
                        "Inf",
                        0.0000133334,
                        "Lambda-GB-Second",
                        "AWS Lambda - Total Compute - Tier-3",
                    ),
                ],
                attributes={"group": "AWS-Lambda-Duration"},
                region=region,
            ),
        ],
        "lambda_duration_arm": [
            product(
                "AWSLambda",
                "2MU2BP3GJ4ZXWJ2H",
                "Serverless",
                f"{bare}Lambda-GB-Second-ARM",
                [
                    Tier(
                        "0",
                        "7500000000",
                        0.0000133334,
                        "Lambda-GB-Second",
                        "AWS Lambda - Total Compute (ARM) - Tier-1",
                    ),
                    Tier(
                        "7500000000",
                        "18750000000",
                        0.0000120001,
                        "Lambda-GB-Second",
                        "AWS Lambda - Total Compute (ARM) - Tier-2",
                    ),
                    Tier(
                        "18750000000",
                        "Inf",
                        0.0000106667,
                        "Lambda-GB-Second",
                        "AWS Lambda - Total Compute (ARM) - Tier-3",
                    ),
                ],
                attributes={"group": "AWS-Lambda-Duration-ARM"},
                region=region,
            ),
        ],
        "glue": [
            product(
                "AWSGlue",
                "2SSH4F6Y5DYXQPSF",
                "AWS Glue",
                f"{p}Crawler-DPU-Hour",
                one(0.44, "DPU-Hour", "$0.44 per Data Processing Unit-Hour for AWS Glue crawler"),
                attributes={"operation": "CrawlerRun"},
                region=region,
            ),
            product(
                "AWSGlue",
                "U9VBM4AJ8GDB3Y4B",
                "AWS Glue",
                f"{p}ETL-DPU-Hour",
                one(
                    0.44,
                    "DPU-Hour",
                    "$0.44 per DPU-Hour for each Apache Spark or Spark Streaming job",
                ),
                attributes={"operation": "Jobrun"},
                region=region,
            ),
            product(
                "AWSGlue",
                "9F6NPM6ZKWJC5X4A",
                "Data Catalog Storage",
                f"{p}Catalog-Storage",
                [
                    Tier(
                        "0",
                        "1000000",
                        0.0,
                        "Obj-Month",
                        "First 1M objects stored in the AWS Glue Data Catalog are free",
                    ),
                    Tier(
                        "1000000",
                        "Inf",
                        0.00001,
                        "Obj-Month",
                        "$1.00 per 100,000 objects stored above 1M, per month",
                    ),
                ],
                region=region,
            ),
            product(
                "AWSGlue",
                "SVDGJ5SX69DBQ6QB",
                "Data Catalog Requests",
                f"{p}Catalog-Request",
                [
                    Tier(
                        "0",
                        "1000000",
                        0.0,
                        "Requests",
                        "First 1M requests made to the AWS Glue Data Catalog per month are free",
                    ),
                    Tier(
                        "1000000",
                        "Inf",
                        0.000001,
                        "Requests",
                        "$1.00 per million requests above 1M in a month",
                    ),
                ],
                region=region,
            ),
        ],
        "athena": [
            product(
                "AmazonAthena",
                "6NNVH3VQF4Y7JXP4",
                "Athena Queries",
                f"{p}DataScannedInTB",
                one(5.0, "Terabytes", "5.00 USD per Terabytes for DataScannedInTB"),
                region=region,
            ),
            product(
                "AmazonAthena",
                "B6G5JA4WUP5FSKNT",
                "Athena Capacity",
                f"{p}DPU-Hour",
                one(0.30, "DPU-Hour", "0.30 USD per DPU-Hour for provisioned capacity"),
                region=region,
            ),
        ],
        "logs_ingestion": [
            product(
                "AmazonCloudWatch",
                "C5BZ7GPNBN3Z8H4S",
                "Data Payload",
                f"{p}DataProcessing-Bytes",
                one(0.50, "GB", "$0.50 per GB custom log data ingested in Standard log class"),
                attributes={"operation": "PutLogEvents", "group": "Ingested Logs"},
                region=region,
            ),
            product(
                "AmazonCloudWatch",
                "P6F5Q3RNXDHQ9V9G",
                "Data Payload",
                f"{p}DataProcessingIA-Bytes",
                one(
                    0.25,
                    "GB",
                    "$0.25 per GB custom log data ingested in Infrequent Access log class",
                ),
                attributes={"operation": "PutLogEvents", "group": "Ingested Logs IA"},
                region=region,
            ),
            product(
                "AmazonCloudWatch",
                "J8Z2RBNZYRK3VBFX",
                "Data Payload",
                f"{p}VendedLog-Bytes",
                [
                    Tier(
                        "0",
                        "10240",
                        0.50,
                        "GB",
                        "$0.50 per GB vended log data ingested - first 10 TB",
                    ),
                    Tier(
                        "10240",
                        "Inf",
                        0.25,
                        "GB",
                        "$0.25 per GB vended log data ingested - next 20 TB",
                    ),
                ],
                attributes={"operation": "PutLogEvents", "group": "Vended Logs"},
                region=region,
            ),
        ],
        "cloudwatch": [
            product(
                "AmazonCloudWatch",
                "WVWYR7U2HBJ2TVQS",
                "Storage Snapshot",
                f"{p}TimedStorage-ByteHrs",
                one(0.03, "GB-Mo", "$0.03 per GB-mo of log storage"),
                attributes={"group": "Amazon CloudWatch Standard Storage pricing current"},
                region=region,
            ),
            product(
                "AmazonCloudWatch",
                "3Q8MBN3M6GRXY9SF",
                "Alarm",
                f"{p}CW:AlarmMonitorUsage",
                one(0.10, "Alarms", "$0.10 per alarm metric month - standard resolution"),
                region=region,
            ),
            product(
                "AmazonCloudWatch",
                "DHHAE4XXW7Y9YJ8G",
                "Metric",
                f"{p}CW:MetricMonitorUsage",
                [
                    Tier(
                        "0",
                        "10000",
                        0.30,
                        "Metrics",
                        "$0.30 per metric-month for the first 10,000 metrics",
                    ),
                    Tier(
                        "10000",
                        "Inf",
                        0.10,
                        "Metrics",
                        "$0.10 per metric-month for the next 240,000 metrics",
                    ),
                ],
                region=region,
            ),
            product(
                "AmazonCloudWatch",
                "C5BZ7GPNBN3Z8H4S",
                "Data Payload",
                f"{p}DataProcessing-Bytes",
                one(0.50, "GB", "$0.50 per GB custom log data ingested in Standard log class"),
                attributes={"operation": "PutLogEvents", "group": "Ingested Logs"},
                region=region,
            ),
            product(
                "AmazonCloudWatch",
                "Y7G6M8NQ7X8UVZHR",
                "Storage Snapshot",
                f"{p}TimedStorage-IA-ByteHrs",
                one(0.03, "GB-Mo", "$0.03 per GB-mo of log storage - Infrequent Access"),
                attributes={"group": "Amazon CloudWatch IA Storage"},
                region=region,
            ),
        ],
    }
    answers.update(overrides)
    return answers


# Query (in the order of ``queries``) -> the name of its answer in ``catalog``.
ANSWER_OF = [
    "s3_storage",
    "s3_requests",
    "lambda_requests",
    "lambda_duration",
    "lambda_duration_arm",
    "glue",
    "athena",
    "logs_ingestion",
    "cloudwatch",
]

# What those answers price, in olistctl's units (the bundled table's us-east-1 figures).
EXPECTED_US_EAST_1 = {
    "s3.usd_per_gb_month": 0.023,
    "s3.usd_per_1k_put_requests": 0.005,
    "s3.usd_per_1k_get_requests": 0.0004,
    "lambda.usd_per_1m_requests": 0.2,
    "lambda.usd_per_gb_second": 0.0000166667,
    "lambda.usd_per_gb_second_arm64": 0.0000133334,
    "glue.usd_per_dpu_hour": 0.44,
    "glue.usd_per_100k_catalog_objects_month": 1.0,
    "glue.usd_per_1m_catalog_requests": 1.0,
    "athena.usd_per_tb_scanned": 5.0,
    "logs.usd_per_gb_ingested": 0.5,
    "logs.usd_per_gb_month_stored": 0.03,
}


def fetched(region: str = "us-east-1", *, now=None, **overrides):
    """What olistctl reads from these answers (``price_list.fetch`` on a source serving them)."""
    from datetime import UTC, datetime

    from olistctl import price_list

    answers = catalog(region, **overrides)
    by_query = dict(zip(queries(region), (answers[n] for n in ANSWER_OF), strict=True))

    class Source:
        endpoint_region = "us-east-1"

        def products(self, service_code, filters):
            return by_query[(service_code, tuple(filters))]

    when = now or datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    return price_list.fetch(region, Source(), now=when)

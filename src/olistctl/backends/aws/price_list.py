"""GetProducts from the AWS Price List Query API, for ``report cost --refresh-prices``.

The pricing client comes from the one client factory (:class:`AwsClients`: retries,
timeouts, user agent, profile, ``--endpoint-url``) rather than from a capability of
the aws backend: prices are a fact about AWS, not about where the pipeline runs, so
the local backend, which prices its runs as if they had happened on AWS, refreshes
them the same way; and the client is made in a Price List endpoint's region, not
the stack's. The Price List needs signed requests: credentials, but no resource
(the operator policy grants ``pricing:GetProducts`` on "*").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import botocore.exceptions

from olistctl.backends.aws.clients import AwsClients, aws_errors
from olistctl.errors import ConfigError
from olistctl.price_list import ProductSource, endpoint_region
from olistctl.settings import Settings

FORMAT_VERSION = "aws_v1"
PAGE_SIZE = 100  # GetProducts' MaxResults: 1 to 100


class PriceListApi(ProductSource):
    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients  # made in a Price List endpoint's region (open_price_list)

    @property
    def endpoint_region(self) -> str:
        return self.clients.region

    def _client(self):
        try:
            return self.clients.price_list_client(self.endpoint_region)
        except ConfigError as error:
            if isinstance(error.__cause__, botocore.exceptions.NoCredentialsError):
                raise ConfigError(
                    "The AWS Price List API needs AWS credentials, and none were found",
                    hint="run `aws configure`, set AWS_PROFILE, or pass --profile",
                ) from error
            raise

    def products(self, service_code: str, filters: Sequence[tuple[str, str]]) -> list[Any]:
        pricing = self._client()
        entries: list[Any] = []
        with aws_errors("pricing:GetProducts", f"the AWS Price List ({service_code})"):
            paginator = pricing.get_paginator("get_products")  # follows NextToken
            for page in paginator.paginate(
                ServiceCode=service_code,
                Filters=[{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in filters],
                FormatVersion=FORMAT_VERSION,
                PaginationConfig={"PageSize": PAGE_SIZE},
            ):
                entries.extend(page.get("PriceList", []))
        return entries


def open_price_list(settings: Settings, region: str) -> PriceListApi:
    """The Price List, to be asked for ``region``'s prices (from ``region`` itself when it
    is an endpoint's region, else from us-east-1)."""
    # The one place the endpoint is chosen: the client is made there, and fetch() records
    # it from the source.
    clients = AwsClients(
        region=endpoint_region(region),
        profile=settings.get("profile"),
        endpoint_url=settings.get("endpoint_url"),
    )
    return PriceListApi(clients)

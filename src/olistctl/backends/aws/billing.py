"""What Cost Explorer says AWS billed the stack's tagged resources (``report cost --actual``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from olistctl.backends.aws.clients import aws_errors
from olistctl.cost.billed import ActualCosts
from olistctl.cost.period import Period


def actual_costs(ce, period: Period, *, tag_key: str, tag_value: str) -> ActualCosts:
    """Unblended cost per service of resources tagged ``tag_key=tag_value`` (days, UTC).

    Cost Explorer works in whole days and its end date is exclusive; each
    page is a paid request.
    """
    start = period.start.date()
    end = (period.end - timedelta(microseconds=1)).date() + timedelta(days=1)
    by_service: dict[str, float] = {}
    currency = "USD"
    requests = 0
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
            "Granularity": "MONTHLY",
            "Metrics": ["UnblendedCost"],
            "Filter": {"Tags": {"Key": tag_key, "Values": [tag_value]}},
            "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
        }
        if token:
            kwargs["NextPageToken"] = token
        with aws_errors("GetCostAndUsage", "Cost Explorer"):
            page = ce.get_cost_and_usage(**kwargs)
        requests += 1
        for result in page.get("ResultsByTime", []):
            for group in result.get("Groups", []):
                amount = group.get("Metrics", {}).get("UnblendedCost", {})
                service = group.get("Keys", ["?"])[0]
                by_service[service] = by_service.get(service, 0.0) + float(amount.get("Amount", 0))
                currency = amount.get("Unit", currency)
        token = page.get("NextPageToken")
        if not token:
            break
    return ActualCosts(start.isoformat(), end.isoformat(), by_service, currency, requests)

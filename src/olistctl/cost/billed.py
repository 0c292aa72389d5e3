"""What the cloud billed, as its billing service reports it (Cost Explorer on aws)."""

from __future__ import annotations

from dataclasses import dataclass

from olistctl.cost.estimate import COST_EXPLORER_USD_PER_REQUEST


@dataclass
class ActualCosts:
    """What AWS billed the stack's tagged resources, by service (Cost Explorer)."""

    start: str  # ISO dates, end exclusive
    end: str
    by_service: dict[str, float]
    currency: str
    requests: int  # Cost Explorer requests made

    @property
    def total(self) -> float:
        return sum(self.by_service.values())

    @property
    def request_cost(self) -> float:
        return self.requests * COST_EXPLORER_USD_PER_REQUEST

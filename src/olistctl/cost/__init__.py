"""What the pipeline costs: usage measured on either backend, priced against the Free Tier.

- :mod:`~olistctl.cost.period`: the period a report covers (``--since``, ``--month``).
- :mod:`~olistctl.cost.usage`: the usage record both backends fill, and the
  assumptions behind the few figures AWS does not report.
- :mod:`~olistctl.cost.local_usage`: usage of the local backend (ledger + workspace).
- :mod:`~olistctl.cost.estimate`: usage priced into report lines, with a monthly projection.
- :mod:`~olistctl.cost.scan_compare`: Parquet versus CSV scans of the named queries.

The aws side lives in :mod:`olistctl.backends.aws.usage` (it needs boto3).
"""

from olistctl.cost.estimate import CostLine, CostReport, FreeTierPlan, build_report
from olistctl.cost.period import Period, resolve_period
from olistctl.cost.usage import CrawlRun, Usage

__all__ = [
    "CostLine",
    "CostReport",
    "CrawlRun",
    "FreeTierPlan",
    "Period",
    "Usage",
    "build_report",
    "resolve_period",
]

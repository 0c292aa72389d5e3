"""What the pipeline costs: usage measured on either backend, priced against the Free Tier.

- :mod:`~olistctl.cost.period`: the period a report covers (``--since``, ``--month``).
- :mod:`~olistctl.cost.usage`: the usage record both backends fill, what the run ledger
  alone says (``ledger_usage``), and the assumptions behind the few figures AWS does
  not report.
- :mod:`~olistctl.cost.estimate`: usage priced into report lines, with a monthly projection.
- :mod:`~olistctl.cost.scan_compare`: Parquet versus CSV scans of the named queries.
- :mod:`~olistctl.cost.billed`: what the cloud billed (Cost Explorer's answer).

Each backend gathers its own usage (``Backend.usage``): the local one from its ledger
and workspace (``backends/local/workspace_usage.py``), the aws one from the account
(``backends/aws/account_usage.py``, which needs boto3).
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

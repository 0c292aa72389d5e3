"""The aws backend: S3, Lambda, Glue and Athena through boto3 (one client factory).

Imported only when ``--backend aws`` is chosen, so the local backend and
``olistctl --help`` never load boto3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from olistctl.backends.aws.bucket_encryption import BucketEncryption
from olistctl.backends.aws.catalog import GlueCatalog
from olistctl.backends.aws.clients import AwsClients
from olistctl.backends.aws.engine import AthenaEngine
from olistctl.backends.aws.ledger import S3Ledger
from olistctl.backends.aws.names import StackNames
from olistctl.backends.aws.runner import InProcessS3Runner, LambdaRunner
from olistctl.backends.aws.store import S3Store
from olistctl.backends.aws.teardown import AwsTeardown
from olistctl.backends.base import Backend
from olistctl.errors import ConfigError
from olistctl.settings import STACK_TAG_KEY, Settings

if TYPE_CHECKING:
    from olistctl.cost.billed import ActualCosts
    from olistctl.cost.period import Period
    from olistctl.cost.usage import Usage

__all__ = [
    "AthenaEngine",
    "AwsBackend",
    "AwsClients",
    "AwsTeardown",
    "BucketEncryption",
    "GlueCatalog",
    "InProcessS3Runner",
    "LambdaRunner",
    "S3Ledger",
    "S3Store",
    "StackNames",
    "open_aws_backend",
]


class AwsBackend(Backend):
    """The stack's buckets, function, catalog and workgroup, all through one client factory."""

    name = "aws"
    IMPLEMENTS_BILLING = True
    IMPLEMENTS_DESTROY_INFRA = True
    teardown: AwsTeardown

    def __init__(self, settings: Settings, clients: AwsClients) -> None:
        self.settings = settings
        self.clients = clients
        self.names = names = StackNames(settings)
        encryption = BucketEncryption(clients)
        self.store = store = S3Store(clients, names, encryption)
        runner_name = settings.get("runner") or "lambda"  # a known one: load_settings checks
        self.runner = (
            LambdaRunner(clients, names, store)
            if runner_name == "lambda"
            else InProcessS3Runner(clients, names, store)
        )
        self.catalog = GlueCatalog(clients, names, store)
        self.engine = AthenaEngine(clients, names)
        self.ledger = S3Ledger(clients, names, encryption)
        self.teardown = AwsTeardown(clients, names)

    def database(self) -> str | None:
        return self.names.database

    def usage(self, period: Period, *, memory_mb: int) -> Usage:
        """Usage read from the account (one boto3 session: the backend's clients)."""
        from olistctl.backends.aws.account_usage import StackResources, gather_aws_usage

        try:
            entries = self.ledger.entries(since=period.start)
            missing_ledger = None
        except ConfigError as exc:  # the ledger lives in the results bucket
            entries, missing_ledger = [], exc.message
        usage = gather_aws_usage(
            self.clients,
            StackResources.from_settings(self.settings),
            period,
            ledger_entries=entries,
            memory_mb=memory_mb,
        )
        if missing_ledger:
            usage.notes.append(
                f"No run ledger ({missing_ledger}): S3 requests and fallbacks count nothing."
            )
        return usage

    def billing(self, period: Period, *, note: Callable[[str], None]) -> ActualCosts:
        """Cost Explorer's unblended cost of the resources tagged with the stack's name."""
        from olistctl.backends.aws.billing import actual_costs

        stack = self.settings.require("stack")
        note("Asking Cost Explorer what AWS billed: each Cost Explorer request costs $0.01.")
        return actual_costs(
            self.clients.client("ce"), period, tag_key=STACK_TAG_KEY, tag_value=stack
        )

    def destroy_infra(self) -> str:
        return self.teardown.destroy_infra(self.settings)


def open_aws_backend(settings: Settings, *, clients: AwsClients | None = None) -> AwsBackend:
    """The aws backend for these settings; resource names are required when first used."""
    return AwsBackend(settings, clients or AwsClients.from_settings(settings))

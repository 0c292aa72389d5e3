"""The aws backend: S3, Lambda, Glue and Athena through boto3 (one client factory).

Imported only when ``--backend aws`` is chosen, so the local backend and
``olistctl --help`` never load boto3.
"""

from __future__ import annotations

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
from olistctl.settings import Settings

__all__ = [
    "AthenaEngine",
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

RUNNERS = ("lambda", "local")


def open_aws_backend(settings: Settings, *, clients: AwsClients | None = None) -> Backend:
    """The aws backend for these settings; resource names are required when first used."""
    clients = clients or AwsClients.from_settings(settings)
    names = StackNames(settings)
    encryption = BucketEncryption(clients)
    store = S3Store(clients, names, encryption)
    runner_name = settings.get("runner") or "lambda"
    if runner_name not in RUNNERS:
        raise ConfigError(
            f"Unknown transform runner {runner_name!r} (from {settings.source('runner')})",
            hint="use --runner lambda or --runner local",
        )
    runner = (
        LambdaRunner(clients, names, store)
        if runner_name == "lambda"
        else InProcessS3Runner(clients, names, store)
    )
    return Backend(
        name="aws",
        store=store,
        runner=runner,
        catalog=GlueCatalog(clients, names, store),
        engine=AthenaEngine(clients, names),
        ledger=S3Ledger(clients, names, encryption),
        teardown=AwsTeardown(clients, names),
        database=lambda: names.database,
    )

"""The local backend: a workspace folder, the transform core, a footer catalog and DuckDB."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from olistctl.backends.base import Backend
from olistctl.backends.local.catalog import LocalCatalog
from olistctl.backends.local.engine import LocalEngine
from olistctl.backends.local.ledger import LocalLedger
from olistctl.backends.local.runner import LocalRunner
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.teardown import LocalTeardown
from olistctl.backends.local.workspace import Workspace
from olistctl.errors import UsageError
from olistctl.records import ObjectInfo, OwnFile
from olistctl.settings import STACK_ONLY, Settings

if TYPE_CHECKING:
    from olistctl.cost.period import Period
    from olistctl.cost.usage import Usage


class LocalBackend(Backend):
    """Every stage in a workspace folder; no bill to ask and no infrastructure to destroy."""

    name = "local"
    store: LocalStore

    def __init__(self, settings: Settings, workspace: Workspace) -> None:
        self.settings = settings
        self.workspace = workspace
        self.store = store = LocalStore(workspace)
        self.runner = LocalRunner(store)
        self.catalog = catalog = LocalCatalog(store)
        self.engine = LocalEngine(store, catalog, settings.get("database"))
        self.ledger = LocalLedger(workspace)
        self.teardown = LocalTeardown(workspace)

    def database(self) -> str | None:
        return self.settings.get("database")

    def exclusive(self) -> AbstractContextManager[object]:
        return self.workspace.lock()

    def stores_nothing(self) -> bool:
        return not self.workspace.exists()

    def own_file(self, name: str) -> OwnFile:
        workspace = self.workspace
        if not workspace.exists():  # nothing stored yet: never create a workspace for this
            return OwnFile(path=None, claim=lambda: None)
        path = workspace.root / name

        def claim() -> None:
            with workspace.shared():
                workspace.claim(path)

        def write(data: bytes) -> None:
            # Not flushed to disk: olistctl's own files here can all be made again.
            workspace.write_bytes(path, data, durable=False)

        return OwnFile(path=path, claim=claim, write=write)

    def previous_versions(self) -> list[ObjectInfo]:
        return self.store.previous_versions()

    def usage(self, period: Period, *, memory_mb: int) -> Usage:
        """The workspace's usage, priced as if the runs had happened on AWS."""
        from olistctl.backends.local.workspace_usage import gather_local_usage

        return gather_local_usage(
            self.store,
            self.catalog.tables(),
            self.ledger.entries(since=period.start),
            period,
            memory_mb=memory_mb,
        )


def open_local_backend(
    settings: Settings, *, on_wait: Callable[[str], None] | None = None
) -> LocalBackend:
    """``on_wait`` hears (once) that another olistctl command holds the workspace."""
    refuse_stack_flags(settings)
    refuse_runner_flag(settings)
    workspace = Workspace(settings.workspace_path)
    workspace.check()  # before any command reads or writes there

    def waiting() -> None:
        if on_wait is not None:
            on_wait(
                f"Another olistctl command is using the workspace {workspace.root};"
                " waiting for it to finish (Ctrl-C to stop)."
            )

    workspace.waiting = waiting
    return LocalBackend(settings, workspace)


def refuse_stack_flags(settings: Settings) -> None:
    """UsageError for a flag naming a part of the aws stack (``--raw-bucket``) on the local
    backend, which has none: a user who forgot ``--backend aws`` would see the local
    workspace answer instead. Set in the environment or olistctl.toml, they stay quiet
    (settings kept for both backends); ``config show`` lists them all the same."""
    given = [key for key in STACK_ONLY if settings.source(key) == "flag"]
    if given:
        flags = " and ".join("--" + key.replace("_", "-") for key in given)
        raise UsageError(
            f"{flags} name{'s' * (len(given) == 1)} part of the aws stack, and the backend is"
            f" local ({settings.source('backend')})",
            hint=f"add --backend aws, or drop {flags}",
        )


def refuse_runner_flag(settings: Settings) -> None:
    """UsageError for ``--runner`` on the local backend, which has one way to convert: in
    this process, each conversion priced by ``report cost`` as a Lambda invocation. Neither
    value would change that (``lambda`` names the stack's function; ``local`` on aws means
    no Lambda charge), so taking the flag would be a silent no-op. As for the stack's
    names, OLISTCTL_RUNNER and olistctl.toml stay quiet (settings kept for both backends)."""
    if settings.source("runner") == "flag":
        raise UsageError(
            "--runner chooses where the aws backend converts files, and the backend is local"
            f" ({settings.source('backend')}), which always converts in this process",
            hint="add --backend aws, or drop --runner",
        )

"""The local backend: a workspace folder, the transform core, a footer catalog and DuckDB."""

from __future__ import annotations

from collections.abc import Callable

from olistctl.backends.base import Backend
from olistctl.backends.local.catalog import LocalCatalog
from olistctl.backends.local.engine import LocalEngine
from olistctl.backends.local.ledger import LocalLedger
from olistctl.backends.local.runner import LocalRunner
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.teardown import LocalTeardown
from olistctl.backends.local.workspace import Workspace
from olistctl.settings import Settings


def open_local_backend(
    settings: Settings, *, on_wait: Callable[[str], None] | None = None
) -> Backend:
    """``on_wait`` hears (once) that another olistctl command holds the workspace."""
    workspace = Workspace(settings.workspace_path)
    workspace.check()  # before any command reads or writes there

    def waiting() -> None:
        if on_wait is not None:
            on_wait(
                f"Another olistctl command is using the workspace {workspace.root};"
                " waiting for it to finish (Ctrl-C to stop)."
            )

    workspace.waiting = waiting
    store = LocalStore(workspace)
    catalog = LocalCatalog(store)
    return Backend(
        name="local",
        store=store,
        runner=LocalRunner(store),
        catalog=catalog,
        engine=LocalEngine(store, catalog, settings.get("database")),
        ledger=LocalLedger(workspace),
        teardown=LocalTeardown(workspace),
        database=lambda: settings.get("database"),
        exclusive=workspace.lock,
        previous_versions=store.previous_versions,
    )

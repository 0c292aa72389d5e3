"""Backends: one implementation of each pipeline stage per place the pipeline runs."""

from __future__ import annotations

from olistctl.backends.base import Backend
from olistctl.settings import Settings


def open_backend(settings: Settings) -> Backend:
    """The backend that ``settings.backend`` names (imports only that one)."""
    if settings.get("backend") == "aws":
        from olistctl.backends.aws import open_aws_backend

        return open_aws_backend(settings)
    from olistctl.backends.local import open_local_backend

    return open_local_backend(settings)

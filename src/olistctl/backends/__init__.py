"""Backends: one implementation of each pipeline stage per place the pipeline runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from olistctl.backends.base import Backend
from olistctl.settings import Settings

if TYPE_CHECKING:
    from olistctl.price_list import ProductSource


def open_backend(settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> Backend:
    """The backend that ``settings.backend`` names (imports only that one).

    ``on_wait`` hears when a command must wait for another to release the
    local workspace (the aws backend never waits).
    """
    if settings.get("backend") == "aws":
        from olistctl.backends.aws import open_aws_backend

        return open_aws_backend(settings)
    from olistctl.backends.local import open_local_backend

    return open_local_backend(settings, on_wait=on_wait)


def open_price_list(settings: Settings, region: str) -> ProductSource:
    """The AWS Price List Query API, whichever backend runs (loads boto3 only now)."""
    from olistctl.backends.aws.price_list import open_price_list as open_api

    return open_api(settings, region)

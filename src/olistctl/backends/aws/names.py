"""The stack's resource names, each required only when a command first needs it.

`olistctl query` needs the workgroup and the database but not the function;
asking for every name up front would fail commands for a name they never use.
"""

from __future__ import annotations

from olistctl.records import Stage
from olistctl.settings import Settings

_BUCKET_KEYS: dict[str, str] = {
    "raw": "raw_bucket",
    "processed": "processed_bucket",
    "results": "results_bucket",
}


class StackNames:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def bucket(self, stage: Stage) -> str:
        return self.settings.require(_BUCKET_KEYS[stage])

    def known_buckets(self) -> dict[Stage, str]:
        """The buckets that are configured, by stage (missing ones left out)."""
        found: dict[Stage, str] = {}
        for stage, key in _BUCKET_KEYS.items():
            value = self.settings.get(key)
            if value:
                found[stage] = value  # type: ignore[index]
        return found

    @property
    def function_name(self) -> str:
        return self.settings.require("function_name")

    @property
    def database(self) -> str:
        return self.settings.require("database")

    @property
    def crawler(self) -> str:
        return self.settings.require("crawler")

    @property
    def workgroup(self) -> str:
        return self.settings.require("workgroup")

    @property
    def stack(self) -> str | None:
        return self.settings.get("stack")

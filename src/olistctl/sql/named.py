"""The named queries shipped with olistctl: ``queries/<name>.sql``, in Athena SQL.

Each file starts with ``-- <one-line description>``; a ``-- kpi: true`` line
among the leading comments puts it in the KPI summary that ``olistctl run``
prints. They use the bare table names and run unchanged on Athena and on the
local engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

_PACKAGE = "olistctl.sql"
_FOLDER = "queries"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    kpi: bool = False


def _parse(name: str, text: str) -> NamedQuery:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("--"):
        raise ValueError(f"queries/{name}.sql must start with '-- <description>'")
    description = lines[0][2:].strip()
    kpi = False
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        key, _, value = line[2:].partition(":")
        if key.strip().lower() == "kpi":
            kpi = value.strip().lower() == "true"
    return NamedQuery(name=name, description=description, sql=text.strip(), kpi=kpi)


@cache
def _load() -> dict[str, NamedQuery]:
    folder = resources.files(_PACKAGE) / _FOLDER
    queries = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            name = entry.name[: -len(".sql")]
            queries[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(queries.items()))


def list_queries() -> list[NamedQuery]:
    """Every named query, by name."""
    return list(_load().values())


def get_query(name: str) -> NamedQuery:
    """The named query ``name``; KeyError (with the name) when there is none."""
    return _load()[name]

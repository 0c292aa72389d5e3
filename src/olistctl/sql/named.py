"""The named queries shipped with olistctl: ``queries/<name>.sql``, in Athena SQL.

Each file starts with leading comment lines, then the query:

- ``-- <one-line description>`` (the first line);
- ``-- kpi: true`` puts it in the KPI summary that ``olistctl run`` prints;
- ``-- param: <name> <type> [= <default>] [-- <what it means>]`` declares a
  parameter, one line each, in the order of the query's ``?`` marks, e.g.
  ``-- param: since date = 2017-01-01 -- orders purchased on or after this day``.
  The type is one of ``params.TYPES``; the default is written as it would be
  given on the command line (``SP``, ``2017-01-01``, ``10``), in single quotes
  when it has spaces or is empty (``''``). A parameter without a default must
  be given.

The query itself is Athena SQL with one ``?`` per declared parameter, each in a
``WHERE`` clause (Athena allows them nowhere else); values are bound to the
``?`` marks by position, as Athena's execution parameters are, and never pasted
into the text. The files use the bare table names and run unchanged on Athena
and on the local engine. Every parameter has a default in the shipped queries,
so each runs as it is (``olistctl run`` runs the KPI queries that way).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from olistctl.sql.params import NAME, TYPES, BoundParam, Param, bind_named, parse_value
from olistctl.sql.params import placeholder_count as _placeholders

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_PACKAGE = "olistctl.sql"
_FOLDER = "queries"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    kpi: bool = False
    params: tuple[Param, ...] = field(default=())

    @property
    def runs_as_is(self) -> bool:
        """Every parameter has a default, so the query runs without any being given."""
        return all(p.default is not None for p in self.params)

    def bind(self, given: Mapping[str, Any] | None = None) -> list[BoundParam]:
        """The query's parameters from ``given`` (text or Python values) and the defaults."""
        return bind_named(self.name, self.params, given or {})


def _param(name: str, text: str) -> Param:
    """``since date = 2017-01-01 -- what it means`` (the text after ``-- param:``)."""
    where = f"queries/{name}.sql: param {text!r}"
    head, _, rest = text.strip().partition(" ")
    param_name = head.strip()
    type_name, _, rest = rest.strip().partition(" ")
    rest = rest.strip()
    default_text: str | None = None
    if rest.startswith("="):
        rest = rest[1:].strip()
        if rest.startswith("'"):
            end = 1
            while True:
                end = rest.find("'", end)
                if end < 0:
                    raise ValueError(f"{where}: the quoted default is not closed")
                if rest[end + 1 : end + 2] == "'":
                    end += 2
                    continue
                break
            default_text, rest = rest[1:end].replace("''", "'"), rest[end + 1 :].strip()
        else:
            default_text, separator, tail = rest.partition(" --")
            default_text, rest = default_text.strip(), separator.strip() + tail
    description = ""
    if rest:
        if not rest.startswith("--"):
            raise ValueError(f"{where}: expected '-- <description>' after the default")
        description = rest[2:].strip()
    if not NAME.fullmatch(param_name):
        raise ValueError(f"{where}: the name must be lowercase letters, digits and _")
    if type_name not in TYPES:
        raise ValueError(f"{where}: the type must be one of {', '.join(TYPES)}")
    default = None
    if default_text is not None:
        default = parse_value(type_name, default_text, name=param_name)
    return Param(param_name, type_name, default, description)


def _parse(name: str, text: str) -> NamedQuery:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("--"):
        raise ValueError(f"queries/{name}.sql must start with '-- <description>'")
    description = lines[0][2:].strip()
    kpi = False
    params: list[Param] = []
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        key, _, value = line[2:].partition(":")
        key = key.strip().lower()
        if key == "kpi":
            kpi = value.strip().lower() == "true"
        elif key == "param":
            params.append(_param(name, value))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"queries/{name}.sql declares a parameter twice")
    sql = text.strip()
    if _placeholders(sql) != len(params):
        raise ValueError(
            f"queries/{name}.sql declares {len(params)} parameters for"
            f" {_placeholders(sql)} ? placeholders"
        )
    return NamedQuery(name=name, description=description, sql=sql, kpi=kpi, params=tuple(params))


@cache
def _files() -> dict[str, Traversable]:
    """The shipped query files by name (listed, not read)."""
    folder = resources.files(_PACKAGE) / _FOLDER
    return {
        entry.name[: -len(".sql")]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    }


@cache
def _query(name: str) -> NamedQuery:
    # One file read and parsed: `query --name X` needs only X (all 22: ~7 ms a process).
    return _parse(name, _files()[name].read_text(encoding="utf-8"))


def list_queries() -> list[NamedQuery]:
    """Every named query, by name."""
    return [_query(name) for name in sorted(_files())]


def get_query(name: str) -> NamedQuery:
    """The named query ``name``; KeyError (with the name) when there is none."""
    if name not in _files():
        raise KeyError(name)
    return _query(name)

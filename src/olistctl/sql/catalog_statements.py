"""SHOW TABLES, SHOW COLUMNS and DESCRIBE, answered from the catalog on both backends.

These are the first statements a newcomer types. Athena answers them from the
Glue Data Catalog, so olistctl answers them from the backend's catalog (Glue
on aws, the footer catalog locally) without running a query: the same rows on
both backends, no Athena charge, and no trip through the SQL transpiler.

Recognised forms (Athena's syntax, AWS docs "SHOW TABLES", "SHOW COLUMNS",
"DESCRIBE"):

- ``SHOW TABLES [IN database]`` -> one column ``tab_name``, the tables by name;
- ``SHOW COLUMNS {FROM|IN} [database.]table [{FROM|IN} database]`` -> ``field``;
- ``DESCRIBE [database.]table`` -> ``col_name``, ``data_type``, ``comment``.

Anything else (a pattern, EXTENDED, PARTITION …) is not recognised here: on
aws it goes to Athena as written, and the local engine refuses it by name.
No sqlglot import: these statements answer in the time it takes to list the
catalog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from olistctl.errors import SqlError
from olistctl.sql.comments import blank_comments


class _Column(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...  # Glue's spelling: string, int, decimal(10,2), timestamp …


class _Table(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> Sequence[_Column]: ...


_NAME = r'(?:"[^"]+"|`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)'
_QUALIFIED = rf"(?P<first>{_NAME})(?:\s*\.\s*(?P<second>{_NAME}))?"
# Every form starts with one of these (any case): other SQL needs none of the patterns.
_FIRST_WORDS = ("SHOW", "DESC")  # four letters each


@cache
def _forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """SHOW TABLES, SHOW COLUMNS and DESCRIBE: compiled when a statement starts with one of
    :data:`_FIRST_WORDS` (~2 ms, case-insensitive, that every other query would pay)."""
    return (
        re.compile(rf"SHOW\s+TABLES(?:\s+(?:IN|FROM)\s+(?P<db>{_NAME}))?", re.I),
        re.compile(
            rf"SHOW\s+COLUMNS\s+(?:IN|FROM)\s+{_QUALIFIED}(?:\s+(?:IN|FROM)\s+(?P<db>{_NAME}))?",
            re.I,
        ),
        re.compile(rf"DESC(?:RIBE)?\s+{_QUALIFIED}", re.I),
    )


@dataclass(frozen=True)
class CatalogStatement:
    kind: str  # "show_tables", "show_columns" or "describe"
    table: str | None = None
    database: str | None = None


@dataclass(frozen=True)
class CatalogAnswer:
    columns: list[str]
    types: list[str]
    rows: list[tuple]


def _unquote(name: str | None) -> str | None:
    if name is None:
        return None
    return name[1:-1] if name[:1] in '"`' else name.lower()


def parse_catalog_statement(sql: str) -> CatalogStatement | None:
    """The catalog statement ``sql`` is, or None when it is something else."""
    # Comments where Trino's lexer finds them (not inside a quoted name), and a trailing ";".
    text = blank_comments(sql).strip().rstrip(";").strip()
    if text[:4].upper() not in _FIRST_WORDS:
        return None
    show_tables, show_columns, describe = _forms()
    found = show_tables.fullmatch(text)
    if found:
        return CatalogStatement("show_tables", database=_unquote(found["db"]))
    for kind, pattern in (("show_columns", show_columns), ("describe", describe)):
        found = pattern.fullmatch(text)
        if found:
            first, second = _unquote(found["first"]), _unquote(found["second"])
            table, database = (second, first) if second else (first, None)
            extra = found.groupdict().get("db")
            if extra is not None:
                if database is not None:
                    return None  # two databases named: leave it to Athena's parser
                database = _unquote(extra)
            return CatalogStatement(kind, table=table, database=database)
    return None


def answer(
    statement: CatalogStatement, tables: Sequence[_Table], database: str | None
) -> CatalogAnswer:
    """The rows of ``statement`` from the catalog's ``tables`` (of ``database``)."""
    if statement.database is not None and (
        database is None or statement.database != database.lower()
    ):
        expected = f"the database {database}" if database else "no database qualifier"
        raise SqlError(
            f"The database {statement.database} is not the one this catalog holds",
            hint=f"leave the database out, or name {expected}",
        )
    by_name = {t.name.lower(): t for t in tables}
    if statement.kind == "show_tables":
        return CatalogAnswer(["tab_name"], ["varchar"], [(name,) for name in sorted(by_name)])
    table = by_name.get(statement.table or "")
    if table is None:
        known = ", ".join(sorted(by_name)) or "none (run `olistctl crawl` first)"
        raise SqlError(f"Table {statement.table} does not exist", hint=f"known tables: {known}")
    if statement.kind == "show_columns":
        return CatalogAnswer(["field"], ["varchar"], [(c.name,) for c in table.columns])
    return CatalogAnswer(
        ["col_name", "data_type", "comment"],
        ["varchar", "varchar", "varchar"],
        [(c.name, c.type, "") for c in table.columns],
    )

"""The SQL the local engine hands DuckDB, checked by DuckDB's own parser before it runs.

The transpiler refuses anything but one SELECT over the catalog's tables (no
table functions, no file paths as tables, no COPY/ATTACH/INSTALL/PRAGMA/SET).
Its output can come back from the workspace's cache, which anyone who can
write the workspace can edit, so the same rules are checked again on the SQL
DuckDB is about to run, with the parser that will run it (a second parser
could read the text differently): exactly one SELECT statement, whose tables
are the catalog's views or its own CTEs, and whose only table function is
``unnest``. The sandboxed connection (``engine.connect``) is the wall behind
this one.

Parsing takes DuckDB about a millisecond, so a cached query still imports
neither sqlglot nor pyarrow.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

from olistctl.errors import Refused

# The table functions the transpiler writes (Athena's UNNEST); every other one reads
# files, the catalog or settings.
ALLOWED_TABLE_FUNCTIONS = frozenset({"unnest"})
# Table references that read nothing by themselves (what they hold is checked in turn).
_PLAIN_REFERENCES = frozenset({"JOIN", "SUBQUERY", "EMPTY", "EXPRESSION_LIST", "PIVOT"})


class UnsafeQuery(Refused):
    """SQL for DuckDB that breaks the local engine's rules (a tampered cache entry, or a bug).

    ``why`` says what is wrong with it, on its own (for a note).
    """

    def __init__(self, message: str, *, hint: str | None = None, why: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.why = why or message


def check_duckdb_sql(con, sql: str, views: Collection[str]) -> None:
    """UnsafeQuery unless ``sql`` is one SELECT that reads only ``views`` (and its CTEs)."""
    import duckdb

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise _unsafe(f"its SQL does not parse ({str(exc).splitlines()[0]})") from None
    if len(statements) != 1:
        raise _unsafe(f"it holds {len(statements)} statements, not one")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise _unsafe(f"it is a {statements[0].type.name} statement, not a SELECT")
    ((serialized,),) = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()
    tree = json.loads(serialized)
    if tree.get("error") or len(tree.get("statements") or []) != 1:
        raise _unsafe(f"DuckDB cannot read it as one SELECT ({tree.get('error_message')})")
    views = {v.lower() for v in views}
    for node, ctes in _nodes(tree, frozenset()):
        if "class" in node or "modifiers" in node or not {"alias", "sample"} <= node.keys():
            continue  # an expression or a query node, not a table reference
        kind = node.get("type")
        name = str(node.get("table_name", ""))
        known = name.lower() in views or name.lower() in ctes
        if kind == "BASE_TABLE":
            if node.get("schema_name") or node.get("catalog_name") or not known:
                raise _unsafe(f"it reads {name!r}, which is not a table of the catalog")
        elif kind == "TABLE_FUNCTION":
            function = node.get("function") or {}
            called = str(function.get("function_name", ""))
            if function.get("schema") or called.lower() not in ALLOWED_TABLE_FUNCTIONS:
                raise _unsafe(f"it calls the table function {called}()")
        elif kind == "SHOW_REF":
            # DESCRIBE <query> (walked like any query), SHOW <view>, SHOW TABLES.
            if name and not known and node.get("show_type") != "SHOW_SPECIAL":
                raise _unsafe(f"it describes {name!r}, which is not a table of the catalog")
        elif kind not in _PLAIN_REFERENCES:
            raise _unsafe(f"it uses a {kind} table reference")


def _unsafe(why: str) -> UnsafeQuery:
    return UnsafeQuery(
        f"The local engine refused to run the query's DuckDB SQL: {why}",
        hint="if it came from the workspace's cache (.cache/sql), delete that folder;"
        " otherwise report it as a bug in olistctl",
        why=why,
    )


def _nodes(tree: Any, ctes: frozenset[str]) -> Iterator[tuple[dict, frozenset[str]]]:
    """Every object of the serialized tree, with the CTE names in scope where it stands.

    A CTE's name counts only inside the query that defines it: elsewhere the same
    name would be looked up as a table (or, with file access, as a file).
    """
    stack: list[tuple[Any, frozenset[str]]] = [(tree, ctes)]
    while stack:
        item, scope = stack.pop()
        if isinstance(item, dict):
            cte_map = item.get("cte_map")
            if isinstance(cte_map, dict):
                names = {
                    e["key"].lower()
                    for e in cte_map.get("map") or []
                    if isinstance(e, dict) and isinstance(e.get("key"), str)
                }
                scope = scope | names
            yield item, scope
            stack.extend((value, scope) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, scope) for value in item)

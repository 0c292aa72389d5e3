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

It imports neither sqlglot nor pyarrow. It costs DuckDB a few milliseconds
for a short query and ~80 ms for the 40 KB translation of ``executive_kpis``
(extract 14, serialize 20, JSON 12, walk 17 ms): the release's translations,
checked when they were made (``sql/prebuilt.py``), skip it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

from olistctl.errors import Refused

# The table functions the transpiler writes (Athena's UNNEST); every other one reads
# files, the catalog or settings.
ALLOWED_TABLE_FUNCTIONS = frozenset({"unnest"})
# The functions the transpiler writes (DuckDB's names, operators included): anything
# else (current_setting, getvariable, duckdb_*, read_* …) in the SQL is refused. The SQL
# test suites run every rewrite through this check, so a function the transpiler
# starts to write fails them until it is listed here.
ALLOWED_FUNCTIONS = frozenset(
    {
        "%",
        "&",
        "*",
        "+",
        "-",
        "->>",
        "/",
        "//",
        "|",  # bitwise_or
        "||",
        "~",  # bitwise_not
        "~~",
        "!~~",  # NOT LIKE: DuckDB serializes x NOT LIKE p as !~~(x, p)
        "abs",
        "any_value",
        "approx_count_distinct",
        "approx_quantile",
        "arg_max_null",
        "arg_min_null",
        "array_agg",
        "array_contains",
        "array_to_string",
        "avg",
        "bool_and",
        "bool_or",
        "ceil",
        "chr",
        "concat_ws",  # Trino's concat_ws, after the checks of sql/strings.concat_ws
        "corr",
        "count",
        "count_if",
        "count_star",
        "covar_pop",
        "covar_samp",
        "cume_dist",
        "date_sub",
        "date_trunc",
        "day",
        "dayofyear",
        "dense_rank",
        "epoch",
        "epoch_ms",
        "exp",
        "first_value",
        "floor",
        "greatest",
        "hour",
        "isfinite",
        "isinf",
        "isnan",
        "isodow",
        "isoyear",
        "json_type",
        "json_valid",
        "lag",
        "last_day",
        "last_value",
        "lead",
        "least",
        "left",
        "length",
        "levenshtein",
        "like_escape",  # x LIKE p ESCAPE e, after the checks of sql/checks.like_escape
        "list_count",
        "list_extract",
        "list_reverse",
        "list_slice",
        "list_transform",
        "list_value",
        "ln",
        "log",
        "lower",
        "lpad",
        "ltrim",
        "max",
        "millisecond",
        "min",
        "minute",
        "month",
        "not_like_escape",
        "nth_value",
        "ntile",
        "nullif",
        "percent_rank",
        "pi",
        "power",
        "quarter",
        "random",
        "rank",
        "regexp_extract",
        "regexp_full_match",
        "regexp_matches",
        "regexp_replace",
        "repeat",
        "replace",
        "reverse",
        "round",
        "row_number",
        "rpad",
        "rtrim",
        "second",
        "sign",
        "sqrt",
        "starts_with",
        "stddev",
        "stddev_pop",
        "stddev_samp",
        "str_split",
        "strftime",
        "strpos",
        "strptime",
        "struct_pack",
        "substring",
        "suffix",
        "sum",
        "to_days",
        "to_hours",
        "to_milliseconds",
        "to_minutes",
        "to_months",
        "to_seconds",
        "to_weeks",
        "to_years",
        "translate",
        "trim",
        "trunc",
        "unnest",
        "upper",
        "var_pop",
        "variance",
        "week",
        "xor",  # bitwise_xor
        "year",
    }
)
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
        if node.get("class") in ("FUNCTION", "WINDOW"):
            _check_function(node)
            continue
        if "class" in node or "modifiers" in node or not {"alias", "sample"} <= node.keys():
            continue  # an expression or a query node, not a table reference
        kind = node.get("type")
        name = str(node.get("table_name", ""))
        known = name.lower() in views or name.lower() in ctes
        if kind == "BASE_TABLE":
            if node.get("schema_name") or node.get("catalog_name") or not known:
                raise _unsafe(f"it reads {name!r}, which is not a table of the catalog")
            if node.get("at_clause"):
                raise _unsafe(f"it reads {name!r} at another version (AT)")
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


def _check_function(node: dict) -> None:
    """A scalar, aggregate or window function must be one the transpiler writes."""
    name = str(node.get("function_name", ""))
    if node.get("schema") or node.get("catalog") or name.lower() not in ALLOWED_FUNCTIONS:
        raise _unsafe(f"it calls the function {name}()")


def _unsafe(why: str) -> UnsafeQuery:
    return UnsafeQuery(
        f"The local engine refused to run the query's DuckDB SQL: {why}",
        hint="if it came from the workspace's cache (.cache/sql), delete that folder;"
        " otherwise report it as a bug in olistctl",
        why=why,
    )


def _nodes(tree: Any, ctes: frozenset[str]) -> Iterator[tuple[dict, frozenset[str]]]:
    """Every object of the serialized tree, with the CTE names in scope where it stands.

    As Trino scopes them (and as DuckDB binds them): a WITH item's name counts in
    the query that has the WITH clause and in the WITH items after it, not in the
    ones before it, and in its own body only in the recursive part of a recursive
    one (the right side of its UNION). Anywhere else the same name would be looked
    up as a table, a system view or, with file access, a file: it must then be one
    of the catalog's views.
    """
    stack: list[tuple[Any, frozenset[str]]] = [(tree, ctes)]
    while stack:
        item, scope = stack.pop()
        if isinstance(item, list):
            stack.extend((value, scope) for value in item)
            continue
        if not isinstance(item, dict):
            continue
        yield item, scope
        inner = scope
        cte_map = item.get("cte_map")
        entries = cte_map.get("map") if isinstance(cte_map, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            key = entry.get("key") if isinstance(entry, dict) else None
            if not isinstance(key, str):
                raise _unsafe("it holds a WITH item without a name")
            stack.append((entry.get("value"), inner))  # the items before it, not itself
            inner = inner | {key.lower()}
        recursive = item.get("cte_name") if item.get("type") == "RECURSIVE_CTE_NODE" else None
        for field, value in item.items():
            if field == "cte_map":
                continue
            if field == "right" and isinstance(recursive, str):
                stack.append((value, inner | {recursive.lower()}))
            else:
                stack.append((value, inner))

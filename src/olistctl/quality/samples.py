"""Failing rows of the streaming checks' findings, as Athena SQL over the catalog's tables.

The streaming checks (:mod:`olistctl.quality.check`) count what they find as the
files stream past and keep no rows. ``report quality --samples N`` shows a few
failing rows per finding: this module writes, for a finding, the ``SELECT key,
detail`` that lists them (the same shape as a rule of :mod:`olistctl.quality.rules`),
from the dataset model: the table's primary key names a row, the foreign key
or the domain says what is wrong with it.
"""

from __future__ import annotations

import re

from olistctl.dataset import TABLES_BY_NAME, Table
from olistctl.quality.report import Finding


def key_expression(table: Table, alias: str = "") -> str:
    """A varchar naming a row of ``table``: its primary key (``a #b`` for two columns)."""
    prefix = f"{alias}." if alias else ""
    columns = table.primary_key or (table.columns[0].name,)
    parts = [
        f"{prefix}{c}" if table.column(c).type == "string" else f"CAST({prefix}{c} AS varchar)"
        for c in columns
    ]
    return " || ' #' || ".join(parts)


def _text(table: Table, column: str, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    if table.column(column).type == "string":
        return f"{prefix}{column}"
    return f"CAST({prefix}{column} AS varchar)"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sample_query(finding: Finding) -> str | None:
    """``SELECT key, detail`` listing the rows behind ``finding``; None for a finding
    that has no rows to show (row counts, schemas) or that the model does not describe."""
    table = TABLES_BY_NAME.get(finding.table)
    if table is None or not finding.column:
        return None
    columns = [c.strip() for c in finding.column.split(",")]
    if any(c not in table.column_names for c in columns):
        return None
    builder = _BUILDERS.get(finding.check)
    return builder(finding, table, columns) if builder else None


def _nulls(finding: Finding, table: Table, columns: list[str]) -> str:
    (column,) = columns
    return (
        f"SELECT {key_expression(table)} AS key, CAST(NULL AS varchar) AS detail\n"
        f"FROM {table.name}\nWHERE {column} IS NULL"
    )


def _unique(finding: Finding, table: Table, columns: list[str]) -> str:
    key = " || ' #' || ".join(_text(table, c) for c in columns)
    grouped = ", ".join(columns)
    # As the count: a key with a NULL part is no value, so two such rows repeat nothing.
    present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    return (
        f"SELECT {key} AS key, CAST(COUNT(*) AS varchar) || ' rows' AS detail\n"
        f"FROM {table.name}\nWHERE {present}\nGROUP BY {grouped}\nHAVING COUNT(*) > 1"
    )


def _domain(finding: Finding, table: Table, columns: list[str]) -> str | None:
    (column,) = columns
    domain = table.column(column).domain
    if domain is None:
        return None
    if domain.values is not None:
        outside = f"{column} NOT IN ({', '.join(_quote(v) for v in domain.values)})"
    else:
        bounds = []
        if domain.min is not None:
            bounds.append(f"{column} < {domain.min:g}")
        if domain.max is not None:
            bounds.append(f"{column} > {domain.max:g}")
        if table.column(column).type == "double":
            # As the count: NaN lies in no range, yet compares false with both bounds
            # (Trino's is_nan: its TestMathFunctions.testIsNaN).
            bounds.append(f"is_nan({column})")
        outside = " OR ".join(bounds)
    return (
        f"SELECT {key_expression(table)} AS key, {_quote(column + ' ')} || "
        f"{_text(table, column)} AS detail\nFROM {table.name}\nWHERE {outside}"
    )


def _orphans(finding: Finding, table: Table, columns: list[str]) -> str | None:
    fk = next((f for f in table.foreign_keys if list(f.columns) == columns), None)
    if fk is None or len(fk.columns) != 1:
        return None
    (column,), (parent_column,) = fk.columns, fk.parent_columns
    return (
        f"SELECT {key_expression(table, 'c')} AS key, {_quote(column + ' ')} || "
        f"{_text(table, column, 'c')} AS detail\n"
        f"FROM {table.name} AS c\n"
        f"WHERE c.{column} IS NOT NULL\n"
        f"  AND c.{column} NOT IN (\n"
        f"    SELECT {parent_column} FROM {fk.parent} WHERE {parent_column} IS NOT NULL\n"
        "  )"
    )


_CHILD = re.compile(r"have no (\w+) row")


def _childless(finding: Finding, table: Table, columns: list[str]) -> str | None:
    named = _CHILD.search(finding.found)
    child = TABLES_BY_NAME.get(named.group(1)) if named else None
    if child is None:
        return None
    fk = next(
        (
            f
            for f in child.foreign_keys
            if f.parent == table.name and list(f.parent_columns) == columns
        ),
        None,
    )
    if fk is None or len(fk.columns) != 1:
        return None
    (column,), (child_column,) = fk.parent_columns, fk.columns
    # DISTINCT: the count is of values, and a repeated key (its own finding) is one value.
    return (
        f"SELECT DISTINCT {key_expression(table, 'p')} AS key, CAST(NULL AS varchar) AS detail\n"
        f"FROM {table.name} AS p\n"
        f"WHERE p.{column} NOT IN (\n"
        f"    SELECT {child_column} FROM {child.name} WHERE {child_column} IS NOT NULL\n"
        "  )"
    )


_BUILDERS = {
    "nulls": _nulls,
    "null-share": _nulls,
    "unique": _unique,
    "domain": _domain,
    "orphans": _orphans,
    "childless": _childless,
}

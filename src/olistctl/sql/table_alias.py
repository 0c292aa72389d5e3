"""The columns a table reference exposes when its alias renames them: ``t AS o(a, b)``."""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp


def alias_columns(source: exp.Table) -> list[str] | None:
    alias = source.args.get("alias")
    return [c.name for c in alias.columns] if alias is not None and alias.columns else None


def table_columns(source: exp.Table, schema: Mapping[str, Mapping[str, object]]) -> list[str]:
    """The names a table reference exposes: its alias's column list, if it has one
    (``t AS o(a, b)``), else the catalog's."""
    return alias_columns(source) or list(schema.get(source.name, {}))


def catalog_column(
    source: exp.Table, name: str, schema: Mapping[str, Mapping[str, object]]
) -> str | None:
    """The catalog's column that ``name`` reads through a table reference (None: no such).

    A column list on a table's alias renames the table's columns by position and hides
    their own names, as Trino's analyzer does (``StatementAnalyzer.visitAliasedRelation``:
    the i-th alias names the i-th column); the transpiler has checked it names them all.
    """
    own = list(schema.get(source.name, {}))
    aliases = alias_columns(source)
    if aliases is None:
        return name if name in own else None
    if name not in aliases:
        return None
    index = aliases.index(name)
    return own[index] if index < len(own) else None

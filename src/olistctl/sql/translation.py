"""What the transpiler returns: the DuckDB SQL of a query, and the tables and columns it reads.

Apart from the transpiler (:mod:`olistctl.sql.transpile`, which imports sqlglot)
so that the cache (:mod:`olistctl.sql.cache`) can hand a stored one back
without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Transpiled:
    duckdb_sql: str
    tables: list[str]  # catalog table names referenced (unqualified), in order of appearance
    columns: dict[str, set[str]]  # table -> columns the query reads (for scan estimates)

    def to_json(self) -> dict:
        return {
            "duckdb_sql": self.duckdb_sql,
            "tables": list(self.tables),
            "columns": {table: sorted(cols) for table, cols in self.columns.items()},
        }

    @classmethod
    def from_json(cls, data: object) -> Transpiled:
        """The entry back; ValueError if it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        sql, tables, columns = data.get("duckdb_sql"), data.get("tables"), data.get("columns")
        if not (
            isinstance(sql, str)
            and isinstance(tables, list)
            and all(isinstance(t, str) for t in tables)
            and isinstance(columns, dict)
            and all(
                isinstance(cols, list) and all(isinstance(c, str) for c in cols)
                for cols in columns.values()
            )
        ):
            raise ValueError("not a transpiled query")
        return cls(sql, tables, {table: set(cols) for table, cols in columns.items()})

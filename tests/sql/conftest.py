"""Fixtures for the SQL tests: a DuckDB session set up the way the local engine's is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytest

from olistctl.backends.local.guard import check_duckdb_sql
from olistctl.sql.dialect import transpile
from olistctl.sql.failures import duckdb_error


@dataclass
class Answer:
    rows: list[tuple]
    types: list[str]  # DuckDB's names for the result types ("DECIMAL(10,2)", "BIGINT" …)
    names: list[str]
    duckdb_sql: str

    @property
    def value(self):
        """The single value of a one-row, one-column answer."""
        assert len(self.rows) == 1 and len(self.rows[0]) == 1, self.rows
        return self.rows[0][0]


def connect():
    import duckdb

    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute("SET TimeZone='UTC'")
    return con


@pytest.fixture(scope="session")
def new_duckdb():
    """A factory of DuckDB connections set up like the local engine's (for wider scopes)."""
    return connect


@pytest.fixture
def duck():
    con = connect()
    yield con
    con.close()


Athena = Callable[..., Answer]


@pytest.fixture
def athena(duck) -> Athena:
    """Run Athena SQL the way the local engine does: transpile, then DuckDB."""

    def run(
        sql: str,
        schema: Mapping[str, Mapping[str, str]] | None = None,
        *,
        database: str | None = None,
    ) -> Answer:
        import duckdb

        transpiled = transpile(sql, schema or {}, database=database)
        # What the local engine checks before it runs anything: every transpile passes it.
        check_duckdb_sql(duck, transpiled.duckdb_sql, transpiled.tables)
        try:
            result = duck.execute(transpiled.duckdb_sql)
            rows = result.fetchall()
        except duckdb.Error as exc:
            raise duckdb_error(exc) from exc
        return Answer(
            rows=rows,
            types=[str(d[1]) for d in result.description],
            names=[d[0] for d in result.description],
            duckdb_sql=transpiled.duckdb_sql,
        )

    return run

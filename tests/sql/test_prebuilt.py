"""Translations built at release: current with the code, found without sqlglot, never wrong.

The file is what ``scripts/prebuild_sql.py`` makes; the first test makes it
again from this code, sqlglot and DuckDB and compares bytes, so an edit of a
SQL module (which changes every key) or of a shipped query cannot leave a
stale file behind: the test names ``make prebuilt-sql`` as the fix.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from olistctl.sql import cache as cache_module
from olistctl.sql import prebuilt
from olistctl.sql.cache import TranspileCache
from olistctl.sql.named import get_query

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("prebuild_sql", REPO / "scripts/prebuild_sql.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> bytes:
    return _script().generate()


def test_the_committed_translations_are_the_ones_this_code_makes(generated):
    assert prebuilt.PATH.read_bytes() == generated, (
        "src/olistctl/sql/prebuilt.json is stale: run `make prebuilt-sql` and commit it"
    )


def test_every_shipped_query_that_runs_as_is_is_there_and_is_its_translation(generated):
    entries = json.loads(generated)["entries"]
    from olistctl.sql.named import list_queries

    shipped = {q.sql for q in list_queries() if q.runs_as_is}
    assert {e["sql"] for e in entries.values()} == shipped
    assert len(entries) == len(shipped) >= 20


def test_a_first_run_translates_nothing_and_imports_no_sqlglot(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "OLISTCTL_WORKSPACE": str(tmp_path / "ws"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path),
    }
    code = (
        "import sys\n"
        "from olistctl.cli.app import main\n"
        "sys.argv = ['olistctl', 'run', sys.argv[1], '-o', 'jsonl']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('sqlglot' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "sample_data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
    # Nothing was translated, so nothing was cached in the workspace either.
    assert not list((tmp_path / "ws" / ".cache" / "sql").glob("*.json"))


def test_the_guard_passes_every_committed_translation():
    """The engine runs these without its guard (package data): so every one must pass it."""
    from olistctl.backends.local.engine import connect
    from olistctl.backends.local.guard import check_duckdb_sql
    from olistctl.sql.translation import Transpiled

    entries = json.loads(prebuilt.PATH.read_bytes())["entries"]
    con = connect()
    try:
        for entry in entries.values():
            made = Transpiled.from_json(entry["transpiled"])
            check_duckdb_sql(con, made.duckdb_sql, made.tables)
    finally:
        con.close()
    assert len(entries) >= 20


def test_an_entry_is_used_only_for_its_own_sql_and_key(monkeypatch, tmp_path):
    kpis = get_query("executive_kpis")
    cache = TranspileCache(tmp_path / "c", engine="duckdb 0.0.0", secret=lambda: None)
    schema = {"t": {"a": "bigint"}}
    key = cache.key(kpis.sql, schema, None)
    made = {"duckdb_sql": "SELECT 1", "tables": [], "columns": {}}
    entries = {key: {"sql": kpis.sql, "transpiled": made}}
    monkeypatch.setattr(prebuilt, "_entries", lambda: entries)
    assert prebuilt.lookup(key, kpis.sql).duckdb_sql == "SELECT 1"
    assert prebuilt.lookup(key, kpis.sql + " ") is None  # another SQL under the key
    assert prebuilt.lookup("0" * 64, kpis.sql) is None
    entries[key] = {"sql": kpis.sql, "transpiled": {"duckdb_sql": 1}}
    assert prebuilt.lookup(key, kpis.sql) is None  # not a translation


@pytest.mark.parametrize(
    "content", [b"", b"{", b"[]", b'{"format": 99, "entries": {}}', b'{"format": 1}']
)
def test_a_damaged_or_foreign_file_is_no_entries(monkeypatch, tmp_path, content):
    path = tmp_path / "prebuilt.json"
    path.write_bytes(content)
    monkeypatch.setattr(prebuilt, "PATH", path)
    prebuilt._entries.cache_clear()
    try:
        assert prebuilt._entries() == {}
    finally:
        prebuilt._entries.cache_clear()


def test_the_key_does_not_depend_on_where_sqlglot_is_installed(monkeypatch, tmp_path):
    def fingerprint_at(folder: str) -> str:
        fake = tmp_path / folder / "sqlglot" / "__init__.py"
        fake.parent.mkdir(parents=True)
        fake.write_text("")
        (fake.parent / "_version.py").write_text("__version__ = '30.30.0'\n")

        class Spec:
            origin = str(fake)

        monkeypatch.setattr(cache_module.importlib.util, "find_spec", lambda name: Spec)
        cache_module.code_fingerprint.cache_clear()
        return cache_module.code_fingerprint()

    try:
        assert fingerprint_at("one/site-packages") == fingerprint_at("two/site-packages")
    finally:
        cache_module.code_fingerprint.cache_clear()

"""The on-disk cache of transpiled queries: same answers as transpiling, new key for any change."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from olistctl.errors import SqlError
from olistctl.sql import cache as cache_module
from olistctl.sql import transpile as transpiler
from olistctl.sql.cache import TranspileCache
from olistctl.user_secret import signed_document

SCHEMA = {
    "orders": {"order_id": "string", "status": "string", "amount": "decimal(10,2)"},
    "items": {"order_id": "string", "price": "decimal(10,2)"},
}
SQL = (
    "SELECT o.status, SUM(i.price) AS revenue, COUNT(*) / 2 AS half FROM orders o"
    " JOIN items i ON i.order_id = o.order_id GROUP BY o.status ORDER BY 2 DESC"
)


@pytest.fixture
def cache(tmp_path) -> TranspileCache:
    return TranspileCache(tmp_path / "cache")


@pytest.fixture
def count_transpiles(monkeypatch) -> list[str]:
    """The SQL texts that reached the real transpiler."""
    calls: list[str] = []
    real = transpiler.transpile

    def counted(sql, schema, *, database=None, param_types=()):
        calls.append(sql)
        return real(sql, schema, database=database, param_types=param_types)

    monkeypatch.setattr(transpiler, "transpile", counted)
    return calls


def test_a_hit_gives_what_transpiling_gives_without_transpiling(cache, count_transpiles):
    expected = transpiler.transpile(SQL, SCHEMA)
    count_transpiles.clear()
    first = cache.transpile(SQL, SCHEMA)
    second = cache.transpile(SQL, SCHEMA)
    assert count_transpiles == [SQL]
    for got in (first, second):
        assert got.duckdb_sql == expected.duckdb_sql
        assert got.tables == expected.tables == ["orders", "items"]
        assert got.columns == expected.columns
    assert len(list(cache.folder.glob("*.json"))) == 1


@pytest.mark.parametrize(
    "change",
    [
        "sql",
        "column type",
        "column added",
        "column order",
        "database",
        "transpiler code",
        "parameter types",
    ],
)
def test_any_input_of_the_transpile_changes_the_key(cache, monkeypatch, change):
    sql, schema, database, param_types = SQL, SCHEMA, None, ["varchar"]
    before = cache.key(sql, schema, database, param_types)
    if change == "sql":
        sql = SQL.replace("DESC", "ASC")
    elif change == "column type":
        schema = {**SCHEMA, "items": {"order_id": "string", "price": "double"}}
    elif change == "column added":
        schema = {**SCHEMA, "items": {**SCHEMA["items"], "freight": "double"}}
    elif change == "column order":
        schema = {**SCHEMA, "orders": dict(reversed(SCHEMA["orders"].items()))}
    elif change == "database":
        database = "olist"
    elif change == "parameter types":
        param_types = ["integer"]
    else:
        monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another version")
    assert cache.key(sql, schema, database, param_types) != before


def test_a_parameterised_query_is_cached_with_its_placeholders_for_every_value(
    cache, count_transpiles
):
    sql = "SELECT status FROM orders WHERE status = ? AND amount >= ?"
    first = cache.transpile(sql, SCHEMA, param_types=["varchar", "decimal(4,2)"])
    again = cache.transpile(sql, SCHEMA, param_types=["varchar", "decimal(4,2)"])
    assert count_transpiles == [sql]
    assert again == first
    # The values are bound when the query runs: the entry holds numbered parameters, cast to
    # the Athena type of each value, and no value.
    assert "CAST($1 AS TEXT)" in first.duckdb_sql
    assert "CAST($2 AS DECIMAL(4, 2))" in first.duckdb_sql
    # Another decimal's digits are another type, hence another entry.
    cache.transpile(sql, SCHEMA, param_types=["varchar", "decimal(5,1)"])
    assert count_transpiles == [sql, sql]


def test_a_changed_catalog_type_is_transpiled_again_with_its_new_type(cache, count_transpiles):
    sql = "SELECT price / 2 AS half FROM items"
    as_decimal = cache.transpile(sql, SCHEMA)
    as_double = cache.transpile(sql, {"items": {"order_id": "string", "price": "double"}})
    assert count_transpiles == [sql, sql]
    assert as_decimal.duckdb_sql != as_double.duckdb_sql
    # Each catalog keeps its own answer.
    assert cache.transpile(sql, SCHEMA).duckdb_sql == as_decimal.duckdb_sql
    assert len(count_transpiles) == 2


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{not json",
        '{"key": "other", "transpiled": {}}',
        '{"key": "K", "transpiled": 7}',
        "[" * 100_000 + "]" * 100_000,  # deeper than json.loads recurses
    ],
)
def test_an_unreadable_entry_is_a_miss_and_is_replaced(cache, count_transpiles, damage):
    key = cache.key(SQL, SCHEMA, None)
    cache.folder.mkdir(parents=True)
    (cache.folder / f"{key}.json").write_text(damage.replace('"K"', json.dumps(key)))
    result = cache.transpile(SQL, SCHEMA)
    assert count_transpiles == [SQL]
    assert result.duckdb_sql == transpiler.transpile(SQL, SCHEMA).duckdb_sql
    assert cache.get(key, SQL) == result


def test_a_fifo_in_place_of_an_entry_is_a_miss_without_waiting(cache, count_transpiles):
    # The shipped queries' keys are public (prebuilt.json): whoever can write the
    # workspace can put a FIFO under one, and opening a FIFO to read waits for a writer.
    import threading

    key = cache.key(SQL, SCHEMA, None)
    cache.folder.mkdir(parents=True)
    entry = cache.folder / f"{key}.json"
    os.mkfifo(entry)
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(cache.get(key, SQL)))
    reader.start()
    reader.join(timeout=30)  # a bound on a hang, not a measure: a plain read takes ms
    waited = reader.is_alive()
    if waited:  # let it go: a writer that closes at once gives it an end
        os.close(os.open(entry, os.O_WRONLY | os.O_NONBLOCK))
        reader.join()
    assert not waited, "the entry was opened as a FIFO and waited for a writer"
    assert found == [None]


def test_refusals_are_not_cached(cache, count_transpiles):
    for _ in range(2):
        with pytest.raises(SqlError, match="Table nope does not exist"):
            cache.transpile("SELECT * FROM nope", SCHEMA)
    assert len(count_transpiles) == 2
    assert not cache.folder.exists() or not list(cache.folder.iterdir())


def test_an_unwritable_cache_only_costs_time(tmp_path, count_transpiles):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    cache = TranspileCache(blocker / "cache")
    assert cache.transpile(SQL, SCHEMA).tables == ["orders", "items"]
    assert cache.transpile(SQL, SCHEMA).tables == ["orders", "items"]
    assert len(count_transpiles) == 2
    assert blocker.read_text() == "a file where the cache folder would be"


def test_the_oldest_entries_go_when_the_cache_is_full(cache, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 4)
    keys = []
    an_hour_ago = time.time() - 3600
    for limit in range(1, 6):
        sql = f"SELECT status FROM orders LIMIT {limit}"
        cache.transpile(sql, SCHEMA)
        keys.append(cache.key(sql, SCHEMA, None))
        # Distinct ages (file times may be coarser than the loop).
        os.utime(cache.folder / f"{keys[-1]}.json", (an_hour_ago + limit, an_hour_ago + limit))
    left = {p.stem for p in cache.folder.glob("*.json")}
    # The fifth entry overflowed 4: the oldest went down to 3 (of 4).
    assert left == set(keys[2:])
    assert not [p for p in cache.folder.iterdir() if p.suffix != ".json"]


def test_the_code_fingerprint_covers_sqlglot_and_the_sql_modules(monkeypatch, tmp_path):
    fake = tmp_path / "sqlglot" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text("")
    version = fake.parent / "_version.py"

    class Spec:
        origin = str(fake)

    monkeypatch.setattr(cache_module.importlib.util, "find_spec", lambda name: Spec)

    def fingerprint_with(sqlglot_version: str) -> str:
        version.write_text(f"__version__ = {sqlglot_version!r}\n")
        cache_module.code_fingerprint.cache_clear()
        return cache_module.code_fingerprint()

    try:
        # Same install path, another sqlglot release: another key.
        assert fingerprint_with("30.30.0") != fingerprint_with("30.31.0")
        assert fingerprint_with("30.30.0") == fingerprint_with("30.30.0")
        # An edit of one of olistctl's SQL modules: another key.
        before = fingerprint_with("30.30.0")
        module = Path(cache_module.__file__).with_name("rewrite.py")
        real = module.read_bytes
        monkeypatch.setattr(
            Path,
            "read_bytes",
            lambda self: real() + b"# edited" if self == module else Path.read_text(self).encode(),
        )
        assert fingerprint_with("30.30.0") != before
    finally:
        cache_module.code_fingerprint.cache_clear()


def test_the_engine_version_is_part_of_the_key(tmp_path):
    older = TranspileCache(tmp_path / "c", engine="duckdb 1.4.0")
    newer = TranspileCache(tmp_path / "c", engine="duckdb 2.0.1")
    assert older.key(SQL, SCHEMA, None) != newer.key(SQL, SCHEMA, None)


def test_an_entry_whose_content_does_not_match_its_signature_is_a_miss(cache, count_transpiles):
    first = cache.transpile(SQL, SCHEMA)
    key = cache.key(SQL, SCHEMA, None)
    entry = cache.folder / f"{key}.json"
    data = json.loads(entry.read_text())
    data[cache_module.KIND]["transpiled"]["duckdb_sql"] = "SELECT * FROM read_csv('/etc/passwd')"
    entry.write_text(json.dumps(data))  # the signature left as it was
    assert cache.get(key, SQL) is None
    again = cache.transpile(SQL, SCHEMA)
    assert not cache.hit and again.duckdb_sql == first.duckdb_sql
    assert count_transpiles == [SQL, SQL]
    assert "/etc/passwd" not in entry.read_text()


def _forge(cache: TranspileCache, key: str, sql: str, content: dict, secret: bytes) -> None:
    """An entry as the cache writes it, signed with ``secret``."""
    cache.folder.mkdir(parents=True, exist_ok=True)
    entry = {"key": key, "sql": sql, "transpiled": content}
    (cache.folder / f"{key}.json").write_bytes(
        signed_document(secret, cache_module.FORMAT, cache_module.KIND, entry)
    )


def test_an_entry_made_for_another_query_never_answers_this_one(cache, count_transpiles):
    """Someone who can write the workspace copies the signed entry of ``SELECT 42`` over the
    one of ``SELECT 1``, or signs their own with a key they made up: neither is used."""
    one, forty_two = "SELECT 1 AS x", "SELECT 42 AS x"
    cache.transpile(one, SCHEMA)
    cache.transpile(forty_two, SCHEMA)
    key_one, key_42 = cache.key(one, SCHEMA, None), cache.key(forty_two, SCHEMA, None)
    other = json.loads((cache.folder / f"{key_42}.json").read_text())
    (cache.folder / f"{key_one}.json").write_text(json.dumps(other))  # the whole entry
    assert cache.get(key_one, one) is None
    other[cache_module.KIND]["key"] = key_one  # and relabelled: its SQL and signature say 42
    (cache.folder / f"{key_one}.json").write_text(json.dumps(other))
    assert cache.get(key_one, one) is None
    forged = other[cache_module.KIND]["transpiled"]
    _forge(cache, key_one, one, forged, b"a key the attacker made up" * 2)
    assert cache.get(key_one, one) is None
    count_transpiles.clear()
    assert cache.transpile(one, SCHEMA).duckdb_sql == 'SELECT 1 AS "x"'
    assert count_transpiles == [one] and not cache.hit
    # Signed with the user's own secret, it is the cache's: that is what the secret guards.
    _forge(cache, key_one, one, forged, cache_module.user_secret())
    assert cache.get(key_one, one).duckdb_sql == 'SELECT 42 AS "x"'


def test_a_signed_memo_or_answers_file_is_no_cache_entry_nor_the_other_way(cache):
    """Each kind of signed file is signed under its own name: the workspace's checksum
    memo or kept answers (signed with the user's secret) moved over a cache entry, with
    their fields renamed to the cache's, do not verify; nor does an entry as either."""
    from olistctl import kpi_answers
    from olistctl.ingest import checksums
    from olistctl.user_secret import verified_content

    secret = cache_module.user_secret()
    cache.transpile(SQL, SCHEMA)
    key = cache.key(SQL, SCHEMA, None)
    entry = cache.folder / f"{key}.json"
    mine = json.loads(entry.read_text())
    content = mine[cache_module.KIND]
    for version, field in ((checksums.FORMAT, "files"), (kpi_answers.FORMAT, "entries")):
        theirs = json.loads(signed_document(secret, version, field, content))
        entry.write_text(
            json.dumps(
                {"format": cache_module.FORMAT, cache_module.KIND: content, "hmac": theirs["hmac"]}
            )
        )
        assert cache.get(key, SQL) is None
        relabelled = {"format": version, field: content, "hmac": mine["hmac"]}
        assert verified_content(relabelled, secret, version, field) is None
    entry.write_text(json.dumps(mine))
    assert cache.get(key, SQL) is not None  # the entry as written still verifies


def test_an_entry_of_the_previous_format_is_a_miss_and_is_replaced(cache, count_transpiles):
    """Entries signed by an older olistctl (format 3: their own HMAC layout) are transpiled
    again and replaced, never an error."""
    import hashlib
    import hmac

    key = cache.key(SQL, SCHEMA, None)
    content = transpiler.transpile(SQL, SCHEMA).to_json()
    count_transpiles.clear()
    message = json.dumps([3, key, SQL, content], sort_keys=True).encode()
    signature = hmac.new(cache_module.user_secret(), message, hashlib.sha256).hexdigest()
    old = {"format": 3, "key": key, "sql": SQL, "transpiled": content, "hmac": signature}
    cache.folder.mkdir(parents=True)
    (cache.folder / f"{key}.json").write_text(json.dumps(old))
    assert cache.get(key, SQL) is None
    assert cache.transpile(SQL, SCHEMA).duckdb_sql == content["duckdb_sql"]
    assert count_transpiles == [SQL] and not cache.hit
    replaced = json.loads((cache.folder / f"{key}.json").read_text())
    assert replaced["format"] == cache_module.FORMAT and cache.get(key, SQL) is not None


def test_without_a_secret_nothing_is_cached(tmp_path, count_transpiles):
    cache = TranspileCache(tmp_path / "cache", secret=lambda: None)
    cache.transpile(SQL, SCHEMA)
    cache.transpile(SQL, SCHEMA)
    assert count_transpiles == [SQL, SQL] and not cache.hit
    assert not (tmp_path / "cache").exists()


def test_refresh_transpiles_again_and_replaces_the_entry(cache, count_transpiles):
    cache.transpile(SQL, SCHEMA)
    cache.transpile(SQL, SCHEMA)
    assert cache.hit
    cache.transpile(SQL, SCHEMA, refresh=True)
    assert not cache.hit and count_transpiles == [SQL, SQL]


def test_the_cache_writes_and_removes_through_its_callers_and_only_its_own_entries(
    cache, monkeypatch
):
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 2)
    written, removed = [], []
    real_write, real_remove = cache.write, cache.remove

    def write(path, data):
        written.append(path)
        real_write(path, data)

    def remove(path):
        removed.append(path)
        return real_remove(path)

    cache.write, cache.remove = write, remove
    cache.folder.mkdir(parents=True)
    mine = [cache.folder / "notes.json", cache.folder / f"{'0' * 63}.json"]
    for path in mine:  # the user's, or not named by a key: never pruned
        path.write_text("the user's\n")
        os.utime(path, (0, 0))  # the oldest of all
    an_hour_ago = time.time() - 3600
    for limit in range(1, 4):
        cache.transpile(f"SELECT status FROM orders LIMIT {limit}", SCHEMA)
        for i, path in enumerate(sorted(written)):
            if path.exists():
                os.utime(path, (an_hour_ago + i, an_hour_ago + i))
    assert len(written) == 3 and all(p.parent == cache.folder for p in written)
    assert removed and all(not p.exists() for p in removed) and set(removed) <= set(written)
    assert all(p.read_text() == "the user's\n" for p in mine)

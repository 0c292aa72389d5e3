"""The transpiler's output, and an on-disk cache of it so that a repeated query skips sqlglot.

Importing sqlglot and transpiling took 0.15-0.25 s of a ~0.7 s ``olistctl
query`` process (bench/analysis.md), while the answer depends only on the SQL
text, the catalog's tables, columns and types, the database name, and the
code of the transpiler (olistctl's ``sql`` modules and sqlglot), the engine
that runs the output (its version), and the types of the values bound to its
``?`` parameters (never the values: the SQL keeps its placeholders, so one entry
serves every value of those types). The cache key covers all of them, so a crawl
that changes a column's type, a sqlglot or DuckDB upgrade or an edit of the
rewrites gives a new key and the old entry is never read again. Entries are
small JSON files renamed into place, each carrying its key and the SHA-256 of
its content; one that cannot be read or does not match counts as a miss. Only
successful transpiles are cached: refusals are recomputed, so their messages
always come from the current code.

The cache lives in the workspace, where whoever can write the workspace can
also write a matching entry: the local engine checks the SQL of every entry
again before it runs it (``backends/local/guard.py``), and ``refresh``
recomputes an entry it refused.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from olistctl.fs import atomic_write_text
from olistctl.sql.translation import Transpiled

# Bump when the meaning of an entry changes.
FORMAT = 2
# Entries kept per cache folder; past it, the oldest quarter goes.
MAX_ENTRIES = 256


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code a transpile's output depends on: olistctl's SQL modules and sqlglot."""
    from olistctl import __version__

    digest = hashlib.sha256(f"olistctl {__version__}\n".encode())
    here = Path(__file__).parent
    for path in sorted(here.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # sqlglot's version without importing sqlglot (the import is what the cache saves).
    spec = importlib.util.find_spec("sqlglot")
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    digest.update(f"sqlglot {origin}\n".encode())
    if origin is not None:
        with contextlib.suppress(OSError):
            digest.update(origin.with_name("_version.py").read_bytes())
    return digest.hexdigest()


class TranspileCache:
    """Transpiled queries in a folder, one JSON file per key.

    ``engine`` names the engine and version that runs the output (part of the key);
    ``on_write`` hears of each entry about to be written (the workspace lists it),
    ``on_remove`` of each one removed.
    """

    def __init__(
        self,
        folder: Path,
        *,
        engine: str = "",
        on_write: Callable[[Path], None] | None = None,
        on_remove: Callable[[Path], None] | None = None,
    ) -> None:
        self.folder = folder
        self.engine = engine
        self.on_write = on_write
        self.on_remove = on_remove
        self.hit = False  # whether the last transpile() came from the cache

    def key(
        self,
        sql: str,
        schema: Mapping[str, Mapping[str, str]],
        database: str | None,
        param_types: Sequence[str] = (),
    ) -> str:
        # Tables and columns in catalog order: SELECT * expands in that order.
        catalog = [[table, list(cols.items())] for table, cols in schema.items()]
        text = json.dumps(
            [FORMAT, code_fingerprint(), self.engine, database, catalog, sql, list(param_types)]
        )
        return hashlib.sha256(text.encode()).hexdigest()

    @staticmethod
    def _digest(content: object) -> str:
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def get(self, key: str) -> Transpiled | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            content = data.get("transpiled")
            if data.get("key") != key or data.get("sha256") != self._digest(content):
                return None
            return Transpiled.from_json(content)
        except (OSError, ValueError, AttributeError):
            return None

    def put(self, key: str, transpiled: Transpiled) -> None:
        """Store an entry; a cache that cannot be written is only a slower next query."""
        content = transpiled.to_json()
        text = json.dumps({"key": key, "sha256": self._digest(content), "transpiled": content})
        path = self.folder / f"{key}.json"
        try:
            if self.on_write is not None:
                self.on_write(path)
            # Not flushed to disk: an entry a crash loses is transpiled again.
            atomic_write_text(path, text, durable=False)
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        entries = list(self.folder.glob("*.json"))
        if len(entries) <= MAX_ENTRIES:
            return
        by_age = sorted(entries, key=lambda p: p.stat().st_mtime_ns)
        for path in by_age[: len(entries) - MAX_ENTRIES * 3 // 4]:
            with contextlib.suppress(OSError):
                path.unlink()
                if self.on_remove is not None:
                    self.on_remove(path)

    def transpile(
        self,
        sql: str,
        schema: Mapping[str, Mapping[str, str]],
        *,
        database: str | None = None,
        param_types: Sequence[str] = (),
        refresh: bool = False,
    ) -> Transpiled:
        """:func:`olistctl.sql.transpile.transpile`, from the cache when it has the answer
        (unless ``refresh``: then transpiled again and the entry replaced)."""
        key = self.key(sql, schema, database, param_types)
        found = None if refresh else self.get(key)
        self.hit = found is not None
        if found is not None:
            return found
        from olistctl.sql.transpile import transpile

        transpiled = transpile(sql, schema, database=database, param_types=param_types)
        self.put(key, transpiled)
        return transpiled

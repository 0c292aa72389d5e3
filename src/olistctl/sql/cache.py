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
small JSON files renamed into place; one that cannot be read or does not
verify counts as a miss. Only successful transpiles are cached: refusals are
recomputed, so their messages always come from the current code.

The cache lives in the workspace, where whoever can write the workspace can
write an entry too. So each entry records the SQL it was made from and is
signed (HMAC-SHA256) with a secret of the user's, kept outside the workspace
(:mod:`olistctl.user_secret`): an entry is used only when
its key is the one the query being run computes, its SQL is that query's, and
its signature checks. Someone who can write the workspace but not the user's
state folder cannot make olistctl run SQL of their choosing from the cache.
Without the secret (a read-only home, another user's file) nothing is cached.
The local engine still checks the SQL of every entry before it runs it
(``backends/local/guard.py``): the wall behind this one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.util
import json
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from olistctl.errors import Refused
from olistctl.fs import atomic_write_bytes, read_own_json
from olistctl.sql import prebuilt
from olistctl.sql.translation import Transpiled
from olistctl.user_secret import user_secret

# Bump when the meaning of an entry changes.
FORMAT = 3
# Entries kept per cache folder; past it, the oldest quarter goes.
MAX_ENTRIES = 256
# An entry bigger than this is not read (the largest shipped query's is ~40 KB).
MAX_BYTES = 16 << 20
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code a transpile's output depends on: olistctl's SQL modules and sqlglot."""
    from olistctl import __version__

    digest = hashlib.sha256(f"olistctl {__version__}\n".encode())
    here = Path(__file__).parent
    for path in sorted(here.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # sqlglot's version without importing sqlglot (the import is what the cache saves).
    # Its version file, not where it is installed: the same release gives the same key
    # on every machine, so translations built at release (prebuilt.py) are found. Only
    # an install without that file is told apart by its place.
    spec = importlib.util.find_spec("sqlglot")
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    version = None
    if origin is not None:
        with contextlib.suppress(OSError):
            version = origin.with_name("_version.py").read_bytes()
    digest.update(b"sqlglot\n" + version if version else f"sqlglot at {origin}\n".encode())
    return digest.hexdigest()


class TranspileCache:
    """Transpiled queries in a folder, one signed JSON file per key.

    ``engine`` names the engine and version that runs the output (part of the key);
    ``secret`` gives the key that signs the entries (:func:`user_secret`; None: nothing
    is cached);
    ``write(path, data)`` stores an entry and ``remove(path)`` deletes one (True if it
    went): the workspace's own, which list what they write and never follow a link.
    """

    def __init__(
        self,
        folder: Path,
        *,
        engine: str = "",
        secret: Callable[[], bytes | None] = user_secret,
        write: Callable[[Path, bytes], None] | None = None,
        remove: Callable[[Path], bool] | None = None,
    ) -> None:
        self.folder = folder
        self.engine = engine
        self.secret = secret()
        self.write = write or _write
        self.remove = remove or _remove
        self.hit = False  # whether the last transpile() came from the cache or the prebuilt set
        self.shipped = False  # whether that hit was the prebuilt set's (not the folder's)

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

    def _signature(self, key: str, sql: str, content: object) -> str:
        assert self.secret is not None
        message = json.dumps([FORMAT, key, sql, content], sort_keys=True).encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def get(self, key: str, sql: str) -> Transpiled | None:
        """The entry of ``key``, if it was made from ``sql`` and its signature checks."""
        if self.secret is None:
            return None
        try:
            # Not through a link, a FIFO (its key may be public: prebuilt.json) or a device.
            data = read_own_json(self.folder / f"{key}.json", limit=MAX_BYTES)
            content = data.get("transpiled")
            if data.get("format") != FORMAT or data.get("key") != key or data.get("sql") != sql:
                return None
            signature = data.get("hmac")
            if not isinstance(signature, str) or not hmac.compare_digest(
                signature, self._signature(key, sql, content)
            ):
                return None
            return Transpiled.from_json(content)
        except (OSError, ValueError, AttributeError, TypeError):
            return None

    def put(self, key: str, sql: str, transpiled: Transpiled) -> None:
        """Store an entry; a cache that cannot be written is only a slower next query."""
        if self.secret is None:
            return
        content = transpiled.to_json()
        text = json.dumps(
            {
                "format": FORMAT,
                "key": key,
                "sql": sql,
                "transpiled": content,
                "hmac": self._signature(key, sql, content),
            }
        )
        try:
            self.write(self.folder / f"{key}.json", text.encode("utf-8"))
            self._prune()
        except (OSError, Refused):  # a full disk, or a file of the user's in the way
            pass

    def _prune(self) -> None:
        entries = []
        with os.scandir(self.folder) as found:
            for entry in found:
                if _ENTRY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    entries.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
        if len(entries) <= MAX_ENTRIES:
            return
        for _, name in sorted(entries)[: len(entries) - MAX_ENTRIES * 3 // 4]:
            with contextlib.suppress(OSError):
                self.remove(self.folder / name)

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
        cached = None if refresh else self.get(key, sql)
        shipped = None if refresh or cached is not None else prebuilt.lookup(key, sql)
        found = cached or shipped
        self.hit = found is not None
        self.shipped = shipped is not None
        if found is not None:
            return found
        from olistctl.sql.transpile import transpile

        transpiled = transpile(sql, schema, database=database, param_types=param_types)
        self.put(key, sql, transpiled)
        return transpiled


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not flushed to disk: an entry a crash loses is transpiled again.
    atomic_write_bytes(path, data, durable=False)


def _remove(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path, follow_symlinks=False).st_mode):
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True

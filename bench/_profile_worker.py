"""One step of an attribution experiment, in a fresh process (``bench/profiles.py`` times it).

    python bench/_profile_worker.py convert MODE SOURCE.csv DEST.parquet
    python bench/_profile_worker.py query MODE PREPARED.json NAME

``convert`` modes switch parts of the transform off by replacing them, in
this process only, with no-ops: ``full``, ``no-key-sets`` (the uniqueness
fingerprints are not kept), ``no-domain-checks`` (value domains not
checked), ``no-quality`` (no profiling at all). The output is then not a
product result; only the time and memory are of interest.

``query`` modes build the work of ``olistctl query`` up layer by layer:
``duckdb`` (the transpiled SQL run by DuckDB over the Parquet files, nothing
else), ``+cli`` (olistctl's CLI imported too).
"""

from __future__ import annotations

import sys


def convert(mode: str, source: str, dest: str) -> None:
    # olistctl.transform first: importing olistctl.quality on its own is a circular import.
    from olistctl.transform import convert_csv  # isort: skip
    from olistctl.quality import profile
    from olistctl.quality.keys import KeySet

    if mode in ("no-key-sets",):
        KeySet.add = lambda self, fps: None
    if mode in ("no-domain-checks", "no-quality"):
        profile.TableProfiler._tally_domain = lambda self, tally, values: None
    if mode == "no-quality":

        def count_only(self, batch, count_nulls=True):
            self.rows += batch.num_rows

        profile.TableProfiler.add = count_only
    convert_csv(source, dest)
    # pyarrow.array/scalar on Python values import pandas, which the transform never uses.
    print(f"pandas imported: {'pandas' in sys.modules}")


def query(mode: str, prepared_path: str, name: str) -> None:
    """``prepared_path``: the views, the transpiled SQL and the schema, made beforehand."""
    import json

    with open(prepared_path) as f:
        prepared = json.load(f)
    import duckdb

    if mode == "+cli":
        import olistctl.cli.app  # noqa: F401
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute("SET TimeZone='UTC'")
    for view in prepared["views"]:
        con.execute(view)
    con.execute(prepared["sql"]).fetchall()


if __name__ == "__main__":
    kind, *rest = sys.argv[1:]
    {"convert": convert, "query": query}[kind](*rest)

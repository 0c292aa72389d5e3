"""Where a cached ``olistctl query`` process spends its time, from exec to exit.

    .venv/bin/python bench/_query_timeline.py [--reps N] [--bare TRANSLATED.json] WS NAME ...

Each repetition starts ``python -c CHILD --workspace WS query --name NAME
--output csv`` (stdout to /dev/null) with the wall clock at the moment before
the start in its environment. The child marks when the interpreter is up, the
CLI is imported, and on their return a few functions of the query path
(patched as their modules load, so nothing is imported earlier than in the
command itself); the parent adds the moment the process has ended. Each row is
the median, over the repetitions, of the time since the previous mark. The
patching wraps ~12 calls: it adds microseconds, not milliseconds; setting it up
(importing json, functools and importlib's finder classes) is a row of its own.
With ``--bare`` the bare DuckDB process of bench/queries.py
(``bench/_duckdb_query.py`` on the same translated SQL) takes turns with it.

Not a benchmark (nothing goes to docs/benchmarks.md): the breakdown in
bench/analysis.md's section on the ``olistctl query`` process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import time
marks = [("interpreter up (site)", time.time_ns())]
import os, sys, json, functools, importlib.abc, importlib.machinery
T0 = int(os.environ["QT_T0"]); OUT = os.environ["QT_OUT"]
def mark(label):
    marks.append((label, time.time_ns()))
def after(label):
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*a, **k):
            try:
                return fn(*a, **k)
            finally:
                mark(label)
        return inner
    return wrap
def before(label):
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*a, **k):
            mark(label)
            return fn(*a, **k)
        return inner
    return wrap
# module -> [(object path, before|after, label)]
PATCHES = {
    "olistctl.cli.state": [
        ("AppState.backend", after, "workspace opened (settings, backend, lock file)"),
    ],
    "olistctl.cli.query_cmd": [
        ("command", before, "command parsed (typer: tree, options)"),
        ("run_and_show", before, "statement and params ready (sql.named)"),
    ],
    "olistctl.sql.cache": [
        ("TranspileCache.transpile", after, "SQL ready (catalog, DuckDB import, cache lookup)"),
    ],
    "olistctl.backends.local.engine": [
        ("LocalEngine._connection", after, "sandboxed connection open"),
        ("_ResultsFile.write", before, "views, scan estimate, query run into a table"),
        ("_ResultsFile.write", after, "results file written"),
        ("LocalEngine.execute", after, "rows fetched, connection back (thread joined)"),
    ],
    "olistctl.pipeline": [("_record_query", after, "ledger line written")],
    "olistctl.cli.render": [("emit", after, "rows printed (csv)")],
    "olistctl.cli.summaries": [("query_stats", after, "stats line made (pricing)")],
}
def patch(module):
    for path, how, label in PATCHES.get(module.__name__, ()):
        *owner, attr = path.split(".")
        obj = module
        for part in owner:
            obj = getattr(obj, part)
        setattr(obj, attr, how(label)(getattr(obj, attr)))
class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in PATCHES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            patch(module)
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, Hook())
import atexit
def dump():
    mark("command returned, exit handlers (state.close: engine, lock)")
    with open(OUT, "w") as f:
        json.dump({"t0": T0, "marks": marks}, f)
mark("(this tool's hooks set up)")
import olistctl.cli.app as app
mark("CLI imported (typer, olistctl.cli.app)")
sys.argv = ["olistctl", *sys.argv[1:]]
try:
    app.main()
finally:
    # After typer's own teardown (ctx close: the engine and the lock), before exit.
    dump()
"""

# The bare DuckDB process (bench/_duckdb_query.py), marked at the same seams it has.
BARE_CHILD = r"""
import time
marks = [("interpreter up (site)", time.time_ns())]
import os, sys, json
T0 = int(os.environ["QT_T0"]); OUT = os.environ["QT_OUT"]
import duckdb
marks.append(("import duckdb", time.time_ns()))
sys.path.insert(0, os.environ["QT_BENCH"])
import _duckdb_query
_duckdb_query.main(sys.argv[1:])
sys.stdout.flush()
marks.append(("connect, views, query, rows printed", time.time_ns()))
with open(OUT, "w") as f:
    json.dump({"t0": T0, "marks": marks}, f)
"""


def one(python: str, ws: str, name: str, bare: str | None = None) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "marks.json")
        env = dict(os.environ, QT_OUT=out, QT_BENCH=os.path.dirname(os.path.abspath(__file__)))
        if bare is None:
            cmd = [python, "-c", CHILD, "--workspace", ws, "query", "--name", name, "-o", "csv"]
        else:
            cmd = [python, "-c", BARE_CHILD, bare, name]
        env["QT_T0"] = str(time.time_ns())
        subprocess.run(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        ended = time.time_ns()
        with open(out) as f:
            data = json.load(f)
    marks = [*data["marks"], ["process ended (interpreter teardown)", ended]]
    rows, previous = [], data["t0"]
    for label, t in marks:
        rows.append((label, (t - previous) / 1e6))
        previous = t
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--reps", type=int, default=11)
    parser.add_argument(
        "--bare",
        metavar="TRANSLATED.json",
        help="also time the bare DuckDB process (bench/_duckdb_query.py) on this file,"
        " each run next to olistctl's",
    )
    options = parser.parse_args(argv)
    variants = [(n, None) for n in options.names]
    if options.bare:
        variants += [(f"{n} (bare DuckDB process)", n) for n in options.names]
    runs: dict[str, list[list[tuple[str, float]]]] = {label: [] for label, _ in variants}
    for _ in range(options.reps):
        for name in options.names:
            runs[name].append(one(sys.executable, options.workspace, name))
            if options.bare:
                bare = one(sys.executable, options.workspace, name, options.bare)
                runs[f"{name} (bare DuckDB process)"].append(bare)
    for name, reps in runs.items():
        print(f"\n{name} ({options.reps} runs): ms since the previous mark, median (min-max)")
        labels = [label for label, _ in reps[0]]
        total = 0.0
        for i, label in enumerate(labels):
            values = [r[i][1] for r in reps]
            med = statistics.median(values)
            total += med
            print(f"  {med:7.1f} ({min(values):6.1f}-{max(values):6.1f})  {total:7.1f}  {label}")
        walls = [sum(v for _, v in r) for r in reps]
        print(f"  whole process: {statistics.median(walls):.1f} ms median")
    return 0


if __name__ == "__main__":
    sys.exit(main())

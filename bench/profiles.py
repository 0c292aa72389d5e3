"""Where the time and memory go, for the targets the benchmarks can miss: measured attributions.

Three experiments, each a set of fresh processes (``bench/_profile_worker.py``)
that differ in one thing, so a difference in time or memory is that thing's:

1. transform memory: ``convert_csv`` with and without the key sets of the
   uniqueness checks, at each CSV size;
2. transform time on the smallest CSV: the whole conversion, without the
   value-domain checks (the only part that imports pandas, through
   ``pyarrow.array``), without any quality profiling; and pyarrow's own
   parse and write times for the same file, in-process;
3. ``olistctl query`` process time, built up layer by layer: DuckDB alone,
   + the CLI, then the real command (its transpiled SQL cached in the
   workspace), and the real command's first run (nothing cached: sqlglot).

    .venv/bin/python bench/profiles.py [--reps 3] [--smoke]
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable

import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from _harness import (
    BENCH_DIR,
    MB,
    OLISTCTL,
    PYTHON,
    Measured,
    dataset,
    machine,
    mb,
    measure,
    olistctl_env,
    parse_args,
    progress,
    save,
    secs,
    table,
    workspace,
)
from _orders_csv import ensure_orders_csv
from olistctl.backends import open_backend
from olistctl.backends.local.engine import TRANSPILE_CACHE
from olistctl.dataset import ORDERS, arrow_schema
from olistctl.settings import load_settings
from olistctl.sql.named import get_query
from olistctl.sql.transpile import transpile
from transform import FULL_SIZES, SMOKE_SIZES, parse_size, size_label

WORKER = BENCH_DIR / "_profile_worker.py"
CONVERT_MEMORY_MODES = ("full", "no-key-sets")
CONVERT_TIME_MODES = ("full", "no-domain-checks", "no-quality")
QUERY_LAYERS = ("duckdb", "+cli")
QUERY_COMMANDS = ("olistctl query", "olistctl query, first run")
QUERIES = ("executive_kpis", "order_status_mix")


def _interleaved(
    options, what: str, cmds: dict[str, list], before: dict[str, Callable[[], None]] | None = None
) -> dict[str, Measured]:
    """Each command ``reps`` times, taking turns, so drift in the machine hits all alike.

    ``before[label]``, if given, runs (untimed) before each run of that command.
    """
    runs = {label: Measured(label, "") for label in cmds}
    for rep in range(options.reps):
        progress(f"profile: {what}, repetition {rep + 1}/{options.reps}")
        for label, cmd in cmds.items():
            if before and label in before:
                before[label]()
            run = measure(cmd, env=olistctl_env(), cwd=options.work)
            runs[label].add(run)
            runs[label].extra["stdout"] = run.stdout.strip()
    return runs


def _in_process(options, step) -> float:
    """The median seconds of ``step()`` over the repetitions, in this process."""
    seconds = []
    for _ in range(options.reps):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def convert_memory(options, sources) -> list[dict]:
    out = []
    for label, source, rows in sources:
        dest = source.with_name(source.stem + ".profile.parquet")
        cmds = {m: [PYTHON, WORKER, "convert", m, source, dest] for m in CONVERT_MEMORY_MODES}
        runs = _interleaved(options, f"convert {label}", cmds)
        found = {m: {"wall": r.wall.median, "rss": r.rss.max} for m, r in runs.items()}
        dest.unlink(missing_ok=True)
        keys = len(list(ORDERS.keys_to_check()))
        out.append({"label": label, "rows": rows, "keys": keys, **found})
    return out


def convert_time(options, label, source) -> dict:
    dest = source.with_name(source.stem + ".profile.parquet")
    just_import = "from olistctl.transform import convert_csv"
    cmds = {m: [PYTHON, WORKER, "convert", m, source, dest] for m in CONVERT_TIME_MODES}
    cmds["imports"] = [PYTHON, "-c", just_import]
    cmds["imports + pandas"] = [PYTHON, "-c", f"{just_import}; import pandas"]
    runs = _interleaved(options, f"convert {label}", cmds)
    found = {mode: runs[mode].wall.median for mode in CONVERT_TIME_MODES}
    found["pandas imported"] = runs["full"].extra["stdout"].endswith("True")
    found["imports"] = runs["imports"].wall.median
    found["pandas import"] = runs["imports + pandas"].wall.median - found["imports"]

    # In this process: convert_csv's first call (first-use costs) and later calls,
    # then pyarrow alone: the parse on one thread and on all cores, and the write.
    from olistctl.transform import convert_csv

    started = time.perf_counter()
    convert_csv(source, dest)
    found["in-process, first call"] = time.perf_counter() - started
    found["in-process, later calls"] = _in_process(options, lambda: convert_csv(source, dest))
    schema = arrow_schema(ORDERS)

    def reader(threads: bool):
        return pcsv.open_csv(
            source,
            read_options=pcsv.ReadOptions(block_size=1 << 20, use_threads=threads),
            convert_options=pcsv.ConvertOptions(
                column_types=schema, null_values=[""], strings_can_be_null=True
            ),
        )

    found["parse, 1 thread"] = _in_process(options, lambda: reader(False).read_all())
    found["parse, all cores"] = _in_process(options, lambda: reader(True).read_all())
    whole = reader(False).read_all()
    found["write"] = _in_process(
        options,
        lambda: pq.write_table(
            whole, dest, compression="snappy", row_group_size=128 * 1024, coerce_timestamps="ms"
        ),
    )
    dest.unlink(missing_ok=True)
    return {"label": label, **found}


def query_layers(options, ws) -> dict:
    engine = open_backend(load_settings({"backend": "local", "workspace": str(ws)}, env={})).engine
    schema = engine.schema()
    files = engine.files_by_table()
    out = {}
    for name in QUERIES:
        transpiled = transpile(get_query(name).sql, schema)
        prepared = options.work / f"profile-query-{name}.json"
        views = []
        for t in transpiled.tables:
            paths = ", ".join(f"'{p}'" for p in files[t])
            views.append(f'CREATE VIEW "{t}" AS SELECT * FROM read_parquet([{paths}])')
        prepared.write_text(
            json.dumps({"views": views, "sql": transpiled.duckdb_sql, "schema": schema})
        )
        cmds = {layer: [PYTHON, WORKER, "query", layer, prepared, name] for layer in QUERY_LAYERS}
        command = [OLISTCTL, "--workspace", ws, "query", "--name", name, "--output", "csv"]
        first, again = QUERY_COMMANDS[1], QUERY_COMMANDS[0]
        # The first run (cache emptied) fills the transpile cache the next one reads.
        cmds[first] = cmds[again] = command
        empty_cache = {first: lambda: shutil.rmtree(ws / TRANSPILE_CACHE, ignore_errors=True)}
        runs = _interleaved(options, f"query {name}", cmds, before=empty_cache)
        out[name] = {label: m.wall.median for label, m in runs.items()}
    return out


def main(argv=None) -> int:
    options, _ = parse_args(__doc__.splitlines()[0], argv)
    data = dataset(options)
    scratch = options.work / "transform"
    scratch.mkdir(exist_ok=True)
    sources = []
    for text in (SMOKE_SIZES if options.smoke else FULL_SIZES).split(","):
        size = parse_size(text)
        label = size_label(size)
        path, rows = ensure_orders_csv(
            data / ORDERS.file_name, scratch / f"orders-{label.replace(' ', '')}.csv", size
        )
        sources.append((label, path, rows))
    memory = convert_memory(options, sources)
    timing = convert_time(options, sources[0][0], sources[0][1])
    layers = query_layers(options, workspace(options, data))
    save(
        options,
        "profiles",
        render(options, memory, timing, layers),
        {"machine": machine(), "memory": memory, "time": timing, "query_layers": layers},
        [],
    )
    return 0


def render(options, memory, timing, layers) -> str:
    mem_rows = []
    for m in memory:
        fingerprints = m["rows"] * m["keys"] * 8
        mem_rows.append(
            [
                m["label"],
                f"{m['rows']:,}",
                mb(m["full"]["rss"]),
                mb(m["no-key-sets"]["rss"]),
                mb(m["full"]["rss"] - m["no-key-sets"]["rss"]),
                f"{fingerprints / MB:,.0f} MB",
            ]
        )
    t = timing
    time_rows = [
        ["whole `convert_csv` process", secs(t["full"])],
        ["… without the value-domain checks", secs(t["no-domain-checks"])],
        ["… without any quality profiling", secs(t["no-quality"])],
        ["importing `olistctl.transform` (process)", secs(t["imports"])],
        [
            "importing pandas on top (the baseline's import; `convert_csv` imported it:"
            f" {'yes' if t['pandas imported'] else 'no'})",
            secs(t["pandas import"]),
        ],
        ["`convert_csv` in-process, first call", secs(t["in-process, first call"])],
        ["`convert_csv` in-process, later calls", secs(t["in-process, later calls"])],
        ["pyarrow parse, 1 thread, in-process", secs(t["parse, 1 thread"])],
        ["pyarrow parse, all cores, in-process", secs(t["parse, all cores"])],
        ["pyarrow Parquet write, in-process", secs(t["write"])],
    ]
    layer_rows = []
    for name, found in layers.items():
        previous = 0.0
        cells = []
        for key in (*QUERY_LAYERS, *QUERY_COMMANDS):
            cells.append(f"{secs(found[key])} (+{secs(found[key] - previous)})")
            previous = found[key]
        layer_rows.append([f"`{name}`", *cells])
    return "\n".join(
        [
            "## Profiles: where the time and memory go",
            "",
            "Attribution experiments for the targets above that are missed or close:"
            " fresh processes that differ in one thing (`bench/_profile_worker.py`), medians of"
            f" {options.reps}, the variants taking turns (RSS: the highest). Command:"
            f" `.venv/bin/python bench/profiles.py --reps {options.reps}`.",
            "",
            "### Transform memory: the uniqueness key sets",
            "",
            table(
                [
                    "CSV",
                    "rows",
                    "peak RSS",
                    "without key sets",
                    "difference",
                    "key fingerprints (rows × keys × 8 B)",
                ],
                mem_rows,
                "lrrrrr",
            ),
            "",
            f"### Transform time on the {t['label']} CSV",
            "",
            table(["what", "wall"], time_rows, "lr"),
            "",
            "### `olistctl query` process time, layer by layer",
            "",
            table(
                [
                    "query",
                    "DuckDB only",
                    "+ CLI import",
                    "`olistctl query` (SQL cached)",
                    "… first run (sqlglot transpile)",
                ],
                layer_rows,
                "lrrrr",
            ),
            "",
            "Each cell: the process's wall time (what the layer added). `olistctl query` adds"
            " to DuckDB and the CLI: settings, catalog, the transpile cache, the results CSV,"
            " the scan estimate from the footers and printing; its first run in a workspace"
            " adds importing sqlglot and transpiling.",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())

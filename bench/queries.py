"""Each named query on the full-scale dataset: olistctl's local engine against pandas.

Two views of the same work:

- in-process: ``LocalEngine.execute`` (transpile, DuckDB over the Parquet
  files, result CSV written) after one warm-up run, against the pandas
  equivalent (reading the Parquet columns it needs counts in its time);
- whole process: ``olistctl query --name X`` against ``python
  bench/_pandas_queries.py PROCESSED X`` and against a bare Python process that
  opens DuckDB on the same files and runs the same translated SQL
  (``bench/_duckdb_query.py``), start-up and imports included.

Both engines' answers are compared row by row before any figure is reported.
Targets: each query <= 0.5 s, all of them <= 3 s; a cached ``olistctl query``
process <= 1.15x the bare DuckDB process.

    .venv/bin/python bench/queries.py [--reps 5] [--smoke]
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys

from _harness import (
    BENCH_DIR,
    OLISTCTL,
    PYTHON,
    BenchError,
    Measured,
    Spread,
    Target,
    dataset,
    machine,
    measure,
    olistctl_env,
    parse_args,
    progress,
    save,
    secs,
    secs_spread,
    shell,
    table,
    targets_table,
    workspace,
)
from _pandas_queries import QUERIES, answers_agree
from _translated import translated
from olistctl.backends.local.engine import TRANSPILE_CACHE
from olistctl.sql.named import list_queries

EACH_TARGET_S = 0.5
TOTAL_TARGET_S = 3.0
BARE_RATIO_TARGET = 1.15  # a cached olistctl query process / the bare DuckDB process
FIRST = "olistctl-first"  # a query's first run in the workspace: nothing cached yet
KPI_ORDER = ("executive_kpis", "revenue_by_category", "on_time_delivery", "monthly_orders_gmv")


def in_process(options, ws, processed) -> tuple[dict, dict]:
    engine_json = options.work / "queries-engine.json"
    pandas_json = options.work / "queries-pandas.json"
    progress("timing the named queries in-process (olistctl engine, then pandas)")
    env = olistctl_env()
    measure(
        [PYTHON, BENCH_DIR / "_engine_timing.py", ws, options.reps, engine_json],
        env=env,
        cwd=options.work,
    )
    measure(
        [PYTHON, BENCH_DIR / "_pandas_queries.py", processed, "--time", options.reps, pandas_json],
        env=env,
        cwd=options.work,
    )
    return json.loads(engine_json.read_text()), json.loads(pandas_json.read_text())


def main(argv=None) -> int:
    options, _ = parse_args(__doc__.splitlines()[0], argv)
    data = dataset(options)
    ws = workspace(options, data)
    processed = ws / "processed"
    # The queries with a pandas baseline here; the analyst's queries added later are checked
    # against pandas in the tests (tests/analyses.py), not timed against it.
    names = [q.name for q in list_queries() if q.name in QUERIES]

    engine, pandas = in_process(options, ws, processed)
    disagreements = {
        name: answers_agree(engine[name]["rows"], pandas[name]["rows"]) for name in names
    }
    disagreements = {k: v for k, v in disagreements.items() if v}

    env = olistctl_env()
    whole: dict[str, dict[str, Measured]] = {}
    # Smoke runs time two queries as whole processes: enough to prove the path works.
    whole_names = names[:2] if options.smoke else names
    cache = ws / TRANSPILE_CACHE
    bare_sql = options.work / f"queries-translated-{'smoke' if options.smoke else 'full'}.json"
    bare_sql.write_text(json.dumps(translated(ws, whole_names)))
    for rep in range(options.reps):
        progress(f"whole-process runs, repetition {rep + 1}/{options.reps}")
        for name in whole_names:
            olistctl = [OLISTCTL, "--workspace", ws, "query", "--name", name, "--output", "csv"]
            cmds = {
                # The first run of a query transpiles it (sqlglot) and caches the
                # DuckDB SQL in the workspace; the run after it reads the cache.
                FIRST: olistctl,
                "olistctl": olistctl,
                "pandas": [PYTHON, BENCH_DIR / "_pandas_queries.py", processed, name],
                "duckdb": [PYTHON, BENCH_DIR / "_duckdb_query.py", bare_sql, name],
            }
            for label, cmd in cmds.items():
                if label == FIRST:
                    shutil.rmtree(cache, ignore_errors=True)
                slot = whole.setdefault(name, {}).setdefault(label, Measured(label, shell(cmd)))
                slot.add(measure(cmd, env=env, cwd=options.work))

    markdown, targets = render(options, names, engine, pandas, whole, disagreements, data)
    save(
        options,
        "queries",
        markdown,
        {
            "machine": machine(),
            "in_process": {
                name: {
                    "olistctl_s": Spread(engine[name]["seconds"]).to_dict(),
                    "olistctl_engine_ms": engine[name]["engine_ms"],
                    "pandas_s": Spread(pandas[name]["seconds"]).to_dict(),
                    "bytes_scanned": engine[name]["bytes_scanned"],
                }
                for name in names
            },
            "whole_process": {
                name: {label: m.to_dict() for label, m in runs.items()}
                for name, runs in whole.items()
            },
            "disagreements": disagreements,
        },
        targets,
    )
    if disagreements:
        raise BenchError(f"olistctl and pandas disagree: {disagreements}")
    return 0


def render(options, names, engine, pandas, whole, disagreements, data) -> tuple[str, list[Target]]:
    ordered = [n for n in KPI_ORDER if n in names] + [n for n in names if n not in KPI_ORDER]
    rows = []
    tot = {"e": 0.0, "p": 0.0, "we": 0.0, "wf": 0.0, "wp": 0.0, "wd": 0.0}
    worst_e = worst_we = worst_wf = 0.0
    ratios: list[float] = []
    for name in ordered:
        e, p = Spread(engine[name]["seconds"]), Spread(pandas[name]["seconds"])
        tot["e"] += e.median
        tot["p"] += p.median
        worst_e = max(worst_e, e.median)
        process_cells = ["not timed (smoke run)", "", "", "", "", "", ""]
        if name in whole:
            we, wf, wp = whole[name]["olistctl"], whole[name][FIRST], whole[name]["pandas"]
            wd = whole[name]["duckdb"]
            tot["we"] += we.wall.median
            tot["wf"] += wf.wall.median
            tot["wp"] += wp.wall.median
            tot["wd"] += wd.wall.median
            ratios.append(we.wall.median / wd.wall.median)
            worst_we = max(worst_we, we.wall.median)
            worst_wf = max(worst_wf, wf.wall.median)
            process_cells = [
                secs_spread(we.wall),
                secs_spread(wf.wall),
                f"{we.rss.median / 1e6:,.0f} MB",
                secs_spread(wd.wall),
                f"{we.wall.median / wd.wall.median:.2f}×",
                secs_spread(wp.wall),
                f"{wp.rss.median / 1e6:,.0f} MB",
            ]
        rows.append(
            [
                f"`{name}`",
                secs_spread(e),
                secs_spread(p),
                f"{p.median / e.median:.1f}×",
                *process_cells,
                "yes" if name not in disagreements else "**no**",
            ]
        )
    rows.append(
        [
            "**total**",
            secs(tot["e"]),
            secs(tot["p"]),
            f"{tot['p'] / tot['e']:.1f}×",
            secs(tot["we"]),
            secs(tot["wf"]),
            "",
            secs(tot["wd"]),
            f"{tot['we'] / tot['wd']:.2f}×" if tot["wd"] else "",
            secs(tot["wp"]),
            "",
            "",
        ]
    )
    header = [
        "query",
        "olistctl in-process",
        "pandas in-process",
        "pandas / olistctl",
        "`olistctl query` process",
        "… first run (nothing cached)",
        "peak RSS",
        "bare DuckDB process",
        "olistctl / bare",
        "pandas process",
        "peak RSS",
        "same answer",
    ]
    bare_ratio = tot["we"] / tot["wd"] if tot["wd"] else float("nan")
    targets = [
        Target(
            f"queries: a cached `olistctl query` process <= {BARE_RATIO_TARGET}× the bare"
            " DuckDB process (all queries' medians summed)",
            f"{bare_ratio:.2f}× (each query {min(ratios, default=0):.2f}–"
            f"{max(ratios, default=0):.2f}×)",
            bare_ratio <= BARE_RATIO_TARGET,
        ),
        Target(
            "queries: each <= 0.5 s (in-process)",
            f"slowest {secs(worst_e)}",
            worst_e <= EACH_TARGET_S,
        ),
        Target("queries: all <= 3 s (in-process)", secs(tot["e"]), tot["e"] <= TOTAL_TARGET_S),
        Target(
            "queries: each `olistctl query` process <= 0.5 s",
            f"slowest {secs(worst_we)}",
            worst_we <= EACH_TARGET_S,
        ),
        Target(
            "queries: all `olistctl query` processes <= 3 s",
            secs(tot["we"]),
            tot["we"] <= TOTAL_TARGET_S,
        ),
        Target(
            "queries: each `olistctl query` process, first run (nothing cached) <= 0.5 s",
            f"slowest {secs(worst_wf)}",
            worst_wf <= EACH_TARGET_S,
        ),
        Target(
            "queries: all `olistctl query` processes, first runs (nothing cached) <= 3 s",
            secs(tot["wf"]),
            tot["wf"] <= TOTAL_TARGET_S,
        ),
    ]
    scale = "smoke-test" if options.smoke else "full-scale"
    ws_cmd = f"olistctl --workspace {shell([options.work])}/ws-… run {shell([data])}"
    lines = [
        "## Queries: each named query, local engine vs pandas",
        "",
        f"The {len(names)} named queries on the {scale} dataset ({shell([data])}, loaded with"
        f" `{ws_cmd}`). In-process: `LocalEngine.execute` (transpile, DuckDB over the Parquet"
        " files, result CSV written) after one warm-up run, against the pandas equivalent in"
        " `bench/_pandas_queries.py` (reading the Parquet columns it needs, money as float64)."
        " Whole process: `olistctl --workspace WS query --name NAME --output csv` against"
        " `python bench/_pandas_queries.py WS/processed NAME` and against a bare DuckDB"
        " process (`python bench/_duckdb_query.py TRANSLATED.json NAME`: import DuckDB, one"
        " view per table over the same Parquet files, the same translated DuckDB SQL and"
        " parameter values, rows printed as CSV; no sandbox, SQL check, scan estimate or"
        " results file), start-up included, the three taking turns. A query's"
        " first run in a workspace transpiles it (sqlglot) and caches the DuckDB SQL in the"
        f" workspace (`{TRANSPILE_CACHE}/`, keyed by the SQL, the catalog's types and the"
        " transpiler's code); every later run, and the in-process runs after the warm-up,"
        ' read that cache. "First run" is measured with the cache emptied just before.'
        f" Median of {options.reps} (min–max). Both engines' answers were compared row by row"
        " (numbers within 0.0051: the SQL rounds percentages, pandas does not).",
        "",
        table(header, rows, "lrrrrrrrrrrl"),
        "",
        f"Command: `.venv/bin/python bench/queries.py --reps {options.reps}`",
        "",
        targets_table(targets),
    ]
    if disagreements:
        lines += ["", "**Answers differ:**", ""]
        lines += [f"- `{k}`: {v}" for k, v in disagreements.items()]
    engine_share = statistics.median(
        min(engine[n]["engine_ms"]) / 1000 / max(min(engine[n]["seconds"]), 1e-9) for n in names
    )
    lines += [
        "",
        f"DuckDB execution (the engine's `engine_ms`) is a median {engine_share:.0%} of the"
        " in-process time; the rest is transpiling, listing files and estimating the scan.",
    ]
    return "\n".join(lines), targets


if __name__ == "__main__":
    sys.exit(main())

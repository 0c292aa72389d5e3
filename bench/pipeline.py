"""The whole pipeline: ``olistctl run`` from an empty workspace, then again unchanged, at full
scale and at 10x, against a DuckDB-only script and a pandas script in the same run.

Sizes: the 100,000-order synthetic dataset (~125 MB, ~1.56 M rows), and 10x
(``olistctl sample --orders 1000000``), local backend: upload,
transform, crawl and the KPI queries. Baselines, taking turns with olistctl
in every repetition:

- the DuckDB-only script (``bench/_duckdb_pipeline.py``): the 9 CSVs to Snappy
  Parquet with DuckDB ``COPY`` (model types), then the same KPI queries as the
  same DuckDB SQL on the same connection;
- at full scale only, a pandas script as a folder of scripts would do it
  (``bench/_pandas_pipeline.py``).

All three runs' KPI answers are compared. Targets: ``olistctl run`` <= 1.2x the
DuckDB-only script at each size, and a re-run with nothing changed <= 0.4 s at
full scale.

    .venv/bin/python bench/pipeline.py [--reps 5] [--reps-10x 3] [--sizes full,10x] [--smoke]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from _harness import (
    BENCH_DIR,
    FULL_ORDERS,
    OLISTCTL,
    PYTHON,
    SEED,
    SMOKE_ORDERS,
    BenchError,
    Measured,
    Spread,
    Target,
    dataset,
    human_bytes,
    machine,
    mb_spread,
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
)
from _pandas_queries import answers_agree
from _translated import translated
from olistctl.sql.named import list_queries

RATIO_TARGET = 1.2  # olistctl run / the DuckDB-only script
NOOP_TARGET_S = 0.4  # a re-run with nothing changed, full scale
STAGES = ("upload", "transform", "crawl", "query")
SIZES = ("full", "10x")


def _extra(parser) -> None:
    parser.add_argument("--sizes", default=",".join(SIZES), help="full, 10x or both")
    parser.add_argument(
        "--reps-10x", type=int, default=3, help="repetitions at 10x (default 3; each ~1 min)"
    )


def ten_x(options) -> tuple[Path, Measured]:
    """The 10x dataset, made by ``olistctl sample`` (timed once, the first time)."""
    orders = (SMOKE_ORDERS if options.smoke else FULL_ORDERS) * 10
    target = options.work / ("smoke-10x" if options.smoke else "full-10x")
    cmd = [OLISTCTL, "sample", "--orders", orders, "--seed", SEED, "--out", target]
    made = Measured(f"olistctl sample --orders {orders:,}", shell(cmd))
    stamp = target / ".generated"
    wanted = f"orders={orders} seed={SEED} (olistctl sample)"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        shutil.rmtree(target, ignore_errors=True)
        progress(f"olistctl sample --orders {orders:,} into {target}")
        made.add(measure(cmd, env=olistctl_env(), cwd=options.work))
        stamp.write_text(wanted)
        (target / ".sample-run.json").write_text(json.dumps(made.to_dict()))
    elif (target / ".sample-run.json").is_file():
        saved = json.loads((target / ".sample-run.json").read_text())
        made.wall = Spread(saved["wall_s"]["values"])
        made.rss = Spread(saved["peak_rss_bytes"]["values"])
    return target, made


def run_size(options, size: str, data: Path, reps: int, with_pandas: bool) -> dict:
    ws = options.work / f"pipeline-ws-{size}"
    lake = options.work / f"pipeline-pandas-{size}"
    duck_lake = options.work / f"pipeline-duckdb-{size}"
    answers = options.work / f"pipeline-pandas-{size}.json"
    duck_answers = options.work / f"pipeline-duckdb-{size}.json"
    kpi_sql = options.work / f"pipeline-kpi-sql-{size}.json"
    env = olistctl_env()
    run_cmd = [OLISTCTL, "--workspace", ws, "--no-progress", "run", data, "--output", "json"]
    base_cmd = [PYTHON, BENCH_DIR / "_pandas_pipeline.py", data, lake, answers]
    duck_cmd = [PYTHON, BENCH_DIR / "_duckdb_pipeline.py", data, duck_lake, kpi_sql, duck_answers]
    kpi_names = [q.name for q in list_queries() if q.kpi]

    runs = {
        "first": Measured("olistctl run, empty workspace", shell(run_cmd)),
        "second": Measured("olistctl run again, nothing changed", shell(run_cmd)),
        "duckdb": Measured("DuckDB-only script", shell(duck_cmd)),
    }
    if with_pandas:
        runs["pandas"] = Measured("pandas script", shell(base_cmd))
    stages: dict[str, dict[str, list[float]]] = {k: {} for k in runs}
    summaries: dict[str, list[str]] = {"first": [], "second": []}
    disagreements: dict[str, str] = {}
    for rep in range(reps):
        progress(f"pipeline {size}, repetition {rep + 1}/{reps}")
        shutil.rmtree(ws, ignore_errors=True)
        for which in ("first", "second"):
            run = measure(run_cmd, env=env, cwd=options.work)
            runs[which].add(run)
            out = json.loads(run.stdout)
            for stage in out["stages"]:
                stages[which].setdefault(stage["stage"], []).append(stage["seconds"])
            summaries[which] = [f"{s['stage']}: {s['result']}" for s in out["stages"]]
            kpis = out["kpis"]
        if not kpi_sql.is_file():
            # The same DuckDB SQL olistctl ran, for the DuckDB-only script.
            kpi_sql.write_text(json.dumps(translated(ws, kpi_names)))
        shutil.rmtree(duck_lake, ignore_errors=True)
        runs["duckdb"].add(measure(duck_cmd, env=env, cwd=options.work))
        theirs = json.loads(duck_answers.read_text())
        for stage, seconds in theirs["seconds"].items():
            stages["duckdb"].setdefault(stage, []).append(seconds)
        baselines = {"DuckDB-only script": theirs["kpis"]}
        if with_pandas:
            shutil.rmtree(lake, ignore_errors=True)
            runs["pandas"].add(measure(base_cmd, env=env, cwd=options.work))
            pandas_out = json.loads(answers.read_text())
            for stage, seconds in pandas_out["seconds"].items():
                stages["pandas"].setdefault(stage, []).append(seconds)
            baselines["pandas script"] = pandas_out["kpis"]
        for label, baseline in baselines.items():
            for name, answer in baseline.items():
                ours = [[row[c] for c in answer["columns"]] for row in kpis[name]]
                differs = answers_agree(ours, answer["rows"])
                if differs:
                    disagreements[f"{label}: {name}"] = differs
    for folder in (lake, duck_lake):
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "data": data,
        "csv_bytes": sum(p.stat().st_size for p in data.glob("*.csv")),
        "reps": reps,
        "runs": runs,
        "stages": stages,
        "summaries": summaries,
        "disagreements": disagreements,
        "commands": {"olistctl": shell(run_cmd), "duckdb": shell(duck_cmd)},
    }


def main(argv=None) -> int:
    options, args = parse_args(__doc__.splitlines()[0], argv, extra=_extra)
    sizes = [s for s in SIZES if s in args.sizes.split(",")]
    results: dict[str, dict] = {}
    sample_run = None
    for size in sizes:
        if size == "full":
            data = dataset(options)
            results[size] = run_size(options, size, data, options.reps, with_pandas=True)
        else:
            data, sample_run = ten_x(options)
            reps = 1 if options.smoke else max(1, min(options.reps, args.reps_10x))
            results[size] = run_size(options, size, data, reps, with_pandas=False)

    markdown, targets = render(options, results, sample_run)
    save(
        options,
        "pipeline",
        markdown,
        {
            "machine": machine(),
            "sizes": {
                size: {
                    "csv_bytes": r["csv_bytes"],
                    "reps": r["reps"],
                    "runs": {k: m.to_dict() for k, m in r["runs"].items()},
                    "stages_s": r["stages"],
                    "disagreements": r["disagreements"],
                }
                for size, r in results.items()
            },
            "sample_10x": sample_run.to_dict() if sample_run else None,
        },
        targets,
    )
    wrong = {size: r["disagreements"] for size, r in results.items() if r["disagreements"]}
    if wrong:
        raise BenchError(f"olistctl and a baseline disagree: {wrong}")
    return 0


def render(options, results: dict[str, dict], sample_run) -> tuple[str, list[Target]]:
    def stage_cells(seconds: dict[str, list[float]]) -> list[str]:
        return [secs(Spread(seconds[s]).median) if s in seconds else "—" for s in STAGES]

    kpi_names = [q.name for q in list_queries() if q.kpi]
    targets: list[Target] = []
    lines = [
        "## Pipeline: `olistctl run` against a DuckDB-only script, at full scale and 10×",
        "",
        "The synthetic dataset, local backend, from an empty workspace to the KPIs, then again"
        " with nothing changed. Baselines, taking turns with olistctl in every repetition: the"
        " DuckDB-only script (`bench/_duckdb_pipeline.py`: the 9 CSVs to Snappy Parquet with"
        " DuckDB `COPY` and the model's column types, then the same KPI queries as the same"
        " DuckDB SQL olistctl runs, on one connection; no raw copy, no checksums, no quality"
        " checks, no catalog, no results files) and, at full scale, a pandas script doing"
        " what a folder of scripts does (copy the CSVs, `read_csv` typed + `to_parquet`, the KPIs"
        " in pandas: `bench/_pandas_pipeline.py`). Neither baseline can tell what an earlier run"
        " did, so they have no re-run row. Wall time and peak RSS of the whole process, median"
        " (min–max); stage seconds are medians of the `stages` of `--output json` (olistctl) or"
        " the scripts' own timers.",
    ]
    for size, r in results.items():
        runs = r["runs"]
        duck = runs["duckdb"].wall.median
        first, second = runs["first"].wall.median, runs["second"].wall.median
        label = "full scale" if size == "full" else "10×"
        if options.smoke:
            label += " (smoke-test size)"
        rows = []
        for key, m in runs.items():
            rows.append(
                [
                    m.label,
                    secs_spread(m.wall),
                    f"{m.wall.median / duck:.2f}×",
                    mb_spread(m.rss),
                    *stage_cells(r["stages"][key]),
                ]
            )
        lines += [
            "",
            f"### {label}: {shell([r['data']])}, 9 files, {human_bytes(r['csv_bytes'])},"
            f" {r['reps']} repetition{'s' if r['reps'] != 1 else ''}",
            "",
            table(["run", "wall", "vs DuckDB-only", "peak RSS", *STAGES], rows, "lrrrrrrr"),
            "",
            f"What olistctl's runs did: first — {'; '.join(r['summaries']['first'])}."
            f" Second — {'; '.join(r['summaries']['second'])}.",
            "",
            f"KPI answers ({', '.join(f'`{k}`' for k in kpi_names)}) the same in all: "
            + ("yes." if not r["disagreements"] else f"**no**: {r['disagreements']}."),
            "",
            f"Commands: `{r['commands']['olistctl']}` (after `rm -rf` of the workspace for the"
            f" first run); `{r['commands']['duckdb']}`.",
        ]
        targets.append(
            Target(
                f"pipeline {label}: `olistctl run` <= {RATIO_TARGET}× the DuckDB-only script",
                f"{first / duck:.2f}× ({secs(first)} against {secs(duck)})",
                first / duck <= RATIO_TARGET,
            )
        )
        if size == "full":
            targets.append(
                Target(
                    f"pipeline {label}: re-run with nothing changed <= {NOOP_TARGET_S} s",
                    secs(second),
                    second <= NOOP_TARGET_S,
                )
            )
    if sample_run is not None and sample_run.wall.values:
        lines += [
            "",
            f"The 10× data was made by `{sample_run.command}` once before the runs:"
            f" {secs(sample_run.wall.median)}, peak RSS {sample_run.rss.median / 1e6:,.0f} MB"
            " (the sample benchmark below measures it properly).",
        ]
    lines += [
        "",
        targets_table(targets),
        "",
        f"Whole suite: `.venv/bin/python bench/pipeline.py --reps {options.reps}`",
    ]
    return "\n".join(lines), targets


if __name__ == "__main__":
    sys.exit(main())

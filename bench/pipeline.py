"""The whole pipeline at full scale: ``olistctl run`` from an empty workspace, then again unchanged.

On the 100,000-order synthetic dataset (~125 MB, ~1.56 M rows), local
backend: upload, transform, crawl and the KPI queries. The baseline, in the
same run: a plain script doing what a folder of shell scripts does (copy the
CSVs, pandas ``read_csv`` typed + ``to_parquet`` for the 9 files, the KPI
queries in pandas): ``bench/_pandas_pipeline.py``. Both runs' KPI answers are
compared. Targets: first run <= 15 s, second run <= 2 s.

    .venv/bin/python bench/pipeline.py [--reps 5] [--smoke]
"""

from __future__ import annotations

import json
import shutil
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
from olistctl.sql.named import list_queries

FIRST_TARGET_S = 15.0
SECOND_TARGET_S = 2.0
STAGES = ("upload", "transform", "crawl", "query")


def main(argv=None) -> int:
    options, _ = parse_args(__doc__.splitlines()[0], argv)
    data = dataset(options)
    ws = options.work / "pipeline-ws"
    lake = options.work / "pipeline-pandas"
    answers = options.work / "pipeline-pandas.json"
    env = olistctl_env()
    run_cmd = [OLISTCTL, "--workspace", ws, "--no-progress", "run", data, "--output", "json"]
    base_cmd = [PYTHON, BENCH_DIR / "_pandas_pipeline.py", data, lake, answers]

    runs = {
        "first": Measured("olistctl run, empty workspace", shell(run_cmd)),
        "second": Measured("olistctl run again, nothing changed", shell(run_cmd)),
        "base_first": Measured("pandas script, first run", shell(base_cmd)),
        "base_second": Measured("pandas script, run again", shell(base_cmd)),
    }
    stages: dict[str, dict[str, list[float]]] = {"first": {}, "second": {}}
    base_stages: dict[str, dict[str, list[float]]] = {"base_first": {}, "base_second": {}}
    summaries: dict[str, list[str]] = {"first": [], "second": []}
    disagreements: dict[str, str] = {}
    for rep in range(options.reps):
        progress(f"pipeline, repetition {rep + 1}/{options.reps}")
        shutil.rmtree(ws, ignore_errors=True)
        for which in ("first", "second"):
            run = measure(run_cmd, env=env, cwd=options.work)
            runs[which].add(run)
            out = json.loads(run.stdout)
            for stage in out["stages"]:
                stages[which].setdefault(stage["stage"], []).append(stage["seconds"])
            summaries[which] = [f"{s['stage']}: {s['result']}" for s in out["stages"]]
            kpis = out["kpis"]
        shutil.rmtree(lake, ignore_errors=True)
        for which in ("base_first", "base_second"):
            runs[which].add(measure(base_cmd, env=env, cwd=options.work))
            for stage, seconds in json.loads(answers.read_text())["seconds"].items():
                base_stages[which].setdefault(stage, []).append(seconds)
        baseline = json.loads(answers.read_text())["kpis"]
        for name, answer in baseline.items():
            ours = [[row[c] for c in answer["columns"]] for row in kpis[name]]
            differs = answers_agree(ours, answer["rows"])
            if differs:
                disagreements[name] = differs
    shutil.rmtree(lake, ignore_errors=True)

    size = sum(p.stat().st_size for p in data.glob("*.csv"))
    markdown, targets = render(
        options, data, size, runs, stages, base_stages, summaries, disagreements
    )
    save(
        options,
        "pipeline",
        markdown,
        {
            "machine": machine(),
            "csv_bytes": size,
            "runs": {k: m.to_dict() for k, m in runs.items()},
            "olistctl_stages_s": stages,
            "pandas_stages_s": base_stages,
            "disagreements": disagreements,
        },
        targets,
    )
    if disagreements:
        raise BenchError(f"olistctl and the pandas script disagree: {disagreements}")
    return 0


def render(
    options, data, size, runs, stages, base_stages, summaries, disagreements
) -> tuple[str, list[Target]]:
    def stage_cells(seconds: dict[str, list[float]]) -> list[str]:
        return [secs(Spread(seconds[s]).median) if s in seconds else "—" for s in STAGES]

    base_first = runs["base_first"].wall.median
    rows = []
    for key, stage_seconds in (
        ("first", stages["first"]),
        ("second", stages["second"]),
        ("base_first", base_stages["base_first"]),
        ("base_second", base_stages["base_second"]),
    ):
        m = runs[key]
        rows.append(
            [
                m.label,
                secs_spread(m.wall),
                f"{m.wall.median / base_first:.2f}×",
                mb_spread(m.rss),
                *stage_cells(stage_seconds),
            ]
        )
    first, second = runs["first"].wall.median, runs["second"].wall.median
    kpi_names = [q.name for q in list_queries() if q.kpi]
    targets = [
        Target("pipeline: first run <= 15 s", secs(first), first <= FIRST_TARGET_S),
        Target("pipeline: second run <= 2 s", secs(second), second <= SECOND_TARGET_S),
    ]
    scale = "smoke-test" if options.smoke else "full-scale"
    lines = [
        "## Pipeline: `olistctl run` at full scale vs a pandas script",
        "",
        f"The {scale} synthetic dataset ({shell([data])}: 9 files, {human_bytes(size)}),"
        " local backend, from an empty workspace to the KPIs, then again with nothing changed."
        " The baseline does what a folder of shell scripts does: copy the CSVs, pandas"
        " `read_csv` (typed) + `to_parquet` for the 9 files, the KPI queries in pandas over the"
        " Parquet files (`bench/_pandas_pipeline.py`); it has no way to know what an earlier"
        " run did, so its second run repeats everything. Wall time and peak RSS of the whole"
        f" process, median of {options.reps} (min–max); stage seconds are medians of the"
        " `stages` of `--output json` (olistctl) or the script's own timers (pandas).",
        "",
        table(
            ["run", "wall", "vs pandas first run", "peak RSS", *STAGES],
            rows,
            "lrrrrrrr",
        ),
        "",
        f"What the runs did: first — {'; '.join(summaries['first'])}."
        f" Second — {'; '.join(summaries['second'])}.",
        "",
        f"KPI answers ({', '.join(f'`{k}`' for k in kpi_names)}) the same in both: "
        + ("yes." if not disagreements else f"**no**: {disagreements}."),
        "",
        targets_table(targets),
        "",
        f"Commands: `{runs['first'].command}` (after `rm -rf` of the workspace for the first"
        f" run); baseline `{runs['base_first'].command}`.",
        "",
        f"Whole suite: `.venv/bin/python bench/pipeline.py --reps {options.reps}`",
    ]
    return "\n".join(lines), targets


if __name__ == "__main__":
    sys.exit(main())

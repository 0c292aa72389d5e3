"""Run every benchmark, each in its own process, and rewrite docs/benchmarks.md from the results.

    .venv/bin/python bench/run_all.py [--reps 5] [--smoke] [--only startup,queries]
                                      [--out docs/benchmarks.md] [--render-only]

A benchmark that fails is reported in the document (and makes the exit
status 1); the others still run. ``--render-only`` rebuilds the document from
the results already in ``<work-dir>/results``. ``bench/analysis.md`` (the
profiles behind any missed target) is appended as written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from _harness import (
    BENCH_DIR,
    DEFAULT_WORK,
    PYTHON,
    REPO,
    claim_work_dir,
    machine,
    measure,
    table,
    verdict,
)

# In the order the document shows them.
BENCHMARKS = (
    "startup",
    "transform",
    "lambda_tmp",
    "pipeline",
    "queries",
    "query_out",
    "scan_cost",
    "profiles",
    "sample",
    "setup",
)
ANALYSIS = BENCH_DIR / "analysis.md"
# A fixed CPU-bound loop, timed in-process: how steady this machine's CPU is.
_STEADINESS = (
    "import time\nt = time.perf_counter()\nsum(i * i for i in range(3_000_000))\n"
    "print(time.perf_counter() - t)"
)


def steadiness(results: Path, runs: int = 10) -> None:
    seconds = [float(measure([PYTHON, "-c", _STEADINESS]).stdout) for _ in range(runs)]
    (results / "steadiness.json").write_text(json.dumps(seconds))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if b in args.only.split(",")]
    results = (args.work_dir / "results").resolve()

    failures: dict[str, str] = {}
    took: dict[str, float] = {}
    if not args.render_only:
        refused = claim_work_dir(args.work_dir.resolve())
        if refused:
            parser.error(refused)
        results.mkdir(parents=True, exist_ok=True)
        steadiness(results)
        for name in chosen:
            for stale in results.glob(f"{name}.*"):
                stale.unlink()
            cmd = [PYTHON, BENCH_DIR / f"{name}.py", "--reps", str(args.reps)]
            cmd += ["--work-dir", str(args.work_dir), "--results-dir", str(results)]
            if args.smoke:
                cmd.append("--smoke")
            print(f"[run_all] {name}", file=sys.stderr, flush=True)
            began, load_start = datetime.now(UTC), os.getloadavg()[0]
            started = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            took[name] = time.perf_counter() - started
            # How loaded the shared machine was while it ran: every figure is read with it.
            run_info = {
                "started": began.strftime("%Y-%m-%d %H:%M UTC"),
                "minutes": took[name] / 60,
                "reps": 1 if args.smoke else args.reps,
                "load_start": load_start,
                "load_end": os.getloadavg()[0],
            }
            (results / f"{name}.run.json").write_text(json.dumps(run_info))
            if done.returncode != 0:
                failures[name] = "\n".join(done.stderr.strip().splitlines()[-12:])
                print(done.stderr, file=sys.stderr)

    document = render(chosen, results, failures, took, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(document, encoding="utf-8")
    print(f"[run_all] wrote {args.out}", file=sys.stderr)
    return 1 if failures else 0


def render(chosen, results: Path, failures, took, args) -> str:
    info = machine()
    sections, targets, missing = [], [], []
    for name in chosen:
        section = results / f"{name}.md"
        figures = results / f"{name}.json"
        if section.is_file() and figures.is_file():
            # The work folder as WORK: the document names no folder of the machine it ran on.
            text = section.read_text(encoding="utf-8").rstrip()
            sections.append(text.replace(str(args.work_dir.resolve()), "WORK"))
            targets += json.loads(figures.read_text())["targets"]
        else:
            missing.append(name)
        if name in failures:
            sections.append(f"**The {name} benchmark failed:**\n\n```\n{failures[name]}\n```")
    steady = ""
    if (results / "steadiness.json").is_file():
        loop = json.loads((results / "steadiness.json").read_text())
        steady = (
            f" CPU steadiness: a fixed CPU-bound loop took {min(loop):.3f}–{max(loop):.3f} s"
            f" over {len(loop)} runs at the start of the last benchmark run (±"
            f"{(max(loop) - min(loop)) / 2 / statistics.median(loop):.0%} around the median),"
            " so sub-second figures can move by that much between runs."
        )
    mode = " (smoke sizes: not representative)" if args.smoke else ""
    smoke_flag = " --smoke" if args.smoke else ""
    lines = [
        "# Benchmarks",
        "",
        "olistctl against the usual way of doing the same work, measured in the same run on"
        " the same machine. Every figure is a whole process (or, where said, an in-process"
        " timing), repeated; medians with min–max. Written by `bench/run_all.py`"
        f" (`make bench`){mode}; do not edit by hand: the analysis of missed targets lives in"
        " `bench/analysis.md` and is appended below.",
        "",
        "How it measures: each measured command runs in its own process, started by a tiny"
        " wrapper process that times it and reads its peak RSS with `wait4` (`ru_maxrss`)."
        " The wrapper is there because Linux counts the RSS of the process that forks a child"
        " in the child's `ru_maxrss`: measured straight from a benchmark script holding"
        " 500 MB, `python -c pass` reads 504 MB instead of 9 MB. olistctl's modules are"
        " byte-compiled before measuring and `PYTHONDONTWRITEBYTECODE` is cleared for the"
        " measured processes, as in an installed copy (the editable install has no `.pyc`"
        " files, and compiling them cost every olistctl process ~25 ms that the baselines'"
        " compiled libraries never paid). `WORK` is the `--work-dir` (default `bench/.work`),"
        " where the generated data and workspaces are. Sizes and memory are in"
        " decimal units (1 MB = 10^6 bytes)." + steady,
        "",
        "## Machine",
        "",
        table(
            ["", ""],
            [
                ["date", info["date"]],
                ["CPU", f"{info['cpu']}, {info['cores']} cores"],
                ["memory", info["memory"]],
                ["OS", info["os"]],
                ["Python", info["python"]],
                [
                    "packages",
                    ", ".join(
                        f"{p} {info[p]}"
                        for p in ("olistctl", "pyarrow", "duckdb", "pandas", "numpy", "sqlglot")
                    ),
                ],
                [
                    "command",
                    (
                        "`.venv/bin/python bench/run_all.py --only NAME --reps N` for each"
                        " benchmark (its repetitions in the run table below), then"
                        " `--render-only`"
                    )
                    if args.render_only
                    else f"`.venv/bin/python bench/run_all.py --reps {args.reps}{smoke_flag}`",
                ],
            ],
        ),
        "",
        "## Targets",
        "",
        table(
            ["target", "figure", "result"],
            [[t["name"], t["figure"], verdict(t["met"])] for t in targets],
        ),
    ]
    if missing:
        lines += ["", "Not measured in this run: " + ", ".join(missing) + "."]
    runs = []
    for name in chosen:
        info_file = results / f"{name}.run.json"
        if info_file.is_file():
            run = json.loads(info_file.read_text())
            runs.append(
                [
                    name,
                    run["started"],
                    str(run["reps"]),
                    f"{run['load_start']:.1f} → {run['load_end']:.1f}",
                    f"{run['minutes']:.1f} min",
                ]
            )
    if runs:
        lines += [
            "",
            "Each benchmark's run: when, repetitions (`--reps`; some benchmarks cap their"
            " largest sizes lower, as their sections say), the machine's 1-minute load average"
            " when it started and ended (2 cores, shared with other engineers' test runs: a"
            " load above 2 means processes waited for a core), and how long it took.",
            "",
            table(["benchmark", "started", "reps", "load average", "took"], runs, "llrrr"),
        ]
    for section in sections:
        lines += ["", section]
    if ANALYSIS.is_file():
        lines += ["", ANALYSIS.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

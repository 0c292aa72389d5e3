"""``olistctl sample`` at the real data's size and at 10x: wall time, peak RSS, and the shapes.

Each size runs ``olistctl sample --orders N`` as its own process (measured by the
harness: whole-process wall time and ``ru_maxrss``), then checks the last output
with DuckDB (``bench/_sample_shapes.py``): every key resolves, and the figures of
the real dataset (status mix, on-time share, review scores, customers' states,
payment types, items per order, sellers' and products' tails, geolocation per
prefix ...) are set beside the generated ones.

Targets: memory flat in the order count (peak RSS at the largest size <= 1.5x
that at the smallest) and <= 300 MB at every size.

    .venv/bin/python bench/sample.py [--reps 5] [--orders 100000,1000000] [--smoke]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from _harness import (
    OLISTCTL,
    BenchError,
    Measured,
    Target,
    human_bytes,
    machine,
    mb,
    mb_spread,
    measure,
    olistctl_env,
    parse_args,
    progress,
    save,
    secs_spread,
    shell,
    table,
    targets_table,
)
from _sample_shapes import orphans, shapes

FULL_ORDERS = (100_000, 1_000_000)
SMOKE_ORDERS = (1_000, 10_000)
SEED = 42
RSS_TARGET = 300_000_000
FLAT_RATIO = 1.5
# The generator before it streamed (commit f86e40c, every table whole in memory), measured
# once on this machine on 2026-12-07; it crashed for any order count from 102,366 on.
BEFORE = (
    "the generator before streaming (commit f86e40c) took 6.8 s and 293 MB at 100,000 orders"
    " (`/usr/bin/time -v olistctl sample --orders 100000`, one run on this machine) and"
    " crashed from 102,366 orders on"
)
# Marks a sample-N folder as this benchmark's, so that it may empty and remove it.
OWN_MARK = ".made-by-bench-sample"


def _fresh_folder(out: Path) -> None:
    """Make ``out`` empty for a repetition, removing it first only if this benchmark made it
    (its mark inside: a run stopped half-way leaves one); anything else there is refused."""
    if out.is_symlink() or (out.exists() and not (out / OWN_MARK).is_file()):
        raise BenchError(
            f"{out} is not a folder this benchmark made: move it away, or give another --work-dir"
        )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    (out / OWN_MARK).write_text("made by bench/sample.py, removed by it\n")


def _options(parser) -> None:
    parser.add_argument("--orders", default="", help="order counts, comma separated")


def main(argv=None) -> int:
    options, args = parse_args(__doc__.splitlines()[0], argv, extra=_options)
    sizes = [int(s) for s in args.orders.split(",")] if args.orders else None
    sizes = sizes or list(SMOKE_ORDERS if options.smoke else FULL_ORDERS)
    env = olistctl_env()
    results = []
    for orders in sizes:
        out = options.work / f"sample-{orders}"
        cmd = [OLISTCTL, "--no-progress", "--quiet", "sample", "--orders", str(orders)]
        cmd += ["--seed", str(SEED), "--out", str(out)]
        run = Measured(f"{orders:,} orders", shell(cmd))
        for rep in range(options.reps):
            progress(f"sample --orders {orders:,}, repetition {rep + 1}/{options.reps}")
            # Sample refuses to write over files of its names (they could be a real
            # download), so each repetition gets the benchmark's own folder empty.
            _fresh_folder(out)
            run.add(measure(cmd, env=env, cwd=options.work))
        files = sorted(out.glob("*.csv"))
        run.extra = {"orders": orders, "bytes": sum(f.stat().st_size for f in files)}
        results.append(run)
        if orders != sizes[-1]:
            shutil.rmtree(out)
    last = options.work / f"sample-{sizes[-1]}"
    progress(f"checking keys and shapes of {last}")
    keys = orphans(last)
    figures = shapes(last)
    shutil.rmtree(last)

    markdown, targets = render(options, results, keys, figures)
    save(
        options,
        "sample",
        markdown,
        {
            "machine": machine(),
            "runs": [r.to_dict() for r in results],
            "keys": keys,
            "shapes": [f.__dict__ for f in figures],
        },
        targets,
    )
    broken = {name: n for name, n in keys.items() if n}
    if broken:
        raise BenchError(f"the generated dataset breaks its keys: {broken}")
    return 0


def render(options, results: list[Measured], keys: dict, figures) -> tuple[str, list[Target]]:
    rows = []
    for run in results:
        orders = run.extra["orders"]
        rows.append(
            [
                f"{orders:,}",
                secs_spread(run.wall),
                f"{orders / run.wall.median:,.0f}",
                human_bytes(run.extra["bytes"]),
                mb_spread(run.rss),
            ]
        )
    smallest, largest = results[0], results[-1]
    ratio = largest.rss.max / smallest.rss.max
    peak = max(r.rss.max for r in results)
    targets = [
        Target(
            f"sample: peak RSS at {largest.label} <= {FLAT_RATIO}× that at {smallest.label}",
            f"{ratio:.2f}×",
            ratio <= FLAT_RATIO,
        ),
        Target("sample: peak RSS <= 300 MB at every size", mb(peak), peak <= RSS_TARGET),
    ]
    shape_rows = [
        [
            f.name,
            "" if f.real != f.real else _figure(f.real, f.unit),
            _figure(f.generated, f.unit),
        ]
        for f in figures
    ]
    lines = [
        "## Sample: `olistctl sample` at the real size and at 10×",
        "",
        "Each size is `olistctl sample --orders N` as its own process: the orders are"
        " generated and written in chunks of 20,000 (`olistctl.synth.plan`), so memory"
        " should not grow with N beyond the shared catalogue (tens of bytes per product and"
        f" seller). Median of {options.reps} (min–max); peak RSS is the process's"
        " `ru_maxrss`. Geolocation lists zip prefixes and stays at the real file's size"
        " above 99,441 orders; every other file grows with N.",
        "",
        table(["orders", "wall", "orders/s", "CSV written", "peak RSS"], rows, "rrrrr"),
        "",
        f"For comparison, {BEFORE}.",
        "",
        targets_table(targets),
        "",
        f"### Shapes at {largest.label} against the real data",
        "",
        "The real figures are the Olist dataset's (99,441 orders); shares and per-unit"
        " figures should hold at any size. Read with DuckDB by `bench/_sample_shapes.py`.",
        "",
        table(["figure", "real", "generated"], shape_rows, "lrr"),
        "",
        "Keys, each 0: " + ", ".join(f"{name} {count}" for name, count in keys.items()) + ".",
        "",
        f"Command: `.venv/bin/python bench/sample.py --reps {options.reps}"
        f" --orders {','.join(str(r.extra['orders']) for r in results)}`. Each measured"
        " process, e.g.:",
        "",
        *[f"- `{r.command}`" for r in results],
    ]
    return "\n".join(lines), targets


def _figure(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.2f} %"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


if __name__ == "__main__":
    sys.exit(main())

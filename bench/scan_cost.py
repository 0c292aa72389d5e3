"""Scan cost: the bytes Athena would read for each named query, Parquet against CSV, in dollars.

At full scale (the 100,000-order dataset, transformed by olistctl): the
Parquet side is the compressed column chunks each query touches, from the
files' footers; the CSV side is every byte of every table it reads. Both are
priced with Athena's rules (rounded up to the MB, at least 10 MB a query) by
``olistctl.pricing.athena_query_cost``, through the estimator ``olistctl report
cost --queries`` uses (``olistctl.cost.scan_compare``). The same data 100
times larger shows the difference the 10 MB minimum hides at this size.

    .venv/bin/python bench/scan_cost.py [--reps 5] [--smoke] [--region us-east-1]
"""

from __future__ import annotations

import sys
from pathlib import Path

from _harness import (
    OLISTCTL,
    BenchError,
    Measured,
    Target,
    dataset,
    human_bytes,
    machine,
    measure,
    olistctl_env,
    parse_args,
    progress,
    save,
    secs_spread,
    shell,
    table,
    workspace,
)
from olistctl.backends import open_backend
from olistctl.cost.scan_compare import compare_stored_queries, csv_sizes, parquet_sources
from olistctl.settings import load_settings

BIGGER = 100


def _options(parser) -> None:
    parser.add_argument("--region", default="us-east-1", help="prices of this region")


def comparisons(ws: Path, region: str, scale: float = 1.0):
    """The estimator's comparison of every named query, over the workspace's files."""
    backend = open_backend(load_settings({"backend": "local", "workspace": str(ws)}, env={}))
    found = compare_stored_queries(
        backend.store, backend.catalog.tables(), region=region, scale=scale
    )
    files = parquet_sources(backend.store, backend.store.list("processed"))
    return found, csv_sizes(backend.store), files


def main(argv=None) -> int:
    options, args = parse_args(__doc__.splitlines()[0], argv, extra=_options)
    data = dataset(options)
    ws = workspace(options, data)
    found, raw_sizes, files = comparisons(ws, args.region)
    bigger, _, _ = comparisons(ws, args.region, scale=BIGGER)

    # Checks independent of the estimator: the CSV side is the tables' file sizes,
    # and no query scans more Parquet than its tables' files hold.
    problems = []
    for c in found:
        csv_bytes = sum((data / f"{t}.csv").stat().st_size for t in c.tables)
        if c.csv.bytes_scanned != csv_bytes:
            problems.append(f"{c.query}: CSV scan {c.csv.bytes_scanned:,} != files {csv_bytes:,}")
        parquet_bytes = sum(Path(p).stat().st_size for t in c.tables for p in files.get(t, ()))
        if not 0 <= c.parquet.bytes_scanned <= parquet_bytes:
            problems.append(f"{c.query}: Parquet scan {c.parquet.bytes_scanned:,} out of range")

    cmd = [OLISTCTL, "--workspace", ws, "report", "cost", "--queries", "--output", "json"]
    cli = Measured("olistctl report cost --queries", shell(cmd))
    for rep in range(options.reps):
        progress(f"scan cost, repetition {rep + 1}/{options.reps}")
        cli.add(measure(cmd, env=olistctl_env(), cwd=options.work))

    markdown = render(options, args.region, data, found, bigger, cli, problems)
    # No target of its own: the estimate is the product; its consistency checks are.
    targets = [
        Target(
            "scan cost: estimates consistent with the files",
            "passed" if not problems else f"{len(problems)} problems",
            not problems,
        )
    ]
    save(
        options,
        "scan_cost",
        markdown,
        {
            "machine": machine(),
            "region": args.region,
            "raw_bytes": raw_sizes,
            "queries": [
                {
                    "query": c.query,
                    "tables": c.tables,
                    "parquet": vars(c.parquet),
                    "csv": vars(c.csv),
                    "parquet_x100": vars(b.parquet),
                    "csv_x100": vars(b.csv),
                }
                for c, b in zip(found, bigger, strict=True)
            ],
            "cli": cli.to_dict(),
            "problems": problems,
        },
        targets,
    )
    if problems:
        raise BenchError("; ".join(problems))
    return 0


def _usd(x: float) -> str:
    return f"${x:.6f}" if x < 0.01 else f"${x:,.4f}"


def render(options, region, data, found, bigger, cli, problems) -> str:
    rows = []
    totals = [0, 0, 0.0, 0.0, 0.0, 0.0]
    for c, b in zip(found, bigger, strict=True):
        ratio = f"{c.ratio:.1f}×" if c.ratio else "—"
        rows.append(
            [
                f"`{c.query}`",
                human_bytes(c.parquet.bytes_scanned),
                human_bytes(c.csv.bytes_scanned),
                ratio,
                _usd(c.parquet.dollars),
                _usd(c.csv.dollars),
                _usd(b.parquet.dollars),
                _usd(b.csv.dollars),
            ]
        )
        for i, v in enumerate(
            (
                c.parquet.bytes_scanned,
                c.csv.bytes_scanned,
                c.parquet.dollars,
                c.csv.dollars,
                b.parquet.dollars,
                b.csv.dollars,
            )
        ):
            totals[i] += v
    rows.append(
        [
            "**all 12**" if len(found) == 12 else f"**all {len(found)}**",
            human_bytes(totals[0]),
            human_bytes(totals[1]),
            f"{totals[1] / totals[0]:.1f}×" if totals[0] else "—",
            *(_usd(v) for v in totals[2:]),
        ]
    )
    scale = "smoke-test" if options.smoke else "full-scale"
    return "\n".join(
        [
            "## Scan cost: Parquet vs CSV, per named query",
            "",
            f"What Athena would scan and charge ({region} prices, `olistctl.pricing`) for each"
            f" named query on the {scale} dataset ({shell([data])}), estimated from the Parquet"
            " footers (the column chunks a query reads) and from the CSV sizes (a CSV is read"
            " whole). Billed: rounded up to the MB, at least 10 MB a query, so at this size most"
            f" queries cost the minimum either way; the ×{BIGGER} columns price the same data"
            f" {BIGGER} times larger, where the minimum no longer hides the difference.",
            "",
            table(
                [
                    "query",
                    "Parquet scan",
                    "CSV scan",
                    "CSV / Parquet",
                    "Parquet $",
                    "CSV $",
                    f"Parquet $ ×{BIGGER}",
                    f"CSV $ ×{BIGGER}",
                ],
                rows,
                "lrrrrrrr",
            ),
            "",
            "Independent checks (CSV side = the tables' file sizes; Parquet side within the"
            " tables' file sizes): " + ("passed." if not problems else "; ".join(problems)),
            "",
            f"The estimator's own cost, whole process: `{cli.command}` {secs_spread(cli.wall)}"
            f" (median of {options.reps}, min–max).",
            "",
            f"Command: `.venv/bin/python bench/scan_cost.py --region {region}`",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())

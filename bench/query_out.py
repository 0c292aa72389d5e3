"""``olistctl query --out``: a result of a million rows and more, written to a file.

The result is a cross join of the order items with a range of purchase days (every item
once per day that has orders), at two sizes, so memory can be seen not to grow with the
result. Each run is a whole process: ``olistctl query … --out`` (Parquet and CSV) against
DuckDB's own ``COPY (…) TO`` over the same Parquet files, the baseline, in the same run.
Both files are checked to hold the expected number of rows (items × days, counted with
pyarrow) before any figure is reported. Target: peak RSS <= 300 MB (the transform's bound)
at every size.

    .venv/bin/python bench/query_out.py [--reps 5] [--smoke]
"""

from __future__ import annotations

import sys
from pathlib import Path

from _harness import (
    BENCH_DIR,
    MB,
    OLISTCTL,
    PYTHON,
    BenchError,
    Measured,
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
    secs_spread,
    shell,
    table,
    targets_table,
    workspace,
)

RSS_TARGET = 300 * MB
SINCE = "2018-01-01"
# Days of purchases crossed with every item: at full scale (~112,650 items) 10 days make
# ~1.1 M rows and 40 days ~4.5 M.
FULL_DAYS = (10, 40)
SMOKE_DAYS = (3,)
SQL = (
    "SELECT i.order_id, i.order_item_id, i.product_id, i.seller_id, i.price,"
    " i.freight_value, i.shipping_limit_date, d.day"
    " FROM olist_order_items_dataset i"
    " CROSS JOIN (SELECT DISTINCT CAST(order_purchase_timestamp AS date) AS day"
    " FROM olist_orders_dataset WHERE order_purchase_timestamp >= DATE '{since}'"
    " AND order_purchase_timestamp < DATE '{before}') d"
)


def _before(days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(SINCE) + timedelta(days=days)).isoformat()


def _rows(path: Path) -> int:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return sum(batch.num_rows for batch in pacsv.open_csv(path))


def _expected_rows(processed: Path, days: int) -> int:
    from datetime import datetime

    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    items = ds.dataset(processed / "olist_order_items_dataset").count_rows()
    stamps = ds.dataset(processed / "olist_orders_dataset").to_table(
        columns=["order_purchase_timestamp"]
    )["order_purchase_timestamp"]
    since, before = datetime.fromisoformat(SINCE), datetime.fromisoformat(_before(days))
    chosen = pc.filter(stamps, pc.and_(pc.greater_equal(stamps, since), pc.less(stamps, before)))
    distinct_days = len(set(pc.cast(chosen, "date32").to_pylist()))
    return items * distinct_days


def main(argv=None) -> int:
    options, _ = parse_args(__doc__.splitlines()[0], argv)
    data = dataset(options)
    ws = workspace(options, data)
    processed = ws / "processed"
    env = olistctl_env()
    out_dir = options.work / "query-out"
    out_dir.mkdir(exist_ok=True)
    sizes = SMOKE_DAYS if options.smoke else FULL_DAYS

    results: dict[int, dict] = {}
    for days in sizes:
        sql = SQL.format(since=SINCE, before=_before(days))
        expected = _expected_rows(processed, days)
        runs: dict[str, Measured] = {}
        files: dict[str, int] = {}
        for rep in range(options.reps):
            progress(f"{days} days ({expected:,} rows), repetition {rep + 1}/{options.reps}")
            for label, path, cmd in _commands(ws, processed, out_dir, sql):
                path.unlink(missing_ok=True)
                slot = runs.setdefault(label, Measured(label, shell(cmd)))
                slot.add(measure(cmd, env=env, cwd=options.work))
                rows = _rows(path)
                if rows != expected:
                    raise BenchError(f"{label} wrote {rows:,} rows, not {expected:,}")
                files[label] = path.stat().st_size
                path.unlink()
        results[days] = {"rows": expected, "runs": runs, "bytes": files}

    markdown, targets = render(options, results)
    save(
        options,
        "query_out",
        markdown,
        {
            "machine": machine(),
            "sizes": {
                str(days): {
                    "rows": r["rows"],
                    "bytes": r["bytes"],
                    "runs": {k: m.to_dict() for k, m in r["runs"].items()},
                }
                for days, r in results.items()
            },
        },
        targets,
    )
    return 0


def _commands(ws: Path, processed: Path, out_dir: Path, sql: str):
    for fmt in ("parquet", "csv"):
        out = out_dir / f"olistctl.{fmt}"
        yield (
            f"olistctl {fmt}",
            out,
            [OLISTCTL, "--workspace", ws, "--quiet", "query", sql, "--out", out],
        )
        copy = out_dir / f"duckdb.{fmt}"
        yield (
            f"duckdb COPY {fmt}",
            copy,
            [PYTHON, BENCH_DIR / "_duckdb_copy.py", processed, sql, copy],
        )


def render(options, results) -> tuple[str, list[Target]]:
    rows = []
    targets = []
    for days, r in results.items():
        for label, m in r["runs"].items():
            rows.append(
                [
                    f"{r['rows']:,} ({days} days)",
                    label,
                    secs_spread(m.wall),
                    mb_spread(m.rss),
                    human_bytes(r["bytes"][label]),
                ]
            )
        for fmt in ("parquet", "csv"):
            peak = r["runs"][f"olistctl {fmt}"].rss.median
            targets.append(
                Target(
                    f"query --out {fmt}, {r['rows']:,} rows: peak RSS <= 300 MB",
                    f"{peak / MB:,.0f} MB",
                    peak <= RSS_TARGET,
                )
            )
    days, largest = list(results.items())[-1]
    sql = SQL.format(since=SINCE, before=_before(days))
    quoted, placeholder = repr(sql), '"$SQL"'
    commands = "\n".join(
        f"- {label}: `{m.command.replace(quoted, placeholder)}`"
        for label, m in largest["runs"].items()
    )
    markdown = "\n".join(
        [
            "## Full-size results to a file: `query --out`",
            "",
            "Every order item crossed with each day of purchases from 2018-01-01 (10 and 40"
            " days at full scale), written by `olistctl query … --out` (DuckDB's Arrow stream"
            " written batch by batch from Python, atomically) and by DuckDB's own"
            " `COPY (…) TO` over the same Parquet files in a bare Python process, the baseline."
            " Whole processes, start-up included; each file checked for items × days rows."
            + (" Smoke sizes: not representative." if options.smoke else ""),
            "",
            table(["rows", "command", "wall", "peak RSS", "file"], rows, "rllrr"),
            "",
            targets_table(targets),
            "",
            f"Commands, with `SQL` the query at {days} days:",
            "",
            f"```sql\n{sql}\n```",
            "",
            commands,
        ]
    )
    return markdown, targets


if __name__ == "__main__":
    sys.exit(main())

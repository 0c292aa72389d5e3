"""CSV -> Snappy Parquet on an orders-like CSV of 100 MB, 1 GB and 3 GB: olistctl against pandas.

Each conversion runs in a fresh process (``bench/_convert.py METHOD``), timed
whole (start-up and imports included) with its peak RSS. The methods:
olistctl's ``convert_csv``; the baseline, pandas ``read_csv`` with correct
types then ``to_parquet``; and reference points: pandas with inferred types,
a single-threaded pyarrow streaming reader/writer, DuckDB ``COPY``. The order
of the methods rotates from one repetition to the next.

Every output's row count is checked against the CSV's, and olistctl's output
is compared value by value with the pandas-typed one (types normalised:
timestamps to milliseconds, large strings to strings), batch by batch.

Targets: olistctl <= 0.45x pandas-typed wall time; peak RSS <= 300 MB at every size.

    .venv/bin/python bench/transform.py [--reps 5] [--sizes 100MB,1GB,3GB] [--smoke]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from _harness import (
    BENCH_DIR,
    GB,
    MB,
    PYTHON,
    BenchError,
    Measured,
    Spread,
    Target,
    dataset,
    human_bytes,
    machine,
    mb,
    mb_spread,
    measure,
    parse_args,
    progress,
    save,
    secs_spread,
    shell,
    table,
    verdict,
)
from _orders_csv import ensure_orders_csv
from olistctl.dataset import ORDERS

BASELINE = "pandas-typed"
METHODS = ("olistctl", "pandas-typed", "pandas-default", "pyarrow-stream", "duckdb-copy")
LABELS = {
    "olistctl": "olistctl `convert_csv`",
    "pandas-typed": "pandas, typed (baseline)",
    "pandas-default": "pandas, inferred types",
    "pyarrow-stream": "pyarrow streaming, 1 thread",
    "duckdb-copy": "DuckDB `COPY`",
}
WALL_RATIO_TARGET = 0.45
RSS_TARGET = 300 * MB
FULL_SIZES = "100MB,1GB,3GB"
SMOKE_SIZES = "1MB,3MB"


def parse_size(text: str) -> int:
    text = text.strip().upper()
    for unit, factor in (("GB", GB), ("MB", MB)):
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def size_label(size: int) -> str:
    return f"{size / GB:g} GB" if size >= GB else f"{size / MB:g} MB"


def _options(parser) -> None:
    parser.add_argument("--sizes", default=None, help=f"CSV sizes (default {FULL_SIZES})")
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help="methods to run, comma-separated (olistctl and pandas-typed are always run)",
    )


def main(argv=None) -> int:
    options, args = parse_args(__doc__.splitlines()[0], argv, extra=_options)
    sizes = [
        parse_size(s)
        for s in (args.sizes or (SMOKE_SIZES if options.smoke else FULL_SIZES)).split(",")
    ]
    methods = [m for m in METHODS if m in args.methods.split(",") or m in ("olistctl", BASELINE)]
    orders_csv = dataset(options) / ORDERS.file_name
    scratch = options.work / "transform"
    scratch.mkdir(exist_ok=True)

    results = []
    for size in sizes:
        source, rows = ensure_orders_csv(
            orders_csv, scratch / f"orders-{size_label(size).replace(' ', '')}.csv", size
        )
        results.append(bench_size(options, methods, source, rows, size_label(size)))
    markdown, targets = render(options, results)
    save(options, "transform", markdown, {"machine": machine(), "sizes": results}, targets)
    failed = [f"{r['label']}: {r['mismatch']}" for r in results if r["mismatch"]]
    if failed:
        raise BenchError("olistctl and pandas outputs differ: " + "; ".join(failed))
    return 0


def bench_size(options, methods: list[str], source: Path, rows: int, label: str) -> dict:
    size = source.stat().st_size
    runs = {m: Measured(m, "") for m in methods}
    outputs = {m: source.with_name(f"{source.stem}.{m}.parquet") for m in methods}
    schemas: dict[str, str] = {}
    out_bytes: dict[str, int] = {}
    for rep in range(options.reps):
        shift = rep % len(methods)
        for method in methods[shift:] + methods[:shift]:
            progress(f"{label}: {method}, repetition {rep + 1}/{options.reps}")
            cmd = [PYTHON, BENCH_DIR / "_convert.py", method, source, outputs[method]]
            runs[method].command = shell(cmd)
            runs[method].add(measure(cmd, cwd=options.work))
            written = pq.read_metadata(outputs[method]).num_rows
            if written != rows:
                raise BenchError(f"{method} wrote {written:,} rows of {rows:,} ({source})")
            out_bytes[method] = outputs[method].stat().st_size
            schemas[method] = str(pq.read_schema(outputs[method]).field(3).type)
    progress(f"{label}: comparing olistctl's output with pandas' value by value")
    mismatch = compare_parquet(outputs["olistctl"], outputs[BASELINE])
    for path in outputs.values():
        path.unlink(missing_ok=True)
    return {
        "label": label,
        "csv_bytes": size,
        "rows": rows,
        "source": str(source),
        "runs": {m: r.to_dict() for m, r in runs.items()},
        "parquet_bytes": out_bytes,
        "timestamp_type": schemas,
        "mismatch": mismatch,
    }


# -- comparing two Parquet files by value ----------------------------------


def _normalised(column: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(column.type):
        return column.cast(pa.timestamp("ms"))  # safe cast: fails if sub-ms values were lost
    if pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
        return column.cast(pa.string())
    if pa.types.is_dictionary(column.type):
        return _normalised(column.dictionary_decode())
    return column


def _aligned(a: Iterator[pa.RecordBatch], b: Iterator[pa.RecordBatch]):
    """Equal-length slices of two batch streams, in step."""
    left = right = None
    while True:
        if left is None or not len(left):
            left = next(a, None)
        if right is None or not len(right):
            right = next(b, None)
        if left is None or right is None:
            yield left, right
            return
        n = min(len(left), len(right))
        yield left.slice(0, n), right.slice(0, n)
        left, right = left.slice(n), right.slice(n)


def compare_parquet(path_a: Path, path_b: Path, batch_rows: int = 65_536) -> str:
    """ "" when both files hold the same values in the same rows, else the first difference."""
    file_a, file_b = pq.ParquetFile(path_a), pq.ParquetFile(path_b)
    if file_a.metadata.num_rows != file_b.metadata.num_rows:
        return f"{file_a.metadata.num_rows:,} rows against {file_b.metadata.num_rows:,}"
    names = file_a.schema_arrow.names
    if file_b.schema_arrow.names != names:
        return f"columns {names} against {file_b.schema_arrow.names}"
    offset = 0
    pairs = _aligned(file_a.iter_batches(batch_rows), file_b.iter_batches(batch_rows))
    for left, right in pairs:
        if left is None or right is None:
            if left is not None or right is not None:
                return f"one file ends early, after {offset:,} rows"
            break
        for name in names:
            x, y = _normalised(left.column(name)), _normalised(right.column(name))
            if not x.equals(y):
                same = pc.fill_null(pc.equal(x, y), False)
                both_null = pc.and_(x.is_null(), y.is_null())
                bad = pc.index(pc.or_(same, both_null), False).as_py()
                return (
                    f"{name} differs at row {offset + bad + 1:,}:"
                    f" {x[bad].as_py()!r} against {y[bad].as_py()!r}"
                )
        offset += len(left)
    return ""


# -- the report -----------------------------------------------------------------


def render(options, results: list[dict]) -> tuple[str, list[Target]]:
    lines = [
        "## Transform: one orders-like CSV to Snappy Parquet",
        "",
        "An orders-like CSV (the generated orders rows written again and again with fresh"
        " unique `order_id`/`customer_id`, `bench/_orders_csv.py`) converted by each method in"
        " a fresh process: `.venv/bin/python bench/_convert.py METHOD SOURCE DEST`. Wall time is"
        " the whole process (interpreter start-up and imports included); peak RSS is the"
        f" process's `ru_maxrss`. Median of {options.reps} (min–max); the order of the methods"
        " rotates between repetitions; the CSV is in the page cache. The baseline is the usual"
        " Lambda way done right: `pandas.read_csv(dtype=str for the ids and status,"
        " parse_dates=[the 5 timestamps])` then `to_parquet(compression='snappy')`.",
        "",
    ]
    verdict_rows = []
    targets: list[Target] = []
    for result in results:
        runs = result["runs"]
        base = runs[BASELINE]
        rows = []
        for method, run in runs.items():
            wall, rss = _spread(run["wall_s"]), _spread(run["peak_rss_bytes"])
            rows.append(
                [
                    LABELS[method],
                    secs_spread(wall),
                    f"{wall.median / _spread(base['wall_s']).median:.2f}×",
                    mb_spread(rss),
                    human_bytes(result["parquet_bytes"][method]),
                    f"`{result['timestamp_type'][method]}`",
                ]
            )
        lines += [
            f"### {result['label']} ({result['rows']:,} rows, {human_bytes(result['csv_bytes'])})",
            "",
            table(
                ["method", "wall", "vs baseline", "peak RSS", "Parquet", "timestamp column"],
                rows,
                "lrrrrl",
            ),
            "",
            "Same values as the baseline's output, column by column: "
            + ("yes." if not result["mismatch"] else f"**no**: {result['mismatch']}."),
            "",
        ]
        ours = runs["olistctl"]
        ratio = _spread(ours["wall_s"]).median / _spread(base["wall_s"]).median
        peak = _spread(ours["peak_rss_bytes"]).max
        targets += [
            Target(
                f"transform {result['label']}: olistctl <= 0.45× pandas-typed wall",
                f"{ratio:.2f}×",
                ratio <= WALL_RATIO_TARGET,
            ),
            Target(
                f"transform {result['label']}: olistctl peak RSS <= 300 MB",
                mb(peak),
                peak <= RSS_TARGET,
            ),
        ]
        verdict_rows.append(
            [
                result["label"],
                f"{ratio:.2f}×",
                verdict(ratio <= WALL_RATIO_TARGET),
                f"{mb(peak)} (highest of the runs)",
                verdict(peak <= RSS_TARGET),
            ]
        )
    commands = {m: r["command"] for m, r in results[0]["runs"].items()}
    sizes = ",".join(r["label"].replace(" ", "") for r in results)
    lines += [
        "Parquet sizes are not comparable between methods here: the CSV repeats the same"
        " 100,000 rows' values (only the ids change), so a writer with bigger row groups"
        " (pandas writes ~1 M rows per group) finds the repeats in its dictionaries; real data"
        " does not repeat like that. olistctl writes ~20 MB of CSV per row group, dictionary"
        " encoding only the columns that repeat within one.",
        "",
        "### Targets",
        "",
        table(
            ["CSV", "olistctl / pandas-typed wall", "<= 0.45×", "olistctl peak RSS", "<= 300 MB"],
            verdict_rows,
            "lrlrl",
        ),
        "",
        f"Command: `.venv/bin/python bench/transform.py --reps {options.reps} --sizes {sizes}`."
        " Each measured process, e.g.:",
        "",
        *[f"- `{c}`" for c in commands.values()],
    ]
    return "\n".join(lines), targets


def _spread(d: dict) -> Spread:
    return Spread(list(d["values"]))


if __name__ == "__main__":
    sys.exit(main())

"""CSV -> Snappy Parquet on an orders-like CSV of 100 MB, 1 GB and 3 GB: olistctl against its peers.

Each conversion runs in a fresh process, timed whole (start-up and imports
included) with its peak RSS. The methods, interleaved (their order rotates
from one repetition to the next):

- ``cli``: the command users run, ``olistctl --workspace WS transform --force``,
  on a local workspace whose raw stage holds the CSV (uploaded once, untimed);
- ``cli-main``: the same command from the code before issue 17 (``--baseline``,
  default main at 915a6ac): that commit's ``src/`` extracted with ``git archive``
  and put first on ``PYTHONPATH``, same interpreter and libraries, same workspace;
- ``olistctl``: the in-process function, ``convert_csv`` (``bench/_convert.py``);
- the peers (``bench/_convert.py METHOD``): polars ``scan_csv`` -> ``sink_parquet``,
  DuckDB ``COPY``, a single-threaded pyarrow streaming reader/writer, and the
  baseline, pandas ``read_csv`` with correct types then ``to_parquet``
  (``pandas-default``, inferred types, on request).

Every output's row count is checked against the CSV's, and the command's
output is compared value by value with the pandas-typed one (types
normalised: timestamps to milliseconds, large strings to strings).

Targets (issue 17): the command <= 0.70x the code before at 1 GB and <= 0.95x
polars; its peak RSS <= 300 MB at every size; time linear in size (seconds
per GB at 3 GB within 10 % of 1 GB's). Also shown: the command and the
function against pandas-typed (<= 0.45x, the earlier target).

    .venv/bin/python bench/transform.py [--reps 5] [--sizes 100MB,1GB,3GB] [--smoke]
"""

from __future__ import annotations

import os
import shutil
import subprocess
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
    OLISTCTL,
    PYTHON,
    REPO,
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
    olistctl_env,
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
BEFORE = "cli-main"
METHODS = (
    "cli",
    "cli-main",
    "olistctl",
    "polars-sink",
    "duckdb-copy",
    "pyarrow-stream",
    "pandas-typed",
    "pandas-default",
)
DEFAULT_METHODS = [m for m in METHODS if m != "pandas-default"]
CLI_METHODS = ("cli", "cli-main")
LABELS = {
    "cli": "`olistctl transform --force` (the command)",
    "cli-main": "`olistctl transform --force`, before (main)",
    "olistctl": "olistctl `convert_csv` (in-process function)",
    "polars-sink": "polars `scan_csv` → `sink_parquet`",
    "duckdb-copy": "DuckDB `COPY`",
    "pyarrow-stream": "pyarrow streaming, 1 thread",
    "pandas-typed": "pandas, typed (baseline)",
    "pandas-default": "pandas, inferred types",
}
BEFORE_RATIO_TARGET = 0.70
POLARS_RATIO_TARGET = 0.95
PANDAS_RATIO_TARGET = 0.45
LINEAR_TOLERANCE = 0.10
RSS_TARGET = 300 * MB
FULL_SIZES = "100MB,1GB,3GB"
SMOKE_SIZES = "1MB,3MB"
DEFAULT_BEFORE = "915a6ac"


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
        default=",".join(DEFAULT_METHODS),
        help=f"methods to run, comma-separated, of {', '.join(METHODS)} (cli and"
        " pandas-typed are always run)",
    )
    parser.add_argument(
        "--big-reps",
        type=int,
        default=None,
        help="repetitions for CSVs of 2 GB and more (default: --reps)",
    )
    parser.add_argument(
        "--baseline",
        default=DEFAULT_BEFORE,
        help=f"the git commit whose command is 'before' (default {DEFAULT_BEFORE})",
    )


def main(argv=None) -> int:
    options, args = parse_args(__doc__.splitlines()[0], argv, extra=_options)
    sizes = [
        parse_size(s)
        for s in (args.sizes or (SMOKE_SIZES if options.smoke else FULL_SIZES)).split(",")
    ]
    wanted = args.methods.split(",")
    methods = [m for m in METHODS if m in wanted or m in ("cli", BASELINE)]
    orders_csv = dataset(options) / ORDERS.file_name
    scratch = options.work / "transform"
    scratch.mkdir(exist_ok=True)
    before_src = baseline_src(scratch, args.baseline) if BEFORE in methods else None
    if before_src is None and BEFORE in methods:
        methods.remove(BEFORE)

    results = []
    for size in sizes:
        name = size_label(size).replace(" ", "")
        source, rows = ensure_orders_csv(orders_csv, scratch / f"orders-{name}.csv", size)
        ws = cli_workspace(scratch / f"ws-{name}", source)
        reps = options.reps if size < 2 * GB or options.smoke else (args.big_reps or options.reps)
        result = bench_size(options, methods, source, rows, size_label(size), ws, before_src, reps)
        results.append(result)
    markdown, targets = render(options, results, args.baseline)
    data = {"machine": machine(), "before": args.baseline, "sizes": results}
    save(options, "transform", markdown, data, targets)
    failed = [f"{r['label']}: {r['mismatch']}" for r in results if r["mismatch"]]
    if failed:
        raise BenchError("olistctl and pandas outputs differ: " + "; ".join(failed))
    return 0


def baseline_src(scratch: Path, ref: str) -> Path | None:
    """The ``src/`` of commit ``ref``, extracted once (and byte-compiled, as installed).

    None, said on stderr, where the commit is not there (a shallow clone, no git).
    """
    try:
        commit = subprocess.run(
            ["git", "-C", REPO, "rev-parse", "--verify", f"{ref}^{{commit}}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        progress(f"commit {ref} is not in this clone: the command before it is not measured")
        return None
    target = scratch / f"before-{commit[:12]}"
    stamp = target / ".extracted"
    if not stamp.is_file():
        progress(f"extracting src/ of {commit[:12]} into {target}")
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", REPO, "archive", commit, "src"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([PYTHON, "-m", "compileall", "-q", target / "src"], env=env, check=True)
        stamp.write_text(commit)
    return target / "src"


def cli_workspace(ws: Path, source: Path) -> Path:
    """A local workspace whose raw stage holds ``source`` as the orders table (uploaded once)."""
    stamp = ws.with_name(ws.name + ".ready")
    if stamp.is_file() and stamp.read_text() == f"{source} {source.stat().st_size}":
        return ws
    folder = ws.with_name(ws.name + "-input")
    folder.mkdir(parents=True, exist_ok=True)
    named = folder / ORDERS.file_name  # upload recognises the table by file name and header
    named.unlink(missing_ok=True)
    os.link(source, named)
    progress(f"uploading {source.name} into the workspace {ws}")
    subprocess.run(
        [OLISTCTL, "--workspace", ws, "--no-progress", "--quiet", "upload", "--force", named],
        env=olistctl_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stamp.write_text(f"{source} {source.stat().st_size}")
    return ws


# What the console script ran before it became olistctl.cli.entry (which older code lacks).
_OLD_SCRIPT = "import sys; from olistctl.cli.app import main; sys.exit(main())"


def _command(method: str, source: Path, dest: Path, ws: Path) -> list:
    if method == BEFORE:
        return [PYTHON, "-c", _OLD_SCRIPT, "--workspace", ws, "transform", "--force"]
    if method in CLI_METHODS:
        return [OLISTCTL, "--workspace", ws, "transform", "--force"]
    return [PYTHON, BENCH_DIR / "_convert.py", method, source, dest]


def _cli_output(ws: Path) -> Path:
    found = sorted((ws / "processed").rglob("*.parquet"))
    if len(found) != 1:
        raise BenchError(f"expected one Parquet file in {ws / 'processed'}, found {found}")
    return found[0]


def bench_size(
    options,
    methods: list[str],
    source: Path,
    rows: int,
    label: str,
    ws: Path,
    before_src: Path | None,
    reps: int,
) -> dict:
    size = source.stat().st_size
    runs = {m: Measured(m, "") for m in methods}
    outputs = {m: source.with_name(f"{source.stem}.{m}.parquet") for m in methods}
    schemas: dict[str, str] = {}
    out_bytes: dict[str, int] = {}
    env = olistctl_env()
    before_env = dict(env, PYTHONPATH=str(before_src)) if before_src else env
    load = [os.getloadavg()[0]]
    for rep in range(reps):
        shift = rep % len(methods)
        for method in methods[shift:] + methods[:shift]:
            progress(f"{label}: {method}, repetition {rep + 1}/{reps}")
            cmd = _command(method, source, outputs[method], ws)
            shown = shell(cmd)
            if method == BEFORE and before_src is not None:
                shown = f"PYTHONPATH={os.path.relpath(before_src, REPO)} {shown}"
            runs[method].command = shown
            run = measure(cmd, cwd=options.work, env=before_env if method == BEFORE else env)
            runs[method].add(run)
            if method in CLI_METHODS:
                # A copy of the command's Parquet file for the checks (the workspace keeps
                # its own, so every run replaces a converted file, as a user's re-run does).
                shutil.copyfile(_cli_output(ws), outputs[method])
            written = pq.read_metadata(outputs[method]).num_rows
            if written != rows:
                raise BenchError(f"{method} wrote {written:,} rows of {rows:,} ({source})")
            out_bytes[method] = outputs[method].stat().st_size
            schemas[method] = str(pq.read_schema(outputs[method]).field(3).type)
            load.append(os.getloadavg()[0])
    progress(f"{label}: comparing the command's output with pandas' value by value")
    mismatch = compare_parquet(outputs["cli"], outputs[BASELINE])
    for path in outputs.values():
        path.unlink(missing_ok=True)
    return {
        "label": label,
        "reps": reps,
        "load_1min": load,
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


def _median(run: dict) -> float:
    return _spread(run["wall_s"]).median


def render(options, results: list[dict], before_ref: str) -> tuple[str, list[Target]]:
    lines = [
        "## Transform: one orders-like CSV to Snappy Parquet",
        "",
        "An orders-like CSV (the generated orders rows written again and again with fresh"
        " unique `order_id`/`customer_id`, `bench/_orders_csv.py`) converted by each method in"
        " a fresh process. `olistctl transform --force` is the command users run, on a local"
        ' workspace whose raw stage holds the CSV; "before" is the same command from the code'
        f" of `{before_ref}` (its `src/` first on `PYTHONPATH`, same interpreter and libraries,"
        " same workspace, in the same interleaved run). The in-process function and the peers"
        " run as `.venv/bin/python bench/_convert.py METHOD SOURCE DEST`. Wall time is the whole"
        " process (interpreter start-up and imports included); peak RSS is the process's"
        " `ru_maxrss`. Median of the repetitions (min–max; their number and the machine's"
        " 1-minute load average during them are under each table); the order of the methods"
        " rotates between repetitions; the CSV is in the page cache. The pandas baseline is"
        " the usual Lambda way done right: `pandas.read_csv(dtype=str for the ids and status,"
        " parse_dates=[the 5 timestamps])` then `to_parquet(compression='snappy')`.",
        "",
    ]
    verdict_rows = []
    targets: list[Target] = []
    per_gb: dict[str, float] = {}
    for result in results:
        runs = result["runs"]
        cli = _median(runs["cli"])
        rows = []
        for method, run in runs.items():
            wall, rss = _spread(run["wall_s"]), _spread(run["peak_rss_bytes"])
            rows.append(
                [
                    LABELS[method],
                    secs_spread(wall),
                    f"{cli / wall.median:.2f}×",
                    f"{wall.median / _median(runs[BASELINE]):.2f}×",
                    mb_spread(rss),
                    human_bytes(result["parquet_bytes"][method]),
                    f"`{result['timestamp_type'][method]}`",
                ]
            )
        lines += [
            f"### {result['label']} ({result['rows']:,} rows, {human_bytes(result['csv_bytes'])})",
            "",
            table(
                [
                    "method",
                    "wall",
                    "the command / this",
                    "this / pandas-typed",
                    "peak RSS",
                    "Parquet",
                    "timestamp column",
                ],
                rows,
                "lrrrrrl",
            ),
            "",
            f"{result['reps']} repetitions; 1-minute load average"
            f" {min(result['load_1min']):.1f}–{max(result['load_1min']):.1f} on"
            f" {os.cpu_count()} cores during them. The command's output holds the same values"
            " as the pandas baseline's, column by column: "
            + ("yes." if not result["mismatch"] else f"**no**: {result['mismatch']}."),
            "",
        ]
        label = result["label"]
        per_gb[label] = cli / (result["csv_bytes"] / GB)
        peak = _spread(runs["cli"]["peak_rss_bytes"]).max
        checks: list[tuple[str, float, float, str]] = []
        if BEFORE in runs:
            checks.append(("before", cli / _median(runs[BEFORE]), BEFORE_RATIO_TARGET, "×"))
        if "polars-sink" in runs:
            checks.append(("polars", cli / _median(runs["polars-sink"]), POLARS_RATIO_TARGET, "×"))
        checks.append(("pandas-typed", cli / _median(runs[BASELINE]), PANDAS_RATIO_TARGET, "×"))
        for peer, ratio, limit, _ in checks:
            if peer == "before" and label != "1 GB" and not options.smoke:
                met = None  # the goal names 1 GB; the other sizes are shown, not judged
            else:
                met = ratio <= limit
            verdict_rows.append(
                [label, f"the command / {peer}", f"{ratio:.2f}×", f"<= {limit:.2f}×", _v(met)]
            )
            if met is not None:
                targets.append(
                    Target(
                        f"transform {label}: the command <= {limit:.2f}× {peer}",
                        f"{ratio:.2f}×",
                        met,
                    )
                )
        verdict_rows.append(
            [
                label,
                "the command's peak RSS (highest run)",
                mb(peak),
                "<= 300 MB",
                _v(peak <= RSS_TARGET),
            ]
        )
        targets.append(
            Target(
                f"transform {label}: the command's peak RSS <= 300 MB", mb(peak), peak <= RSS_TARGET
            )
        )
    labels = list(per_gb)
    if len(labels) >= 2:
        small, big = labels[-2], labels[-1]
        growth = per_gb[big] / per_gb[small]
        # Both ways: a bigger size that ran faster per GB says the load moved, not linearity.
        met = abs(growth - 1) <= LINEAR_TOLERANCE
        verdict_rows.append(
            [
                f"{small} → {big}",
                "the command's seconds per GB, ratio",
                f"{growth:.2f} ({per_gb[small]:.2f} → {per_gb[big]:.2f} s/GB)",
                f"{1 - LINEAR_TOLERANCE:.2f}–{1 + LINEAR_TOLERANCE:.2f}",
                _v(met),
            ]
        )
        targets.append(
            Target(f"transform {small} → {big}: time linear in size", f"{growth:.2f}", met)
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
        table(["CSV", "figure", "measured", "target", "result"], verdict_rows, "llrll"),
        "",
        f"Command: `.venv/bin/python bench/transform.py --reps {results[0]['reps']}"
        f" --big-reps {results[-1]['reps']} --sizes {sizes}`."
        " Each measured process, e.g.:",
        "",
        *[f"- {LABELS[m]}: `{c}`" for m, c in commands.items()],
    ]
    return "\n".join(lines), targets


def _v(met: bool | None) -> str:
    return "shown" if met is None else verdict(met)


def _spread(d: dict) -> Spread:
    return Spread(list(d["values"]))


if __name__ == "__main__":
    sys.exit(main())

"""What every benchmark shares: measuring a process, summarising repetitions, writing results.

Measuring. Each measured thing runs as its own process, started by a fresh,
tiny wrapper process (``python -S``, ~10 MB) that times it and reads its peak
RSS with ``wait4``. The wrapper matters: Linux folds the RSS of the process
that forked a child into the child's ``ru_maxrss`` (the copied or borrowed
address space counts until ``exec``), so a child of this benchmark process,
which may hold hundreds of MB after checking outputs, would report this
process's size. A child of the small wrapper reports max(its own peak, ~10
MB), which for every measured Python process is its own peak.

Results. Each benchmark writes ``<results>/<name>.md`` (its section of
docs/benchmarks.md) and ``<results>/<name>.json`` (the raw figures);
``run_all.py`` joins the sections under a header describing the machine.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_WORK = BENCH_DIR / ".work"
# Marks a --work-dir as the benchmarks' own. They delete and replace fixed names under it
# (workspaces, lakes, clones, virtual environments), so only in a folder they made.
WORK_MARK = ".olistctl-bench"


def claim_work_dir(work: Path) -> str | None:
    """Make ``work`` the benchmarks' scratch folder; the reason it cannot be, if not.

    Accepted: a folder holding the mark, a new or empty one, or the repository's own
    default (``bench/.work``, git-ignored); the mark is written into it. Refused: any
    other folder with something in it, which could be the user's.
    """
    mark = work / WORK_MARK
    if mark.is_file():
        return None
    if work.exists():
        if not work.is_dir():
            return f"--work-dir {work} is not a folder: give a new or empty folder"
        if work != DEFAULT_WORK.resolve() and any(work.iterdir()):
            return (
                f"--work-dir {work} holds files the benchmarks did not make, and they delete"
                " and replace folders there: give a new or empty folder"
            )
    work.mkdir(parents=True, exist_ok=True)
    mark.write_text("the benchmarks' scratch folder (bench/): they delete what is in it\n")
    return None


PYTHON = sys.executable
OLISTCTL = str(Path(PYTHON).with_name("olistctl"))

# Decimal units throughout: file sizes and memory in MB of 10^6 bytes (stricter
# than MiB for a "<= 300 MB" target).
MB = 1_000_000
GB = 1_000_000_000

# The full-scale dataset: 100,000 orders, ~1.56 M rows, ~125 MB of CSV.
FULL_ORDERS = 100_000
SMOKE_ORDERS = 1_000
SEED = 42

# Runs ``argv[4:]`` with stdout/stderr to files, and writes {wall_s, maxrss_kb,
# cpu_s (user + system), status} as JSON. Standard library only, started with -S so it stays small.
_WRAPPER = r"""
import json, os, sys, time
result_path, out_path, err_path, cwd = sys.argv[1:5]
cmd = sys.argv[5:]
out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        if cwd:
            os.chdir(cwd)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.execv(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(result_path, "w") as f:
    json.dump({"wall_s": wall, "maxrss_kb": usage.ru_maxrss,
               "cpu_s": usage.ru_utime + usage.ru_stime,
               "status": os.waitstatus_to_exitcode(status)}, f)
"""


class BenchError(RuntimeError):
    """A measured command failed, or a check of its output did not hold."""


@dataclass
class Run:
    """One measured process."""

    wall_s: float
    peak_rss: int  # bytes
    returncode: int
    stdout: str
    stderr: str
    cpu_s: float = 0.0  # user + system seconds of the process (and its children)


@functools.cache
def _compile_bytecode() -> None:
    """Byte-compile olistctl and the bench modules, as installing a package does.

    The editable install leaves olistctl's modules without ``.pyc`` files, and
    PYTHONDONTWRITEBYTECODE (set on some machines, this one included) keeps it
    so: every measured olistctl process then compiled its own modules from
    source (~25 ms more per process, measured), a cost no installed copy pays
    and the baselines, whose libraries come compiled, never paid.
    """
    for folder in (REPO / "src" / "olistctl", BENCH_DIR):
        subprocess.run(
            [PYTHON, "-m", "compileall", "-q", str(folder)],
            env=_bytecode_env(None),
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _bytecode_env(env: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(
    cmd: Sequence[str],
    *,
    cwd: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> Run:
    """Run ``cmd`` in a fresh process; its whole-process wall time and peak RSS.

    Python modules are byte-compiled first (:func:`_compile_bytecode`), as in
    an installed copy, and the process may use and write ``.pyc`` files.
    """
    cmd = [str(c) for c in cmd]
    if not os.path.isabs(cmd[0]):
        raise ValueError(f"give the program as an absolute path, not {cmd[0]!r}")
    _compile_bytecode()
    env = _bytecode_env(env)
    # Earlier runs' written files are flushed first, so no run pays for another's writeback.
    os.sync()
    with tempfile.TemporaryDirectory(prefix="olistctl-bench-") as tmp:
        result, out, err = (os.path.join(tmp, n) for n in ("result.json", "out", "err"))
        wrapper = [PYTHON, "-S", "-c", _WRAPPER, result, out, err, str(cwd or ""), *cmd]
        subprocess.run(wrapper, env=env, check=True, stdin=subprocess.DEVNULL)
        with open(result) as f:
            figures = json.load(f)
        run = Run(
            wall_s=figures["wall_s"],
            peak_rss=int(figures["maxrss_kb"]) * 1024,  # Linux reports KiB
            cpu_s=float(figures["cpu_s"]),
            returncode=int(figures["status"]),
            stdout=Path(out).read_text(errors="replace"),
            stderr=Path(err).read_text(errors="replace"),
        )
    if check and run.returncode != 0:
        tail = "\n".join(run.stderr.strip().splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd[:6])} … exited with {run.returncode}:\n{tail}")
    return run


@dataclass
class Spread:
    """Repetitions of one figure: median, min, max and interquartile range."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    @property
    def iqr(self) -> float:
        if len(self.values) < 2:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.values, n=4, method="inclusive")
        return q3 - q1

    def to_dict(self) -> dict:
        return {
            "median": self.median,
            "min": self.min,
            "max": self.max,
            "iqr": self.iqr,
            "values": self.values,
        }


@dataclass
class Measured:
    """Repeated runs of one command: wall seconds, peak RSS bytes and CPU seconds."""

    label: str
    command: str
    wall: Spread = field(default_factory=lambda: Spread([]))
    rss: Spread = field(default_factory=lambda: Spread([]))
    extra: dict = field(default_factory=dict)
    cpu: Spread = field(default_factory=lambda: Spread([]))

    def add(self, run: Run) -> None:
        self.wall.values.append(run.wall_s)
        self.rss.values.append(run.peak_rss)
        self.cpu.values.append(run.cpu_s)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "command": self.command,
            "wall_s": self.wall.to_dict(),
            "peak_rss_bytes": self.rss.to_dict(),
            # None for a figure read back from a run saved before CPU time was measured.
            "cpu_s": self.cpu.to_dict() if self.cpu.values else None,
            "extra": self.extra,
        }


# -- formatting ---------------------------------------------------------------


def secs(value: float) -> str:
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s"


def secs_spread(s: Spread) -> str:
    """``1.23 s (1.20–1.31)``: the median and the range of the repetitions."""
    if len(s.values) == 1:
        return secs(s.median)
    return f"{secs(s.median)} ({secs(s.min)}–{secs(s.max)})"


def mb(value: float) -> str:
    return f"{value / MB:,.0f} MB"


def mb_spread(s: Spread) -> str:
    if len(s.values) == 1 or round(s.min / MB) == round(s.max / MB):
        return mb(s.median)
    return f"{mb(s.median)} ({s.min / MB:,.0f}–{s.max / MB:,.0f})"


def human_bytes(n: float) -> str:
    for unit, size in (("GB", GB), ("MB", MB), ("kB", 1000)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} B"


def verdict(met: bool) -> str:
    return "**met**" if met else "**missed**"


@dataclass
class Target:
    """One target of the brief and whether this run met it."""

    name: str  # "first run <= 15 s"
    figure: str  # "2.51 s"
    met: bool


def targets_table(targets: Sequence[Target]) -> str:
    return table(
        ["target", "figure", "result"], [[t.name, t.figure, verdict(t.met)] for t in targets]
    )


def table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A Markdown table; ``align`` has one letter per column (l/r), default left."""
    align = align or "l" * len(header)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def shell(cmd: Sequence[str]) -> str:
    """A command as a reader would type it: paths relative to the repository."""
    shown = []
    for part in cmd:
        text = str(part)
        if text == PYTHON:
            text = ".venv/bin/python"
        elif text == OLISTCTL:
            text = ".venv/bin/olistctl"
        elif text.startswith(str(REPO) + os.sep):
            text = os.path.relpath(text, REPO)
        shown.append(text if text and " " not in text else repr(text))
    return " ".join(shown)


# -- the command line and the results ---------------------------------------


@dataclass
class Options:
    reps: int
    smoke: bool
    work: Path
    results: Path


def parse_args(
    description: str,
    argv: Sequence[str] | None = None,
    *,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> tuple[Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one repetition: a quick check it works"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=DEFAULT_WORK,
        help="generated data and scratch space (default bench/.work)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=None,
        help="where the results section goes (default <work-dir>/results)",
    )
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    reps = 1 if args.smoke else args.reps
    if reps < 1:
        parser.error("--reps must be 1 or more")
    work = args.work_dir.resolve()
    refused = claim_work_dir(work)
    if refused:
        parser.error(refused)
    results = (args.results_dir or work / "results").resolve()
    results.mkdir(parents=True, exist_ok=True)
    return Options(reps=reps, smoke=args.smoke, work=work, results=results), args


def save(options: Options, name: str, markdown: str, data: dict, targets: Sequence[Target]) -> None:
    """Write a benchmark's section, figures and targets, and show the section on stdout."""
    data = {
        "benchmark": name,
        "smoke": options.smoke,
        "reps": options.reps,
        "targets": [asdict(t) for t in targets],
        **data,
    }
    (options.results / f"{name}.md").write_text(markdown.rstrip() + "\n", encoding="utf-8")
    (options.results / f"{name}.json").write_text(
        json.dumps(data, indent=2, default=_jsonable), encoding="utf-8"
    )
    print(markdown)


def _jsonable(value: object) -> object:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Path):
        return str(value)
    try:
        return asdict(value)  # type: ignore[arg-type]
    except TypeError:
        return str(value)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- the machine ----------------------------------------------------------------


def machine() -> dict[str, str]:
    """Cores, memory, CPU model, OS and the versions that shape the figures."""
    from importlib.metadata import version

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) * 1024 / GB:.1f} GB"
                break
    except OSError:
        pass
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    for package in ("olistctl", "pyarrow", "duckdb", "pandas", "numpy", "sqlglot", "typer"):
        try:
            info[package] = version(package)
        except Exception:
            info[package] = "not installed"
    return info


# -- shared inputs ----------------------------------------------------------------


def dataset(options: Options) -> Path:
    """The synthetic Olist dataset the benchmarks run on, generated once and reused.

    Full scale (100,000 orders) normally; 1,000 orders with ``--smoke``.
    """
    orders = SMOKE_ORDERS if options.smoke else FULL_ORDERS
    target = options.work / ("smoke-data" if options.smoke else "full")
    stamp = target / ".generated"
    wanted = f"orders={orders} seed={SEED}"
    if stamp.is_file() and stamp.read_text() == wanted:
        return target
    progress(f"generating the synthetic dataset ({orders:,} orders) into {target}")
    from olistctl.synth import generate

    generate(target, orders=orders, seed=SEED)
    stamp.write_text(wanted)
    return target


def olistctl_env() -> dict[str, str]:
    """The environment for olistctl processes: no settings leaking in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OLISTCTL_", "AWS_"))}
    env["OLISTCTL_BACKEND"] = "local"
    return env


def workspace(options: Options, data: Path) -> Path:
    """A local workspace holding ``data`` transformed and crawled (made once, then reused)."""
    target = options.work / ("ws-smoke" if options.smoke else "ws-full")
    stamp = target / ".bench-ready"
    if not stamp.is_file():
        progress(f"building the workspace {target}")
        subprocess.run(
            [OLISTCTL, "--workspace", target, "--no-progress", "--quiet", "run", data],
            env=olistctl_env(),
            cwd=options.work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        stamp.write_text(str(data))
    return target

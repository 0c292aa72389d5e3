"""Interleaved A/B timing of whole commands: which version of a command is faster, in one run.

Each variant is ``LABEL=[NAME=VALUE ...] :: COMMAND``; the variants take turns
(the order rotates every repetition), so a machine that is busier at one
moment slows every variant alike, and the medians are compared. Every
process is measured as in the benchmarks (``_harness.measure``: wall time, CPU
time (user + system, the steadier figure on a busy machine) and peak RSS of a
fresh process, byte-compiled modules). For example, the code
before a change (a copy of ``src`` in /tmp/before) against the working tree:

    .venv/bin/python bench/ab.py --reps 15 \\
        'before=PYTHONPATH=/tmp/before/src :: .venv/bin/python -m olistctl query -n payment_mix' \\
        'after= :: .venv/bin/python -m olistctl query -n payment_mix'

(``python -m olistctl``, not the console script: the script imports
``olistctl.cli.entry``, which code before 2026-12-07 does not have.)

A command starting with ``sh -c`` can prepare each run (e.g. empty a cache).
Not a benchmark of the product (nothing is written to docs/benchmarks.md):
a tool for measuring a change, as recorded in bench/analysis.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import time

from _harness import Measured, measure, secs_spread, table


def parse_variant(text: str) -> tuple[str, dict[str, str], list[str]]:
    label, sep, rest = text.partition("=")
    settings, sep2, command = rest.partition("::")
    if not sep or not sep2 or not label.strip() or not command.strip():
        raise SystemExit(f"a variant is LABEL=[NAME=VALUE ...] :: COMMAND, not {text!r}")
    env = dict(os.environ)
    for item in shlex.split(settings):
        name, _, value = item.partition("=")
        env[name] = value
    cmd = shlex.split(command)
    cmd[0] = os.path.abspath(shutil.which(cmd[0]) or cmd[0])
    return label.strip(), env, cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help="LABEL=[NAME=VALUE ...] :: COMMAND")
    parser.add_argument("--reps", type=int, default=11)
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        help="before each run, wait (up to 60 s) until this share of the CPUs was idle over"
        " the last half second, e.g. 0.9 on a machine shared with other jobs (default 0: no wait)",
    )
    options = parser.parse_args(argv)
    variants = [parse_variant(v) for v in options.variants]
    runs = {label: Measured(label, shlex.join(cmd)) for label, _, cmd in variants}
    waited = []
    for rep in range(options.reps):
        turn = rep % len(variants)
        for label, env, cmd in variants[turn:] + variants[:turn]:
            if options.idle:
                waited.append(wait_until_idle(options.idle))
            runs[label].add(measure(cmd, env=env))
    first = next(iter(runs.values()))
    rows = [
        [
            label,
            secs_spread(m.wall),
            f"{m.wall.median / first.wall.median:.2f}×",
            secs_spread(m.cpu),
            f"{m.cpu.median / first.cpu.median:.2f}×" if first.cpu.median else "",
            f"{m.rss.median / 1e6:,.0f} MB",
        ]
        for label, m in runs.items()
    ]
    header = ["variant", "wall", "vs first", "CPU (user+sys)", "vs first", "peak RSS"]
    print(table(header, rows, "lrrrrr"))
    if waited:
        print(
            f"Waited for idle CPUs before each run: {sum(waited):.0f} s in all,"
            f" {sum(w >= IDLE_TIMEOUT_S for w in waited)} run(s) started busy after"
            f" {IDLE_TIMEOUT_S:.0f} s."
        )
    return 0


IDLE_TIMEOUT_S = 60.0


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def wait_until_idle(share: float) -> float:
    """Seconds waited until ``share`` of the CPUs were idle over half a second (or the timeout)."""
    started = time.monotonic()
    while time.monotonic() - started < IDLE_TIMEOUT_S:
        idle0, total0 = _cpu_times()
        time.sleep(0.5)
        idle1, total1 = _cpu_times()
        if total1 > total0 and (idle1 - idle0) / (total1 - total0) >= share:
            break
    return time.monotonic() - started


if __name__ == "__main__":
    sys.exit(main())

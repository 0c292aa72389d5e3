"""Start-up: ``olistctl --help`` and ``olistctl query --help`` against ``python -c pass``.

Whole-process wall time and peak RSS of each, and which modules the help path
imports: none of boto3, botocore, pandas, pyarrow, duckdb may be among them
(they cost 0.1–0.5 s each). ``python -X importtime`` shows where the rest goes.
Target: each help <= 0.15 s, as installed by the README's ``make run`` (``uv sync
--compile-bytecode`` and ``compileall`` of the source: every module byte-compiled).

One row measures ``query --help`` without ``cli/plain_params.py`` (its
``install`` replaced by a no-op): what keeping that patch of typer's value
conversion is worth (it saves importing pydantic and building its adapters).

    .venv/bin/python bench/startup.py [--reps 5] [--smoke]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import (
    OLISTCTL,
    PYTHON,
    BenchError,
    Measured,
    Target,
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

TARGET_S = 0.15
HEAVY = ("boto3", "botocore", "pandas", "pyarrow", "duckdb")
# Reported, not forbidden: what else the help path pulls in.
NOTABLE = ("numpy", "sqlglot", "rich", "pydantic", "typer")
HELP_COMMANDS = (("--help",), ("query", "--help"))
# olistctl's entry point with cli/plain_params.py switched off.
_WITHOUT_PLAIN_PARAMS = (
    "import sys\n"
    "import olistctl.cli.plain_params as plain\n"
    "plain.install = lambda: False\n"
    "from olistctl.cli.app import main\n"
    "sys.argv = ['olistctl', *sys.argv[1:]]\n"
    "main()\n"
)
WITHOUT_PLAIN = "olistctl query --help, without cli/plain_params.py"

# Runs the olistctl entry point with the given arguments, then writes the
# top-level names of every imported module to a file.
_MODULES_PROBE = r"""
import json, sys
out_path, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["olistctl", *args]
try:
    from olistctl.cli.app import main
    main()
except SystemExit:
    pass
finally:
    with open(out_path, "w") as f:
        json.dump(sorted({m.split(".")[0] for m in sys.modules}), f)
"""


def imported_modules(args: tuple[str, ...]) -> set[str]:
    """Top-level modules imported by ``olistctl ARGS``, run in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "modules.json"
        subprocess.run(
            [PYTHON, "-c", _MODULES_PROBE, out, json.dumps(list(args))],
            env=olistctl_env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return set(json.loads(out.read_text()))


def slowest_imports(args: tuple[str, ...], top: int = 8) -> list[tuple[str, float]]:
    """The top-level imports with the largest cumulative time (``-X importtime``)."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", _MODULES_PROBE, "/dev/null", json.dumps(list(args))],
        env=olistctl_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)$", line)
        if match and not match.group(2):  # top level: not indented
            found.append((match.group(3), int(match.group(1)) / 1e6))
    return sorted(found, key=lambda item: -item[1])[:top]


def main(argv=None) -> int:
    options, _ = parse_args(__doc__.splitlines()[0], argv)
    env = olistctl_env()
    commands = {
        "python -c pass (baseline)": [PYTHON, "-c", "pass"],
        **{f"olistctl {' '.join(args)}": [OLISTCTL, *args] for args in HELP_COMMANDS},
        "olistctl --version": [OLISTCTL, "--version"],
        WITHOUT_PLAIN: [PYTHON, "-c", _WITHOUT_PLAIN_PARAMS, "query", "--help"],
    }
    runs = {label: Measured(label, shell(cmd)) for label, cmd in commands.items()}
    for cmd in commands.values():  # one unmeasured run: a cold cache is not start-up
        measure(cmd, env=env, cwd=options.work)
    for rep in range(options.reps):
        progress(f"start-up, repetition {rep + 1}/{options.reps}")
        for label, cmd in commands.items():
            runs[label].add(measure(cmd, env=env, cwd=options.work))

    imports = {" ".join(args): imported_modules(args) for args in HELP_COMMANDS}
    heavy = {cmd: sorted(m for m in HEAVY if m in mods) for cmd, mods in imports.items()}
    notable = {cmd: sorted(m for m in NOTABLE if m in mods) for cmd, mods in imports.items()}
    slowest = {" ".join(args): slowest_imports(args) for args in HELP_COMMANDS}

    markdown, targets = render(options, runs, heavy, notable, slowest)
    save(
        options,
        "startup",
        markdown,
        {
            "machine": machine(),
            "runs": {label: m.to_dict() for label, m in runs.items()},
            "heavy_imports": heavy,
            "notable_imports": notable,
            "slowest_imports_help": slowest,
        },
        targets,
    )
    if any(heavy.values()):
        raise BenchError(f"the help path imports heavy modules: {heavy}")
    return 0


def render(options, runs, heavy, notable, slowest) -> tuple[str, list[Target]]:
    base = runs["python -c pass (baseline)"].wall.median
    rows = []
    verdicts = []
    for label, m in runs.items():
        rows.append(
            [
                f"`{label}`",
                secs_spread(m.wall),
                f"+{secs(m.wall.median - base)}" if m.wall.median > base else "",
                mb_spread(m.rss),
            ]
        )
        if "--help" in label and label != WITHOUT_PLAIN:
            verdicts.append(
                Target(
                    f"start-up: `{label}` <= {TARGET_S} s",
                    secs(m.wall.median),
                    m.wall.median <= TARGET_S,
                )
            )
    for cmd, found in heavy.items():
        verdicts.append(
            Target(
                f"start-up: `olistctl {cmd}` imports none of {', '.join(HEAVY)}",
                ", ".join(found) or "none imported",
                not found,
            )
        )
    markdown = "\n".join(
        [
            "## Start-up",
            "",
            "Whole-process wall time and peak RSS, each command a fresh process after one"
            f" unmeasured warm-up run; median of {options.reps} (min–max). Measured in the"
            " `.venv` the README's `make run` installs (`uv sync --compile-bytecode`, then"
            " `compileall` of `src/olistctl`), so every module, olistctl's included, is"
            " byte-compiled as in any installed copy.",
            "",
            table(["command", "wall", "over `python -c pass`", "peak RSS"], rows, "lrrr"),
            "",
            targets_table(verdicts),
            "",
            "Also imported on the help path (allowed): "
            + "; ".join(f"`olistctl {c}`: {', '.join(m) or 'none'}" for c, m in notable.items())
            + ".",
            "",
            "Slowest top-level imports (`python -X importtime`, cumulative, one run):",
            "",
            *[
                f"- `olistctl {cmd}`: " + ", ".join(f"{name} {secs(t)}" for name, t in found)
                for cmd, found in slowest.items()
            ],
            "",
            f"Command: `.venv/bin/python bench/startup.py --reps {options.reps}`",
        ]
    )
    return markdown, verdicts


if __name__ == "__main__":
    sys.exit(main())

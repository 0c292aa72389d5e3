"""The ``olistctl`` console script: the CLI imported where a Ctrl-C can be answered.

Importing the commands' modules (typer among them) takes ~0.1 s, before the CLI's
own signal handling is in place: a Ctrl-C then ended in a Python traceback. Here
it ends as a Ctrl-C at a prompt does: one line, exit 130, nothing changed (no
command has started).
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from olistctl.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing was changed.\n")
        raise SystemExit(130) from None  # ExitCode.INTERRUPTED (errors.py is not loaded yet)
    run()

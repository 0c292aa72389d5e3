"""fs.read_own_file opens a path anyone who can write the workspace chose: opening it must
have no effect of its own before the checks that refuse what is not a regular file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The child has no controlling terminal (a new session), as a cron job or a daemon's child.
_CHILD = """
import os, sys
from pathlib import Path
from olistctl.fs import read_own_file
assert read_own_file(Path(sys.argv[1]), limit=16) is None  # a device: refused
try:
    os.close(os.open("/dev/tty", os.O_RDONLY))
    print("a controlling terminal")
except OSError:
    print("no controlling terminal")
"""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_in_place_of_a_file_does_not_become_the_controlling_terminal():
    """Without O_NOCTTY, a session leader that opens a terminal gains it as its controlling
    terminal (Linux's open(2)), so that terminal's hang-up and Ctrl-C would reach
    olistctl; the open happened before the check that refuses the device."""
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, os.ttyname(follower)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert (done.returncode, done.stdout, done.stderr) == (0, "no controlling terminal\n", "")

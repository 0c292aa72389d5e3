"""How the CLI tests check a command's error and what it left: one sentence, nothing changed.

A refused command exits with its code, says one ``Error:`` sentence with no traceback
(``--debug`` shows the traceback, the sentence still last), and changes no file: a
snapshot of the test folder (every name, size and SHA-256, the workspace included) is
taken before the command and compared after it. A command that goes ahead says no
``Error:`` line.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from refused_query import error_line


def snapshot(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Every file, folder and link under ``root``: (kind, size, SHA-256) or (link, target).

    ``skip`` leaves out paths (relative, '/'-separated) that the case lets change.
    """
    found: dict[str, tuple] = {}
    for dirpath, dirnames, names in os.walk(root):
        for name in dirnames + names:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if any(rel == s or rel.startswith(s + "/") for s in skip):
                continue
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(mode):
                found[rel] = ("dir",)
            elif stat.S_ISREG(mode):
                data = path.read_bytes()
                found[rel] = ("file", len(data), hashlib.sha256(data).hexdigest())
            else:  # a pipe: never opened (that would wait for a writer)
                found[rel] = ("special", stat.S_IFMT(mode))
    return found


def the_error(result) -> str:
    """The one ``Error:`` line: one sentence, no traceback; checked, then returned."""
    line = error_line(result)
    assert line.endswith((".", "?")), line
    return line


def assert_no_error(result) -> None:
    """A command that went ahead: no ``Error:`` line, no traceback."""
    assert "Traceback" not in result.stderr, result
    assert not [x for x in result.stderr.splitlines() if x.startswith("Error: ")], result


def assert_debug_shows_traceback(cli, args, code) -> None:
    """With ``--debug`` the same command shows its traceback, its ``Error:`` line last."""
    debug = cli("--debug", *args)
    assert debug.exit_code == code, debug
    assert "Traceback (most recent call last)" in debug.stderr, debug
    assert debug.stderr.rstrip().splitlines()[-1].startswith("Error: ")


def refused(cli, tmp_path, args, code, expected, *, env=None, skip=()):
    """Run a command that must be refused: its exit code, its sentence, nothing changed."""
    before = snapshot(tmp_path, skip=skip)
    result = cli(*args, env=env)
    assert result.exit_code == code, result
    line = the_error(result)
    if isinstance(expected, str):
        assert line == expected
    else:
        for part in expected:
            assert part in line, (part, line)
    assert snapshot(tmp_path, skip=skip) == before
    return result

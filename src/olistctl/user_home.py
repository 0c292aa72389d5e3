"""The user's home folder, where there is one, and ``~`` in the paths the user gives.

pathlib's ``Path.home()`` and ``Path.expanduser()`` raise RuntimeError where there is no
home (HOME unset, and a user id with no passwd entry: a container run as an arbitrary
user) or no such user (``~nobody/x``). The shell leaves such a ``~`` as it is written, and
so does olistctl (``os.path.expanduser``); where there is no home, no folder is the home
folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path | None:
    """The user's home folder; None where there is none."""
    try:
        return Path.home()
    except RuntimeError:
        return None


def expand(path: str | os.PathLike[str]) -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded, as the shell expands it."""
    return Path(os.path.expanduser(path))

"""A file of the user's where olistctl would write: its text, and the end of the sentence that
refuses to write over it (the sentence starts with the file's path in the workspace)."""

from __future__ import annotations

NOT_MINE = (
    "is not a file olistctl wrote, and olistctl never writes over a file of yours: move it"
    " out of the workspace (or rename it), then run the command again."
)
USERS = "the user's own notes, not Olist data\n"

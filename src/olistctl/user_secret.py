"""The user's secret that signs what olistctl keeps in a workspace and later trusts.

Whoever can write a workspace can write olistctl's files in it: the transpile
cache (SQL that will run), the upload's checksum memo (which files count as
unchanged) and ``run``'s kept KPI answers (numbers shown as answers). Each is
signed (HMAC-SHA256) with a secret of the user's kept outside any workspace
(``$XDG_STATE_HOME/olistctl/transpile-cache.key``, else ``~/.local/state/olistctl/``;
made once, mode 0600), so someone who can write the workspace but not the user's
state folder cannot forge them. Without the secret (a read-only home, another
user's file) nothing is kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

from olistctl.user_home import expand, home

# The name it was first made under, for the transpile cache: kept, so existing keys still count.
SECRET_NAME = "transpile-cache.key"
_SECRET_BYTES = 32
# An HMAC-SHA256 as hexdigest() writes it.
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def state_folder() -> Path | None:
    """The user's olistctl state folder (XDG's state home), outside any workspace; None
    where there is neither XDG_STATE_HOME nor a home folder."""
    base = os.environ.get("XDG_STATE_HOME")
    if not base:
        found = home()
        if found is None:
            return None
        base = str(found / ".local" / "state")
    return expand(base) / "olistctl"


@functools.cache
def user_secret() -> bytes | None:
    """The user's secret that signs cache entries: read, or made once (mode 0600, in one
    link, so two processes end up with the same one); None if it cannot be had."""
    folder = state_folder()
    if folder is None:
        return None
    path = folder / SECRET_NAME
    try:
        found = _read_secret(path)
        if found is not None or os.path.lexists(path):
            return found
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = folder / f".{SECRET_NAME}.{secrets.token_hex(6)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            try:
                os.write(fd, secrets.token_bytes(_SECRET_BYTES))
                os.fsync(fd)
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return _read_secret(path)
    except OSError:
        return None


def _read_secret(path: Path) -> bytes | None:
    """The secret at ``path`` if it is the user's own private file of the right size."""
    try:
        # Not blocking on a FIFO in its place; not taking a terminal there for the
        # controlling one (O_NOCTTY, as fs.read_own_file): the checks below come after.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (
            not stat.S_ISREG(st.st_mode)
            or st.st_uid != os.geteuid()
            or st.st_mode & 0o077
            or st.st_size != _SECRET_BYTES
        ):
            return None
        data = os.read(fd, _SECRET_BYTES + 1)
    finally:
        os.close(fd)
    return data if len(data) == _SECRET_BYTES else None


def _signature(secret: bytes, version: int, field: str, content: object) -> str:
    # The field names the kind of file, so one kind's signature never verifies another's.
    message = json.dumps([field, version, content], sort_keys=True).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_document(secret: bytes, version: int, field: str, content: object) -> bytes:
    """``{"format": version, field: content, "hmac": …}`` as JSON, signed with ``secret``."""
    signature = _signature(secret, version, field, content)
    return json.dumps({"format": version, field: content, "hmac": signature}).encode("utf-8")


def verified_content(data: Any, secret: bytes, version: int, field: str) -> dict | None:
    """The ``field`` object of a parsed :func:`signed_document` (``fs.read_own_json``), if it
    is one of ``version`` signed with ``secret``; None for anything else (missing, damaged,
    forged, another format)."""
    if not isinstance(data, dict):
        return None
    content, signature = data.get(field), data.get("hmac")
    if (
        data.get("format") != version
        or not isinstance(content, dict)
        or not isinstance(signature, str)
        # Hex digits only: compare_digest raises TypeError on a non-ASCII string.
        or not _HEX_DIGEST.fullmatch(signature)
    ):
        return None
    try:
        expected = _signature(secret, version, field, content)
    except (RecursionError, ValueError):  # nested deeper than json.dumps recurses
        return None
    return content if hmac.compare_digest(signature, expected) else None

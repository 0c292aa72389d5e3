"""The local workspace: a folder laid out like the buckets, plus catalog, ledger and lock.

::

    olist-lake/
      olistctl-workspace.json   marker: teardown refuses a folder without it
      raw/<table>/<file>.csv    (+ <file>.csv.sha256 sidecar)
      processed/<table>/<stem>.parquet
      results/<query id>.csv
      catalog.json
      ledger.jsonl
      .cache/sql/               transpiled SQL, keyed by the SQL and the catalog's types
      .lock

Every write goes to a temporary name in the same folder and is renamed into
place, so a crash or Ctrl-C never leaves a half-written object. Commands that
change the workspace hold an exclusive ``flock`` on ``.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from olistctl.errors import ConfigError, DeadlineExceeded

MARKER = "olistctl-workspace.json"
LOCK = ".lock"
CATALOG = "catalog.json"
LEDGER = "ledger.jsonl"
SHA_SUFFIX = ".sha256"
FORMAT_VERSION = 1


class Workspace:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    # -- layout ---------------------------------------------------------------
    def stage_dir(self, stage: str) -> Path:
        return self.root / stage

    def path(self, stage: str, key: str = "") -> Path:
        return self.stage_dir(stage) / key if key else self.stage_dir(stage)

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER

    @property
    def marker_path(self) -> Path:
        return self.root / MARKER

    def exists(self) -> bool:
        return self.marker_path.is_file()

    def ensure(self) -> None:
        """Create the workspace (idempotent), or say why it cannot be written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not self.marker_path.exists():
                atomic_write_text(
                    self.marker_path,
                    json.dumps({"olistctl_workspace": FORMAT_VERSION}) + "\n",
                )
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".probe-"):
                pass  # the workspace exists but may be read-only: find out now
        except PermissionError as exc:
            raise ConfigError(
                f"The workspace {self.root} is not writable",
                hint="choose another folder with --workspace or OLISTCTL_WORKSPACE,"
                " or fix its permissions",
            ) from exc
        except OSError as exc:
            raise ConfigError(
                f"The workspace {self.root} cannot be created ({exc.strerror})",
                hint="choose another folder with --workspace or OLISTCTL_WORKSPACE",
            ) from exc

    # -- locking --------------------------------------------------------------
    @contextlib.contextmanager
    def lock(
        self, *, waiting: Callable[[], None] | None = None, timeout_s: float = 600.0
    ) -> Iterator[None]:
        """Hold the workspace's exclusive lock; wait (up to ``timeout_s``) if another
        olistctl command holds it."""
        self.ensure()
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting:
                    waiting()
                deadline = time.monotonic() + timeout_s
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise DeadlineExceeded(
                                f"Another olistctl command has held the workspace {self.root}"
                                f" for over {timeout_s:.0f} s",
                                hint="wait for it to finish, or stop it",
                            ) from None
                        time.sleep(0.1)  # polling an OS lock; not test synchronisation
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto it if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")

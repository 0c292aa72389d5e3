"""The local object store: the workspace's ``raw/``, ``processed/`` and ``results/`` folders."""

from __future__ import annotations

import contextlib
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from olistctl import layout
from olistctl.backends.base import ObjectInfo, ProgressCallback, Stage
from olistctl.backends.local.workspace import (
    SHA_SUFFIX,
    Workspace,
    atomic_target,
    atomic_write_text,
    is_temporary,
)

_COPY_CHUNK = 1 << 20


def parquet_source_sha256(path: Path) -> str | None:
    """The SHA-256 of the CSV a Parquet file was made from (its key-value metadata)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path).metadata or {}
    except Exception:  # an unreadable file counts as "not converted"
        return None
    value = meta.get(layout.SOURCE_SHA256.encode())
    return value.decode() if value else None


class LocalStore:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self.name = str(workspace.root)

    def location(self, stage: Stage, key: str = "") -> str:
        return str(self.ws.path(stage, key))

    def _info(self, stage: Stage, key: str, path: Path) -> ObjectInfo:
        st = path.stat()
        sha: str | None = None
        if stage == "raw":
            sidecar = path.with_name(path.name + SHA_SUFFIX)
            with contextlib.suppress(FileNotFoundError):
                sha = sidecar.read_text().strip() or None
        elif stage == "processed" and path.suffix == layout.PARQUET_SUFFIX:
            sha = parquet_source_sha256(path)
        return ObjectInfo(
            stage=stage,
            key=key,
            size=st.st_size,
            modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
            sha256=sha,
        )

    def head(self, stage: Stage, key: str) -> ObjectInfo | None:
        path = self.ws.path(stage, key)
        if not path.is_file():
            return None
        return self._info(stage, key, path)

    def list(self, stage: Stage, prefix: str = "", *, checksums: bool = True) -> list[ObjectInfo]:
        # ``checksums`` is the protocol's: here a checksum costs a local read, not a request.
        base = self.ws.stage_dir(stage)
        if not base.is_dir():
            return []
        found: list[ObjectInfo] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if is_temporary(name) or name.endswith(SHA_SUFFIX):
                    continue
                path = Path(dirpath) / name
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    found.append(self._info(stage, key, path))
        return found

    def put_file(
        self,
        stage: Stage,
        key: str,
        path: str,
        *,
        sha256: str,
        progress: ProgressCallback | None = None,
    ) -> ObjectInfo:
        dest = self.ws.path(stage, key)
        sidecar = dest.with_name(dest.name + SHA_SUFFIX)
        # Drop the old checksum first: a crash between the two renames then
        # leaves "unknown" (re-upload next time), never a stale checksum.
        with contextlib.suppress(FileNotFoundError):
            sidecar.unlink()
        with atomic_target(dest) as tmp, open(path, "rb") as src, open(tmp, "wb") as out:
            while chunk := src.read(_COPY_CHUNK):
                out.write(chunk)
                if progress:
                    progress(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        atomic_write_text(sidecar, sha256 + "\n")
        return self._info(stage, key, dest)

    def open(self, stage: Stage, key: str):
        return open(self.ws.path(stage, key), "rb")

    def delete_stage(self, stage: Stage) -> None:
        shutil.rmtree(self.ws.stage_dir(stage), ignore_errors=True)

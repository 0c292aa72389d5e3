"""The local object store: the workspace's ``raw/``, ``processed/`` and ``results/`` folders."""

from __future__ import annotations

import builtins
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from olistctl import fs, layout
from olistctl.backends.base import ObjectStore
from olistctl.backends.local.workspace import PREVIOUS, SHA_SUFFIX, Workspace
from olistctl.errors import os_error
from olistctl.fs import is_temporary
from olistctl.records import ObjectInfo, ProgressCallback, Stage

_COPY_CHUNK = 8 << 20


def parquet_source_sha256(path: Path) -> str | None:
    """The SHA-256 of the CSV a Parquet file was made from (its key-value metadata).

    Read from the footer without pyarrow (``parquet_meta``): a re-run with nothing to
    convert then imports no pyarrow. An unreadable file counts as "not converted".
    """
    from olistctl.parquet_meta import key_value_metadata

    return (key_value_metadata(path) or {}).get(layout.SOURCE_SHA256) or None


class LocalStore(ObjectStore):
    # Two files at once: one is copied while the other's fsync waits on the disk (the
    # full-scale CSVs stored 0.112 s -> 0.083 s, median of 11; bench/analysis.md, issue 17).
    PUT_CONCURRENCY = 2

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    @property
    def name(self) -> str:
        return str(self.ws.root)

    def location(self, stage: Stage, key: str = "") -> str:
        return str(self.ws.path(stage, key))

    def _info(self, stage: Stage, key: str, path: Path) -> ObjectInfo:
        st = path.stat()
        sha: str | None = None
        if stage == "raw":
            sha = _read_sha(_sidecar(path))
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
        if base.is_symlink():
            raise self.ws.refuse_link(base)
        if not base.is_dir():
            return []
        found: list[ObjectInfo] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in dirnames:
                if dirpath == str(base) and os.path.islink(os.path.join(dirpath, name)):
                    # A table folder that leads elsewhere: said, never skipped in silence.
                    raise self.ws.refuse_link(base / name)
            for name in sorted(filenames):
                if is_temporary(name) or name.endswith(SHA_SUFFIX):
                    continue
                path = Path(dirpath) / name
                key = path.relative_to(base).as_posix()
                if stage != layout.RESULTS and key.count("/") != 1:
                    continue  # not <table>/<file>: no object of the pipeline's
                if not _utf8(key):
                    continue  # a name S3 could not hold as a key: no object of the pipeline's
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
        sidecar = _sidecar(dest)
        try:
            # Both refused (exit 6) if a file of the user's, or a link, is in the way.
            self.ws.claim(dest)
            self.ws.claim(sidecar)
            if stage == layout.RAW:
                # Before any byte is written: the previous version's place must be free of
                # the user's files and links, or the upload is refused.
                kept = self.ws.path(PREVIOUS, key)
                self.ws.check_claim(kept)
                self.ws.check_claim(_sidecar(kept))
            replaced_sha256 = _read_sha(sidecar)
            tmp, fd = self.ws.new_temporary(dest)
            checksum: Path | None = None
            try:
                with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                    _copy(src, out, progress)
                    os.fsync(out.fileno())
                # The checksum too is written before anything is replaced: a full disk
                # fails here, with nothing changed, not once the file is in place.
                checksum = self.ws.prepared(sidecar, (sha256 + "\n").encode())
                # Complete on disk: only now may the file it replaces move aside.
                if stage == layout.RAW:
                    self._keep_previous(key, sha256, replaced_sha256)
                # Drop the old checksum before the rename: a crash between the renames
                # then leaves "unknown" (re-upload next time), never a stale one.
                self.ws.remove(sidecar)
                self.ws.publish(tmp, dest)
                self.ws.publish(checksum, sidecar)
            except BaseException:
                self.ws.discard(tmp)
                self.ws.discard(checksum)
                raise
        except OSError as exc:
            raise os_error(
                exc, f"storing {path} as {self.location(stage, key)}", where=str(self.ws.root)
            ) from exc
        return self._info(stage, key, dest)

    # -- the previous version of a replaced raw file ---------------------------
    # S3 keeps an object's previous versions; here the last raw file an upload
    # replaced is kept under previous/ until its replacement has converted, so a
    # truncated or wrong upload never costs the good copy.

    def _keep_previous(self, key: str, new_sha256: str, current_sha256: str | None) -> None:
        current = self.ws.path(layout.RAW, key)
        if not current.is_file():
            return
        kept = self.ws.path(PREVIOUS, key)
        if os.path.lexists(kept) or os.path.lexists(_sidecar(kept)):
            # Refused unless olistctl put them there (a file of the user's, or a link, is
            # never taken for the previous version, nor deleted with it).
            self.ws.claim(kept)
            self.ws.claim(_sidecar(kept))
        if kept.is_file():
            # Already holding the version before the unconverted ones: keep it, unless
            # the upload brings that very content back.
            if _read_sha(_sidecar(kept)) == new_sha256:
                self.drop_previous(key)
            return
        if current_sha256 == new_sha256:
            return  # the same content again (--force): nothing to keep
        self.ws.remove(_sidecar(kept))
        self.ws.move(current, kept)
        if current_sha256:
            self.ws.write_text(_sidecar(kept), current_sha256 + "\n")

    def drop_previous(self, key: str) -> None:
        """The raw file ``key`` has converted: its kept previous version can go.

        Only what olistctl listed goes, reached without following links; a file of the
        user's there stays."""
        kept = self.ws.path(PREVIOUS, key)
        for path in (kept, _sidecar(kept)):
            try:
                self.ws.remove(path)
            except OSError:
                return  # kept a while longer: the next clean conversion tries again

    def previous_versions(self) -> builtins.list[ObjectInfo]:
        """The kept previous versions of raw files, keyed as the raw file they stand behind."""
        base = self.ws.stage_dir(PREVIOUS)
        if not base.is_dir():
            return []
        found = []
        for path in sorted(base.glob("*/*")):
            if path.is_file() and not is_temporary(path.name) and path.suffix != SHA_SUFFIX:
                key = path.relative_to(base).as_posix()
                st = path.stat()
                found.append(
                    ObjectInfo(
                        stage="raw",
                        key=key,
                        size=st.st_size,
                        modified=datetime.fromtimestamp(st.st_mtime, tz=UTC),
                        sha256=_read_sha(_sidecar(path)),
                    )
                )
        return found

    def open(self, stage: Stage, key: str) -> BinaryIO:
        return open(self.ws.path(stage, key), "rb")

    def read_range(self, stage: Stage, key: str, start: int, end: int) -> bytes:
        with self.open(stage, key) as fh:
            fh.seek(start)
            return fh.read(end - start + 1)

    def local_path(self, stage: Stage, key: str) -> Path:
        """Every object here is a file in the workspace."""
        return self.ws.path(stage, key)


def _utf8(name: str) -> bool:
    """Whether ``name`` is UTF-8 text (Python keeps other bytes of a file name as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _copy(src: BinaryIO, out: BinaryIO, progress: ProgressCallback | None) -> None:
    """``src`` into ``out``, in the kernel where it can (``copy_file_range``: no bytes
    through Python, half the time of a read/write loop on the full-scale dataset)."""
    src_fd, out_fd = src.fileno(), out.fileno()
    in_kernel = hasattr(os, "copy_file_range")
    total = 0
    while True:
        if in_kernel:
            try:
                copied = os.copy_file_range(src_fd, out_fd, _COPY_CHUNK)
            except OSError:  # not between these file systems: copy through Python
                in_kernel = False
                continue
            if not copied and not total:
                # 0 at once is not proof of an empty file: some file systems (procfs,
                # overlays) answer 0 before their end, so read it through Python instead
                # (Rust's std does the same, library/std/src/sys/pal/unix/kernel_copy.rs).
                in_kernel = False
                continue
        else:
            chunk = os.read(src_fd, _COPY_CHUNK)
            copied = len(chunk)
            view = memoryview(chunk)
            while view:
                view = view[os.write(out_fd, view) :]
        if not copied:
            return
        if copied == _COPY_CHUNK:  # more may follow: on its way to the disk meanwhile,
            fs.start_writeback(out_fd, total, copied)  # so the fsync waits for the end only
        total += copied
        if progress:
            progress(copied)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SHA_SUFFIX)


def _read_sha(sidecar: Path) -> str | None:
    try:
        return sidecar.read_text().strip() or None
    except OSError:
        return None

"""Writing and deleting in the workspace: only what olistctl made, never through a link.

Every file olistctl writes in a workspace is *claimed* first (:meth:`claim`):

- the folders on its way are reached one at a time without following links
  (``nofollow.py``); a link or a file where a folder should be is refused;
- the missing folders are listed in the manifest, then made;
- if something is already at the path, it must be a regular file the manifest
  lists: a file of the user's (or a link, a folder) is refused, never taken over,
  so a later teardown cannot delete it either;
- the path is listed before it is written.

A write then goes to a temporary name, listed in the manifest before it is
created (with ``O_EXCL``), and is renamed into place within the folder's
descriptor. A delete (:meth:`remove`) takes only a listed regular file, reached
the same way, and notes it gone. Refusals are :class:`olistctl.errors.Refused`
(exit 6) naming the path and the fix.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import olistctl.backends.local.nofollow as nofollow
from olistctl.backends.local.manifest import Manifest, Owned, temporary_name
from olistctl.errors import Refused
from olistctl.fs import PRIVATE


class WorkspaceFiles:
    """The file operations of a :class:`~olistctl.backends.local.workspace.Workspace`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = Manifest(root)
        self._claimed: set[str] = set()
        # Transform threads claim files side by side: one at a time, or two of them
        # could both list a new folder they share.
        self._claim_lock = threading.Lock()

    def owned(self) -> Owned:  # the workspace's; see Workspace.owned
        raise NotImplementedError

    def lists(self, rel: str) -> bool:  # the workspace's; see Workspace.lists
        raise NotImplementedError

    def forget_claims(self) -> None:
        """Check every path again at its next claim (the lock that covered them has ended)."""
        with self._claim_lock:
            self._claimed.clear()

    def _rel(self, path: str | os.PathLike) -> str:
        """``path`` relative to the workspace (given as the workspace's path, or absolute)."""
        path, root = Path(path), self.root
        if path.is_absolute() != root.is_absolute():
            path, root = Path(os.path.abspath(path)), Path(os.path.abspath(root))
        return path.relative_to(root).as_posix()

    @contextlib.contextmanager
    def _root_fd(self) -> Iterator[int]:
        fd = nofollow.open_root(self.root)
        try:
            yield fd
        finally:
            os.close(fd)

    # -- claiming ---------------------------------------------------------------
    def claim(self, path: Path) -> Path:
        """List ``path`` (and the missing folders above it, which are made) as olistctl's.

        Refused (exit 6) when a link, a file or a folder of the user's is in the way.
        Called before the file is written, so a crash in between leaves nothing unlisted.
        """
        rel = self._rel(path)
        with self._claim_lock:
            if rel in self._claimed:
                return Path(path)
            with self._root_fd() as root_fd:
                records, missing, fd = self._walk(root_fd, rel)
                try:
                    if not missing and self._already_olistctls(fd, rel):
                        self._claimed.add(rel)
                        return Path(path)
                    records.append({"file": rel})
                    self.manifest.append(records)
                    if missing:  # made now that they are listed, above, with the file
                        try:
                            made = nofollow.open_folder(fd, "/".join(missing), make=_listed_already)
                        except nofollow.Blocked as blocked:
                            raise self._blocked(blocked) from None
                        os.close(made)
                finally:
                    os.close(fd)
            self._claimed.update(r.get("dir") or r["file"] for r in records)
            return Path(path)

    def check_claim(self, path: Path) -> None:
        """Refuse now what :meth:`claim` would refuse, without listing or making anything
        (for a writer that claims only once it has something to write)."""
        rel = self._rel(path)
        if rel in self._claimed:
            return
        with self._root_fd() as root_fd:
            _, missing, fd = self._walk(root_fd, rel)
            try:
                if not missing:
                    self._already_olistctls(fd, rel)
            finally:
                os.close(fd)

    def _already_olistctls(self, folder_fd: int, rel: str) -> bool:
        """Whether ``rel`` (in the open folder) exists as a file olistctl listed; refused
        if something else is there."""
        what = nofollow.describe(folder_fd, rel.rpartition("/")[2])
        if what is None:
            return False
        if what != "a file":
            raise self._blocked(nofollow.Blocked(rel, what))
        if not self.lists(rel):
            raise self._foreign(rel)
        return True

    def _walk(self, root_fd: int, rel: str) -> tuple[list[dict[str, str]], list[str], int]:
        """The folders of ``rel``: records of the missing ones, their names, and the
        descriptor of the deepest one that exists (the caller closes it)."""
        folder = rel.rpartition("/")[0] or "."
        try:
            fd, missing = nofollow.open_existing(root_fd, folder)
        except nofollow.Blocked as blocked:
            raise self._blocked(blocked) from None
        parts = folder.split("/")
        records = [
            {"dir": "/".join(parts[:j])}
            for j in range(len(parts) - len(missing) + 1, len(parts) + 1)
        ]
        return records, missing, fd

    def released(self, path: Path) -> None:
        """Note that olistctl removed ``path``: a file the user puts there later is theirs."""
        rel = self._rel(path)
        with self._claim_lock:
            self.manifest.append([{"gone": rel}])
            self._claimed.discard(rel)

    # -- writing ---------------------------------------------------------------
    def new_temporary(self, path: Path, *, mode: int = PRIVATE) -> tuple[Path, int]:
        """A new temporary file beside the claimed ``path``, listed before it is made, and
        its descriptor open for writing (the caller closes it)."""
        self.claim(path)
        rel = self._rel(path)
        folder, _, name = rel.rpartition("/")
        tmp = temporary_name(name)
        tmp_rel = f"{folder}/{tmp}" if folder else tmp
        self.manifest.append([{"tmp": tmp_rel}])
        with self._root_fd() as root_fd, self._folder(root_fd, folder or ".") as dir_fd:
            fd = nofollow.create_new(dir_fd, tmp, mode)
        return self.root / tmp_rel, fd

    def publish(self, tmp: Path, path: Path, *, sync_folder: bool = False) -> None:
        """Rename the finished temporary ``tmp`` over ``path`` (same folder), listed again if
        it was released meanwhile (the raw file an upload moved aside, say)."""
        self.claim(path)
        rel = self._rel(path)
        folder, _, name = rel.rpartition("/")
        with self._root_fd() as root_fd, self._folder(root_fd, folder or ".") as dir_fd:
            what = nofollow.describe(dir_fd, name)
            if what not in (None, "a file"):
                raise self._blocked(nofollow.Blocked(rel, what))
            os.replace(Path(tmp).name, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            if sync_folder:
                with contextlib.suppress(OSError):
                    os.fsync(dir_fd)

    def discard(self, tmp: Path | None) -> None:
        """Remove a temporary of this command's that will not be published."""
        if tmp is None:
            return
        with contextlib.suppress(OSError, nofollow.Blocked), self._root_fd() as root_fd:
            rel = self._rel(tmp)
            folder, _, name = rel.rpartition("/")
            with self._folder(root_fd, folder or ".") as dir_fd:
                nofollow.unlink_file(dir_fd, name)

    def prepared(
        self, path: Path, data: bytes, *, durable: bool = True, mode: int = PRIVATE
    ) -> Path:
        """A listed temporary beside the claimed ``path`` holding ``data`` (``durable``:
        flushed to disk), for the caller to :meth:`publish` or :meth:`discard`."""
        tmp, fd = self.new_temporary(path, mode=mode)
        try:
            try:
                nofollow.write_all(fd, data)
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            self.discard(tmp)
            raise
        return tmp

    def write_bytes(
        self, path: Path, data: bytes, *, durable: bool = True, mode: int = PRIVATE
    ) -> None:
        """Claim ``path`` and write ``data`` there atomically (``durable``: flushed to disk
        before the rename; not for what can be made again, such as a cache entry)."""
        tmp = self.prepared(path, data, durable=durable, mode=mode)
        try:
            self.publish(tmp, path)
        except BaseException:
            self.discard(tmp)
            raise

    def write_text(self, path: Path, text: str, *, durable: bool = True) -> None:
        self.write_bytes(path, text.encode("utf-8"), durable=durable)

    def append(self, path: Path, data: bytes) -> None:
        """Append ``data`` (one ``write(2)``, ``O_APPEND``) to the claimed file ``path``."""
        self.claim(path)
        rel = self._rel(path)
        folder, _, name = rel.rpartition("/")
        with self._root_fd() as root_fd, self._folder(root_fd, folder or ".") as dir_fd:
            fd = nofollow.open_append(dir_fd, name)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def move(self, src: Path, dest: Path) -> None:
        """Rename the listed file ``src`` to the claimed ``dest`` (another folder maybe)."""
        src_rel = self._rel(src)
        if src_rel not in self._claimed and not self.lists(src_rel):
            raise self._foreign(src_rel)
        self.claim(dest)
        dest_rel = self._rel(dest)
        src_folder, _, src_name = src_rel.rpartition("/")
        dest_folder, _, dest_name = dest_rel.rpartition("/")
        with (
            self._root_fd() as root_fd,
            self._folder(root_fd, src_folder or ".") as src_fd,
            self._folder(root_fd, dest_folder or ".") as dest_fd,
        ):
            if nofollow.describe(src_fd, src_name) != "a file":
                raise FileNotFoundError(src_rel)
            os.replace(src_name, dest_name, src_dir_fd=src_fd, dst_dir_fd=dest_fd)
        self.released(src)

    # -- deleting ---------------------------------------------------------------
    def remove(self, path: Path) -> bool:
        """Delete ``path`` if it is a regular file olistctl listed, reached without links;
        True if it went. Anything else there (the user's file, a link) is left."""
        rel = self._rel(path)
        # Nothing there (the common case: a previous version that was never kept): no need
        # to search the manifest to know there is nothing to remove. Something there: the
        # manifest is asked now, not what this command learnt before, since another command
        # (queries run side by side) may have removed the file and listed it gone since.
        if not os.path.lexists(path) or not self.lists(rel):
            return False
        try:
            with self._root_fd() as root_fd, nofollow.folder_of(root_fd, rel) as (fd, name):
                gone = nofollow.unlink_file(fd, name)
        except (FileNotFoundError, nofollow.Blocked):
            return False
        if gone is None:
            return False
        self.released(path)
        return True

    # -- helpers ---------------------------------------------------------------
    @contextlib.contextmanager
    def _folder(self, root_fd: int, rel: str) -> Iterator[int]:
        try:
            fd = nofollow.open_folder(root_fd, rel)
        except nofollow.Blocked as blocked:
            raise self._blocked(blocked) from None
        try:
            yield fd
        finally:
            os.close(fd)

    def refuse_link(self, path: Path) -> Refused:
        """The refusal for a symbolic link at ``path`` in the workspace."""
        return self._blocked(nofollow.Blocked(self._rel(path), "a symbolic link"))

    def refuse_special(self, path: Path) -> Refused:
        """The refusal for a FIFO, socket or device at ``path``, where olistctl keeps a file."""
        return Refused(
            f"{self._rel(path)} in the workspace {self.root} is a special file (a FIFO, socket"
            " or device) where olistctl keeps a file of its own",
            hint="move it out of the workspace, then run the command again",
        )

    def _foreign(self, rel: str) -> Refused:
        return Refused(
            f"{rel} in the workspace {self.root} is not a file olistctl wrote, and olistctl"
            " never writes over a file of yours",
            hint="move it out of the workspace (or rename it), then run the command again",
        )

    def _blocked(self, blocked: nofollow.Blocked) -> Refused:
        where = f"{blocked.rel} in the workspace {self.root}"
        if blocked.what == "a symbolic link":
            return Refused(
                f"{where} is a symbolic link, and olistctl never follows a link inside a workspace",
                hint="remove the link (what it points to stays), then run the command again",
            )
        expected = "a file" if blocked.what == "a folder" else "a folder"
        return Refused(
            f"{where} is {blocked.what} where olistctl keeps {expected}",
            hint="move it out of the workspace, then run the command again",
        )


def _listed_already(rel: str) -> None:
    """``open_folder``'s ``make`` for folders :meth:`WorkspaceFiles.claim` listed before."""

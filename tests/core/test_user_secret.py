"""The user's secret that signs the transpile cache and the checksum memo."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from olistctl import user_secret as secret_module


def test_the_secret_is_the_users_private_file_made_once(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    secret_module.user_secret.cache_clear()
    try:
        first = secret_module.user_secret()
        path = tmp_path / "state" / "olistctl" / secret_module.SECRET_NAME
        assert first is not None and len(first) == 32
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        secret_module.user_secret.cache_clear()
        assert secret_module.user_secret() == first  # read back, not made again
        assert [p.name for p in path.parent.iterdir()] == [secret_module.SECRET_NAME]
        # Readable by others, or a link: not a secret, so nothing is cached.
        path.chmod(0o640)
        secret_module.user_secret.cache_clear()
        assert secret_module.user_secret() is None
        path.chmod(0o600)
        link = tmp_path / "state2" / "olistctl" / secret_module.SECRET_NAME
        link.parent.mkdir(parents=True)
        link.symlink_to(path)
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state2"))
        secret_module.user_secret.cache_clear()
        assert secret_module.user_secret() is None
    finally:
        secret_module.user_secret.cache_clear()


def test_a_fifo_in_place_of_the_secret_means_no_secret_not_a_hang(tmp_path):
    """A FIFO at the secret's path (made by mistake, or by whoever can write there) used to
    block the open for good: ``olistctl query`` then hung before running anything. The
    process runs apart, so that the old behaviour fails the test at its deadline instead of
    hanging the suite."""
    folder = tmp_path / "state" / "olistctl"
    folder.mkdir(parents=True)
    os.mkfifo(folder / secret_module.SECRET_NAME)
    code = "from olistctl.user_secret import user_secret; print(user_secret())"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
        capture_output=True,
        text=True,
        timeout=60,  # a bound on a wait, not a timing: it answers in well under a second
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "None\n", "")
    assert stat.S_ISFIFO((folder / secret_module.SECRET_NAME).lstat().st_mode)  # left as it was

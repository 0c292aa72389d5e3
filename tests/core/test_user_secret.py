"""The user's secret that signs the transpile cache and the checksum memo."""

from __future__ import annotations

import stat

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

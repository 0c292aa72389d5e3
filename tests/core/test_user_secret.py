"""The user's secret that signs the transpile cache and the checksum memo."""

from __future__ import annotations

import json
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


def _nested(depth: int) -> list:
    inner: list = []
    for _ in range(depth):
        inner = [inner]
    return inner


def test_any_parsed_json_that_is_no_signed_document_is_none_never_an_error():
    """Whoever can write a workspace writes the files verified_content reads (the transpile
    cache, the checksum memo, the kept answers): a signature with a non-ASCII character
    (hmac.compare_digest raised TypeError on it) or content nested deeper than json.dumps
    recurses (json.loads had read it: RecursionError) made `olistctl query`, `upload` and
    `run` end in "Unexpected TypeError ... This is a bug". Each is a forgery: None."""
    from olistctl.user_secret import signed_document, verified_content

    key = b"k" * 32
    good = json.loads(signed_document(key, 4, "translation", {"a": 1}))
    assert verified_content(good, key, 4, "translation") == {"a": 1}
    for forged in (
        {**good, "hmac": "é" * 64},
        {**good, "hmac": "\ud800"},
        {**good, "hmac": ""},
        {**good, "hmac": good["hmac"].upper()},
        {**good, "translation": {"a": _nested(100_000)}},
        {**good, "translation": {"a": float("nan")}},
    ):
        assert verified_content(forged, key, 4, "translation") is None


def test_a_signed_document_is_hmac_sha256_of_its_format_field_and_content():
    """Computed here with hmac and json alone, not with the signer: the forgery tests build
    their entries with olistctl's signer, so this pins what that signer writes."""
    import hashlib
    import hmac

    from olistctl.user_secret import signed_document, verified_content

    secret, content = b"k" * 32, {"sql": "SELECT 1", "n": [1, 2.5, None]}
    document = json.loads(signed_document(secret, 4, "translation", content))
    message = json.dumps(["translation", 4, content], sort_keys=True)
    expected = hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
    assert document == {"format": 4, "translation": content, "hmac": expected}
    assert verified_content(document, secret, 4, "translation") == content
    assert verified_content(document, b"j" * 32, 4, "translation") is None

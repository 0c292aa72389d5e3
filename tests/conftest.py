"""Fixtures shared by the whole suite.

- No network beyond 127.0.0.1: a guard refuses any other connection from the test process.
- No real AWS: credentials and config files point at fakes, so nothing can reach an account.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "sample_data"

_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address, *args, **kwargs):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else address
        if host not in _LOOPBACK:
            raise OSError(f"test tried to reach {address!r}: only 127.0.0.1 is allowed")
    return _real_connect(self, address, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _no_network_beyond_loopback():
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _moto_keeps_delete_markers_when_a_key_goes():
    """Work around a moto 5.2 bug that fails our teardown at random on a moto server.

    Deleting the last versions of a key whose history holds a delete marker calls
    ``dispose()`` on every version, and a ``FakeDeleteMarker`` has none: the server
    answers 500 (AttributeError). moto's own ``setlist`` checks ``hasattr`` first;
    ``pop`` does the same here. Real S3 has no such failure.
    """
    try:
        from moto.s3.models import FakeDeleteMarker
        from moto.s3.utils import _VersionedKeyStore
    except ImportError:
        yield
        return
    if hasattr(FakeDeleteMarker, "dispose"):  # fixed upstream: nothing to do
        yield
        return
    original = _VersionedKeyStore.pop

    def pop(self, key):
        for version in self.getlist(key, []):
            if hasattr(version, "dispose"):
                version.dispose()
        dict.pop(self, key)

    _VersionedKeyStore.pop = pop
    try:
        yield
    finally:
        _VersionedKeyStore.pop = original


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory):
    """The developer's AWS and olistctl settings, state and price cache never reach the suite.

    Done once per session (not per test), so fixtures that set their own
    variables for a moto server keep them.
    """
    import os

    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("OLISTCTL_", "AWS_")):
                mp.delenv(name, raising=False)
        fake = tmp_path_factory.getbasetemp() / "fake-aws"
        fake.mkdir(exist_ok=True)
        mp.setenv("AWS_CONFIG_FILE", str(fake / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(fake / "credentials"))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        # The user's price cache (report cost --refresh-prices) stays out: an empty one.
        # uv's cache is kept where it was: the set-up benchmark's smoke run installs the
        # lock offline from it.
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        mp.setenv("UV_CACHE_DIR", os.environ.get("UV_CACHE_DIR") or os.path.join(base, "uv"))
        cache = tmp_path_factory.getbasetemp() / "xdg-cache"
        cache.mkdir(exist_ok=True)
        mp.setenv("XDG_CACHE_HOME", str(cache))
        # The user's state (the transpile cache's secret) in a folder of the suite's own.
        mp.setenv("XDG_STATE_HOME", str(tmp_path_factory.getbasetemp() / "state"))
        yield


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return (
            f"CliResult(exit_code={self.exit_code}, stdout={self.stdout[-2000:]!r},"
            f" stderr={self.stderr[-2000:]!r}, exception={self.exception!r})"
        )


@pytest.fixture
def cli(tmp_path, monkeypatch) -> Callable[..., CliResult]:
    """Run ``olistctl`` in-process in a fresh folder; the workspace defaults to ./olist-lake."""
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict | None = None) -> CliResult:
        result = runner.invoke(app, [str(a) for a in args], input=input, env=env)
        return CliResult(result.exit_code, result.stdout, result.stderr, result.exception)

    return invoke


@pytest.fixture(scope="session")
def sample_data() -> Path:
    """The committed sample data (1,000 synthetic orders, seed 42)."""
    assert (SAMPLE_DATA / "olist_orders_dataset.csv").is_file(), "sample_data/ is missing"
    return SAMPLE_DATA

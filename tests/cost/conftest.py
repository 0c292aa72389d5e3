"""Fixtures for the cost report: a local workspace after `olistctl run` on the sample data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ran_workspace(tmp_path_factory, sample_data) -> Path:
    """A workspace after `olistctl run` on the committed sample data (shared: do not write)."""
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    workspace = tmp_path_factory.mktemp("ran") / "lake"
    result = CliRunner().invoke(
        app, ["--no-progress", "--workspace", str(workspace), "run", str(sample_data)]
    )
    assert result.exit_code == 0, result.output
    return workspace


@pytest.fixture
def workspace_copy(ran_workspace, tmp_path) -> Path:
    """A private copy of the ran workspace, for tests that add to its ledger."""
    target = tmp_path / "lake"
    shutil.copytree(ran_workspace, target)
    return target
